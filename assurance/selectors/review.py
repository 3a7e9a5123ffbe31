"""Reads for the LMNS's review of a return: change requests with their threads, verdicts.

Each function issues a fixed number of queries whatever the number of requests or replies.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from ..models import (
    Answer,
    ChangeRequest,
    ChangeRequestEntry,
    ComplianceStatus,
    EvidenceVerdict,
    QuarterlyReturn,
    RequestStatus,
    ReturnStatus,
    Transition,
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


# -- what changed ----------------------------------------------------------------------------

COMPARED = ["status", "percent", "narrative", "evidence", "action", "action_owner", "action_due"]


@dataclass(frozen=True)
class Change:
    """One field of an answer that differs from an earlier version of it."""

    label: str
    old: str
    new: str


def _shown(answer, name: str) -> str:
    value = getattr(answer, name)
    if name == "status":
        return dict(ComplianceStatus.choices).get(value, "not yet assessed")
    if value in (None, ""):
        return "–"
    if name == "percent":
        return f"{value:f}".rstrip("0").rstrip(".") + "%"
    if name == "action_due":
        return value.strftime("%-d %b %Y")
    text = " ".join(str(value).split())
    return text if len(text) <= 80 else text[:79] + "…"


def differences(old, new) -> list[Change]:
    """The compared fields of two versions of an answer that differ, in words."""
    return [
        Change(
            str(Answer._meta.get_field(name).verbose_name).capitalize(),
            _shown(old, name),
            _shown(new, name),
        )
        for name in COMPARED
        if getattr(old, name) != getattr(new, name)
    ]


def last_submission_before_send_back(ret: QuarterlyReturn):
    """When the return was last submitted before it was last sent back; ``None`` if it never
    was sent back. Its answers as they stood then are what the trust changed since."""
    steps = list(
        Transition.objects.filter(
            quarterly_return=ret, to_status__in=[ReturnStatus.SUBMITTED, ReturnStatus.RETURNED]
        )
        .order_by("at", "pk")
        .values_list("to_status", "at")
    )
    returned = [i for i, (status, _) in enumerate(steps) if status == ReturnStatus.RETURNED]
    if not returned:
        return None
    submitted = [at for status, at in steps[: returned[-1]] if status == ReturnStatus.SUBMITTED]
    return submitted[-1] if submitted else None


def answers_as_at(answers: list[Answer], when) -> dict[int, object]:
    """Each answer's historical version as it stood at ``when``: one query."""
    versions = {}
    for row in Answer.history.filter(
        id__in=[a.pk for a in answers], history_date__lte=when
    ).order_by("id", "-history_date", "-history_id"):
        versions.setdefault(row.id, row)
    return versions


def last_assured_before(ret: QuarterlyReturn) -> QuarterlyReturn | None:
    """The trust's last assured return of the same framework (any version) before this one's
    period, whichever period that was."""
    return (
        QuarterlyReturn.objects.filter(
            trust_id=ret.trust_id,
            framework__name=ret.framework.name,
            period__start_date__lt=ret.period.start_date,
            status=ReturnStatus.ASSURED,
        )
        .select_related("period")
        .order_by("-period__start_date")
        .first()
    )


@dataclass
class WhatChanged:
    """Answer by answer: changes since the last submission and since the last assured return."""

    submitted_at: object = None
    assured: QuarterlyReturn | None = None
    since_submission: dict = field(default_factory=dict)
    since_assured: dict = field(default_factory=dict)
    # Answers whose requirement the last assured return also had.
    matched: set = field(default_factory=set)

    def for_answer(self, answer: Answer) -> dict:
        return {
            "since_submission": self.since_submission.get(answer.pk),
            "since_assured": self.since_assured.get(answer.pk),
            "new_since_assured": self.assured is not None and answer.pk not in self.matched,
        }


def what_changed(
    ret: QuarterlyReturn,
    answers: list[Answer],
    section_code: str | None,
    previous: dict | None = None,
) -> WhatChanged:
    """What changed in these answers (one section's, or with ``section_code`` ``None`` the
    whole return's): at most four queries.

    ``previous`` is the last return's answers by code (``selectors.returns.previous_answers``):
    when that return is assured, it is the one compared with, and read again no more.
    """
    changed = WhatChanged()
    changed.submitted_at = last_submission_before_send_back(ret)
    if changed.submitted_at is not None:
        then = answers_as_at(answers, changed.submitted_at)
        for answer in answers:
            if answer.pk in then:
                changed.since_submission[answer.pk] = differences(then[answer.pk], answer)
    last = next(iter(previous.values())).quarterly_return if previous else None
    if last is not None and last.status == ReturnStatus.ASSURED:
        changed.assured, earlier = last, previous
    else:
        changed.assured = last_assured_before(ret)
        earlier = {}
    if changed.assured is not None and not earlier:
        assured = Answer.objects.filter(quarterly_return=changed.assured)
        if section_code is not None:
            assured = assured.filter(requirement__section__code=section_code)
        earlier = {a.requirement.code: a for a in assured.select_related("requirement")}
    for answer in answers:
        old = earlier.get(answer.requirement.code)
        if old is not None:
            changed.matched.add(answer.pk)
            changed.since_assured[answer.pk] = differences(old, answer)
    return changed
