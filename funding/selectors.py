"""Reads for the funding pages: every total is summed in the database, with a fixed query count.

Figures "to date" run from Q1 to a chosen quarter of the financial year:

* profile to date: the sum of the line's quarterly profile up to that quarter;
* actual to date: the sum of the quarters' actual expenditure up to that quarter;
* accruals, commitments and forecast outturn: from the latest return up to that quarter
  (they are positions, not flows); a line not yet reported is forecast at its approved amount;
* variance against profile: actual to date minus profile to date (negative = under profile);
* variance against allocation: forecast minus allocation (negative = forecast underspend).

A line is *reported* to a quarter once its entry for that quarter is saved (an entered £0 is a
report). A line not yet reported has no actual to date (shown "not yet reported", never £0), and
both its profile and its actual are left out of the comparison with profile; the profile left out
is summed separately (``profile_unreported``) so that pages can show it beside the comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from lmns.access import Access, Scope
from lmns.models import Lmns, ReportingPeriod, Trust

from .models import (
    MONEY,
    QUARTERS,
    BudgetLine,
    FundingStream,
    SpendEntry,
    SpendReturn,
    SpendReturnStatus,
    TrustCompletion,
    TrustCompletionTransition,
)

DEC = DecimalField(**{**MONEY, "max_digits": 14})
ZERO = Decimal("0")
FIGURES = (
    "approved",
    "profile",
    "actual",
    "accruals",
    "commitments",
    "forecast",
    "profile_unreported",
)
FUNDING_READERS = (
    "The LMNS funding pages are for the programme team and board. "
    "Your trust's lines are under Funding held on your trust's page."
)
LINE_SCOPE = Scope.lmns("stream__lmns", wide=True)


def readable_lines(access: Access) -> QuerySet[BudgetLine]:
    """Lines of LMNSs the person reads in full, plus lines held by trusts they lead."""
    qs = BudgetLine.objects.all()
    return access.scope(qs, LINE_SCOPE) | access.scope(qs, Scope.trust("holder_trust"))


def money_value(amount: Decimal | int) -> Value:
    return Value(Decimal(amount), output_field=DEC)


def exceeds_threshold(variance: Decimal | None, base: Decimal | None) -> bool:
    """True when a variance is beyond BOTH the per-cent and the pounds threshold (settings).

    A variance not known (a line not yet reported) is never beyond them.
    """
    if variance is None:
        return False
    base = base or ZERO
    pounds = Decimal(settings.FUNDING_VARIANCE_THRESHOLD_POUNDS)
    percent = Decimal(settings.FUNDING_VARIANCE_THRESHOLD_PERCENT)
    size = abs(variance)
    if size <= pounds:
        return False
    if base == 0:
        return True
    return size * 100 > abs(base) * percent


def _profile_to(quarter: int):
    if quarter < 1:
        return money_value(0)
    expression = F("profile_q1")
    for q in range(2, quarter + 1):
        expression = expression + F(f"profile_q{q}")
    return ExpressionWrapper(expression, output_field=DEC)


def annotate_figures(lines: QuerySet[BudgetLine], to_quarter: int) -> QuerySet[BudgetLine]:
    """Each line with its figures to the end of ``to_quarter``, computed in SQL.

    ``reported``: the line's entry for ``to_quarter`` is saved. Otherwise ``actual`` and
    ``variance_profile`` are None, and its profile to date is in ``profile_unreported``.
    """
    entries = SpendEntry.objects.filter(budget_line=OuterRef("pk"), quarter__lte=to_quarter)
    actual = entries.order_by().values("budget_line").annotate(total=Sum("actual")).values("total")
    latest = entries.order_by("-quarter")
    reported = Exists(SpendEntry.objects.filter(budget_line=OuterRef("pk"), quarter=to_quarter))
    return (
        lines.annotate(
            reported=reported,
            profile=_profile_to(to_quarter),
            approved=F("approved_amount"),
        )
        .annotate(
            actual=Case(
                When(
                    reported=True,
                    then=Coalesce(Subquery(actual, output_field=DEC), money_value(0)),
                ),
                default=None,
                output_field=DEC,
            ),
            profile_reported=Case(
                When(reported=True, then=F("profile")), default=money_value(0), output_field=DEC
            ),
            profile_unreported=Case(
                When(reported=True, then=money_value(0)), default=F("profile"), output_field=DEC
            ),
            accruals=Coalesce(Subquery(latest.values("accruals")[:1]), money_value(0)),
            commitments=Coalesce(Subquery(latest.values("commitments")[:1]), money_value(0)),
            forecast=Coalesce(
                Subquery(latest.values("forecast_outturn")[:1]),
                F("approved_amount"),
                output_field=DEC,
            ),
        )
        .annotate(
            variance_profile=ExpressionWrapper(F("actual") - F("profile"), output_field=DEC),
            variance_approved=ExpressionWrapper(F("forecast") - F("approved"), output_field=DEC),
        )
    )


def _sums() -> dict:
    """Totals of a group of lines: the profile compared is that of the reported lines only."""
    sums = {f"sum_{name}": Coalesce(Sum(name), money_value(0)) for name in FIGURES}
    sums["sum_profile"] = Coalesce(Sum("profile_reported"), money_value(0))
    sums["lines_total"] = Count("pk")
    sums["lines_reported"] = Count("pk", filter=Q(reported=True))
    return sums


def _with_variances(row: dict, allocation: Decimal | None = None) -> dict:
    for name in FIGURES:
        row[name] = row.pop(f"sum_{name}", row.get(name, ZERO))
    row.setdefault("lines_total", 0)
    row.setdefault("lines_reported", 0)
    if row["lines_total"] and not row["lines_reported"]:
        # Nothing reported yet: no actual to compare (never £0).
        row["actual"] = None
        row["variance_profile"] = None
    else:
        row["variance_profile"] = row["actual"] - row["profile"]
    row["variance_approved"] = row["forecast"] - row["approved"]
    if allocation is not None:
        row["allocation"] = allocation
        row["variance_allocation"] = row["forecast"] - allocation
        row["unallocated"] = allocation - row["approved"]
    return row


@dataclass
class FundingYear:
    lmns: Lmns
    start_year: int
    to_quarter: int
    streams: list[dict] = field(default_factory=list)
    holders: list[dict] = field(default_factory=list)
    lines: list[BudgetLine] = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    returns: dict[int, SpendReturn] = field(default_factory=dict)

    @property
    def financial_year(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def quarter_statuses(self) -> list[tuple[int, str]]:
        return [
            (q, self.returns[q].get_status_display() if q in self.returns else "Not started")
            for q in QUARTERS
        ]

    @property
    def trusts_total(self) -> int:
        """Trusts holding lines this year."""
        return sum(1 for h in self.holders if h["holder_trust"])

    @property
    def trusts_reported(self) -> int:
        """Trusts whose every line is reported to the quarter."""
        return sum(
            1 for h in self.holders if h["holder_trust"] and h["lines_reported"] == h["lines_total"]
        )

    @property
    def trusts_reported_text(self) -> str:
        """ "2 of 3 trusts reported Q3", or "" when no trust holds a line."""
        if not self.trusts_total:
            return ""
        noun = "trust" if self.trusts_total == 1 else "trusts"
        return f"{self.trusts_reported} of {self.trusts_total} {noun} reported Q{self.to_quarter}"

    @property
    def provisional(self) -> bool:
        """True unless every quarter to date has a signed-off return."""
        return any(
            q not in self.returns or self.returns[q].status != SpendReturnStatus.SIGNED_OFF
            for q in range(1, self.to_quarter + 1)
        )


def year_lines(lmns: Lmns, start_year: int) -> QuerySet[BudgetLine]:
    return BudgetLine.objects.filter(stream__lmns=lmns, stream__start_year=start_year)


def returns_for_year(lmns: Lmns, start_year: int) -> dict[int, SpendReturn]:
    qs = SpendReturn.objects.filter(lmns=lmns, period__start_year=start_year).select_related(
        "period"
    )
    return {r.period.quarter: r for r in qs}


def default_quarter(returns: dict[int, SpendReturn]) -> int:
    """The latest quarter with a spend return, or Q1 when none has been started."""
    return max(returns, default=1)


def funding_year(
    lmns: Lmns, start_year: int, to_quarter: int | None = None, *, with_lines: bool = True
) -> FundingYear:
    """The LMNS funding page's figures: per stream, per holder, per line and in total."""
    returns = returns_for_year(lmns, start_year)
    quarter = to_quarter or default_quarter(returns)
    year = FundingYear(lmns, start_year, quarter, returns=returns)
    figures = annotate_figures(year_lines(lmns, start_year), quarter)

    streams = list(FundingStream.objects.filter(lmns=lmns, start_year=start_year).order_by("kind"))
    by_stream = {
        row["stream"]: row for row in figures.order_by().values("stream").annotate(**_sums())
    }
    empty = dict.fromkeys(FIGURES, ZERO)
    for stream in streams:
        row = dict(by_stream.get(stream.pk, empty))
        year.streams.append({**_with_variances(row, stream.amount), "stream": stream})

    for row in (
        figures.order_by()
        .values("holder_trust", "holder_trust__name", "holder_trust__short_name")
        .annotate(**_sums())
        .order_by("holder_trust__name")
    ):
        row["name"] = row["holder_trust__name"] or "LMNS (held centrally)"
        year.holders.append(_with_variances(row))

    totals = figures.aggregate(**_sums())
    allocation = sum((s.amount for s in streams), ZERO) if streams else ZERO
    year.totals = _with_variances(totals, allocation)
    if with_lines:
        year.lines = list(
            figures.select_related("stream", "deliverable", "holder_trust").order_by(
                "stream__kind", "holder_trust__name", "title"
            )
        )
    return year


