"""Notifications in the app: made once per event and person, never to leavers, read by POST."""

import pytest
from django.db import transaction
from django.urls import reverse

from lmns import notifications
from lmns.models import Notification
from lmns.notifications import Kind, notify, register_kind

register_kind(Kind("test.hello", "A test message"))


def _tell(people, key="test.hello:1", text="Hello"):
    return notify(recipients=people, kind="test.hello", text=text, url="/", key=key)


def test_each_person_is_told_of_an_event_once(world):
    people = [world.users["lead"], world.users["team"]]
    assert _tell(people) == 2
    assert _tell(people) == 0
    assert _tell(people, key="test.hello:2") == 2
    assert Notification.objects.filter(recipient=world.users["lead"]).count() == 2


def test_people_who_left_are_never_told(world):
    lead = world.users["lead"]
    lead.is_active = False
    lead.save()
    assert _tell([lead, world.users["team"]]) == 1
    assert not Notification.objects.filter(recipient=lead).exists()


def test_an_unknown_kind_is_refused(world):
    with pytest.raises(ValueError):
        notify(recipients=[world.users["lead"]], kind="nope", text="x", url="/", key="k")


def test_a_failing_sender_never_fails_the_change(world, django_capture_on_commit_callbacks):
    def broken():
        raise RuntimeError("mail server on fire")

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notifications.after_commit(broken)
        notifications.after_commit(lambda: _tell([world.users["team"]]))
    assert Notification.objects.filter(recipient=world.users["team"]).count() == 1


def test_the_bell_shows_the_unread_count_and_the_list_links_to_the_page(world, as_lead):
    notify(
        recipients=[world.users["lead"]],
        kind="test.hello",
        text="SFH submitted its return",
        url=world.trust.get_absolute_url(),
        key="test.hello:7",
    )
    _tell([world.users["team"]], key="test.hello:8", text="Not for the lead")
    home = as_lead.get(reverse("home")).content.decode()
    assert 'data-unread="1"' in home
    page = as_lead.get(reverse("notifications")).content.decode()
    assert f'href="{world.trust.get_absolute_url()}">SFH submitted its return</a>' in page
    assert "Not for the lead" not in page
    assert "Mark all read" in page


def test_mark_one_read_then_all_read(world, as_lead):
    lead = world.users["lead"]
    _tell([lead], key="test.hello:1", text="First")
    _tell([lead], key="test.hello:2", text="Second")
    first = Notification.objects.get(recipient=lead, text="First")
    response = as_lead.post(reverse("notifications_read"), {"notification": first.pk})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    assert 'data-unread="1"' in as_lead.get(reverse("notifications")).content.decode()
    response = as_lead.post(reverse("notifications_read"), follow=True)
    page = response.content.decode()
    assert "1 notification marked read." in page
    assert "data-unread" not in page
    assert "Mark all read" not in page


def test_another_persons_notification_cannot_be_marked(world, as_lead):
    _tell([world.users["team"]])
    theirs = Notification.objects.get()
    response = as_lead.post(reverse("notifications_read"), {"notification": theirs.pk})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_is_by_post_only(world, as_lead):
    _tell([world.users["lead"]])
    assert as_lead.get(reverse("notifications_read")).status_code == 405
    assert Notification.objects.get().read_at is None


def test_the_list_is_a_fixed_number_of_queries(world, as_lead, django_assert_max_num_queries):
    lead = world.users["lead"]
    for i in range(150):
        _tell([lead], key=f"test.hello:{i}", text=f"Message {i}")
    # Session, person, memberships, the list, the navigation's counts; the session's save.
    with django_assert_max_num_queries(8):
        page = as_lead.get(reverse("notifications")).content.decode()
    assert page.count("Mark read<span") == notifications.LIST_LENGTH
