"""A session that ends keeps what was typed for the person who typed it; staying signed in
changes nothing but the session."""

import datetime
import json
import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assurance.models import Answer
from assurance.tests.factories import DECLARATION_POST, QuarterlyReturnFactory, framework_with
from lmns.sessions import KEPT_INPUT

PASSWORD = "test-password-123"
NARRATIVE = "Two of three audits done; the third is booked for June.\r\nStaff rota agreed."


def _section(world):
    framework = framework_with(sections=1, requirements=1)
    ret = QuarterlyReturnFactory(trust=world.trust, period=world.period, framework=framework)
    section = framework.sections.get()
    return ret, reverse("assurance:section_edit", args=[ret.pk, section.pk])


def _signed_in(username: str) -> Client:
    """Signed in through the sign-in page, as a person does."""
    client = Client()
    response = client.post(reverse("account_login"), {"login": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _end_session(client: Client) -> None:
    """The hour without activity passes: the session ends on the server."""
    Session.objects.filter(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )


def _typed(ret, **extra) -> dict:
    return {
        "version": ret.version,
        "answers-TOTAL_FORMS": "1",
        "answers-INITIAL_FORMS": "0",
        "answers-MIN_NUM_FORMS": "1",
        "answers-MAX_NUM_FORMS": "1",
        "answers-0-status": "partially_met",
        "answers-0-narrative": NARRATIVE,
        "answers-0-action_due": "2027-03-31",
        "save": "1",
        **extra,
    }


def _kept(response) -> dict:
    match = re.search(
        r'<script id="kept-input" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "no kept input on the page"
    return json.loads(match.group(1))


@pytest.fixture
def timed_out(world):
    """The lead typed a section, and their session ended before they pressed Save."""
    ret, url = _section(world)
    client = _signed_in("nuh-lead")
    client.get(url)
    _end_session(client)
    response = client.post(url, _typed(ret), HTTP_REFERER=f"http://testserver{url}")
    return client, ret, url, response


def test_a_save_after_the_session_ended_saves_nothing_and_asks_to_sign_in(timed_out):
    client, ret, url, response = timed_out
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={url}"
    answer = Answer.objects.get(quarterly_return=ret)
    assert answer.narrative == "" and answer.action_due is None
    login_page = client.get(response.url).content.decode()
    assert "Your session had ended, so nothing was saved." in login_page
    assert "what you typed will be back on the page" in login_page


def test_signing_in_again_brings_the_page_back_filled_in_once(timed_out):
    client, ret, url, response = timed_out
    signed_in = client.post(response.url, {"login": "nuh-lead", "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in.url == url
    page = client.get(url)
    kept = _kept(page)
    fields = dict(kept["fields"])
    assert fields["answers-0-narrative"] == NARRATIVE
    assert fields["answers-0-action_due"] == "2027-03-31"
    assert "csrfmiddlewaretoken" not in fields
    html = page.content.decode()
    assert "What you typed is back" in html
    assert "kept-input.js" in html
    # Never saved on the person's behalf, and handed over once.
    answer = Answer.objects.get(quarterly_return=ret)
    assert answer.narrative == ""
    assert "kept-input" not in client.get(url).content.decode()


def test_kept_input_never_goes_to_anyone_else(timed_out):
    client, ret, url, response = timed_out
    # A colleague signs in on the same browser before the lead comes back.
    client.post(response.url, {"login": "sfh-lead", "password": PASSWORD})
    assert KEPT_INPUT not in client.session
    client.post(reverse("account_logout"))
    client.post(reverse("account_login"), {"login": "nuh-lead", "password": PASSWORD})
    assert "kept-input" not in client.get(url).content.decode()


def test_nothing_is_kept_without_a_session_that_ended_or_after_a_password_change(world):
    ret, url = _section(world)
    stranger = Client()
    response = stranger.post(url, _typed(ret))
    assert response.status_code == 302
    assert KEPT_INPUT not in stranger.session
    assert "nothing was saved" in stranger.get(response.url).content.decode()

    # The person changed their password elsewhere: the ended session is no longer theirs.
    client = _signed_in("nuh-lead")
    _end_session(client)
    lead = world.users["lead"]
    lead.set_password("Another-password-2026")
    lead.save()
    client.post(url, _typed(ret))
    assert KEPT_INPUT not in client.session

    # Signed out on purpose: the session is gone, so is its owner.
    client = _signed_in("sfh-lead")
    client.post(reverse("account_logout"))
    client.post(url, _typed(ret))
    assert KEPT_INPUT not in client.session


def test_passwords_and_files_are_never_kept(world):
    ret, url = _section(world)
    client = _signed_in("nuh-lead")
    _end_session(client)
    upload = SimpleUploadedFile("audit.pdf", b"%PDF-1.4 audit", content_type="application/pdf")
    client.post(url, _typed(ret, **{"answers-0-new_file": upload, "old_password": "secret"}))
    kept = client.session[KEPT_INPUT]
    names = {name for name, _ in kept["fields"]}
    assert "old_password" not in names and "answers-0-new_file" not in names
    assert kept["files"] == ["answers-0-new_file"]
    assert kept["owner"] == world.users["lead"].pk


def test_the_page_said_where_the_form_was(world):
    """A step posted from another page (e.g. a return's overview) comes back on that page."""
    ret, url = _section(world)
    overview = reverse("assurance:return_detail", args=[ret.pk])
    submit = reverse("assurance:return_action", args=[ret.pk, "submit"])
    client = _signed_in("nuh-lead")
    _end_session(client)
    response = client.post(
        submit,
        {"version": ret.version, "comment": "Ready", **DECLARATION_POST},
        HTTP_REFERER=f"http://testserver{overview}",
    )
    assert response.url.endswith(f"?next={overview}")
    assert client.session[KEPT_INPUT]["page"] == overview
    assert client.session[KEPT_INPUT]["action"] == submit


def test_staying_signed_in_only_touches_the_session(world):
    client = _signed_in("nuh-lead")
    before = Session.objects.get(session_key=client.session.session_key).expire_date
    response = client.post(reverse("session_keep_alive"))
    assert response.status_code == 200
    assert response.json() == {"signed_in": True, "seconds": settings.SESSION_COOKIE_AGE}
    assert Session.objects.get(session_key=client.session.session_key).expire_date >= before
    assert client.get(reverse("session_keep_alive")).status_code == 405
    _end_session(client)
    ended = client.post(reverse("session_keep_alive"))
    assert ended.status_code == 401 and ended.json() == {"signed_in": False}


def test_pages_carry_the_timeout_warning_for_signed_in_people_only(world, settings):
    settings.SESSION_TIMEOUT_WARNING = 300
    _, url = _section(world)
    html = _signed_in("nuh-lead").get(url).content.decode()
    assert 'id="session-timeout"' in html
    assert f'data-session-seconds="{settings.SESSION_COOKIE_AGE}"' in html
    assert 'data-warn-seconds="300"' in html
    assert "session-timeout.js" in html
    assert 'id="session-timeout"' not in Client().get(reverse("account_login")).content.decode()


def test_sessions_are_kept_in_the_database():
    """Kept input lives in the server-side session: never in files or in a cookie."""
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
