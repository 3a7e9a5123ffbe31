"""The board pack's "Quality and safety measures" section (contract: docs/board-sections.md).

The quarter's last month is shown: its exceptions (special cause concerning, targets
consistently failed) with small SPC charts, and every measure's value per trust. Packs are often
published as public papers, so counts below ``QUALITY_SUPPRESS_BELOW`` read "fewer than N", and
count measures get no chart in the pack (a chart would show the small numbers).
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from lmns.board import BoardSection, Link, Message, Section, Table, number, percent, text
from lmns.models import Lmns, ReportingPeriod
from lmns.text import excerpt

from .charts import spc_svg
from .models import Unit
from .selectors import (
    MeasureSeries,
    accreditations_of,
    ambitions_of,
    last_complete_month,
    month_start,
    suppressed,
    surveillance,
)

MAX_CHARTS = 8


def _shown(series: MeasureSeries) -> str:
    """The month's value as a public paper may show it."""
    point = series.current
    if series.measure.unit == Unit.COUNT or series.measure.rare_event:
        count = point.numerator if not point.not_available else None
        small = suppressed(count)
        if small:
            return small
    if series.measure.rare_event and point.numerator is not None:
        text = f"{point.numerator:.0f}"
        return f"{text} ({series.rolling_text})" if series.rolling_text else text
    return series.value_text


def _figure(series: MeasureSeries):
    """The month's value as a typed cell: a per cent or a number when it may be shown as one,
    else the words a public paper shows ("fewer than 5", "not entered")."""
    point, shown = series.current, _shown(series)
    if point.not_available or point.value is None or series.measure.rare_event:
        return text(shown)
    if series.measure.unit == Unit.COUNT and suppressed(point.numerator):
        return text(shown)
    value = Decimal(str(point.value))
    return percent(value) if series.measure.unit == Unit.PERCENT else number(value)


def section_month(period: ReportingPeriod):
    """The quarter's last month, or the last complete month while the quarter runs."""
    return min(month_start(period.end_date), last_complete_month())


def exception_view(n: int, series: MeasureSeries, month) -> dict:
    """One exception with its small SPC chart (none for counts, nor past the eighth)."""
    chart = ""
    if n < MAX_CHARTS and series.measure.unit != Unit.COUNT:
        chart = spc_svg(series, f"board-quality-{n}", small=True, suppress=None)
    return {
        "trust": series.trust.short_name,
        "measure": series.measure.short_name,
        "value": _shown(series),
        "why": series.exception_text,
        "variation": series.variation.value if series.variation else "",
        "assurance": series.assurance.value if series.assurance else "",
        "chart_svg": chart,
        "url": reverse("quality:chart", args=[series.trust.pk, series.measure.code])
        + f"?month={month:%Y-%m}",
    }


def measure_tables(data, month) -> list[Table]:
    """The month's exceptions and every measure by trust, typed where a figure may show."""
    return [
        Table(
            "quality_exceptions",
            f"Quality and safety exceptions, {month:%B %Y}",
            ["Trust", "Measure", "Value", "Why"],
            [
                [text(s.trust.short_name), text(s.measure.short_name), _figure(s)]
                + [text(s.exception_text)]
                for s in data.exceptions
            ],
        ),
        Table(
            "quality_measures",
            f"Quality and safety measures by trust, {month:%B %Y}",
            ["Measure", *(t.short_name for t in data.trusts)],
            [
                [text(row["measure"].short_name), *(_figure(cell) for cell in row["cells"])]
                for row in data.rows
            ],
        ),
    ]


def quality_tables(data, month, ambitions: list[dict], accreditations: list[dict]) -> list[Table]:
    return [
        *measure_tables(data, month),
        Table(
            "quality_targets",
            f"Ambitions and targets in force, {month:%B %Y}",
            ["Ambition", "For", "Baseline", "Target in force", "Source"],
            [
                [a["metric"], a["scope"], a["baseline"], a["in_force"], a["source"]]
                for a in ambitions
            ],
        ),
        Table(
            "quality_accreditations",
            "Accreditation stages by provider",
            ["Scheme", "Provider", "Achieved", "Planned"],
            [[a["scheme"], a["provider"], a["achieved"], a["planned"]] for a in accreditations],
        ),
    ]


