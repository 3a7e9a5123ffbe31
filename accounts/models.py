"""Invitations, and the record of second factors an administrator reset."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from lmns.models import ORG_MATCHES_ROLE, Lmns, Role, Trust
from lmns.text import ONE_LINE, OneLineTextField, text_lengths


class InvitationQuerySet(models.QuerySet):
    def usable(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An administrator's invitation of a person, by email, to a role in one organisation.

    Only a hash of the token is stored; the token itself is in the link mailed to the person.
    Single use, valid ``INVITATION_DAYS`` days. The membership is granted when the person
    accepts (a POST), never when the link is merely opened.
    """

    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    trust = models.ForeignKey(
        Trust, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lmns = models.ForeignKey(
        Lmns, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # People are never deleted (lmns.people): nothing needs to follow them.
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="invitation_org_matches_role",
                condition=ORG_MATCHES_ROLE,
                violation_error_message=(
                    "A trust lead is invited to a trust; the programme team and board members "
                    "to an LMNS."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} – {self.get_role_display()} – {self.trust or self.lmns}"

    @property
    def organisation(self) -> Trust | Lmns | None:
        return self.trust or self.lmns

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class SecondFactorReset(models.Model):
    """The audit of an administrator removing a person's second factor: who, whose, when, why."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+"
    )
    reset_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+"
    )
    reset_at = models.DateTimeField(default=timezone.now)
    reason = OneLineTextField()

    class Meta:
        ordering = ["-reset_at"]
        constraints = [text_lengths("second_factor_reset", reason=ONE_LINE)]

    def __str__(self) -> str:
        return f"{self.person} – {self.reset_at:%d %b %Y %H:%M}"
