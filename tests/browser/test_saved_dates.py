"""A saved date survives the page being saved again, in a real browser's date control."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assurance.models import Action, ReturnStatus
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
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("IEA1 saved as a draft.")).to_be_visible()

    # The action is added on its own page, its due date in the browser's date control.
    page.get_by_role("link", name="Add an action to IEA1.1").click()
    page.get_by_label("Action to reach full compliance").fill("Complete the third audit")
    page.locator("#id_owner").fill("Director of Midwifery")
    page.get_by_label("Due date").fill("2027-03-31")
    page.get_by_role("button", name="Save the action").click()
    expect(page.get_by_text("Action added to IEA1.1.")).to_be_visible()

    # Reopened, the date control shows the saved date; saved again (button, then Enter in a
    # field), nothing changes.
    page.get_by_role("link", name=re.compile("^Update")).click()
    expect(page.get_by_label("Due date")).to_have_value("2027-03-31")
    page.reload()
    expect(page.get_by_label("Due date")).to_have_value("2027-03-31")
    page.get_by_role("button", name="Save the action").click()
    expect(page.get_by_text("Nothing had changed.")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Update")).click()
    page.locator("#id_owner").press("Enter")
    expect(page.get_by_text("Nothing had changed.")).to_be_visible()
    action = Action.objects.get(raised_on__quarterly_return=ret)
    assert action.due == datetime.date(2027, 3, 31) and action.version == 1

    # And the return, complete with the action the lead gave, can be submitted.
    page.get_by_role("link", name="Back to the return overview").click()
    page.get_by_role("link", name="Submit to the LMNS").click()
    declare(page)
    page.get_by_role("button", name="Submit to the LMNS").click()
    expect(page.get_by_text("Done: the return is now submitted.")).to_be_visible()
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SUBMITTED
