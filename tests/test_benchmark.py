"""The benchmark command at a tiny scale: its report's shape, and query counts that stay fixed."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from lmns.models import Lmns, Trust
from lmns.perf.dataset import Scale, app_builders, recent_quarters
from lmns.perf.pages import all_pages, percentile

ROOT = Path(__file__).resolve().parents[1]


def run_in_place(tmp_path: Path, scale: float) -> tuple[dict, str]:
    """Run the command on the (empty) test database, then roll its data back."""
    report_file = tmp_path / f"report-{scale}.json"
    out = []
    with transaction.atomic():
        call_command(
            "benchmark",
            scale=scale,
            repeat=3,
            in_place=True,
            json=str(report_file),
            stdout=_Collect(out),
        )
        assert Lmns.objects.count() == Scale.of(scale).lmnss
        assert Trust.objects.count() == Scale.of(scale).trusts
        transaction.set_rollback(True)
    return json.loads(report_file.read_text()), "".join(out)


class _Collect:
    def __init__(self, sink: list):
        self.sink = sink

    def write(self, text: str) -> None:
        self.sink.append(text)

    def flush(self) -> None:
        pass


@pytest.mark.django_db
def test_report_has_every_page_and_query_counts_do_not_grow_with_the_data(tmp_path):
    small, small_text = run_in_place(tmp_path, 0.02)
    large, _ = run_in_place(tmp_path, 0.15)

    assert [p["key"] for p in small["pages"]] == [page.key for page in all_pages()]
    assert small["counts"]["lmnss"] == 2 and large["counts"]["lmnss"] == 6
    assert len(small["load_average"]) == 2
    for builder in app_builders():
        if not builder.missing():
            built = {k: v for k, v in small["counts"].items() if k.startswith(builder.app_label)}
            assert built and all(built.values()), f"{builder.app_label} built nothing"
    assert large["counts"]["trusts"] > small["counts"]["trusts"]
    floor = small["pages"][0]
    assert floor["key"] == "floor" and floor["x_floor"] > 0
    assert "× floor" in small_text
    for page in small["pages"]:
        assert page["label"] in small_text
        if page["median_ms"] is None:
            continue
        assert page["status"] in {"ok", "over budget"}
        assert page["queries"] > 0
        assert 0 < page["median_ms"] <= page["p95_ms"]
        assert page["cpu_ms"] > 0
        assert page["x_floor"] == pytest.approx(page["cpu_ms"] / page["floor_cpu_ms"])
        assert page["raw_ms"] > 0
        assert page["ratio"] == pytest.approx(page["median_ms"] / page["raw_ms"])
    assert "Median ms" in small_text and "Raw SQL ms" in small_text

    measured = {p["key"]: p["queries"] for p in small["pages"] if p["queries"] is not None}
    assert "home" in measured
    grown = {
        p["key"]: (measured[p["key"]], p["queries"])
        for p in large["pages"]
        if p["key"] in measured and p["queries"] > measured[p["key"]]
    }
    assert not grown, f"query counts grew with the data (small, large): {grown}"


@pytest.mark.django_db
def test_the_pack_pdf_is_timed_with_every_text_at_its_limit_and_nothing_is_kept(tmp_path):
    from lmns.perf.texts import fill_texts_at_limits, largest_lmns

    report_file = tmp_path / "pdf.json"
    out = []
    with transaction.atomic():
        call_command(
            "benchmark",
            scale=0.02,
            repeat=1,
            in_place=True,
            pdf=True,
            json=str(report_file),
            stdout=_Collect(out),
        )
        lmns = largest_lmns()
        assert not lmns.plans.filter(title__startswith="Continuity of carer").exists()
        packs = lmns.board_packs.count()
        assert packs == 1, "the pack issued to time it is rolled back"
        filled = fill_texts_at_limits(lmns)
        risk = lmns.risks.first()
        assert len(risk.title) == 300 and len(risk.description) == 10_000
        transaction.set_rollback(True)
    pack_pdf = json.loads(report_file.read_text())["pack_pdf"]
    assert pack_pdf["texts_filled"] == filled
    assert pack_pdf["pages"] >= 4 and pack_pdf["size_bytes"] > 0
    assert len(pack_pdf["draft_ms"]) == 1 and pack_pdf["issue_ms"] > 0
    assert pack_pdf["kept_ms"] < pack_pdf["median_ms"], "the kept PDF is not rendered again"
    assert pack_pdf["status"] in {"ok", "over budget"}
    assert "every text at its limit" in "".join(out)


@pytest.mark.django_db
def test_refuses_a_database_that_already_holds_data(world):
    with pytest.raises(CommandError, match="already holds data"):
        call_command("benchmark", scale=0.02, repeat=1, in_place=True, stdout=_Collect([]))
    assert Lmns.objects.count() == 2


@pytest.mark.parametrize(
    "options, message",
    [
        ({"keep": True, "rebuild": True}, "contradict"),
        ({"in_place": True, "rebuild": True}, "separate benchmark database only"),
        ({"in_place": True, "profile": "nope"}, "no page 'nope'"),
        ({"in_place": True, "scale": 0}, "greater than 0"),
    ],
)
def test_contradictory_options_are_refused_before_anything_is_built(options, message):
    with pytest.raises(CommandError, match=message):
        call_command("benchmark", repeat=1, stdout=_Collect([]), **options)


@pytest.mark.django_db
def test_keep_without_a_benchmark_dataset_is_refused():
    with pytest.raises(CommandError, match="no benchmark dataset"):
        call_command("benchmark", keep=True, in_place=True, repeat=1, stdout=_Collect([]))


def test_builds_its_own_sqlite_database(tmp_path):
    """The default run never touches the configured database: it builds a separate file."""
    database = tmp_path / "bench.sqlite3"
    report = tmp_path / "report.json"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    command = [sys.executable, "manage.py", "benchmark", "--scale", "0.02", "--repeat", "1"]
    command += ["--sqlite", str(database), "--json", str(report)]

    run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert database.exists()
    data = json.loads(report.read_text())
    assert data["database"].startswith("sqlite") and str(database) in data["database"]
    assert data["counts"]["lmnss"] == 2
    assert data["build_seconds"] is not None


@pytest.mark.django_db
def test_keep_measures_the_dataset_already_there(tmp_path):
    report = tmp_path / "kept.json"
    with transaction.atomic():
        call_command("benchmark", scale=0.02, repeat=1, in_place=True, stdout=_Collect([]))
        call_command(
            "benchmark", keep=True, repeat=1, in_place=True, json=str(report), stdout=_Collect([])
        )
        assert Lmns.objects.count() == 2, "--keep must not build a second dataset"
        transaction.set_rollback(True)
    kept = json.loads(report.read_text())
    assert kept["build_seconds"] is None
    assert next(p for p in kept["pages"] if p["key"] == "home")["queries"] > 0


def test_quarters_end_with_todays_quarter():
    import datetime

    quarters = recent_quarters(5, datetime.date(2026, 11, 25))
    assert len(quarters) == 20
    assert quarters[-1] == (2026, 3)
    assert quarters[0] == (2021, 4)
    assert recent_quarters(1, datetime.date(2027, 2, 1)) == [
        (2026, 1),
        (2026, 2),
        (2026, 3),
        (2026, 4),
    ]


def test_percentile_is_nearest_rank():
    samples = list(range(1, 21))
    assert percentile(samples, 0.95) == 19
    assert percentile(samples, 0.5) == 10
    assert percentile([7.0], 0.95) == 7.0


def test_national_scale_matches_the_brief():
    scale = Scale.of(1)
    assert (scale.lmnss, scale.trusts, scale.years) == (42, 130, 5)
    assert (scale.deliverables_per_lmns, scale.budget_lines_per_lmns) == (60, 40)
    with pytest.raises(ValueError):
        Scale.of(0)
