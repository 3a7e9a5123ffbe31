"""A keyboard-only journey through a trust lead's section page, with no mouse: the skip link
comes first, a failed save puts focus on the error summary, its link takes focus to the field,
and wherever focus is, it is drawn (the yellow NHS focus style)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assurance.tests.factories import QuarterlyReturnFactory, framework_with

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _expect_focus_drawn(page) -> None:
    """The focused element is drawn in yellow (outline, box-shadow or background), once the
    buttons' colour transition (0.15 s) has run."""
    page.wait_for_function(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineColor, s.boxShadow, s.backgroundColor].join(' ')"
        ".includes('255, 235, 59'); }",
        timeout=2000,
    )


def _active(page) -> dict:
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return {tag: e.tagName, id: e.id, text: (e.innerText || '').trim().slice(0, 80),"
        " label: e.labels && e.labels[0] ? e.labels[0].innerText.trim() : ''}; }"
    )


def _tab_to(page, predicate, limit: int = 80) -> dict:
    """Press Tab until the focused element is the one wanted (as a keyboard user would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = _active(page)
        if predicate(active):
            return active
    raise AssertionError(f"Tab never reached it; last focused: {active}")


def test_a_lead_fills_in_a_section_with_the_keyboard_only(world, live_server, page):
    framework = framework_with(
        sections=2, requirements=2, short_name="Ockenden", reports_percent=True
    )
    ret = QuarterlyReturnFactory(trust=world.trust, period=world.period, framework=framework)
    section = framework.sections.order_by("order").first()
    sign_in(page, live_server, "nuh-lead")
    page.goto(live_server.url + reverse("assurance:section_edit", args=[ret.pk, section.pk]))

    # The first Tab reaches the skip link, shown and highlighted; Enter moves focus to the main
    # content, so the next Tab starts in the page's own content, past the navigation.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    _expect_focus_drawn(page)
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    # To the first requirement's per cent, by Tab alone; an impossible figure; save by keyboard.
    _tab_to(page, lambda a: a["label"].startswith("Per cent compliant"))
    _expect_focus_drawn(page)
    page.keyboard.type("150")
    _tab_to(page, lambda a: a["tag"] == "BUTTON" and a["text"] == "Save draft")
    _expect_focus_drawn(page)
    page.keyboard.press("Enter")
    page.wait_for_load_state()

    # Focus starts at the error summary, drawn in yellow; Tab reaches its link, and Enter takes
    # focus to the field, highlighted, the figure kept to correct.
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_focused()
    _expect_focus_drawn(page)
    link = _tab_to(page, lambda a: a["tag"] == "A")
    assert "Per cent compliant" in link["text"], link
    _expect_focus_drawn(page)
    page.keyboard.press("Enter")
    focused = _active(page)
    assert focused["label"].startswith("Per cent compliant"), focused
    _expect_focus_drawn(page)
    expect(page.locator(f"#{focused['id']}")).to_have_value("150")
