"""Patient data written into a deliverable update by mistake is purged by two administrators:
one asks with a reason and cannot approve their own request, a second approves, and the page
that showed the text shows the tombstone instead."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from deliverables.models import Deliverable
from deliverables.tests.factories import DeliverableFactory, DeliverableUpdateFactory, PlanFactory
from lmns.models import RagStatus
from lmns.tests.factories import UserFactory

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

LEAKED = "Discussed Jane Doe, NHS 943 476 5919, at the safety huddle."
REMOVED = re.compile("removed for information governance", re.IGNORECASE)


def _update_with_patient_data(world) -> Deliverable:
    deliverable = DeliverableFactory(
        plan=PlanFactory(lmns=world.lmns, title="Maternity plan"), title="Safety huddles"
    )
    update = DeliverableUpdateFactory(
        deliverable=deliverable,
        period=world.period,
        status=RagStatus.AT_RISK,
        narrative=LEAKED,
        recovery_action="Weekly review",
        recovery_date=datetime.date(2022, 9, 30),
    )
    Deliverable.objects.filter(pk=deliverable.pk).update(status=update.status, latest_update=update)
    return deliverable


def test_two_administrators_purge_a_narrative_and_its_page_shows_the_tombstone(
    world, live_server, browser, page
):
    deliverable = _update_with_patient_data(world)
    UserFactory(username="ig-admin", is_superuser=True, is_staff=True)
    UserFactory(username="second-admin", is_superuser=True, is_staff=True)
    where = live_server.url + reverse("deliverables:deliverable_detail", args=[deliverable.pk])

    # The first administrator asks, with a reason.
    sign_in(page, live_server, "ig-admin")
    page.goto(where)
    expect(page.get_by_text(LEAKED)).to_be_visible()
    page.get_by_role("link", name="Report patient data in this update").click()
    page.get_by_label("What holds the patient-identifiable data").select_option(
        label="Progress narrative"
    )
    page.get_by_label("Why it must be removed").fill("A patient's name and NHS number")
    page.get_by_role("button", name="Ask for a purge").click()
    expect(page.get_by_text("Purge asked for: an administrator will review it.")).to_be_visible()

    # ...and cannot approve their own request.
    row = page.locator("tr", has_text="A patient's name and NHS number")
    expect(row.get_by_text("A second administrator must approve your request.")).to_be_visible()
    expect(row.get_by_role("button", name="Approve and purge")).to_have_count(0)
    page.goto(where)
    expect(page.get_by_text(LEAKED)).to_be_visible()

    # A second administrator approves.
    second = browser.new_context(locale="en-GB", timezone_id="Europe/London").new_page()
    sign_in(second, live_server, "second-admin")
    second.goto(live_server.url + reverse("purge_list"))
    second.locator("tr", has_text="A patient's name and NHS number").get_by_role(
        "button", name="Approve and purge"
    ).click()
    expect(second.get_by_text("Purged: the tombstone records it.")).to_be_visible()

    # Where the text was, the tombstone.
    page.goto(where)
    expect(page.get_by_text(REMOVED).first).to_be_visible()
    expect(page.get_by_text("943 476 5919")).to_have_count(0)
    expect(page.get_by_text("Weekly review")).to_be_visible()  # the other field stays
    second.context.close()
