"""One delivery as an email: a plain-text and an HTML part, absolute links, and the
``List-Unsubscribe`` headers (RFC 8058: the one-click unsubscribe is a POST, never a GET).

A mail carries the notification's line (titles and who did what) and a link to the page; never
a narrative, a comment, a figure or evidence.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from lmns.notifications import kind_label
from lmns.people import full_name

from . import tokens
from .models import Delivery

DIGEST_KIND = "mail.digest"

SUBJECT_PREFIX = "LMNS Assurance: "


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_urls(user_id: int, kind: str) -> tuple[str, str]:
    """The unsubscribe page (a button) and RFC 8058's one-click address (POST only)."""
    token = tokens.make(user_id, kind)
    return (
        absolute(reverse("mail:unsubscribe", args=[token])),
        absolute(reverse("mail:one_click", args=[token])),
    )


def build_message(delivery: Delivery) -> EmailMultiAlternatives:
    person = delivery.recipient
    is_digest = delivery.kind == DIGEST_KIND
    if is_digest:
        items = list(delivery.items.order_by("created_at", "pk"))
        subject = delivery.line
    else:
        items = [delivery]
        subject = kind_label(delivery.kind)
    page, one_click = unsubscribe_urls(person.pk, delivery.kind)
    context = {
        "name": full_name(person),
        "subject": subject,
        "items": [
            {"line": item.line, "url": absolute(item.url), "kind": kind_label(item.kind)}
            for item in items
        ],
        "is_digest": is_digest,
        "unsubscribe": page,
        "preferences": absolute(reverse("mail:preferences")),
    }
    message = EmailMultiAlternatives(
        subject=SUBJECT_PREFIX + subject,
        body=render_to_string("mail/message.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[person.email],
        headers={
            "List-Unsubscribe": f"<{one_click}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
        },
    )
    message.attach_alternative(render_to_string("mail/message.html", context), "text/html")
    return message
