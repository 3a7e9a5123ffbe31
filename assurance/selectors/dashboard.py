"""Reads behind the compliance dashboard, the trend view, the returns list and the board section.

Dashboards show **agreed** compliance only: ``SectionRating.agreed_percent`` of an **assured**
return. A trust whose return is not yet assured shows its workflow state instead of figures.

Quarters are compared by framework *name* and section *code*, so a trust's figures still line
up across a new version of a framework (past returns keep pointing at their own version).
Every function here makes a fixed number of queries, whatever the number of trusts or quarters.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, F, Max, QuerySet

from lmns.models import Lmns, ReportingPeriod, Trust
from lmns.templatetags.lmns_tags import signed

from ..models import (
    Answer,
    EvidenceFile,
    Framework,
    QuarterlyReturn,
    ReturnStatus,
    Section,
    SectionRating,
)

DEFAULT_FRAMEWORK = "Ockenden interim"
TREND_QUARTERS = 8
HIGH, LOW = 95, 75  # band thresholds: ≥95, 75–94, below 75

BANDS = {
    "high": "95% or more",
    "medium": "75–94%",
    "low": "below 75%",
}
# Shown in each cell, so the band never depends on colour alone.
BAND_SHORT = {"high": "≥95", "medium": "75–94", "low": "<75"}

NOT_STARTED = "not_started"
NOT_ASKED = "not_asked"
STATUS_LABELS = {
    NOT_STARTED: "Not started",
    NOT_ASKED: "Not collected",
    **dict(ReturnStatus.choices),
}
AWAITING_REVIEW = (ReturnStatus.SUBMITTED, ReturnStatus.UNDER_REVIEW)
SUBMITTED_STATUSES = (ReturnStatus.SUBMITTED, ReturnStatus.UNDER_REVIEW, ReturnStatus.ASSURED)


def band_for(percent: Decimal | None) -> str:
    """The colour band of a figure, judged on the whole per cent the page shows."""
    if percent is None:
        return ""
    shown = percent.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    if shown >= HIGH:
        return "high"
    if shown >= LOW:
        return "medium"
    return "low"


def change_text(change: Decimal | None) -> str:
    """▲ 5 / ▼ 3 / no change; a change too small to show as a whole number keeps its decimal."""
    if change is None:
        return ""
    text = signed(change)
    if text == "no change" and change != 0:
        return f"▲ {change}" if change > 0 else f"▼ {abs(change)}"
    return text


# -- frameworks and periods ---------------------------------------------------------------


def active_frameworks() -> list[Framework]:
    return list(Framework.objects.filter(active=True).order_by("name", "-version"))


def default_framework(frameworks: list[Framework]) -> Framework | None:
    """Ockenden interim when it is active, else the first active framework."""
    for framework in frameworks:
        if framework.short_name == DEFAULT_FRAMEWORK:
            return framework
    return frameworks[0] if frameworks else None


def all_periods() -> list[ReportingPeriod]:
    return list(ReportingPeriod.objects.started().order_by("-start_date"))


def default_period(lmns: Lmns, framework: Framework) -> ReportingPeriod | None:
    """The quarter the dashboard opens on: the latest with agreed figures in this LMNS.

    Failing that, the latest quarter with any return, then the latest open quarter. (A draft
    for the current quarter has no agreed figures yet, so opening on it would show none.)
    """
    returns = QuarterlyReturn.objects.filter(
        trust__lmns=lmns, framework__name=framework.name
    ).order_by("-period__start_date")
    period_id = (
        returns.filter(status=ReturnStatus.ASSURED).values_list("period_id", flat=True).first()
        or returns.values_list("period_id", flat=True).first()
    )
    if period_id is None:
        return ReportingPeriod.objects.latest_open() or ReportingPeriod.objects.last()
    return ReportingPeriod.objects.get(pk=period_id)


def previous_period(period: ReportingPeriod) -> ReportingPeriod | None:
    year, quarter = (
        (period.start_year, period.quarter - 1)
        if period.quarter > 1
        else (
            period.start_year - 1,
            4,
        )
    )
    return ReportingPeriod.objects.filter(start_year=year, quarter=quarter).first()


def periods_up_to(period: ReportingPeriod, count: int = TREND_QUARTERS) -> list[ReportingPeriod]:
    """The ``count`` quarters ending with ``period``, oldest first."""
    recent = ReportingPeriod.objects.filter(start_date__lte=period.start_date).order_by(
        "-start_date"
    )[:count]
    return list(reversed(recent))


def sections_of(framework: Framework) -> list[Section]:
    return list(framework.sections.order_by("order", "code"))


def agreed_figures(
    trusts: QuerySet[Trust] | list[Trust],
    framework: Framework,
    periods: list[ReportingPeriod],
) -> dict[tuple[int, int, str], Decimal | None]:
    """Agreed per cents of assured returns: ``{(trust_id, period_id, section code): percent}``."""
    rows = SectionRating.objects.filter(
        quarterly_return__trust__in=trusts,
        quarterly_return__framework__name=framework.name,
        quarterly_return__period__in=periods,
        quarterly_return__status=ReturnStatus.ASSURED,
    ).values_list(
        "quarterly_return__trust_id",
        "quarterly_return__period_id",
        "section__code",
        "agreed_percent",
    )
    return {(trust_id, period_id, code): pct for trust_id, period_id, code, pct in rows}


# -- the heatmap --------------------------------------------------------------------------


@dataclass
class Cell:
    section: Section
    percent: Decimal | None
    previous: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.percent is None or self.previous is None:
            return None
        return self.percent - self.previous

    @property
    def is_new(self) -> bool:
        """Rated this quarter, with no agreed figure last quarter."""
        return self.percent is not None and self.previous is None

    @property
    def changed(self) -> bool:
        """The rating moved since last quarter: the panel reviews these first (seed 000)."""
        return self.change is not None and self.change != 0

    @property
    def change_text(self) -> str:
        return "new" if self.is_new else change_text(self.change)

    @property
    def band(self) -> str:
        return band_for(self.percent)

    @property
    def band_label(self) -> str:
        return BANDS.get(self.band, "not rated")

    @property
    def band_short(self) -> str:
        return BAND_SHORT.get(self.band, "")


@dataclass
class TrustRow:
    trust: Trust
    status: str  # a ReturnStatus value, or NOT_STARTED
    cells: list[Cell] = field(default_factory=list)
    return_id: int | None = None

    @property
    def assured(self) -> bool:
        return self.status == ReturnStatus.ASSURED

    @property
    def awaiting_review(self) -> bool:
        """Submitted and waiting for the LMNS: the heatmap links to it."""
        return self.status in AWAITING_REVIEW

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def awaiting_text(self) -> str:
        if self.status == NOT_STARTED:
            return "no return yet"
        return f"awaiting assurance: {self.status_label}"

    @property
    def changed_count(self) -> int:
        return sum(cell.changed for cell in self.cells)


@dataclass
class ComplianceGrid:
    lmns: Lmns
    framework: Framework
    period: ReportingPeriod
    previous_period: ReportingPeriod | None
    sections: list[Section]
    rows: list[TrustRow]
    # Every trust of the LMNS, asked for this framework or not (the returns table's rows).
    trusts: list[Trust] = field(default_factory=list)

    @property
    def provisional(self) -> bool:
        """Some trust's figures are not yet agreed."""
        return any(not row.assured for row in self.rows)

    @property
    def assured_count(self) -> int:
        return sum(row.assured for row in self.rows)

    @property
    def changed_count(self) -> int:
        return sum(row.changed_count for row in self.rows if row.assured)


