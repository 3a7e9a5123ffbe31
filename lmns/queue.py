"""The work queue: what each person needs to do now, contributed by the apps.

The core app never names a feature app. Each app registers :class:`Source` rows from its
``AppConfig.ready`` (as it registers menus and board sections): a heading, the roles it is for,
``items(access, context)`` returning :class:`Item` rows (a fixed number of queries whatever the
data) and, for the navigation bar's counts, ``count()`` returning a queryset whose rows are
counted. The home page merges every source's items for the person's roles, most
urgent first. The navigation bar's counts ("3 to review") and the unread notifications ride on
the query that reads the person's memberships (:func:`membership_counts`), so no page makes a
query for them.

Each LMNS works on one period at a time, its working period (``lmns.selectors.working_period``:
the earliest open period in which it has a collected return not yet assured, otherwise the
latest open period); ``Context.working_period(lmns_id)`` gives it to the sources, read in one
query for all the person's LMNSs. ``Context.period``, the latest open period, is the period
deliverable updates are for.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.utils import timezone

from .access import Access
from .models import Notification, ReportingPeriod
from .selectors import working_period_ids


@dataclass(frozen=True)
class Context:
    """What every source is asked with: today, the periods open for returns (oldest first),
    the latest of them (``period``) and each LMNS's working period (``working_period``)."""

    today: datetime.date
    open_periods: tuple[ReportingPeriod, ...] = ()
    # The person's LMNSs (set by work_queue), and each one's working period's id, read in one
    # query the first time a source asks.
    lmns_ids: frozenset[int] = frozenset()
    working: dict = field(default_factory=dict, compare=False)

    @property
    def period(self) -> ReportingPeriod | None:
        return self.open_periods[-1] if self.open_periods else None

    def working_period(self, lmns_id: int) -> ReportingPeriod | None:
        """The LMNS's working period (always an open period, so it is among ours)."""
        if lmns_id not in self.working:
            self.working.update(working_period_ids(self.lmns_ids | {lmns_id}))
        period_id = self.working.get(lmns_id)
        return next((p for p in self.open_periods if p.pk == period_id), None)

    def for_lmnss(self, lmns_ids) -> Context:
        return replace(self, lmns_ids=frozenset(lmns_ids))

    def working_periods(self) -> list[ReportingPeriod]:
        """The distinct working periods of the person's LMNSs, oldest first."""
        found = {self.working_period(lmns_id) for lmns_id in self.lmns_ids} - {None}
        return sorted(found, key=lambda period: period.start_date)

    @classmethod
    def now(cls, today: datetime.date | None = None) -> Context:
        periods = ReportingPeriod.objects.filter(is_open=True).order_by("start_date")
        return cls(today or timezone.localdate(), tuple(periods))


@dataclass(frozen=True)
class Item:
    """One thing to do: what, where, and how urgent.

    ``rank`` orders the queue: the number of days before the work is late (negative once it is,
    so the longest overdue comes first); work already waiting on the person counts its days
    waiting as days late. ``when`` is said in words ("3 days overdue", "due in 5 days").
    """

    title: str
    url: str
    kind: str
    detail: str = ""
    rank: int = 0
    when: str = ""
    new: bool = False
    late: bool = False


def _span(days: int) -> str:
    """3 days, 5 weeks, 4 months, 7 years: a length of time as people say it."""
    for unit, length, from_days in (("year", 365, 730), ("month", 30, 90), ("week", 7, 28)):
        if days >= from_days:
            count = days // length
            return f"{count} {unit}{'s'[: count != 1]}"
    return f"{days} day{'s'[: days != 1]}"


def due_in(days: int) -> str:
    """ "due today", "due in 1 day", "3 days overdue", "7 years overdue"."""
    if days == 0:
        return "due today"
    if days > 0:
        return f"due in {_span(days)}"
    return f"{_span(-days)} overdue"


def day(date: datetime.date) -> str:
    """ "31 July 2022"."""
    return f"{date.day} {date:%B %Y}"


