"""Reads of the deliverables app, each with a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from lmns.access import Access, Scope
from lmns.models import Lmns, RagStatus, ReportingPeriod
from quality import selectors as ambition_selectors
from quality.models import Ambition

from .models import (
    EXCEPTION_STATUSES,
    Deliverable,
    DeliverableUpdate,
    Mitigation,
    Plan,
    Risk,
    RiskScore,
)


def readable_plans(access: Access) -> QuerySet[Plan]:
    """Plans of LMNSs the person may read; a trust's own plan only for those who may read
    that trust."""
    qs = access.scope(Plan.objects.all(), Scope.lmns())
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
    wide = access.scope(Lmns.objects.all(), Scope.lmns("", wide=True))
    for_all = ~Exists(through.objects.filter(deliverable=OuterRef("pk")))
    concerns_mine = Exists(
        through.objects.filter(deliverable=OuterRef("pk"), trust__in=access.trusts())
    )
    return qs.filter(Q(plan__lmns__in=wide) | for_all | concerns_mine)


def plan_deliverables(plan: Plan, access: Access) -> QuerySet[Deliverable]:
    """The deliverables of one plan the person may see: ``visible_deliverables`` for that plan.

    Whoever reads the plan's LMNS wide (its programme team and board, superusers) sees every
    deliverable of a plan they may read, so for them the rule on the deliverable's trusts is
    decided here rather than in SQL (two EXISTS and an OR the plan page built twice); the plan
    must still be readable (``readable_plans``, in the query). Trust leads get the whole rule.
    """
    if access.can_read_lmns_wide(plan.lmns_id):
        return Deliverable.objects.filter(plan__in=readable_plans(access), plan=plan)
    return visible_deliverables(access).filter(plan=plan)


def plan_rows(plan: Plan, access: Access) -> QuerySet[Deliverable]:
    """The plan page's rows: everything a row shows, in one query."""
    return (
        visible_deliverables(access)
        .filter(plan=plan)
        .select_related("workstream", "latest_update__created_by", "latest_update__period")
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
    "latest_update__period__start_year",
    "latest_update__period__quarter",
)


# The exports add the latest update's narrative and recovery plan after the page's columns.
EXPORT_COLUMNS = (
    "latest_update__narrative",
    "latest_update__recovery_action",
    "latest_update__recovery_date",
)


def plan_table_rows(plan: Plan, access: Access, *, export: bool = False) -> QuerySet[Deliverable]:
    """The plan page's table and its exports: the columns they show and nothing else (the
    long texts and who recorded the update cost the page more than the rest of it). An export
    also has the latest update's narrative and recovery plan, read in the same query."""
    columns = TABLE_COLUMNS + EXPORT_COLUMNS if export else TABLE_COLUMNS
    return (
        plan_deliverables(plan, access)
        .select_related("workstream", "latest_update__period")
        .only(*columns)
        .with_overdue()
        .order_by("number", "part")
    )


def deliverable_for_page(access: Access, pk: int) -> Deliverable:
    return access.get_or_404(
        visible_deliverables(access).select_related(
            "plan__lmns", "plan__trust", "workstream", "latest_update"
        ),
        Scope.lmns("plan__lmns"),
        pk=pk,
    )


def timeline(deliverable: Deliverable) -> list[DeliverableUpdate]:
    """Every update, newest first, with who recorded it."""
    return list(
        deliverable.updates.select_related("period", "created_by").order_by(
            "-period__start_date", "-created_at", "-pk"
        )
    )


def trajectory_of(deliverable: Deliverable) -> Ambition | None:
    """The deliverable's measurable target (a quality ambition) with its targets and actuals."""
    if deliverable.ambition_id is None:
        return None
    return ambition_selectors.ambition_with_actuals(deliverable.ambition_id)


def plan_ambitions(plan: Plan, access: Access) -> list[dict]:
    """The targets of the plan's deliverables the person may see, for the plan page: each
    deliverable with its ambition (only what the page shows of it), the ambition's targets and
    its latest actual. Three queries."""
    deliverables = list(
        plan_deliverables(plan, access)
        .filter(ambition__isnull=False)
        .select_related("ambition")
        .only(
            "pk",
            "plan_id",
            "number",
            "part",
            "title",
            "ambition__metric",
            "ambition__unit",
            "ambition__note",
        )
        .order_by("number", "part")
    )
    found = ambition_selectors.targets_and_latest([d.ambition for d in deliverables])
    return [
        {
            "deliverable": deliverable,
            "ambition": deliverable.ambition,
            "targets": found[deliverable.ambition_id][0],
            "latest": found[deliverable.ambition_id][1],
        }
        for deliverable in deliverables
    ]