def compliance_grid(
    lmns: Lmns,
    framework: Framework,
    period: ReportingPeriod,
    asked: set[int] | None = None,
) -> ComplianceGrid:
    """Trust × section agreed compliance for one quarter, with the change since the previous.

    ``asked``: the trusts the LMNS collects this framework from in the quarter (None when it has
    set up no collection for the quarter: every trust is shown); a trust not asked is shown only
    if it made a return all the same.

    Five queries: the previous quarter, sections, trusts, this quarter's return states, and the
    agreed ratings of both quarters together.
    """
    previous = previous_period(period)
    sections = sections_of(framework)
    trusts = list(lmns.trusts.order_by("name"))
    made = {
        trust_id: (status, pk)
        for trust_id, status, pk in QuarterlyReturn.objects.filter(
            trust__lmns=lmns, framework__name=framework.name, period=period
        ).values_list("trust_id", "status", "pk")
    }
    statuses = {trust_id: status for trust_id, (status, _) in made.items()}
    every_trust = trusts
    if asked is not None:
        trusts = [t for t in trusts if t.pk in asked or t.pk in made]
    periods = [period] + ([previous] if previous else [])
    figures = agreed_figures(lmns.trusts.all(), framework, periods)
    rows = []
    for trust in trusts:
        row = TrustRow(
            trust=trust,
            status=statuses.get(trust.pk, NOT_STARTED),
            return_id=made.get(trust.pk, (None, None))[1],
        )
        for section in sections:
            row.cells.append(
                Cell(
                    section=section,
                    percent=figures.get((trust.pk, period.pk, section.code)),
                    previous=(
                        figures.get((trust.pk, previous.pk, section.code)) if previous else None
                    ),
                )
            )
        rows.append(row)
    return ComplianceGrid(lmns, framework, period, previous, sections, rows, every_trust)


