"""The board pack in real Chromium, on the demo data: an automated accessibility check (axe-core)
with no serious or critical violations, reading it as the board and issuing it as the team."""

import importlib
import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps as django_apps
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from lmns.demo import DEMO_PASSWORD
from lmns.models import Lmns, ReportingPeriod

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

SERIOUS = {"serious", "critical"}


def _restore_reference_frameworks() -> None:
    """Earlier browser tests run in transactions and flush the database, removing the frameworks
    that migration ships as reference data; the demo returns need them."""
    from assurance.models import Framework

    if not Framework.objects.exists():
        migration = importlib.import_module("assurance.migrations.0002_load_frameworks")
        migration.load(django_apps, None)


@pytest.fixture
def demo():
    _restore_reference_frameworks()
    call_command("load_demo", force=True, stdout=io.StringIO())
    lmns = Lmns.objects.get(short_name="NottsLMNS")
    period = ReportingPeriod.objects.get(start_year=2022, quarter=1)
    return lmns, period


def _serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


def test_the_board_member_reads_the_issued_pack_without_barriers(demo, live_server, page):
    sign_in(page, live_server, "notts-board", DEMO_PASSWORD)
    page.get_by_role("link", name="Board pack", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nottingham and Nottinghamshire LMNS")
    expect(page.get_by_text("Issued to the board on").first).to_be_visible()
    expect(page.get_by_text("Board pack · 2022/23 Q1")).to_be_visible()
    expect(page.locator("#section-compliance")).to_contain_text("57%")
    assert _serious_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename == "NottsLMNS-2022-23-Q1-board-pack.pdf"


def test_the_draft_pack_and_its_print_view_pass_too(demo, live_server, page):
    lmns, period = demo
    sign_in(page, live_server, "notts-team", DEMO_PASSWORD)
    page.goto(live_server.url + reverse("boardpack:pack", args=[lmns.pk, period.pk]))
    expect(page.get_by_text("Draft – not issued").first).to_be_visible()
    assert _serious_violations(page) == []
    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Download PDF")).to_be_hidden()
    expect(page.get_by_role("heading", name="Key messages")).to_be_visible()
    assert _serious_violations(page) == []


def test_the_team_issues_the_pack_in_the_browser(demo, live_server, page):
    lmns, period = demo
    sign_in(page, live_server, "notts-team", DEMO_PASSWORD)
    page.goto(live_server.url + reverse("boardpack:pack", args=[lmns.pk, period.pk]))
    page.get_by_role("link", name="Issue 2022/23 Q1 pack to board").click()
    expect(page.get_by_text("Issuing again adds version 2")).to_be_visible()
    page.get_by_role("button", name="Issue to board").click()
    expect(
        page.get_by_text("Tick the box to confirm you want to issue the pack.", exact=True)
    ).to_be_visible()
    page.get_by_label("I have read the draft").check()
    page.get_by_role("button", name="Issue to board").click()
    expect(page.get_by_text("was issued to the board (version 2)")).to_be_visible()
    assert _serious_violations(page) == []
