"""A quarter's return from draft to assured, as the trust lead, the LMNS team and the board see it."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assurance.models import ReturnStatus
from assurance.tests.factories import QuarterlyReturnFactory, framework_with

from .conftest import declare, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _requirement(page, code: str):
    return page.get_by_role("group", name=re.compile(rf"^{re.escape(code)} "))


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def _open_return(page, live_server, trust, period) -> None:
    page.goto(live_server.url + reverse("trust_detail", args=[trust.pk]))
    page.get_by_role("link", name="Quarterly returns").click()
    page.get_by_role("link", name=str(period)).click()


def _step(page, link: str, comment: str = "") -> None:
    page.get_by_role("link", name=link).click()
    if link == "Submit to the LMNS":
        declare(page)
    if comment:
        page.get_by_label(re.compile("comment|Why|What the trust")).first.fill(comment)
    page.get_by_role("button", name=link).click()
    page.wait_for_load_state()


def test_return_from_draft_to_assured(world, live_server, page):
    framework = framework_with(
        sections=2, requirements=2, name="Ockenden interim (test)", short_name="Ockenden"
    )
    ret = QuarterlyReturnFactory(trust=world.trust, period=world.period, framework=framework)

    # The NUH lead opens the current draft and fills in the first section.
    sign_in(page, live_server, "nuh-lead")
    _open_return(page, live_server, world.trust, world.period)
    expect(page.get_by_text("Requirements complete: 0 of 4")).to_be_visible()
    page.get_by_role("link", name="Fill in the return").click()
    expect(page.get_by_text("Section 1 of 2")).to_be_visible()
    first = _requirement(page, "IEA1.1")
    first.get_by_label("Status").select_option(label="Fully met")
    first.get_by_label("Narrative").fill("Serious incidents are reviewed with the LMNS monthly.")
    second = _requirement(page, "IEA1.2")
    second.get_by_label("Status").select_option(label="Partially met")
    second.get_by_label("Narrative").fill("Two of three audits done.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("IEA1 saved as a draft.")).to_be_visible()

    # Leaves and comes back: nothing is lost.
    page.goto(live_server.url + "/")
    _open_return(page, live_server, world.trust, world.period)
    page.get_by_role("link", name="IEA1 Immediate action 1").click()
    expect(_requirement(page, "IEA1.1").get_by_label("Narrative")).to_have_value(
        "Serious incidents are reviewed with the LMNS monthly."
    )
    expect(_requirement(page, "IEA1.2").get_by_label("Narrative")).to_have_value(
        "Two of three audits done."
    )

    # Submitting with items missing says exactly what.
    page.get_by_role("link", name="Back to the return overview").click()
    _step(page, "Submit to the LMNS")
    expect(
        page.get_by_text("requirement IEA1.2: add an action to reach full compliance")
    ).to_be_visible()
    expect(page.get_by_text("requirement IEA2.1: choose a status")).to_be_visible()

    # Completes the return and submits it.
    page.get_by_role("link", name="IEA1").first.click()
    page.get_by_role("link", name="Add an action to IEA1.2").click()
    page.get_by_label("Action to reach full compliance").fill("Complete the third audit")
    page.locator("#id_owner").fill("Director of Midwifery")
    page.get_by_label("Due date").fill("2022-09-30")
    page.get_by_role("button", name="Save the action").click()
    expect(page.get_by_text("Action added to IEA1.2.")).to_be_visible()
    expect(page.get_by_text("Complete the third audit", exact=True)).to_be_visible()
    page.get_by_role("button", name="Save and next section").click()
    expect(page.get_by_text("Section 2 of 2")).to_be_visible()
    for code in ("IEA2.1", "IEA2.2"):
        _requirement(page, code).get_by_label("Status").select_option(label="Fully met")
    page.get_by_role("button", name="Save and return to the overview").click()
    expect(page.get_by_text("Requirements complete: 4 of 4")).to_be_visible()
    _step(page, "Submit to the LMNS")
    expect(page.get_by_text("the return is now submitted")).to_be_visible()
    _sign_out(page)

    # The programme team sees it waiting, asks for a change and returns it.
    sign_in(page, live_server, "notts-team")
    page.goto(live_server.url + reverse("assurance:trust_returns", args=[world.trust.pk]))
    expect(page.get_by_role("cell", name="Submitted")).to_be_visible()
    page.get_by_role("link", name=str(world.period)).click()
    page.get_by_role("link", name="Raise a change request on the whole return").click()
    page.get_by_label("What needs to change").fill("Please add the audit dates to IEA2.")
    page.get_by_role("button", name="Raise the request").click()
    _step(page, "Return to the trust")
    expect(page.get_by_text("the return is now returned to trust")).to_be_visible()
    _sign_out(page)

    # The lead sees the comment and resubmits.
    sign_in(page, live_server, "nuh-lead")
    _open_return(page, live_server, world.trust, world.period)
    expect(page.get_by_text("Please add the audit dates to IEA2.").first).to_be_visible()
    _step(page, "Submit to the LMNS")
    expect(page.get_by_text("the return is now submitted")).to_be_visible()
    _sign_out(page)

    # The team accepts the change and assures it.
    sign_in(page, live_server, "notts-team")
    page.goto(live_server.url + reverse("assurance:return_detail", args=[ret.pk]))
    _step(page, "Accept and close")
    page.get_by_role("link", name="Assure", exact=True).click()
    expect(page.get_by_label("IEA1 agreed per cent")).to_have_value("75.0")
    page.get_by_role("button", name="Assure").click()
    expect(page.get_by_text("the return is now assured")).to_be_visible()
    _sign_out(page)
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.ASSURED

    # A board member reads the assured return with no way to change it.
    sign_in(page, live_server, "notts-board")
    page.goto(live_server.url + reverse("assurance:return_detail", args=[ret.pk]))
    expect(page.get_by_text("Assured", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Fill in the return")).to_have_count(0)
    expect(page.get_by_role("link", name="Reopen")).to_have_count(0)
    page.get_by_role("link", name="IEA1 Immediate action 1").click()
    expect(
        page.get_by_text("Serious incidents are reviewed with the LMNS monthly.")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Save draft")).to_have_count(0)
    expect(page.locator("textarea, select, input[type=file]")).to_have_count(0)

    # The board's heatmap shows the agreed figure, new this quarter.
    page.goto(
        live_server.url
        + reverse("assurance:dashboard", args=[world.lmns.pk])
        + f"?framework={framework.pk}&period={world.period.pk}"
    )
    nuh_row = page.locator("table.heatmap tr", has_text="NUH")
    expect(nuh_row.locator("td").first).to_contain_text("75%")
    expect(nuh_row.locator("td").first).to_contain_text("new")
