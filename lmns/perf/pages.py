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
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from .dataset import BenchWorld, benchmark_modules

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


def qn(name: str) -> str:
    return connection.ops.quote_name(name)


def period_before(period):
    """The quarter before ``period`` (or ``period`` itself when it is the first)."""
    return (
        model("lmns.ReportingPeriod")
        .objects.filter(start_date__lt=period.start_date)
        .order_by("-start_date")
        .first()
    ) or period


def _person_sql(persona: str) -> Callable[[BenchWorld], RawSql]:
    """The home page's main table for ``persona``: their memberships with their organisations."""

    def sql(w: BenchWorld) -> RawSql:
        query, _ = _home_sql(w)
        return query, [w.users[persona].pk]

    return sql


def _notifications_sql(w: BenchWorld) -> RawSql:
    """The person's latest notifications, as the list shows them."""
    return (
        f"SELECT id, kind, text, url, created_at, read_at FROM {table('lmns.Notification')} "
        f"WHERE recipient_id = %s ORDER BY created_at DESC, id DESC LIMIT 100",
        [w.users["team"].pk],
    )


def _floor_sql(w: BenchWorld) -> RawSql:
    """What every signed-in page reads: the person and their memberships."""
    return (
        f"SELECT u.username, m.role FROM {table('auth.User')} u "
        f"LEFT JOIN {table('lmns.Membership')} m ON m.user_id = u.id WHERE u.id = %s",
        [w.users["lead"].pk],
    )


FLOOR = "floor"
FLOOR_LIMIT = 5
"""Every main page should cost at most this many times the floor page's CPU."""

PAGES: list[Page] = [
    Page(
        key=FLOOR,
        label="Floor: help page (layout and navigation only)",
        persona="lead",
        url=lambda w: reverse("help"),
        raw_sql=_floor_sql,
    ),
    Page(
        key="home",
        label="Home: work queue (trust lead)",
        persona="lead",
        url=lambda w: reverse("home"),
        raw_sql=_home_sql,
    ),
    Page(
        key="home_team",
        label="Home: work queue (programme team)",
        persona="team",
        url=lambda w: reverse("home"),
        raw_sql=_person_sql("team"),
    ),
    Page(
        key="home_board",
        label="Home: work queue (board member)",
        persona="board",
        url=lambda w: reverse("home"),
        raw_sql=_person_sql("board"),
    ),
    Page(
        key="notifications",
        label="Notifications (the bell's list)",
        persona="team",
        url=lambda w: reverse("notifications"),
        raw_sql=_notifications_sql,
    ),
]
"""The core's own pages; each feature app adds its pages in its ``benchmark.py``."""


def all_pages() -> list[Page]:
    """The pages listed here, then each app's ``PAGES`` from its ``benchmark.py``."""
    return [*PAGES, *(p for module in benchmark_modules() for p in getattr(module, "PAGES", ()))]


def pdf_measures() -> list:
    """Each app's ``PDF_MEASURES`` (run by ``benchmark --pdf``): callables taking the world and
    the number of downloads, returning a result with ``key``, ``summary()`` and ``as_dict()``."""
    return [m for module in benchmark_modules() for m in getattr(module, "PDF_MEASURES", ())]


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
    floor_cpu_ms: float | None = None
    """The floor page's median CPU time, requested after each request of this page."""

    @property
    def x_floor(self) -> float | None:
        """This page's CPU time as a multiple of the floor page's."""
        if self.cpu_ms is None or not self.floor_cpu_ms:
            return None
        return self.cpu_ms / self.floor_cpu_ms

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
            "floor_cpu_ms": self.floor_cpu_ms,
            "x_floor": self.x_floor,
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


def _floor_client(world: BenchWorld) -> tuple[Client, str]:
    floor = PAGES[0]
    client = Client()
    client.force_login(world.users[floor.persona])
    url = floor.url(world)
    _get(client, url)
    return client, url


def measure(page: Page, world: BenchWorld, repeat: int) -> Measurement:
    """Median and 95th percentile of ``repeat`` requests, after one warm-up request.

    Besides the wall-clock time it keeps the median CPU time of this process per request:
    on a busy shared machine the wall clock includes waiting for a core, the CPU time does
    not (on PostgreSQL it leaves out the database server's own work). Each request of the
    page is followed by one of the floor page, so that the page's multiple of the floor
    compares the two under the same conditions (a shared machine's load changes by the
    minute, and with it the CPU time of the same work).
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
    floor_client, floor_url = _floor_client(world)
    samples, cpu_samples, floor_samples = [], [], []
    for _ in range(repeat):
        start, cpu_start = time.perf_counter(), time.process_time()
        _get(client, result.url)
        samples.append((time.perf_counter() - start) * 1000)
        cpu_samples.append((time.process_time() - cpu_start) * 1000)
        cpu_start = time.process_time()
        _get(floor_client, floor_url)
        floor_samples.append((time.process_time() - cpu_start) * 1000)
    result.floor_cpu_ms = statistics.median(floor_samples)
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
