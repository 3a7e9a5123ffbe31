"""The project's rules plugged into django-allauth (see docs/accounts.md).

* :class:`AccountAdapter`: no sign-up; the client address behind the proxies; account mail
  through :func:`accounts.mail.send`; a second-factor stage that lets a sign-in through an
  identity provider that enforces MFA count as two factors.
* :class:`MFAAdapter`: TOTP secrets and recovery-code seeds encrypted at rest.
* :class:`SocialAccountAdapter`: single sign-on that binds an account only through an
  invitation or an administrator-verified address, matches later sign-ins on the provider's
  issuer and subject only, and creates nobody otherwise.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.stages import AuthenticateStage
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.shortcuts import redirect

from lmns.security import client_address

from . import crypto, mail, sso


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False  # accounts come from an administrator or an invitation

    def get_client_ip(self, request) -> str:
        return client_address(request) or "0.0.0.0"  # nosec: only used as a lookup key

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        mail.send(template_prefix, email, context, request=self.request)

    def get_login_stages(self) -> list[str]:
        return [
            "accounts.adapter.SecondFactorStage"
            if path == "allauth.mfa.stages.AuthenticateStage"
            else path
            for path in super().get_login_stages()
        ]


class SecondFactorStage(AuthenticateStage):
    """allauth's code stage, skipped when the identity provider already asked for a second
    factor (its configuration says it enforces MFA, or the ID token's ``amr`` has ``mfa``)."""

    def _should_handle(self, request) -> bool:
        sociallogin = (self.login.signal_kwargs or {}).get("sociallogin")
        if sociallogin is not None and sso.provider_did_mfa(sociallogin):
            return False
        return super()._should_handle(request)


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text)

    def get_totp_issuer(self) -> str:
        return settings.MFA_TOTP_ISSUER


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False  # sso.bind_first_sign_in binds invited or verified people; nobody else

    def pre_social_login(self, request, sociallogin) -> None:
        refusal = sso.check_sign_in(request, sociallogin)
        if refusal is not None:
            raise ImmediateHttpResponse(redirect(refusal))

    def list_apps(self, request, provider=None, client_id=None):
        return sso.without_shadowed_apps(super().list_apps(request, provider, client_id))
