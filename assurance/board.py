"""The board pack's "Ockenden compliance" section (contract: docs/board-sections.md).

``build`` returns a JSON-serialisable dict, frozen into the pack's snapshot, so the trend charts
are generated here as SVG markup strings and the template never queries the database.

Key messages follow tested rules (``key_messages``):

* a section below 75% for two or more quarters running at a trust, ending this quarter:
  "IEA7 Informed consent below 75% at NUH for the 4th quarter running" (priority 30 + run);
* a section that moved by 10 points or more since last quarter: "… rose 12 points" (priority
  20) or "… fell 12 points" (priority 25);
* trusts that have not submitted their return: "1 trust has not submitted its return"
  (priority 40); returns submitted but not yet assured (priority 15).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from lmns.board import (
    BoardSection,
    Link,
    Message,
    Section,
    Table,
    date,
    number,
    percent,
    points,
    text,
)
from lmns.formatting import date as date_text
from lmns.formatting import percent as percent_text
from lmns.models import Lmns, ReportingPeriod

from .charts import trend_svg
from .selectors.actions import overdue_actions_by_trust
from .selectors.dashboard import (
    LOW,
    NOT_STARTED,
    SUBMITTED_STATUSES,
    ComplianceGrid,
    active_frameworks,
    changed_ratings,
    compliance_grid,
    default_framework,
    history_by_trust_section,
    mean_compliance_by_trust,
    periods_up_to,
)
from .selectors.review import evidence_positions

RUN_MINIMUM = 2
BIG_MOVE = 10


def ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def whole(value: Decimal) -> str:
    """A figure a person reads: a whole number (the snapshot's tables keep the exact one)."""
    return percent_text(value).rstrip("%")


def _num(value: Decimal | None) -> str:
    """Decimals as strings for the snapshot: '65' or '65.5'; '' when there is no figure."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def runs_below(series: list[Decimal | None], threshold: int = LOW) -> int:
    """How many quarters running, ending with the last, the figure has been below threshold."""
    run = 0
    for value in reversed(series):
        if value is None or value >= threshold:
            break
        run += 1
    return run


def not_submitted_message(grid: ComplianceGrid) -> list[Message]:
    not_submitted = [row for row in grid.rows if row.status not in SUBMITTED_STATUSES]
    if not not_submitted:
        return []
    n = len(not_submitted)
    names = ", ".join(row.trust.short_name for row in not_submitted)
    return [
        Message(
            f"{n} {_plural(n, 'trust has', 'trusts have')} not submitted "
            f"{_plural(n, 'its return', 'their returns')} ({names})",
            40,
        )
    ]


def cell_messages(row, history: dict) -> list[Message]:
    """A trust's runs below 75% and big moves, section by section."""
    found = []
    for cell in row.cells:
        label = f"{cell.section.code} {cell.section.title}"
        run = runs_below(history.get((row.trust.pk, cell.section.code), []))
        if run >= RUN_MINIMUM:
            found.append(
                Message(
                    f"{label} below {LOW}% at {row.trust.short_name} for the "
                    f"{ordinal(run)} quarter running",
                    30 + run,
                )
            )
        change = cell.change
        if change is not None and abs(change) >= BIG_MOVE:
            verb = "rose" if change > 0 else "fell"
            found.append(
                Message(
                    f"{label} at {row.trust.short_name} {verb} {whole(abs(change))} "
                    f"{_plural(abs(change), 'point', 'points')}",
                    20 if change > 0 else 25,
                )
            )
    return found


def awaiting_message(grid: ComplianceGrid) -> list[Message]:
    awaiting = [row for row in grid.rows if row.status in SUBMITTED_STATUSES and not row.assured]
    if not awaiting:
        return []
    n = len(awaiting)
    return [
        Message(
            f"{n} {_plural(n, 'return is', 'returns are')} submitted and awaiting "
            f"assurance ({', '.join(row.trust.short_name for row in awaiting)})",
            15,
        )
    ]


def key_messages(
    grid: ComplianceGrid, history: dict[tuple[int, str], list[Decimal | None]]
) -> list[Message]:
    """The section's key messages, highest priority first (rules in the module docstring)."""
    found = not_submitted_message(grid)
    for row in grid.rows:
        if row.assured:
            found += cell_messages(row, history)
    found += awaiting_message(grid)
    return sorted(found, key=lambda m: -m.priority)


@dataclass
class ComplianceData:
    """Everything the section shows, read through the selectors (a fixed number of queries)."""

    lmns: Lmns
    period: ReportingPeriod
    framework: object
    grid: ComplianceGrid
    periods: list[ReportingPeriod]
    history: dict
    means: dict
    changed: list[dict]
    # Trust id -> requirements fully met, and those whose evidence the LMNS accepted.
    evidence: dict = field(default_factory=dict)


def compliance_data(lmns: Lmns, period: ReportingPeriod) -> ComplianceData | None:
    """The quarter's grid, its history and the changed figures; None without a framework."""
    framework = default_framework(active_frameworks())
    if framework is None:
        return None
    periods = periods_up_to(period)
    return ComplianceData(
        lmns=lmns,
        period=period,
        framework=framework,
        grid=compliance_grid(lmns, framework, period),
        periods=periods,
        history=history_by_trust_section(lmns, framework, periods),
        means=mean_compliance_by_trust(lmns, framework, periods),
        changed=changed_ratings(lmns, framework, period),
        evidence=evidence_positions(lmns.pk, framework.pk, period.pk),
    )


def _query(data: ComplianceData) -> str:
    return urlencode({"framework": data.framework.pk, "period": data.period.pk})


def trust_view(data: ComplianceData, row) -> dict:
    """One trust's row as the template draws it: cells, trend chart and its words."""
    points = [(str(p), data.means.get((row.trust.pk, p.pk))) for p in data.periods]
    return {
        "name": row.trust.name,
        "short_name": row.trust.short_name,
        "assured": row.assured,
        "status": row.status_label,
        "awaiting": "" if row.assured else row.awaiting_text,
        "cells": [
            {
                "code": cell.section.code,
                "percent": _num(cell.percent),
                "band": cell.band,
                "band_label": cell.band_label,
                "band_short": cell.band_short,
                "change": cell.change_text,
                "changed": cell.changed,
            }
            for cell in row.cells
        ],
        "trend_svg": trend_svg(
            points,
            title=f"{row.trust.short_name}: mean {data.framework.short_name} compliance, "
            f"last {len(data.periods)} quarters",
            chart_id=f"board-trend-{row.trust.pk}",
        ),
        "trend_text": ", ".join(
            f"{label} {percent_text(value)}" for label, value in points if value is not None
        ),
        "trend_url": reverse("assurance:trust_trend", args=[row.trust.pk]) + "?" + _query(data),
    }


def _codes(grid: ComplianceGrid) -> list[str]:
    """Paper cannot show tooltips: every column is headed with its code and name."""
    return [f"{section.code} {section.title}" for section in grid.sections]


def _change_cell(cell):
    if cell.change is not None:
        return points(cell.change)
    return text("new" if cell.is_new else "")


def figures_table(data: ComplianceData) -> Table:
    return Table(
        "compliance",
        f"Agreed {data.framework.short_name} compliance (%), {data.period}",
        ["Trust", "Return", *_codes(data.grid)],
        [
            [text(row.trust.short_name), text(row.status_label)]
            + [percent(cell.percent) for cell in row.cells]
            for row in data.grid.rows
        ],
    )


def change_table(data: ComplianceData) -> Table:
    previous = data.grid.previous_period or "the previous quarter"
    return Table(
        "compliance_change",
        f"Change since {previous} (percentage points)",
        ["Trust", *_codes(data.grid)],
        [
            [text(row.trust.short_name), *(_change_cell(cell) for cell in row.cells)]
            for row in data.grid.rows
        ],
    )


def changed_table(data: ComplianceData) -> Table:
    return Table(
        "compliance_changed",
        "Figures the LMNS changed from the derived one, with the reason",
        ["Trust", "Section", "Derived (%)", "Agreed (%)", "Reason"],
        [
            [text(c["trust"]), text(f"{c['code']} {c['title']}")]
            + [percent(c["derived"]), percent(c["agreed"]), text(c["reason"])]
            for c in data.changed
        ],
    )


def trend_table(data: ComplianceData) -> Table:
    return Table(
        "compliance_trend",
        "Mean agreed compliance across sections (%), by quarter",
        ["Trust", *(str(p) for p in data.periods)],
        [
            [
                text(row.trust.short_name),
                *(percent(data.means.get((row.trust.pk, p.pk))) for p in data.periods),
            ]
            for row in data.grid.rows
        ],
    )


def evidence_rows(data: ComplianceData) -> list[dict]:
    """Each trust with a return: "met and evidenced" against "met, evidence not yet accepted"."""
    return [
        {
            "trust": row.trust.short_name,
            "met": data.evidence[row.trust.pk].met,
            "evidenced": data.evidence[row.trust.pk].evidenced,
            "not_accepted": data.evidence[row.trust.pk].not_accepted,
        }
        for row in data.grid.rows
        if row.trust.pk in data.evidence
    ]


def evidence_table(data: ComplianceData) -> Table:
    return Table(
        "compliance_evidence",
        f"Requirements assessed fully met, {data.period}: evidenced or not yet accepted",
        ["Trust", "Met and evidenced", "Met, evidence not yet accepted"],
        [
            [text(e["trust"]), number(e["evidenced"]), number(e["not_accepted"])]
            for e in evidence_rows(data)
        ],
    )


def compliance_tables(data: ComplianceData) -> list[Table]:
    return [
        figures_table(data),
        change_table(data),
        changed_table(data),
        evidence_table(data),
        trend_table(data),
    ]


def compliance_links(data: ComplianceData, trusts: list[dict]) -> list[Link]:
    dashboard = reverse("assurance:dashboard", args=[data.lmns.pk]) + "?" + _query(data)
    return [
        Link(f"Compliance dashboard, {data.period}", dashboard),
        *(Link(f"{t['short_name']} compliance trend", t["trend_url"]) for t in trusts),
    ]


def _has_data(grid: ComplianceGrid) -> bool:
    return any(cell.percent is not None for row in grid.rows for cell in row.cells) or any(
        row.status != NOT_STARTED for row in grid.rows
    )


def compliance_section(data: ComplianceData) -> Section:
    """The section from the data read (no queries)."""
    grid, name = data.grid, data.framework.short_name
    trusts = [trust_view(data, row) for row in grid.rows]
    changed = [
        {**c, "derived": _num(c["derived"]), "agreed": _num(c["agreed"])} for c in data.changed
    ]
    return Section(
        has_data=_has_data(grid),
        provisional=grid.provisional,
        messages=key_messages(grid, data.history),
        tables=compliance_tables(data),
        links=compliance_links(data, trusts),
        not_agreed=[
            f"{t['short_name']} {name} return: {t['status'].lower()}"
            for t in trusts
            if not t["assured"]
        ],
        view={
            "framework": name,
            "period": str(data.period),
            "previous_period": str(grid.previous_period) if grid.previous_period else "",
            "sections": [{"code": s.code, "title": s.title} for s in grid.sections],
            "changed": changed,
            "evidence": evidence_rows(data),
            "trusts": trusts,
        },
    )


def build_compliance(lmns: Lmns, period: ReportingPeriod) -> Section:
    """Everything the section's template needs, from a fixed number of queries."""
    data = compliance_data(lmns, period)
    if data is None:
        return Section(has_data=False)
    return compliance_section(data)


# -- overdue actions -------------------------------------------------------------------------


def actions_section(lmns: Lmns, rows: list[dict], as_at) -> Section:
    """Per trust: actions open at ``as_at``, how many of them overdue, the oldest due date."""
    overdue = sum(row["overdue"] for row in rows)
    trusts = sum(1 for row in rows if row["overdue"])
    messages = (
        [
            Message(
                f"{overdue} overdue action{'s'[: overdue != 1]} at "
                f"{trusts} trust{'s'[: trusts != 1]}",
                35,
            )
        ]
        if overdue
        else []
    )
    table = Table(
        "overdue_actions",
        f"Actions to reach full compliance, open on {date_text(as_at)}",
        ["Trust", "Open", "Overdue", "Oldest overdue due date"],
        [
            [text(row["trust"]), number(row["open"]), number(row["overdue"]), date(row["oldest"])]
            for row in rows
        ],
    )
    return Section(
        has_data=any(row["open"] for row in rows),
        messages=messages,
        tables=[table],
        links=[Link("Actions register", reverse("assurance:lmns_actions", args=[lmns.pk]))],
        empty_message="No action to reach full compliance is open.",
        view={
            "as_at": date_text(as_at),
            "rows": [
                {**row, "oldest": date_text(row["oldest"]) if row["oldest"] else ""} for row in rows
            ],
        },
    )


def build_actions(lmns: Lmns, period: ReportingPeriod) -> Section:
    as_at = min(timezone.localdate(), period.end_date)
    return actions_section(lmns, overdue_actions_by_trust(lmns, as_at), as_at)


SECTIONS = [
    BoardSection(
        key="compliance",
        title="Ockenden compliance",
        order=20,
        template="assurance/board_section.html",
        build=build_compliance,
        sources=(
            "assurance.Answer",
            "assurance.Collection",
            "assurance.EvidenceFile",
            "assurance.EvidenceVerdict",
            "assurance.Framework",
            "assurance.QuarterlyReturn",
            "assurance.Requirement",
            "assurance.Section",
            "assurance.SectionRating",
            "lmns.Lmns",
            "lmns.ReportingPeriod",
            "lmns.Trust",
        ),
    ),
    BoardSection(
        key="overdue_actions",
        title="Overdue actions",
        order=25,
        template="assurance/board_actions.html",
        build=build_actions,
        sources=("assurance.Action", "lmns.Lmns", "lmns.ReportingPeriod", "lmns.Trust"),
    ),
]
