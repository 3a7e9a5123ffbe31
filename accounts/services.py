"""Invitations and second-factor resets: the writes of the accounts app."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lmns.models import Membership

from . import mail
from .models import Invitation, SecondFactorReset

UNUSABLE = (
    "This invitation has expired or has already been used. Ask your LMNS to invite you again."
)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def usable_invitation(token: str) -> Invitation | None:
    """The invitation this link's token names, if it can still be accepted. Changes nothing."""
    return (
        Invitation.objects.usable()
        .select_related("trust", "lmns", "invited_by")
        .filter(token_hash=token_hash(token))
        .first()
    )


@transaction.atomic
def invite(*, user, email: str, role: str, trust=None, lmns=None, request=None) -> Invitation:
    """Invite a person by email to a role; mails them a link valid ``INVITATION_DAYS`` days."""
    email = email.strip()
    if get_user_model()._default_manager.filter(email__iexact=email).exists():
        raise ValidationError(
            {
                "email": "Someone with this address already has an account: give them a role in "
                "Memberships instead."
            }
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email,
        role=role,
        trust=trust,
        lmns=lmns,
        token_hash=token_hash(token),
        invited_by=user,
        expires_at=timezone.now() + datetime.timedelta(days=settings.INVITATION_DAYS),
    )
    invitation.full_clean(exclude=["token_hash", "invited_by"])
    invitation.save()
    path = reverse("invitation", args=[token])
    link = request.build_absolute_uri(path) if request is not None else path
    transaction.on_commit(
        lambda: mail.send(
            "accounts/email/invitation",
            email,
            {"invitation": invitation, "link": link, "days": settings.INVITATION_DAYS},
            request=request,
        )
    )
    return invitation


def _username_for(email: str) -> str:
    base = email.lower()[:150]
    users = get_user_model()._default_manager
    name, n = base, 1
    while users.filter(username__iexact=name).exists():
        n += 1
        name = f"{base[:145]}-{n}"
    return name


def _claim(invitation_pk: int) -> Invitation:
    """Mark the invitation used, once: a second acceptance finds nothing to claim."""
    now = timezone.now()
    claimed = Invitation.objects.usable().filter(pk=invitation_pk).update(accepted_at=now)
    if not claimed:
        raise ValidationError(UNUSABLE)
    return Invitation.objects.get(pk=invitation_pk)


def _create_member(invitation: Invitation, *, first_name="", last_name="", password=None):
    user = get_user_model()._default_manager.create_user(
        username=_username_for(invitation.email),
        email=invitation.email,
        first_name=first_name,
        last_name=last_name,
        password=password,
    )
    EmailAddress.objects.update_or_create(
        user=user, email=invitation.email, defaults={"verified": True, "primary": True}
    )
    Membership.objects.create(
        user=user, role=invitation.role, trust=invitation.trust, lmns=invitation.lmns
    )
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_by"])
    return user


@transaction.atomic
def accept_invitation(*, token: str, first_name: str, last_name: str, password: str):
    """Accept by setting a password: the person's account and membership are created."""
    invitation = usable_invitation(token)
    if invitation is None:
        raise ValidationError(UNUSABLE)
    invitation = _claim(invitation.pk)
    return _create_member(invitation, first_name=first_name, last_name=last_name, password=password)


@transaction.atomic
def accept_invitation_by_sso(*, invitation_pk: int, sociallogin):
    """Accept through the identity provider (the invitation was chosen on its page, by POST)."""
    try:
        invitation = _claim(invitation_pk)
    except ValidationError:
        return None
    claims = sociallogin.account.extra_data.get("id_token") or {}
    return _create_member(
        invitation,
        first_name=str(claims.get("given_name", ""))[:150],
        last_name=str(claims.get("family_name", ""))[:150],
    )


@transaction.atomic
def reset_second_factor(*, user, person, reason: str) -> SecondFactorReset:
    """Remove a person's authenticator app and recovery codes; they enrol again next sign-in."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the second factor is being reset."})
    if person == user:
        raise ValidationError({"person": "Another administrator must reset your second factor."})
    removed = Authenticator.objects.filter(user=person).delete()[0]
    if not removed:
        raise ValidationError({"person": f"{person} has no second factor to reset."})
    return SecondFactorReset.objects.create(person=person, reset_by=user, reason=reason.strip())
