"""Reads for the LMNS's review of a return: change requests with their threads, verdicts.

Each function issues a fixed number of queries whatever the number of requests or replies.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from ..models import (
    Answer,
    ChangeRequest,
    ChangeRequestEntry,
    ComplianceStatus,
    EvidenceVerdict,
    QuarterlyReturn,
    RequestStatus,
    VerdictChoice,
)


def readable_requests() -> QuerySet[ChangeRequest]:
    """The base queryset for one request's pages; scope it with the access helper."""
    return ChangeRequest.objects.select_related(
        "quarterly_return__trust__lmns",
        "quarterly_return__framework",
        "quarterly_return__period",
        "requirement__section",
    )


def readable_answers() -> QuerySet[Answer]:
    return Answer.objects.select_related(
        "quarterly_return__trust__lmns",
        "quarterly_return__framework",
        "quarterly_return__period",
        "requirement__section",
    )


def _threads() -> Prefetch:
    return Prefetch(
        "entries",
        queryset=ChangeRequestEntry.objects.select_related("by").order_by("at", "pk"),
    )


def thread(request: ChangeRequest) -> list[ChangeRequestEntry]:
    return list(request.entries.select_related("by").order_by("at", "pk"))


@dataclass
class Requests:
    """A return's change requests, by requirement (``None``: on the return as a whole)."""

    all: list[ChangeRequest]

    def on(self, requirement_id: int | None) -> list[ChangeRequest]:
        return [r for r in self.all if r.requirement_id == requirement_id]

    @property
    def general(self) -> list[ChangeRequest]:
        return self.on(None)

    def count(self, *statuses: str) -> int:
        return sum(1 for r in self.all if r.status in statuses)

    @property
    def open(self) -> int:
        return self.count(RequestStatus.OPEN)

    @property
    def addressed(self) -> int:
        return self.count(RequestStatus.ADDRESSED)

    @property
    def closed(self) -> int:
        return self.count(RequestStatus.CLOSED)


def requests_for_return(ret: QuarterlyReturn, section_id: int | None = None) -> Requests:
    """The return's requests with their threads: two queries. With ``section_id``, only that
    section's requests and the general ones."""
    qs = ChangeRequest.objects.filter(quarterly_return=ret)
    if section_id is not None:
        qs = qs.filter(requirement__isnull=True) | qs.filter(requirement__section_id=section_id)
    return Requests(
        list(
            qs.select_related("requirement", "raised_by")
            .prefetch_related(_threads())
            .order_by("raised_at", "pk")
        )
    )


def request_counts(ret: QuarterlyReturn) -> Requests:
    """The return's requests without their threads (one query), for counts."""
    return Requests(list(ChangeRequest.objects.filter(quarterly_return=ret).only("status")))


def verdicts_by_answer(answers: list[Answer]) -> dict[int, EvidenceVerdict]:
    """Each answer's verdict with the files it judged: two queries."""
    verdicts = EvidenceVerdict.objects.filter(answer__in=answers).select_related("judged_by")
    return {v.answer_id: v for v in verdicts.prefetch_related("files")}


def verdict_label(verdict: EvidenceVerdict | None) -> str:
    return verdict.get_verdict_display() if verdict else VerdictChoice.NOT_SEEN.label


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a return's timeline: a workflow step, or an entry of a request's thread."""

    at: object
    by: object
    what: str
    comment: str
    anchor: str = ""


def request_entries(ret: QuarterlyReturn) -> list[ChangeRequestEntry]:
    """Every entry of every request's thread on the return, oldest first: one query."""
    return list(
        ChangeRequestEntry.objects.filter(change_request__quarterly_return=ret)
        .select_related("by", "change_request__requirement")
        .order_by("at", "pk")
    )


def thread_entries(requests: Requests) -> list[ChangeRequestEntry]:
    """Every entry of the requests' threads, read from what :func:`requests_for_return` loaded
    (no query)."""
    entries = []
    for request in requests.all:
        for entry in request.entries.all():
            entry.change_request = request
            entries.append(entry)
    return entries


def entry_action(entry: ChangeRequestEntry) -> str:
    """What an entry did, in words: raised, replied, addressed, accepted, reopened."""
    if not entry.from_status:
        return "raised"
    if entry.from_status == entry.to_status:
        return "replied"
    return {
        RequestStatus.ADDRESSED: "marked addressed",
        RequestStatus.CLOSED: "accepted and closed",
        RequestStatus.OPEN: "reopened",
    }[entry.to_status]


def merged_timeline(transitions, entries) -> list[TimelineEntry]:
    """The return's steps and its requests' threads in one list, oldest first."""
    rows = [
        TimelineEntry(
            t.at,
            t.by,
            f"{t.get_from_status_display()} → {t.get_to_status_display()}",
            t.comment,
        )
        for t in transitions
    ]
    for entry in entries:
        request = entry.change_request
        where = (
            f"requirement {request.requirement.code}" if request.requirement_id else "the return"
        )
        rows.append(
            TimelineEntry(
                entry.at,
                entry.by,
                f"Change request on {where} {entry_action(entry)}",
                entry.comment,
                f"request-{request.pk}",
            )
        )
    return sorted(rows, key=lambda row: row.at)


def entries_by_request(entries) -> dict[int, list]:
    found = defaultdict(list)
    for entry in entries:
        found[entry.change_request_id].append(entry)
    return found


@dataclass(frozen=True)
class EvidencePosition:
    """One trust's requirements assessed fully met in a return: how many have evidence the LMNS
    accepted ("met and evidenced") and how many not yet ("met, evidence not yet accepted")."""

    trust_id: int
    met: int
    evidenced: int

    @property
    def not_accepted(self) -> int:
        return self.met - self.evidenced


def evidence_positions(lmns_id: int, framework_id: int, period_id: int) -> dict:
    """Per trust of the LMNS: fully met requirements and those with sufficient evidence, in its
    return for the period (one query). Trusts without such a return are left out."""
    rows = (
        Answer.objects.filter(
            quarterly_return__trust__lmns_id=lmns_id,
            quarterly_return__framework_id=framework_id,
            quarterly_return__period_id=period_id,
            status=ComplianceStatus.FULLY_MET,
        )
        .values("quarterly_return__trust_id")
        .annotate(
            met=Count("pk"),
            evidenced=Count("pk", filter=Q(verdict__verdict=VerdictChoice.SUFFICIENT)),
        )
    )
    return {
        row["quarterly_return__trust_id"]: EvidencePosition(
            row["quarterly_return__trust_id"], row["met"], row["evidenced"]
        )
        for row in rows
    }
