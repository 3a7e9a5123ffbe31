"""The whole return on one page (and in its PDF): every section and answer with its evidence,
verdict, change requests and what changed, the general requests and the timeline; and its
evidence files as one streamed ZIP with a manifest.

:func:`whole_return` issues a fixed number of queries whatever the number of sections, answers,
files, requests or steps; :func:`zipped_evidence` one.
"""

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db.models import QuerySet

from lmns.exports import csv_text
from lmns.people import person_name
from lmns.zipstream import Entry, file_chunks, stream_zip

from ..models import Answer, EvidenceFile, QuarterlyReturn
from . import actions as action_selectors
from . import crossrefs as crossref_selectors
from . import returns as return_selectors
from . import review as review_selectors


def shown_evidence(ret: QuarterlyReturn) -> QuerySet[EvidenceFile]:
    """The return's evidence files as its readers see them on the whole return: every file
    but the withdrawn ones (a purged file stays, as a tombstone), in upload order."""
    return (
        EvidenceFile.objects.filter(answer__quarterly_return=ret, withdrawn_at__isnull=True)
        .select_related("uploaded_by", "answer__requirement")
        .order_by("uploaded_at", "pk")
    )


@dataclass
class AnswerRow:
    """One answer with what the page shows beside it."""

    answer: Answer
    files: list[EvidenceFile]
    verdict: object
    requests: list
    changed: dict
    actions: list = field(default_factory=list)
    links: list = field(default_factory=list)

    @property
    def has_changed(self) -> bool:
        changed = self.changed
        return bool(
            changed["since_submission"] or changed["since_assured"] or changed["new_since_assured"]
        )


@dataclass
class SectionRows:
    progress: return_selectors.SectionProgress
    rows: list[AnswerRow] = field(default_factory=list)


@dataclass
class WholeReturn:
    ret: QuarterlyReturn
    sections: list[SectionRows]
    requests: review_selectors.Requests
    what_changed: review_selectors.WhatChanged
    timeline: list[review_selectors.TimelineEntry]

    @property
    def changed_count(self) -> int:
        return sum(1 for s in self.sections for row in s.rows if row.has_changed)


def whole_return(ret: QuarterlyReturn) -> WholeReturn:
    """Everything the whole-return page shows: at most eighteen queries."""
    progress = return_selectors.section_progress(ret)
    answers = [answer for row in progress for answer in row.answers]
    files: dict[int, list[EvidenceFile]] = defaultdict(list)
    for evidence in shown_evidence(ret):
        files[evidence.answer_id].append(evidence)
    verdicts = review_selectors.verdicts_by_answer(answers)
    requests = review_selectors.requests_for_return(ret)
    changed = review_selectors.what_changed(ret, answers, None)
    actions = action_selectors.actions_by_answer(ret, answers)
    links = crossref_selectors.links_by_answer(answers)
    sections = [
        SectionRows(
            row,
            [
                AnswerRow(
                    answer,
                    files.get(answer.pk, []),
                    verdicts.get(answer.pk),
                    requests.on(answer.requirement_id),
                    changed.for_answer(answer),
                    actions.get(answer.pk, []),
                    links.get(answer.pk, []),
                )
                for answer in row.answers
            ],
        )
        for row in progress
    ]
    timeline = review_selectors.merged_timeline(
        return_selectors.timeline(ret), review_selectors.thread_entries(requests)
    )
    return WholeReturn(ret, sections, requests, changed, timeline)


# -- the evidence as a ZIP -------------------------------------------------------------------

MANIFEST_NAME = "manifest.csv"
MANIFEST_HEADERS = [
    "File",
    "Requirement",
    "Uploaded by",
    "Effective date",
    "Date stated",
    "SHA-256",
]


def zipped_evidence(ret: QuarterlyReturn) -> list[EvidenceFile]:
    """The files the ZIP holds: the return's evidence but withdrawn and purged files (one
    query)."""
    return [evidence for evidence in shown_evidence(ret) if not evidence.is_purged]


def _safe(name: str) -> str:
    """A file name that stays inside its folder of the archive."""
    cleaned = "".join("_" if c in '/\\:*?"<>|' or ord(c) < 32 else c for c in name).strip(" .")
    return cleaned or "file"


def _archive_names(files: list[EvidenceFile]) -> list[str]:
    """``<requirement code>/<file name>``, numbered when one requirement has two files of the
    same name."""
    used: set[str] = set()
    names = []
    for evidence in files:
        folder = _safe(evidence.answer.requirement.code)
        stem, dot, extension = _safe(evidence.original_name).rpartition(".")
        stem, extension = (stem, f".{extension}") if dot and stem else (stem + extension, "")
        name, n = f"{folder}/{stem}{extension}", 1
        while name.lower() in used:
            n += 1
            name = f"{folder}/{stem} ({n}){extension}"
        used.add(name.lower())
        names.append(name)
    return names


def evidence_archive(files: list[EvidenceFile]) -> Iterator[bytes]:
    """The ZIP of ``files``, streamed, with ``manifest.csv`` last: each file's name in the
    archive, requirement, uploader, effective date and the SHA-256 of the bytes sent. A file
    missing from the storage is left out and the manifest says so."""
    digests: dict[int, str] = {}

    def hashed(evidence: EvidenceFile) -> Callable[[], Iterator[bytes]]:
        def read() -> Iterator[bytes]:
            digest = hashlib.sha256()
            for chunk in file_chunks(evidence.file)():
                digest.update(chunk)
                yield chunk
            digests[evidence.pk] = digest.hexdigest()

        return read

    present = [(e, name) for e, name in zip(files, _archive_names(files), strict=True)]
    stored = [(e, name) for e, name in present if e.file.storage.exists(e.file.name)]

    def manifest() -> Iterator[bytes]:
        rows = [
            [
                name if evidence.pk in digests else f"{name} (missing from the storage)",
                evidence.answer.requirement.code,
                person_name(evidence.uploaded_by),
                evidence.effective_date,
                "yes" if evidence.effective_date_stated else "no, the upload date",
                digests.get(evidence.pk, ""),
            ]
            for evidence, name in present
        ]
        yield csv_text(MANIFEST_HEADERS, rows).encode("utf-8")

    entries = [Entry(name, hashed(evidence)) for evidence, name in stored]
    return stream_zip([*entries, Entry(MANIFEST_NAME, manifest)])
