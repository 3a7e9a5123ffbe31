"""The pages the benchmark measures, and the hand-written SQL each page's main table needs.

Each page is requested through Django's test client as the persona who uses it. The raw SQL
is the single aggregate behind the page's main table, written by hand with
``connection.cursor()``: the page's time divided by it says how much the page costs beyond
the one query it cannot do without.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from .dataset import BenchWorld

RawSql = tuple[str, list]


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    persona: str
    url: Callable[[BenchWorld], str]
    raw_sql: Callable[[BenchWorld], RawSql]
    budget_ms: int = 150
    app: str = "lmns"


def table(model_label: str) -> str:
    """The quoted database table of a model, for hand-written SQL."""
    return connection.ops.quote_name(apps.get_model(model_label)._meta.db_table)


def _home_sql(w: BenchWorld) -> RawSql:
    return (
        f"SELECT m.role, COALESCE(t.name, l.name) AS organisation "
        f"FROM {table('lmns.Membership')} m "
        f"LEFT JOIN {table('lmns.Trust')} t ON t.id = m.trust_id "
        f"LEFT JOIN {table('lmns.Lmns')} l ON l.id = m.lmns_id "
        f"WHERE m.user_id = %s ORDER BY m.role",
        [w.users["lead"].pk],
    )


def model(label: str):
    return apps.get_model(label)


def _measured_return(w: BenchWorld):
    """The measured trust's draft return in the latest quarter, against Ockenden interim."""
    return (
        model("assurance.QuarterlyReturn")
        .objects.filter(trust=w.trust, period=w.period, framework__reports_percent=True)
        .order_by("framework__published", "pk")
        .first()
    )


def _measured_section(w: BenchWorld):
    """The section of the measured return with the most requirements."""
    quarterly_return = _measured_return(w)
    if quarterly_return is None:
        raise LookupError("no return for the measured trust and quarter")
    section = (
        model("assurance.Section")
        .objects.filter(framework_id=quarterly_return.framework_id)
        .annotate(n=Count("requirements"))
        .order_by("-n", "order")
        .first()
    )
    return quarterly_return, section


def _section_url(w: BenchWorld) -> str:
    quarterly_return, section = _measured_section(w)
    return reverse("assurance:section_edit", args=[quarterly_return.pk, section.pk])


def _section_sql(w: BenchWorld) -> RawSql:
    quarterly_return, section = _measured_section(w)
    return (
        f"SELECT r.code, r.text, a.status, a.percent, a.narrative, a.evidence "
        f"FROM {table('assurance.Answer')} a "
        f"JOIN {table('assurance.Requirement')} r ON r.id = a.requirement_id "
        f"WHERE a.quarterly_return_id = %s AND r.section_id = %s ORDER BY r.{qn('order')}",
        [quarterly_return.pk, section.pk],
    )


def _compliance_sql(w: BenchWorld, period) -> RawSql:
    """Agreed per cent per trust and section of the LMNS, this quarter and the one before."""
    framework = _measured_return(w).framework_id
    return (
        f"SELECT t.name, s.code, q.period_id, AVG(sr.agreed_percent) "
        f"FROM {table('assurance.SectionRating')} sr "
        f"JOIN {table('assurance.QuarterlyReturn')} q ON q.id = sr.quarterly_return_id "
        f"JOIN {table('lmns.Trust')} t ON t.id = q.trust_id "
        f"JOIN {table('assurance.Section')} s ON s.id = sr.section_id "
        f"WHERE t.lmns_id = %s AND q.framework_id = %s AND q.period_id IN (%s, %s) "
        f"AND q.status = 'assured' "
        f"GROUP BY t.name, s.code, q.period_id ORDER BY t.name, s.code",
        [w.lmns.pk, framework, period.pk, _period_before(period).pk],
    )


def _period_before(period):
    return (
        model("lmns.ReportingPeriod")
        .objects.filter(start_date__lt=period.start_date)
        .order_by("-start_date")
        .first()
    ) or period


def _plan(w: BenchWorld):
    plan = model("deliverables.Plan").objects.filter(lmns=w.lmns).order_by("pk").first()
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
        [_plan(w).pk],
    )


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


def qn(name: str) -> str:
    return connection.ops.quote_name(name)


