"""factory-boy factories of the quality models; the starter library's measures come from the
migration, so tests pick them by id with :func:`measure`."""

import datetime

import factory

from lmns.tests.factories import LmnsFactory, ReportingPeriodFactory, TrustFactory
from quality.models import (
    Accreditation,
    AccreditationScheme,
    AccreditationStep,
    Ambition,
    AmbitionActual,
    AmbitionTarget,
    FigureStatus,
    Measure,
    MonthlyFigure,
    Rebase,
    StepStatus,
)
from quality.selectors import add_months, last_complete_month


def measure(code: str) -> Measure:
    return Measure.objects.get(code=code)


def past_month(back: int = 0):
    """A month that has ended: the last complete month, or ``back`` months before it."""
    return add_months(last_complete_month(), -back)


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    code = factory.Sequence(lambda n: f"TEST-{n}")
    short_name = factory.Sequence(lambda n: f"Test measure {n}")
    theme = "training"
    description = "A measure made for a test."
    numerator = "Things done."
    denominator = "Things due."
    unit = "percent"
    better_direction = "higher"
    source = "Test"


class MonthlyFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonthlyFigure

    trust = factory.SubFactory(TrustFactory)
    measure = factory.LazyFunction(lambda: measure("TRAIN-PROMPT"))
    month = factory.LazyFunction(past_month)
    numerator = 90
    denominator = 100
    status = FigureStatus.PROVISIONAL

    class Params:
        final = factory.Trait(status=FigureStatus.FINAL)
        suppressed = factory.Trait(numerator=None, denominator=None, not_available=True)


class RebaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rebase

    trust = factory.SubFactory(TrustFactory)
    measure = factory.LazyFunction(lambda: measure("TRAIN-PROMPT"))
    month = factory.LazyFunction(lambda: past_month(6))
    reason = "New training programme from this month."


def fill_series(trust, code: str, values: list, *, denominator=100, end=None):
    """Figures for ``values`` (oldest first) ending with ``end`` (default the last complete
    month), with one bulk insert."""
    end = end or last_complete_month()
    m = measure(code)
    start = add_months(end, -(len(values) - 1))
    MonthlyFigure.objects.bulk_create(
        MonthlyFigure(
            trust=trust,
            measure=m,
            month=add_months(start, i),
            numerator=v,
            denominator=None if m.is_count else denominator,
        )
        for i, v in enumerate(values)
        if v is not None
    )


class AmbitionFactory(factory.django.DjangoModelFactory):
    """An LMNS's target on a measure (none by default: a plan's metric only)."""

    class Meta:
        model = Ambition

    lmns = factory.SubFactory(LmnsFactory)
    kind = "plan"
    metric = "Women placed on a continuity of carer pathway"
    unit = "%"

    class Params:
        national = factory.Trait(kind="national", source="Saving Babies' Lives")


class AmbitionTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AmbitionTarget

    ambition = factory.SubFactory(AmbitionFactory)
    due = datetime.date(2021, 3, 31)
    value = 51


class AmbitionActualFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AmbitionActual

    ambition = factory.SubFactory(AmbitionFactory)
    period = factory.SubFactory(ReportingPeriodFactory)
    value = 20


def baby_friendly() -> AccreditationScheme:
    return AccreditationScheme.objects.get(code="BFI")


class AccreditationFactory(factory.django.DjangoModelFactory):
    """A trust's Baby Friendly accreditation; ``provider`` makes it a provider that is not a
    trust (a community interest company)."""

    class Meta:
        model = Accreditation

    lmns = factory.LazyAttribute(lambda o: o.trust.lmns if o.trust else LmnsFactory())
    scheme = factory.LazyFunction(baby_friendly)
    trust = factory.SubFactory(TrustFactory)

    class Params:
        provider = factory.Trait(
            trust=None,
            provider_name="Medway Community Healthcare",
            provider_short_name="MCH",
            provider_kind="cic",
        )


class AccreditationStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccreditationStep

    accreditation = factory.SubFactory(AccreditationFactory)
    stage = factory.LazyFunction(lambda: baby_friendly().stages.get(order=1))
    status = StepStatus.ACHIEVED
    on = None

    class Params:
        planned = factory.Trait(status=StepStatus.PLANNED, on=datetime.date(2020, 3, 1))
