"""The board pack's funding section: the year's position per stream to the period's quarter."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from lmns.board import BoardSection, Link, Message, Section, Table, money, text
from lmns.formatting import money as money_text
from lmns.models import Lmns, ReportingPeriod

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
    """A money figure for the template's text; "" when spend is not yet reported."""
    if value is None:
        return ""
    return str(Decimal(value).quantize(Decimal("0.01")))


def _money(value: Decimal | None):
    """A money cell in pence; blank (never £0) when spend is not yet reported."""
    return money(None if value is None else Decimal(value).quantize(Decimal("0.01")))


def key_messages(totals: dict, month6: bool, lines=()) -> list[Message]:
    """Messages by rule: behind or ahead of profile, and (from month 6) the forecast outturn.

    Lines whose spend is behind profile by more than both thresholds are named.
    """
    found = [
        Message(f"{line.title}: {money_text(-line.variance_profile)} behind profile", 60)
        for line in lines
        if line.reported
        and line.variance_profile < 0
        and exceeds_threshold(line.variance_profile, line.profile)
    ]
    behind = totals["variance_profile"]
    if exceeds_threshold(behind, totals["profile"]):
        words = "behind" if behind < 0 else "ahead of"
        message = f"{money_text(abs(behind))} {words} profile on the lines reported"
        if totals.get("profile_unreported"):
            message += (
                f" ({money_text(totals['profile_unreported'])} profiled on lines not yet reported)"
            )
        found.append(Message(message, 70))
    if month6:
        verdict, on_track = forecast_verdict(totals)
        if not on_track:
            found.append(Message(verdict.rstrip("."), 80))
    return sorted(found, key=lambda m: -m.priority)


def stream_table(year, period: ReportingPeriod) -> Table:
    """The year's position per stream (and the total) to the end of the quarter."""
    rows = [
        [
            text(f"{row['stream'].get_kind_display()}: {row['stream'].name}"),
            *[_money(row[key]) for _, key in COLUMNS],
        ]
        for row in year.streams
    ]
    if year.streams:
        rows.append([text("Total"), *[_money(year.totals[key]) for _, key in COLUMNS]])
    return Table(
        "funding_by_stream",
        f"Funding {year.financial_year} to the end of Q{period.quarter}, by stream",
        ["Stream", *[h for h, _ in COLUMNS]],
        rows,
    )


def not_agreed(year, period: ReportingPeriod) -> list[str]:
    """The quarters' spend returns to date not yet signed off."""
    return [
        f"Q{q} spend return: {status.lower()}"
        for q, status in year.quarter_statuses[: period.quarter]
        if status != SpendReturnStatus.SIGNED_OFF.label
    ]


def month6_position(at_month6) -> dict:
    """The month-6 review's verdict, from the year's totals at the end of Q2."""
    verdict, on_track = forecast_verdict(at_month6.totals)
    return {
        "verdict": verdict,
        "on_track": on_track,
        "profile": _s(at_month6.totals["profile"]),
        "actual": _s(at_month6.totals["actual"]),
        "variance_profile": _s(at_month6.totals["variance_profile"]),
    }


def links(lmns: Lmns, year, period: ReportingPeriod) -> list[Link]:
    return [
        Link(
            f"Funding {year.financial_year}",
            reverse("funding:year", args=[lmns.pk, period.start_year]),
        ),
        Link(
            f"Month-6 review {year.financial_year}",
            reverse("funding:month6", args=[lmns.pk, period.start_year]),
        ),
    ]


def funding_section(lmns: Lmns, period: ReportingPeriod, year, at_month6) -> Section:
    """The section from the year's figures (``at_month6``: the year at Q2, or None)."""
    month6 = period.quarter >= 2
    has_data = bool(year.streams)
    return Section(
        has_data=has_data,
        provisional=year.provisional,
        messages=key_messages(year.totals, month6, year.lines) if has_data else [],
        tables=[stream_table(year, period)],
        links=links(lmns, year, period),
        not_agreed=not_agreed(year, period) if has_data else [],
        view={
            "financial_year": year.financial_year,
            "quarter": period.quarter,
            "trusts_reported": year.trusts_reported_text,
            "month6": month6_position(at_month6) if at_month6 is not None else None,
        },
    )


def build(lmns: Lmns, period: ReportingPeriod) -> Section:
    """The year's figures from the selectors (from month 6, the year at Q2 as well)."""
    year = funding_year(lmns, period.start_year, period.quarter)
    at_month6 = None
    if period.quarter >= 2 and year.streams:
        at_month6 = (
            year
            if period.quarter == 2
            else funding_year(lmns, period.start_year, 2, with_lines=False)
        )
    return funding_section(lmns, period, year, at_month6)


SECTIONS = [
    BoardSection(
        key="funding",
        title="Funding",
        order=40,
        template="funding/board_section.html",
        build=build,
        sources=(
            "deliverables.Deliverable",
            "funding.AllocationChange",
            "funding.BudgetLine",
            "funding.FundingStream",
            "funding.SpendEntry",
            "funding.SpendReturn",
            "funding.TrustCompletion",
            "lmns.Lmns",
            "lmns.ReportingPeriod",
            "lmns.Trust",
        ),
    )
]
