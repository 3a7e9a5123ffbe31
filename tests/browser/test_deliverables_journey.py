"""The Norfolk and Waveney programme team updates amber and red deliverables on one page."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from deliverables.models import Deliverable
from deliverables.tests.factories import DeliverableFactory, DeliverableUpdateFactory, PlanFactory
from lmns.models import RagStatus

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _plan(world):
    plan = PlanFactory(lmns=world.other_lmns, title="2022/23 planning deliverables")
    for number, status in [
        (1, RagStatus.COMPLETE),
        (2, RagStatus.AT_RISK),
        (3, RagStatus.OFF_TRACK),
        (4, RagStatus.AT_RISK),
        (5, RagStatus.ON_TRACK),
    ]:
        d = DeliverableFactory(plan=plan, number=number, title=f"Deliverable {number}")
        u = DeliverableUpdateFactory(
            deliverable=d,
            status=status,
            period=world.previous_period,
            recovery_action="Escalate",
            recovery_date=datetime.date(2023, 1, 31),
        )
        Deliverable.objects.filter(pk=d.pk).update(status=status, latest_update=u)
    return plan


def test_programme_team_filters_updates_with_an_error_fixes_and_sees_history(
    world, live_server, page
):
    _plan(world)
    sign_in(page, live_server, "nw-team")
    page.goto(live_server.url + reverse("deliverables:plan_list", args=[world.other_lmns.pk]))
    page.get_by_role("link", name="2022/23 planning deliverables").click()

    page.get_by_label("At risk").check()
    page.get_by_label("Off track").check()
    page.get_by_role("button", name="Apply filters").click()
    table = page.locator("table.deliverables-table")
    expect(table.get_by_role("link", name="Deliverable 2")).to_be_visible()
    expect(table.get_by_role("link", name="Deliverable 5")).to_have_count(0)

    page.get_by_role("link", name="Update these deliverables for a period").click()
    page.get_by_label("Status for 2").select_option(label="On track")
    page.get_by_label("Progress narrative for 2").fill("Recovered: staff recruited.")
    page.get_by_label("Progress narrative for 3").fill("Still waiting for the board.")
    # Still off track: last time's recovery action is carried forward; this time it is cleared.
    expect(page.get_by_label("Recovery action for 3")).to_have_value("Escalate")
    page.get_by_label("Recovery action for 3").fill("")
    page.get_by_label("Status for 4").select_option(label="Complete")
    page.get_by_label("Progress narrative for 4").fill("Signed off in December.")
    page.get_by_role("button", name="Save updates").click()

    expect(page.get_by_text("Nothing has been saved yet")).to_be_visible()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.get_by_text("Off track needs a recovery action")).to_be_visible()
    expect(page.get_by_label("Progress narrative for 2")).to_have_value(
        "Recovered: staff recruited."
    )
    expect(page.get_by_label("Status for 4")).to_have_value("complete")

    page.get_by_label("Recovery action for 3").fill("Take the plan to the January board.")
    page.get_by_label("Recovery date for 3").fill("2023-01-31")
    page.get_by_role("button", name="Save updates").click()
    expect(page.get_by_text("3 update(s) recorded")).to_be_visible()

    page.locator("table.deliverables-table").get_by_role("link", name="Deliverable 3").click()
    expect(page.get_by_text("Take the plan to the January board.")).to_be_visible()
    expect(page.get_by_text("Still waiting for the board.")).to_be_visible()
    expect(page.get_by_text("recorded by").first).to_be_visible()
    page.get_by_role("link", name="History of changes to this deliverable").click()
    expect(page.get_by_role("heading", name="History: 3 Deliverable 3")).to_be_visible()


def _serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_plan_pages_have_no_serious_accessibility_problems(world, live_server, page):
    plan = _plan(world)
    deliverable = plan.deliverables.get(number=3)
    sign_in(page, live_server, "nw-team")
    for url in [
        plan.get_absolute_url(),
        reverse("deliverables:period_update", args=[plan.pk]),
        deliverable.get_absolute_url(),
        reverse("deliverables:risk_register", args=[world.other_lmns.pk]),
        reverse("deliverables:import_upload", args=[plan.pk]),
    ]:
        page.goto(live_server.url + url)
        assert _serious_violations(page) == [], url
