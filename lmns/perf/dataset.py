"""Builds a national-scale dataset with ``bulk_create``: every LMNS of England and their trusts.

At scale 1 it holds 42 LMNSs in 7 regions, 130 trusts, five financial years of quarters and,
for every installed feature app, that app's data for every trust or LMNS and every quarter.
The feature apps' models are imported inside the functions that need them, guarded by
``apps.is_installed``: the core app must not import them at module level.

Figures are drawn from a seeded random generator, so two builds at one scale are identical.
"""

from __future__ import annotations

import datetime
import importlib
import importlib.util
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from lmns.models import (
    Lmns,
    Membership,
    RagStatus,
    Region,
    ReportingPeriod,
    Role,
    Site,
    SiteType,
    Trust,
    quarter_dates,
)

REGIONS = [
    "North East and Yorkshire",
    "North West",
    "Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
]
BATCH = 2000


@dataclass(frozen=True)
class Scale:
    """How much data to build. ``Scale.of(1)`` is national scale (issue 7)."""

    factor: float
    lmnss: int
    trusts: int
    years: int
    deliverables_per_lmns: int
    budget_lines_per_lmns: int
    risks_per_lmns: int

    @classmethod
    def of(cls, factor: float) -> Scale:
        if factor <= 0:
            raise ValueError("The scale must be greater than 0.")
        lmnss = max(2, round(42 * factor))
        return cls(
            factor=factor,
            lmnss=lmnss,
            trusts=max(2 * lmnss, round(130 * factor)),
            years=max(2, round(5 * factor)),
            deliverables_per_lmns=max(3, round(60 * factor)),
            budget_lines_per_lmns=max(3, round(40 * factor)),
            risks_per_lmns=max(3, round(20 * factor)),
        )


@dataclass
class BenchWorld:
    """What the page measurements need: the measured LMNS, trust and quarter, and personas."""

    lmns: Lmns
    trust: Trust
    period: ReportingPeriod
    previous_period: ReportingPeriod
    users: dict
    lmnss: list[Lmns] = field(default_factory=list)
    trusts: list[Trust] = field(default_factory=list)
    periods: list[ReportingPeriod] = field(default_factory=list)
    scale: Scale | None = None
    counts: dict[str, int] = field(default_factory=dict)

    def trusts_of(self, lmns: Lmns) -> list[Trust]:
        return [t for t in self.trusts if t.lmns_id == lmns.pk]


def batched(items: Iterable, size: int = BATCH) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def bulk(model, objects: Iterable, counts: dict[str, int] | None = None) -> list:
    """``bulk_create`` in batches; returns the saved objects (with primary keys)."""
    saved = []
    for chunk in batched(objects):
        saved.extend(model.objects.bulk_create(chunk, batch_size=BATCH))
    if counts is not None:
        label = model._meta.label
        counts[label] = counts.get(label, 0) + len(saved)
    return saved


def bulk_count(model, objects: Iterable, counts: dict[str, int]) -> None:
    """Like :func:`bulk` for large tables, without keeping the objects in memory."""
    total = 0
    for chunk in batched(objects):
        model.objects.bulk_create(chunk, batch_size=BATCH)
        total += len(chunk)
    counts[model._meta.label] = counts.get(model._meta.label, 0) + total


def recent_quarters(years: int, today: datetime.date) -> list[tuple[int, int]]:
    """``years`` × 4 quarters (start year, quarter), oldest first, ending with today's quarter."""
    start_year = today.year if today.month >= 4 else today.year - 1
    quarter = (today.month - 4) % 12 // 3 + 1
    quarters = []
    for _ in range(years * 4):
        quarters.append((start_year, quarter))
        quarter -= 1
        if quarter == 0:
            start_year, quarter = start_year - 1, 4
    return quarters[::-1]


def _periods(scale: Scale, today: datetime.date, counts: dict) -> list[ReportingPeriod]:
    periods = []
    for start_year, quarter in recent_quarters(scale.years, today):
        start, end = quarter_dates(start_year, quarter)
        periods.append(
            ReportingPeriod(
                start_year=start_year,
                quarter=quarter,
                start_date=start,
                end_date=end,
                submission_deadline=end + datetime.timedelta(days=30),
                is_open=start <= today <= end + datetime.timedelta(days=90),
            )
        )
    return bulk(ReportingPeriod, periods, counts)