def waiting(days: int) -> str:
    return "waiting since today" if days <= 0 else f"waiting {_span(days)}"


def due_by(deadline: datetime.date, today: datetime.date) -> dict:
    """An item's urgency for work due by ``deadline``: ranked by the days left (negative once
    late), said in words, and marked late after the day. ``Item(..., **due_by(d, today))``."""
    days = (deadline - today).days
    return {"rank": days, "when": due_in(days), "late": days < 0}


def waiting_since(since: datetime.date, today: datetime.date) -> dict:
    """An item's urgency for work waiting on the person since ``since``: each day waiting
    counts as a day late. ``Item(..., **waiting_since(d, today))``."""
    days = (today - since).days
    return {"rank": -days, "when": waiting(days)}


@dataclass(frozen=True)
class Source:
    """One app's contribution to the queue of people holding one of ``roles``."""

    name: str
    roles: frozenset[str]
    items: Callable[[Access, Context], list[Item]]
    # The rows the navigation bar counts, correlated with a membership (see membership_counts).
    count: Callable[[], QuerySet] | None = None
    # The navigation bar's words for the count: "{n} to review".
    nav_label: str = ""


_SOURCES: dict[str, Source] = {}


def register_source(source: Source) -> None:
    _SOURCES[source.name] = source


def roles_held(access: Access) -> set[str]:
    return {m.role for m in access.memberships}


def sources_for(access: Access) -> list[Source]:
    roles = roles_held(access)
    return [source for name, source in sorted(_SOURCES.items()) if source.roles & roles]


def work_queue(access: Access, context: Context) -> list[Item]:
    """Every item for the person's roles, most urgent first."""
    context = context.for_lmnss(context.lmns_ids | access.readable_lmns_ids)
    items = [item for source in sources_for(access) for item in source.items(access, context)]
    return sorted(items, key=lambda item: (item.rank, item.title))


class _Count(Subquery):
    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"
    output_field = IntegerField()


def _counted_sources() -> list[Source]:
    return [s for _, s in sorted(_SOURCES.items()) if s.count is not None and s.nav_label]


def membership_counts() -> dict:
    """Annotations for the one query reading a person's memberships (``get_access``): the
    person's unread notifications, and each navigation count of the membership's role.

    A source's ``count()`` is a queryset correlated with the membership row through
    ``OuterRef("lmns_id")``, ``OuterRef("trust_id")`` or ``OuterRef("user_id")``; so every
    page learns its navigation counts without a query of its own.
    """
    annotations = {
        "nav_unread": _Count(
            Notification.objects.filter(
                recipient_id=OuterRef("user_id"), read_at__isnull=True
            ).values("pk")
        )
    }
    for i, source in enumerate(_counted_sources()):
        annotations[f"nav_{i}"] = Case(
            When(role__in=source.roles, then=_Count(source.count().values("pk"))),
            default=Value(0),
        )
    return annotations


def nav_counts(access: Access) -> dict:
    """The unread notifications and each navigation count for the navigation bar.

    ``{"unread": 2, "work": [{"label": "3 to review", "count": 3}]}``. Read from the memberships
    ``get_access`` loaded (no query); a person without a membership costs one query.
    """
    if access.user_id is None:
        return {"unread": 0, "work": []}
    rows = access.memberships
    if not rows or not hasattr(rows[0], "nav_unread"):
        unread = Notification.objects.filter(recipient_id=access.user_id, read_at__isnull=True)
        return {"unread": unread.count(), "work": []}
    work = []
    for i, source in enumerate(_counted_sources()):
        count = sum(getattr(m, f"nav_{i}", 0) or 0 for m in rows)
        if count:
            work.append({"label": source.nav_label.format(n=count), "count": count})
    return {"unread": rows[0].nav_unread, "work": work}


def open_period_id() -> Subquery:
    """The working period's id as a subquery, for counts that must stay one query."""
    latest = ReportingPeriod.objects.filter(is_open=True).order_by("-start_date")
    return Subquery(latest.values("pk")[:1])
