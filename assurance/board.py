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

from decimal import Decimal

from django.urls import reverse
from django.utils.http import urlencode

from lmns.board import BoardSection
from lmns.formatting import percent
from lmns.models import Lmns, ReportingPeriod

from .charts import trend_svg
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
    return percent(value).rstrip("%")


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


def key_messages(
    grid: ComplianceGrid, history: dict[tuple[int, str], list[Decimal | None]]
) -> list[dict]:
    """The section's key messages, highest priority first (rules in the module docstring)."""
    messages = []
    not_submitted = [row for row in grid.rows if row.status not in SUBMITTED_STATUSES]
    if not_submitted:
        n = len(not_submitted)
        names = ", ".join(row.trust.short_name for row in not_submitted)
        messages.append(
            {
                "text": f"{n} {_plural(n, 'trust has', 'trusts have')} not submitted "
                f"{_plural(n, 'its return', 'their returns')} ({names})",
                "priority": 40,
            }
        )
    for row in grid.rows:
        if not row.assured:
            continue
        for cell in row.cells:
            label = f"{cell.section.code} {cell.section.title}"
            run = runs_below(history.get((row.trust.pk, cell.section.code), []))
            if run >= RUN_MINIMUM:
                messages.append(
                    {
                        "text": f"{label} below {LOW}% at {row.trust.short_name} for the "
                        f"{ordinal(run)} quarter running",
                        "priority": 30 + run,
                    }
                )
            change = cell.change
            if change is not None and abs(change) >= BIG_MOVE:
                verb = "rose" if change > 0 else "fell"
                messages.append(
                    {
                        "text": f"{label} at {row.trust.short_name} {verb} {whole(abs(change))} "
                        f"{_plural(abs(change), 'point', 'points')}",
                        "priority": 20 if change > 0 else 25,
                    }
                )
    awaiting = [row for row in grid.rows if row.status in SUBMITTED_STATUSES and not row.assured]
    if awaiting:
        n = len(awaiting)
        messages.append(
            {
                "text": f"{n} {_plural(n, 'return is', 'returns are')} submitted and awaiting "
                f"assurance ({', '.join(row.trust.short_name for row in awaiting)})",
                "priority": 15,
            }
        )
    return sorted(messages, key=lambda m: -m["priority"])


def build_compliance(lmns: Lmns, period: ReportingPeriod) -> dict:
    """Everything the section's template needs, from a fixed number of queries."""
    framework = default_framework(active_frameworks())
    if framework is None:
        return {"has_data": False, "provisional": False, "messages": [], "tables": [], "links": []}
    grid = compliance_grid(lmns, framework, period)
    periods = periods_up_to(period)
    history = history_by_trust_section(lmns, framework, periods)
    means = mean_compliance_by_trust(lmns, framework, periods)
    has_data = any(cell.percent is not None for row in grid.rows for cell in row.cells) or any(
        row.status != NOT_STARTED for row in grid.rows
    )
    # Paper cannot show tooltips: every column is headed with its code and name.
    codes = [f"{section.code} {section.title}" for section in grid.sections]
    changed = [
        {**c, "derived": _num(c["derived"]), "agreed": _num(c["agreed"])}
        for c in changed_ratings(lmns, framework, period)
    ]
    dashboard = (
        reverse("assurance:dashboard", args=[lmns.pk])
        + "?"
        + urlencode({"framework": framework.pk, "period": period.pk})
    )
    trusts = []
    for row in grid.rows:
        points = [(str(p), means.get((row.trust.pk, p.pk))) for p in periods]
        trusts.append(
            {
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
                    title=f"{row.trust.short_name}: mean {framework.short_name} compliance, "
                    f"last {len(periods)} quarters",
                    chart_id=f"board-trend-{row.trust.pk}",
                ),
                "trend_text": ", ".join(
                    f"{label} {percent(value)}" for label, value in points if value is not None
                ),
                "trend_url": reverse("assurance:trust_trend", args=[row.trust.pk])
                + "?"
                + urlencode({"framework": framework.pk, "period": period.pk}),
            }
        )
    tables = [
        {
            "key": "compliance",
            "caption": f"Agreed {framework.short_name} compliance (%), {period}",
            "headers": ["Trust", "Return", *codes],
            "rows": [
                [t["short_name"], t["status"], *(c["percent"] for c in t["cells"])] for t in trusts
            ],
        },
        {
            "key": "compliance_change",
            "caption": f"Change since {grid.previous_period or 'the previous quarter'} "
            "(percentage points)",
            "headers": ["Trust", *codes],
            "rows": [
                [
                    row.trust.short_name,
                    *(
                        _num(cell.change)
                        if cell.change is not None
                        else ("new" if cell.is_new else "")
                        for cell in row.cells
                    ),
                ]
                for row in grid.rows
            ],
        },
        {
            "key": "compliance_changed",
            "caption": "Figures the LMNS changed from the derived one, with the reason",
            "headers": ["Trust", "Section", "Derived (%)", "Agreed (%)", "Reason"],
            "rows": [
                [c["trust"], f"{c['code']} {c['title']}", c["derived"], c["agreed"], c["reason"]]
                for c in changed
            ],
        },
        {
            "key": "compliance_trend",
            "caption": "Mean agreed compliance across sections (%), by quarter",
            "headers": ["Trust", *(str(p) for p in periods)],
            "rows": [
                [row.trust.short_name, *(_num(means.get((row.trust.pk, p.pk))) for p in periods)]
                for row in grid.rows
            ],
        },
    ]
    return {
        "has_data": has_data,
        "provisional": grid.provisional,
        "framework": framework.short_name,
        "period": str(period),
        "previous_period": str(grid.previous_period) if grid.previous_period else "",
        "sections": [{"code": s.code, "title": s.title} for s in grid.sections],
        "changed": changed,
        "not_agreed": [
            f"{t['short_name']} {framework.short_name} return: {t['status'].lower()}"
            for t in trusts
            if not t["assured"]
        ],
        "trusts": trusts,
        "messages": key_messages(grid, history),
        "tables": tables,
        "links": [
            {"label": f"Compliance dashboard, {period}", "url": dashboard},
            *(
                {"label": f"{t['short_name']} compliance trend", "url": t["trend_url"]}
                for t in trusts
            ),
        ],
    }


SECTIONS = [
    BoardSection(
        key="compliance",
        title="Ockenden compliance",
        order=20,
        template="assurance/board_section.html",
        build=build_compliance,
    )
]