def build_core(scale: Scale, today: datetime.date | None = None) -> BenchWorld:
    """Regions, LMNSs, trusts with their units, quarters, and a person per role everywhere."""
    today = today or datetime.date.today()
    counts: dict[str, int] = {}
    regions = bulk(Region, [Region(name=name) for name in REGIONS], counts)
    lmnss = bulk(
        Lmns,
        (
            Lmns(
                name=f"Benchmark LMNS {i:02d}",
                short_name=f"BenchLMNS{i:02d}",
                icb=f"NHS Benchmark {i:02d} ICB",
                region=regions[(i - 1) % len(regions)],
            )
            for i in range(1, scale.lmnss + 1)
        ),
        counts,
    )
    trusts = bulk(
        Trust,
        (
            Trust(
                name=f"Benchmark Hospitals {i:03d} NHS Foundation Trust",
                short_name=f"BH{i:03d}",
                ods_code=f"B{i:03d}",
                lmns=lmnss[(i - 1) % len(lmnss)],
            )
            for i in range(1, scale.trusts + 1)
        ),
        counts,
    )
    bulk(
        Site,
        (
            Site(trust=trust, name=f"{trust.short_name} {label}", site_type=kind)
            for trust in trusts
            for label, kind in (
                ("Hospital", SiteType.OBSTETRIC_LED),
                ("Birth Centre", SiteType.ALONGSIDE_MLU),
            )
        ),
        counts,
    )
    periods = _periods(scale, today, counts)

    user_model = get_user_model()
    password = make_password(None)
    people: list[tuple[str, str, Trust | None, Lmns | None]] = []
    for trust in trusts:
        people.append((f"bench-{trust.ods_code.lower()}-lead", Role.TRUST_LEAD, trust, None))
    for lmns in lmnss:
        people.append((f"bench-{lmns.short_name.lower()}-team", Role.PROGRAMME_TEAM, None, lmns))
        people.append((f"bench-{lmns.short_name.lower()}-board", Role.BOARD_MEMBER, None, lmns))
    users = bulk(
        user_model,
        (
            user_model(
                username=username,
                first_name=username.split("-")[1].upper(),
                last_name=Role(role).label,
                password=password,
            )
            for username, role, _, _ in people
        ),
        counts,
    )
    bulk(
        Membership,
        (
            Membership(user=user, role=role, trust=trust, lmns=lmns)
            for user, (_, role, trust, lmns) in zip(users, people, strict=True)
        ),
        counts,
    )
    by_name = {user.username: user for user in users}
    first_lmns, first_trust = lmnss[0], trusts[0]
    personas = {
        "lead": by_name[f"bench-{first_trust.ods_code.lower()}-lead"],
        "team": by_name[f"bench-{first_lmns.short_name.lower()}-team"],
        "board": by_name[f"bench-{first_lmns.short_name.lower()}-board"],
    }
    return BenchWorld(
        lmns=first_lmns,
        trust=first_trust,
        period=periods[-1],
        previous_period=periods[-2],
        users=personas,
        lmnss=lmnss,
        trusts=trusts,
        periods=periods,
        scale=scale,
        counts=counts,
    )


def find_world() -> BenchWorld | None:
    """The benchmark dataset already in the database (for ``--keep``), or None."""
    lmns = Lmns.objects.filter(short_name="BenchLMNS01").first()
    trust = Trust.objects.filter(ods_code="B001").first()
    periods = list(ReportingPeriod.objects.order_by("-start_date")[:2])
    if lmns is None or trust is None or len(periods) < 2:
        return None
    user_model = get_user_model()
    names = {
        "lead": "bench-b001-lead",
        "team": "bench-benchlmns01-team",
        "board": "bench-benchlmns01-board",
    }
    users = {persona: user_model.objects.filter(username=n).first() for persona, n in names.items()}
    if None in users.values():
        return None
    return BenchWorld(
        lmns=lmns, trust=trust, period=periods[0], previous_period=periods[1], users=users
    )


