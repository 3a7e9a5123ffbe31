"""Backup then restore into an empty database reproduces every record, to the penny."""

import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command

from lmns.backup import EXCLUDED_MODELS, REFERENCE_DATA_MODELS, backed_up_models, summary
from lmns.models import Lmns


def _manage(db_file, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db_file}",
        "DEBUG": "1",
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.django_db
def test_only_the_listed_reference_data_is_created_by_migrations():
    """A freshly migrated database holds rows only in REFERENCE_DATA_MODELS, so "empty" is right."""
    filled = {
        model._meta.label_lower
        for model in apps.get_models()
        if model._meta.label_lower not in EXCLUDED_MODELS and model._base_manager.exists()
    }
    assert filled == set(REFERENCE_DATA_MODELS)


@pytest.mark.django_db
def test_restore_refuses_a_database_that_holds_data(world, tmp_path):
    backup = tmp_path / "backup.json"
    call_command("backup", output=str(backup))
    before = summary()
    with pytest.raises(CommandError, match="not empty, so nothing was restored"):
        call_command("restore", str(backup))
    assert summary() == before


@pytest.mark.django_db
def test_restore_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", str(tmp_path / "missing.json"))


@pytest.mark.django_db
def test_demo_data_round_trips_into_a_fresh_database(settings, tmp_path):
    settings.DEBUG = True
    call_command("load_demo")
    source = summary()
    # The demo is rich enough to prove something: organisations, people, their audit trail.
    assert source["counts"]["lmns.Lmns"] == Lmns.objects.count() >= 4
    assert source["counts"]["lmns.HistoricalTrust"] >= source["counts"]["lmns.Trust"] > 0
    # ... and the figures: BLMK's £458,000 (seed 002) and the assured compliance of seed 000.
    assert source["totals"]["funding.BudgetLine.approved_amount"] == "458000.00"
    assert Decimal(source["totals"]["assurance.SectionRating.agreed_percent"]) > 0
    assert Decimal(source["totals"]["funding.SpendEntry.actual"]) > 0
    backup = tmp_path / "lmns-backup.json.gz"
    call_command("backup", output=str(backup))
    assert backup.stat().st_size > 0

    fresh = tmp_path / "fresh.sqlite3"
    migrated = _manage(fresh, "migrate", "--noinput", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    restored = _manage(fresh, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "Restored" in restored.stdout

    measured = _manage(
        fresh,
        "shell",
        "-c",
        "import json; from lmns.backup import summary; print(json.dumps(summary()))",
    )
    assert measured.returncode == 0, measured.stderr
    target = json.loads(measured.stdout.strip().splitlines()[-1])
    assert target["counts"] == source["counts"]
    assert target["totals"] == source["totals"]
    assert set(target["counts"]) == {m._meta.label for m in backed_up_models()}

    again = _manage(fresh, "restore", str(backup))
    assert again.returncode != 0
    assert "not empty, so nothing was restored" in again.stderr
