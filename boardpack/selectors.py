"""Reads for the board pack pages."""

import datetime

from django.utils import timezone

from lmns.models import Lmns, ReportingPeriod

from .models import BoardPack


def issued_packs(lmns: Lmns) -> list[BoardPack]:
    """Every issued version of every quarter's pack, newest quarter first (snapshots not loaded)."""
    packs = list(
        BoardPack.objects.filter(lmns=lmns)
        .select_related("period")
        .defer("snapshot")
        .order_by("-period__start_date", "-version")
    )
    seen = set()
    for pack in packs:
        pack.is_latest = pack.period_id not in seen
        seen.add(pack.period_id)
    return packs


def issued_versions(lmns: Lmns, period: ReportingPeriod) -> list[BoardPack]:
    """The issued versions of one quarter's pack, latest first (snapshots not loaded)."""
    return list(
        BoardPack.objects.filter(lmns=lmns, period=period).defer("snapshot").order_by("-version")
    )


def latest_issued(lmns: Lmns) -> BoardPack | None:
    """The pack the board reads by default: the latest version of the latest issued quarter."""
    return (
        BoardPack.objects.filter(lmns=lmns)
        .select_related("period")
        .order_by("-period__start_date", "-version")
        .first()
    )


def issued_version(
    lmns: Lmns, period: ReportingPeriod, version: int | None = None
) -> BoardPack | None:
    """One issued version of a quarter's pack; the latest when ``version`` is None."""
    packs = BoardPack.objects.filter(lmns=lmns, period=period)
    if version is not None:
        return packs.filter(version=version).first()
    return packs.order_by("-version").first()


def draft_periods(today: datetime.date | None = None) -> list[ReportingPeriod]:
    """Every quarter that has begun, latest first: those the team can prepare a pack for."""
    today = today or timezone.localdate()
    return list(ReportingPeriod.objects.filter(start_date__lte=today).order_by("-start_date"))


def current_draft_period(lmns: Lmns, today: datetime.date | None = None) -> ReportingPeriod | None:
    """The quarter the team is preparing: the one after the latest issued pack's, once it has
    begun; with nothing issued, or nothing begun after it, the latest quarter that has begun."""
    today = today or timezone.localdate()
    issued = latest_issued(lmns)
    begun = ReportingPeriod.objects.filter(start_date__lte=today)
    if issued is not None:
        following = (
            begun.filter(start_date__gt=issued.period.start_date).order_by("start_date").first()
        )
        if following is not None:
            return following
    return begun.order_by("-start_date").first()
