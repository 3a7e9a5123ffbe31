"""Builds a national-scale dataset with ``bulk_create``: every LMNS of England and their trusts.

At scale 1 it holds 42 LMNSs in 7 regions, 130 trusts and five financial years of quarters,
with a person per role everywhere. Each installed app adds its own data for every trust or
LMNS and every quarter through the ``BUILDERS`` of its ``<app>/benchmark.py`` (found like
``<app>/demo.py``): the core names no feature app.

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
    Notification,
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


def _notifications(scale: Scale, users: list, counts: dict) -> None:
    """Every person's bell: more notifications than the list shows at scale 1, the older
    half read."""
    per_person = max(10, round(150 * scale.factor))
    read_at = datetime.datetime.now(datetime.UTC)
    bulk_count(
        Notification,
        (
            Notification(
                recipient=user,
                kind="benchmark",
                text=f"Benchmark notification {n} for {user.username}",
                url="/help/",
                key=f"benchmark:{n}",
                read_at=read_at if n < per_person // 2 else None,
            )
            for user in users
            for n in range(per_person)
        ),
        counts,
    )


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
    _notifications(scale, users, counts)
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


def benchmark_modules() -> list:
    """Every installed app's ``<app>/benchmark.py``, found like ``<app>/demo.py``, in the order
    of ``INSTALLED_APPS``."""
    modules = []
    for config in apps.get_app_configs():
        name = f"{config.name}.benchmark"
        if importlib.util.find_spec(name) is not None:
            modules.append(importlib.import_module(name))
    return modules


def app_builders() -> list[AppBuilder]:
    """Each app's ``BUILDERS`` from its ``benchmark.py``, run in the order of ``INSTALLED_APPS``:
    an app is built after the apps it depends on (a board pack is issued once the data it
    summarises is there)."""
    return [b for module in benchmark_modules() for b in getattr(module, "BUILDERS", ())]


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
