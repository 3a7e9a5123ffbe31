"""``manage.py benchmark``: build a national-scale dataset in a fresh database and time the pages.

By default it never touches the configured database: on SQLite it builds a separate file, on
PostgreSQL (``DATABASE_URL``) a separate database named ``<name>_benchmark``, migrates it,
fills it with ``bulk_create`` and then requests each main page repeatedly through Django's
test client as the persona who uses it.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
import warnings
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings

from lmns.models import Lmns, Trust
from lmns.perf.dataset import Scale, build, find_world
from lmns.perf.pages import (
    FLOOR_LIMIT,
    Measurement,
    PageError,
    all_pages,
    measure,
    pdf_measures,
    profile,
)

DEFAULT_SQLITE = Path(tempfile.gettempdir()) / "lmns_benchmark.sqlite3"


class Command(BaseCommand):
    help = (
        "Build a national-scale dataset (42 LMNSs, 130 trusts, 5 years of quarters) in a fresh "
        "database and report each main page's median and 95th percentile time, its SQL query "
        "count and the time of the raw SQL its main table needs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 is national scale.")
        parser.add_argument(
            "--repeat", type=int, default=30, help="Timed requests per page (default 30)."
        )
        parser.add_argument(
            "--keep",
            action="store_true",
            help="Measure the benchmark data already in the database instead of building it.",
        )
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="Delete the separate benchmark database first if it exists.",
        )
        parser.add_argument(
            "--in-place",
            action="store_true",
            help="Use the configured database itself (it must hold no data, unless --keep).",
        )
        parser.add_argument(
            "--sqlite",
            default=str(DEFAULT_SQLITE),
            help=f"The SQLite file to build (default {DEFAULT_SQLITE}).",
        )
        parser.add_argument(
            "--database",
            default="",
            help="The PostgreSQL database to build (default: the configured name + _benchmark).",
        )
        parser.add_argument("--json", default="", help="Also write the report to this file.")
        parser.add_argument(
            "--pdf",
            action="store_true",
            help="Also time each app's PDF measures, e.g. the largest LMNS's board pack PDF with "
            "every text at its limit (in a transaction rolled back afterwards).",
        )
        parser.add_argument(
            "--profile",
            default="",
            metavar="PAGE",
            help="After measuring, print a cProfile of this page (e.g. board_pack_live).",
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        # WhiteNoise warns once per client when collectstatic has not been run; not our topic.
        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        if options["repeat"] < 1:
            raise CommandError("--repeat must be at least 1.")
        try:
            scale = Scale.of(options["scale"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        pages = all_pages()
        chosen = [p for p in pages if p.key == options["profile"]]
        if options["profile"] and not chosen:
            keys = ", ".join(p.key for p in pages)
            raise CommandError(f"--profile: no page {options['profile']!r}; one of {keys}.")
        if options["keep"] and options["rebuild"]:
            raise CommandError("--keep and --rebuild contradict each other; choose one.")
        if options["in_place"] and options["rebuild"]:
            raise CommandError("--rebuild deletes the separate benchmark database only.")
        if not options["in_place"]:
            self._use_separate_database(options)
            call_command("migrate", verbosity=0, interactive=False)
        database = (
            f"{connection.vendor} {self._database_version()} ({connection.settings_dict['NAME']})"
        )
        self.stdout.write(f"Database: {database}")

        has_data = Lmns.objects.exists() or get_user_model().objects.exists()
        build_seconds = None
        if options["keep"]:
            world = find_world()
            if world is None:
                raise CommandError("--keep: this database holds no benchmark dataset.")
        elif has_data:
            raise CommandError(
                f"The database {connection.settings_dict['NAME']} already holds data; the "
                "benchmark builds its own. Use --keep to measure the benchmark data already "
                "there, or --rebuild to start again (separate benchmark database only)."
            )
        else:
            self.stdout.write(f"Building the dataset at scale {scale.factor:g}:")
            build_started = time.perf_counter()
            world = build(scale, log=self.stdout.write)
            self._analyse()
            build_seconds = time.perf_counter() - build_started
            self.stdout.write(f"Built in {build_seconds:.1f} s.")

        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        self.stdout.write(
            f"Measuring {len(pages)} pages, {options['repeat']} requests each, at "
            f"{world.lmns} / {world.trust.short_name} / {world.period}."
        )
        load_before = os.getloadavg()[0]
        results: list[Measurement] = []
        profiled = ""
        with override_settings(DEBUG=False, ALLOWED_HOSTS=hosts):
            for page in pages:
                try:
                    results.append(measure(page, world, options["repeat"]))
                except PageError as exc:
                    raise CommandError(f"{page.label}: {exc}") from exc
            if chosen:
                profiled = profile(chosen[0], world)
            pdf_repeat = min(options["repeat"], 3)
            pdfs = [m(world, pdf_repeat) for m in pdf_measures()] if options["pdf"] else []
        load = (load_before, os.getloadavg()[0])
        if profiled:
            self.stdout.write(profiled)
        self._print_table(results)
        for pdf in pdfs:
            self.stdout.write(pdf.summary())
        self.stdout.write(
            f"Machine load average (1 min) {load[0]:.1f} before measuring, {load[1]:.1f} after; "
            f"above {os.cpu_count()} the wall-clock times include waiting for a CPU."
        )
        total = time.perf_counter() - started
        self.stdout.write(f"Total time {total:.1f} s.")
        report = {
            "scale": scale.factor,
            "repeat": options["repeat"],
            "database": database,
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "counts": {
                "lmnss": Lmns.objects.count(),
                "trusts": Trust.objects.count(),
                **world.counts,
            },
            "build_seconds": build_seconds,
            "load_average": load,
            "total_seconds": total,
            "pages": [r.as_dict() for r in results],
            **{pdf.key: pdf.as_dict() for pdf in pdfs},
        }
        if options["json"]:
            Path(options["json"]).write_text(json.dumps(report, indent=2))

    # -- the database ------------------------------------------------------------------------
    def _use_separate_database(self, options) -> None:
        """Point the default connection at the benchmark's own SQLite file or PG database."""
        vendor = connection.vendor
        connection.close()
        if vendor == "sqlite":
            path = Path(options["sqlite"])
            if path.resolve() == Path(str(settings.DATABASES["default"]["NAME"])).resolve():
                raise CommandError("--sqlite names the configured database; use --in-place.")
            if options["rebuild"] and path.exists():
                path.unlink()
            connection.settings_dict["NAME"] = str(path)
        elif vendor == "postgresql":
            name = options["database"] or f"{connection.settings_dict['NAME']}_benchmark"
            if name == settings.DATABASES["default"]["NAME"]:
                raise CommandError("--database names the configured database; use --in-place.")
            quoted = connection.ops.quote_name(name)
            with connection._nodb_cursor() as cursor:
                if options["rebuild"]:
                    cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                if cursor.fetchone() is None:
                    cursor.execute(f"CREATE DATABASE {quoted}")
            connection.settings_dict["NAME"] = name
        else:
            raise CommandError(f"The benchmark supports SQLite and PostgreSQL, not {vendor}.")

    def _database_version(self) -> str:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("SELECT sqlite_version()")
            else:
                cursor.execute("SHOW server_version")
            return cursor.fetchone()[0]

    def _analyse(self) -> None:
        """Fresh planner statistics, as a production database would have after autovacuum."""
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    # -- the report --------------------------------------------------------------------------
    def _print_table(self, results: list[Measurement]) -> None:
        def ms(value: float | None) -> str:
            return "–" if value is None else f"{value:.1f}"

        headers = ["Page", "As", "Median ms", "p95 ms", "CPU ms", "× floor", "Budget", "Queries"]
        headers += ["Raw SQL ms"]
        headers += ["Page/raw", "Result"]
        rows = [
            [
                r.label,
                r.persona,
                ms(r.median_ms),
                ms(r.p95_ms),
                ms(r.cpu_ms),
                "–" if r.x_floor is None else f"{r.x_floor:.1f}×",
                f"<{r.budget_ms}",
                "–" if r.queries is None else str(r.queries),
                "–" if r.raw_ms is None else f"{r.raw_ms:.2f}",
                "–" if r.ratio is None else f"{r.ratio:.0f}×",
                r.status,
            ]
            for r in results
        ]
        widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
        line = "  ".join(f"{{:<{w}}}" for w in widths)
        self.stdout.write("")
        self.stdout.write(line.format(*headers))
        self.stdout.write(line.format(*("-" * w for w in widths)))
        for row in rows:
            self.stdout.write(line.format(*row))
        self.stdout.write("")
        floors = [r.floor_cpu_ms for r in results if r.floor_cpu_ms]
        if floors:
            over = [r.label for r in results if r.x_floor and r.x_floor > FLOOR_LIMIT]
            self.stdout.write(
                "× floor: the page's CPU time as a multiple of the floor page's, which renders "
                "only the layout and navigation and is requested after each request of the page "
                f"({min(floors):.1f}–{max(floors):.1f} ms). At most {FLOOR_LIMIT}×: "
                + ("every page." if not over else f"not {', '.join(over)}.")
            )
        self.stdout.write(
            f"Python {platform.python_version()} on {platform.machine()}, "
            f"{os.cpu_count()} CPUs, {sys.platform}."
        )
