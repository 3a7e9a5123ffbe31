"""The board pack's funding section: the year's position per stream to the period's quarter."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from lmns.board import BoardSection
from lmns.models import Lmns, ReportingPeriod
from lmns.templatetags.lmns_tags import money

from .models import SpendReturnStatus
from .selectors import exceeds_threshold, forecast_verdict, funding_year

COLUMNS = [
    ("Allocation", "allocation"),
    ("Spent (actual to date)", "actual"),
    ("Accruals", "accruals"),
    ("Committed", "commitments"),
    ("Forecast outturn", "forecast"),
    ("Variance against allocation", "variance_allocation"),
    ("Profiled to date", "profile"),
    ("Variance against profile", "variance_profile"),
    ("Profiled on lines not yet reported", "profile_unreported"),
]


def _s(value: Decimal | None) -> str:
    """A money cell; "" (a blank cell, never £0) when spend is not yet reported."""
    if value is None:
        return ""
    return str(Decimal(value).quantize(Decimal("0.01")))


def key_messages(totals: dict, month6: bool, lines=()) -> list[dict]:
    """Messages by rule: behind or ahead of profile, and (from month 6) the forecast outturn.

    Lines whose spend is behind profile by more than both thresholds are named.
    """
    found = [
        {"text": f"{line.title}: {money(-line.variance_profile)} behind profile", "priority": 60}
        for line in lines
        if line.reported
        and line.variance_profile < 0
        and exceeds_threshold(line.variance_profile, line.profile)
    ]
    behind = totals["variance_profile"]
    if exceeds_threshold(behind, totals["profile"]):
        words = "behind" if behind < 0 else "ahead of"
        text = f"{money(abs(behind))} {words} profile on the lines reported"
        if totals.get("profile_unreported"):
            text += f" ({money(totals['profile_unreported'])} profiled on lines not yet reported)"
        found.append({"text": text, "priority": 70})
    if month6:
        verdict, on_track = forecast_verdict(totals)
        if not on_track:
            found.append({"text": verdict.rstrip("."), "priority": 80})
    return sorted(found, key=lambda m: -m["priority"])


def build(lmns: Lmns, period: ReportingPeriod) -> dict:
    year = funding_year(lmns, period.start_year, period.quarter)
    month6 = period.quarter >= 2
    rows = [
        [
            f"{row['stream'].get_kind_display()}: {row['stream'].name}",
            *[_s(row[key]) for _, key in COLUMNS],
        ]
        for row in year.streams
    ]
    if year.streams:
        rows.append(["Total", *[_s(year.totals[key]) for _, key in COLUMNS]])
    section = {
        "has_data": bool(year.streams),
        "provisional": year.provisional,
        "financial_year": year.financial_year,
        "quarter": period.quarter,
        "trusts_reported": year.trusts_reported_text,
        "not_agreed": [
            f"Q{q} spend return: {status.lower()}"
            for q, status in year.quarter_statuses[: period.quarter]
            if status != SpendReturnStatus.SIGNED_OFF.label
        ]
        if year.streams
        else [],
        "messages": key_messages(year.totals, month6, year.lines) if year.streams else [],
        "tables": [
            {
                "key": "funding_by_stream",
                "caption": f"Funding {year.financial_year} to the end of Q{period.quarter}, by stream",
                "headers": ["Stream", *[h for h, _ in COLUMNS]],
                "rows": rows,
            }
        ],
        "links": [
            {
                "label": f"Funding {year.financial_year}",
                "url": reverse("funding:year", args=[lmns.pk, period.start_year]),
            },
            {
                "label": f"Month-6 review {year.financial_year}",
                "url": reverse("funding:month6", args=[lmns.pk, period.start_year]),
            },
        ],
        "month6": None,
    }
    if month6 and year.streams:
        at_month6 = (
            year
            if period.quarter == 2
            else funding_year(lmns, period.start_year, 2, with_lines=False)
        )
        verdict, on_track = forecast_verdict(at_month6.totals)
        section["month6"] = {
            "verdict": verdict,
            "on_track": on_track,
            "profile": _s(at_month6.totals["profile"]),
            "actual": _s(at_month6.totals["actual"]),
            "variance_profile": _s(at_month6.totals["variance_profile"]),
        }
    return section


SECTIONS = [
    BoardSection(
        key="funding",
        title="Funding",
        order=40,
        template="funding/board_section.html",
        build=build,
    )
]
