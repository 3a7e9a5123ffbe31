"""Downloads: the surveillance figures as XLSX (with mean, limits and icons) and the CSV template."""

from __future__ import annotations

from lmns.exports import MONTH, Sheet, csv_text, workbook
from lmns.models import Lmns

from .models import Measure
from .selectors import Surveillance, last_complete_month

HEADERS = [
    "Trust",
    "ODS code",
    "Measure id",
    "Measure",
    "Unit",
    "Month",
    "Numerator",
    "Denominator",
    "Value",
    "Not available",
    "Status",
    "Mean",
    "Lower process limit",
    "Upper process limit",
    "Special cause rule",
    "Variation (this month)",
    "Assurance (this month)",
    "Target",
    "Rolling 12-month rate per 1,000",
]


def _number(value) -> float | None:
    return None if value is None else float(value)


def surveillance_workbook(data: Surveillance) -> bytes:
    """One row per trust, measure and month of the charts, the month's icons on its last row."""
    about = [
        ["LMNS", data.lmns.name],
        ["Month", f"{data.month:%B %Y}"],
        ["Figures", "Provisional" if data.provisional else "Final"],
    ]
    if data.illustrative:
        about.append(["Illustrative figures", "Demonstration data, not real trust figures"])
    about.append(["Limits", "Mean ± 2.66 × mean moving range (Making Data Count)"])
    figures = Sheet("Figures", HEADERS, formats={"Month": MONTH})
    for row in data.rows:
        for series in row["cells"]:
            m = series.measure
            for i, p in enumerate(series.points):
                if not p.recorded:
                    continue
                limits = p.spc.limits if p.spc else None
                last = i == len(series.points) - 1
                figures.rows.append(
                    [
                        series.trust.short_name,
                        series.trust.ods_code,
                        m.code,
                        m.short_name,
                        m.get_unit_display(),
                        p.month,
                        _number(p.numerator),
                        _number(p.denominator),
                        p.value,
                        "yes" if p.not_available else "",
                        p.status,
                        limits.mean if limits else None,
                        limits.lower if limits and limits.drawn else None,
                        limits.upper if limits and limits.drawn else None,
                        p.spc.rule.label if p.spc else "",
                        series.variation.label if last and series.variation else "",
                        series.assurance.label if last and series.assurance else "",
                        _number(m.target),
                        p.rolling,
                    ]
                )
    return workbook([Sheet("About", [], preamble=about, table=False), figures])


def template_csv(lmns: Lmns) -> str:
    """The product's import template: a row per trust and measure MSDS does not publish, for the
    last complete month, figures left empty to fill in."""
    month = last_complete_month()
    measures = Measure.objects.active().filter(msds_measure_id="").order_by("order")
    rows = [
        [f"{month:%Y-%m}", trust.ods_code, measure.code, "", ""]
        for trust in lmns.trusts.order_by("short_name")
        for measure in measures
    ]
    return csv_text(["month", "ods_code", "measure_id", "numerator", "denominator"], rows)