def years_with_streams(lmns: Lmns) -> list[dict]:
    """Each financial year with an allocation, with its total allocation (summed in SQL)."""
    return list(
        FundingStream.objects.filter(lmns=lmns)
        .order_by("-start_year")
        .values("start_year")
        .annotate(allocation=Sum("amount"))
    )


@dataclass
class Month6Review:
    year: FundingYear
    on_track: bool
    verdict: str
    behind: list[BudgetLine]
    ahead: list[BudgetLine]


def month6_review(lmns: Lmns, start_year: int) -> Month6Review:
    """The region's month-6 question: will the LMNS spend its full allocation, line by line?"""
    year = funding_year(lmns, start_year, to_quarter=2)
    verdict, on_track = forecast_verdict(year.totals)
    behind = sorted(
        (line for line in year.lines if line.reported and line.variance_profile < 0),
        key=lambda line: line.variance_profile,
    )
    ahead = sorted(
        (line for line in year.lines if line.reported and line.variance_profile > 0),
        key=lambda line: -line.variance_profile,
    )
    for line in behind + ahead:
        line.significant = exceeds_threshold(line.variance_profile, line.profile)
    return Month6Review(year, on_track, verdict, behind, ahead)


def forecast_verdict(totals: dict) -> tuple[str, bool]:
    """The forecast against the allocation, in words."""
    from lmns.templatetags.lmns_tags import money

    variance = totals["variance_allocation"]
    allocation = totals["allocation"]
    if not exceeds_threshold(variance, allocation):
        if variance == 0:
            return "On track to spend its full allocation.", True
        direction = "under" if variance < 0 else "over"
        return (
            f"On track to spend its full allocation (forecast {money(abs(variance))} "
            f"{direction}, within the thresholds).",
            True,
        )
    if variance < 0:
        return f"Forecast to underspend the allocation by {money(-variance)}.", False
    return f"Forecast to overspend the allocation by {money(variance)}.", False


