"""Every completed workflow step writes its transition row and publishes one event on commit."""

import pytest

from assurance.models import ReturnStatus, Transition
from assurance.services import RETURN_WORKFLOW, Action, take_action
from assurance.tests.factories import QuarterlyReturnFactory
from lmns import workflow
from lmns.workflow import StaleRecord


@pytest.fixture
def events(monkeypatch):
    """What subscribers receive, with the registry restored afterwards."""
    monkeypatch.setattr(workflow, "_SUBSCRIBERS", [])
    received = []
    workflow.subscribe(received.append)
    return received


@pytest.fixture
def submitted(world):
    return QuarterlyReturnFactory(
        trust=world.trust, period=world.period, status=ReturnStatus.SUBMITTED
    )


@pytest.mark.django_db
def test_a_step_publishes_who_what_from_to_and_the_record_after_commit(
    world, submitted, events, django_capture_on_commit_callbacks
):
    team = world.users["team"]
    with django_capture_on_commit_callbacks(execute=False) as pending:
        transition = take_action(
            ret=submitted, action=Action.START_REVIEW, user=team, expected_version=submitted.version
        )
    assert events == []  # nothing is said before the step is committed
    for callback in pending:
        callback()
    [event] = events
    assert event.workflow == "return" and event.action == Action.START_REVIEW
    assert event.by == team and event.record == submitted
    assert (event.from_status, event.to_status) == (
        ReturnStatus.SUBMITTED,
        ReturnStatus.UNDER_REVIEW,
    )
    # The transition row is the event: its id is the key a notification sends once by.
    assert event.transition.pk == transition.pk
    assert Transition.objects.filter(quarterly_return=submitted).count() == 1


@pytest.mark.django_db
def test_a_failing_subscriber_never_undoes_or_fails_the_step(
    world, submitted, events, django_capture_on_commit_callbacks, caplog
):
    def broken(event):
        raise RuntimeError("mail server down")

    workflow.subscribe(broken)
    with django_capture_on_commit_callbacks(execute=True):
        take_action(
            ret=submitted,
            action=Action.START_REVIEW,
            user=world.users["team"],
            expected_version=submitted.version,
        )
    submitted.refresh_from_db()
    assert submitted.status == ReturnStatus.UNDER_REVIEW
    assert len(events) == 1  # the other subscriber still heard it
    assert "A subscriber failed" in caplog.text


@pytest.mark.django_db
def test_a_refused_step_publishes_nothing(
    world, submitted, events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(StaleRecord):
        take_action(
            ret=submitted,
            action=Action.START_REVIEW,
            user=world.users["team"],
            expected_version=submitted.version - 1,
        )
    assert events == []
    assert not Transition.objects.exists()


@pytest.mark.django_db
def test_subscribers_can_listen_to_one_workflow(
    world, submitted, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(workflow, "_SUBSCRIBERS", [])
    returns, others = [], []
    workflow.subscribe(returns.append, workflow="return")
    workflow.subscribe(others.append, workflow="spend_return")
    with django_capture_on_commit_callbacks(execute=True):
        take_action(
            ret=submitted,
            action=Action.START_REVIEW,
            user=world.users["team"],
            expected_version=submitted.version,
        )
    assert len(returns) == 1 and others == []


def test_every_step_names_its_permission_rule_and_refusal():
    for step in RETURN_WORKFLOW.steps:
        assert callable(step.may) and step.refused
        assert RETURN_WORKFLOW.step(step.action) is step
