"""Reads of the quality measures: each trust × measure series with its SPC result, the LMNS
surveillance matrix (exceptions first) and the trust overview, each in a fixed number of queries.

A chart covers the :data:`CHART_MONTHS` months ending with the chosen month (two years: more than
the 15 points limits need and the 20 Making Data Count advises), so a page costs the same
whatever the length of the history.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.db import connection
from django.db.models import FloatField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from lmns import formatting
from lmns.models import Lmns, Trust
from lmns.people import person_name

from . import spc
from .models import (
    Accreditation,
    AccreditationScheme,
    AccreditationStep,
    Ambition,
    AmbitionActual,
    AmbitionTarget,
    FigureSource,
    FigureStatus,
    Measure,
    MonthlyFigure,
    Rebase,
    Unit,
    month_start,
)

CHART_MONTHS = 24
ROLLING_MONTHS = 12


def add_months(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_ending(month: datetime.date, n: int = CHART_MONTHS) -> list[datetime.date]:
    return [add_months(month, -i) for i in range(n - 1, -1, -1)]


def last_complete_month(today: datetime.date | None = None) -> datetime.date:
    return add_months(month_start(today or timezone.localdate()), -1)


def parse_month(text: str | None) -> datetime.date | None:
    """'2024-03' → 1 March 2024; None for anything else (including months not yet ended)."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        value = datetime.date(year, month, 1)
    except ValueError:
        return None
    return value if 2000 <= year and value <= last_complete_month() else None


# How a value reads, by the measure's unit: a per cent whole ("94%"), a rate per 1,000 births
# with its two decimals ("2.55 per 1,000"), a count whole.
UNIT_FORMATS = {
    Unit.PERCENT: formatting.percent,
    Unit.PER_1000: formatting.per_thousand,
    Unit.COUNT: formatting.whole,
}


def format_value(measure: Measure, value: float | Decimal | None) -> str:
    """A measure's value as a person reads it, decided by the measure's unit ("" for none)."""
    if value is None:
        return ""
    # A float's shortest form first: 93.45 is read as 93.45, not 93.4499….
    return UNIT_FORMATS[Unit(measure.unit)](Decimal(str(value)))


def suppressed(value: float | Decimal | None, threshold: int | None = None) -> str | None:
    """'fewer than N' for a count below the threshold (board packs are public papers)."""
    threshold = settings.QUALITY_SUPPRESS_BELOW if threshold is None else threshold
    if value is None or value >= threshold:
        return None
    return f"fewer than {threshold}"


@dataclass(slots=True)
class SeriesPoint:
    month: datetime.date
    numerator: float | None = None
    denominator: float | None = None
    not_available: bool = False
    status: str = ""
    value: float | None = None
    spc: spc.SpcPoint | None = None
    rolling: float | None = None
    illustrative: bool = False
    target: float | None = None  # the target in force for the month

    @property
    def recorded(self) -> bool:
        return self.not_available or self.numerator is not None


