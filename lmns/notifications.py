"""Notifications in the app: each app says what its events tell whom, the core keeps the list.

The core app never names a feature app. Each app registers the kinds of message it sends
(:func:`register_kind`) and, from its ``AppConfig.ready``, subscribes to its workflow's events
(``lmns.workflow.subscribe``) with a function that calls :func:`notify`. Recipients come from
``lmns.access.readers``; people who have left are never told. A notification's ``key`` names the
event and the kind (:func:`event_key`: the transition's id), so a person is told of one event
once however often it is announced. Workflow steps tell people inside their own transaction
(``workflow.subscribe(..., in_transaction=True)``); anything that is not a workflow step
(issuing a board pack) hands its message over with :func:`in_transaction` (or
:func:`after_commit`), which like a workflow subscriber never fails the change that made it.

Other channels (email, in the ``mail`` app) plug in with :func:`register_listener`: a listener
is called with the new notifications inside the transaction that writes them, so whatever it
writes (an outbox row) stands or falls with them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from .models import Notification
from .people import active_people
from .text import ONE_LINE

logger = logging.getLogger(__name__)

# The list page shows this many of a person's latest notifications.
LIST_LENGTH = 100


@dataclass(frozen=True)
class Kind:
    """A kind of message an app sends, e.g. ``return.submitted`` "A return was submitted"."""

    code: str
    label: str


_KINDS: dict[str, Kind] = {}


def register_kind(kind: Kind) -> None:
    _KINDS[kind.code] = kind


def kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.code)


def kind_label(code: str) -> str:
    kind = _KINDS.get(code)
    return kind.label if kind else code


Listener = Callable[[list[Notification], str], None]
_LISTENERS: list[Listener] = []


def register_listener(listener: Listener) -> None:
    """Call ``listener(notifications, mail_text)`` with each batch of new notifications, inside
    the transaction that writes them."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def event_key(kind: str, event_id: int | str) -> str:
    """The key of one event's message of one kind: ``return.submitted:1234``."""
    return f"{kind}:{event_id}"


def notify(
    *,
    recipients: QuerySet | Iterable,
    kind: str,
    text: str,
    url: str,
    key: str,
    mail_text: str | None = None,
) -> int:
    """Tell each active person among ``recipients`` (people or their ids), once per ``key``.

    ``mail_text`` is what a message outside the app may carry (titles and who did what, never
    a comment, a figure or evidence); it defaults to ``text``. Returns how many new
    notifications were made (a person already told of ``key`` is not told again). Two queries,
    whatever the number of people, and one more for each listener's batch.
    """
    if kind not in _KINDS:
        raise ValueError(f"Unknown notification kind {kind!r}: register it first.")
    if isinstance(recipients, QuerySet):
        people = active_people().filter(pk__in=recipients.values("pk"))
    else:
        ids = {getattr(person, "pk", person) for person in recipients}
        people = active_people().filter(pk__in=ids)
    with transaction.atomic():
        user_ids = list(people.values_list("pk", flat=True))
        already = set(
            Notification.objects.filter(key=key, recipient_id__in=user_ids).values_list(
                "recipient_id", flat=True
            )
        )
        new_ids = [uid for uid in user_ids if uid not in already]
        made = Notification.objects.bulk_create(
            [
                Notification(recipient_id=uid, kind=kind, text=text[:ONE_LINE], url=url, key=key)
                for uid in new_ids
            ],
            ignore_conflicts=True,
        )
        if made and _LISTENERS:
            batch = list(
                Notification.objects.filter(key=key, recipient_id__in=new_ids).select_related(
                    "recipient"
                )
            )
            for listener in _LISTENERS:
                listener(batch, (mail_text or text)[:ONE_LINE])
    return len(made)


def in_transaction(send: Callable[[], object]) -> None:
    """Run ``send`` now, in a savepoint of the change's transaction: its notifications (and
    their outbox rows) commit with the change. A failure is logged and rolled back alone."""
    try:
        with transaction.atomic():
            send()
    except Exception:
        logger.exception("Sending notifications failed")


def after_commit(send: Callable[[], object]) -> None:
    """Run ``send`` once the transaction commits; a failure is logged, never raised."""

    def run() -> None:
        try:
            send()
        except Exception:
            logger.exception("Sending notifications failed")

    transaction.on_commit(run)


# -- reading and marking read ----------------------------------------------------------------


def unread(user_id: int) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient_id=user_id, read_at__isnull=True)


def latest_for(user_id: int) -> list[Notification]:
    """The person's latest notifications, newest first (one query)."""
    return list(Notification.objects.filter(recipient_id=user_id)[:LIST_LENGTH])


def mark_read(*, user, notification: Notification | None = None) -> int:
    """Mark one of ``user``'s notifications read, or all of them when none is given."""
    qs = unread(user.pk)
    if notification is not None:
        qs = qs.filter(pk=notification.pk)
    return qs.update(read_at=timezone.now())


def seen(*, user, key: str) -> None:
    """The person opened the page an event is about: its notification is read (one UPDATE)."""
    unread(user.pk).filter(key=key).update(read_at=timezone.now())
