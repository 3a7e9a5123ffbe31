"""A trust lead enters their quarter's actuals and marks their lines complete; the programme team
submits, and another member of the team signs off (four eyes on money)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from funding.models import SpendReturn, SpendReturnStatus
from funding.tests.factories import (
    SpendEntryFactory,
    SpendReturnFactory,
    TrustCompletionFactory,
    make_funded,
)
from lmns.models import Role
from lmns.tests.factories import lmns_member

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_trust_lead_enters_actuals_and_team_signs_off(world, live_server, page):
    funded = make_funded(world)
    spend_return = SpendReturnFactory(lmns=world.lmns, period=world.period)
    for line in (funded.central, funded.sfh_line):
        SpendEntryFactory(budget_line=line, spend_return=spend_return)
    TrustCompletionFactory(spend_return=spend_return, trust=world.sibling_trust, complete=True)

    sign_in(page, live_server, "nuh-lead")
    page.goto(live_server.url + reverse("funding:trust", args=[world.trust.pk]))
    expect(page.get_by_role("heading", name="Funding held by")).to_be_visible()
    page.get_by_role("link", name="Q1").click()
    expect(page.get_by_text("SFH project manager")).to_have_count(0)
    page.get_by_role("link", name="Enter figures for NUH project manager").click()

    # Far over profile with no narrative: refused with a message, input kept.
    page.get_by_label("Actual expenditure in the quarter").fill("£12,000")
    page.get_by_label("Forecast outturn for the year").fill("16000")
    page.get_by_role("button", name="Save figures").click()
    expect(page.locator("#error_1_id_narrative")).to_contain_text("explain the variance")
    expect(page.get_by_label("Actual expenditure in the quarter")).to_have_value("£12,000")

    page.get_by_label("Actual expenditure in the quarter").fill("4800")
    page.get_by_role("button", name="Save figures").click()
    expect(page.get_by_text("figures saved")).to_be_visible()
    expect(page.get_by_role("cell", name="−£200 under profile")).to_be_visible()
    page.get_by_role("button", name="Mark our lines complete").click()
    expect(page.get_by_text("lines marked complete")).to_be_visible()
    expect(page.get_by_role("link", name="Change figures for NUH project manager")).to_have_count(0)

    page.context.clear_cookies()
    sign_in(page, live_server, "notts-team")
    page.goto(live_server.url + reverse("funding:return_detail", args=[world.lmns.pk, 2022, 1]))
    expect(page.locator("#trusts-complete")).to_have_text("2 of 2 trusts complete")
    page.get_by_role("button", name="Submit the return").click()
    expect(page.locator("#return-status")).to_have_text("Submitted")
    expect(page.get_by_role("button", name="Sign off the return")).to_have_count(0)

    lmns_member(world.lmns, Role.PROGRAMME_TEAM, "notts-finance")
    page.context.clear_cookies()
    sign_in(page, live_server, "notts-finance")
    page.goto(live_server.url + reverse("funding:return_detail", args=[world.lmns.pk, 2022, 1]))
    page.locator("#sign_off-comment").fill("Agreed at LMNS board.")
    page.get_by_role("button", name="Sign off the return").click()
    expect(page.get_by_text("Tick to confirm you have checked the figures.")).to_be_visible()
    page.locator("#sign_off-comment").fill("Agreed at LMNS board.")
    page.get_by_label("I have checked the figures").check()
    page.get_by_role("button", name="Sign off the return").click()
    expect(page.locator("#return-status")).to_have_text("Signed off")
    expect(page.locator("#timeline")).to_contain_text("Agreed at LMNS board.")
    assert SpendReturn.objects.get(pk=spend_return.pk).status == SpendReturnStatus.SIGNED_OFF
