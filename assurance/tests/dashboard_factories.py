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
    return Framework.objects.get(short_name="Ockenden interim")


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
