"""A return's steps tell the right people, once, with a link to the return."""

import pytest
from django.urls import reverse

from assurance.models import ReturnStatus
from assurance.services import Action, take_action
from assurance.tests.factories import (
    ChangeRequestFactory,
    QuarterlyReturnFactory,
    declaration_for,
    fill_answers,
    framework_with,
)
from lmns.models import Notification


@pytest.fixture
def ret(world):
    ret = QuarterlyReturnFactory(
        trust=world.trust, period=world.period, framework=framework_with(sections=1)
    )
    fill_answers(ret)
    return ret


def _step(ret, action, user, comment=""):
    ret.refresh_from_db()
    return take_action(
        ret=ret,
        action=action,
        user=user,
        expected_version=ret.version,
        comment=comment,
        declaration=declaration_for(action),
    )


def _told(kind):
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


def test_submitting_tells_the_programme_team_only(world, ret, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _step(ret, Action.SUBMIT, world.users["lead"])
    assert _told("return.submitted") == ["notts-team"]
    note = Notification.objects.get()
    assert note.url == reverse("assurance:return_detail", args=[ret.pk])
    assert note.text.startswith("NUH submitted its ")


def test_sending_back_tells_the_trusts_leads_with_the_change_asked(
    world, ret, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _step(ret, Action.SUBMIT, world.users["lead"])
        ChangeRequestFactory(quarterly_return=ret, text="Add the IEA3 training log")
        ChangeRequestFactory(quarterly_return=ret, general=True)
        _step(ret, Action.SEND_BACK, world.users["team"], comment="Add the IEA3 training log")
    assert _told("return.sent_back") == ["nuh-lead"]
    assert Notification.objects.get(kind="return.sent_back").text.endswith(
        "with 2 open change requests: Add the IEA3 training log"
    )


def test_assuring_and_reopening_tell_the_leads(world, ret, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _step(ret, Action.SUBMIT, world.users["lead"])
        _step(ret, Action.START_REVIEW, world.users["team"])
        _step(ret, Action.ASSURE, world.users["team"])
        _step(ret, Action.REOPEN, world.users["team"], comment="Figures corrected")
    assert _told("return.assured") == ["nuh-lead"]
    assert _told("return.reopened") == ["nuh-lead"]
    assert ret.status == ReturnStatus.UNDER_REVIEW
    assert Notification.objects.count() == 3  # starting a review tells nobody


def test_the_same_event_announced_twice_tells_once(world, ret, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _step(ret, Action.SUBMIT, world.users["lead"])
    callbacks[0]()
    assert _told("return.submitted") == ["notts-team"]


def test_a_failing_notification_never_fails_the_step(
    world, ret, django_capture_on_commit_callbacks, monkeypatch
):
    from assurance import notifications

    def broken(**kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(notifications, "notify", broken)
    with django_capture_on_commit_callbacks(execute=True):
        _step(ret, Action.SUBMIT, world.users["lead"])
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SUBMITTED
    assert not Notification.objects.exists()
