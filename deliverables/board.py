"""Board pack sections: deliverables by RAG with their exceptions, and the top risks.

Each ``build`` reads through the selectors and hands the rows to small functions that make the
typed section (``lmns.board.Section``) without touching the database.

Narratives, recovery actions and mitigations show at most :data:`lmns.text.EXCERPT` (600)
characters, with a link to the record that holds the whole text: a pack stays readable, and
its PDF quick to render, whatever the length of what was written.
"""

from __future__ import annotations

from django.urls import reverse

from lmns.board import BoardSection, Link, Message, Section, Table, date, number, text
from lmns.formatting import date as date_text
from lmns.models import Lmns, RagStatus, ReportingPeriod
from lmns.text import excerpt

from .models import Deliverable, Risk, risk_rating
from .selectors import PlanStatusAtQuarter, movement, plan_status_at_quarter, top_open_risks

TOP_RISKS = 5
EXCEPTION_HEADERS = [
    "No.",
    "Deliverable",
    "Status",
    "Overdue",
    "Narrative",
    "Recovery action",
    "Recovery by",
]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def by_status(counts: dict) -> list[tuple[RagStatus, int]]:
    """Each status with its count; deliverables with no update yet count as not started."""
    found = [(status, counts.get(status.value, 0)) for status in RagStatus]
    found[0] = (RagStatus.NOT_STARTED, found[0][1] + counts.get(None, 0))
    return found


def deliverable_messages(counts: dict, overdue: int) -> list[Message]:
    off = counts.get(RagStatus.OFF_TRACK, 0)
    at_risk = counts.get(RagStatus.AT_RISK, 0)
    found = []
    if off:
        found.append(Message(f"{_plural(off, 'deliverable')} off track", 80))
    if overdue:
        found.append(Message(f"{_plural(overdue, 'deliverable')} overdue", 70))
    if at_risk:
        found.append(Message(f"{_plural(at_risk, 'deliverable')} at risk", 60))
    return found


def exception_row(d: Deliverable, as_of) -> dict:
    """One deliverable off track, at risk or overdue, as the template and the table show it."""
    status = d.period_status or RagStatus.NOT_STARTED
    narrative, narrative_cut = excerpt(d.period_narrative or "")
    recovery, recovery_cut = excerpt(d.period_recovery or "")
    return {
        "reference": d.reference,
        "title": d.title,
        "plan": d.plan.title,
        "status": status,
        "status_label": RagStatus(status).label,
        "overdue": bool(d.due_date and d.due_date < as_of and status != RagStatus.COMPLETE),
        "due": d.due_date,
        "narrative": narrative,
        "recovery_action": recovery,
        "cut": narrative_cut or recovery_cut,
        "recovery_date": d.period_recovery_date,
        "url": reverse("deliverables:deliverable_detail", args=[d.pk]),
    }


def exceptions_table(rows: list[dict], period: ReportingPeriod) -> Table:
    return Table(
        "deliverable_exceptions",
        f"Deliverables off track, at risk or overdue, {period}",
        EXCEPTION_HEADERS,
        [
            [
                text(r["reference"]),
                text(r["title"]),
                text(r["status_label"]),
                text("Overdue" if r["overdue"] else ""),
                text(r["narrative"]),
                text(r["recovery_action"]),
                date(r["recovery_date"]),
            ]
            for r in rows
        ],
    )


def _shown(row: dict) -> dict:
    """An exception as the template reads it: its dates as a person reads them."""
    return {**row, "due": date_text(row["due"]), "recovery_date": date_text(row["recovery_date"])}


def deliverables_section(
    lmns: Lmns, period: ReportingPeriod, status: PlanStatusAtQuarter
) -> Section:
    """Counts by RAG across current plans, then off track, at risk and overdue deliverables."""
    counted = by_status(status.counts)
    rows = [exception_row(d, status.as_of) for d in status.exceptions]
    total = sum(status.counts.values())
    return Section(
        has_data=total > 0,
        messages=deliverable_messages(status.counts, status.overdue),
        tables=[
            Table(
                "deliverables_by_status",
                f"Deliverables by status, {period}",
                ["Status", "Deliverables"],
                [[text(s.label), number(n)] for s, n in counted],
            ),
            exceptions_table(rows, period),
        ],
        links=[Link("Plans and deliverables", reverse("deliverables:plan_list", args=[lmns.pk]))],
        view={
            "total": total,
            "counts": [{"status": s.value, "label": s.label, "count": n} for s, n in counted],
            "overdue": status.overdue,
            "exceptions": [_shown(r) for r in rows],
        },
    )


def build_deliverables(lmns: Lmns, period: ReportingPeriod) -> Section:
    return deliverables_section(lmns, period, plan_status_at_quarter(lmns, period))


def risk_row(risk: Risk, period: ReportingPeriod) -> dict:
    """One risk with its movement since the start of the quarter and its mitigations."""
    moved = movement(risk, since=period.start_date)
    return {
        "title": risk.title,
        "owner": risk.owner_name,
        "score": risk.score,
        "likelihood": risk.likelihood,
        "impact": risk.impact,
        "rating": risk.rating.label,
        "movement": moved["text"] if moved["previous"] is not None else "New this quarter",
        "review_date": date_text(risk.review_date),
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


def risks_table(rows: list[dict], period: ReportingPeriod) -> Table:
    return Table(
        "top_risks",
        f"Top risks, {period}",
        ["Risk", "Owner", "Score", "Rating", "Movement", "Mitigations"],
        [
            [
                text(r["title"]),
                text(r["owner"]),
                number(r["score"]),
                text(r["rating"]),
                text(r["movement"]),
                text("; ".join(f"{m['action']} ({m['status']})" for m in r["mitigations"])),
            ]
            for r in rows
        ],
    )


def risks_section(lmns: Lmns, period: ReportingPeriod, risks: list[Risk]) -> Section:
    """The top open risks by score, with movement since the start of the quarter."""
    rows = [risk_row(risk, period) for risk in risks]
    messages = [
        Message(f"{row['title']} risk rated extreme ({row['score']})", 75)
        for row in rows
        if risk_rating(row["score"]) == "extreme"
    ]
    return Section(
        has_data=bool(rows),
        messages=messages,
        tables=[risks_table(rows, period)],
        links=[Link("Risk register", reverse("deliverables:risk_register", args=[lmns.pk]))],
        view={"risks": rows},
    )


def build_risks(lmns: Lmns, period: ReportingPeriod) -> Section:
    return risks_section(lmns, period, top_open_risks(lmns, TOP_RISKS))


SECTIONS = [
    BoardSection(
        key="deliverables",
        title="Deliverables",
        order=30,
        template="deliverables/board_deliverables.html",
        build=build_deliverables,
        sources=(
            "deliverables.Deliverable",
            "deliverables.DeliverableUpdate",
            "deliverables.Plan",
            "deliverables.Workstream",
            "lmns.Lmns",
            "lmns.ReportingPeriod",
            "lmns.Trust",
        ),
    ),
    BoardSection(
        key="risks",
        title="Risks",
        order=50,
        template="deliverables/board_risks.html",
        build=build_risks,
        sources=(
            "deliverables.Deliverable",
            "deliverables.Mitigation",
            "deliverables.Risk",
            "deliverables.RiskScore",
            "deliverables.Risk_deliverables",
            "lmns.Lmns",
            "lmns.ReportingPeriod",
            "lmns.Trust",
        ),
    ),
]