def plan_kpis(plan: Plan) -> list:
    """The plan's KPIs; for a trust's plan, each with the trust's latest month and icons."""
    measures = [k.measure for k in plan.kpis.select_related("measure").order_by("order", "pk")]
    if plan.trust is None or not measures:
        return [{"measure": m, "series": None} for m in measures]
    series = ambition_selectors.latest_series(plan.trust, measures)
    return [{"measure": s.measure, "series": s} for s in series]


def governance_route(plan: Plan) -> list[dict]:
    """The plan's governance groups, nearest the work first, each with where it escalates."""
    steps = list(plan.governance.order_by("level"))
    return [
        {"step": step, "escalates_to": steps[i + 1] if i + 1 < len(steps) else None}
        for i, step in enumerate(steps)
    ]


def periods_for_choice() -> QuerySet[ReportingPeriod]:
    return ReportingPeriod.objects.started().order_by("-start_date")


def carried_forward(deliverable: Deliverable) -> dict:
    """What a new update starts from: the status, and while the deliverable is still at risk or
    off track, the last update's recovery action and its date (they stay until it recovers)."""
    initial = {"status": deliverable.status}
    last = deliverable.latest_update
    if last and deliverable.status in (RagStatus.AT_RISK, RagStatus.OFF_TRACK):
        initial.update(recovery_action=last.recovery_action, recovery_date=last.recovery_date)
    return initial


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


# The board pack's deliverables and risks sections (deliverables/board.py) read through these.

BOARD_MAX_EXCEPTIONS = 30


@dataclass
class PlanStatusAtQuarter:
    """The LMNS's plans covering a quarter: how many deliverables in each status, and those
    off track, at risk or overdue (with each one's latest update up to the quarter)."""

    as_of: datetime.date
    counts: dict  # status value (None: no update yet) → number of deliverables
    exceptions: list[Deliverable]
    overdue: int


def board_as_of(period: ReportingPeriod) -> datetime.date:
    """Overdue is judged at the end of the quarter, or today while the quarter runs."""
    return min(period.end_date, datetime.date.today())


def current_plans(lmns: Lmns, period: ReportingPeriod) -> QuerySet[Plan]:
    """The LMNS's plans (its own, not one trust's) covering any of the quarter."""
    return Plan.objects.filter(
        lmns=lmns,
        trust__isnull=True,
        period_start__lte=period.end_date,
        period_end__gte=period.start_date,
    )


def _status_as_of(period: ReportingPeriod) -> dict:
    """Each deliverable's latest update up to and including the quarter."""
    latest = DeliverableUpdate.objects.filter(
        deliverable=OuterRef("pk"), period__start_date__lte=period.start_date
    ).order_by("-period__start_date", "-created_at", "-pk")
    return {
        "period_status": Subquery(latest.values("status")[:1]),
        "period_narrative": Subquery(latest.values("narrative")[:1]),
        "period_recovery": Subquery(latest.values("recovery_action")[:1]),
        "period_recovery_date": Subquery(latest.values("recovery_date")[:1]),
    }


def plan_status_at_quarter(lmns: Lmns, period: ReportingPeriod) -> PlanStatusAtQuarter:
    """Counts by status, the exceptions (at most 30) and the overdue count: three queries."""
    as_of = board_as_of(period)
    base = Deliverable.objects.filter(plan__in=current_plans(lmns, period)).annotate(
        **_status_as_of(period)
    )
    counts = {
        row["period_status"]: row["n"]
        for row in base.values("period_status").annotate(n=Count("pk")).order_by()
    }
    overdue_q = Q(due_date__lt=as_of) & ~Q(period_status=RagStatus.COMPLETE)
    exceptions = list(
        base.filter(Q(period_status__in=EXCEPTION_STATUSES) | overdue_q)
        .select_related("plan")
        .order_by("number", "part")[:BOARD_MAX_EXCEPTIONS]
    )
    return PlanStatusAtQuarter(as_of, counts, exceptions, base.filter(overdue_q).count())


def top_open_risks(lmns: Lmns, limit: int) -> list[Risk]:
    """The highest-scoring open risks, with their mitigations and score history."""
    return list(risks_of(lmns).filter(status="open")[:limit])


# -- purges (lmns.purges): what held the data, in words that repeat none of it ---------------
def describe_deliverable(deliverable: Deliverable) -> str:
    return f"Deliverable {deliverable.reference} (record {deliverable.pk}) of plan {deliverable.plan_id}"


def describe_update(update: DeliverableUpdate) -> str:
    return (
        f"Update {update.pk} of deliverable {update.deliverable.reference} "
        f"of plan {update.deliverable.plan_id}"
    )


def describe_risk(risk: Risk) -> str:
    return f"Risk {risk.pk} of {risk.lmns.short_name}"


def describe_mitigation(mitigation: Mitigation) -> str:
    return f"Mitigation {mitigation.pk} of risk {mitigation.risk_id}"
