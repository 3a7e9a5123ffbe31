"""The pack's tables as spreadsheets: XLSX (a sheet per table) and CSV (one table)."""

import datetime
import re
from decimal import Decimal

from lmns import board
from lmns.exports import MONEY, PERCENT, Figure, Sheet, csv_text, sheet_title, workbook

KEY_MESSAGES_TABLE = "key-messages"
# Packs issued before cells were typed (snapshot schema 1) hold Decimals as strings
# ("458000.00"); in a workbook they should be numbers.
PLAIN_NUMBER = re.compile(r"^-?(0|[1-9]\d*)(\.\d+)?$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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


NUMBER_FORMATS = {board.PERCENT: PERCENT, board.MONEY: MONEY}


def _typed(cell: board.Cell):
    """A typed cell (schema 2) for the workbook: a number with its kind's format, a date, text."""
    if cell.type == board.NUMBER and cell.value is not None:
        return Figure(cell.value, NUMBER_FORMATS.get(cell.kind))
    return cell.value


def _cell(value):
    """A workbook cell from a snapshot: typed cells as their type says; in a pack issued
    before (text), numbers and ISO dates sent as text become real ones."""
    found = board.read_cell(value)
    if isinstance(found, board.Cell):
        return _typed(found)
    if isinstance(value, str):
        if PLAIN_NUMBER.match(value):
            return Decimal(value)
        if ISO_DATE.match(value):
            return datetime.date.fromisoformat(value)
    return value


def table_csv(table: dict) -> str:
    """One table as CSV (UTF-8 with a byte-order mark), through the export kit; a typed cell
    writes its value (65.5, 458000.00, 2027-03-31), an old pack's cell its text."""
    rows = [[_csv_cell(v) for v in row] for row in table["rows"]]
    return csv_text(table["headers"], rows)


def _csv_cell(value):
    found = board.read_cell(value)
    return found.value if isinstance(found, board.Cell) else value


def pack_xlsx(pack: dict, status: str) -> bytes:
    """A workbook: an "About" sheet (LMNS, quarter, status), then one sheet per table.

    Each table sheet has the headers in row 1 and the rows below, exactly as on the page. Packs
    issued before (text snapshots) and their control characters go through the same kit.
    """
    tables = pack_tables(pack)
    used = {"about"}
    sheets = []
    index = []
    for table in tables:
        title = sheet_title(table["id"], used)
        index.append([title, table["caption"]])
        rows = [[_cell(v) for v in row] for row in table["rows"]]
        sheets.append(Sheet(title, list(table["headers"]), rows))
    about = Sheet(
        "About",
        ["Sheet", "Table"],
        index,
        preamble=[
            ["LMNS", pack["lmns"]["name"]],
            ["Quarter", pack["period"]["label"]],
            ["Status", status],
            ["Figures", "Provisional" if pack["provisional"] else "Agreed"],
            [],
        ],
        table=False,
    )
    return workbook([about, *sheets])
