"""Reads of the deliverables app, each with a fixed number of queries."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from lmns.access import Access
from lmns.models import Lmns, ReportingPeriod

from .models import (
    Deliverable,
    DeliverableUpdate,
    Plan,
    Risk,
    RiskScore,
    Trajectory,
    TrajectoryActual,
    TrajectoryTarget,
)


def readable_plans(access: Access) -> QuerySet[Plan]:
    """Plans of LMNSs the person may read; a trust's own plan only for those who may read
    that trust."""
    qs = access.scope_by_lmns(Plan.objects.all(), path="lmns")
    if access.is_superuser:
        return qs
    return qs.filter(Q(trust__isnull=True) | Q(trust__in=access.trusts()))


def plans_of(access: Access, lmns: Lmns) -> QuerySet[Plan]:
    return readable_plans(access).filter(lmns=lmns).select_related("trust")


def visible_deliverables(access: Access) -> QuerySet[Deliverable]:
    """Deliverables the person may see.

    The programme team and board see every deliverable of their LMNS; a trust lead sees those
    that concern their trust or all trusts (no trusts chosen).
    """
    qs = Deliverable.objects.filter(plan__in=readable_plans(access))
    if access.is_superuser:
        return qs
    through = Deliverable.trusts.through
    wide = access.scope_by_lmns(Lmns.objects.all(), path="", wide_only=True)
    for_all = ~Exists(through.objects.filter(deliverable=OuterRef("pk")))
    concerns_mine = Exists(
        through.objects.filter(deliverable=OuterRef("pk"), trust__in=access.trusts())
    )
    return qs.filter(Q(plan__lmns__in=wide) | for_all | concerns_mine)


def plan_rows(plan: Plan, access: Access) -> QuerySet[Deliverable]:
    """The plan page's rows: everything a row shows, in one query."""
    return (
        visible_deliverables(access)
        .filter(plan=plan)
        .select_related("workstream", "latest_update__created_by")
        .with_overdue()
        .order_by("number", "part")
    )


TABLE_COLUMNS = (
    "plan",
    "number",
    "part",
    "title",
    "owner_name",
    "due_date",
    "status",
    "workstream__name",
    "latest_update__created_at",
)


def plan_table_rows(plan: Plan, access: Access) -> QuerySet[Deliverable]:
    """The plan page's table and its exports: the columns they show and nothing else (the
    long texts and who recorded the update cost the page more than the rest of it)."""
    return (
        visible_deliverables(access)
        .filter(plan=plan)
        .select_related("workstream", "latest_update")
        .only(*TABLE_COLUMNS)
        .with_overdue()
        .order_by("number", "part")
    )


def deliverable_for_page(access: Access, pk: int) -> Deliverable:
    return get_object_or_404(
        visible_deliverables(access).select_related(
            "plan__lmns", "plan__trust", "workstream", "latest_update"
        ),
        pk=pk,
    )


def timeline(deliverable: Deliverable) -> list[DeliverableUpdate]:
    """Every update, newest first, with who recorded it."""
    return list(
        deliverable.updates.select_related("period", "created_by").order_by(
            "-period__start_date", "-created_at", "-pk"
        )
    )


def trajectory_of(deliverable: Deliverable) -> Trajectory | None:
    return (
        Trajectory.objects.filter(deliverable=deliverable)
        .prefetch_related(
            Prefetch("targets", queryset=TrajectoryTarget.objects.order_by("due", "pk")),
            Prefetch(
                "actuals",
                queryset=TrajectoryActual.objects.select_related("period").order_by(
                    "period__start_date"
                ),
            ),
        )
        .first()
    )


def periods_for_choice() -> QuerySet[ReportingPeriod]:
    return ReportingPeriod.objects.order_by("-start_date")


def default_period() -> ReportingPeriod | None:
    return ReportingPeriod.objects.latest_open() or ReportingPeriod.objects.current()


def risks_of(lmns: Lmns) -> QuerySet[Risk]:
    """The register: risks with their score, mitigations and score history, highest first."""
    return (
        Risk.objects.filter(lmns=lmns)
        .with_score()
        .prefetch_related(
            "mitigations",
            Prefetch("scores", queryset=RiskScore.objects.order_by("-scored_on", "-pk")),
        )
        .order_by("status", "-score_value", "title")
    )


def movement(risk: Risk, since: datetime.date | None = None) -> dict:
    """How the score moved: against the score in force on ``since`` or, without it, against
    the previous score. Uses the prefetched ``scores`` (newest first)."""
    scores = list(risk.scores.all())
    if since is None:
        previous = scores[1] if len(scores) > 1 else None
    else:
        previous = next((s for s in scores if s.scored_on < since), None)
    if previous is None:
        return {"previous": None, "change": None, "text": "New"}
    change = risk.score - previous.score
    if change > 0:
        text = f"Up from {previous.score} (▲ {change})"
    elif change < 0:
        text = f"Down from {previous.score} (▼ {-change})"
    else:
        text = "No change"
    return {"previous": previous.score, "change": change, "text": text}
