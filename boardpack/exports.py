"""The pack's tables as spreadsheets: XLSX (a sheet per table) and CSV (one table)."""

import csv
import io
import re
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from lmns.exports import csv_cell

KEY_MESSAGES_TABLE = "key-messages"
SHEET_NAME_UNSAFE = re.compile(r"[\[\]:*?/\\]")
# Sections send Decimals as strings ("458000.00"); in a workbook they should be numbers.
PLAIN_NUMBER = re.compile(r"^-?(0|[1-9]\d*)(\.\d+)?$")


def pack_tables(pack: dict) -> list[dict]:
    """Every table of the pack, the key messages first, each with a unique ``id``.

    A table's id is its key; if two sections use the same key, both are prefixed with the
    section key so that each can be chosen for CSV.
    """
    tables = [
        {
            "key": KEY_MESSAGES_TABLE,
            "section": "Headline",
            "caption": f"Key messages, {pack['lmns']['name']}, {pack['period']['label']}",
            "headers": ["Section", "Message"],
            "rows": [[m["section"], m["text"]] for m in pack["messages"]],
        }
    ]
    for entry in pack["sections"]:
        for table in entry["data"]["tables"]:
            tables.append({**table, "section": entry["title"], "section_key": entry["key"]})
    counts: dict[str, int] = {}
    for table in tables:
        counts[table["key"]] = counts.get(table["key"], 0) + 1
    for table in tables:
        repeated = counts[table["key"]] > 1 and "section_key" in table
        table["id"] = f"{table['section_key']}-{table['key']}" if repeated else table["key"]
    return tables


def find_table(pack: dict, table_id: str) -> dict | None:
    return next((t for t in pack_tables(pack) if t["id"] == table_id), None)


def _cell(value):
    """A workbook cell: numbers sent as text become numbers (exact, as Decimal)."""
    if isinstance(value, str) and PLAIN_NUMBER.match(value):
        return Decimal(value)
    return csv_cell(value)


def table_csv(table: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(h) for h in table["headers"]])
    for row in table["rows"]:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()


def _sheet_title(text: str, used: set[str]) -> str:
    base = SHEET_NAME_UNSAFE.sub(" ", text).strip()[:31] or "Table"
    title, n = base, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title.lower())
    return title


def pack_xlsx(pack: dict, status: str) -> bytes:
    """A workbook: an "About" sheet (LMNS, quarter, status), then one sheet per table.

    Each table sheet has the headers in row 1 and the rows below, exactly as on the page.
    """
    workbook = Workbook()
    about = workbook.active
    about.title = "About"
    for row in [
        ["LMNS", pack["lmns"]["name"]],
        ["Quarter", pack["period"]["label"]],
        ["Status", status],
        ["Figures", "Provisional" if pack["provisional"] else "Agreed"],
    ]:
        about.append(row)
    about.column_dimensions["A"].width = 12
    about.column_dimensions["B"].width = 60
    used = {"about"}
    tables = pack_tables(pack)
    about.append([])
    about.append(["Sheet", "Table"])
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table["id"], used))
        about.append([sheet.title, table["caption"]])
        sheet.append([csv_cell(h) for h in table["headers"]])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table["rows"]:
            sheet.append([_cell(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
