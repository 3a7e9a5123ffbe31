"""The keyboard journey of a failed save and of a wide table, at a phone's width: focus lands on
the error summary, its link moves focus to the field, and a scrolling table takes focus."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from deliverables.tests.factories import PlanFactory

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_failed_save_starts_at_the_error_summary_linked_to_its_fields(world, live_server, page):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "notts-team")
    page.goto(live_server.url + reverse("deliverables:risk_create", args=[world.lmns.pk]))
    page.get_by_role("button", name="Save risk").click()

    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text(
        "There is a problem: nothing has been saved"
    )
    summary.get_by_role("link", name="Title: This field is required.").click()
    expect(page.get_by_label("Title")).to_be_focused()
    page.keyboard.type("Midwife vacancies")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_wide_table_scrolls_in_its_own_region_reached_by_the_keyboard(world, live_server, page):
    PlanFactory(lmns=world.lmns, title="2022/23 planning deliverables")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "notts-team")
    page.goto(live_server.url + reverse("deliverables:plan_list", args=[world.lmns.pk]))
    region = page.get_by_role("region", name="Plans")
    region.focus()
    expect(region).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # Focus is drawn in the NHS style: a yellow outline.
    assert "255, 235, 59" in region.evaluate("el => getComputedStyle(el).outlineColor")
