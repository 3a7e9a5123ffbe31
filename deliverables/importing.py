"""Import a plan's deliverables and their statuses from CSV or XLSX.

The file is read by the shared upload reader (``lmns.uploads``): at most 5 MB and
:data:`MAX_ROWS` rows, UTF-8 CSV or an .xlsx workbook, each cell within the limit of the field
it fills (:data:`COLUMN_LIMITS`) and free of control characters. Every problem is an
:class:`lmns.uploads.UploadError`.

Plans report progress in their own words. Known words map to the status vocabulary
(:data:`KNOWN_WORDS`); any other word is asked about, never guessed. "Delayed" maps to At risk:
a delay is a threat to delivery that the owner is recovering, not yet a failure (Off track).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from django.core.files import File
from django.db import IntegrityError, transaction

from lmns.models import ImportPreview, RagStatus, ReportingPeriod
from lmns.text import NARRATIVE, ONE_LINE, SHORT_TEXT
from lmns.uploads import Table, UploadError, read_table, take_preview
from lmns.workflow import StaleRecord

from .models import EXCEPTION_STATUSES, Deliverable, Plan, Workstream
from .services import UpdateInput, check_update_rule, record_updates

KNOWN_WORDS: dict[str, str] = {
    "not started": RagStatus.NOT_STARTED,
    "on track": RagStatus.ON_TRACK,
    "ongoing": RagStatus.ON_TRACK,
    "at risk": RagStatus.AT_RISK,
    "delayed": RagStatus.AT_RISK,
    "off track": RagStatus.OFF_TRACK,
    "complete": RagStatus.COMPLETE,
    "completed": RagStatus.COMPLETE,
}
REQUIRED_COLUMNS = ("number", "title", "text", "status", "narrative")
OPTIONAL_COLUMNS = ("recovery_action", "recovery_date", "due_date", "workstream")
NUMBER_RE = re.compile(r"^\s*(\d{1,4})\s*([a-zA-Z]{0,3})\s*\)?\s*$")
MAX_ROWS = 1000
# The length limit of the field each column fills; other columns are not read.
COLUMN_LIMITS = {
    "number": ONE_LINE,
    "title": ONE_LINE,
    "text": NARRATIVE,
    "status": ONE_LINE,
    "narrative": NARRATIVE,
    "recovery_action": SHORT_TEXT,
    "recovery_date": ONE_LINE,
    "due_date": ONE_LINE,
    "workstream": ONE_LINE,
}


@dataclass
class ImportRow:
    line: int
    number: int
    part: str
    title: str
    text: str
    word: str
    narrative: str
    recovery_action: str = ""
    recovery_date: str = ""
    due_date: str = ""
    workstream: str = ""

    @property
    def reference(self) -> str:
        return f"{self.number}{self.part}"


def normalise(word: str) -> str:
    return " ".join(word.split()).lower()


def _parse_date(value: str) -> datetime.date | None:
    value = (value or "").strip()
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %b %Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"“{value}” is not a date (use 2023-03-31 or 31/03/2023)")


def column_name(header: str) -> str:
    """A header cell as a column name: "Recovery action" → recovery_action."""
    return normalise(header).replace(" ", "_")


@dataclass
class ParsedFile:
    """A checked file: its name and SHA-256 (kept with its preview) and its rows."""

    name: str
    sha256: str
    rows: list[ImportRow]


def parse(source: File | Path) -> ParsedFile:
    """Read the file into rows; raise UploadError listing every problem."""
    table = read_table(
        source, max_rows=MAX_ROWS, limit_for=lambda h: COLUMN_LIMITS.get(column_name(h))
    )
    return ParsedFile(table.name, table.sha256, parse_table(table))


def parse_table(table: Table) -> list[ImportRow]:
    header = [column_name(h) for h in table.header]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise UploadError(f"The first row must name the columns; missing: {', '.join(missing)}.")
    index = {
        name: header.index(name) for name in REQUIRED_COLUMNS + OPTIONAL_COLUMNS if name in header
    }
    rows, problems, seen = [], [], set()
    for raw in table.rows:
        line = raw.number
        values = {name: raw.get(i) for name, i in index.items()}
        match = NUMBER_RE.match(values["number"])
        if not match:
            problems.append(
                f"Row {line}: “{values['number']}” is not a deliverable number such as 4 or 4a."
            )
            continue
        number, part = int(match.group(1)), match.group(2).lower()
        if (number, part) in seen:
            problems.append(f"Row {line}: deliverable {number}{part} appears twice.")
        seen.add((number, part))
        if not values["title"]:
            problems.append(f"Row {line}: the title is empty.")
        for date_column in ("recovery_date", "due_date"):
            try:
                _parse_date(values.get(date_column, ""))
            except ValueError as exc:
                problems.append(f"Row {line}: {date_column.replace('_', ' ')} {exc}.")
        rows.append(
            ImportRow(
                line=line,
                number=number,
                part=part,
                title=values["title"],
                text=values["text"],
                word=" ".join(values["status"].split()),
                narrative=values["narrative"],
                recovery_action=values.get("recovery_action", ""),
                recovery_date=values.get("recovery_date", ""),
                due_date=values.get("due_date", ""),
                workstream=values.get("workstream", ""),
            )
        )
    if problems:
        raise UploadError(problems)
    return rows


def rows_to_data(rows: list[ImportRow]) -> list[dict]:
    """JSON-serialisable rows, kept with the import preview between upload and confirm."""
    return [asdict(row) for row in rows]


def rows_from_data(data: list[dict]) -> list[ImportRow]:
    return [ImportRow(**item) for item in data]


def parse_mapping_options(options: list[str]) -> dict[str, str]:
    """``["Plans submitted June 22=on_track"]`` → ``{"plans submitted june 22": "on_track"}``."""
    mapping = {}
    valid = set(RagStatus.values)
    for option in options:
        word, sep, status = option.rpartition("=")
        status = status.strip()
        if not sep or not word.strip():
            raise ValueError(f"“{option}” should look like WORD=STATUS.")
        if status not in valid:
            raise ValueError(f"“{status}” is not a status; use one of: {', '.join(sorted(valid))}.")
        mapping[normalise(word)] = status
    return mapping


def resolve(rows: list[ImportRow], mapping: dict[str, str]) -> tuple[dict, list[str]]:
    """Each row's status from the known words and the user's ``mapping`` (keys normalised).

    Returns ``({line: status}, unmapped words in order of first use)``.
    """
    statuses, unmapped = {}, []
    for row in rows:
        key = normalise(row.word)
        status = mapping.get(key) or KNOWN_WORDS.get(key)
        if status:
            statuses[row.line] = status
        elif row.word not in unmapped:
            unmapped.append(row.word)
    return statuses, unmapped


def word_summary(rows: list[ImportRow], mapping: dict[str, str]) -> list[dict]:
    """Each distinct word, how many rows use it and the status it maps to (None: ask)."""
    summary: dict[str, dict] = {}
    for row in rows:
        key = normalise(row.word)
        entry = summary.setdefault(
            key,
            {
                "word": row.word,
                "rows": 0,
                "status": mapping.get(key) or KNOWN_WORDS.get(key),
                "known": key in KNOWN_WORDS,
            },
        )
        entry["rows"] += 1
    return list(summary.values())


def rule_problems(rows: list[ImportRow], statuses: dict) -> list[str]:
    """Rows that map to At risk or Off track without a narrative and recovery action and date."""
    problems = []
    for row in rows:
        status = statuses.get(row.line)
        if status in EXCEPTION_STATUSES:
            errors = check_update_rule(
                status, row.narrative, row.recovery_action, _parse_date(row.recovery_date)
            )
            if errors:
                problems.append(
                    f"Row {row.line} ({row.reference}): “{row.word}” means "
                    f"{RagStatus(status).label}, which needs a narrative and a recovery "
                    "action with a date (columns narrative, recovery_action, recovery_date)."
                )
    return problems


CHANGED_MEANWHILE = (
    "Nothing was imported: someone changed this plan's deliverables while the file was being "
    "imported (another import, or an update saved at the same moment). Open the plan to see "
    "where it stands, then import the file again."
)


def import_rows(
    plan: Plan, period: ReportingPeriod, rows: list[ImportRow], mapping: dict[str, str], by
) -> dict[str, int]:
    """Create or update the plan's deliverables and record each row's status: all or nothing.

    Refused with :class:`UploadError` when another import or an update to the same
    deliverables won a race with it; nothing is written then.
    """
    statuses, unmapped = resolve(rows, mapping)
    if unmapped:
        raise UploadError("Choose a status for: " + "; ".join(f"“{w}”" for w in unmapped))
    problems = rule_problems(rows, statuses)
    if problems:
        raise UploadError(problems)
    try:
        with transaction.atomic():
            return _write(plan, period, rows, statuses, by)
    except (IntegrityError, StaleRecord) as race:
        raise UploadError(CHANGED_MEANWHILE) from race


def _write(
    plan: Plan, period: ReportingPeriod, rows: list[ImportRow], statuses: dict, by
) -> dict[str, int]:
    existing = {(d.number, d.part): d for d in plan.deliverables.all()}
    workstreams = {w.name: w for w in plan.workstreams.all()}
    created = 0
    updates = []
    for row in rows:
        workstream = None
        if row.workstream:
            workstream = workstreams.get(row.workstream)
            if workstream is None:
                workstream = Workstream.objects.create(
                    plan=plan, name=row.workstream, order=len(workstreams) + 1
                )
                workstreams[row.workstream] = workstream
        deliverable = existing.get((row.number, row.part))
        fields = {"title": row.title, "text": row.text}
        if row.due_date:
            fields["due_date"] = _parse_date(row.due_date)
        if workstream:
            fields["workstream"] = workstream
        if deliverable is None:
            deliverable = Deliverable(plan=plan, number=row.number, part=row.part, **fields)
            deliverable.save()
            created += 1
        else:
            for name, value in fields.items():
                setattr(deliverable, name, value)
            deliverable.save()
        updates.append(
            UpdateInput(
                deliverable=deliverable,
                expected_version=deliverable.version,
                status=statuses[row.line],
                narrative=row.narrative,
                recovery_action=row.recovery_action,
                recovery_date=_parse_date(row.recovery_date),
            )
        )
    record_updates(items=updates, period=period, user=by)
    return {"rows": len(rows), "created": created, "updated": len(rows) - created}


@transaction.atomic
def import_preview(
    preview: ImportPreview, *, plan: Plan, period: ReportingPeriod, mapping: dict[str, str], user
) -> dict[str, int]:
    """Import a preview's rows, once: confirming the same preview again imports nothing."""
    take_preview(preview)
    return import_rows(plan, period, rows_from_data(preview.rows), mapping, user)
