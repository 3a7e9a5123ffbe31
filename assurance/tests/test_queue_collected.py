"""The returns' work queue follows what the LMNS collects for its working period."""

import datetime

import pytest

from assurance.models import Framework, ReturnStatus
from assurance.queue import lead_items, not_submitted_items
from assurance.tests.factories import CollectionFactory, QuarterlyReturnFactory, framework_with
from lmns.access import get_access
from lmns.queue import Context
from lmns.tests.factories import ReportingPeriodFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2022, 7, 20)


@pytest.fixture
def frameworks(world):
    Framework.objects.update(active=False)
    return (
        framework_with(sections=1, short_name="Ockenden interim"),
        framework_with(sections=1, short_name="MIS"),
    )


def _context(access):
    return Context(
        TODAY,
        (ReportingPeriodFactory(start_year=2022, quarter=1),),
        frozenset(access.readable_lmns_ids),
    )


def test_the_lead_sees_each_collected_return_with_its_state_and_deadline(world, frameworks):
    interim, mis = frameworks
    CollectionFactory(
        lmns=world.lmns, period=world.period, framework=interim, deadline=datetime.date(2022, 7, 15)
    )
    CollectionFactory(
        lmns=world.lmns, period=world.period, framework=mis, deadline=datetime.date(2022, 8, 1)
    )
    QuarterlyReturnFactory(
        trust=world.trust, period=world.period, framework=mis, status=ReturnStatus.DRAFT
    )
    access = get_access(world.users["lead"])
    items = sorted(lead_items(access, _context(access)), key=lambda i: i.rank)
    assert [(i.kind, i.title, i.when) for i in items] == [
        ("Return to start", "NUH Ockenden interim return for 2022/23 Q1", "5 days overdue"),
        ("Return to submit", "NUH MIS return for 2022/23 Q1", "due in 12 days"),
    ]
    assert items[0].late and "due 15 July 2022" in items[0].detail


def test_a_submitted_return_is_listed_after_the_work_to_do(world, frameworks):
    interim, _ = frameworks
    CollectionFactory(lmns=world.lmns, period=world.period, framework=interim)
    QuarterlyReturnFactory(
        trust=world.trust, period=world.period, framework=interim, status=ReturnStatus.SUBMITTED
    )
    access = get_access(world.users["lead"])
    (item,) = lead_items(access, _context(access))
    assert item.kind == "With the LMNS" and item.when == "submitted" and not item.late


def test_nothing_collected_nothing_to_start(world, frameworks):
    access = get_access(world.users["lead"])
    assert lead_items(access, _context(access)) == []
    team = get_access(world.users["team"])
    assert not_submitted_items(team, _context(team)) == []


def test_the_team_sees_only_collected_returns_not_submitted(world, frameworks):
    interim, mis = frameworks
    # MIS is collected from SFH only; NUH has submitted its Ockenden interim return.
    CollectionFactory(lmns=world.lmns, period=world.period, framework=interim)
    CollectionFactory(
        lmns=world.lmns, period=world.period, framework=mis, trusts=[world.sibling_trust]
    )
    QuarterlyReturnFactory(
        trust=world.trust, period=world.period, framework=interim, status=ReturnStatus.SUBMITTED
    )
    team = get_access(world.users["team"])
    items = not_submitted_items(team, _context(team))
    assert [(i.title, i.detail) for i in items] == [
        ("SFH: 2 returns for 2022/23 Q1 not submitted", "MIS, Ockenden interim; due 30 July 2022")
    ]


def test_queue_queries_do_not_grow_with_trusts(world, frameworks, django_assert_num_queries):
    from lmns.tests.factories import MembershipFactory, TrustFactory

    interim, _ = frameworks
    for _ in range(10):
        trust = TrustFactory(lmns=world.lmns)
        MembershipFactory(user=world.users["lead"], role="trust_lead", trust=trust)
    CollectionFactory(lmns=world.lmns, period=world.period, framework=interim)
    lead, team = get_access(world.users["lead"]), get_access(world.users["team"])
    lead_context, team_context = _context(lead), _context(team)
    # The working period (one query), then the source's own.
    with django_assert_num_queries(3):
        assert len(lead_items(lead, lead_context)) == 11
    with django_assert_num_queries(3):
        assert len(not_submitted_items(team, team_context)) == 12
