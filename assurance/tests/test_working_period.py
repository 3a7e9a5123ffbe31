"""The working period (``lmns.selectors.working_period``), each branch of its rule, and what
an LMNS collects."""

import pytest

from assurance.models import ReturnStatus
from assurance.tests.factories import CollectionFactory, QuarterlyReturnFactory, ockenden_interim
from lmns.selectors import working_period, working_periods
from lmns.tests.factories import ReportingPeriodFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def periods(world):
    """Three open quarters after the world's closed 2021/22 Q4 (2022/23 Q1 is the world's)."""
    return [
        world.period,
        ReportingPeriodFactory(start_year=2022, quarter=2, is_open=True),
        ReportingPeriodFactory(start_year=2022, quarter=3, is_open=True),
    ]


def test_no_collection_gives_the_latest_open_period(world, periods):
    assert working_period(world.lmns) == periods[-1]


def test_no_open_period_gives_none(world):
    world.period.is_open = False
    world.period.save()
    assert working_period(world.lmns) is None


def test_earliest_open_period_with_a_collected_return_not_assured(world, periods):
    framework = ockenden_interim()
    CollectionFactory(lmns=world.lmns, period=periods[1], framework=framework)
    CollectionFactory(lmns=world.lmns, period=periods[2], framework=framework)
    # One trust's return is assured, the other's only submitted: the period is still worked.
    QuarterlyReturnFactory(
        trust=world.trust, framework=framework, period=periods[1], status=ReturnStatus.ASSURED
    )
    QuarterlyReturnFactory(
        trust=world.sibling_trust,
        framework=framework,
        period=periods[1],
        status=ReturnStatus.SUBMITTED,
    )
    assert working_period(world.lmns) == periods[1]


def test_every_collected_return_assured_moves_on(world, periods):
    framework = ockenden_interim()
    CollectionFactory(lmns=world.lmns, period=periods[0], framework=framework)
    for trust in (world.trust, world.sibling_trust):
        QuarterlyReturnFactory(
            trust=trust, framework=framework, period=periods[0], status=ReturnStatus.ASSURED
        )
    # Nothing collected still to assure in an open period: the latest open period.
    assert working_period(world.lmns) == periods[-1]


def test_a_trust_not_asked_does_not_hold_the_period(world, periods):
    framework = ockenden_interim()
    CollectionFactory(lmns=world.lmns, period=periods[0], framework=framework, trusts=[world.trust])
    QuarterlyReturnFactory(
        trust=world.trust, framework=framework, period=periods[0], status=ReturnStatus.ASSURED
    )
    assert working_period(world.lmns) == periods[-1]


def test_closed_periods_are_never_worked(world, periods):
    CollectionFactory(lmns=world.lmns, period=world.previous_period, framework=ockenden_interim())
    assert working_period(world.lmns) == periods[-1]


def test_another_lmns_collection_does_not_count(world, periods):
    CollectionFactory(lmns=world.other_lmns, period=periods[0], framework=ockenden_interim())
    assert working_period(world.lmns) == periods[-1]
    assert working_period(world.other_lmns) == periods[0]


def test_many_lmnss_in_two_queries(world, periods, django_assert_num_queries):
    CollectionFactory(lmns=world.lmns, period=periods[1], framework=ockenden_interim())
    with django_assert_num_queries(2):
        found = working_periods([world.lmns.pk, world.other_lmns.pk])
    assert found == {world.lmns.pk: periods[1], world.other_lmns.pk: periods[-1]}


def test_collection_deadline_defaults_to_the_periods(world, periods):
    collection = CollectionFactory(lmns=world.lmns, period=periods[0])
    assert collection.deadline == periods[0].submission_deadline
