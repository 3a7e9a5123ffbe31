"""Frameworks cross-referenced: a trust lead sees an action recorded on a mapped requirement of
another framework, links it so it counts, and the return can then be submitted."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assurance.models import Action, ComplianceStatus, ReturnStatus
from assurance.tests.factories import (
    ActionFactory,
    QuarterlyReturnFactory,
    RequirementMappingFactory,
    fill_answers,
    framework_with,
)

from .conftest import declare, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_lead_links_a_related_action_and_submits(world, live_server, page):
    mine = framework_with(sections=1, requirements=1, short_name="Ockenden test")
    theirs = framework_with(sections=1, requirements=1, short_name="SBL test")
    ret = QuarterlyReturnFactory(trust=world.trust, period=world.period, framework=mine)
    fill_answers(ret, status=ComplianceStatus.PARTIALLY_MET, narrative="Half the wards.")
    Action.objects.filter(raised_on__quarterly_return=ret).delete()  # none of its own
    source = QuarterlyReturnFactory(trust=world.trust, period=world.period, framework=theirs)
    RequirementMappingFactory(
        requirement=ret.answers.get().requirement,
        related=source.answers.get().requirement,
        source_document="Test cross-reference (2024)",
        source_location="Table 1",
    )
    ActionFactory(raised_on=source.answers.get(), what="Train every CTG reader")

    sign_in(page, live_server, "nuh-lead")
    submit = live_server.url + reverse("assurance:return_action", args=[ret.pk, "submit"])
    page.goto(submit)
    expect(page.get_by_text("add an action to reach full compliance")).to_be_visible()
    section = ret.framework.sections.get()
    page.goto(live_server.url + reverse("assurance:section_edit", args=[ret.pk, section.pk]))
    related = page.get_by_role("region", name="Related in other frameworks")
    related.get_by_text("1 mapped requirement: 0 files, 1 open action").click()
    expect(related.get_by_text("Train every CTG reader")).to_be_visible()
    expect(related.get_by_text("Test cross-reference (2024); Table 1")).to_be_visible()

    related.get_by_role("link", name="Count related evidence or actions toward IEA1.1").click()
    page.get_by_label(re.compile("Train every CTG reader")).check()
    page.get_by_role("button", name="Count the ticked ones toward IEA1.1").click()
    expect(page.get_by_text("1 linked to count toward IEA1.1")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Linked to count toward IEA1\.1"))).to_be_visible()

    # The linked action answers "add an action": the return can be submitted.
    page.goto(submit)
    expect(page.get_by_text("add an action to reach full compliance")).to_have_count(0)
    declare(page)
    page.get_by_role("button", name="Submit to the LMNS").click()
    page.wait_for_load_state()
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SUBMITTED
