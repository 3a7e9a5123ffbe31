"""Notifications go out by email through the outbox, to a real SMTP server on loopback."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assurance.models import ReturnStatus
from assurance.tests.factories import DECLARATION
from mail import outbox
from mail.models import Delivery, MailPreference, Status
from tests.smtp import closed_port

from .helpers import a_return, ask_for_a_change, give_addresses, submit_as_lead


@pytest.fixture
def ret(world):
    give_addresses(world)
    return a_return(world)


def test_a_submission_mails_the_programme_team_once_with_a_working_link(
    world, ret, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit_as_lead(world, ret)
    assert response.status_code == 302
    assert [m["To"] for m in smtp_server.messages] == ["notts.team@nhs.example"]
    (message,) = smtp_server.messages
    assert message["Subject"] == "LMNS Assurance: A return was submitted"
    assert message.get_body(preferencelist=("html",)) is not None
    link = smtp_server.link_in(message)
    assert link == f"http://127.0.0.1:8000/assurance/returns/{ret.pk}/"
    page = world.client_for("team").get(link.removeprefix("http://127.0.0.1:8000"))
    assert page.status_code == 200
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Status.SENT, 1)
    # Announced again, nobody is mailed again.
    outbox.send_due()
    assert len(smtp_server.messages) == 1


def test_a_mail_carries_no_comment_and_both_parts_and_the_unsubscribe_headers(
    world, ret, smtp_server, django_capture_on_commit_callbacks
):
    from assurance.services import Action, take_action

    with django_capture_on_commit_callbacks(execute=True):
        submit_as_lead(world, ret)
        ask_for_a_change(ret, world.users["team"])
        take_action(
            ret=ret,
            action=Action.SEND_BACK,
            user=world.users["team"],
            expected_version=ret.version,
            comment="Staffing figure 42% is wrong, see the rota narrative",
        )
    (message,) = smtp_server.to("nuh.lead@nhs.example")
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    for part in (text, html):
        assert "42%" not in part and "rota" not in part
        assert "sent back" in part
    assert (
        message["List-Unsubscribe"].strip().startswith("<http://127.0.0.1:8000/mail/unsubscribe/")
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_people_without_an_address_or_choosing_the_app_get_no_mail(
    world, ret, smtp_server, django_capture_on_commit_callbacks
):
    team = world.users["team"]
    MailPreference.objects.create(user=team, kind="return.submitted", choice="app")
    with django_capture_on_commit_callbacks(execute=True):
        submit_as_lead(world, ret)
    assert smtp_server.messages == []
    assert Delivery.objects.count() == 0
    assert team.notifications.count() == 1  # still told in the app


def test_with_the_mail_server_down_the_step_stands_and_the_mail_goes_when_it_is_back(
    world, ret, smtp_server, settings, django_capture_on_commit_callbacks, monkeypatch
):
    """The database task backend and its worker, as in production; the outbox retries."""
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    # The worker recycles its database connection between tasks, as a request does; inside
    # the test's own transaction that would close the test's connection (on PostgreSQL).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    live_port, settings.EMAIL_PORT = settings.EMAIL_PORT, closed_port()
    with django_capture_on_commit_callbacks(execute=True):
        response = submit_as_lead(world, ret)
    assert response.status_code == 302
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SUBMITTED
    delivery = Delivery.objects.get()
    assert delivery.status == Status.PENDING and delivery.attempts == 0  # queued, not sent

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.PENDING, 1)
    assert delivery.last_error
    wait = delivery.next_attempt_at - timezone.now()
    assert 4 * 60 < wait.total_seconds() <= 5 * 60
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.run_after == delivery.next_attempt_at
    assert smtp_server.messages == []

    # The server is back, and five minutes pass: the worker's deferred retry sends it.
    settings.EMAIL_PORT = live_port
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.SENT, 2)
    assert [m["To"] for m in smtp_server.messages] == ["notts.team@nhs.example"]


def test_back_off_is_5_min_30_min_2_h_then_daily_for_3_days_then_failed(world, settings):
    from .factories import DeliveryFactory

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    delivery = DeliveryFactory()
    now = timezone.now()
    waits = []
    for _ in range(7):
        assert outbox.send(delivery.pk, now=now) in (Status.PENDING, Status.FAILED)
        delivery.refresh_from_db()
        if delivery.next_attempt_at:
            waits.append(round((delivery.next_attempt_at - now).total_seconds() / 60))
            now = delivery.next_attempt_at
    assert waits == [5, 30, 120, 1440, 1440, 1440]
    assert (delivery.status, delivery.attempts) == (Status.FAILED, 7)


def test_the_admin_lists_failed_deliveries_and_sends_them_again(
    world, smtp_server, django_capture_on_commit_callbacks
):
    from lmns.tests.factories import UserFactory

    from .factories import DeliveryFactory

    failed = DeliveryFactory(failed=True)
    sent = DeliveryFactory(status=Status.SENT)
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    listing = client.get(reverse("admin:mail_delivery_changelist") + "?status__exact=failed")
    assert listing.status_code == 200
    assert failed.recipient.username in listing.text
    assert sent.recipient.username not in listing.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:mail_delivery_changelist"),
            {"action": "send_again", "_selected_action": [failed.pk, sent.pk]},
        )
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == Status.SENT
    assert len(smtp_server.messages) == 1


def test_the_admin_lists_people_without_an_address(world):
    from lmns.tests.factories import UserFactory

    give_addresses(world)
    UserFactory(username="no-mail-person")
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    page = client.get(reverse("admin:auth_user_changelist") + "?email=none")
    assert "No email address" in page.text
    assert "no-mail-person" in page.text
    assert "nuh-lead" not in page.text


def test_the_outbox_row_is_written_in_the_steps_transaction_and_sent_after_it_commits(
    world, ret, smtp_server, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from assurance.services import Action, take_action

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        take_action(
            ret=ret,
            action=Action.SUBMIT,
            user=world.users["lead"],
            expected_version=1,
            declaration=DECLARATION,
        )
        assert Delivery.objects.filter(status=Status.PENDING).count() == 1
        raise Abandoned  # the step's transaction rolls back: so does its mail
    assert not Delivery.objects.exists()

    ret.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False) as pending:
        take_action(
            ret=ret,
            action=Action.SUBMIT,
            user=world.users["lead"],
            expected_version=1,
            declaration=DECLARATION,
        )
    assert Delivery.objects.get().status == Status.PENDING
    assert smtp_server.messages == []  # nothing leaves before the commit
    for callback in pending:
        callback()
    assert Delivery.objects.get().status == Status.SENT
    assert len(smtp_server.messages) == 1


def test_the_outbox_is_emptied_after_its_retention_period(world):
    import datetime

    from .factories import DeliveryFactory

    old, recent = DeliveryFactory(status=Status.SENT), DeliveryFactory(status=Status.SENT)
    Delivery.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=91)
    )
    call_command("apply_retention", verbosity=0)
    assert list(Delivery.objects.values_list("pk", flat=True)) == [recent.pk]


def test_a_change_request_mail_leaves_out_the_requests_words(
    world, ret, smtp_server, django_capture_on_commit_callbacks
):
    """A request raised on a return sent back, and the lead's reply: each side is mailed that
    it happened and where, never the words (they may hold what must stay in the app)."""
    from assurance.services import Action, raise_request, reply_to_request, take_action

    team, lead = world.users["team"], world.users["lead"]
    asked = "The staffing log shows 42% fill on nights at Ward 7"
    replied = "Rota extract for Ward 7 attached"
    with django_capture_on_commit_callbacks(execute=True):
        submit_as_lead(world, ret)
        ask_for_a_change(ret, team)
        take_action(ret=ret, action=Action.SEND_BACK, user=team, expected_version=ret.version)
        ret.refresh_from_db()
        request = raise_request(
            ret=ret, requirement=None, text=asked, user=team, expected_version=ret.version
        )
        request.refresh_from_db()
        reply_to_request(request=request, text=replied, user=lead, expected_version=request.version)
    raised = [
        m
        for m in smtp_server.to("nuh.lead@nhs.example")
        if m["Subject"] == "LMNS Assurance: A change request was raised"
    ]
    answered = [
        m
        for m in smtp_server.to("notts.team@nhs.example")
        if m["Subject"] == "LMNS Assurance: A change request was answered"
    ]
    assert len(raised) == 1 and len(answered) == 1
    for message, words in ((raised[0], asked), (answered[0], replied)):
        text = message.get_body(preferencelist=("plain",)).get_content()
        html = message.get_body(preferencelist=("html",)).get_content()
        for part in (text, html):
            assert words not in part
            assert "Ward 7" not in part and "42%" not in part
            assert "the words are in the app" in part
        assert smtp_server.link_in(message).endswith(f"/assurance/requests/{request.pk}/")