def quality_links(lmns: Lmns, month) -> list[Link]:
    return [
        Link(
            f"Perinatal quality surveillance, {month:%B %Y}",
            reverse("quality:surveillance", args=[lmns.pk]) + f"?month={month:%Y-%m}",
        ),
        Link("Ambitions and targets", reverse("quality:ambitions", args=[lmns.pk])),
        Link("Accreditations", reverse("quality:accreditations", args=[lmns.pk])),
    ]


def quality_section(lmns: Lmns, month, data, ambitions: list, accreditations: list) -> Section:
    """The section from what the selectors read (no queries)."""
    exceptions = [exception_view(n, series, month) for n, series in enumerate(data.exceptions)]
    return Section(
        has_data=data.has_figures,
        provisional=data.provisional,
        messages=[
            Message(f"{row['measure']} at {row['trust']}: {row['why']}", 65)
            for row in exceptions[:5]
        ],
        tables=quality_tables(data, month, ambitions, accreditations),
        links=quality_links(lmns, month),
        view={
            "illustrative": data.illustrative,
            "month": f"{month:%B %Y}",
            "exceptions": exceptions,
            "trusts": [t.short_name for t in data.trusts],
            "rows": [
                [row["measure"].short_name, *(_shown(cell) for cell in row["cells"])]
                for row in data.rows
            ],
            "ambitions": ambitions,
            "accreditations": accreditations,
        },
    )


def build_quality(lmns: Lmns, period: ReportingPeriod) -> Section:
    month = section_month(period)
    return quality_section(
        lmns, month, surveillance(lmns, month), _ambitions(lmns, month), _accreditations(lmns)
    )


def _ambitions(lmns: Lmns, month) -> list[dict]:
    """The LMNS's ambitions with the target in force for the month (three queries)."""
    out = []
    for row in ambitions_of(lmns, month):
        a, in_force = row["ambition"], row["in_force"]
        baseline = ""
        if a.baseline_value is not None:
            year = f"{a.baseline_date:%Y}" if a.baseline_date else "year not stated"
            baseline = f"{a.baseline_text} ({year})"
            if a.baseline_illustrative:
                baseline += ", illustrative"
        if in_force is not None:
            target = f"{in_force.value_text} by {in_force.due:%B %Y}"
        elif a.in_force_until:
            target = f"none: its targets ran to {a.in_force_until:%B %Y}"
        else:
            target = "none"
        out.append(
            {
                "metric": a.metric,
                "kind": a.get_kind_display(),
                "scope": a.trust.short_name if a.trust else lmns.short_name,
                "baseline": baseline,
                "in_force": target,
                "source": a.source,
                "note": excerpt(a.note)[0],  # the whole note: the ambitions page (linked)
            }
        )
    return out


def _accreditations(lmns: Lmns) -> list[dict]:
    """Each provider's highest stage achieved and its next planned assessment (four queries)."""
    out = []
    for scheme in accreditations_of(lmns):
        for row in scheme["rows"]:
            achieved = row.achieved
            planned = [s for s in row.steps if s is not None and s.status == "planned"]
            out.append(
                {
                    "scheme": scheme["scheme"].name,
                    "provider": row.accreditation.short_name,
                    "achieved": f"{achieved[-1].stage.name}: {achieved[-1].text}"
                    if achieved
                    else "none yet",
                    "planned": f"{planned[0].stage.name}: {planned[0].text}" if planned else "",
                }
            )
    return out


SECTIONS = [
    BoardSection(
        key="quality",
        title="Quality and safety measures",
        order=25,
        template="quality/board_section.html",
        build=build_quality,
        sources=(
            "quality.Accreditation",
            "quality.AccreditationScheme",
            "quality.AccreditationStage",
            "quality.AccreditationStep",
            "quality.Ambition",
            "quality.AmbitionActual",
            "quality.AmbitionTarget",
            "quality.Measure",
            "quality.MonthlyFigure",
            "quality.Rebase",
            "lmns.Lmns",
            "lmns.ReportingPeriod",
            "lmns.Trust",
        ),
    )
]
