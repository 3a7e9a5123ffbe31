"""XLSX export of a year's funding for the Regional Maternity Board, through the export kit.

One sheet per stream: budget lines as rows; per quarter its profile and actual as columns; then
approved, profile to date, actual to date, accruals, commitments, forecast. The totals row holds
values summed in the database (the same figures as the funding page), and a "Summary" sheet
gives the stream totals. Spend not yet reported is a blank cell, never £0.
"""

from __future__ import annotations

from decimal import Decimal

from lmns.exports import MONEY, Sheet, workbook
from lmns.models import Lmns

from . import selectors
from .models import QUARTERS

TO_DATE = [
    ("Approved", "approved"),
    ("Profile to date", "profile"),
    ("Actual to date", "actual"),
    ("Accruals", "accruals"),
    ("Commitments", "commitments"),
    ("Forecast outturn", "forecast"),
    ("Variance against profile", "variance_profile"),
    ("Profiled on lines not yet reported", "profile_unreported"),
]


def _money(value) -> Decimal | None:
    """A money cell; blank (never £0) when spend is not yet reported."""
    return None if value is None else Decimal(value)


def _money_formats(headers: list[str], first: int) -> dict[str, str]:
    return {h: MONEY for h in headers[first:]}


def year_workbook(lmns: Lmns, start_year: int, to_quarter: int | None = None) -> bytes:
    year = selectors.funding_year(lmns, start_year, to_quarter)
    grid = selectors.quarterly_grid(lmns, start_year)
    stream_quarters = selectors.quarter_totals_by_stream(lmns, start_year)
    stream_profiles = selectors.profile_totals_by_stream(lmns, start_year)

    headers = ["Stream", "Allocation", *[h for h, _ in TO_DATE], "Variance against allocation"]
    title = f"{lmns.name}: funding {year.financial_year}, to the end of Q{year.to_quarter}"
    if year.trusts_reported_text:
        title += f" ({year.trusts_reported_text}; blank = not yet reported)"
    summary = Sheet("Summary", headers, preamble=[[title]], formats=_money_formats(headers, 1))
    sheets = [summary]
    for stream_row in year.streams:
        stream = stream_row["stream"]
        summary.rows.append(
            [
                f"{stream.get_kind_display()}: {stream.name}",
                _money(stream_row["allocation"]),
                *[_money(stream_row[key]) for _, key in TO_DATE],
                _money(stream_row["variance_allocation"]),
            ]
        )
        sheets.append(
            _stream_sheet(
                stream_row,
                [line for line in year.lines if line.stream_id == stream.pk],
                grid,
                stream_quarters,
                stream_profiles.get(stream.pk, {}),
            )
        )
    totals = year.totals
    summary.rows.append(
        [
            "Total",
            _money(totals["allocation"]),
            *[_money(totals[key]) for _, key in TO_DATE],
            _money(totals["variance_allocation"]),
        ]
    )
    return workbook(sheets)


def _stream_sheet(stream_row, lines, grid, stream_quarters, stream_profile) -> Sheet:
    stream = stream_row["stream"]
    headers = ["Budget line", "Held by", "Deliverable", "Category"]
    for q in QUARTERS:
        headers += [f"Q{q} profile", f"Q{q} actual"]
    headers += [h for h, _ in TO_DATE]
    sheet = Sheet(
        f"{stream.get_kind_display()} {stream.name}",
        headers,
        preamble=[
            [f"{stream.get_kind_display()}: {stream.name} {stream.financial_year}"],
            ["Allocation", _money(stream.amount)],
        ],
        formats=_money_formats(headers, 4),
    )
    for line in lines:
        row = [
            line.title,
            line.holder_name,
            f"{line.deliverable.reference} {line.deliverable.title}",
            line.get_category_display(),
        ]
        for q in QUARTERS:
            row += [_money(line.profile_for(q)), _money(grid.get((line.pk, q)))]
        row += [_money(getattr(line, key)) for _, key in TO_DATE]
        sheet.rows.append(row)
    total = ["Total", "", "", ""]
    for q in QUARTERS:
        total += [
            _money(stream_profile.get(f"q{q}")),
            _money(stream_quarters.get((stream.pk, q))),
        ]
    total += [_money(stream_row[key]) for _, key in TO_DATE]
    sheet.rows.append(total)
    return sheet
