"""The board pack's part of the work queue (registered in ``apps.py``; see ``lmns/queue.py``).

Programme team: the pack to issue for the last complete quarter. Board members: the latest
issued pack of each of their LMNSs, marked new until they open it (its notification unread).
"""

from __future__ import annotations

import datetime

from django.db.models import OuterRef, Subquery
from django.urls import reverse

from lmns.access import Access
from lmns.models import Lmns, Notification, ReportingPeriod, Role
from lmns.queue import Context, Item, Source, day, due_by, register_source

from .models import BoardPack
from .notifications import ISSUED

# A quarter's pack is due this long after the quarter ends (when its returns are in).
ISSUE_WITHIN = datetime.timedelta(days=60)


def to_issue_items(access: Access, context: Context) -> list[Item]:
    """Each of the team's LMNSs without a pack for the last complete quarter (two queries)."""
    if not access.team_lmns_ids:
        return []
    period = (
        ReportingPeriod.objects.filter(end_date__lt=context.today).order_by("-end_date").first()
    )
    if period is None:
        return []
    due = period.end_date + ISSUE_WITHIN
    lmnss = (
        Lmns.objects.filter(pk__in=access.team_lmns_ids)
        .exclude(board_packs__period=period)
        .order_by("short_name")
    )
    return [
        Item(
            title=f"Issue the {lmns.short_name} board pack for {period}",
            url=reverse("boardpack:pack", args=[lmns.pk, period.pk]),
            kind="Board pack to issue",
            detail=f"The last complete quarter; due {day(due)}",
            **due_by(due, context.today),
        )
        for lmns in lmnss
    ]


def latest_pack_items(access: Access, context: Context) -> list[Item]:
    """The latest issued pack of each of the board member's LMNSs (two queries)."""
    if not access.board_lmns_ids:
        return []
    latest = BoardPack.objects.filter(lmns=OuterRef("lmns_id")).order_by("-issued_at", "-pk")
    packs = list(
        BoardPack.objects.filter(lmns_id__in=access.board_lmns_ids)
        .filter(pk=Subquery(latest.values("pk")[:1]))
        .select_related("lmns", "period")
        .order_by("lmns__short_name")
    )
    unread = set(
        Notification.objects.filter(
            recipient_id=access.user_id, kind=ISSUED.code, read_at__isnull=True
        ).values_list("key", flat=True)
    )
    items = []
    for pack in packs:
        new = f"{ISSUED.code}:{pack.pk}" in unread
        days = (pack.issued_at.date() - context.today).days
        items.append(
            Item(
                title=f"{pack.lmns.short_name} board pack for {pack.period}",
                url=reverse("boardpack:pack", args=[pack.lmns_id, pack.period_id]),
                kind="Board pack",
                detail=f"Issued {day(pack.issued_at.date())} (version {pack.version})",
                # A new pack comes first; one already read comes after the rest.
                rank=-10_000 if new else 10_000 + (-days),
                new=new,
            )
        )
    return items


def register() -> None:
    register_source(Source("boardpack.to_issue", frozenset({Role.PROGRAMME_TEAM}), to_issue_items))
    register_source(Source("boardpack.latest", frozenset({Role.BOARD_MEMBER}), latest_pack_items))
