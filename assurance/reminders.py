"""Deadline and review reminders (registered with ``lmns.reminders`` in ``apps.py``).

* Each collected return not yet submitted (not started, a draft, or sent back) of a period open
  for returns: its trust's leads are reminded 14, 7 and 1 days before the collection's deadline
  and weekly while it is overdue (the day after the deadline, then every 7 days). Submitting
  the return, or the period closing, stops them. A day missed is caught up once, at the latest
  threshold passed: nothing older is sent after a newer one.
* A return waiting for review longer than ``REVIEW_REMINDER_DAYS`` (default 7) since it was
  submitted: the LMNS programme team is reminded once per submission.

Keys: ``reminder.due:<trust>-<framework>-<period>:T-7`` (or ``:overdue-2``) and
``reminder.review:<return>:<submission>``, unique per recipient.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.urls import reverse

from lmns.access import Scope, readers
from lmns.models import Role
from lmns.notifications import Kind, notify, register_kind
from lmns.queue import day

from .models import Collection, QuarterlyReturn, ReturnStatus, Transition
from .services import EDITABLE_STATUSES

DUE = Kind("reminder.due", "Reminder: a return is due")
OVERDUE = Kind("reminder.overdue", "Reminder: a return is overdue")
REVIEW = Kind("reminder.review", "Reminder: a return is waiting for review")
THRESHOLDS = (1, 7, 14)
AWAITING_REVIEW = (ReturnStatus.SUBMITTED, ReturnStatus.UNDER_REVIEW)


def threshold(deadline: datetime.date, today: datetime.date) -> str | None:
    """The latest reminder ``today`` has reached: "T-14", "T-7", "T-1", "overdue-1" (the day
    after the deadline to a week later), "overdue-2", ...; ``None`` before the first."""
    days = (deadline - today).days
    if days < 0:
        return f"overdue-{(-days - 1) // 7 + 1}"
    for limit in THRESHOLDS:
        if days <= limit:
            return f"T-{limit}"
    return None


def _due_text(name: str, deadline: datetime.date, today: datetime.date) -> str:
    days = (deadline - today).days
    if days < 0:
        return f"{name} is overdue: it was due by {day(deadline)}"
    when = {0: "today", 1: "tomorrow"}.get(days, f"in {days} days")
    return f"{name} is due {when} ({day(deadline)})"


def deadline_reminders(today: datetime.date) -> int:
    """Remind the leads of every collected return not yet submitted (a fixed number of queries
    plus three per reminder sent)."""
    collections = Collection.objects.filter(period__is_open=True).select_related(
        "framework", "period"
    )
    asked = Collection.trusts.through.objects.filter(collection__in=collections).select_related(
        "trust"
    )
    by_pk = {c.pk: c for c in collections}
    returns = {
        (r.trust_id, r.framework_id, r.period_id): r
        for r in QuarterlyReturn.objects.filter(period__is_open=True)
    }
    made = 0
    for row in asked:
        collection, trust = by_pk[row.collection_id], row.trust
        deadline = collection.deadline or collection.period.submission_deadline
        ret = returns.get((trust.pk, collection.framework_id, collection.period_id))
        if ret is not None and ret.status not in EDITABLE_STATUSES:
            continue
        reached = threshold(deadline, today)
        if reached is None:
            continue
        kind = OVERDUE if reached.startswith("overdue") else DUE
        name = (
            f"{trust.short_name}'s {collection.framework.short_name} return for {collection.period}"
        )
        url = (
            reverse("assurance:return_detail", args=[ret.pk])
            if ret
            else reverse("assurance:trust_returns", args=[trust.pk])
        )
        made += notify(
            recipients=readers(trust, roles={Role.TRUST_LEAD}),
            kind=kind.code,
            text=_due_text(name, deadline, today),
            url=url,
            key=f"reminder.due:{trust.pk}-{collection.framework_id}-{collection.period_id}:{reached}",
        )
    return made


def review_reminders(today: datetime.date) -> int:
    """Remind the programme team of returns waiting for review too long, once per submission."""
    submitted = Transition.objects.filter(
        quarterly_return=OuterRef("pk"), to_status=ReturnStatus.SUBMITTED
    ).order_by("-at", "-pk")
    waiting = (
        QuarterlyReturn.objects.filter(status__in=AWAITING_REVIEW)
        .select_related("trust", "framework", "period")
        .annotate(
            submitted_id=Subquery(submitted.values("pk")[:1]),
            submitted_at=Subquery(submitted.values("at")[:1]),
        )
    )
    limit = settings.REVIEW_REMINDER_DAYS
    made = 0
    for ret in waiting:
        if ret.submitted_at is None:
            continue
        days = (today - ret.submitted_at.date()).days
        if days <= limit:
            continue
        made += notify(
            recipients=readers(ret, Scope.trust("trust"), roles={Role.PROGRAMME_TEAM}),
            kind=REVIEW.code,
            text=f"{ret.trust.short_name}'s {ret.framework.short_name} return for {ret.period} "
            f"has waited {days} days for review",
            url=reverse("assurance:return_detail", args=[ret.pk]),
            key=f"reminder.review:{ret.pk}:{ret.submitted_id}",
        )
    return made


def reminders(today: datetime.date) -> int:
    return deadline_reminders(today) + review_reminders(today)


def register() -> None:
    from lmns.reminders import register_reminders

    for kind in (DUE, OVERDUE, REVIEW):
        register_kind(kind)
    register_reminders("assurance", reminders)
