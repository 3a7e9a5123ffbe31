"""The outbox: deliveries written with their notifications, sent by a task after the commit.

* :func:`on_notified` (an ``lmns.notifications`` listener) writes one delivery per new
  notification for each person with an email address, as their choice for the kind says:
  email at once (pending, a task enqueued on commit), the daily digest (held), or the app only
  (nothing). It runs in the transaction that writes the notifications.
* :func:`send` sends one delivery; a failure is kept (attempts, last error) and the next
  attempt is set by :data:`BACK_OFF` (5 min, 30 min, 2 h, then daily for 3 days), after which
  the delivery has failed and waits for an administrator's "send again".
* :func:`send_due` sends every delivery whose next attempt has come (run by ``send_reminders``
  and by the worker's re-enqueued tasks); :func:`make_digests` gathers the held deliveries into
  one digest a day per person.
"""

from __future__ import annotations

import datetime
import logging
import re

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from lmns.people import active_people
from lmns.text import SHORT_TEXT

from .messages import DIGEST_KIND, build_message
from .models import Choice, Delivery, MailPreference, Status

logger = logging.getLogger(__name__)

# After the n-th failed attempt, wait BACK_OFF[n - 1]; after the last, give up.
BACK_OFF = (
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(days=1),
    datetime.timedelta(days=1),
    datetime.timedelta(days=1),
)
MAX_ATTEMPTS = len(BACK_OFF) + 1
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def choices_for(user_ids, kind: str) -> dict[int, str]:
    """Each person's choice for ``kind`` (email at once unless they said otherwise)."""
    chosen = dict(
        MailPreference.objects.filter(user_id__in=user_ids, kind=kind).values_list(
            "user_id", "choice"
        )
    )
    return {uid: chosen.get(uid, Choice.NOW) for uid in user_ids}


def on_notified(notifications: list, mail_text: str) -> None:
    """Write the deliveries of a batch of new notifications (all of one kind and key)."""
    if not notifications:
        return
    kind = notifications[0].kind
    by_user = {n.recipient_id: n for n in notifications if n.recipient.email}
    choices = choices_for(list(by_user), kind)
    rows = [
        Delivery(
            recipient_id=uid,
            notification=note,
            kind=kind,
            key=note.key,
            line=mail_text,
            url=note.url,
            status=Status.HELD if choices[uid] == Choice.DIGEST else Status.PENDING,
        )
        for uid, note in by_user.items()
        if choices[uid] != Choice.APP
    ]
    made = Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    if any(row.status == Status.PENDING for row in made):
        pending = list(
            Delivery.objects.filter(
                key=notifications[0].key, recipient_id__in=list(by_user), status=Status.PENDING
            ).values_list("pk", flat=True)
        )
        enqueue_on_commit(pending)


def enqueue_on_commit(delivery_ids: list[int]) -> None:
    """Hand each delivery to the task queue once the transaction commits. A queue that fails
    loses nothing: the delivery stays pending and ``send_reminders`` sends it."""

    def enqueue() -> None:
        from .tasks import send_delivery

        for pk in delivery_ids:
            try:
                send_delivery.enqueue(pk)
            except Exception:
                logger.exception("Could not enqueue delivery %s", pk)

    transaction.on_commit(enqueue)


def _error_text(error: Exception) -> str:
    text = _CONTROL.sub(" ", f"{type(error).__name__}: {error}")
    return text[:SHORT_TEXT]


def send(delivery_id: int, *, now: datetime.datetime | None = None) -> str:
    """Send one delivery if it is still to be sent; returns its status afterwards."""
    now = now or timezone.now()
    # Claim it: one conditional UPDATE, so two workers never send the same delivery.
    claimed = Delivery.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        pk=delivery_id,
        status=Status.PENDING,
    ).update(next_attempt_at=now + BACK_OFF[0], attempts=F("attempts") + 1)
    delivery = Delivery.objects.select_related("recipient").get(pk=delivery_id)
    if not claimed:
        return delivery.status
    person = delivery.recipient
    if not person.is_active or not person.email:
        delivery.status, delivery.last_error = Status.FAILED, "The person has no email address."
        delivery.save(update_fields=["status", "last_error"])
        return delivery.status
    try:
        build_message(delivery).send(fail_silently=False)
    except Exception as error:
        return _failed(delivery, error, now)
    delivery.status, delivery.sent_at, delivery.next_attempt_at = Status.SENT, now, None
    delivery.save(update_fields=["status", "sent_at", "next_attempt_at"])
    delivery.items.update(status=Status.DIGESTED, sent_at=now)
    return delivery.status


def _failed(delivery: Delivery, error: Exception, now: datetime.datetime) -> str:
    delivery.refresh_from_db(fields=["attempts"])
    delivery.last_error = _error_text(error)
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = Status.FAILED, None
    else:
        delivery.next_attempt_at = now + BACK_OFF[delivery.attempts - 1]
    delivery.save(update_fields=["status", "last_error", "next_attempt_at"])
    logger.warning("Delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, error)
    if delivery.status == Status.PENDING:
        _retry_later(delivery)
    return delivery.status


def _retry_later(delivery: Delivery) -> None:
    """Where the task backend can defer (the database backend), the worker retries on time."""
    from django_tasks import default_task_backend

    from .tasks import send_delivery

    if not default_task_backend.supports_defer:
        return
    try:
        send_delivery.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    except Exception:
        logger.exception("Could not enqueue the retry of delivery %s", delivery.pk)


def due(now: datetime.datetime):
    return Delivery.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now), status=Status.PENDING
    )


def send_due(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Send every pending delivery whose time has come; counts by resulting status."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for pk in list(due(now).order_by("pk").values_list("pk", flat=True)):
        status = send(pk, now=now)
        counts[status] = counts.get(status, 0) + 1
    return counts


def make_digests(*, day: datetime.date) -> int:
    """Gather each person's held deliveries into one digest for ``day`` (at most one a day).

    Returns how many digests were made; each is then sent like any delivery.
    """
    made = 0
    held = Delivery.objects.filter(status=Status.HELD, digest__isnull=True)
    people = active_people().filter(pk__in=held.values("recipient_id")).exclude(email="")
    for person in people:
        with transaction.atomic():
            digest, created = Delivery.objects.get_or_create(
                recipient=person,
                channel="email",
                key=f"digest:{day.isoformat()}",
                defaults={
                    "kind": DIGEST_KIND,
                    "line": f"Your LMNS Assurance digest for {day:%-d %B %Y}",
                    "url": reverse("notifications"),
                },
            )
            if not created:
                continue
            held.filter(recipient=person).update(digest=digest)
            made += 1
            enqueue_on_commit([digest.pk])
    return made


def send_again(deliveries) -> int:
    """An administrator's "send again": failed deliveries are tried afresh, at once."""
    ids = list(deliveries.filter(status=Status.FAILED).values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=ids).update(
        status=Status.PENDING, attempts=0, next_attempt_at=None
    )
    enqueue_on_commit(ids)
    return len(ids)


def site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"
