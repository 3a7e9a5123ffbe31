"""A daily digest: the day's notifications of the kinds a person chose, in one mail a day."""

import datetime

from django.core.management import call_command

from assurance.services import Action, take_action
from assurance.tests.factories import DECLARATION
from mail import services
from mail.models import Delivery, Status

from .helpers import a_return, give_addresses


def _run(day):
    call_command("send_reminders", today=day.isoformat(), verbosity=0)


def test_held_notifications_go_out_in_one_digest_a_day(
    world, smtp_server, django_capture_on_commit_callbacks
):
    give_addresses(world)
    team = world.users["team"]
    services.set_choices(user=team, choices={"return.submitted": "digest"})
    first, second = a_return(world), a_return(world, trust=world.sibling_trust)
    with django_capture_on_commit_callbacks(execute=True):
        take_action(
            ret=first,
            action=Action.SUBMIT,
            user=world.users["lead"],
            expected_version=1,
            declaration=DECLARATION,
        )
        take_action(
            ret=second,
            action=Action.SUBMIT,
            user=world.users["sibling_lead"],
            expected_version=1,
            declaration=DECLARATION,
        )
    assert smtp_server.to("notts.team@nhs.example") == []  # held for the digest
    assert team.notifications.count() == 2  # told in the app at once

    today = datetime.date.today()
    _run(today)
    _run(today)
    (digest,) = smtp_server.to("notts.team@nhs.example")
    assert "digest" in digest["Subject"]
    text = digest.get_body(preferencelist=("plain",)).get_content()
    assert "NUH submitted" in text and "SFH submitted" in text
    assert len(smtp_server.links_in(digest)) == 4  # two returns, the settings, unsubscribe
    assert set(Delivery.objects.exclude(kind="mail.digest").values_list("status", flat=True)) == {
        Status.DIGESTED
    }


def test_a_digest_already_sent_today_leaves_later_ones_for_tomorrow(
    world, smtp_server, django_capture_on_commit_callbacks
):
    give_addresses(world)
    team = world.users["team"]
    services.set_choices(user=team, choices={"return.submitted": "digest"})
    today = datetime.date.today()
    first = a_return(world)
    with django_capture_on_commit_callbacks(execute=True):
        take_action(
            ret=first,
            action=Action.SUBMIT,
            user=world.users["lead"],
            expected_version=1,
            declaration=DECLARATION,
        )
    _run(today)
    second = a_return(world, trust=world.sibling_trust)
    with django_capture_on_commit_callbacks(execute=True):
        take_action(
            ret=second,
            action=Action.SUBMIT,
            user=world.users["sibling_lead"],
            expected_version=1,
            declaration=DECLARATION,
        )
    _run(today)
    assert len(smtp_server.to("notts.team@nhs.example")) == 1
    _run(today + datetime.timedelta(days=1))
    assert len(smtp_server.to("notts.team@nhs.example")) == 2
