"""“Forgot your password?”: a link by mail (a real SMTP server), the same answer for every
address, a link that works once, expires, and changes nothing when merely opened."""

import pytest
from django.test import Client
from django.urls import reverse

from .factories import with_address

NEW_PASSWORD = "Maternity-safety-2026!"


def _ask(address: str):
    return Client().post(reverse("account_reset_password"), {"email": address}, follow=True)


@pytest.fixture
def lead(world):
    return with_address(world.users["lead"], "nuh.lead@nhs.example")


def test_the_sign_in_page_offers_a_reset(world, client):
    page = client.get(reverse("account_login")).content.decode()
    assert f'href="{reverse("account_reset_password")}"' in page
    assert "Forgot your password?" in page


def test_the_answer_never_reveals_whether_an_address_has_an_account(lead, smtp_server):
    known, unknown = _ask("nuh.lead@nhs.example"), _ask("nobody@nhs.example")

    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    assert known.content.decode() == unknown.content.decode()
    assert len(smtp_server.to("nuh.lead@nhs.example")) == 1
    assert smtp_server.to("nobody@nhs.example") == []  # allauth sends unknown addresses nothing


def test_the_link_works_once_and_opening_it_changes_nothing(lead, smtp_server):
    _ask("nuh.lead@nhs.example")
    (message,) = smtp_server.to("nuh.lead@nhs.example")
    link = smtp_server.link_in(message)
    client = Client()

    for _ in range(2):  # the mail gateway's scan, then the person
        opened = client.get(link, follow=True)
        assert opened.status_code == 200
        assert 'name="password1"' in opened.content.decode()
    lead.refresh_from_db()
    assert lead.check_password("test-password-123")

    form_url = opened.redirect_chain[-1][0] if opened.redirect_chain else link
    done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    lead.refresh_from_db()
    assert lead.check_password(NEW_PASSWORD)

    reused = Client().get(link, follow=True).content.decode()
    assert 'name="password1"' not in reused
    assert "invalid" in reused.lower()


def test_the_link_expires(lead, smtp_server, settings):
    _ask("nuh.lead@nhs.example")
    link = smtp_server.link_in(smtp_server.to("nuh.lead@nhs.example")[0])
    settings.PASSWORD_RESET_TIMEOUT = -1  # the link's time is up

    page = Client().get(link, follow=True).content.decode()

    assert 'name="password1"' not in page and "invalid" in page.lower()


def test_people_who_have_left_get_no_link(lead, smtp_server):
    lead.is_active = False
    lead.save()

    _ask("nuh.lead@nhs.example")

    assert smtp_server.to("nuh.lead@nhs.example") == []
