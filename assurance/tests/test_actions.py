"""Actions to reach full compliance: raised on an answer, carried into the next quarter's
return and updated there, closed only by the LMNS (evidence accepted, or no longer needed with
a reason)."""

import datetime

import pytest
from django.urls import reverse

from assurance.models import Action, ActionClosure, ActionDelivery, ComplianceStatus, ReturnStatus
from assurance.services import (
    Action as Step,
)
from assurance.services import (
    ReturnError,
    answers_for_return,
    close_action,
    missing_items,
    raise_action,
    record_verdict,
    take_action,
    update_action,
)
from assurance.tests.factories import (
    DECLARATION,
    QuarterlyReturnFactory,
    fill_answers,
    framework_with,
)
from lmns.tests.factories import ReportingPeriodFactory
from lmns.workflow import StaleRecord

PARTLY = ComplianceStatus.PARTIALLY_MET


@pytest.fixture
def framework():
    return framework_with(sections=1, requirements=2)


@pytest.fixture
def earlier(world, framework):
    """Last quarter's assured return, IEA1.1 partially met with an action raised on it."""
    ret = QuarterlyReturnFactory(
        trust=world.trust, period=world.previous_period, framework=framework
    )
    fill_answers(ret)
    answer = ret.answers.get(requirement__code="IEA1.1")
    answer.status = PARTLY
    answer.save()
    raise_action(
        answer=answer,
        values={"what": "Re-audit consent", "owner": "Consultant midwife", "due": _d(2022, 6, 30)},
        user=world.users["lead"],
    )
    ret.status = ReturnStatus.ASSURED
    ret.save()
    return ret


@pytest.fixture
def current(world, framework, earlier):
    return QuarterlyReturnFactory(trust=world.trust, period=world.period, framework=framework)


def _d(*args) -> datetime.date:
    return datetime.date(*args)


def _section_url(ret) -> str:
    return reverse("assurance:section_edit", args=[ret.pk, ret.framework.sections.get().pk])


def test_next_quarters_return_shows_the_open_action_for_update_not_retyping(
    world, current, as_lead
):
    page = as_lead.get(_section_url(current)).content.decode()
    action = Action.objects.get()
    assert "Re-audit consent" in page
    assert f"raised in {world.previous_period}" in page
    assert reverse("assurance:action_edit", args=[action.pk]) in page
    # The carried action counts for the new answer: no second action is needed to submit.
    fill_answers(current)
    current.answers.filter(requirement__code="IEA1.1").update(status=PARTLY)
    assert missing_items(answers_for_return(current)) == []


def test_a_not_fully_met_answer_needs_an_action_before_submitting(world, framework):
    ret = QuarterlyReturnFactory(trust=world.trust, period=world.period, framework=framework)
    fill_answers(ret)
    ret.answers.filter(requirement__code="IEA1.2").update(status=PARTLY)
    [missing] = missing_items(answers_for_return(ret))
    assert missing.problems == ("add an action to reach full compliance",)


def test_the_lead_updates_it_in_the_next_quarter_and_it_stays_open(world, current, as_lead):
    action = Action.objects.get()
    data = {
        "what": action.what,
        "owner": action.owner,
        "owner_user": world.users["lead"].pk,
        "due": "2022-06-30",
        "evidence_by": "2022-07-31",
        "progress": "at_risk",
        "delivery": "delivered",
        "delivered_on": "2022-05-20",
        "evidence_location": "Audit report on the governance drive",
        "version": action.version,
    }
    response = as_lead.post(reverse("assurance:action_edit", args=[action.pk]), data)
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.delivery, action.delivered_on, action.version) == (
        ActionDelivery.DELIVERED,
        _d(2022, 5, 20),
        2,
    )
    assert action.is_open and action.history.count() == 2
    # Posted again unchanged: nothing written.
    data["version"] = action.version
    as_lead.post(reverse("assurance:action_edit", args=[action.pk]), data)
    assert Action.objects.get().version == 2 and action.history.count() == 2
    # An old version is refused, and what was typed is kept on the page.
    data.update(version=1, evidence_location="Somewhere else")
    page = as_lead.post(reverse("assurance:action_edit", args=[action.pk]), data)
    assert page.status_code == 200 and "Somewhere else" in page.content.decode()
    assert Action.objects.get().evidence_location == "Audit report on the governance drive"


def test_delivered_needs_its_date_and_never_a_future_one(world, current):
    action = Action.objects.get()
    action.delivery = ActionDelivery.DELIVERED
    with pytest.raises(ReturnError, match="date the action was delivered"):
        update_action(action=action, user=world.users["lead"], expected_version=1)
    action.delivered_on = datetime.date.today() + datetime.timedelta(days=1)
    with pytest.raises(ReturnError, match="future"):
        update_action(action=action, user=world.users["lead"], expected_version=1)


