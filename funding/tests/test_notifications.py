"""A spend return's steps tell the right people: the rest of the team, then the holders' leads."""

import pytest

from funding.services import transition_return
from funding.tests.factories import SpendEntryFactory, SpendReturnFactory, every_holder_complete
from lmns.models import Notification, Role
from lmns.tests.factories import lmns_member


@pytest.fixture
def submitted(world, funded, django_capture_on_commit_callbacks):
    spend = SpendReturnFactory(lmns=world.lmns, period=world.period)
    for line in (funded.central, funded.nuh_line, funded.sfh_line):
        SpendEntryFactory(budget_line=line, spend_return=spend)
    every_holder_complete(spend)
    with django_capture_on_commit_callbacks(execute=True):
        transition_return(
            spend_return=spend, action="submit", user=world.users["team"], expected_version=1
        )
    return spend


def _told(kind):
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


def test_submitting_tells_the_team_but_not_the_submitter(
    world, funded, django_capture_on_commit_callbacks
):
    colleague = lmns_member(world.lmns, Role.PROGRAMME_TEAM, "notts-team-2")
    spend = SpendReturnFactory(lmns=world.lmns, period=world.period)
    for line in (funded.central, funded.nuh_line, funded.sfh_line):
        SpendEntryFactory(budget_line=line, spend_return=spend)
    every_holder_complete(spend)
    with django_capture_on_commit_callbacks(execute=True):
        transition_return(
            spend_return=spend, action="submit", user=world.users["team"], expected_version=1
        )
    assert _told("spend_return.submitted") == [colleague.username]
    note = Notification.objects.get()
    assert note.url == f"/funding/lmns/{world.lmns.pk}/2022/q1/"
    assert note.text == "The NottsLMNS spend return for 2022/23 Q1 was submitted for sign-off"


def test_signing_off_tells_the_submitter_and_the_holders_leads(
    world, submitted, django_capture_on_commit_callbacks
):
    signer = lmns_member(world.lmns, Role.PROGRAMME_TEAM, "notts-team-2")
    with django_capture_on_commit_callbacks(execute=True):
        transition_return(
            spend_return=submitted, action="sign_off", user=signer, expected_version=2
        )
    assert _told("spend_return.signed_off") == ["notts-team", "nuh-lead", "sfh-lead"]
    lead_note = Notification.objects.get(recipient=world.users["lead"])
    assert lead_note.url == f"/funding/trusts/{world.trust.pk}/"
    assert world.client_for("lead").get(lead_note.url).status_code == 200
