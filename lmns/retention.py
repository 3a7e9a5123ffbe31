"""Records retention: how long each kind of record is kept, and what happens then.

The schedule is a setting (``RECORD_RETENTION``: for each kind, the period in days, the action
and the source in the NHS Records Management Code of Practice). Apps say where each kind lives
(``register_retention``, from their ``AppConfig.ready``), so the core names no feature app::

    register_retention("returns", "app.Return", date_field="period__end_date")

``manage.py apply_retention`` (daily, ``--dry-run`` to see first) then, for each kind:

* ``delete``: removes what is older than the period (sessions and import previews once expired,
  the download log, notifications and mail after their periods). Running it again removes
  nothing more, so it is safe to repeat;
* ``review``: lists what is due for review and removes nothing. Returns, evidence, board packs
  and the audit trail are corporate records: at the end of their period the records manager
  appraises them (destroy, keep longer, or transfer to a place of deposit), as the Code asks.

The audit trail (every ``Historical…`` table) needs no registration: the command finds it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

DELETE, REVIEW = "delete", "review"
AUDIT_HISTORY = "audit_history"
LISTED = 10


@dataclass(frozen=True)
class Holder:
    kind: str
    label: str
    date_field: str
    describe: Callable[[models.Model], str] = str


_HOLDERS: list[Holder] = []


def register_retention(
    kind: str, label: str, *, date_field: str, describe: Callable[[models.Model], str] = str
) -> None:
    """Records of ``label`` are of ``kind``; their period counts from ``date_field``."""
    holder = Holder(kind, label.lower(), date_field, describe)
    if holder not in _HOLDERS:
        _HOLDERS.append(holder)


def holders_of(kind: str) -> list[Holder]:
    if kind == AUDIT_HISTORY:
        return [
            Holder(kind, model._meta.label_lower, "history_date")
            for model in apps.get_models()
            if model.__name__.startswith("Historical") and hasattr(model, "history_date")
        ]
    return [h for h in _HOLDERS if h.kind == kind and _installed(h.label)]


def _installed(label: str) -> bool:
    try:
        apps.get_model(label)
    except LookupError:
        return False
    return True


def describe_period(days: int) -> str:
    if days == 0:
        return "until it expires"
    if days % 365 == 0:
        years = days // 365
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{days} days"


def retention_period(kind: str) -> str:
    return describe_period(settings.RECORD_RETENTION[kind]["days"])


def retention_schedule() -> list[dict]:
    """The schedule as the settings give it, with who holds each kind here."""
    return [
        {
            "kind": kind,
            "name": kind.replace("_", " ").capitalize(),
            "period": describe_period(rule["days"]),
            "action": rule["action"],
            "source": rule["source"],
            "holders": [h.label for h in holders_of(kind)],
        }
        for kind, rule in settings.RECORD_RETENTION.items()
    ]


@dataclass
class Outcome:
    kind: str
    label: str
    action: str
    due: int
    removed: int = 0
    examples: list[str] = field(default_factory=list)


def _cutoff(holder: Holder, days: int, now: datetime.datetime):
    model = apps.get_model(holder.label)
    target = model
    *path, last = holder.date_field.split("__")
    for part in path:
        target = target._meta.get_field(part).related_model
    cutoff = now - datetime.timedelta(days=days)
    is_datetime = isinstance(target._meta.get_field(last), models.DateTimeField)
    return model, cutoff if is_datetime else timezone.localdate(cutoff)


@transaction.atomic
def apply_retention(*, dry_run: bool, now: datetime.datetime | None = None) -> list[Outcome]:
    """Apply the schedule; with ``dry_run`` only say what would be removed."""
    now = now or timezone.now()
    outcomes = []
    for kind, rule in settings.RECORD_RETENTION.items():
        for holder in holders_of(kind):
            model, cutoff = _cutoff(holder, rule["days"], now)
            due = model._base_manager.filter(**{f"{holder.date_field}__lt": cutoff})
            outcome = Outcome(kind, model._meta.label, rule["action"], due.count())
            if outcome.due and rule["action"] == REVIEW:
                outcome.examples = [holder.describe(obj) for obj in due.order_by("pk")[:LISTED]]
            elif outcome.due and not dry_run:
                outcome.removed = due.delete()[1].get(model._meta.label, 0)
            outcomes.append(outcome)
    return outcomes
