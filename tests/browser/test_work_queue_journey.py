"""What needs me: a lead submits, the team is told and finds it on their home page; the team
sends it back, and the lead's home page shows what to change."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from assurance.models import Framework
from assurance.tests.factories import (
    CollectionFactory,
    QuarterlyReturnFactory,
    fill_answers,
    framework_with,
)

from .conftest import declare, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _bell(page):
    return page.get_by_role("link", name=re.compile("^Notifications"))


def test_a_submitted_return_reaches_the_team_and_comes_back_to_the_lead(
    world, live_server, browser
):
    Framework.objects.update(active=False)
    framework = framework_with(sections=1, requirements=2, short_name="Ockenden interim")
    CollectionFactory(lmns=world.lmns, period=world.period, framework=framework)
    ret = QuarterlyReturnFactory(trust=world.trust, period=world.period, framework=framework)
    fill_answers(ret)
    lead = browser.new_context(locale="en-GB").new_page()
    team = browser.new_context(locale="en-GB").new_page()

    # The team member's home page: nothing to review yet, no unread notifications.
    sign_in(team, live_server, "notts-team")
    work = team.locator("#work")
    expect(work.get_by_text("To review")).to_have_count(0)
    expect(_bell(team)).to_have_text(re.compile(r"^\W*Notifications$"))

    # The lead finds the draft on their home page and submits it.
    sign_in(lead, live_server, "nuh-lead")
    lead.locator("#work").get_by_role(
        "link", name=re.compile("NUH Ockenden interim return")
    ).click()
    lead.get_by_role("link", name="Submit to the LMNS").click()
    declare(lead)
    lead.get_by_role("button", name="Submit to the LMNS").click()
    expect(lead.get_by_text("Submitted", exact=False).first).to_be_visible()

    # The team member's bell count rises and the return is on their home page.
    team.reload()
    expect(_bell(team)).to_contain_text("1 unread")
    expect(team.get_by_role("link", name="1 to review")).to_be_visible()
    item = team.locator("#work li", has_text="To review")
    expect(item).to_contain_text("NUH Ockenden interim return for 2022/23 Q1")
    expect(item).to_contain_text("waiting since today")
    assert _serious_violations(team) == []

    # The notification links to the return; the team sends it back with what to change.
    _bell(team).click()
    team.get_by_role("link", name=re.compile("NUH submitted its Ockenden interim return")).click()
    team.get_by_role("link", name="Raise a change request on the whole return").click()
    team.get_by_label("What needs to change").fill("IEA1: attach the audit report")
    team.get_by_role("button", name="Raise the request").click()
    team.get_by_role("link", name="Return to the trust").click()
    team.get_by_label("Comment (optional)").fill("IEA1: attach the audit report")
    team.get_by_role("button", name="Return to the trust").click()
    team.wait_for_load_state()

    # The lead's home page shows the return sent back with the change asked for.
    lead.goto(live_server.url + "/")
    expect(_bell(lead)).to_contain_text("1 unread")
    expect(lead.get_by_role("link", name="1 sent back")).to_be_visible()
    sent_back = lead.locator("#work li", has_text="Sent back to change")
    expect(sent_back).to_contain_text("NUH Ockenden interim return for 2022/23 Q1")
    expect(sent_back).to_contain_text("Sent back with 1 open change request")
    expect(sent_back).to_contain_text("IEA1: attach the audit report")

    # Marking all read empties the bell.
    _bell(lead).click()
    assert _serious_violations(lead) == []
    lead.get_by_role("button", name="Mark all read").click()
    expect(lead.get_by_text("1 notification marked read.")).to_be_visible()
    expect(_bell(lead)).not_to_contain_text("unread")
