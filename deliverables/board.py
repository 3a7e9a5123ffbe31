"""Board pack sections: deliverables by RAG with their exceptions, and the top risks.

Narratives, recovery actions and mitigations show at most :data:`lmns.text.EXCERPT` (600)
characters, with a link to the record that holds the whole text: a pack stays readable, and
its PDF quick to render, whatever the length of what was written.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse

from lmns.board import BoardSection
from lmns.models import Lmns, RagStatus, ReportingPeriod
from lmns.text import excerpt

from .models import EXCEPTION_STATUSES, Deliverable, DeliverableUpdate, Plan, risk_rating
from .selectors import movement, risks_of

TOP_RISKS = 5
MAX_EXCEPTIONS = 30


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _as_of(period: ReportingPeriod) -> datetime.date:
    """Overdue is judged at the end of the quarter, or today while the quarter runs."""
    return min(period.end_date, datetime.date.today())


def current_plans(lmns: Lmns, period: ReportingPeriod):
    """The LMNS's plans (its own, not one trust's) covering any of the quarter."""
    return Plan.objects.filter(
        lmns=lmns,
        trust__isnull=True,
        period_start__lte=period.end_date,
        period_end__gte=period.start_date,
    )


def _status_as_of(period: ReportingPeriod):
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


def build_deliverables(lmns: Lmns, period: ReportingPeriod) -> dict:
    """Counts by RAG across current plans, then off track, at risk and overdue deliverables."""
    as_of = _as_of(period)
    base = Deliverable.objects.filter(plan__in=current_plans(lmns, period)).annotate(
        **_status_as_of(period)
    )
    counts = {
        row["period_status"]: row["n"]
        for row in base.values("period_status").annotate(n=Count("pk")).order_by()
    }
    total = sum(counts.values())
    by_status = [(status, counts.get(status.value, 0)) for status in RagStatus]
    by_status[0] = (RagStatus.NOT_STARTED, by_status[0][1] + counts.get(None, 0))
    overdue_q = Q(due_date__lt=as_of) & ~Q(period_status=RagStatus.COMPLETE)
    exceptions = list(
        base.filter(Q(period_status__in=EXCEPTION_STATUSES) | overdue_q)
        .select_related("plan")
        .order_by("number", "part")[:MAX_EXCEPTIONS]
    )
    overdue_count = base.filter(overdue_q).count()
    off = counts.get(RagStatus.OFF_TRACK, 0)
    at_risk = counts.get(RagStatus.AT_RISK, 0)
    messages = []
    if off:
        messages.append({"text": f"{_plural(off, 'deliverable')} off track", "priority": 80})
    if overdue_count:
        messages.append(
            {"text": f"{_plural(overdue_count, 'deliverable')} overdue", "priority": 70}
        )
    if at_risk:
        messages.append({"text": f"{_plural(at_risk, 'deliverable')} at risk", "priority": 60})
    rows = []
    for d in exceptions:
        status = d.period_status or RagStatus.NOT_STARTED
        is_overdue = bool(d.due_date and d.due_date < as_of and status != RagStatus.COMPLETE)
        narrative, narrative_cut = excerpt(d.period_narrative or "")
        recovery, recovery_cut = excerpt(d.period_recovery or "")
        rows.append(
            {
                "reference": d.reference,
                "title": d.title,
                "plan": d.plan.title,
                "status": status,
                "status_label": RagStatus(status).label,
                "overdue": is_overdue,
                "due": d.due_date.isoformat() if d.due_date else "",
                "narrative": narrative,
                "recovery_action": recovery,
                "cut": narrative_cut or recovery_cut,
                "recovery_date": d.period_recovery_date.isoformat()
                if d.period_recovery_date
                else "",
                "url": reverse("deliverables:deliverable_detail", args=[d.pk]),
            }
        )
    return {
        "has_data": total > 0,
        "provisional": False,
        "total": total,
        "counts": [{"status": s.value, "label": s.label, "count": n} for s, n in by_status],
        "overdue": overdue_count,
        "exceptions": rows,
        "messages": sorted(messages, key=lambda m: -m["priority"]),
        "tables": [
            {
                "key": "deliverables_by_status",
                "caption": f"Deliverables by status, {period}",
                "headers": ["Status", "Deliverables"],
                "rows": [[s.label, n] for s, n in by_status],
            },
            {
                "key": "deliverable_exceptions",
                "caption": f"Deliverables off track, at risk or overdue, {period}",
                "headers": [
                    "No.",
                    "Deliverable",
                    "Status",
                    "Overdue",
                    "Narrative",
                    "Recovery action",
                    "Recovery by",
                ],
                "rows": [
                    [
                        r["reference"],
                        r["title"],
                        r["status_label"],
                        "Overdue" if r["overdue"] else "",
                        r["narrative"],
                        r["recovery_action"],
                        r["recovery_date"],
                    ]
                    for r in rows
                ],
            },
        ],
        "links": [
            {
                "label": "Plans and deliverables",
                "url": reverse("deliverables:plan_list", args=[lmns.pk]),
            }
        ],
    }


def build_risks(lmns: Lmns, period: ReportingPeriod) -> dict:
    """The top open risks by score, with movement since the start of the quarter."""
    risks = list(risks_of(lmns).filter(status="open")[:TOP_RISKS])
    rows = []
    for risk in risks:
        moved = movement(risk, since=period.start_date)
        rows.append(
            {
                "title": risk.title,
                "owner": risk.owner_name,
                "score": risk.score,
                "likelihood": risk.likelihood,
                "impact": risk.impact,
                "rating": risk.rating.label,
                "movement": moved["text"] if moved["previous"] is not None else "New this quarter",
                "review_date": risk.review_date.isoformat(),
                "mitigations": [
                    {
                        "action": excerpt(m.action)[0],
                        "cut": excerpt(m.action)[1],
                        "owner": m.owner_name,
                        "status": RagStatus(m.status).label,
                    }
                    for m in risk.mitigations.all()
                ],
                "url": reverse("deliverables:risk_detail", args=[risk.pk]),
            }
        )
    messages = []
    for row in rows:
        if risk_rating(row["score"]) == "extreme":
            messages.append(
                {"text": f"{row['title']} risk rated extreme ({row['score']})", "priority": 75}
            )
    return {
        "has_data": bool(rows),
        "provisional": False,
        "risks": rows,
        "messages": messages,
        "tables": [
            {
                "key": "top_risks",
                "caption": f"Top risks, {period}",
                "headers": ["Risk", "Owner", "Score", "Rating", "Movement", "Mitigations"],
                "rows": [
                    [
                        r["title"],
                        r["owner"],
                        r["score"],
                        r["rating"],
                        r["movement"],
                        "; ".join(f"{m['action']} ({m['status']})" for m in r["mitigations"]),
                    ]
                    for r in rows
                ],
            }
        ],
        "links": [
            {"label": "Risk register", "url": reverse("deliverables:risk_register", args=[lmns.pk])}
        ],
    }


SECTIONS = [
    BoardSection(
        key="deliverables",
        title="Deliverables",
        order=30,
        template="deliverables/board_deliverables.html",
        build=build_deliverables,
    ),
    BoardSection(
        key="risks",
        title="Risks",
        order=50,
        template="deliverables/board_risks.html",
        build=build_risks,
    ),
]