def changed_ratings(lmns: Lmns, framework: Framework, period: ReportingPeriod) -> list[dict]:
    """Agreed figures of assured returns the LMNS changed from the derived one, with the reason."""
    rows = (
        SectionRating.objects.filter(
            quarterly_return__trust__lmns=lmns,
            quarterly_return__framework__name=framework.name,
            quarterly_return__period=period,
            quarterly_return__status=ReturnStatus.ASSURED,
        )
        .exclude(agreed_percent=F("derived_percent"))
        .exclude(agreed_percent__isnull=True)
        .order_by("quarterly_return__trust__name", "section__order", "section__code")
        .values(
            "quarterly_return__trust__short_name",
            "section__code",
            "section__title",
            "derived_percent",
            "agreed_percent",
            "change_reason",
        )
    )
    return [
        {
            "trust": r["quarterly_return__trust__short_name"],
            "code": r["section__code"],
            "title": r["section__title"],
            "derived": r["derived_percent"],
            "agreed": r["agreed_percent"],
            "reason": r["change_reason"],
        }
        for r in rows
    ]


# -- returns status ---------------------------------------------------------------------


@dataclass
class ReturnState:
    framework: Framework
    status: str
    last_change: object  # datetime or None
    return_id: int | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def submitted(self) -> bool:
        return self.status in SUBMITTED_STATUSES

    @property
    def asked(self) -> bool:
        return self.status != NOT_ASKED


@dataclass
class TrustReturns:
    trust: Trust
    states: list[ReturnState]


def returns_status(
    lmns: Lmns,
    period: ReportingPeriod,
    frameworks: list[Framework],
    trusts: list[Trust] | None = None,
    asked: set[tuple[int, int]] | None = None,
) -> list[TrustReturns]:
    """Each trust × framework: its return's workflow state and when it last changed.

    ``asked`` holds the (trust, framework) pairs the LMNS collects in the period: a pair not
    asked and with no return reads "Not collected", never "not submitted". None: every pair.
    The last change is the latest workflow step, or the last save of a return never moved on.
    """
    if trusts is None:
        trusts = list(lmns.trusts.order_by("name"))
    returns = {
        (r["trust_id"], r["framework_id"]): r
        for r in QuarterlyReturn.objects.filter(
            trust__lmns=lmns, period=period, framework__in=frameworks
        )
        .annotate(last_step=Max("transitions__at"))
        .values("id", "trust_id", "framework_id", "status", "updated_at", "last_step")
    }
    result = []
    for trust in trusts:
        states = []
        for framework in frameworks:
            found = returns.get((trust.pk, framework.pk))
            if found is None:
                missing = NOT_STARTED
                if asked is not None and (trust.pk, framework.pk) not in asked:
                    missing = NOT_ASKED
                states.append(ReturnState(framework, missing, None, None))
                continue
            last_change = found["last_step"] or found["updated_at"]
            states.append(ReturnState(framework, found["status"], last_change, found["id"]))
        result.append(TrustReturns(trust, states))
    return result


