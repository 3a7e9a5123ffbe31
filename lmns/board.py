"""The contract for board pack sections; see docs/board-sections.md.

A feature app's ``board.py`` lists ``SECTIONS`` (:class:`BoardSection`); each section's ``build``
takes the LMNS and the quarter, reads what it needs through the app's selectors and returns a
:class:`Section`: typed tables of typed cells (:class:`Cell`: a number with its kind, a date, or
text), key messages, links, and what the section's template shows beyond its tables (``view``).

The board pack freezes ``Section.to_json()`` into an issued pack's snapshot. Snapshot schema 2
holds every table cell typed (``{"type": "number", "kind": "percent", "value": "65.5"}``);
schema 1 (packs issued before) holds plain text and numbers, which are read as they always
were (:func:`read_cell` leaves them alone).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder

from lmns import formatting

TABLE_CELLS_TYPED = 2  # the first snapshot schema whose table cells are typed

NUMBER, DATE, TEXT = "number", "date", "text"
# The kinds of number, each with how a person reads it (lmns.formatting).
PLAIN, PERCENT, MONEY, POINTS = "number", "percent", "money", "points"


@dataclass(frozen=True)
class Cell:
    """One table cell. ``value`` None is a blank cell (a figure not reported: never 0)."""

    type: str
    value: Decimal | int | datetime.date | str | None
    kind: str = ""  # numbers only: PLAIN, PERCENT, MONEY or POINTS

    @property
    def text(self) -> str:
        """The cell as a person reads it on screen and in the PDF."""
        if self.value is None:
            return ""
        if self.type == NUMBER:
            return formatting.figure(self.value, self.kind)
        if self.type == DATE:
            return formatting.date(self.value)
        return str(self.value)

    def __str__(self) -> str:
        return self.text

    def to_json(self) -> dict:
        value = self.value
        if isinstance(value, Decimal):
            value = f"{value:f}"
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        data = {"type": self.type, "value": value}
        if self.kind:
            data["kind"] = self.kind
        return data

    @classmethod
    def from_json(cls, data: dict) -> Cell:
        kind, value = data.get("type", TEXT), data.get("value")
        if value is not None and kind == NUMBER and not isinstance(value, int):
            value = Decimal(str(value))
        elif value is not None and kind == DATE:
            value = datetime.date.fromisoformat(value)
        return cls(kind, value, data.get("kind", ""))


def text(value) -> Cell:
    return Cell(TEXT, None if value is None else str(value))


def number(value, kind: str = PLAIN) -> Cell:
    if value is None or value == "":
        return Cell(NUMBER, None, kind)
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        value = Decimal(str(value))
    return Cell(NUMBER, value, kind)


def _exact(cell: Cell) -> Cell:
    """The figure without trailing zeros (65.50 → 65.5, 57.00 → 57), as the number it is."""
    value = cell.value
    if isinstance(value, Decimal) and value.is_finite():
        value = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
    return Cell(cell.type, value, cell.kind)


def percent(value) -> Cell:
    """A per cent (65.5 means 65.5%): read as a whole number, kept exact."""
    return _exact(number(value, PERCENT))


def money(value) -> Cell:
    """Pounds; None is spend not yet reported (a blank cell, never £0)."""
    return number(value, MONEY)


def points(value) -> Cell:
    """A change in percentage points."""
    return _exact(number(value, POINTS))


def date(value: datetime.date | None) -> Cell:
    return Cell(DATE, value or None)


def as_cell(value) -> Cell:
    """Any value a builder puts in a row: a Cell as it is, a date, a number, else text."""
    if isinstance(value, Cell):
        return value
    if isinstance(value, datetime.date):
        return date(value)
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return number(value)
    return text(value)


def read_cell(raw):
    """A table cell from a snapshot: typed (schema 2) as a :class:`Cell`; anything else (a
    pack issued before, schema 1) as it was frozen."""
    if isinstance(raw, dict) and "type" in raw:
        return Cell.from_json(raw)
    return raw


def cell_text(raw) -> str:
    """What a person reads for a snapshot's cell; an old pack's text exactly as it was."""
    found = read_cell(raw)
    if isinstance(found, Cell):
        return found.text
    return "" if found is None else found


def cell_value(raw):
    """The plain value of a snapshot's cell, as schema 1 held it (text for numbers and dates):
    for templates written against the old shape."""
    found = read_cell(raw)
    if not isinstance(found, Cell):
        return found
    value = found.to_json()["value"]
    return "" if value is None else value


@dataclass(frozen=True)
class Table:
    """A table of the section: written to the pack's XLSX and CSV, and drawn by templates."""

    key: str
    caption: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)  # Cells (or values as_cell reads)

    def to_json(self) -> dict:
        return {
            "key": self.key,
            "caption": self.caption,
            "headers": [str(h) for h in self.headers],
            "rows": [[as_cell(v).to_json() for v in row] for row in self.rows],
        }


@dataclass(frozen=True)
class Message:
    """A key message, derived by the app's tested rules; higher priority first."""

    text: str
    priority: int = 0


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass
class Section:
    """What a section's ``build`` returns."""

    has_data: bool
    provisional: bool = False
    messages: list[Message] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    not_agreed: list[str] = field(default_factory=list)
    empty_message: str = ""
    view: dict = field(default_factory=dict)  # JSON-ready data the section's template needs

    def to_json(self) -> dict:
        """The section as a snapshot holds it: ``view``'s keys beside the contract's."""
        data = json.loads(json.dumps(self.view, cls=DjangoJSONEncoder))
        data.update(
            {
                "has_data": bool(self.has_data),
                "provisional": bool(self.provisional),
                "messages": [
                    {"text": str(m.text), "priority": int(m.priority)}
                    for m in sorted(self.messages, key=lambda m: -m.priority)
                ],
                "tables": [table.to_json() for table in self.tables],
                "links": [{"label": link.label, "url": link.url} for link in self.links],
                "not_agreed": [str(item) for item in self.not_agreed],
            }
        )
        if self.empty_message:
            data["empty_message"] = self.empty_message
        return data


@dataclass(frozen=True)
class BoardSection:
    key: str
    title: str
    order: int
    template: str
    build: Callable  # (lmns, period) -> Section
    sources: tuple[str, ...] = ()
    """Every model (``"app.Model"``) whose rows ``build`` reads: the live pack keeps the built
    section until one of them changes."""
