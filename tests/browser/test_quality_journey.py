"""Perinatal quality surveillance in real Chromium on the demo data: a board member finds the
exceptions first and opens the chart behind one; the pages pass axe-core without serious or
critical violations and fit a 390 px phone."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from lmns.demo import DEMO_PASSWORD

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

SERIOUS = {"serious", "critical"}


def _serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


def _fits_a_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_board_reads_exceptions_first_and_the_chart_behind_one(demo, live_server, page):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "km-board", DEMO_PASSWORD)
    page.get_by_role("link", name="Perinatal quality surveillance").click()
    expect(page.get_by_text("Illustrative figures").first).to_be_visible()
    exceptions = page.locator("ul.exceptions")
    expect(exceptions).to_contain_text("Midwife fill rate (night) at DGT")
    expect(exceptions).to_contain_text("special cause concerning")
    assert _serious_violations(page) == []
    assert _fits_a_phone(page)
    exceptions.get_by_role("link", name="Midwife fill rate (night) at DGT").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Midwife fill rate (night)")
    expect(page.locator("svg.spc-chart")).to_be_visible()
    expect(page.locator(".spc-status")).to_contain_text("Special cause variation – concerning")
    assert _serious_violations(page) == []
    assert _fits_a_phone(page)
