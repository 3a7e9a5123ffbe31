"""Reads for the return entry and workflow pages (the dashboard's are in ``dashboard.py``).

Each function issues a fixed number of queries whatever the size of the return.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from lmns.models import ReportingPeriod, Trust

from ..models import (
    Answer,
    EvidenceFile,
    Framework,
    QuarterlyReturn,
    ReturnStatus,
    Section,
    SectionRating,
    Transition,
)
from ..services import answer_problems, answers_for_return


def returns_for_trust(trust: Trust) -> QuerySet[QuarterlyReturn]:
    return (
        QuarterlyReturn.objects.filter(trust=trust)
        .select_related("framework", "period", "updated_by")
        .order_by("-period__start_date", "framework__name")
    )


def readable_returns() -> QuerySet[QuarterlyReturn]:
    """The base queryset for one return's pages; scope it with the access helper."""
    return QuarterlyReturn.objects.select_related(
        "trust__lmns", "framework", "period", "declared_by"
    )


@dataclass
class SectionProgress:
    section: Section
    answers: list[Answer] = field(default_factory=list)
    rating: SectionRating | None = None

    @property
    def total(self) -> int:
        return len(self.answers)

    @property
    def done(self) -> int:
        return sum(1 for answer in self.answers if not answer_problems(answer))

    @property
    def complete(self) -> bool:
        return self.done == self.total

    @property
    def derived_percent(self) -> Decimal | None:
        return self.rating.derived_percent if self.rating else None


def section_progress(ret: QuarterlyReturn) -> list[SectionProgress]:
    """Every section of the return's framework with its answers and rating: three queries."""
    rows = {
        section.pk: SectionProgress(section)
        for section in Section.objects.filter(framework_id=ret.framework_id).order_by(
            "order", "code"
        )
    }
    for answer in answers_for_return(ret):
        rows[answer.requirement.section_id].answers.append(answer)
    for rating in SectionRating.objects.filter(quarterly_return=ret):
        if rating.section_id in rows:
            rows[rating.section_id].rating = rating
    return list(rows.values())


def timeline(ret: QuarterlyReturn) -> list[Transition]:
    return list(ret.transitions.select_related("by").order_by("at", "pk"))


def latest_return_comment(transitions: list[Transition]) -> Transition | None:
    """The LMNS's comment when it last sent the return back to the trust."""
    sent_back = [t for t in transitions if t.to_status == ReturnStatus.RETURNED]
    return sent_back[-1] if sent_back else None


def evidence_by_answer(answers: list[Answer]) -> dict[int, list[EvidenceFile]]:
    files: dict[int, list[EvidenceFile]] = defaultdict(list)
    for evidence in EvidenceFile.objects.filter(answer__in=answers).select_related(
        "uploaded_by", "withdrawn_by"
    ):
        files[evidence.answer_id].append(evidence)
    return files


def previous_period(period: ReportingPeriod) -> ReportingPeriod | None:
    return (
        ReportingPeriod.objects.filter(start_date__lt=period.start_date)
        .order_by("-start_date")
        .first()
    )


def last_return_before(ret: QuarterlyReturn) -> QuarterlyReturn | None:
    """This trust's last return of the same framework before this one's period.

    Same framework name (any version: a new version keeps its codes where the requirement
    carried over), whichever earlier period it was for: a framework collected twice a year, or a
    quarter missed, still finds its last answers.
    """
    return (
        QuarterlyReturn.objects.filter(
            trust_id=ret.trust_id,
            framework__name=ret.framework.name,
            period__start_date__lt=ret.period.start_date,
        )
        .select_related("period")
        .order_by("-period__start_date")
        .first()
    )


def previous_answers(ret: QuarterlyReturn, section: Section) -> dict[str, Answer]:
    """The last return's answers for this section (:func:`last_return_before`), by code."""
    last = last_return_before(ret)
    if last is None:
        return {}
    answers = Answer.objects.filter(
        quarterly_return=last, requirement__section__code=section.code
    ).select_related("requirement", "quarterly_return__period")
    return {answer.requirement.code: answer for answer in answers}


def evidence_readable(qs: QuerySet[EvidenceFile] | None = None) -> QuerySet[EvidenceFile]:
    qs = qs if qs is not None else EvidenceFile.objects.all()
    return qs.select_related("answer__quarterly_return__trust", "answer__requirement__section")


def start_return_defaults(trust: Trust) -> dict:
    """What "Start a return" offers first: the framework that is due and the period it is due for.

    The framework due is the one the trust's LMNS collected most recently (the latest period's
    returns of any of its trusts), not the first alphabetically; the period is the earliest open
    period in which this trust has not yet started that framework's return, else the latest open.
    """
    latest = (
        QuarterlyReturn.objects.filter(trust__lmns_id=trust.lmns_id, framework__active=True)
        .order_by("-period__start_date", "framework__name")
        .values_list("framework_id", flat=True)
        .first()
    )
    framework = Framework.objects.filter(pk=latest).first() if latest else None
    open_periods = ReportingPeriod.objects.started().filter(is_open=True)
    period = None
    if framework:
        started = QuarterlyReturn.objects.filter(trust=trust, framework=framework).values(
            "period_id"
        )
        period = open_periods.exclude(pk__in=started).order_by("start_date").first()
    period = period or open_periods.order_by("-start_date").first()
    return {"framework": framework, "period": period}


def history_parts(ret: QuarterlyReturn) -> list[tuple]:
    """The return's parts on its History page, answer by answer: each answer's and each
    section rating's changes, named by requirement or section code."""
    return [
        (
            Answer.history.filter(quarterly_return_id=ret.pk).select_related("requirement"),
            lambda row: f"Requirement {row.requirement.code}",
        ),
        (
            SectionRating.history.filter(quarterly_return_id=ret.pk).select_related("section"),
            lambda row: f"Section {row.section.code}",
        ),
    ]


def history_steps(ret: QuarterlyReturn) -> list[dict]:
    """The return's workflow steps as History rows: from which state to which, and why."""
    from lmns.people import person_name

    label = dict(ReturnStatus.choices)
    return [
        {
            "when": step.at,
            "who": person_name(step.by) or "System",
            "field": "Workflow step",
            "old": label.get(step.from_status, step.from_status),
            "new": label.get(step.to_status, step.to_status)
            + (f" – “{step.comment}”" if step.comment else ""),
        }
        for step in ret.transitions.select_related("by")
    ]


def ratings_to_agree(ret: QuarterlyReturn) -> list[SectionRating]:
    """The return's section ratings in the framework's order, for the sign-off form."""
    return list(
        SectionRating.objects.filter(quarterly_return=ret)
        .select_related("section")
        .order_by("section__order", "section__code")
    )
