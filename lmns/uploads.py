"""Uploads in: the one reader every importer uses (CSV and XLSX), cheapest checks first.

A hostile or mistaken file must cost little, so the reader refuses it as early as it can:

1. **size**: the declared size (an upload's, or a file's on disk) against ``max_bytes``, before
   the file is opened or read;
2. **kind**: ``.csv`` (or ``.txt``) and ``.xlsx`` only, as the importer allows;
3. **XLSX**: the workbook's uncompressed size, as its zip directory declares it, against
   :data:`MAX_UNPACKED_BYTES` (a zip bomb is refused unopened); then openpyxl in read-only mode,
   which streams rows instead of building the whole workbook;
4. **CSV**: strict UTF-8, with or without the byte order mark Excel writes; any other encoding
   is refused with a message saying how to save the file as UTF-8. A cell over Python's CSV
   field limit (128 KiB) is a problem with the file, not a server error;
5. **rows**: reading stops after ``max_rows`` + 1 rows that hold anything (the header and
   ``max_rows`` more) and refuses the file; at most :data:`MAX_BLANK_ROWS` empty rows are
   skipped, and at most :data:`MAX_COLUMNS` columns read;
6. **cells**: each cell of a column the importer reads has the limit of the field it fills and
   the free-text rule (:func:`lmns.text.cell_problem`), with the row and column named.

Every refusal is one :class:`UploadError` listing its problems. A file with a header and
nothing under it is refused too: there was nothing to import.

A checked file waiting for its owner to confirm it is an :class:`lmns.models.ImportPreview`:
:func:`keep_preview`, :func:`owned_preview`, :func:`preview_to_confirm`, :func:`take_preview`, :func:`purge_expired_previews`.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from .models import ImportPreview
from .text import ONE_LINE, cell_problem

MAX_UPLOAD_BYTES = 5_000_000
MAX_UNPACKED_BYTES = 50_000_000
MAX_COLUMNS = 100
MAX_BLANK_ROWS = 1_000
MAX_PROBLEMS = 50
KINDS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx"}
PREVIEW_LIFETIME = datetime.timedelta(hours=1)

Source = File | Path


class UploadError(Exception):
    """A file that cannot be imported; ``problems`` says why, one sentence each."""

    def __init__(self, problems: str | Iterable[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__(" ".join(self.problems))


@dataclass(frozen=True)
class Row:
    number: int  # the row's number in the file, as a spreadsheet shows it (the header is 1 or more)
    cells: tuple[str, ...]

    def get(self, index: int) -> str:
        return self.cells[index] if index < len(self.cells) else ""


@dataclass(frozen=True)
class Table:
    """A file as read: its header, its non-empty rows, its name and SHA-256."""

    name: str
    sha256: str
    header: tuple[str, ...]
    header_row: int
    rows: list[Row]


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"


def check_declared_size(size: int | None, max_bytes: int) -> None:
    """Refuse a file whose declared size is over the cap (before anything reads it)."""
    if size is None or size > max_bytes:
        shown = _megabytes(size) if size is not None else "of unknown size"
        raise UploadError(
            f"The file is {shown}; files to import may be at most {_megabytes(max_bytes)}."
        )


def file_kind(name: str, kinds: Iterable[str]) -> str:
    kind = KINDS.get(PurePath(name).suffix.lower())
    if kind not in kinds:
        listed = " or ".join(f".{k}" for k in sorted(kinds))
        raise UploadError(f"Choose a {listed} file.")
    return kind


def _content(source: Source, max_bytes: int) -> tuple[str, bytes]:
    if isinstance(source, Path):
        check_declared_size(source.stat().st_size, max_bytes)
        return source.name, source.read_bytes()[: max_bytes + 1]
    check_declared_size(source.size, max_bytes)
    source.seek(0)
    content = source.read(max_bytes + 1)
    # A declared size can be wrong; what was read is checked too.
    check_declared_size(len(content), max_bytes)
    return PurePath(source.name or "").name, content


def _text_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise UploadError(
            f"The file is not UTF-8 text (the first character that is not is on line {line}). "
            "In Excel choose Save As, then “CSV UTF-8 (Comma delimited)”, and upload that file."
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 0
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field limit" in str(exc):
                raise UploadError(
                    f"Row {number}: a cell is longer than {csv.field_size_limit():,} characters, "
                    "so the file cannot be read. Shorten it and upload the file again."
                ) from exc
            raise UploadError(f"Row {number} cannot be read as CSV ({exc}).") from exc
        yield number, [_text_cell(cell) for cell in row]


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    unreadable = (
        "The Excel file could not be read: it is not an .xlsx workbook. Save it again from "
        "Excel as an .xlsx workbook (or as CSV UTF-8) and upload that."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise UploadError(unreadable) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise UploadError(
            f"The workbook unpacks to {_megabytes(unpacked)}, more than the "
            f"{_megabytes(MAX_UNPACKED_BYTES)} a workbook to import may hold. Import its rows "
            "in smaller files, or save it as CSV UTF-8."
        )
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(
            io.BytesIO(content), read_only=True, data_only=True, keep_links=False
        )
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UploadError(unreadable) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True)
        for number, values in enumerate(rows, start=1):
            yield number, [_text_cell(value) for value in values]
    except UploadError:
        raise
    except Exception as exc:
        raise UploadError(unreadable) from exc
    finally:
        workbook.close()


def _bounded(rows: Iterator[tuple[int, list[str]]], max_rows: int) -> Iterator[Row]:
    """The rows that hold anything, refusing the file past the row, blank-row and column caps."""
    filled = blank = 0
    for number, cells in rows:
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            blank += 1
            if blank > MAX_BLANK_ROWS:
                raise UploadError(
                    f"The file has more than {MAX_BLANK_ROWS:,} empty rows. Delete the empty "
                    "rows and upload it again."
                )
            continue
        filled += 1
        if filled > max_rows + 1:
            raise UploadError(
                f"The file has more than {max_rows:,} rows under its header; import at most "
                f"{max_rows:,} rows at a time."
            )
        if len(cells) > MAX_COLUMNS:
            raise UploadError(
                f"Row {number} has more than {MAX_COLUMNS} columns; a file to import has at "
                f"most {MAX_COLUMNS}."
            )
        yield Row(number, tuple(cells))


def _cell_problems(
    header: tuple[str, ...], rows: list[Row], limit_for: Callable[[str], int | None]
) -> list[str]:
    limits = [limit_for(name) for name in header]
    problems = []
    for row in rows:
        for index, value in enumerate(row.cells):
            if not value:
                continue
            limit = limits[index] if index < len(limits) else ONE_LINE
            if limit is None:
                continue  # a column the importer does not read
            problem = cell_problem(value, limit)
            if problem:
                column = header[index] if index < len(header) and header[index] else None
                where = f"column {column}" if column else f"column {index + 1}"
                problems.append(f"Row {row.number}, {where}: {problem}.")
    return problems


def read_table(
    source: Source,
    *,
    max_rows: int,
    max_bytes: int = MAX_UPLOAD_BYTES,
    kinds: Iterable[str] = ("csv", "xlsx"),
    limit_for: Callable[[str], int | None] = lambda column: ONE_LINE,
) -> Table:
    """Read an upload (or a file on disk) into a :class:`Table`, or raise :class:`UploadError`.

    ``limit_for(column name)`` gives the length limit of the field a column fills, or None for a
    column the importer ignores. Header cells are one-line text.
    """
    name = source.name if isinstance(source, Path) else PurePath(source.name or "").name
    kind = file_kind(name, kinds)
    name, content = _content(source, max_bytes)
    raw = _xlsx_rows(content) if kind == "xlsx" else _csv_rows(content)
    rows = list(_bounded(raw, max_rows))
    if not rows:
        raise UploadError("The file is empty.")
    header_row, body = rows[0], rows[1:]
    if not body:
        raise UploadError(
            "The file has only its header row, with no rows under it: there was nothing to import."
        )
    header = header_row.cells
    problems = [
        f"Row {header_row.number}, column {index + 1}: {problem}."
        for index, value in enumerate(header)
        if (problem := cell_problem(value, ONE_LINE))
    ]
    problems += _cell_problems(header, body, limit_for)
    if problems:
        extra = len(problems) - MAX_PROBLEMS
        if extra > 0:
            problems = problems[:MAX_PROBLEMS] + [f"… and {extra:,} more problems."]
        raise UploadError(problems)
    return Table(
        name=name,
        sha256=hashlib.sha256(content).hexdigest(),
        header=header,
        header_row=header_row.number,
        rows=body,
    )


# -- previews ---------------------------------------------------------------------------------
@transaction.atomic
def keep_preview(
    *, user, purpose: str, file_name: str, sha256: str, rows: list, options: dict
) -> ImportPreview:
    """Keep a checked file's rows for ``user`` to confirm within the hour.

    A person's earlier preview for the same purpose is replaced: the latest upload is the one
    they see and confirm.
    """
    ImportPreview.objects.filter(owner=user, purpose=purpose).delete()
    return ImportPreview.objects.create(
        owner=user,
        purpose=purpose,
        file_name=file_name[:255],
        file_sha256=sha256,
        rows=rows,
        options=options,
        expires_at=timezone.now() + PREVIEW_LIFETIME,
    )


def owned_preview(*, user, purpose: str) -> ImportPreview | None:
    """The person's own preview for this purpose (expired or not: see :func:`is_expired`)."""
    return ImportPreview.objects.filter(owner=user, purpose=purpose).first()


def is_expired(preview: ImportPreview) -> bool:
    return preview.expires_at <= timezone.now()


def preview_to_confirm(*, user, purpose: str) -> tuple[ImportPreview | None, str]:
    """The person's own preview while it may still be confirmed; else ``None`` and what to
    tell them (nothing uploaded yet, or the check expired)."""
    preview = owned_preview(user=user, purpose=purpose)
    if preview is None:
        return None, "Upload a file to import first."
    if is_expired(preview):
        return None, (
            "The check of your file expired an hour after you uploaded it: upload it again."
        )
    return preview, ""


def take_preview(preview: ImportPreview) -> None:
    """Use the preview up for its import (call inside the import's transaction).

    Refused when it is gone or has expired meanwhile, for example when the same page was
    confirmed twice: the second confirmation then imports nothing.
    """
    taken, _ = ImportPreview.objects.filter(pk=preview.pk, expires_at__gt=timezone.now()).delete()
    if not taken:
        raise UploadError(
            "This file has been imported already, or its check expired: upload it again."
        )


def purge_expired_previews() -> int:
    """Delete every expired preview; returns how many."""
    purged, _ = ImportPreview.objects.filter(expires_at__lte=timezone.now()).delete()
    return purged
