"""Deadline and review reminders, by ``send_reminders``, to a real SMTP server on loopback."""

import datetime

import pytest
from django.core.management import call_command

from assurance.services import Action, take_action
from assurance.tests.factories import DECLARATION, CollectionFactory
from lmns.models import Notification

from .helpers import a_return, give_addresses

DEADLINE = datetime.date(2022, 7, 31)


@pytest.fixture
def ret(world):
    """NUH's return for the open period, collected by the LMNS, due 31 July, still a draft."""
    give_addresses(world)
    ret = a_return(world)
    CollectionFactory(
        lmns=world.lmns,
        period=world.period,
        framework=ret.framework,
        trusts=[world.trust],
        deadline=DEADLINE,
    )
    return ret


def _run(day: datetime.date) -> None:
    call_command("send_reminders", today=day.isoformat(), verbosity=0)


def _subjects(inbox, address="nuh.lead@nhs.example") -> list[str]:
    return [
        m.get_body(preferencelist=("plain",)).get_content().splitlines()[2].strip()
        for m in inbox.to(address)
    ]


def test_run_twice_the_same_day_mails_once(world, ret, smtp_server):
    _run(DEADLINE - datetime.timedelta(days=7))
    _run(DEADLINE - datetime.timedelta(days=7))
    assert len(smtp_server.messages) == 1
    (message,) = smtp_server.to("nuh.lead@nhs.example")
    assert message["Subject"] == "LMNS Assurance: Reminder: a return is due"
    assert smtp_server.link_in(message).endswith(f"/assurance/returns/{ret.pk}/")


def test_a_missed_day_is_caught_up_once_at_its_latest_threshold(world, ret, smtp_server):
    # Nothing ran on the 14th or the 7th day before: the 6th catches up the 7-day one only.
    _run(DEADLINE - datetime.timedelta(days=6))
    _run(DEADLINE - datetime.timedelta(days=5))
    _run(DEADLINE - datetime.timedelta(days=4))
    assert _subjects(smtp_server) == [
        f"NUH's {ret.framework.short_name} return for 2022/23 Q1 is due in 6 days (31 July 2022)."
    ]
    keys = list(Notification.objects.values_list("key", flat=True))
    assert [k.rsplit(":", 1)[1] for k in keys] == ["T-7"]


def test_a_lead_who_ignores_a_return_is_reminded_then_told_it_is_overdue_until_submitted(
    world, ret, smtp_server, django_capture_on_commit_callbacks
):
    start = DEADLINE - datetime.timedelta(days=7)
    for offset in range(0, 10):  # 7 days before to 2 days after the deadline, every day
        _run(start + datetime.timedelta(days=offset))
    thresholds = [
        k.rsplit(":", 1)[1]
        for k in Notification.objects.order_by("pk").values_list("key", flat=True)
    ]
    assert thresholds == ["T-7", "T-1", "overdue-1"]
    assert len(smtp_server.to("nuh.lead@nhs.example")) == 3
    assert smtp_server.to("sfh.lead@nhs.example") == []  # another trust's lead

    ret.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        take_action(
            ret=ret,
            action=Action.SUBMIT,
            user=world.users["lead"],
            expected_version=ret.version,
            declaration=DECLARATION,
        )
    for offset in range(10, 30):
        _run(start + datetime.timedelta(days=offset))
    assert len(smtp_server.to("nuh.lead@nhs.example")) == 3


def test_overdue_reminders_are_weekly_and_stop_when_the_period_closes(world, ret, smtp_server):
    for offset in range(1, 16):
        _run(DEADLINE + datetime.timedelta(days=offset))
    assert len(smtp_server.to("nuh.lead@nhs.example")) == 3  # days 1, 8 and 15 after
    world.period.is_open = False
    world.period.save()
    _run(DEADLINE + datetime.timedelta(days=22))
    assert len(smtp_server.to("nuh.lead@nhs.example")) == 3


def test_a_return_waiting_for_review_too_long_reminds_the_team_once(
    world, ret, smtp_server, settings, django_capture_on_commit_callbacks
):
    from assurance.models import Transition

    with django_capture_on_commit_callbacks(execute=True):
        take_action(
            ret=ret,
            action=Action.SUBMIT,
            user=world.users["lead"],
            expected_version=ret.version,
            declaration=DECLARATION,
        )
    assert len(smtp_server.to("notts.team@nhs.example")) == 1  # "submitted"
    submitted = Transition.objects.get(quarterly_return=ret)
    today = submitted.at.date()
    _run(today + datetime.timedelta(days=7))
    assert len(smtp_server.to("notts.team@nhs.example")) == 1
    _run(today + datetime.timedelta(days=8))
    _run(today + datetime.timedelta(days=9))
    team_mail = smtp_server.to("notts.team@nhs.example")
    assert len(team_mail) == 2
    assert team_mail[1]["Subject"] == "LMNS Assurance: Reminder: a return is waiting for review"


def test_a_bad_day_is_refused_with_a_message(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", today="31/07/2022")
