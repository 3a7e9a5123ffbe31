"""The account pages (django-allauth's, in the project's layout) at a phone's width: none wider
than the screen and no serious or critical axe-core violation, signed out and signed in."""

import pytest
from django.urls import reverse

from accounts.tests.factories import invitation_with_token, with_address

from .conftest import PASSWORD, sign_in
from .test_every_page import PHONE, _serious, _wider_than

pytestmark = pytest.mark.django_db(transaction=True)


def _check(page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state()
    problems = [f"{url}: {p}" for p in _serious(page)]
    wide = _wider_than(page, PHONE)
    return problems + ([f"{url}: {wide}"] if wide else [])


def test_account_pages_fit_a_phone_and_pass_axe(world, live_server, browser):
    _, token = invitation_with_token(lmns=world.lmns)
    context = browser.new_context(viewport=PHONE, locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    problems = []
    for name, args in [
        ("account_login", []),
        ("account_reset_password", []),
        ("account_reset_password_done", []),
        ("account_signup", []),
        ("invitation", [token]),
        ("sso_not_invited", []),
    ]:
        problems += _check(page, live_server.url + reverse(name, args=args))

    with_address(world.users["lead"])
    sign_in(page, live_server, "nuh-lead")
    for name in ["mfa_index", "account_change_password", "account_email", "account_logout"]:
        problems += _check(page, live_server.url + reverse(name))
    page.goto(live_server.url + reverse("mfa_activate_totp"))
    page.get_by_label("Password").fill(PASSWORD)  # allauth asks for it again first
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/totp/activate/")
    problems += _check(page, page.url)
    context.close()

    assert problems == [], "\n".join(problems)
