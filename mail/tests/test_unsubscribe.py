"""Unsubscribing: a GET only shows a button; the button or RFC 8058's one-click POST stops that
kind of email, never the in-app notification."""

import pytest
from django.test import Client
from django.urls import reverse

from mail import services, tokens
from mail.messages import DIGEST_KIND
from mail.models import MailPreference

from .helpers import give_addresses, snapshot


@pytest.fixture
def lead(world):
    give_addresses(world)
    return world.users["lead"]


def _page(lead, kind="return.sent_back"):
    return reverse("mail:unsubscribe", args=[tokens.make(lead.pk, kind)])


def test_opening_the_link_changes_nothing_and_the_button_unsubscribes(lead):
    client = Client(enforce_csrf_checks=False)
    before = snapshot()
    page = client.get(_page(lead))
    assert page.status_code == 200
    assert "Stop these emails" in page.text
    assert snapshot() == before
    done = client.post(_page(lead))
    assert "you will get no more" in done.text
    assert services.current_choices(lead)["return.sent_back"] == "app"
    assert services.current_choices(lead)["return.submitted"] == "now"


def test_the_one_click_post_needs_no_cookie_and_a_get_is_refused(lead):
    token = tokens.make(lead.pk, "return.assured")
    url = reverse("mail:one_click", args=[token])
    client = Client(enforce_csrf_checks=True)
    assert client.get(url).status_code == 405
    assert not MailPreference.objects.exists()
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert MailPreference.objects.get().choice == "app"


def test_the_one_click_address_acts_on_the_tokens_person_only_whoever_is_signed_in(world, lead):
    client = world.client_for("team")
    url = reverse("mail:one_click", args=[tokens.make(lead.pk, "return.assured")])
    client.post(url, {"List-Unsubscribe": "One-Click"})
    assert list(MailPreference.objects.values_list("user__username", flat=True)) == ["nuh-lead"]


def test_a_forged_or_altered_token_is_not_found(lead):
    token = tokens.make(lead.pk, "return.assured")
    client = Client()
    for bad in (token[:-2] + "xx", "nonsense", tokens.make(lead.pk, "x")[:-1]):
        assert client.get(reverse("mail:unsubscribe", args=[bad])).status_code == 404
        assert client.post(reverse("mail:one_click", args=[bad])).status_code == 404
    assert not MailPreference.objects.exists()


def test_unsubscribing_from_the_digest_stops_every_kind_sent_in_it(lead):
    services.set_choices(user=lead, choices={"return.assured": "digest", "return.reopened": "now"})
    Client().post(_page(lead, DIGEST_KIND))
    choices = services.current_choices(lead)
    assert (choices["return.assured"], choices["return.reopened"]) == ("app", "now")


def test_the_preferences_page_saves_only_what_changed(world, lead):
    client = world.client_for("lead")
    page = client.get(reverse("mail:preferences"))
    assert page.status_code == 200
    data = dict(services.current_choices(lead))
    data["return.assured"] = "digest"
    response = client.post(reverse("mail:preferences"), data)
    assert response.status_code == 302
    assert list(MailPreference.objects.values_list("kind", "choice")) == [
        ("return.assured", "digest")
    ]
    bad = client.post(reverse("mail:preferences"), {**data, "return.assured": "sms"})
    assert bad.status_code == 200
    assert "There is a problem" in bad.text
