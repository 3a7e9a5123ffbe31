"""XLSX export of a year's funding for the Regional Maternity Board.

One sheet per stream: budget lines as rows; per quarter its profile and actual as columns; then
approved, profile to date, actual to date, accruals, commitments, forecast. The totals row holds
values summed in the database (the same figures as the funding page), and a "Summary" sheet
gives the stream totals.
"""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from lmns.exports import text_not_formulas
from lmns.models import Lmns

from . import selectors
from .models import QUARTERS

MONEY_FORMAT = '"£"#,##0.00;[Red]-"£"#,##0.00'
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


def _sheet_title(text: str, used: set[str]) -> str:
    title = "".join(c for c in text if c not in r"[]:*?/\\")[:31]
    base, n = title, 2
    while title in used:
        title = f"{base[:28]} {n}"
        n += 1
    used.add(title)
    return title


def _money(value) -> Decimal | None:
    """A money cell; blank (never £0) when spend is not yet reported."""
    return None if value is None else Decimal(value)


def year_workbook(lmns: Lmns, start_year: int, to_quarter: int | None = None) -> bytes:
    year = selectors.funding_year(lmns, start_year, to_quarter)
    grid = selectors.quarterly_grid(lmns, start_year)
    stream_quarters = selectors.quarter_totals_by_stream(lmns, start_year)
    stream_profiles = selectors.profile_totals_by_stream(lmns, start_year)

    book = Workbook()
    summary = book.active
    summary.title = "Summary"
    summary.append(
        [f"{lmns.name}: funding {year.financial_year}, to the end of Q{year.to_quarter}"]
    )
    summary["A1"].font = Font(bold=True)
    headers = ["Stream", "Allocation", *[h for h, _ in TO_DATE], "Variance against allocation"]
    summary.append(headers)
    for cell in summary[2]:
        cell.font = Font(bold=True)
    used = {"Summary"}
    for stream_row in year.streams:
        stream = stream_row["stream"]
        summary.append(
            [
                f"{stream.get_kind_display()}: {stream.name}",
                _money(stream_row["allocation"]),
                *[_money(stream_row[key]) for _, key in TO_DATE],
                _money(stream_row["variance_allocation"]),
            ]
        )
        _stream_sheet(
            book.create_sheet(_sheet_title(f"{stream.get_kind_display()} {stream.name}", used)),
            stream_row,
            [line for line in year.lines if line.stream_id == stream.pk],
            grid,
            stream_quarters,
            stream_profiles.get(stream.pk, {}),
        )
    totals = year.totals
    summary.append(
        [
            "Total",
            _money(totals["allocation"]),
            *[_money(totals[key]) for _, key in TO_DATE],
            _money(totals["variance_allocation"]),
        ]
    )
    summary[summary.max_row][0].font = Font(bold=True)
    _format_money(summary, first_row=3, first_col=2)

    text_not_formulas(book)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _stream_sheet(sheet, stream_row, lines, grid, stream_quarters, stream_profile) -> None:
    stream = stream_row["stream"]
    sheet.append([f"{stream.get_kind_display()}: {stream.name} {stream.financial_year}"])
    sheet["A1"].font = Font(bold=True)
    sheet.append(["Allocation", _money(stream.amount)])
    headers = ["Budget line", "Held by", "Deliverable", "Category"]
    for q in QUARTERS:
        headers += [f"Q{q} profile", f"Q{q} actual"]
    headers += [h for h, _ in TO_DATE]
    sheet.append(headers)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
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
        sheet.append(row)
    total = ["Total", "", "", ""]
    for q in QUARTERS:
        total += [
            _money(stream_profile.get(f"q{q}")),
            _money(stream_quarters.get((stream.pk, q))),
        ]
    total += [_money(stream_row[key]) for _, key in TO_DATE]
    sheet.append(total)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    _format_money(sheet, first_row=4, first_col=5)
    sheet["B2"].number_format = MONEY_FORMAT
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["C"].width = 40
    sheet.freeze_panes = "B4"


def _format_money(sheet, *, first_row: int, first_col: int) -> None:
    for row in sheet.iter_rows(min_row=first_row, min_col=first_col):
        for cell in row:
            cell.number_format = MONEY_FORMAT
    for col in range(first_col, sheet.max_column + 1):
        sheet.column_dimensions[get_column_letter(col)].width = 16
