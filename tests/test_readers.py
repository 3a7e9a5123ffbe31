"""Who is told about a record (``lmns.access.readers``) against who may open its page.

For every persona and every record of the test world: being among a record's readers means its
page answers 200, and a persona who may open the page is among its readers. People who have left
are never readers.
"""

import pytest
from django.urls import reverse

from assurance.tests.factories import QuarterlyReturnFactory
from boardpack.tests.factories import BoardPackFactory
from conftest import PERSONAS
from funding.tests.factories import SpendReturnFactory
from lmns.access import Scope, readers
from lmns.models import Role

SIGNED_IN = [p for p in PERSONAS if p != "anonymous"] + ["other_lead"]


def _records(world):
    """(what, record, scope, page URL) for each kind of record the product tells people about."""
    rows = []
    for trust in (world.trust, world.sibling_trust, world.other_trust):
        ret = QuarterlyReturnFactory(trust=trust, period=world.period)
        rows.append((f"{trust.short_name} return", ret, Scope.trust("trust"), ret))
        rows.append((f"{trust.short_name} page", trust, None, trust))
    for lmns in (world.lmns, world.other_lmns):
        spend = SpendReturnFactory(lmns=lmns, period=world.period)
        pack = BoardPackFactory(lmns=lmns, period=world.period)
        rows.append((f"{lmns.short_name} page", lmns, None, lmns))
        rows.append((f"{lmns.short_name} spend return", spend, Scope.lmns("lmns"), spend))
        rows.append((f"{lmns.short_name} board pack", pack, Scope.lmns("lmns", wide=True), pack))
    return rows


def _url(record) -> str:
    name = type(record).__name__
    if name == "QuarterlyReturn":
        return reverse("assurance:return_detail", args=[record.pk])
    if name == "SpendReturn":
        args = [record.lmns_id, record.period.start_year, record.period.quarter]
        return reverse("funding:return_detail", args=args)
    if name == "BoardPack":
        return reverse("boardpack:pack", args=[record.lmns_id, record.period_id])
    return record.get_absolute_url()


def test_readers_are_exactly_those_whose_page_answers_200(world):
    clients = {persona: world.client_for(persona) for persona in SIGNED_IN}
    for what, record, scope, page in _records(world):
        told = set(readers(record, scope).values_list("username", flat=True))
        for persona in SIGNED_IN:
            status = clients[persona].get(_url(page)).status_code
            is_reader = world.users[persona].username in told
            assert is_reader == (status == 200), f"{persona} on {what}: {status}"


@pytest.mark.parametrize(
    "roles, expected",
    [
        ({Role.TRUST_LEAD}, {"nuh-lead"}),
        ({Role.PROGRAMME_TEAM}, {"notts-team"}),
        ({Role.PROGRAMME_TEAM, Role.BOARD_MEMBER}, {"notts-team", "notts-board"}),
    ],
)
def test_readers_hold_the_roles_asked_for(world, roles, expected):
    ret = QuarterlyReturnFactory(trust=world.trust, period=world.period)
    got = set(readers(ret, Scope.trust("trust"), roles=roles).values_list("username", flat=True))
    assert got == expected


def test_people_who_left_are_never_readers(world):
    lead = world.users["lead"]
    lead.is_active = False
    lead.save()
    got = set(readers(world.trust).values_list("username", flat=True))
    assert got == {"notts-team", "notts-board"}


def test_a_wide_record_has_no_trust_leads(world):
    pack = BoardPackFactory(lmns=world.lmns, period=world.period)
    got = set(readers(pack, Scope.lmns("lmns", wide=True)).values_list("username", flat=True))
    assert got == {"notts-team", "notts-board"}


def test_readers_make_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(readers(world.trust))