PAGES: list[Page] = [
    Page(
        key="home",
        label="Home",
        persona="lead",
        url=lambda w: reverse("home"),
        raw_sql=_home_sql,
    ),
    Page(
        key="dashboard",
        label="LMNS compliance dashboard",
        persona="team",
        app="assurance",
        url=lambda w: reverse("assurance:dashboard", args=[w.lmns.pk]),
        raw_sql=lambda w: _compliance_sql(w, w.previous_period),
    ),
    Page(
        key="return_section",
        label="Return entry (a section)",
        persona="lead",
        app="assurance",
        url=_section_url,
        raw_sql=_section_sql,
    ),
    Page(
        key="plan",
        label="Plan page",
        persona="team",
        app="deliverables",
        url=lambda w: reverse("deliverables:plan_detail", args=[_plan(w).pk]),
        raw_sql=_plan_sql,
    ),
    Page(
        key="funding",
        label="Funding page (the year)",
        persona="team",
        app="funding",
        url=lambda w: reverse("funding:year", args=[w.lmns.pk, w.period.start_year]),
        raw_sql=_funding_sql,
    ),
    Page(
        key="board_pack_live",
        label="Board pack (live, as the team sees it)",
        persona="team",
        app="boardpack",
        url=lambda w: reverse("boardpack:pack", args=[w.lmns.pk, w.previous_period.pk]),
        raw_sql=lambda w: _compliance_sql(w, w.previous_period),
        budget_ms=300,
    ),
    Page(
        key="board_pack",
        label="Board pack (issued, as the board reads it)",
        persona="board",
        app="boardpack",
        url=lambda w: reverse("boardpack:pack", args=[w.lmns.pk, w.previous_period.pk]),
        raw_sql=lambda w: _compliance_sql(w, w.previous_period),
        budget_ms=300,
    ),
]


def all_pages() -> list[Page]:
    """The pages listed here, then each app's ``PAGES`` from its ``benchmark.py``."""
    from .dataset import benchmark_modules

    return [*PAGES, *(p for module in benchmark_modules() for p in getattr(module, "PAGES", ()))]


@dataclass
class Measurement:
    key: str
    label: str
    persona: str
    url: str
    status: str
    median_ms: float | None = None
    p95_ms: float | None = None
    cpu_ms: float | None = None
    queries: int | None = None
    raw_ms: float | None = None
    budget_ms: int = 150

    @property
    def ratio(self) -> float | None:
        if self.median_ms is None or not self.raw_ms:
            return None
        return self.median_ms / self.raw_ms

    @property
    def within_budget(self) -> bool | None:
        return None if self.median_ms is None else self.median_ms < self.budget_ms

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "persona": self.persona,
            "url": self.url,
            "status": self.status,
            "median_ms": self.median_ms,
            "p95_ms": self.p95_ms,
            "cpu_ms": self.cpu_ms,
            "queries": self.queries,
            "raw_ms": self.raw_ms,
            "ratio": self.ratio,
            "budget_ms": self.budget_ms,
            "within_budget": self.within_budget,
        }


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest sample at or above ``fraction`` of them."""
    ordered = sorted(samples)
    rank = min(len(ordered), max(1, math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]


class PageError(Exception):
    """A measured page did not answer 200."""


def _get(client: Client, url: str):
    response = client.get(url, secure=True)
    if response.status_code != 200:
        raise PageError(f"{url} answered {response.status_code}")
    return response


def time_raw_sql(sql: str, params: list, repeat: int) -> float:
    """Median milliseconds of one hand-written query, rows fetched."""
    samples = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.fetchall()
        for _ in range(repeat):
            start = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def measure(page: Page, world: BenchWorld, repeat: int) -> Measurement:
    """Median and 95th percentile of ``repeat`` requests, after one warm-up request.

    Besides the wall-clock time it keeps the median CPU time of this process per request:
    on a busy shared machine the wall clock includes waiting for a core, the CPU time does
    not (on PostgreSQL it leaves out the database server's own work).
    """
    result = Measurement(page.key, page.label, page.persona, "", "", budget_ms=page.budget_ms)
    if not apps.is_installed(page.app):
        result.status = f"{page.app} not installed"
        return result
    try:
        result.url = page.url(world)
    except NoReverseMatch:
        result.status = "not available: no such page yet"
        return result
    except LookupError as exc:
        result.status = f"not available: {exc}"
        return result
    client = Client()
    client.force_login(world.users[page.persona])
    _get(client, result.url)
    with CaptureQueriesContext(connection) as queries:
        _get(client, result.url)
    result.queries = len(queries)
    samples, cpu_samples = [], []
    for _ in range(repeat):
        start, cpu_start = time.perf_counter(), time.process_time()
        _get(client, result.url)
        samples.append((time.perf_counter() - start) * 1000)
        cpu_samples.append((time.process_time() - cpu_start) * 1000)
    result.median_ms = statistics.median(samples)
    result.p95_ms = percentile(samples, 0.95)
    result.cpu_ms = statistics.median(cpu_samples)
    sql, params = page.raw_sql(world)
    result.raw_ms = time_raw_sql(sql, params, repeat)
    result.status = "ok" if result.within_budget else "over budget"
    return result


def profile(page: Page, world: BenchWorld, requests: int = 5, top: int = 30) -> str:
    """cProfile of ``requests`` requests of one page: the functions that take the time."""
    import cProfile
    import io
    import pstats

    client = Client()
    client.force_login(world.users[page.persona])
    url = page.url(world)
    _get(client, url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        _get(client, url)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()