# -- feature apps ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AppBuilder:
    """One feature app's part of the dataset, built when the app and its models are there."""

    app_label: str
    what: str
    models: tuple[str, ...]
    build: Callable[[BenchWorld], None]

    def missing(self) -> list[str]:
        if not apps.is_installed(self.app_label):
            return [f"the {self.app_label} app"]
        missing = []
        for name in self.models:
            label = name if "." in name else f"{self.app_label}.{name}"
            try:
                apps.get_model(label)
            except LookupError:
                missing.append(label)
        return missing


APP_BUILDERS: list[AppBuilder] = []
"""Run in order after the core."""


def benchmark_modules() -> list:
    """Every installed app's ``<app>/benchmark.py``, found like ``<app>/demo.py``."""
    modules = []
    for config in apps.get_app_configs():
        name = f"{config.name}.benchmark"
        if importlib.util.find_spec(name) is not None:
            modules.append(importlib.import_module(name))
    return modules


def app_builders() -> list[AppBuilder]:
    """The builders listed here, then each app's ``BUILDERS`` from its ``benchmark.py``; the
    board pack is issued last, once every app's data is there."""
    listed = [b for b in APP_BUILDERS if b.app_label != "boardpack"]
    found = [b for module in benchmark_modules() for b in getattr(module, "BUILDERS", ())]
    return [*listed, *found, *(b for b in APP_BUILDERS if b.app_label == "boardpack")]


def rng_for(name: str) -> random.Random:
    return random.Random(f"lmns-benchmark-{name}")


def percent(rng: random.Random, low: int = 40) -> Decimal:
    return Decimal(rng.randint(low * 10, 1000)) / 10


def build(scale: Scale, today: datetime.date | None = None, log=print) -> BenchWorld:
    """The whole dataset: the core, then every installed feature app's data."""
    with transaction.atomic():
        world = build_core(scale, today)
    log(f"  core: {world.counts}")
    for builder in app_builders():
        if missing := builder.missing():
            log(f"  {builder.app_label}: skipped, not there yet: {', '.join(missing)}")
            continue
        before = dict(world.counts)
        with transaction.atomic():
            builder.build(world)
        added = {k: v - before.get(k, 0) for k, v in world.counts.items() if v != before.get(k)}
        log(f"  {builder.app_label} ({builder.what}): {added}")
    return world


def build_assurance(world: BenchWorld) -> None:
    """A return against every active framework for every trust and quarter, all answered.

    Every quarter but the latest is assured, with agreed section ratings and its transitions;
    in the latest quarter half the trusts have submitted and the rest (the measured trust
    among them) are still drafting.
    """
    from assurance.models import (
        Answer,
        ComplianceStatus,
        Framework,
        QuarterlyReturn,
        Requirement,
        ReturnStatus,
        SectionRating,
        Transition,
    )
    from assurance.services import derive_section_percent

    rng = rng_for("assurance")
    frameworks = list(Framework.objects.filter(active=True).order_by("pk"))
    requirements: dict[int, list] = {}
    for requirement in Requirement.objects.select_related("section").order_by("pk"):
        requirements.setdefault(requirement.section.framework_id, []).append(requirement)
    statuses = [
        ComplianceStatus.FULLY_MET,
        ComplianceStatus.FULLY_MET,
        ComplianceStatus.PARTIALLY_MET,
        ComplianceStatus.NOT_MET,
        ComplianceStatus.NOT_APPLICABLE,
    ]
    latest = world.periods[-1]
    lead_by_trust = {
        m.trust_id: m.user_id
        for m in Membership.objects.filter(role=Role.TRUST_LEAD).only("trust_id", "user_id")
    }
    team_by_lmns = {
        m.lmns_id: m.user_id
        for m in Membership.objects.filter(role=Role.PROGRAMME_TEAM).only("lmns_id", "user_id")
    }
    for period in world.periods:
        returns = []
        for trust in world.trusts:
            if period == latest:
                submitted = trust.pk % 2 == 0 and trust != world.trust
                status = ReturnStatus.SUBMITTED if submitted else ReturnStatus.DRAFT
            else:
                status = ReturnStatus.ASSURED
            for framework in frameworks:
                returns.append(
                    QuarterlyReturn(
                        trust=trust,
                        framework=framework,
                        period=period,
                        status=status,
                        version=1 if status == ReturnStatus.DRAFT else 3,
                        updated_by_id=lead_by_trust.get(trust.pk),
                    )
                )
        returns = bulk(QuarterlyReturn, returns, world.counts)
        answers, ratings, transitions = [], [], []
        for quarterly_return in returns:
            framework = quarterly_return.framework
            by_section: dict[int, list] = {}
            for requirement in requirements.get(framework.pk, []):
                status = rng.choice(statuses)
                answer = Answer(
                    quarterly_return=quarterly_return,
                    requirement=requirement,
                    status=status,
                    percent=percent(rng)
                    if framework.reports_percent and status != ComplianceStatus.NOT_APPLICABLE
                    else None,
                    narrative="Evidence reviewed at the maternity governance meeting.",
                    updated_by_id=quarterly_return.updated_by_id,
                )
                answers.append(answer)
                by_section.setdefault(requirement.section_id, []).append(answer)
            assured = quarterly_return.status == ReturnStatus.ASSURED
            for section_id, section_answers in by_section.items():
                derived = derive_section_percent(section_answers)
                ratings.append(
                    SectionRating(
                        quarterly_return=quarterly_return,
                        section_id=section_id,
                        derived_percent=derived,
                        agreed_percent=derived if assured else None,
                    )
                )
            if quarterly_return.status != ReturnStatus.DRAFT:
                transitions.append(
                    Transition(
                        quarterly_return=quarterly_return,
                        from_status=ReturnStatus.DRAFT,
                        to_status=ReturnStatus.SUBMITTED,
                        by_id=quarterly_return.updated_by_id,
                    )
                )
            if assured:
                transitions.append(
                    Transition(
                        quarterly_return=quarterly_return,
                        from_status=ReturnStatus.SUBMITTED,
                        to_status=ReturnStatus.ASSURED,
                        by_id=team_by_lmns.get(quarterly_return.trust.lmns_id),
                    )
                )
        bulk_count(Answer, answers, world.counts)
        bulk_count(SectionRating, ratings, world.counts)
        bulk_count(Transition, transitions, world.counts)


