import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_trust_lead_sees_their_trust_and_not_another(world, live_server, page):
    sign_in(page, live_server, "nuh-lead")
    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()
    expect(page.get_by_text("Signed in as")).to_be_visible()
    expect(
        page.get_by_role("link", name="Nottingham University Hospitals NHS Trust")
    ).to_be_visible()
    expect(page.get_by_text("Sherwood Forest")).to_have_count(0)

    page.goto(live_server.url + reverse("trust_detail", args=[world.sibling_trust.pk]))
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()


def test_board_member_cannot_reach_an_edit_page(world, live_server, page):
    sign_in(page, live_server, "notts-board")
    expect(page.get_by_text("Board member", exact=True)).to_be_visible()
    page.goto(live_server.url + "/admin/lmns/trust/")
    expect(page.get_by_text("for administrators only")).to_be_visible()
    expect(page.get_by_text("Nottingham University Hospitals NHS Trust")).to_have_count(0)


def test_wrong_password_is_refused_with_a_message(world, live_server, page):
    sign_in(page, live_server, "nuh-lead", password="not-the-password")
    expect(page.get_by_role("alert").get_by_text("are not correct")).to_be_visible()
