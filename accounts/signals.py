"""Signal receivers connected in ``accounts.apps``."""

from __future__ import annotations

from django.contrib.auth.signals import user_login_failed

from . import sso


def sync_email_address(sender, instance, **kwargs) -> None:
    """An address an administrator sets is the person's verified, primary allauth address."""
    from allauth.account.models import EmailAddress

    if kwargs.get("raw"):
        return  # a restore loads the addresses themselves, exactly as they were kept
    email = (instance.email or "").strip()
    if not email:
        return
    if EmailAddress.objects.filter(email__iexact=email).exclude(user=instance).exists():
        return  # another person's: allauth keeps addresses unique
    EmailAddress.objects.filter(user=instance).exclude(email__iexact=email).update(primary=False)
    EmailAddress.objects.update_or_create(
        user=instance, email=email, defaults={"verified": True, "primary": True}
    )


def count_wrong_second_factor_codes(sender, request, user, reauthentication=False, **kwargs):
    """A wrong code is a failed sign-in for the lockout (django-axes), like a wrong password."""
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.get_username()},
        request=request,
    )


def note_provider_second_factor(sender, request, user, **kwargs) -> None:
    """A sign-in through a provider that asked for a second factor counts as two factors."""
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is not None and sso.provider_did_mfa(sociallogin):
        request.session[sso.PROVIDER_MFA_SESSION_KEY] = True


def forget_enrolment(sender, request, user, **kwargs) -> None:
    """Removing one's authenticator app ends the session's note that they had one."""
    from .middleware import ENROLLED_SESSION_KEY

    if request is not None and hasattr(request, "session"):
        request.session.pop(ENROLLED_SESSION_KEY, None)
