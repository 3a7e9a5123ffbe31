"""Email for notifications: each person's choices and the outbox of deliveries.

A :class:`Delivery` is one message to one person on one channel (email), written in the same
transaction as the notification it carries (``lmns.notifications.register_listener``). Its
``key`` is the notification's (the step's transition id and kind, or the return and reminder
threshold), unique per recipient and channel, so nothing is sent twice. A digest is a delivery
of its own (``digest:<day>``) carrying the day's held deliveries.
"""

from django.conf import settings
from django.db import models

from lmns.text import SHORT_TEXT, ShortTextField, text_lengths


class Choice(models.TextChoices):
    NOW = "now", "Email at once"
    DIGEST = "digest", "A daily digest email"
    APP = "app", "In the app only"


class MailPreference(models.Model):
    """How a person wants one kind of notification; no row means email at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="mail_preferences"
    )
    kind = models.CharField(max_length=50)
    choice = models.CharField(max_length=10, choices=Choice.choices, default=Choice.NOW)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="mail_preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}: {self.get_choice_display()}"


class Status(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    HELD = "held", "Held for the daily digest"
    DIGESTED = "digested", "Sent in a digest"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed (gave up)"


class Delivery(models.Model):
    """One message to one person on one channel: the outbox row and its sending state."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="mail_deliveries"
    )
    notification = models.ForeignKey(
        "lmns.Notification", null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    digest = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.DO_NOTHING, related_name="items"
    )
    channel = models.CharField(max_length=10, default="email")
    kind = models.CharField(max_length=50)
    key = models.CharField(max_length=100)
    # What the message may carry: a title and who did what, and the page's path.
    line = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = ShortTextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "channel", "key"], name="delivery_once"),
            text_lengths("delivery", last_error=SHORT_TEXT),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient}: {self.get_status_display()}"
