"""Single sign-on through the organisation's OpenID Connect provider: who may come in.

* The ID token must come from the configured issuer (one Entra tenant's, never ``common``,
  ``organizations`` or ``consumers``), checked on every sign-in.
* Later sign-ins match the provider's subject (``sub``) under that provider's issuer, never the
  email claim, which Entra does not verify.
* A first sign-in binds an account only through the person's invitation (accepted in this
  browser just before) or for an address an administrator set (a verified allauth address),
  and only to an account not already bound to that provider. Nobody else gets an account: they
  see "ask your LMNS to invite you".
* Signing in never grants a role: memberships come from invitations and administrators.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.conf import settings

from lmns.people import can_sign_in

INVITATION_SESSION_KEY = "accounts.invitation"
PROVIDER_MFA_SESSION_KEY = "accounts.provider_mfa"
# Entra ID's multi-tenant endpoints: any tenant's people could sign in through them.
MULTI_TENANT = {"common", "organizations", "consumers", "{tenantid}"}


def _issuer(url: str) -> str:
    url = url.split("/.well-known/", 1)[0]
    return url.rstrip("/")


def configured_issuer(sociallogin) -> str:
    return _issuer(sociallogin.account.get_provider().app.settings.get("server_url", ""))


def token_claims(sociallogin) -> dict:
    return (sociallogin.account.extra_data or {}).get("id_token") or {}


def provider_did_mfa(sociallogin) -> bool:
    """The provider enforces MFA (its configuration says so) or this token says it asked."""
    app_settings = sociallogin.account.get_provider().app.settings
    amr = token_claims(sociallogin).get("amr") or []
    return bool(app_settings.get("enforces_mfa")) or "mfa" in amr


def issuer_refusal(sociallogin) -> str | None:
    issuer = configured_issuer(sociallogin)
    segments = set(urlsplit(issuer.lower()).path.split("/"))
    if not issuer or segments & MULTI_TENANT:
        return "sso_refused"
    if _issuer(str(token_claims(sociallogin).get("iss", ""))) != issuer:
        return "sso_refused"
    return None


def check_sign_in(request, sociallogin) -> str | None:
    """None to let the sign-in go on (binding a first one); else the URL name to send them to."""
    refusal = issuer_refusal(sociallogin)
    if refusal or sociallogin.state.get("process") not in (None, "login"):
        return refusal or "sso_refused"  # no connecting by hand, no redirect-only flows
    if sociallogin.is_existing:
        return None if can_sign_in(sociallogin.user) else "sso_not_invited"
    user = _invited_person(request, sociallogin) or _verified_person(sociallogin)
    if user is None:
        return "sso_not_invited"
    sociallogin.connect(request, user)
    return None


def _bound(user, sociallogin) -> bool:
    return SocialAccount.objects.filter(user=user, provider=sociallogin.account.provider).exists()


def _invited_person(request, sociallogin):
    from .services import accept_invitation_by_sso

    pk = request.session.pop(INVITATION_SESSION_KEY, None)
    if pk is None:
        return None
    return accept_invitation_by_sso(invitation_pk=pk, sociallogin=sociallogin)


def _verified_person(sociallogin):
    email = str(token_claims(sociallogin).get("email") or "").strip()
    if not email:
        email = str((sociallogin.account.extra_data or {}).get("userinfo", {}).get("email") or "")
    if not email:
        return None
    address = (
        EmailAddress.objects.filter(email__iexact=email, verified=True)
        .select_related("user")
        .first()
    )
    if address is None or not can_sign_in(address.user) or _bound(address.user, sociallogin):
        return None
    return address.user


def environment_provider_ids() -> set[str]:
    apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
    return {app.get("provider_id") for app in apps}


def without_shadowed_apps(apps: list) -> list:
    """A provider configured in the environment is never also taken from the admin."""
    from_env = environment_provider_ids()
    return [app for app in apps if app.pk is None or app.provider_id not in from_env]
