"""The funding part of ``manage.py benchmark``: per LMNS and year three funding streams,
budget lines serving the plan's deliverables and a spend return each quarter, and the
funding page of the year.

Found by ``lmns.perf.dataset.app_builders`` and ``lmns.perf.pages.all_pages`` like ``demo.py``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.urls import reverse

from lmns.perf.dataset import AppBuilder, BenchWorld, bulk, bulk_count, rng_for
from lmns.perf.pages import Page, RawSql, table

STREAMS = [
    ("baseline", "Baseline LMNS funding", Decimal("150000")),
    ("A", "Transformation funding", Decimal("250000")),
    ("B", "Perinatal equity funding", Decimal("100000")),
]


def build_funding(world: BenchWorld) -> None:
    """Per LMNS and financial year: three funding streams, 40 budget lines (each serving a
    deliverable, some held by a trust) and a spend return each quarter with an entry per line.
    Past quarters are signed off; the latest is a draft."""
    from deliverables.models import Deliverable

    from .models import BudgetLine, FundingStream, SpendEntry, SpendReturn

    rng = rng_for("funding")
    years = sorted({period.start_year for period in world.periods})
    deliverables: dict[int, list[int]] = {}
    for pk, lmns_id in Deliverable.objects.values_list("pk", "plan__lmns_id").order_by("pk"):
        deliverables.setdefault(lmns_id, []).append(pk)
    trusts = {lmns.pk: world.trusts_of(lmns) for lmns in world.lmnss}
    streams = bulk(
        FundingStream,
        (
            FundingStream(
                lmns=lmns,
                start_year=year,
                kind=kind,
                name=name,
                amount=amount,
                date_notified=datetime.date(year, 4, 1),
            )
            for lmns in world.lmnss
            for year in years
            for kind, name, amount in STREAMS
        ),
        world.counts,
    )
    by_lmns_year: dict[tuple[int, int], list] = {}
    for stream in streams:
        by_lmns_year.setdefault((stream.lmns_id, stream.start_year), []).append(stream)

    def line(lmns, year: int, n: int) -> BudgetLine:
        quarterly = Decimal(rng.randint(2, 40) * 250)
        pay = n % 3 == 0
        return BudgetLine(
            stream=by_lmns_year[(lmns.pk, year)][n % len(STREAMS)],
            title=f"Line {n + 1}: {'Band 7 project manager' if pay else 'Service user pilot'}",
            deliverable_id=deliverables[lmns.pk][n % len(deliverables[lmns.pk])],
            holder_trust=trusts[lmns.pk][n % len(trusts[lmns.pk])] if n % 2 else None,
            category="pay" if pay else "non_pay",
            wte=Decimal("1.00") if pay else None,
            band="7" if pay else "",
            approved_amount=quarterly * 4,
            profile_q1=quarterly,
            profile_q2=quarterly,
            profile_q3=quarterly,
            profile_q4=quarterly,
        )

    lines = bulk(
        BudgetLine,
        (
            line(lmns, year, n)
            for lmns in world.lmnss
            for year in years
            for n in range(world.scale.budget_lines_per_lmns)
        ),
        world.counts,
    )
    lines_by: dict[tuple[int, int], list] = {}
    stream_of = {stream.pk: stream for stream in streams}
    for budget_line in lines:
        stream = stream_of[budget_line.stream_id]
        lines_by.setdefault((stream.lmns_id, stream.start_year), []).append(budget_line)
    latest = world.periods[-1]
    returns = bulk(
        SpendReturn,
        (
            SpendReturn(
                lmns=lmns,
                period=period,
                status="draft" if period == latest else "signed_off",
                version=1 if period == latest else 3,
            )
            for lmns in world.lmnss
            for period in world.periods
        ),
        world.counts,
    )
    period_of = {period.pk: period for period in world.periods}

    def entries():
        for spend_return in returns:
            period = period_of[spend_return.period_id]
            for budget_line in lines_by[(spend_return.lmns_id, period.start_year)]:
                profile = budget_line.profile_for(period.quarter)
                actual = (profile * Decimal(rng.randint(60, 115)) / 100).quantize(Decimal("1"))
                yield SpendEntry(
                    spend_return=spend_return,
                    budget_line=budget_line,
                    quarter=period.quarter,
                    actual=actual,
                    accruals=Decimal(rng.randint(0, 4) * 100),
                    commitments=Decimal(rng.randint(0, 8) * 250),
                    forecast_outturn=budget_line.approved_amount,
                    narrative="Recruitment later than planned." if actual < profile else "",
                )

    bulk_count(SpendEntry, entries(), world.counts)


def _funding_sql(w: BenchWorld) -> RawSql:
    """Each budget line of the year with its spend, accruals and commitments so far."""
    return (
        f"SELECT bl.id, bl.title, bl.approved_amount, SUM(e.actual), SUM(e.accruals), "
        f"SUM(e.commitments) "
        f"FROM {table('funding.BudgetLine')} bl "
        f"JOIN {table('funding.FundingStream')} s ON s.id = bl.stream_id "
        f"LEFT JOIN {table('funding.SpendEntry')} e ON e.budget_line_id = bl.id "
        f"WHERE s.lmns_id = %s AND s.start_year = %s "
        f"GROUP BY bl.id, bl.title, bl.approved_amount ORDER BY bl.title",
        [w.lmns.pk, w.period.start_year],
    )


BUILDERS = [
    AppBuilder(
        "funding",
        "streams, budget lines, quarterly spend",
        ("FundingStream", "BudgetLine", "SpendReturn", "SpendEntry", "deliverables.Plan"),
        build_funding,
    )
]

PAGES = [
    Page(
        key="funding",
        label="Funding page (the year)",
        persona="team",
        app="funding",
        url=lambda w: reverse("funding:year", args=[w.lmns.pk, w.period.start_year]),
        raw_sql=_funding_sql,
    ),
]
