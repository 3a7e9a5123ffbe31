"""Factories for the dashboard's tests: returns and their agreed section ratings.

Frameworks, sections and requirements are reference data (migration 0002), so tests use the
shipped Ockenden interim framework rather than inventing one.
"""

from decimal import Decimal

import factory

from assurance.models import (
    Framework,
    QuarterlyReturn,
    ReturnStatus,
    SectionRating,
    Transition,
)
from lmns.tests.factories import ReportingPeriodFactory, TrustFactory


def ockenden_interim() -> Framework:
    return Framework.objects.get(short_name="Ockenden interim", version="2020")


class QuarterlyReturnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuarterlyReturn

    trust = factory.SubFactory(TrustFactory)
    framework = factory.LazyFunction(ockenden_interim)
    period = factory.SubFactory(ReportingPeriodFactory)
    status = ReturnStatus.ASSURED


class SectionRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SectionRating

    quarterly_return = factory.SubFactory(QuarterlyReturnFactory)
    section = factory.LazyAttribute(lambda o: o.quarterly_return.framework.sections.first())
    derived_percent = Decimal("80")
    agreed_percent = factory.LazyAttribute(lambda o: o.derived_percent)


class TransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transition

    quarterly_return = factory.SubFactory(QuarterlyReturnFactory)
    from_status = ReturnStatus.UNDER_REVIEW
    to_status = ReturnStatus.ASSURED


def rated_return(trust, period, figures: dict[str, object], status=ReturnStatus.ASSURED, **kw):
    """A return with one rating per section code in ``figures`` (derived = agreed)."""
    quarterly_return = QuarterlyReturnFactory(trust=trust, period=period, status=status, **kw)
    sections = {s.code: s for s in quarterly_return.framework.sections.all()}
    for code, figure in figures.items():
        value = None if figure is None else Decimal(str(figure))
        SectionRatingFactory(
            quarterly_return=quarterly_return,
            section=sections[code],
            derived_percent=value,
            agreed_percent=value,
        )
    return quarterly_return


def large_lmns(lmns, end_period, trusts: int = 40, quarters: int = 8):
    """``trusts`` trusts × every Ockenden interim section × ``quarters`` assured quarters up to
    ``end_period``, written with bulk inserts. Figures vary by trust, section and quarter."""
    from lmns.models import ReportingPeriod

    framework = ockenden_interim()
    sections = list(framework.sections.all())
    new_trusts = [TrustFactory.build(lmns=lmns) for _ in range(trusts)]
    for trust in new_trusts:
        trust.save()
    year, quarter = end_period.start_year, end_period.quarter
    periods = []
    for _ in range(quarters):
        periods.append(ReportingPeriod.objects.get_or_create(start_year=year, quarter=quarter)[0])
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    returns = QuarterlyReturn.objects.bulk_create(
        QuarterlyReturn(trust=t, framework=framework, period=p, status=ReturnStatus.ASSURED)
        for t in new_trusts
        for p in periods
    )
    ratings = []
    for n, quarterly_return in enumerate(returns):
        for s, section in enumerate(sections):
            value = Decimal((n * 7 + s * 13) % 101)
            ratings.append(
                SectionRating(
                    quarterly_return=quarterly_return,
                    section=section,
                    derived_percent=value,
                    agreed_percent=value,
                )
            )
    SectionRating.objects.bulk_create(ratings)
    return new_trusts, periods