@dataclass
class MeasureSeries:
    trust: Trust
    measure: Measure
    points: list[SeriesPoint]
    result: spc.SpcResult | None
    rebases: list[Rebase] = field(default_factory=list)
    url: str = ""  # the chart page for the series' month
    ambition: Ambition | None = None
    target: AmbitionTarget | None = None  # the ambition's target in force for the latest month

    @property
    def target_value(self) -> Decimal | None:
        """What the assurance icon judges against: the ambition's target in force for the
        latest month, else the measure's own target."""
        if self.target is not None:
            return self.target.value
        if self.ambition is not None and self.ambition.targets_for_measure():
            return None  # the ambition has ended: it judges nothing now
        return self.measure.target

    @property
    def target_text(self) -> str:
        if self.target is not None:
            t = self.target
            value = format_value(self.measure, t.value)
            return f"{t.qualifier}{value} by {t.due:%B %Y} ({self.ambition.get_kind_display()})"
        if self.target_value is not None:
            return format_value(self.measure, self.target_value)
        return ""

    @property
    def current(self) -> SeriesPoint:
        return self.points[-1]

    @property
    def month(self) -> datetime.date:
        return self.current.month

    @cached_property
    def variation(self) -> spc.Variation | None:
        if self.result is None or self.current.value is None:
            return None
        return self.result.variation

    @cached_property
    def assurance(self) -> spc.Assurance | None:
        if self.result is None or self.current.value is None:
            return None
        return self.result.assurance

    @property
    def limits(self) -> spc.Limits | None:
        return self.result.latest_limits if self.result is not None else None

    @cached_property
    def concerning(self) -> bool:
        return self.variation is spc.Variation.CONCERNING

    @cached_property
    def failing(self) -> bool:
        return self.assurance is spc.Assurance.FAILING

    @cached_property
    def is_exception(self) -> bool:
        return self.concerning or self.failing

    @cached_property
    def exception_text(self) -> str:
        parts = []
        if self.concerning:
            rule = self.current.spc.rule.label if self.current.spc else ""
            parts.append(
                f"special cause concerning ({rule})" if rule else "special cause concerning"
            )
        if self.failing:
            parts.append("consistently failing the target")
        return " and ".join(parts)

    @cached_property
    def value_text(self) -> str:
        point = self.current
        if point.not_available:
            return "not available"
        if point.value is None:
            return "not entered"
        return format_value(self.measure, point.value)

    @property
    def rolling_text(self) -> str:
        rate = self.current.rolling
        return "" if rate is None else f"{formatting.per_thousand(rate)} (12 months)"

    @property
    def provisional(self) -> bool:
        return self.current.status == FigureStatus.PROVISIONAL

    @cached_property
    def illustrative(self) -> bool:
        return any(p.illustrative for p in self.points)


SCALES = {Unit.COUNT: None, Unit.PERCENT: 100, Unit.PER_1000: 1000}
ILLUSTRATIVE = FigureSource.ILLUSTRATIVE.value


NO_FIGURES = (None, None, False, "", "")


def build_series(
    trust: Trust,
    measure: Measure,
    months: list[datetime.date],
    figures: dict[datetime.date, tuple],
    rebases: list[Rebase] = (),
    ambition: Ambition | None = None,
) -> MeasureSeries:
    """One trust × measure over ``months`` from its figures (month → numerator, denominator,
    not available, status, source), with the SPC result or, for a rare event, the rolling rate.
    With an ``ambition``, each month carries the target in force for it, and the assurance icon
    judges against the one in force for the latest month."""
    scale = SCALES[measure.unit]
    points = []
    for month in months:
        numerator, denominator, not_available, status, source = figures.get(month, NO_FIGURES)
        if not_available or numerator is None:
            value = None
        elif scale is None:
            value = numerator
        else:
            value = numerator / denominator * scale if denominator else None
        points.append(
            SeriesPoint(
                month, numerator, denominator, not_available, status, value, None, None,
                source == ILLUSTRATIVE,
            )
        )  # fmt: skip
    in_force = None
    if ambition is not None:
        for point in points:
            target = ambition.target_in_force(point.month)
            point.target = float(target.value) if target is not None else None
        in_force = ambition.target_in_force(months[-1])
    result = None
    if measure.rare_event:
        counts = [None if p.not_available else p.numerator for p in points]
        births = [None if p.not_available else p.denominator for p in points]
        for point, rate in zip(points, spc.rolling_rate(counts, births), strict=True):
            point.rolling = rate
    else:
        index = {month: i for i, month in enumerate(months)} if rebases else {}
        if in_force is not None:
            target = float(in_force.value)
        elif ambition is not None and ambition.targets_for_measure():
            target = None
        else:
            target = float(measure.target) if measure.target is not None else None
        result = spc.xmr(
            [p.value for p in points],
            direction=measure.better_direction,
            target=target,
            rebase_at=[index[r.month] for r in rebases if r.month in index],
        )
        for point, spc_point in zip(points, result.points, strict=True):
            point.spc = spc_point
    return MeasureSeries(
        trust, measure, points, result, list(rebases), ambition=ambition, target=in_force
    )