def _submitted(world, ret):
    fill_answers(ret)
    ret.answers.filter(requirement__code="IEA1.1").update(status=PARTLY)
    ret.refresh_from_db()
    take_action(
        ret=ret,
        action=Step.SUBMIT,
        user=world.users["lead"],
        expected_version=1,
        declaration=DECLARATION,
    )
    ret.refresh_from_db()
    return ret


def _judge(world, ret, verdict: str) -> None:
    answer = ret.answers.get(requirement__code="IEA1.1")
    current = getattr(answer, "verdict", None)
    record_verdict(
        answer=answer,
        verdict=verdict,
        reason="Old audit" if verdict == "insufficient" else "",
        files=[],
        user=world.users["team"],
        expected_version=current.version if current else 0,
    )


def test_it_closes_only_when_the_lmns_accepts_its_evidence(world, current):
    action = Action.objects.get()
    ret = _submitted(world, current)
    # Evidence judged sufficient while the action is still in progress: it stays open.
    _judge(world, ret, "sufficient")
    action.refresh_from_db()
    assert action.is_open
    # Delivered, then the evidence judged again: accepted and closed.
    action.delivery, action.delivered_on = ActionDelivery.DELIVERED, _d(2022, 5, 20)
    update_action(action=action, user=world.users["lead"], expected_version=action.version)
    _judge(world, ret, "insufficient")
    assert Action.objects.get().is_open
    _judge(world, ret, "sufficient")
    action.refresh_from_db()
    assert (action.closure, action.delivery, action.closed_by) == (
        ActionClosure.ACCEPTED,
        ActionDelivery.EVIDENCED,
        world.users["team"],
    )
    assert "Evidence judged sufficient" in action.closure_reason
    # Closed, the lead can no longer change it, and next quarter's return no longer shows it.
    with pytest.raises(ReturnError, match="closed"):
        update_action(action=action, user=world.users["lead"], expected_version=action.version)
    later = QuarterlyReturnFactory(
        trust=world.trust,
        period=ReportingPeriodFactory(start_year=2022, quarter=2),
        framework=current.framework,
    )
    page = world.client_for("lead").get(_section_url(later)).content.decode()
    assert "Re-audit consent" not in page


def test_the_lmns_closes_it_as_no_longer_needed_only_with_a_reason(world, current, as_team):
    action = Action.objects.get()
    url = reverse("assurance:action_close", args=[action.pk])
    page = as_team.post(url, {"closure": "not_needed", "reason": " ", "version": 1})
    assert "Say why the action is no longer needed." in page.content.decode()
    with pytest.raises(ReturnError, match="no longer needed"):
        close_action(
            action=action,
            closure=ActionClosure.NOT_NEEDED,
            reason="",
            user=world.users["team"],
            expected_version=1,
        )
    response = as_team.post(
        url, {"closure": "not_needed", "reason": "Replaced by the regional pathway", "version": 1}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.closure, action.closure_reason) == (
        ActionClosure.NOT_NEEDED,
        "Replaced by the regional pathway",
    )
    with pytest.raises(ReturnError, match="already closed"):
        close_action(
            action=action,
            closure=ActionClosure.ACCEPTED,
            reason="",
            user=world.users["team"],
            expected_version=action.version,
        )


def test_two_people_closing_at_once_close_it_once(world, current):
    action = Action.objects.get()
    close_action(
        action=action, closure="accepted", reason="", user=world.users["team"], expected_version=1
    )
    stale = Action.objects.get()
    stale.closure = ""  # as the second person's page still shows it
    with pytest.raises(StaleRecord):
        close_action(
            action=stale,
            closure="not_needed",
            reason="Superseded",
            user=world.users["team"],
            expected_version=1,
        )


def test_the_lead_adds_an_action_on_a_draft_answer_only(world, current, as_lead):
    answer = current.answers.get(requirement__code="IEA1.2")
    data = {"what": "Train the rest", "owner": "Practice educator", "due": "2022-09-30"}
    data.update(progress="on_track", delivery="not_started")
    response = as_lead.post(reverse("assurance:action_new", args=[answer.pk]), data)
    assert response.status_code == 302
    added = Action.objects.get(raised_on=answer)
    assert (added.trust, added.requirement, added.due) == (
        world.trust,
        answer.requirement,
        _d(2022, 9, 30),
    )
    # A due date is needed; nothing is added without it.
    page = as_lead.post(reverse("assurance:action_new", args=[answer.pk]), {**data, "due": ""})
    assert page.status_code == 200 and Action.objects.filter(raised_on=answer).count() == 1
    current.status = ReturnStatus.SUBMITTED
    current.save()
    assert as_lead.get(reverse("assurance:action_new", args=[answer.pk])).status_code == 403


@pytest.mark.parametrize(
    ("today", "overdue"),
    [(_d(2022, 6, 30), False), (_d(2022, 7, 1), True)],
)
def test_an_action_is_overdue_from_the_day_after_its_due_date(today, overdue):
    action = Action(due=_d(2022, 6, 30))
    assert action.is_overdue(today) is overdue
    action.closure = ActionClosure.ACCEPTED
    assert action.is_overdue(today) is False
