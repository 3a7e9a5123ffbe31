"""The compliance dashboard in a real browser: the team imports a quarter, the board reads it."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assurance.tests.factories import framework_with, rated_return

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def _cell(page, trust: str, code: str):
    return page.locator(f'tr[data-trust="{trust}"] td[data-section="{code}"]')


def test_team_imports_a_quarter_and_the_board_reads_the_changes(world, live_server, page, tmp_path):
    framework = framework_with(
        sections=3, requirements=1, name="Browser test actions", short_name="Browser IEA"
    )
    rated_return(world.trust, world.previous_period, {"IEA1": 50, "IEA2": 80}, framework=framework)
    bad = tmp_path / "bad.csv"
    bad.write_text("trust,IEA1,IEA2,IEA3\nRX1,150,80,70\nRGP,1,2,3\n")
    good = tmp_path / "april-2022.csv"
    good.write_text("trust,IEA1,IEA2,IEA3\nRX1,65,80,70\n")

    sign_in(page, live_server, "notts-team")
    page.get_by_role("link", name="Compliance dashboard").first.click()
    page.get_by_role("link", name="Import figures from CSV").click()
    page.get_by_label("Framework").select_option(label="Browser IEA (v1)")
    page.get_by_label("Quarter").select_option(label="2022/23 Q1")
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Check and import").click()
    report = page.get_by_role("alert")
    expect(report).to_contain_text("Nothing was imported")
    expect(report).to_contain_text("IEA1: 150% is outside 0 to 100")
    expect(report).to_contain_text("JPUH (RGP) is not a trust of")
    expect(page.get_by_label("Quarter")).to_have_value(str(world.period.pk))

    page.get_by_label("CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_text("as assured for 1 trust (1 new return")).to_be_visible()
    _sign_out(page)

    sign_in(page, live_server, "notts-board")
    page.get_by_role("link", name="Compliance dashboard").first.click()
    page.get_by_label("Framework", exact=True).select_option(label="Browser IEA (v1)")
    page.get_by_label("Quarter", exact=True).select_option(label="2022/23 Q1")
    page.get_by_role("button", name="Show").click()
    expect(
        page.get_by_role("heading", name="Browser IEA: agreed compliance, 2022/23 Q1")
    ).to_be_visible()
    expect(_cell(page, "NUH", "IEA1")).to_contain_text("65%")
    expect(_cell(page, "NUH", "IEA1")).to_contain_text("▲ 15")
    expect(_cell(page, "NUH", "IEA1")).to_contain_text("changed – review")
    expect(_cell(page, "NUH", "IEA2")).to_contain_text("no change")
    expect(_cell(page, "NUH", "IEA3")).to_contain_text("new")
    expect(page.locator('tr[data-trust="SFH"]')).to_contain_text("No return yet")
    expect(page.get_by_role("link", name="Import figures from CSV")).to_have_count(0)

    page.get_by_role("link", name="NUH", exact=True).click()
    chart = page.get_by_role("img", name=re.compile("NUH IEA1 .*agreed per cent by quarter"))
    expect(chart).to_be_visible()
    expect(page.locator("table.trend-table")).to_contain_text("65%")


def _serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({[n['target'] for n in v['nodes']][:3]})"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_dashboard_pages_have_no_serious_accessibility_problems(world, live_server, page):
    framework = framework_with(sections=3, requirements=1, name="Axe actions", short_name="Axe IEA")
    rated_return(world.trust, world.previous_period, {"IEA1": 50, "IEA2": 99}, framework=framework)
    rated_return(world.trust, world.period, {"IEA1": 80, "IEA2": 99}, framework=framework)
    query = f"?framework={framework.pk}&period={world.period.pk}"
    sign_in(page, live_server, "notts-team")
    for url in [
        reverse("assurance:dashboard", args=[world.lmns.pk]) + query,
        reverse("assurance:trust_trend", args=[world.trust.pk]) + query,
        reverse("assurance:import_compliance", args=[world.lmns.pk]),
    ]:
        page.goto(live_server.url + url)
        assert _serious_violations(page) == [], url
