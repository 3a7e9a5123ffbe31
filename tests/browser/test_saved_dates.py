"""A saved date survives the page being saved again, in a real browser's date control."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assurance.models import Answer, ReturnStatus
from assurance.tests.factories import QuarterlyReturnFactory, framework_with

from .conftest import declare, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_due_date_survives_reloading_and_saving_again(world, live_server, page):
    framework = framework_with(sections=1, requirements=1, short_name="Ockenden")
    ret = QuarterlyReturnFactory(trust=world.trust, period=world.period, framework=framework)
    section = framework.sections.get()
    url = live_server.url + reverse("assurance:section_edit", args=[ret.pk, section.pk])

    sign_in(page, live_server, "nuh-lead")
    page.goto(url)
    requirement = page.get_by_role("group", name=re.compile(r"^IEA1\.1 "))
    requirement.get_by_label("Status").select_option(label="Partially met")
    requirement.get_by_label("Narrative").fill("Two of three audits done.")
    requirement.get_by_label("Action to reach full compliance").fill("Complete the third audit")
    requirement.get_by_label("Action owner").fill("Director of Midwifery")
    due = requirement.get_by_label("Action due date")
    due.fill("2027-03-31")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("IEA1 saved as a draft.")).to_be_visible()

    # Reloaded, the browser's date control shows the saved date.
    page.reload()
    due = page.get_by_role("group", name=re.compile(r"^IEA1\.1 ")).get_by_label("Action due date")
    expect(due).to_have_value("2027-03-31")

    # Saved again with the button, then with Enter in a field: the date is still there.
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Nothing had changed in IEA1")).to_be_visible()
    page.get_by_role("group", name=re.compile(r"^IEA1\.1 ")).get_by_label("Action owner").press(
        "Enter"
    )
    page.wait_for_load_state()
    expect(
        page.get_by_role("group", name=re.compile(r"^IEA1\.1 ")).get_by_label("Action due date")
    ).to_have_value("2027-03-31")
    answer = Answer.objects.get(quarterly_return=ret)
    assert answer.action_due == datetime.date(2027, 3, 31)

    # And the return, complete with the date the lead gave, can be submitted.
    page.get_by_role("link", name="Back to the return overview").click()
    page.get_by_role("link", name="Submit to the LMNS").click()
    declare(page)
    page.get_by_role("button", name="Submit to the LMNS").click()
    expect(page.get_by_text("Done: the return is now submitted.")).to_be_visible()
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SUBMITTED
