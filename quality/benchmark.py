"""The quality part of ``manage.py benchmark``: every active measure (the starter library's 20)
for every trust, 60 months ending with the last complete month, and the surveillance page.

Found by ``lmns.perf.dataset.app_builders`` and ``lmns.perf.pages.all_pages`` like ``demo.py``.
"""

from __future__ import annotations

from django.urls import reverse

from lmns.perf.dataset import AppBuilder, BenchWorld, bulk_count, rng_for
from lmns.perf.pages import Page, RawSql, table

MONTHS = 60


def build_quality(world: BenchWorld) -> None:
    from .models import FigureSource, FigureStatus, Measure, MonthlyFigure
    from .selectors import last_complete_month, months_ending

    rng = rng_for("quality")
    months = months_ending(last_complete_month(), MONTHS)
    measures = list(Measure.objects.active())

    def figures():
        for trust in world.trusts:
            births = rng.randint(150, 700)
            for measure in measures:
                level = rng.uniform(60, 95)
                for i, month in enumerate(months):
                    final = i < len(months) - 2
                    status = FigureStatus.FINAL if final else FigureStatus.PROVISIONAL
                    if measure.is_count:
                        numerator, denominator = rng.randint(0, 12), None
                    elif measure.rare_event:
                        numerator, denominator = rng.choice((0, 0, 0, 1, 1, 2)), births
                    else:
                        denominator = births
                        numerator = round(births * min(level + rng.gauss(0, 3), 100) / 100)
                    yield MonthlyFigure(
                        trust=trust,
                        measure=measure,
                        month=month,
                        numerator=max(numerator, 0),
                        denominator=denominator,
                        status=status,
                        source=FigureSource.IMPORTED,
                    )

    bulk_count(MonthlyFigure, figures(), world.counts)


def _surveillance_sql(w: BenchWorld) -> RawSql:
    """Every figure of the LMNS's trusts in the months its charts cover."""
    from .selectors import CHART_MONTHS, last_complete_month, months_ending

    months = months_ending(last_complete_month(), CHART_MONTHS)
    return (
        f"SELECT f.trust_id, f.measure_id, f.month, f.numerator, f.denominator "
        f"FROM {table('quality.MonthlyFigure')} f "
        f"JOIN {table('lmns.Trust')} t ON t.id = f.trust_id "
        f"WHERE t.lmns_id = %s AND f.month >= %s AND f.month <= %s",
        [w.lmns.pk, months[0], months[-1]],
    )


BUILDERS = [
    AppBuilder(
        "quality",
        "20 measures × 60 months for every trust",
        ("Measure", "MonthlyFigure"),
        build_quality,
    )
]

PAGES = [
    Page(
        key="quality_surveillance",
        label="Perinatal quality surveillance",
        persona="team",
        app="quality",
        url=lambda w: reverse("quality:surveillance", args=[w.lmns.pk]),
        raw_sql=_surveillance_sql,
    )
]
