"""A session that ends while a page is being edited: the warning, and the typed input kept."""

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from assurance.models import Answer
from assurance.tests.factories import QuarterlyReturnFactory, framework_with

from .conftest import PASSWORD, sign_in
from .test_assurance_dashboard import _serious_violations

pytestmark = pytest.mark.django_db(transaction=True)

NARRATIVE = "Two of three audits done; the third is booked for June with the risk team."


def _section_url(world, live_server):
    framework = framework_with(sections=1, requirements=1, short_name="Ockenden")
    ret = QuarterlyReturnFactory(trust=world.trust, period=world.period, framework=framework)
    section = framework.sections.get()
    return ret, live_server.url + reverse("assurance:section_edit", args=[ret.pk, section.pk])


def _requirement(page):
    return page.get_by_role("group", name=re.compile(r"^IEA1\.1 "))


def test_the_page_warns_before_the_session_ends_and_staying_signed_in_works(
    world, live_server, page
):
    _, url = _section_url(world, live_server)
    page.clock.install()
    sign_in(page, live_server, "nuh-lead")
    page.goto(url)
    _requirement(page).get_by_label("Narrative").fill(NARRATIVE)

    # Five minutes before the hour is up, a dialog says so and offers to stay signed in.
    page.clock.fast_forward("55:01")
    warning = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("you will be signed out in 5 minutes")
    stay = warning.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    assert _serious_violations(page) == []
    stay.click()
    expect(warning).to_be_hidden()
    expect(_requirement(page).get_by_label("Narrative")).to_have_value(NARRATIVE)

    # Left alone for the whole hour, the page says the person was signed out, and how their
    # input will be kept.
    page.clock.fast_forward("01:00:05")
    ended = page.get_by_role("dialog", name="You have been signed out")
    expect(ended).to_be_visible()
    expect(ended).to_contain_text("Press save as usual and sign in again")
    ended.get_by_role("button", name="Back to the page").click()
    expect(ended).to_be_hidden()
    expect(_requirement(page).get_by_label("Narrative")).to_have_value(NARRATIVE)


def test_a_save_after_the_session_ended_comes_back_filled_in_after_signing_in(
    world, live_server, page
):
    ret, url = _section_url(world, live_server)
    sign_in(page, live_server, "nuh-lead")
    page.goto(url)
    requirement = _requirement(page)
    requirement.get_by_label("Status").select_option(label="Partially met")
    requirement.get_by_label("Narrative").fill(NARRATIVE)
    requirement.get_by_label("Date the file's evidence speaks for").fill("2026-03-31")

    # The hour passes on the server while the lead is typing.
    cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    Session.objects.filter(session_key=cookie["value"]).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_text("Your session had ended, so nothing was saved.")).to_be_visible()
    assert Answer.objects.get(quarterly_return=ret).narrative == ""

    page.get_by_label("Username").fill("nuh-lead")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("What you typed is back")).to_be_visible()
    requirement = _requirement(page)
    expect(requirement.get_by_label("Narrative")).to_have_value(NARRATIVE)
    expect(requirement.get_by_label("Status")).to_have_value("partially_met")
    expect(requirement.get_by_label("Date the file's evidence speaks for")).to_have_value(
        "2026-03-31"
    )
    assert _serious_violations(page) == []
    # Nothing was saved on the lead's behalf: they check it and save.
    assert Answer.objects.get(quarterly_return=ret).narrative == ""
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("IEA1 saved as a draft.")).to_be_visible()
    answer = Answer.objects.get(quarterly_return=ret)
    assert answer.narrative == NARRATIVE