def trust_lines(trust: Trust, start_year: int, to_quarter: int) -> tuple[list[BudgetLine], dict]:
    """The lines a trust holds in a year, with figures and totals summed in SQL."""
    figures = annotate_figures(
        BudgetLine.objects.filter(holder_trust=trust, stream__start_year=start_year), to_quarter
    )
    lines = list(figures.select_related("stream", "deliverable").order_by("stream__kind", "title"))
    totals = _with_variances(figures.aggregate(**_sums()))
    return lines, totals


def trust_years(trust: Trust) -> list[int]:
    return list(
        FundingStream.objects.filter(lmns_id=trust.lmns_id)
        .order_by("-start_year")
        .values_list("start_year", flat=True)
        .distinct()
    )


def latest_return_quarter(lmns_id: int, start_year: int) -> int:
    quarter = SpendReturn.objects.filter(lmns_id=lmns_id, period__start_year=start_year).aggregate(
        q=Max("period__quarter")
    )["q"]
    return quarter or 1


def spend_return_of(lmns: Lmns, period: ReportingPeriod) -> SpendReturn | None:
    """The LMNS's return for ``period`` with the people named on its page, or None."""
    return (
        lmns.spend_returns.filter(period=period)
        .select_related("lmns", "period", "submitted_by", "signed_off_by")
        .first()
    )


def return_lines(lmns: Lmns, period: ReportingPeriod, lines: QuerySet[BudgetLine]) -> list[dict]:
    """Lines of a quarter's return with this quarter's entry (or None) and profile, fixed queries."""
    lines = list(
        lines.filter(stream__lmns=lmns, stream__start_year=period.start_year)
        .select_related("stream", "deliverable", "holder_trust")
        .order_by("stream__kind", "holder_trust__name", "title")
    )
    entries = {
        e.budget_line_id: e
        for e in SpendEntry.objects.filter(
            spend_return__lmns=lmns,
            spend_return__period=period,
            budget_line__in=[line.pk for line in lines],
        )
    }
    rows = []
    for line in lines:
        entry = entries.get(line.pk)
        profile = line.profile_for(period.quarter)
        variance = entry.actual - profile if entry else None
        rows.append({"line": line, "entry": entry, "profile": profile, "variance": variance})
    return rows


