"""Every workflow step, posted by every persona who may not take it, from the state it starts
from: refused (403 for a reader, 404 for a stranger, sign-in for the anonymous), nothing moves.

The steps are read from the apps' own workflow tables, so a new step is covered when it is added.
"""

import pytest
from django.urls import reverse

from assurance.models import ChangeRequest, ChangeRequestEntry, QuarterlyReturn, Transition
from assurance.services import CHANGE_REQUEST_WORKFLOW, RETURN_WORKFLOW, Action
from assurance.tests.factories import (
    DECLARATION_POST,
    ChangeRequestFactory,
    QuarterlyReturnFactory,
    fill_answers,
)
from conftest import PERSONAS
from funding.models import SpendReturn, SpendReturnTransition
from funding.services import SPEND_RETURN_WORKFLOW
from funding.tests.factories import SpendEntryFactory, SpendReturnFactory


def _refused(response, persona) -> bool:
    if persona == "anonymous":
        return response.status_code == 302 and "/accounts/login/" in response.url
    return response.status_code in (403, 404)


# Who may take each step of a return: the spec the step table is checked against.
RETURN_STEP_ROLES = {
    Action.SUBMIT: "lead",
    Action.START_REVIEW: "team",
    Action.ASSURE: "team",
    Action.SEND_BACK: "team",
    Action.REOPEN: "team",
    Action.DISCARD: "lead",
}


def test_every_return_step_has_a_role():
    assert {step.action for step in RETURN_WORKFLOW.steps} == set(RETURN_STEP_ROLES)


@pytest.mark.parametrize("action", sorted(RETURN_STEP_ROLES))
def test_return_steps_are_refused_to_everyone_but_their_role(world, action):
    step = RETURN_WORKFLOW.step(action)
    ret = QuarterlyReturnFactory(
        trust=world.trust, period=world.period, status=step.from_statuses[0]
    )
    fill_answers(ret)
    url = reverse("assurance:return_action", args=[ret.pk, action])
    data = {"version": ret.version, "comment": "Forged."}
    for persona in PERSONAS:
        if persona == RETURN_STEP_ROLES[action]:
            continue
        response = world.client_for(persona).post(url, data)
        assert _refused(response, persona), (persona, response.status_code)
        ret.refresh_from_db()
        assert ret.status == step.from_statuses[0] and ret.version == 1, persona
        assert not Transition.objects.filter(quarterly_return=ret).exists()
    # The control: the right person can take the step (sending back needs an open request).
    if action == Action.SEND_BACK:
        ChangeRequestFactory(quarterly_return=ret)
    declared = DECLARATION_POST if action == Action.SUBMIT else {}
    world.client_for(RETURN_STEP_ROLES[action]).post(
        url, {**data, **_assure_fields(ret), **declared}
    )
    assert QuarterlyReturn.with_discarded.get(pk=ret.pk).status == step.to_status


# Who may take each step of a change request: the trust's lead answers, the team judges.
REQUEST_STEP_ROLES = {"address": "lead", "accept": "team", "reopen": "team"}


def test_every_change_request_step_has_a_role():
    assert {step.action for step in CHANGE_REQUEST_WORKFLOW.steps} == set(REQUEST_STEP_ROLES)


@pytest.mark.parametrize("action", sorted(REQUEST_STEP_ROLES))
def test_change_request_steps_are_refused_to_everyone_but_their_role(world, action):
    step = CHANGE_REQUEST_WORKFLOW.step(action)
    request = ChangeRequestFactory(
        quarterly_return__trust=world.trust,
        quarterly_return__period=world.period,
        status=step.from_statuses[0],
    )
    url = reverse("assurance:request_step", args=[request.pk, action])
    data = {"version": request.version, "comment": "Forged."}
    for persona in PERSONAS:
        if persona == REQUEST_STEP_ROLES[action]:
            continue
        response = world.client_for(persona).post(url, data)
        assert _refused(response, persona), (persona, response.status_code)
        request.refresh_from_db()
        assert request.status == step.from_statuses[0] and request.version == 1, persona
        assert ChangeRequestEntry.objects.filter(change_request=request).count() == 1
    world.client_for(REQUEST_STEP_ROLES[action]).post(url, data)
    assert ChangeRequest.objects.get(pk=request.pk).status == step.to_status


def _assure_fields(ret) -> dict:
    return {f"agreed_{r.section_id}": str(r.derived_percent) for r in ret.section_ratings.all()}


@pytest.mark.parametrize("action", sorted(s.action for s in SPEND_RETURN_WORKFLOW.steps))
def test_spend_return_steps_are_for_the_programme_team_only(world, action):
    step = SPEND_RETURN_WORKFLOW.step(action)
    from_statuses, to_status = step.from_statuses, step.to_status
    spend_return = SpendReturnFactory(lmns=world.lmns, period=world.period, status=from_statuses[0])
    SpendEntryFactory(
        budget_line__stream__lmns=world.lmns,
        budget_line__stream__start_year=world.period.start_year,
        spend_return=spend_return,
    )
    url = reverse(
        "funding:return_transition",
        args=[world.lmns.pk, world.period.start_year, world.period.quarter, action],
    )
    data = {"version": spend_return.version, "comment": "Forged.", "confirm": "on"}
    for persona in PERSONAS:
        if persona == "team":
            continue
        response = world.client_for(persona).post(url, data)
        assert _refused(response, persona), (persona, response.status_code)
        assert SpendReturn.objects.get(pk=spend_return.pk).status == from_statuses[0]
        assert not SpendReturnTransition.objects.exists()
    world.client_for("team").post(url, data)
    assert SpendReturn.objects.get(pk=spend_return.pk).status == to_status
