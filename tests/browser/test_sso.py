"""Single sign-on against a real OpenID Connect provider on loopback.

The provider is allauth's identity provider in the small Django project under ``tests/idp/``,
run as its own process on a free port with its own SQLite file and signing key. The product
knows it as "Trust account" (provider id ``trust-idp``), configured as the environment would.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from allauth.socialaccount.models import SocialAccount
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import invitation_with_token
from lmns.models import Membership, Role

pytestmark = pytest.mark.django_db(transaction=True)

PROVIDER_ID, CLIENT_ID, CLIENT_SECRET = "trust-idp", "lmns-assurance", "test-client-secret-0123"
IDP_PASSWORD = "idp-password-2026"
# People known to the identity provider. "intruder" claims the invited person's address.
PEOPLE = [
    ("ada", "ada.okafor@nhs.example"),
    ("intruder", "ada.okafor@nhs.example"),
    ("stranger", "stranger@nhs.example"),
    ("lead-sso", "nuh.lead@nhs.example"),
    ("mfa-person", "mfa.person@nhs.example"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture
def identity_provider(live_server, tmp_path, settings):
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.idp.settings",
        "IDP_DATABASE": str(tmp_path / "idp.sqlite3"),
        "IDP_PRIVATE_KEY": _private_key(),
        "IDP_MFA_USERS": "mfa-person",
    }
    for name in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    run = {"cwd": django_settings.BASE_DIR, "env": env, "check": True, "capture_output": True}
    subprocess.run([sys.executable, "-m", "django", "migrate", "--noinput"], **run)
    callback = f"{live_server.url}/accounts/sso/{PROVIDER_ID}/login/callback/"
    spec = {
        "client": {"id": CLIENT_ID, "secret": CLIENT_SECRET, "redirect_uri": callback},
        "people": [{"username": u, "email": e, "password": IDP_PASSWORD} for u, e in PEOPLE],
    }
    subprocess.run([sys.executable, "-m", "tests.idp.setup", json.dumps(spec)], **run)
    server = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/.well-known/openid-configuration", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        settings.SOCIALACCOUNT_PROVIDERS = {
            "openid_connect": {
                "OAUTH_PKCE_ENABLED": True,
                "APPS": [
                    {
                        "provider_id": PROVIDER_ID,
                        "name": "Trust account",
                        "client_id": CLIENT_ID,
                        "secret": CLIENT_SECRET,
                        "settings": {"server_url": url},
                    }
                ],
            }
        }
        directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
        settings.CONTENT_SECURITY_POLICY = {
            "DIRECTIVES": {**directives, "form-action": [*directives["form-action"], url]}
        }
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _through_the_provider(page, username: str) -> None:
    """On the provider's sign-in page (reached from the product): sign in there."""
    page.wait_for_url("http://127.0.0.1:*/**")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(IDP_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()


def _sign_in_with_the_provider(page, live_server, username: str) -> None:
    page.goto(live_server.url + reverse("account_login"))
    page.get_by_role("link", name="Sign in with Trust account").click()
    page.get_by_role("button", name="Continue").click()
    _through_the_provider(page, username)


def _memberships() -> list:
    return sorted(Membership.objects.values_list("user__username", "role", "lmns", "trust"))


def test_an_invited_person_signs_in_through_the_provider_and_nobody_takes_their_account(
    world, live_server, page, browser, identity_provider
):
    invitation, token = invitation_with_token(
        lmns=world.lmns, role=Role.BOARD_MEMBER, email="ada.okafor@nhs.example"
    )
    before = _memberships()
    page.goto(live_server.url + reverse("invitation", args=[token]))
    page.get_by_role("button", name="Accept and sign in with Trust account").click()
    page.get_by_role("button", name="Continue").click()
    _through_the_provider(page, "ada")

    expect(page.get_by_text("Signed in as")).to_be_visible()
    ada = get_user_model().objects.get(email="ada.okafor@nhs.example")
    account = SocialAccount.objects.get(user=ada)
    assert account.provider == PROVIDER_ID
    assert account.extra_data["id_token"]["iss"] == identity_provider
    assert _memberships() == sorted(
        [*before, (ada.username, Role.BOARD_MEMBER, world.lmns.pk, None)]
    )
    invitation.refresh_from_db()
    assert invitation.accepted_by == ada

    # Someone else at the provider whose account claims Ada's address gets nowhere.
    other = browser.new_context(locale="en-GB").new_page()
    _sign_in_with_the_provider(other, live_server, "intruder")
    expect(other.get_by_role("heading", name="Ask your LMNS to invite you")).to_be_visible()
    expect(other.get_by_text("Signed in as")).to_have_count(0)
    assert SocialAccount.objects.filter(user=ada).count() == 1
    assert get_user_model().objects.filter(email="ada.okafor@nhs.example").count() == 1

    # Ada's next sign-in matches her provider subject, and grants nothing new.
    again = browser.new_context(locale="en-GB").new_page()
    _sign_in_with_the_provider(again, live_server, "ada")
    expect(again.get_by_text("Signed in as")).to_be_visible()
    assert _memberships() == sorted(
        [*before, (ada.username, Role.BOARD_MEMBER, world.lmns.pk, None)]
    )


def test_an_uninvited_person_is_refused_with_a_clear_page(
    world, live_server, page, identity_provider
):
    people = get_user_model().objects.count()

    _sign_in_with_the_provider(page, live_server, "stranger")

    expect(page.get_by_role("heading", name="Ask your LMNS to invite you")).to_be_visible()
    assert get_user_model().objects.count() == people
    assert not SocialAccount.objects.exists()


def test_an_address_an_administrator_set_binds_on_first_sign_in_with_no_new_role(
    world, live_server, page, identity_provider, settings
):
    lead = world.users["lead"]
    lead.email = "nuh.lead@nhs.example"
    lead.save()  # an administrator's address: verified
    before = _memberships()

    _sign_in_with_the_provider(page, live_server, "lead-sso")

    expect(page.get_by_text("Signed in as")).to_be_visible()
    assert SocialAccount.objects.get(provider=PROVIDER_ID).user == lead
    assert _memberships() == before


def test_a_provider_that_reports_mfa_counts_as_two_factors(
    world, live_server, page, identity_provider, settings
):
    settings.MFA_REQUIRED_FOR = ["all"]
    person = world.users["team"]
    person.email = "mfa.person@nhs.example"  # an administrator's address: verified
    person.save()

    _sign_in_with_the_provider(page, live_server, "mfa-person")

    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()  # not sent to enrol
