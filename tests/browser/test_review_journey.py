"""The review as a conversation: the team asks for two changes beside the answers, the lead
answers them, the team reopens one and accepts the other, and assures once every request is
closed; the whole return on one page and its PDF show the threads, the verdicts and what
changed."""

import io
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from assurance.models import ChangeRequest, RequestStatus, ReturnStatus
from assurance.services import Action, take_action
from assurance.tests.factories import (
    DECLARATION,
    QuarterlyReturnFactory,
    fill_answers,
    framework_with,
)
from lmns import pdf

from .conftest import declare, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _requirement(page, code: str):
    return page.get_by_role("group", name=re.compile(rf"^{re.escape(code)} "))


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def _ask(page, code: str, text: str) -> None:
    answer = _requirement(page, code)
    answer.get_by_text(f"Raise a change request on {code}").click()
    answer.get_by_label(f"What needs to change in {code}").fill(text)
    answer.get_by_role("button", name=f"Raise the request on {code}").click()
    expect(page.get_by_text("Change request raised.")).to_be_visible()


def _request_step(page, code: str, link: str, comment: str = "") -> None:
    _requirement(page, code).get_by_role("link", name=link).click()
    if comment:
        page.get_by_label(re.compile("What is still needed|Comment")).fill(comment)
    page.get_by_role("button", name=link).click()
    page.wait_for_load_state()


def test_two_change_requests_from_send_back_to_assured(world, live_server, page):
    framework = framework_with(sections=2, requirements=2, short_name="Ockenden")
    ret = QuarterlyReturnFactory(trust=world.trust, period=world.period, framework=framework)
    fill_answers(ret)
    ret.refresh_from_db()
    take_action(
        ret=ret,
        action=Action.SUBMIT,
        user=world.users["lead"],
        expected_version=ret.version,
        declaration=DECLARATION,
    )
    section = framework.sections.get(code="IEA1")
    section_url = live_server.url + reverse("assurance:section_edit", args=[ret.pk, section.pk])
    overview_url = live_server.url + reverse("assurance:return_detail", args=[ret.pk])

    # The team asks for two changes beside the answers and sends the return back.
    sign_in(page, live_server, "notts-team")
    page.goto(section_url)
    _ask(page, "IEA1.1", "Attach this quarter's audit of incident reviews.")
    _ask(page, "IEA1.2", "Name the owner of the third audit.")
    page.goto(overview_url)
    expect(
        page.get_by_text("2 open, 0 addressed by the trust, 0 accepted and closed")
    ).to_be_visible()
    page.get_by_role("link", name="Return to the trust").click()
    page.get_by_role("button", name="Return to the trust").click()
    expect(page.get_by_text("the return is now returned to trust")).to_be_visible()
    _sign_out(page)

    # The lead sees each request beside its answer, replies to one and marks it addressed.
    sign_in(page, live_server, "nuh-lead")
    expect(page.locator("#work li", has_text="Sent back to change")).to_contain_text(
        "Sent back with 2 open change requests"
    )
    page.goto(section_url)
    first, second = _requirement(page, "IEA1.1"), _requirement(page, "IEA1.2")
    expect(first).to_contain_text("Attach this quarter's audit of incident reviews.")
    expect(second).to_contain_text("Name the owner of the third audit.")
    first.get_by_role("link", name="Reply to this request").click()
    page.get_by_label("Your reply").fill("The April audit is attached to the evidence.")
    page.get_by_role("button", name="Send the reply").click()
    expect(page.get_by_text("Reply added.")).to_be_visible()
    expect(_requirement(page, "IEA1.1")).to_contain_text(
        "The April audit is attached to the evidence."
    )
    # ...changes the answer the request is about...
    _requirement(page, "IEA1.1").get_by_label("Narrative").fill(
        "Audit repeated in April: all incidents reviewed."
    )
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("IEA1 saved as a draft.")).to_be_visible()
    _request_step(page, "IEA1.1", "Mark addressed")
    expect(_requirement(page, "IEA1.1")).to_contain_text("Addressed by the trust")
    page.goto(overview_url)
    page.get_by_role("link", name="Submit to the LMNS").click()
    declare(page)
    page.get_by_role("button", name="Submit to the LMNS").click()
    expect(page.get_by_text("the return is now submitted")).to_be_visible()
    _sign_out(page)

    # The team reopens the answered request and accepts the other.
    sign_in(page, live_server, "notts-team")
    page.goto(section_url)
    _request_step(page, "IEA1.1", "Reopen", comment="Attach the May audit too.")
    _request_step(page, "IEA1.2", "Accept and close")
    expect(_requirement(page, "IEA1.2")).to_contain_text("Accepted and closed")

    # Assuring is refused while one request is open.
    page.goto(overview_url)
    page.get_by_role("link", name="Assure", exact=True).click()
    expect(page.get_by_text("1 change request is still open").first).to_be_visible()
    page.get_by_role("button", name="Assure").click()
    expect(page.get_by_text("1 change request is still open").first).to_be_visible()
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SUBMITTED  # resubmitted, not assured

    # Once it is closed, the return is assured.
    page.goto(section_url)
    _request_step(page, "IEA1.1", "Accept and close")
    # The team judges IEA1.2's evidence insufficient (it may still assure).
    judged = _requirement(page, "IEA1.2")
    judged.get_by_text("Judge the evidence of IEA1.2").click()
    judged.get_by_label("Insufficient", exact=True).check()
    judged.get_by_label("Why it is insufficient").fill("The audit named has no date.")
    judged.get_by_role("button", name="Save the verdict on IEA1.2").click()
    expect(page.get_by_text("Verdict on IEA1.2's evidence recorded.")).to_be_visible()
    page.goto(overview_url)
    expect(
        page.get_by_text("0 open, 0 addressed by the trust, 2 accepted and closed")
    ).to_be_visible()
    timeline = page.locator("ol.timeline")
    expect(timeline).to_contain_text("Change request on requirement IEA1.1 reopened")
    expect(timeline).to_contain_text("Change request on requirement IEA1.2 accepted and closed")
    page.get_by_role("link", name="Assure", exact=True).click()
    page.get_by_role("button", name="Assure").click()
    expect(page.get_by_text("the return is now assured")).to_be_visible()
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.ASSURED
    assert set(ChangeRequest.objects.values_list("status", flat=True)) == {RequestStatus.CLOSED}

    # The whole return on one page, and its PDF, show the threads, the verdict, what changed
    # and the declaration.
    page.goto(overview_url)
    page.get_by_role("link", name="The whole return on one page").click()
    whole = page.locator("main")
    for shown in (
        "Attach this quarter's audit of incident reviews.",
        "The April audit is attached to the evidence.",
        "Attach the May audit too.",
        "Name the owner of the third audit.",
        "✗ Insufficient: The audit named has no date.",
        "◆ Changed since it was submitted",
        "Audit repeated in April: all incidents reviewed.",
        "Signed off at the trust by Jo Bright, Director of Midwifery",
        "Under review → Assured",
    ):
        expect(whole).to_contain_text(shown)
    if pdf.unavailable_reason():
        return
    response = page.request.get(live_server.url + reverse("assurance:return_pdf", args=[ret.pk]))
    assert response.ok
    pages = PdfReader(io.BytesIO(response.body())).pages
    text = " ".join(" ".join(p.extract_text().split()) for p in pages)
    for shown in (
        "Attach the May audit too.",
        "The April audit is attached to the evidence.",
        "Insufficient: The audit named has no date.",
        "Changed since it was submitted",
        "Audit repeated in April: all incidents reviewed.",
        "Signed off at the trust by Jo Bright",
    ):
        assert shown in text, shown
