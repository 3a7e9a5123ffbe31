"""Two people submitting the same return at the same moment leave exactly one transition.

Each person runs in their own thread with their own database connection, opens the record (as
the page they see did), and a barrier then makes them press the button together. Needs PostgreSQL (SQLite serialises writers on one file and the test database
is in memory); CI's PostgreSQL pass runs it.
"""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from assurance.models import QuarterlyReturn, ReturnStatus, Transition
from assurance.services import take_action
from assurance.tests.factories import QuarterlyReturnFactory, fill_answers
from funding.models import SpendReturnTransition
from funding.services import transition_return
from funding.tests.factories import SpendEntryFactory, SpendReturnFactory
from lmns.models import Role
from lmns.tests.factories import lmns_member, trust_lead
from lmns.workflow import StaleRecord

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs two real connections to one database: run with DATABASE_URL=postgres://…",
    ),
]


def _submit(return_id: int, user_id: int, ready) -> None:
    """What the Submit button does: load the return as the page showed it, then take the step."""
    quarterly_return = QuarterlyReturn.objects.select_related("trust").get(pk=return_id)
    user = get_user_model().objects.get(pk=user_id)
    ready()
    take_action(
        ret=quarterly_return,
        action="submit",
        user=user,
        expected_version=quarterly_return.version,
    )


def _race(work, people: list[int]) -> list[str]:
    barrier = threading.Barrier(len(people))
    outcomes: list[str] = []

    def run(user_id: int) -> None:
        try:
            work(user_id, lambda: barrier.wait(timeout=30))
            outcomes.append("done")
        except StaleRecord:
            outcomes.append("refused")
        except Exception as error:  # shown in the assertion rather than lost in the thread
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


@pytest.mark.parametrize("attempt", range(3))
def test_two_leads_submitting_the_same_return_at_once_record_one_transition(world, attempt):
    quarterly_return = QuarterlyReturnFactory(trust=world.trust, period=world.period)
    fill_answers(quarterly_return)
    deputy = trust_lead(world.trust, "nuh-deputy-lead")
    people = [world.users["lead"].pk, deputy.pk]

    outcomes = _race(lambda user_id, ready: _submit(quarterly_return.pk, user_id, ready), people)

    assert outcomes == ["done", "refused"]
    assert Transition.objects.filter(quarterly_return=quarterly_return).count() == 1
    quarterly_return.refresh_from_db()
    assert quarterly_return.status == ReturnStatus.SUBMITTED
    assert quarterly_return.version == 2


def test_two_team_members_signing_off_a_spend_return_at_once_record_one_transition(world):
    spend_return = SpendReturnFactory(lmns=world.lmns, period=world.period, status="submitted")
    SpendEntryFactory(
        budget_line__stream__lmns=world.lmns,
        budget_line__stream__start_year=world.period.start_year,
        spend_return=spend_return,
    )
    colleague = lmns_member(world.lmns, Role.PROGRAMME_TEAM, "notts-team-2")
    people = [world.users["team"].pk, colleague.pk]

    def sign_off(user_id: int, ready) -> None:
        fresh = type(spend_return).objects.get(pk=spend_return.pk)
        user = get_user_model().objects.get(pk=user_id)
        ready()
        transition_return(fresh, "sign_off", user=user, expected_version=fresh.version)

    outcomes = _race(sign_off, people)

    assert outcomes == ["done", "refused"]
    assert SpendReturnTransition.objects.filter(spend_return=spend_return).count() == 1
    spend_return.refresh_from_db()
    assert spend_return.status == "signed_off"


def test_two_leads_pressing_submit_on_the_page_at_once_record_one_transition(world):
    from django.test import Client
    from django.urls import reverse

    quarterly_return = QuarterlyReturnFactory(trust=world.trust, period=world.period)
    fill_answers(quarterly_return)
    deputy = trust_lead(world.trust, "nuh-deputy-lead")
    clients = {}
    for user in (world.users["lead"], deputy):
        clients[user.pk] = Client()
        clients[user.pk].force_login(user)
    url = reverse("assurance:return_action", args=[quarterly_return.pk, "submit"])
    statuses = []

    def press_submit(user_id: int, ready) -> None:
        ready()
        response = clients[user_id].post(url, {"version": quarterly_return.version}, follow=True)
        statuses.append(response.status_code)

    _race(press_submit, list(clients))

    assert statuses == [200, 200]
    assert Transition.objects.filter(quarterly_return=quarterly_return).count() == 1
    quarterly_return.refresh_from_db()
    assert (quarterly_return.status, quarterly_return.version) == (ReturnStatus.SUBMITTED, 2)
