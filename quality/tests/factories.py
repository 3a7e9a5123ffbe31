"""factory-boy factories of the quality models; the starter library's measures come from the
migration, so tests pick them by id with :func:`measure`."""

import factory

from lmns.tests.factories import TrustFactory
from quality.models import FigureStatus, Measure, MonthlyFigure, Rebase
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
