"""The one workflow: declarative step tables, transition records, and the events they make.

A record that is drafted, submitted and signed off (an assurance return, a spend return, a board
pack) declares its steps as a table of :class:`Step` rows in a :class:`Workflow`. Taking a step
is a single conditional UPDATE: it succeeds only if the row is still in one of the step's
starting states (and, when given, still at the version the person saw), so two people pressing
"Submit" at once produce exactly one transition; the loser is told the record moved on.

Every completed step writes its transition row (a subclass of the abstract :class:`Transition`)
in the step's own transaction: that row is the event, and its id is the key a notification uses
to send each message once. Subscribers (:func:`subscribe`, filled by each app in its ready(), as
menus and board sections are) are called after the commit with a :class:`StepTaken`; a
subscriber that fails is logged and never undoes or fails the step.

Refusals are :class:`Refusal`, a ``ValidationError``: services raise it and views show its
message on the page. :class:`StaleRecord` (someone else saved first) is one of them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Model

from .text import ShortTextField

logger = logging.getLogger(__name__)


class Refusal(ValidationError):
    """A service refusing a change, with a message for the person who asked."""

    def __str__(self) -> str:
        return " ".join(self.messages)


class StaleRecord(Refusal):
    """The record changed since the person loaded it; their input must be kept and re-shown."""


class Transition(models.Model):
    """One step taken on a record: who moved it, when, from what, to what, and why.

    Each workflow's concrete subclass adds the foreign key to its record (and may give the
    status fields its own choices).
    """

    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    comment = ShortTextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]


@dataclass(frozen=True)
class Step:
    """One row of a step table: the action, where it starts and ends, and who may take it.

    ``may(access, record)`` is the permission rule (a yes/no predicate in the app's services);
    ``refused`` is the reason a person who may not take it is given. A non-empty
    ``comment_label`` makes a comment required and names it. ``blocked(record)``, when given,
    is a rule of the record's own content that can hold the step back even in the right state
    (a return with change requests still open cannot be assured): it returns the reason, or
    ``None`` when the step may go ahead.
    """

    action: str
    label: str
    from_statuses: tuple[str, ...]
    to_status: str
    may: Callable[[Any, Model], bool]
    refused: str = "You do not have permission to do that."
    comment_label: str = ""
    blocked: Callable[[Model], str | None] | None = None


@dataclass(frozen=True)
class StepTaken:
    """The event a completed step makes: who did what to which record, from and to."""

    workflow: str
    action: str
    record: Model
    transition: Transition
    by: Any
    from_status: str
    to_status: str
    comment: str = ""


Subscriber = Callable[[StepTaken], None]
_SUBSCRIBERS: list[tuple[str | None, Subscriber]] = []


_DURING: list[tuple[str | None, Subscriber]] = []


def subscribe(
    subscriber: Subscriber, workflow: str | None = None, *, in_transaction: bool = False
) -> None:
    """Call ``subscriber`` after every committed step (of ``workflow`` only, when given).

    With ``in_transaction``, call it inside the step's transaction instead, in a savepoint of
    its own: what it writes (notifications and their outbox rows) commits with the step or not
    at all, and a subscriber that fails is logged and rolled back alone, the step standing.
    """
    chosen = _DURING if in_transaction else _SUBSCRIBERS
    if (workflow, subscriber) not in chosen:
        chosen.append((workflow, subscriber))


def publish(event: StepTaken) -> None:
    """Hand ``event`` to its subscribers; one that fails is logged, the rest still run."""
    for workflow, subscriber in list(_SUBSCRIBERS):
        if workflow not in (None, event.workflow):
            continue
        try:
            subscriber(event)
        except Exception:
            logger.exception("A subscriber failed on %s %s", event.workflow, event.action)


def publish_in_transaction(*events: StepTaken) -> None:
    """Hand ``events`` (of one workflow) to the in-transaction subscribers.

    Each subscriber runs in a savepoint of its own, one for the whole batch, so that a bulk
    path such as an import costs the same number of queries however many steps it records.
    """
    if not events:
        return
    for workflow, subscriber in list(_DURING):
        if workflow not in (None, events[0].workflow):
            continue
        try:
            with transaction.atomic():
                for event in events:
                    subscriber(event)
        except Exception:
            logger.exception("A subscriber failed on %s %s", events[0].workflow, events[0].action)


@dataclass(frozen=True)
class Workflow:
    """A record's steps, its transition model and the field linking a transition to it."""

    name: str
    steps: tuple[Step, ...]
    transition_model: type[Transition]
    record_field: str
    noun: str = "record"
    by_action: dict[str, Step] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_action", {step.action: step for step in self.steps})

    def step(self, action: str) -> Step | None:
        return self.by_action.get(action)

    def may_take(self, access, record: Model, action: str) -> bool:
        """Whether this person's role allows ``action`` on ``record`` (whatever its state)."""
        step = self.step(action)
        return step is not None and step.may(access, record)

    def available(self, access, record: Model) -> list[Step]:
        """The steps this person may take from the record's present state."""
        return [
            step
            for step in self.steps
            if record.status in step.from_statuses and step.may(access, record)
        ]

    def not_now(self, record: Model, step: Step) -> str | None:
        """Why ``step`` cannot start from the record's present state (or is held back by its
        ``blocked`` rule); ``None`` when it can."""
        if reason := self.wrong_state(record, step):
            return reason
        return step.blocked(record) if step.blocked is not None else None

    def wrong_state(self, record: Model, step: Step) -> str | None:
        """Why ``step`` cannot start from the record's present state; ``None`` when it can."""
        if record.status in step.from_statuses:
            return None
        return (
            f"“{step.label}” is not possible while the {self.noun} is "
            f"{record.get_status_display().lower()}."
        )

    def announce(self, action: str, record: Model, transition: Transition, user) -> None:
        """Publish a written transition: to the in-transaction subscribers now, to the others
        once the transaction commits."""
        self.announce_all(action, [(record, transition)], user)

    def announce_all(self, action: str, taken: list[tuple[Model, Transition]], user) -> None:
        """Publish transitions a bulk path (such as an import) wrote itself, as one batch."""
        events = [
            StepTaken(
                self.name,
                action,
                record,
                transition,
                user,
                transition.from_status,
                transition.to_status,
                transition.comment,
            )
            for record, transition in taken
        ]
        publish_in_transaction(*events)
        for event in events:
            transaction.on_commit(partial(publish, event))

    def take(
        self,
        *,
        record: Model,
        action: str,
        user,
        expected_version: int | None = None,
        comment: str = "",
        during: Callable[[Model], None] | None = None,
        **changes,
    ) -> Transition:
        """Take ``action`` on ``record`` in one transaction and record it; publish on commit.

        The caller has checked the role with :meth:`may_take`. ``changes`` are written with the
        status; ``during(record)`` runs inside the transaction after the status moved (for a
        step's own writes, such as agreed ratings). Raises :class:`Refusal` (and
        :class:`StaleRecord` when someone else moved the record first).
        """
        step = self.step(action)
        if step is None:
            raise Refusal("No such step.")
        if reason := self.wrong_state(record, step):
            raise Refusal(reason)
        if step.comment_label and not comment.strip():
            raise Refusal(f"{step.comment_label}: a comment is required.")
        with transaction.atomic():
            from_status = record.status
            advance(
                record,
                from_statuses=step.from_statuses,
                to_status=step.to_status,
                expected_version=expected_version,
                **changes,
            )
            if step.blocked is not None and (reason := step.blocked(record)):
                raise Refusal(reason)
            if during is not None:
                during(record)
            transition = self.transition_model.objects.create(
                **{self.record_field: record},
                from_status=from_status,
                to_status=step.to_status,
                by=user,
                comment=comment.strip(),
            )
            record_history(record, user)
            self.announce(action, record, transition, user)
        return transition


def record_history(record: Model, user) -> None:
    """Conditional UPDATEs bypass save(): write the record's history row explicitly."""
    if not hasattr(type(record), "history"):
        return
    record.refresh_from_db()
    type(record).history.bulk_history_create([record], update=True, default_user=user)


def advance(
    obj: Model,
    *,
    from_statuses: list[str] | tuple[str, ...],
    to_status: str,
    expected_version: int | None = None,
    **changes,
) -> None:
    """Move ``obj`` to ``to_status`` if it is still in ``from_statuses`` (and at the version).

    Raises :class:`StaleRecord` when another change won. Updates ``obj`` in memory on success.
    Call inside ``transaction.atomic`` together with writing the transition record.
    """
    filters = {"pk": obj.pk, "status__in": list(from_statuses)}
    if expected_version is not None:
        filters["version"] = expected_version
    updated = (
        type(obj)
        ._default_manager.filter(**filters)
        .update(status=to_status, version=F("version") + 1, **changes)
    )
    if updated != 1:
        raise StaleRecord(
            "This record was changed by someone else since you opened it. "
            "Reload the page to see the latest version."
        )
    obj.refresh_from_db(fields=["status", "version", *changes.keys()])


def bump_version(obj: Model, expected_version: int, **changes) -> None:
    """Optimistic lock for an edit that keeps the status: refuse if someone saved first."""
    updated = (
        type(obj)
        ._default_manager.filter(pk=obj.pk, version=expected_version)
        .update(version=F("version") + 1, **changes)
    )
    if updated != 1:
        raise StaleRecord(
            "Someone else saved this since you opened it. Your input is still below: "
            "check it against the latest version and save again."
        )
    obj.refresh_from_db(fields=["version", *changes.keys()])


def changed_values(obj: Model, values: dict) -> dict:
    """Those of ``values`` that differ from ``obj``'s: what an edit actually changes.

    ``obj`` holds the stored values (for an instance a model form has filled in, use
    :func:`unsaved_fields`). Related records are compared by id, many-to-many values with the
    stored set of ids. An edit that changes nothing writes nothing: no version bump, no history
    row, so a page posted back unchanged leaves no trace.
    """
    changed = {}
    for name, value in values.items():
        field = obj._meta.get_field(name)
        if field.many_to_many:
            now = set(getattr(obj, name).values_list("pk", flat=True))
            differs = now != {item.pk for item in value}
        elif field.is_relation:
            differs = getattr(obj, field.attname) != (value.pk if value is not None else None)
        else:
            differs = getattr(obj, name) != value
        if differs:
            changed[name] = value
    return changed


def unsaved_fields(
    obj: Model, names: Iterable[str] | None = None, *, ignore: Iterable[str] = ()
) -> list[str]:
    """The fields among ``names`` whose value in ``obj`` differs from its stored row (one query).

    For an instance a model form has already filled in, before it is saved. ``names`` defaults
    to every stored field but the primary key; ``ignore`` leaves some out (such as a version).
    """
    if names is None:
        names = [f.name for f in obj._meta.concrete_fields if not f.primary_key]
    ignored = set(ignore)
    attnames = {name: obj._meta.get_field(name).attname for name in names if name not in ignored}
    stored = type(obj)._default_manager.filter(pk=obj.pk).values(*attnames.values()).first()
    if stored is None:
        return list(names)
    return [name for name, att in attnames.items() if getattr(obj, att) != stored[att]]
