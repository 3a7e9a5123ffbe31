"""The board pack in real Chromium: an automated accessibility check (axe-core) and reading it."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from boardpack.services import issue_pack

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

SERIOUS = {"serious", "critical"}


def _serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


def test_the_issued_pack_has_no_serious_accessibility_violations(world, live_server, page):
    issue_pack(world.lmns, world.period, world.users["team"], expected_version=0)
    sign_in(page, live_server, "notts-board")
    page.get_by_role("link", name="Board pack").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nottingham and Nottinghamshire LMNS")
    expect(page.get_by_text("Issued to the board on").first).to_be_visible()
    assert _serious_violations(page) == []


def test_the_draft_pack_and_its_print_view_pass_too(world, live_server, page):
    sign_in(page, live_server, "notts-team")
    page.goto(live_server.url + reverse("boardpack:pack", args=[world.lmns.pk, world.period.pk]))
    expect(page.get_by_text("Draft – not issued").first).to_be_visible()
    assert _serious_violations(page) == []
    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Download PDF")).to_be_hidden()
    expect(page.get_by_role("heading", name="Key messages")).to_be_visible()
    assert _serious_violations(page) == []


def test_the_team_issues_the_pack_in_the_browser(world, live_server, page):
    sign_in(page, live_server, "notts-team")
    page.goto(live_server.url + reverse("boardpack:pack", args=[world.lmns.pk, world.period.pk]))
    page.get_by_role("link", name="Issue 2022/23 Q1 pack to board").click()
    page.get_by_role("button", name="Issue to board").click()
    expect(page.get_by_text("Tick the box to confirm")).to_be_visible()
    page.get_by_label("I have read the draft").check()
    page.get_by_role("button", name="Issue to board").click()
    expect(page.get_by_text("was issued to the board (version 1)")).to_be_visible()
    assert _serious_violations(page) == []
