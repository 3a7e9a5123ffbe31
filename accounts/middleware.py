"""A second factor before anything else, for the roles that must have one.

allauth has no such setting. ``MFA_REQUIRED_FOR`` lists the roles ("trust_lead",
"programme_team", "board_member", "staff" for administrators, or "all"); until a person it
covers has an authenticator app (or signed in through a provider that enforces MFA), every page
but sign-out and the enrolment pages sends them to set one up. The admin site included.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect

from .sso import PROVIDER_MFA_SESSION_KEY

ALLOWED = {
    # Pages open to everyone, signed in or not.
    "privacy",
    "accessibility",
    "account_logout",
    "account_reauthenticate",
    "session_keep_alive",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_reauthenticate",
    "mfa_view_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_generate_recovery_codes",
}


def must_enrol(user) -> bool:
    required = set(settings.MFA_REQUIRED_FOR)
    if not required or not user.is_authenticated:
        return False
    if "all" in required or ("staff" in required and user.is_staff):
        return True
    return user.memberships.filter(role__in=required).exists()


ENROLLED_SESSION_KEY = "accounts.enrolled"


def has_second_factor(request) -> bool:
    """Enrolled (remembered for the session once seen), or signed in through an MFA provider."""
    session = request.session
    if session.get(PROVIDER_MFA_SESSION_KEY) or session.get(ENROLLED_SESSION_KEY):
        return True
    enrolled = Authenticator.objects.filter(
        user=request.user, type=Authenticator.Type.TOTP
    ).exists()
    if enrolled:
        session[ENROLLED_SESSION_KEY] = True
    return enrolled


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.url_name in ALLOWED:
            return None
        if not must_enrol(request.user) or has_second_factor(request):
            return None
        messages.info(
            request,
            "Set up your authenticator app first: your account needs a second factor.",
        )
        return redirect("mfa_activate_totp")
