"""Import monthly figures from CSV: NHS England's monthly MSDS measures file, or the product's own
template for the measures MSDS does not publish (staffing, training, PMRT, incidents).

NHS England's file
    "Maternity Services Monthly Statistics" (Maternity Services Data Set, MSDS), published
    monthly at https://digital.nhs.uk/data-and-information/publications/statistical/
    maternity-services-monthly-statistics as ``msds-<month><year>-exp-data.csv``. Its header,
    from 2024::

        ReportingPeriodStartDate,ReportingPeriodEndDate,Dimension,Org_Level,Org_Code,Org_Name,Measure,Count_Of,Final_value

    with dates as 01/03/2024, one row per organisation, measure (``Dimension``, for example
    CQIMSmokingDelivery) and figure (``Measure``: Numerator, Denominator or Rate). Files of 2023
    used RPStartDate, RPEndDate, Indicator, OrgLevel, OrgCode, OrgName, Currency,
    IndicatorFamily and Value for the same columns; both are accepted.

    * Rows match a trust of the LMNS by ``Org_Code`` (its ODS code) at ``Org_Level`` Provider,
      and a measure by its MSDS measure id. The national file holds every trust and many
      measures: rows of other organisations, other levels, other measures and breakdowns
      (``Count_Of`` not empty) are left out, and the preview says how many.
    * Numerator and denominator rows of one trust, measure and month make one figure; Rate rows
      are ignored (rates are computed here, never taken).
    * A suppressed value (``*``, or empty) imports as "not available", never as 0.

The product's template
    ``month,ods_code,measure_id,numerator,denominator`` with the month as 2024-03 and the
    measure's id (for example TRAIN-PROMPT); an empty denominator for a count; ``*`` for a
    figure that is not available. Every row must name a trust of the LMNS and a measure.

The file is read by the shared upload reader (``lmns.uploads``): at most 5 MB and
:data:`MAX_ROWS` rows, UTF-8 (with or without a byte order mark), each cell at most
:data:`MAX_CELL` characters without control characters. The checked figures wait for the
person's confirmation as their import preview (``lmns.models.ImportPreview``), for an hour.

Either way the whole file is checked first; impossible figures (negative, a numerator above a
denominator where the measure cannot exceed 100%, a month not yet ended) are refused with a
message naming the row, and nothing is imported unless every row is right. After the preview the
figures are written in one transaction, with "Imported from <file> by <person>" in the history
of every figure that changed.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction

from lmns.models import ImportPreview, Lmns, Trust
from lmns.people import full_name
from lmns.uploads import UploadError, read_table, take_preview

from .models import FigureSource, Measure, MonthlyFigure, month_start
from .services import FigureInput, figure_problem, month_has_ended, save_month

MAX_BYTES = 5_000_000
MAX_ROWS = 100_000
MAX_CELL = 500
SUPPRESSED = {"*", ""}

MSDS = "msds"
TEMPLATE = "template"
MSDS_COLUMNS = {
    "start": ("reportingperiodstartdate", "rpstartdate"),
    "level": ("org_level", "orglevel"),
    "code": ("org_code", "orgcode"),
    "dimension": ("dimension", "indicator"),
    "measure": ("measure", "currency"),
    "count_of": ("count_of", "indicatorfamily"),
    "value": ("final_value", "value"),
}
TEMPLATE_COLUMNS = ("month", "ods_code", "measure_id", "numerator", "denominator")


@dataclass
class ParsedFigure:
    line: int
    trust_id: int
    measure_id: int
    month: str  # ISO date of the first day
    numerator: str | None
    denominator: str | None
    not_available: bool


@dataclass
class Parsed:
    figures: list[ParsedFigure] = field(default_factory=list)
    skipped: int = 0
    name: str = ""  # the file's name and SHA-256, kept with its preview
    sha256: str = ""

    def as_data(self) -> dict:
        return {"figures": [asdict(f) for f in self.figures], "skipped": self.skipped}

    @classmethod
    def from_data(cls, data: dict) -> Parsed:
        return cls([ParsedFigure(**f) for f in data["figures"]], data["skipped"])


def read_rows(source: File | Path) -> tuple[str, str, list[tuple[int, list[str]]]]:
    """The file's name, SHA-256 and non-empty rows (with their numbers), read by the shared
    upload reader with its limits."""
    table = read_table(
        source, max_rows=MAX_ROWS, max_bytes=MAX_BYTES, kinds=("csv",), limit_for=lambda _: MAX_CELL
    )
    rows = [(table.header_row, list(table.header))]
    rows += [(row.number, list(row.cells)) for row in table.rows]
    return table.name, table.sha256, rows


def _number(text: str, what: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(f"the {what} “{text}” is not a number") from exc
    if not value.is_finite() or abs(value) >= Decimal("1e10"):
        raise ValueError(f"the {what} “{text}” is not a usable number")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"the {what} “{text}” has more than two decimal places")
    return value


def _date(text: str) -> datetime.date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%Y-%m"):
        try:
            return month_start(datetime.datetime.strptime(text, fmt).date())
        except ValueError:
            continue
    raise ValueError(f"“{text}” is not a month (use 2024-03 or 01/03/2024)")


def _header(header: list[str], wanted: dict[str, tuple[str, ...]]) -> dict[str, int] | None:
    names = [h.strip().lower() for h in header]
    found = {}
    for key, aliases in wanted.items():
        index = next((names.index(a) for a in aliases if a in names), None)
        if index is None:
            return None
        found[key] = index
    return found


class _Collector:
    """Figures by (trust, measure, month), with the problems found, each naming its row."""

    def __init__(self):
        self.figures: dict[tuple[int, int, datetime.date], dict] = {}
        self.problems: list[str] = []

    def add(self, line, trust, measure, month, numerator, denominator, not_available):
        key = (trust.pk, measure.pk, month)
        entry = self.figures.setdefault(
            key,
            {"line": line, "trust": trust, "measure": measure, "month": month, "na": False},
        )
        for name, value in (("numerator", numerator), ("denominator", denominator)):
            if value is None:
                continue
            if name in entry:
                self.problems.append(
                    f"Row {line}: {trust.short_name} {measure.short_name} {month:%B %Y} has a "
                    f"second {name} (first on row {entry['line']})."
                )
            entry[name] = value
        entry["na"] = entry["na"] or not_available

    def parsed(self, skipped: int, name: str, sha256: str) -> Parsed:
        out = Parsed(skipped=skipped, name=name, sha256=sha256)
        for entry in self.figures.values():
            trust, measure, month = entry["trust"], entry["measure"], entry["month"]
            where = f"Row {entry['line']} ({trust.short_name}, {measure.short_name}, {month:%B %Y})"
            numerator, denominator = entry.get("numerator"), entry.get("denominator")
            if not month_has_ended(month):
                self.problems.append(f"{where}: the month has not ended yet.")
                continue
            na = entry["na"]
            if not na and not measure.is_count and (numerator is None) != (denominator is None):
                missing = "denominator" if denominator is None else "numerator"
                self.problems.append(f"{where}: there is no {missing} for this month.")
                continue
            problem = figure_problem(measure, numerator, denominator, na)
            if problem:
                self.problems.append(f"{where}: {problem}.")
                continue
            out.figures.append(
                ParsedFigure(
                    line=entry["line"],
                    trust_id=trust.pk,
                    measure_id=measure.pk,
                    month=month.isoformat(),
                    numerator=None if na or numerator is None else str(numerator),
                    denominator=None if na or denominator is None else str(denominator),
                    not_available=na,
                )
            )
        if self.problems:
            raise UploadError(self.problems)
        out.figures.sort(key=lambda f: f.line)
        return out


def parse(source: File | Path, *, lmns: Lmns, kind: str) -> Parsed:
    """Check the whole file; nothing is written. A fixed number of queries."""
    name, sha256, rows = read_rows(source)
    (_, header), body = rows[0], rows[1:]
    trusts = {t.ods_code.upper(): t for t in Trust.objects.filter(lmns=lmns)}
    measures = list(Measure.objects.active())
    collector = _Collector()
    skipped = 0
    if kind == MSDS:
        columns = _header(header, MSDS_COLUMNS)
        if columns is None:
            raise UploadError(
                [
                    "Row 1: this is not NHS England's MSDS measures file: its header must name "
                    "ReportingPeriodStartDate, Dimension, Org_Level, Org_Code, Measure, Count_Of "
                    "and Final_value."
                ]
            )
        by_msds = {m.msds_measure_id.lower(): m for m in measures if m.msds_measure_id}
        for line, row in body:
            cell = {k: (row[i] if i < len(row) else "") for k, i in columns.items()}
            measure = by_msds.get(cell["dimension"].lower())
            trust = trusts.get(cell["code"].upper())
            figure = cell["measure"].lower()
            if (
                measure is None
                or trust is None
                or cell["level"].lower() != "provider"
                or cell["count_of"]
                or figure not in ("numerator", "denominator")
            ):
                skipped += 1
                continue
            try:
                month = _date(cell["start"])
                value = None if cell["value"] in SUPPRESSED else _number(cell["value"], figure)
            except ValueError as exc:
                collector.problems.append(f"Row {line}: {exc}.")
                continue
            collector.add(
                line,
                trust,
                measure,
                month,
                value if figure == "numerator" else None,
                value if figure == "denominator" else None,
                value is None,
            )
        if not collector.figures and not collector.problems:
            raise UploadError(
                ["No row of the file is for a trust of this LMNS and a measure collected here."]
            )
        return collector.parsed(skipped, name, sha256)

    names = [h.lower() for h in header]
    if tuple(names[: len(TEMPLATE_COLUMNS)]) != TEMPLATE_COLUMNS:
        raise UploadError([f"Row 1: the header must be {','.join(TEMPLATE_COLUMNS)}."])
    by_code = {m.code: m for m in measures}
    for line, row in body:
        month_text, ods, code, num, den = (row + [""] * 5)[:5]
        trust = trusts.get(ods.upper())
        measure = by_code.get(code.upper())
        if trust is None:
            collector.problems.append(
                f"Row {line}: “{ods}” is not the ODS code of a trust of {lmns}."
            )
            continue
        if measure is None:
            collector.problems.append(
                f"Row {line}: “{code}” is not the id of a measure collected here."
            )
            continue
        try:
            month = _date(month_text)
            na = num == "*" or den == "*"
            numerator = None if na or not num else _number(num, "numerator")
            denominator = None if na or not den else _number(den, "denominator")
        except ValueError as exc:
            collector.problems.append(f"Row {line}: {exc}.")
            continue
        if not na and numerator is None:
            collector.problems.append(
                f"Row {line}: the numerator is empty (use * when not available)."
            )
            continue
        collector.add(line, trust, measure, month, numerator, denominator, na)
    return collector.parsed(skipped, name, sha256)


@dataclass
class PreviewRow:
    line: int
    trust: Trust
    measure: Measure
    month: datetime.date
    figure: ParsedFigure
    existing: MonthlyFigure | None

    @property
    def change(self) -> str:
        if self.existing is None:
            return "new"
        old = (self.existing.numerator, self.existing.denominator, self.existing.not_available)
        new = (
            None if self.figure.numerator is None else Decimal(self.figure.numerator),
            None if self.figure.denominator is None else Decimal(self.figure.denominator),
            self.figure.not_available,
        )
        return "unchanged" if old == new else "correction"


def preview(parsed: Parsed, lmns: Lmns) -> list[PreviewRow]:
    """Each figure with what it changes; three queries."""
    trusts = {t.pk: t for t in Trust.objects.filter(lmns=lmns)}
    measures = {m.pk: m for m in Measure.objects.all()}
    months = {f.month for f in parsed.figures}
    existing = {
        (f.trust_id, f.measure_id, f.month.isoformat()): f
        for f in MonthlyFigure.objects.filter(trust__lmns=lmns, month__in=months)
    }
    return [
        PreviewRow(
            f.line,
            trusts[f.trust_id],
            measures[f.measure_id],
            datetime.date.fromisoformat(f.month),
            f,
            existing.get((f.trust_id, f.measure_id, f.month)),
        )
        for f in parsed.figures
        if f.trust_id in trusts
    ]


@transaction.atomic
def import_figures(parsed: Parsed, *, lmns: Lmns, status: str, filename: str, user) -> int:
    """Write every figure of the checked file in one transaction; refuse all on any problem."""
    rows = preview(parsed, lmns)
    if len(rows) != len(parsed.figures):
        raise UploadError(["A trust of the file is no longer a trust of this LMNS."])
    who = full_name(user)
    groups: dict[tuple[int, datetime.date], list[FigureInput]] = {}
    trusts = {}
    for row in rows:
        trusts[row.trust.pk] = row.trust
        f = row.figure
        groups.setdefault((row.trust.pk, row.month), []).append(
            FigureInput(
                measure=row.measure,
                numerator=None if f.numerator is None else Decimal(f.numerator),
                denominator=None if f.denominator is None else Decimal(f.denominator),
                not_available=f.not_available,
            )
        )
    saved = 0
    try:
        for (trust_id, month), inputs in groups.items():
            counts = save_month(
                trust=trusts[trust_id],
                month=month,
                rows=inputs,
                status=status,
                reason=f"Imported from {filename} by {who}",
                user=user,
                source=FigureSource.IMPORTED,
            )
            saved += counts["created"] + counts["corrected"]
    except ValidationError as error:
        raise UploadError(error.messages) from error
    return saved


@transaction.atomic
def import_preview(preview: ImportPreview, *, lmns: Lmns, user) -> int:
    """Import a preview's figures, once: confirming the same preview again imports nothing."""
    take_preview(preview)
    return import_figures(
        Parsed.from_data(preview.rows),
        lmns=lmns,
        status=preview.options["status"],
        filename=preview.file_name,
        user=user,
    )