def trusts_reported_text(rows: list[dict], quarter: int) -> str:
    """ "2 of 3 trusts reported Q3" for a return's rows (each trust counts once all its lines are)."""
    lines_by_trust: dict[int, list[bool]] = {}
    for row in rows:
        if row["line"].holder_trust_id:
            lines_by_trust.setdefault(row["line"].holder_trust_id, []).append(bool(row["entry"]))
    if not lines_by_trust:
        return ""
    done = sum(1 for entered in lines_by_trust.values() if all(entered))
    noun = "trust" if len(lines_by_trust) == 1 else "trusts"
    return f"{done} of {len(lines_by_trust)} {noun} reported Q{quarter}"


@dataclass
class HolderState:
    """A holding trust's lines in one quarter's return: entered, complete, or entered for it."""

    trust: Trust
    completion: TrustCompletion | None = None
    lines: int = 0
    entered: int = 0
    on_behalf: int = 0

    @property
    def complete(self) -> bool:
        return self.completion is not None and self.completion.is_complete

    @property
    def entered_by_team(self) -> bool:
        """Every line has figures and the programme team entered some for the trust."""
        return self.entered == self.lines and self.on_behalf > 0

    @property
    def settled(self) -> bool:
        """What submitting the return waits for: complete, or entered by the team."""
        return self.complete or self.entered_by_team


def holder_states(
    lmns: Lmns,
    period: ReportingPeriod,
    spend_return: SpendReturn | None,
    rows: list[dict] | None = None,
) -> list[HolderState]:
    """Each trust holding lines among ``rows`` (default: every line of the quarter), by name.

    One query for the completions (plus two for the rows when not given).
    """
    if rows is None:
        rows = return_lines(lmns, period, BudgetLine.objects.all())
    completions = (
        {
            c.trust_id: c
            for c in TrustCompletion.objects.filter(spend_return=spend_return).select_related(
                "completed_by"
            )
        }
        if spend_return is not None and spend_return.pk
        else {}
    )
    for completion in completions.values():
        completion.spend_return = spend_return  # read by the steps' permission rules
    states: dict[int, HolderState] = {}
    for row in rows:
        trust = row["line"].holder_trust
        if trust is None:
            continue
        state = states.setdefault(trust.pk, HolderState(trust, completions.get(trust.pk)))
        state.lines += 1
        if row["entry"] is not None:
            state.entered += 1
            state.on_behalf += int(row["entry"].on_behalf)
    return sorted(states.values(), key=lambda state: state.trust.name)


def return_timeline(spend_return: SpendReturn | None) -> list:
    """The return's steps and its trusts' completion steps, oldest first (two queries)."""
    if spend_return is None:
        return []
    steps = list(spend_return.transitions.select_related("by"))
    steps += TrustCompletionTransition.objects.filter(
        completion__spend_return=spend_return
    ).select_related("by", "completion__trust")
    return sorted(steps, key=lambda step: step.at)


def trusts_complete_text(states: list[HolderState]) -> str:
    """ "2 of 3 trusts complete": holding trusts that marked their lines complete."""
    if not states:
        return ""
    done = sum(1 for state in states if state.complete)
    noun = "trust" if len(states) == 1 else "trusts"
    return f"{done} of {len(states)} {noun} complete"


def quarterly_grid(lmns: Lmns, start_year: int) -> dict[tuple[int, int], Decimal]:
    """Actual expenditure by (line, quarter), from one grouped query."""
    rows = (
        SpendEntry.objects.filter(
            budget_line__stream__lmns=lmns, budget_line__stream__start_year=start_year
        )
        .order_by()
        .values("budget_line", "quarter")
        .annotate(total=Sum("actual"))
    )
    return {(r["budget_line"], r["quarter"]): r["total"] for r in rows}


def quarter_totals_by_stream(lmns: Lmns, start_year: int) -> dict[tuple[int, int], Decimal]:
    rows = (
        SpendEntry.objects.filter(
            budget_line__stream__lmns=lmns, budget_line__stream__start_year=start_year
        )
        .order_by()
        .values("budget_line__stream", "quarter")
        .annotate(total=Sum("actual"))
    )
    return {(r["budget_line__stream"], r["quarter"]): r["total"] for r in rows}


def profile_totals_by_stream(lmns: Lmns, start_year: int) -> dict[int, dict]:
    rows = (
        year_lines(lmns, start_year)
        .order_by()
        .values("stream")
        .annotate(**{f"q{q}": Sum(f"profile_q{q}") for q in QUARTERS})
    )
    return {r["stream"]: r for r in rows}


def describe_entry(entry: SpendEntry) -> str:
    """A spend entry in words that repeat nothing of its narrative (a purge's record)."""
    return f"Spend entry {entry.pk}: budget line {entry.budget_line_id}, Q{entry.quarter}"