APP_BUILDERS.append(
    AppBuilder(
        "assurance",
        "returns, answers, section ratings",
        ("QuarterlyReturn", "Answer", "SectionRating", "Transition"),
        build_assurance,
    )
)


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
    from deliverables.models import (
        Deliverable,
        DeliverableUpdate,
        Mitigation,
        Plan,
        Risk,
        RiskScore,
        Trajectory,
        TrajectoryActual,
        TrajectoryTarget,
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

    trajectories = bulk(
        Trajectory,
        (
            Trajectory(deliverable=d, metric="Women on a continuity of carer pathway")
            for d in deliverables[::6]
        ),
        world.counts,
    )
    bulk(
        TrajectoryTarget,
        (
            TrajectoryTarget(trajectory=t, due=period.end_date, value=Decimal(35 + 10 * i))
            for t in trajectories
            for i, period in enumerate(world.periods[3::4])
        ),
        world.counts,
    )
    bulk_count(
        TrajectoryActual,
        (
            TrajectoryActual(trajectory=t, period=period, value=percent(rng, 20))
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


APP_BUILDERS.append(
    AppBuilder(
        "deliverables",
        "plans, quarterly updates, trajectories, risks",
        ("Plan", "DeliverableUpdate", "Trajectory", "Risk", "RiskScore", "Mitigation"),
        build_deliverables,
    )
)


def build_boardpack(world: BenchWorld) -> None:
    """Issue every LMNS's pack for the last complete quarter, as its programme team would."""
    from boardpack.services import issue_pack

    teams = {
        m.lmns_id: m.user
        for m in Membership.objects.filter(role=Role.PROGRAMME_TEAM).select_related("user")
    }
    for lmns in world.lmnss:
        issue_pack(lmns=lmns, period=world.previous_period, user=teams[lmns.pk], expected_version=0)
    world.counts["boardpack.BoardPack"] = len(world.lmnss)


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
    from funding.models import BudgetLine, FundingStream, SpendEntry, SpendReturn

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


APP_BUILDERS.append(
    AppBuilder(
        "funding",
        "streams, budget lines, quarterly spend",
        ("FundingStream", "BudgetLine", "SpendReturn", "SpendEntry", "deliverables.Plan"),
        build_funding,
    )
)

APP_BUILDERS.append(
    AppBuilder("boardpack", "packs issued for the last quarter", ("BoardPack",), build_boardpack)
)
