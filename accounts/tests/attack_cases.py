"""Attack cases for the account forms: sign-in, second factor, passwords, invitations.

Credentials (user names, passwords, codes) are checked against the account and never saved
or shown back, so the free-text attacks leave them out.
"""

from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.core.cache import cache
from django.urls import reverse

from tests.attacks import Abstract, AttackCase, Resave, Target

from .factories import TEST_TOTP_SECRET, enrol, invitation_with_token, totp_code, with_address

PASSWORD = "test-password-123"
NEW_PASSWORD = "Maternity-safety-2026!"
CREDENTIALS = frozenset({"login", "password", "oldpassword", "password1", "password2", "code"})


def _sign_in(w):
    return Target(url=reverse("account_login"), data={"login": "nuh-lead", "password": PASSWORD})


def _second_factor(w):
    enrol(w.users["lead"])
    cache.clear()  # codes are single use: forget the ones earlier tests used

    def password_first(client):
        if not client.session.get("_auth_user_id"):
            client.post(reverse("account_login"), {"login": "nuh-lead", "password": PASSWORD})

    return Target(
        url=reverse("mfa_authenticate"), data={"code": totp_code()}, prepare=password_first
    )


def _reauthenticated(client):
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})


def _activate(w):
    with_address(w.users["lead"])

    def ready(client):
        _reauthenticated(client)
        session = client.session
        session[SECRET_SESSION_KEY] = TEST_TOTP_SECRET
        session.save()

    return Target(url=reverse("mfa_activate_totp"), data={"code": totp_code()}, prepare=ready)


def _enrolled(url_name, data=None):
    def build(w):
        enrol(w.users["lead"])
        cache.clear()
        return Target(url=reverse(url_name), data=data or {}, prepare=_reauthenticated)

    return build


def _mfa_reauthenticate(w):
    enrol(w.users["lead"])
    cache.clear()
    return Target(url=reverse("mfa_reauthenticate"), data={"code": totp_code()})


def _set_password(w):
    lead = w.users["lead"]
    lead.set_unusable_password()
    lead.save()
    return Target(
        url=reverse("account_set_password"),
        data={"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


def _reset(w):
    with_address(w.users["lead"], "nuh.lead@nhs.example")
    return Target(url=reverse("account_reset_password"), data={"email": "nuh.lead@nhs.example"})


def _reset_from_key(w):
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    lead = w.users["lead"]
    uid = user_pk_to_url_str(lead)

    def open_link(client):
        # The link as mailed now (signing the personas in changed the token's inputs).
        lead.refresh_from_db()
        key = default_token_generator.make_token(lead)
        client.get(reverse("account_reset_password_from_key", args=[uid, key]))

    url = reverse("account_reset_password_from_key", args=[uid, "set-password"])
    data = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    return Target(url=url, data=data, prepare=open_link)


def _invitation(w):
    # To an LMNS of its own: the new member's home page is then theirs alone.
    _, token = invitation_with_token(email="new.member@nhs.example")
    data = {
        "how": "password",
        "first_name": "Ada",
        "last_name": "Okafor",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    return Target(url=reverse("invitation", args=[token]), data=data, show_url=reverse("home"))


SIGNED_IN = ("anonymous",)

CASES = {
    "allauth.account.forms.LoginForm": Abstract("the base of accounts.forms.SignInForm"),
    "allauth.mfa.base.forms.AuthenticateForm": Abstract(
        "the base of accounts.forms.SecondFactorForm"
    ),
    # Anyone may post the sign-in form; a correct sign-in records the person's last sign-in.
    "accounts.forms.SignInForm": AttackCase(
        build=_sign_in, persona="anonymous", refused=(), resave=Resave.ADD, skip_text=CREDENTIALS
    ),
    # The code after the password: only the browser that gave the password gets this far.
    "accounts.forms.SecondFactorForm": AttackCase(
        build=_second_factor,
        persona="anonymous",
        refused=(),
        resave=Resave.STEP,
        skip_text=CREDENTIALS,
    ),
    "allauth.account.forms.ChangePasswordForm": AttackCase(
        build=lambda w: Target(
            url=reverse("account_change_password"),
            data={"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        ),
        persona="lead",
        refused=SIGNED_IN,
        resave=Resave.ADD,
        skip_text=CREDENTIALS,
    ),
    # Someone who signs in only through their organisation sets a first password here.
    "allauth.account.forms.SetPasswordForm": AttackCase(
        build=_set_password,
        persona="lead",
        refused=SIGNED_IN,
        resave=Resave.ADD,
        skip_text=CREDENTIALS,
    ),
    # Confirming the password before changing the second factor: nothing is stored.
    "allauth.account.forms.ReauthenticateForm": AttackCase(
        build=lambda w: Target(url=reverse("account_reauthenticate"), data={"password": PASSWORD}),
        persona="lead",
        refused=SIGNED_IN,
        saves=False,
        resave=Resave.STEP,
        skip_text=CREDENTIALS,
    ),
    "allauth.mfa.base.forms.ReauthenticateForm": AttackCase(
        build=_mfa_reauthenticate,
        persona="lead",
        refused=SIGNED_IN,
        saves=False,
        resave=Resave.STEP,
        skip_text=CREDENTIALS,
    ),
    # "Forgot your password?": it mails a link and stores nothing, whoever asks.
    "allauth.account.forms.ResetPasswordForm": AttackCase(
        build=_reset, persona="anonymous", refused=(), saves=False, resave=Resave.ADD
    ),
    "allauth.account.forms.ResetPasswordKeyForm": AttackCase(
        build=_reset_from_key,
        persona="anonymous",
        refused=(),
        resave=Resave.ADD,
        skip_text=CREDENTIALS,
    ),
    # Enrolling happens once: the page then offers to deactivate instead.
    "allauth.mfa.totp.forms.ActivateTOTPForm": AttackCase(
        build=_activate,
        persona="lead",
        refused=SIGNED_IN,
        resave=Resave.STEP,
        skip_text=CREDENTIALS,
    ),
    "allauth.mfa.totp.forms.DeactivateTOTPForm": AttackCase(
        build=_enrolled("mfa_deactivate_totp"),
        persona="lead",
        refused=SIGNED_IN,
        resave=Resave.STEP,
    ),
    "allauth.mfa.recovery_codes.forms.GenerateRecoveryCodesForm": AttackCase(
        build=_enrolled("mfa_generate_recovery_codes"),
        persona="lead",
        refused=SIGNED_IN,
        resave=Resave.STEP,
    ),
    # Whoever holds the link may accept, once (the link was mailed to the invited address);
    # accepting is the step, after which the page is gone.
    "accounts.forms.AcceptInvitationForm": AttackCase(
        build=_invitation,
        persona="anonymous",
        refused=(),
        resave=Resave.STEP,
        skip_text=frozenset({"password1", "password2"}),
    ),
}
