"""Sign-in rules: password sign-in switched off but for the break-glass administrators, the
identity provider's configuration (environment or admin, never both; its secret never shown),
and the issuer check of every sign-in through it."""

from types import SimpleNamespace

import pytest
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts import sso

PASSWORD = "test-password-123"
ENV_PROVIDER = {
    "openid_connect": {
        "APPS": [
            {
                "provider_id": "nhs",
                "name": "NHSmail",
                "client_id": "env-client",
                "secret": "env-secret",
                "settings": {"server_url": "https://login.example/tenant-1/v2.0"},
            }
        ]
    }
}


def _sign_in(username: str):
    client = Client()
    return client, client.post(reverse("account_login"), {"login": username, "password": PASSWORD})


def test_password_sign_in_switched_off_leaves_only_the_break_glass_administrators(world, settings):
    settings.PASSWORD_SIGN_IN_ENABLED = False
    settings.BREAK_GLASS_USERNAMES = ["break-glass"]
    get_user_model().objects.create_superuser("break-glass", "bg@nhs.example", PASSWORD)

    page = Client().get(reverse("account_login")).content.decode()
    assert "Break-glass administrator sign-in" in page

    client, refused = _sign_in("nuh-lead")
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    assert "password sign-in is switched off" in refused.content.decode()
    client, admitted = _sign_in("break-glass")
    assert admitted.status_code == 302 and "_auth_user_id" in client.session


def test_a_provider_in_the_environment_cannot_also_be_configured_in_the_admin(world, settings):
    settings.SOCIALACCOUNT_PROVIDERS = ENV_PROVIDER
    admin = get_user_model().objects.create_superuser("root", "root@nhs.example", PASSWORD)
    client = Client()
    client.force_login(admin)
    form = {
        "provider": "openid_connect",
        "provider_id": "nhs",
        "name": "NHSmail again",
        "client_id": "db-client",
        "secret": "db-secret",
        "key": "",
        "settings": '{"server_url": "https://login.example/tenant-2/v2.0"}',
    }

    response = client.post(reverse("admin:socialaccount_socialapp_add"), form)

    assert response.status_code == 200
    assert "configured in the environment" in response.content.decode()
    assert not SocialApp.objects.exists()
    # And one saved before the environment named it is ignored.
    SocialApp.objects.create(provider="openid_connect", provider_id="nhs", client_id="old")
    apps = get_adapter().list_apps(None, provider="openid_connect")
    assert [app.client_id for app in apps] == ["env-client"]


def test_the_client_secret_is_written_never_shown(world):
    admin = get_user_model().objects.create_superuser("root", "root@nhs.example", PASSWORD)
    client = Client()
    client.force_login(admin)
    provider = SocialApp.objects.create(
        provider="openid_connect",
        provider_id="trust",
        name="Trust account",
        client_id="lmns",
        secret="very-secret-value",
        settings={"server_url": "https://idp.example/tenant"},
    )
    url = reverse("admin:socialaccount_socialapp_change", args=[provider.pk])

    page = client.get(url).content.decode()
    assert "very-secret-value" not in page

    client.post(
        url,
        {
            "provider": "openid_connect",
            "provider_id": "trust",
            "name": "Trust account (renamed)",
            "client_id": "lmns",
            "secret": "",
            "key": "",
            "settings": '{"server_url": "https://idp.example/tenant"}',
        },
    )
    provider.refresh_from_db()
    assert provider.name == "Trust account (renamed)"
    assert provider.secret == "very-secret-value"  # an empty box keeps the secret


def _login(server_url: str, iss: str, amr=None, enforces=False):
    app = SimpleNamespace(settings={"server_url": server_url, "enforces_mfa": enforces})
    token = {"iss": iss, "sub": "s-1", **({"amr": amr} if amr else {})}
    account = SimpleNamespace(
        extra_data={"id_token": token}, get_provider=lambda: SimpleNamespace(app=app)
    )
    return SimpleNamespace(account=account)


@pytest.mark.parametrize(
    "server_url, iss, refused",
    [
        (
            "https://login.microsoftonline.com/t-1/v2.0",
            "https://login.microsoftonline.com/t-1/v2.0",
            False,
        ),
        (
            "https://login.microsoftonline.com/t-1/v2.0/",
            "https://login.microsoftonline.com/t-1/v2.0",
            False,
        ),
        (
            "https://login.microsoftonline.com/t-1/v2.0",
            "https://login.microsoftonline.com/t-2/v2.0",
            True,
        ),
        (
            "https://login.microsoftonline.com/common/v2.0",
            "https://login.microsoftonline.com/t-1/v2.0",
            True,
        ),
        (
            "https://login.microsoftonline.com/common",
            "https://login.microsoftonline.com/common",
            True,
        ),
        (
            "https://login.microsoftonline.com/organizations",
            "https://login.microsoftonline.com/organizations",
            True,
        ),
    ],
)
def test_only_the_configured_single_tenant_issuer_is_accepted(server_url, iss, refused):
    assert (sso.issuer_refusal(_login(server_url, iss)) is not None) is refused


def test_a_provider_sign_in_counts_as_two_factors_only_when_the_provider_says_so():
    issuer = "https://login.example/t-1"
    assert not sso.provider_did_mfa(_login(issuer, issuer, amr=["pwd"]))
    assert sso.provider_did_mfa(_login(issuer, issuer, amr=["pwd", "mfa"]))
    assert sso.provider_did_mfa(_login(issuer, issuer, enforces=True))
