"""The export kit: every CSV and XLSX the product writes goes through here.

Rows in, a file out, with the same rules everywhere:

* **Formula guard.** Text that looks like a formula (``=HYPERLINK(…)``, ``+``, ``-``, ``@``…) never
  runs: in XLSX it is stored as text with Excel's own text prefix (no visible apostrophe); in CSV,
  which cannot say "text", it gets a leading apostrophe. Text that is simply a number
  ("-42000.00") is left alone.
* **Control characters.** Every character a spreadsheet cannot hold (openpyxl's
  ``ILLEGAL_CHARACTERS_RE``: NUL, vertical tab, form feed…) is replaced by a space when writing, in
  CSV as in XLSX, so neither an old record nor an issued pack's frozen snapshot can break a file.
* **Real dates and numbers.** ``Decimal``/``int``/``float`` cells are numbers, ``date`` and
  ``datetime`` cells are dates ("31 Mar 2027", "31 Mar 2027, 14:05"), never text.
* **Number formats.** A :class:`Figure` carries its own number format (a per cent, money), for
  tables whose columns mix kinds.
* **XLSX layout.** Bold header row, frozen below it, an autofilter over the table, column widths
  that fit the text (capped, longer text wrapped).
* **CSV.** UTF-8 with a byte-order mark, so that Excel on Windows shows £ and dashes.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"
MONEY = '"£"#,##0.00;[Red]-"£"#,##0.00'
WHOLE_MONEY = '"£"#,##0;-"£"#,##0'
PERCENT = '0"%"'
DATE = "d mmm yyyy"
DATE_TIME = "d mmm yyyy, hh:mm"
MONTH = "mmm yyyy"
MAX_WIDTH = 60
MIN_WIDTH = 8
SHEET_NAME_UNSAFE = "[]:*?/\\"


@dataclass(frozen=True)
class Figure:
    """A cell value with its own number format (``PERCENT``, ``MONEY``…); CSV writes the value."""

    value: object
    number_format: str | None = None


def clean_text(value: str) -> str:
    """Text a spreadsheet can hold: each control character it cannot becomes a space."""
    return ILLEGAL_CHARACTERS_RE.sub(" ", value)


def looks_like_formula(value) -> bool:
    if not (isinstance(value, str) and value.startswith(FORMULA_STARTS)):
        return False
    try:
        float(value)
    except ValueError:
        return True
    return False


def csv_cell(value):
    """A CSV cell: cleaned text, a leading apostrophe disarming formulas; blank for None."""
    if isinstance(value, Figure):
        value = value.value
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        value = clean_text(value)
        if looks_like_formula(value):
            return "'" + value
    return value


def csv_text(headers: list[str] | None, rows) -> str:
    """A CSV document with a byte-order mark."""
    out = io.StringIO()
    writer = csv.writer(out)
    if headers is not None:
        writer.writerow([csv_cell(h) for h in headers])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return BOM + out.getvalue()


@dataclass
class Sheet:
    """One table of a workbook: ``preamble`` rows (a title, notes) above a header row."""

    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    preamble: list[list] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)  # heading → number format
    table: bool = True  # False: a sheet of notes (no frozen header or filter)


def sheet_title(text: str, used: set[str]) -> str:
    """A unique sheet name Excel accepts (31 characters, no []:*?/\\)."""
    base = "".join(" " if c in SHEET_NAME_UNSAFE else c for c in clean_text(text)).strip()
    base = base[:31] or "Table"
    title, n = base, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title.lower())
    return title


def _xlsx_value(cell, value, number_format: str | None) -> int:
    """Write ``value`` into ``cell``; return its width in characters."""
    if isinstance(value, Figure):
        value, number_format = value.value, value.number_format or number_format
    if value is None or value == "":
        cell.value = None
        return 0
    if isinstance(value, bool):
        cell.value = "yes" if value else "no"
        return 3
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        cell.value = value
        cell.number_format = number_format or DATE_TIME
        return 18
    if isinstance(value, datetime.date):
        cell.value = value
        cell.number_format = number_format or DATE
        return 11
    if isinstance(value, int | float | Decimal):
        cell.value = value
        if number_format:
            cell.number_format = number_format
        return len(f"{value:,}") + 3
    text = clean_text(str(value))
    cell.value = text
    if looks_like_formula(text) or cell.data_type == "f":
        cell.data_type = "s"
        cell.quotePrefix = True
    return max((len(part) for part in text.splitlines()), default=0)


def write_sheet(worksheet, sheet: Sheet) -> None:
    widths: dict[int, int] = {}
    for row in sheet.preamble:
        worksheet.append([None] * len(row))
        for index, value in enumerate(row, start=1):
            cell = worksheet.cell(row=worksheet.max_row, column=index)
            _xlsx_value(cell, value, None)
        worksheet.cell(row=worksheet.max_row, column=1).font = Font(bold=True)
    header_row = worksheet.max_row + 1 if sheet.preamble else 1
    for index, heading in enumerate(sheet.headers, start=1):
        cell = worksheet.cell(row=header_row, column=index)
        widths[index] = _xlsx_value(cell, heading, None)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    formats = [sheet.formats.get(h) for h in sheet.headers]
    for r, row in enumerate(sheet.rows, start=header_row + 1):
        for index, value in enumerate(row, start=1):
            cell = worksheet.cell(row=r, column=index)
            number_format = formats[index - 1] if index - 1 < len(formats) else None
            width = _xlsx_value(cell, value, number_format)
            if width > MAX_WIDTH:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            widths[index] = max(widths.get(index, 0), width)
    for index, width in widths.items():
        letter = get_column_letter(index)
        worksheet.column_dimensions[letter].width = min(MAX_WIDTH, max(MIN_WIDTH, width + 2))
    if sheet.table and sheet.headers:
        worksheet.freeze_panes = worksheet.cell(row=header_row + 1, column=1)
        last = get_column_letter(len(sheet.headers))
        worksheet.auto_filter.ref = f"A{header_row}:{last}{header_row + len(sheet.rows)}"


def workbook(sheets: list[Sheet]) -> bytes:
    """An XLSX file of ``sheets``, in order."""
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for sheet in sheets:
        write_sheet(book.create_sheet(sheet_title(sheet.title, used)), sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def attachment(body: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(sheets: list[Sheet], filename: str) -> HttpResponse:
    return attachment(workbook(sheets), XLSX_TYPE, filename)


def csv_response(headers: list[str] | None, rows, filename: str) -> HttpResponse:
    return attachment(csv_text(headers, rows), CSV_TYPE, filename)