# -- trends -------------------------------------------------------------------------------


@dataclass
class SectionTrend:
    section: Section
    points: list[tuple[ReportingPeriod, Decimal | None]]

    @property
    def latest(self) -> Decimal | None:
        return self.points[-1][1] if self.points else None


def latest_assured_period(trust: Trust, framework: Framework) -> ReportingPeriod | None:
    period_id = (
        QuarterlyReturn.objects.filter(
            trust=trust, framework__name=framework.name, status=ReturnStatus.ASSURED
        )
        .order_by("-period__start_date")
        .values_list("period_id", flat=True)
        .first()
    )
    if period_id is None:
        return ReportingPeriod.objects.latest_open() or ReportingPeriod.objects.last()
    return ReportingPeriod.objects.get(pk=period_id)


def trust_trend(
    trust: Trust, framework: Framework, end_period: ReportingPeriod
) -> tuple[list[ReportingPeriod], list[SectionTrend]]:
    """Each section's agreed per cent over the last eight quarters up to ``end_period``."""
    periods = periods_up_to(end_period)
    sections = sections_of(framework)
    figures = agreed_figures([trust], framework, periods)
    trends = [
        SectionTrend(
            section=section,
            points=[(p, figures.get((trust.pk, p.pk, section.code))) for p in periods],
        )
        for section in sections
    ]
    return periods, trends


def mean_compliance_by_trust(
    lmns: Lmns, framework: Framework, periods: list[ReportingPeriod]
) -> dict[tuple[int, int], Decimal]:
    """Mean agreed per cent over a trust's sections per quarter (assured returns), in SQL."""
    rows = (
        SectionRating.objects.filter(
            quarterly_return__trust__lmns=lmns,
            quarterly_return__framework__name=framework.name,
            quarterly_return__period__in=periods,
            quarterly_return__status=ReturnStatus.ASSURED,
            agreed_percent__isnull=False,
        )
        .values("quarterly_return__trust_id", "quarterly_return__period_id")
        .annotate(mean=Avg("agreed_percent"))
        .order_by()
    )
    return {
        (r["quarterly_return__trust_id"], r["quarterly_return__period_id"]): Decimal(
            str(r["mean"])
        ).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        for r in rows
    }


def history_by_trust_section(
    lmns: Lmns, framework: Framework, periods: list[ReportingPeriod]
) -> dict[tuple[int, str], list[Decimal | None]]:
    """``{(trust_id, code): [percent per period, oldest first]}`` for the LMNS, one query."""
    figures = agreed_figures(lmns.trusts.all(), framework, periods)
    series: dict[tuple[int, str], list[Decimal | None]] = defaultdict(lambda: [None] * len(periods))
    index = {p.pk: i for i, p in enumerate(periods)}
    for (trust_id, period_id, code), percent in figures.items():
        series[(trust_id, code)][index[period_id]] = percent
    return series


def describe_evidence(evidence: EvidenceFile) -> str:
    """An evidence file in words that repeat nothing of its name or content (a purge's record)."""
    answer = evidence.answer
    ret = answer.quarterly_return
    return (
        f"Evidence file {evidence.pk} of {ret.trust.short_name} {ret.period}, "
        f"{answer.requirement.code}"
    )


def describe_answer(answer: Answer) -> str:
    ret = answer.quarterly_return
    return f"Answer to {answer.requirement.code} of {ret.trust.short_name} {ret.period}"
