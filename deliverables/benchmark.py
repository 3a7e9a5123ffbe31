"""The deliverables part of ``manage.py benchmark``: per LMNS a five-year plan with quarterly
updates, trajectories and a risk register, and the plan page.

Found by ``lmns.perf.dataset.app_builders`` and ``lmns.perf.pages.all_pages`` like ``demo.py``.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.urls import reverse

from lmns.models import RagStatus
from lmns.perf.dataset import BATCH, AppBuilder, BenchWorld, bulk, bulk_count, percent, rng_for
from lmns.perf.pages import Page, RawSql, table

WORKSTREAMS = [
    "Safer care",
    "Personalised care",
    "Continuity of carer",
    "Perinatal mental health",
    "Workforce",
    "Equity and equality",
]
RAG_WEIGHTS = [("on_track", 6), ("at_risk", 2), ("off_track", 1), ("complete", 1)]


def _rag(rng: random.Random) -> str:
    return rng.choices([s for s, _ in RAG_WEIGHTS], weights=[w for _, w in RAG_WEIGHTS])[0]


def build_deliverables(world: BenchWorld) -> None:
    """Per LMNS a five-year plan of 60 deliverables in six workstreams, each updated every
    quarter, a trajectory on every sixth, and a risk register with scores and mitigations."""
    from quality.models import Ambition, AmbitionActual, AmbitionTarget

    from .models import (
        Deliverable,
        DeliverableUpdate,
        Mitigation,
        Plan,
        Risk,
        RiskScore,
        Workstream,
    )

    rng = rng_for("deliverables")
    scale = world.scale
    first, last = world.periods[0], world.periods[-1]
    plans = bulk(
        Plan,
        (
            Plan(
                lmns=lmns,
                title=f"{lmns.short_name} delivery plan {first.financial_year}–{last.financial_year}",
                period_start=first.start_date,
                period_end=last.end_date,
            )
            for lmns in world.lmnss
        ),
        world.counts,
    )
    workstreams = bulk(
        Workstream,
        (
            Workstream(plan=plan, name=name, sro=f"SRO for {name.lower()}", order=i)
            for plan in plans
            for i, name in enumerate(WORKSTREAMS)
        ),
        world.counts,
    )
    by_plan: dict[int, list] = {}
    for workstream in workstreams:
        by_plan.setdefault(workstream.plan_id, []).append(workstream)
    span = (last.end_date - first.start_date).days
    deliverables = bulk(
        Deliverable,
        (
            Deliverable(
                plan=plan,
                workstream=by_plan[plan.pk][n % len(WORKSTREAMS)],
                number=n + 1,
                title=f"Deliverable {n + 1}: improve {WORKSTREAMS[n % len(WORKSTREAMS)].lower()}",
                text="Implement the national requirement across every trust of the LMNS.",
                owner_name=f"Lead for deliverable {n + 1}",
                due_date=first.start_date + datetime.timedelta(days=rng.randint(0, span)),
            )
            for plan in plans
            for n in range(scale.deliverables_per_lmns)
        ),
        world.counts,
    )
    latest: dict[int, DeliverableUpdate] = {}
    for period in world.periods:
        updates = []
        for deliverable in deliverables:
            status = _rag(rng)
            exception = status in (RagStatus.AT_RISK, RagStatus.OFF_TRACK)
            updates.append(
                DeliverableUpdate(
                    deliverable=deliverable,
                    period=period,
                    status=status,
                    narrative=f"Progress in {period}: work continues with the trusts.",
                    recovery_action="Recovery plan agreed at the LMNS board." if exception else "",
                    recovery_date=period.end_date + datetime.timedelta(days=90)
                    if exception
                    else None,
                )
            )
        for update in bulk(DeliverableUpdate, updates, world.counts):
            latest[update.deliverable_id] = update
    for deliverable in deliverables:
        deliverable.latest_update = latest[deliverable.pk]
        deliverable.status = latest[deliverable.pk].status
    Deliverable.objects.bulk_update(deliverables, ["latest_update", "status"], batch_size=BATCH)

    # A trajectory (a plan's ambition in quality) on every sixth deliverable.
    plan_of = {plan.pk: plan for plan in plans}
    with_target = deliverables[::6]
    trajectories = bulk(
        Ambition,
        (
            Ambition(
                lmns_id=plan_of[d.plan_id].lmns_id,
                kind="plan",
                metric="Women on a continuity of carer pathway",
                in_force_until=last.end_date,
            )
            for d in with_target
        ),
        world.counts,
    )
    for d, ambition in zip(with_target, trajectories, strict=True):
        d.ambition = ambition
    Deliverable.objects.bulk_update(with_target, ["ambition"], batch_size=BATCH)
    bulk(
        AmbitionTarget,
        (
            AmbitionTarget(ambition=t, due=period.end_date, value=Decimal(35 + 10 * i))
            for t in trajectories
            for i, period in enumerate(world.periods[3::4])
        ),
        world.counts,
    )
    bulk_count(
        AmbitionActual,
        (
            AmbitionActual(ambition=t, period=period, value=percent(rng, 20))
            for t in trajectories
            for period in world.periods
        ),
        world.counts,
    )

    risks = bulk(
        Risk,
        (
            Risk(
                lmns=lmns,
                title=f"Risk {i + 1}: {WORKSTREAMS[i % len(WORKSTREAMS)].lower()} may slip",
                description="Vacancies and competing pressures may delay delivery.",
                owner_name="LMNS programme lead",
                likelihood=rng.randint(1, 5),
                impact=rng.randint(1, 5),
                review_date=last.end_date + datetime.timedelta(days=rng.randint(-60, 60)),
            )
            for lmns in world.lmnss
            for i in range(scale.risks_per_lmns)
        ),
        world.counts,
    )
    bulk(
        RiskScore,
        (
            RiskScore(
                risk=risk,
                likelihood=likelihood,
                impact=risk.impact,
                scored_on=scored_on,
            )
            for risk in risks
            for likelihood, scored_on in (
                (min(5, risk.likelihood + 1), world.previous_period.end_date),
                (risk.likelihood, last.start_date),
            )
        ),
        world.counts,
    )
    bulk(
        Mitigation,
        (
            Mitigation(risk=risk, action=action, owner_name="LMNS programme lead")
            for risk in risks
            for action in ("Recruit to vacant posts.", "Escalate to the LMNS board monthly.")
        ),
        world.counts,
    )
    plan_deliverables: dict[int, list] = {}
    for deliverable in deliverables:
        plan_deliverables.setdefault(deliverable.plan_id, []).append(deliverable)
    plan_of_lmns = {plan.lmns_id: plan.pk for plan in plans}
    link = Risk.deliverables.through
    bulk(
        link,
        (
            link(risk=risk, deliverable=rng.choice(plan_deliverables[plan_of_lmns[risk.lmns_id]]))
            for risk in risks
        ),
        world.counts,
    )


def measured_plan(w: BenchWorld):
    from .models import Plan

    plan = Plan.objects.filter(lmns=w.lmns).order_by("pk").first()
    if plan is None:
        raise LookupError("no plan for the measured LMNS")
    return plan


def _plan_sql(w: BenchWorld) -> RawSql:
    return (
        f"SELECT ws.name, d.number, d.part, d.title, d.status, d.due_date, u.narrative "
        f"FROM {table('deliverables.Deliverable')} d "
        f"LEFT JOIN {table('deliverables.Workstream')} ws ON ws.id = d.workstream_id "
        f"LEFT JOIN {table('deliverables.DeliverableUpdate')} u ON u.id = d.latest_update_id "
        f"WHERE d.plan_id = %s ORDER BY d.number, d.part",
        [measured_plan(w).pk],
    )


BUILDERS = [
    AppBuilder(
        "deliverables",
        "plans, quarterly updates, trajectories, risks",
        ("Plan", "DeliverableUpdate", "quality.Ambition", "Risk", "RiskScore", "Mitigation"),
        build_deliverables,
    )
]

PAGES = [
    Page(
        key="plan",
        label="Plan page",
        persona="team",
        app="deliverables",
        url=lambda w: reverse("deliverables:plan_detail", args=[measured_plan(w).pk]),
        raw_sql=_plan_sql,
    ),
]
