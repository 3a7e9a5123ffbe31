"""Two-factor authentication: enrolment where required, the code at sign-in, recovery codes,
wrong codes counted by the lockout, secrets encrypted at rest, and the administrator's reset."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import SecondFactorReset
from tests.test_backup_safety import _decrypted_parts

from .factories import TEST_TOTP_SECRET, enrol, totp_code, with_address

PASSWORD = "test-password-123"


@pytest.fixture(autouse=True)
def fresh_codes(db):
    cache.clear()  # a code is accepted once; tests reuse the same authenticator secret


def _password(client, username="nuh-lead"):
    return client.post(reverse("account_login"), {"login": username, "password": PASSWORD})


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_a_person_required_to_enrol_is_made_to(world, settings):
    settings.MFA_REQUIRED_FOR = ["all"]
    with_address(world.users["lead"])
    client = Client()
    _password(client)

    home = client.get(reverse("home"))
    assert home.status_code == 302 and home.url == reverse("mfa_activate_totp")
    assert client.get(reverse("assurance:trust_returns", args=[world.trust.pk])).status_code == 302
    page = client.get(reverse("mfa_activate_totp"), follow=True)
    assert "Set up your authenticator app first" in page.content.decode()
    assert "Confirm Access" in page.content.decode()  # allauth: the password once more
    assert client.get(reverse("account_logout")).status_code == 200  # signing out stays open
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    session = client.session
    session[SECRET_SESSION_KEY] = TEST_TOTP_SECRET  # the secret the QR code showed
    session.save()
    enrolled = client.post(reverse("mfa_activate_totp"), {"code": totp_code()})
    assert enrolled.status_code == 302
    assert Authenticator.objects.filter(user=world.users["lead"]).count() == 2  # and codes
    assert client.get(reverse("home")).status_code == 200

    # Removing the app sends them back to enrol.
    assert client.post(reverse("mfa_deactivate_totp")).status_code == 302
    assert client.get(reverse("home")).url == reverse("mfa_activate_totp")
    # The privacy notice stays open to everyone.
    assert client.get(reverse("privacy")).status_code == 200


def test_roles_not_listed_are_not_asked(world, settings):
    settings.MFA_REQUIRED_FOR = ["programme_team"]
    assert world.client_for("lead").get(reverse("home")).status_code == 200
    assert world.client_for("team").get(reverse("home")).status_code == 302


def test_an_administrator_without_a_second_factor_cannot_reach_the_admin(world, settings):
    settings.MFA_REQUIRED_FOR = ["staff"]
    admin = get_user_model().objects.create_superuser("root", "root@nhs.example", PASSWORD)
    client = Client()
    client.force_login(admin)

    response = client.get("/admin/")

    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")
    enrol(admin)
    assert client.get("/admin/").status_code == 200


def test_with_a_second_factor_signing_in_asks_for_the_code(world):
    enrol(world.users["lead"])
    client = Client()

    response = _password(client)

    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert not _signed_in(client)
    assert client.get(reverse("home")).status_code == 302
    signed_in = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert signed_in.status_code == 302 and _signed_in(client)


def test_a_recovery_code_works_once(world):
    codes = enrol(world.users["lead"]).get_unused_codes()
    client = Client()
    _password(client)
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    assert _signed_in(client)

    again = Client()
    _password(again)
    refused = again.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert refused.status_code == 200 and not _signed_in(again)
    assert "Incorrect code" in refused.content.decode()
    assert again.post(reverse("mfa_authenticate"), {"code": codes[1]}).status_code == 302


def test_wrong_codes_are_refused_and_count_toward_the_lockout(world, settings):
    enrol(world.users["lead"])
    client = Client()
    _password(client)
    statuses = [
        client.post(reverse("mfa_authenticate"), {"code": "000000"}).status_code
        for _ in range(settings.SIGN_IN_LOCKOUT_PER_ACCOUNT_AND_ADDRESS)
    ]

    assert statuses == [200, 200, 200, 200, 429]
    assert not _signed_in(client)
    # Locked from here: even the right password is refused, and the code is never asked.
    late = Client()
    assert _password(late).status_code == 429
    assert late.post(reverse("mfa_authenticate"), {"code": totp_code()}).status_code == 302
    assert not _signed_in(late)


def test_secrets_are_encrypted_at_rest_and_in_backups(world, tmp_path):
    codes = enrol(world.users["lead"]).get_unused_codes()
    totp = Authenticator.objects.get(type=Authenticator.Type.TOTP)
    recovery = Authenticator.objects.get(type=Authenticator.Type.RECOVERY_CODES)

    assert totp.data["secret"].startswith("fernet:")
    assert TEST_TOTP_SECRET not in str(totp.data)
    assert recovery.data["seed"].startswith("fernet:")
    backup = tmp_path / "lmns.lmnsbackup"
    call_command("backup", output=str(backup))
    text = _decrypted_parts(backup, tmp_path).data.read_text()
    assert TEST_TOTP_SECRET not in text and codes[0] not in text
    assert "fernet:" not in text  # sealed once more with the backup key (lmns.secret_fields)


def test_an_administrator_resets_a_second_factor_and_the_audit_says_who_whose_when_why(world):
    lead = world.users["lead"]
    enrol(lead)
    admin = get_user_model().objects.create_superuser("root", "root@nhs.example", PASSWORD)
    client = Client()
    client.force_login(admin)

    response = client.post(
        reverse("admin:accounts_secondfactorreset_add"),
        {"person": lead.pk, "reason": "Lost phone, identity checked by video call"},
    )

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=lead).exists()
    reset = SecondFactorReset.objects.get()
    assert (reset.person, reset.reset_by) == (lead, admin)
    assert reset.reason == "Lost phone, identity checked by video call" and reset.reset_at
    listed = client.get(reverse("admin:accounts_secondfactorreset_changelist")).content.decode()
    assert "Lost phone" in listed
    # Nothing to reset a second time: the page says so and records nothing.
    again = client.post(
        reverse("admin:accounts_secondfactorreset_add"), {"person": lead.pk, "reason": "Again"}
    )
    assert again.status_code == 200 and "has no second factor to reset" in again.content.decode()
    assert SecondFactorReset.objects.count() == 1


def test_a_code_is_used_once_whichever_worker_checks_it(world, settings):
    """The code's "used" mark is in the database cache, which every worker shares."""
    from django.core.cache import caches

    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    enrol(world.users["lead"])
    code = totp_code()
    first = Client()
    _password(first)
    assert first.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    caches.close_all()  # as another worker would: a fresh connection to the cache

    replay = Client()
    _password(replay)
    refused = replay.post(reverse("mfa_authenticate"), {"code": code})
    assert refused.status_code == 200 and not _signed_in(replay)