def figures_by_series(
    trusts: list[Trust], measures: list[Measure], months: list[datetime.date]
) -> dict[tuple[int, int], dict[datetime.date, tuple]]:
    """One query: every figure of the trusts and measures in the months.

    The SQL is the ORM's; its rows are read without Django's per-row conversions, which for the
    thousands of figures of a surveillance page would cost more than all its other steps. Figures
    come as floats (the charts compute in floating point) and months are converted once each.
    """
    if not trusts or not measures:
        return {}
    query = MonthlyFigure.objects.filter(
        trust__in=trusts, measure__in=measures, month__gte=months[0], month__lte=months[-1]
    ).values_list(
        "trust_id",
        "measure_id",
        "month",
        Cast("numerator", FloatField()),
        Cast("denominator", FloatField()),
        "not_available",
        "status",
        "source",
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    dates: dict = {}
    out: dict[tuple[int, int], dict[datetime.date, tuple]] = {}
    for trust_id, measure_id, month, num, den, na, status, source in rows:
        day = dates.get(month)
        if day is None:
            day = dates[month] = (
                month if isinstance(month, datetime.date) else datetime.date.fromisoformat(month)
            )
        out.setdefault((trust_id, measure_id), {})[day] = (num, den, bool(na), status, source)
    return out


def rebases_by_series(trusts: list[Trust], measures: list[Measure]) -> dict[tuple, list[Rebase]]:
    out: dict[tuple[int, int], list[Rebase]] = {}
    for rebase in Rebase.objects.filter(trust__in=trusts, measure__in=measures).order_by("month"):
        out.setdefault((rebase.trust_id, rebase.measure_id), []).append(rebase)
    return out


def _ambitions() -> QuerySet[Ambition]:
    return Ambition.objects.select_related("measure", "lmns", "trust").prefetch_related(
        Prefetch("targets", queryset=AmbitionTarget.objects.order_by("due", "pk"))
    )


def ambitions_by_series(trusts: list[Trust], measures: list[Measure]) -> dict[tuple, Ambition]:
    """The ambition that judges each trust × measure: the trust's own, else its LMNS's (the
    first made when there are several). Two queries."""
    if not trusts or not measures:
        return {}
    lmns_ids = {t.lmns_id for t in trusts}
    rows = list(
        _ambitions()
        .filter(measure__in=measures, lmns_id__in=lmns_ids)
        .filter(Q(trust__isnull=True) | Q(trust__in=trusts))
        .order_by("pk")
    )
    out: dict[tuple[int, int], Ambition] = {}
    for trust in trusts:
        for ambition in rows:
            key = (trust.pk, ambition.measure_id)
            if ambition.trust_id == trust.pk:
                if key not in out or out[key].trust_id is None:
                    out[key] = ambition
            elif ambition.trust_id is None and ambition.lmns_id == trust.lmns_id:
                out.setdefault(key, ambition)
    return out


def ambition_with_actuals(pk: int) -> Ambition:
    return (
        _ambitions()
        .prefetch_related(
            Prefetch(
                "actuals",
                queryset=AmbitionActual.objects.select_related("period").order_by(
                    "period__start_date"
                ),
            )
        )
        .get(pk=pk)
    )


def targets_and_latest(
    ambitions: list[Ambition],
) -> dict[int, tuple[list[AmbitionTarget], AmbitionActual | None]]:
    """Each ambition's targets (oldest first) and only its latest actual (not every one), for
    ambitions already loaded: two queries. Targets and actuals get their ambition set, so their
    figures read its unit without a query."""
    if not ambitions:
        return {}
    by_pk = {ambition.pk: ambition for ambition in ambitions}
    found = {pk: ([], None) for pk in by_pk}
    for target in AmbitionTarget.objects.filter(ambition_id__in=list(by_pk)).order_by("due", "pk"):
        target.ambition = by_pk[target.ambition_id]
        found[target.ambition_id][0].append(target)
    latest_of_each = AmbitionActual.objects.filter(ambition=OuterRef("ambition")).order_by(
        "-period__start_date"
    )
    for actual in AmbitionActual.objects.filter(
        ambition_id__in=list(by_pk), pk=Subquery(latest_of_each.values("pk")[:1])
    ).select_related("period"):
        actual.ambition = by_pk[actual.ambition_id]
        found[actual.ambition_id] = (found[actual.ambition_id][0], actual)
    return found


def ambitions_by_id(ids: list[int]) -> dict[int, Ambition]:
    """Ambitions with their targets and actuals: three queries."""
    if not ids:
        return {}
    rows = _ambitions().prefetch_related(
        Prefetch(
            "actuals",
            queryset=AmbitionActual.objects.select_related("period").order_by("period__start_date"),
        )
    )
    return {a.pk: a for a in rows.filter(pk__in=ids)}


def ambitions_of(lmns: Lmns, month: datetime.date) -> list[dict]:
    """The LMNS's ambitions (its own and its trusts'), each with its target in force for the
    month. Three queries."""
    rows = ambitions_by_id(list(lmns.quality_ambitions.values_list("pk", flat=True)))
    ordered = sorted(
        rows.values(),
        key=lambda a: (a.trust is not None, a.trust.short_name if a.trust else "", a.metric),
    )
    return [{"ambition": a, "in_force": a.target_in_force(month)} for a in ordered]


def latest_series(trust: Trust, measures: list[Measure]) -> list[MeasureSeries]:
    """The trust's last complete month of each measure, with its icons and target."""
    month = last_complete_month()
    months = months_ending(month)
    figures = figures_by_series([trust], measures, months)
    rebases = rebases_by_series([trust], measures)
    ambitions = ambitions_by_series([trust], measures)
    out = []
    for m in measures:
        series = build_series(
            trust,
            m,
            months,
            figures.get((trust.pk, m.pk), {}),
            rebases.get((trust.pk, m.pk), []),
            ambitions.get((trust.pk, m.pk)),
        )
        series.url = reverse("quality:chart", args=[trust.pk, m.code])
        out.append(series)
    return out


@dataclass
class AccreditationRow:
    accreditation: Accreditation
    steps: list[AccreditationStep | None]  # one per stage of the scheme, None when not reached

    @property
    def achieved(self) -> list[AccreditationStep]:
        return [s for s in self.steps if s is not None and s.status == "achieved"]


def accreditations_of(lmns: Lmns) -> list[dict]:
    """Each scheme the LMNS's providers hold, with its stages and a row per provider: three
    queries."""
    accreditations = list(
        Accreditation.objects.filter(lmns=lmns)
        .select_related("trust", "scheme")
        .prefetch_related(Prefetch("steps", queryset=AccreditationStep.objects.all()))
        .order_by("scheme__name", "pk")
    )
    scheme_ids = {a.scheme_id for a in accreditations}
    schemes = AccreditationScheme.objects.filter(pk__in=scheme_ids).prefetch_related("stages")
    out = []
    for scheme in schemes.order_by("name"):
        stages = list(scheme.stages.all())
        rows = []
        for accreditation in accreditations:
            if accreditation.scheme_id != scheme.pk:
                continue
            by_stage = {s.stage_id: s for s in accreditation.steps.all()}
            rows.append(AccreditationRow(accreditation, [by_stage.get(st.pk) for st in stages]))
        out.append({"scheme": scheme, "stages": stages, "rows": rows})
    return out


def active_measures() -> list[Measure]:
    return list(Measure.objects.active().order_by("order", "short_name"))


def series_for(trust: Trust, measure: Measure, month: datetime.date) -> MeasureSeries:
    months = months_ending(month)
    figures = figures_by_series([trust], [measure], months).get((trust.pk, measure.pk), {})
    rebases = rebases_by_series([trust], [measure]).get((trust.pk, measure.pk), [])
    ambition = ambitions_by_series([trust], [measure]).get((trust.pk, measure.pk))
    return build_series(trust, measure, months, figures, rebases, ambition)


@dataclass
class Surveillance:
    lmns: Lmns
    month: datetime.date
    trusts: list[Trust]
    measures: list[Measure]
    rows: list[dict]  # {"measure", "cells": [MeasureSeries per trust], "exceptions": int}
    exceptions: list[MeasureSeries]

    @property
    def has_figures(self) -> bool:
        return any(cell.current.recorded for row in self.rows for cell in row["cells"])

    @property
    def provisional(self) -> bool:
        return any(cell.provisional for row in self.rows for cell in row["cells"])

    @property
    def illustrative(self) -> bool:
        return any(cell.illustrative for row in self.rows for cell in row["cells"])


def surveillance(
    lmns: Lmns, month: datetime.date, measures: list[Measure] | None = None
) -> Surveillance:
    """The LMNS's trusts × measures for a month: four queries whatever the data."""
    trusts = list(lmns.trusts.order_by("short_name"))
    measures = active_measures() if measures is None else measures
    months = months_ending(month)
    figures = figures_by_series(trusts, measures, months)
    rebases = rebases_by_series(trusts, measures)
    ambitions = ambitions_by_series(trusts, measures)
    # One reverse per trust, not per cell: the page has a link in each of its cells.
    chart_urls = {t.pk: reverse("quality:chart", args=[t.pk, "-"])[:-2] for t in trusts}
    rows = []
    for measure in measures:
        cells = []
        for trust in trusts:
            series = build_series(
                trust,
                measure,
                months,
                figures.get((trust.pk, measure.pk), {}),
                rebases.get((trust.pk, measure.pk), []),
                ambitions.get((trust.pk, measure.pk)),
            )
            series.url = f"{chart_urls[trust.pk]}{measure.code}/?month={month:%Y-%m}"
            cells.append(series)
        rows.append(
            {"measure": measure, "cells": cells, "exceptions": sum(c.is_exception for c in cells)}
        )
    rows.sort(key=lambda row: (-row["exceptions"], row["measure"].order))
    exceptions = [cell for row in rows for cell in row["cells"] if cell.is_exception]
    exceptions.sort(key=lambda cell: (-cell.concerning - cell.failing, cell.measure.order))
    return Surveillance(lmns, month, trusts, measures, rows, exceptions)


def trust_overview(trust: Trust, month: datetime.date) -> list[MeasureSeries]:
    """Every active measure of one trust for the month, exceptions first."""
    measures = active_measures()
    months = months_ending(month)
    figures = figures_by_series([trust], measures, months)
    rebases = rebases_by_series([trust], measures)
    ambitions = ambitions_by_series([trust], measures)
    series = [
        build_series(
            trust,
            m,
            months,
            figures.get((trust.pk, m.pk), {}),
            rebases.get((trust.pk, m.pk), []),
            ambitions.get((trust.pk, m.pk)),
        )
        for m in measures
    ]
    return sorted(series, key=lambda s: (not s.is_exception, s.measure.order))


def month_figures(trust: Trust, month: datetime.date) -> dict[int, MonthlyFigure]:
    return {
        f.measure_id: f for f in MonthlyFigure.objects.filter(trust=trust, month=month_start(month))
    }


def month_changes(trust: Trust, month: datetime.date, limit: int = 100) -> list[dict]:
    """Who recorded or corrected the month's figures, when, and why; newest first."""
    records = (
        MonthlyFigure.history.filter(trust_id=trust.pk, month=month_start(month))
        .select_related("history_user", "measure")
        .order_by("-history_date")[:limit]
    )
    return [
        {
            "when": r.history_date,
            "who": person_name(r.history_user) if r.history_user else "System",
            "measure": r.measure.short_name,
            "what": "Recorded" if r.history_type == "+" else "Corrected",
            "figures": "not available"
            if r.not_available
            else " / ".join(f"{v:f}" for v in (r.numerator, r.denominator) if v is not None),
            "status": FigureStatus(r.status).label,
            "reason": r.history_change_reason or "",
            "figure_id": r.id,
        }
        for r in records
    ]
