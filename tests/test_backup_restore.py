"""Backup then restore into an empty database reproduces every record, to the penny."""

import hashlib
import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lmns.backup import EXCLUDED_MODELS, backed_up_models, reference_data_models, summary
from lmns.backup_archive import MAGIC
from lmns.models import Lmns


def _manage(db_file, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db_file}",
        "MEDIA_ROOT": str(db_file.parent / f"{db_file.stem}-media"),
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


# Run in the restored installation: download every evidence file as an administrator would.
SERVE_EVERY_EVIDENCE_FILE = """
import hashlib, json
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from assurance.models import EvidenceFile
client = Client()
client.force_login(get_user_model().objects.get(username="admin"))
served = {}
for evidence in EvidenceFile.objects.all():
    response = client.get(reverse("assurance:evidence_download", args=[evidence.pk]))
    assert response.status_code == 200, response.status_code
    served[str(evidence.pk)] = hashlib.sha256(b"".join(response.streaming_content)).hexdigest()
print(json.dumps(served))
"""


@pytest.mark.django_db
def test_only_the_listed_reference_data_is_created_by_migrations():
    """A freshly migrated database holds rows only in the registered reference data, so "empty"
    is right."""
    filled = {
        model._meta.label_lower
        for model in apps.get_models()
        if model._meta.label_lower not in EXCLUDED_MODELS and model._base_manager.exists()
    }
    assert filled == set(reference_data_models())


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


def _delete_what_the_admin_allows() -> dict[str, int]:
    """As a superuser, press Delete on a row of every model in the admin site, and try the
    "delete selected" action on it too; returns how many rows of each model went."""
    from allauth.socialaccount.models import SocialAccount, SocialApp
    from axes.models import AccessFailureLog
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client
    from django.urls import reverse

    from assurance.models import Answer
    from assurance.tests.factories import EvidenceFileFactory
    from funding.models import AllocationChange, FundingStream
    from lmns.admin_site import DELETABLE_IN_ADMIN

    Group.objects.create(name="Analysts")
    AccessFailureLog.objects.create(username="nuh-lead", ip_address="192.0.2.1", user_agent="")
    EvidenceFileFactory(answer=Answer.objects.order_by("pk").first())
    stream = FundingStream.objects.order_by("pk").first()
    AllocationChange.objects.create(
        stream=stream,
        previous_amount=stream.amount,
        new_amount=stream.amount,
        previous_status=stream.status,
        new_status=stream.status,
        reason="Month-6 review: confirmed as planned.",
    )
    # An identity provider configured in the admin, and a person bound to it.
    provider = SocialApp.objects.create(
        provider="openid_connect",
        provider_id="trust-idp",
        name="Trust account",
        client_id="lmns",
        secret="client-secret",
        settings={"server_url": "https://idp.example.nhs.uk/tenant"},
    )
    SocialAccount.objects.create(
        user=get_user_model().objects.get(username="nuh-lead"),
        provider=provider.provider_id,
        uid="subject-1",
    )
    # A mail task queued for the worker (the demo sends at once, with the immediate backend).
    DBTaskResult.objects.create(
        args_kwargs={"args": [0], "kwargs": {}},
        task_path="mail.tasks.send_delivery",
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
    )
    client = Client()
    client.post(
        reverse("account_login"), {"login": "nuh-lead", "password": "wrong"}
    )  # a lockout row
    client.post(reverse("account_login"), {"login": "admin", "password": "lmns-demo-2026"})
    gone = {}
    for model in admin.site._registry:
        label = model._meta.label_lower
        row = model._base_manager.order_by("pk").first()
        assert row is not None, f"the demo holds no {label} to try deleting"
        before = model._base_manager.count()
        opts = f"{model._meta.app_label}_{model._meta.model_name}"
        pressed = client.post(reverse(f"admin:{opts}_delete", args=[row.pk]), {"post": "yes"})
        client.post(
            reverse(f"admin:{opts}_changelist"),
            {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
        )
        gone[label] = before - model._base_manager.count()
        if label in DELETABLE_IN_ADMIN:
            assert pressed.status_code == 302 and gone[label] >= 1, label
        else:
            assert pressed.status_code == 403 and gone[label] == 0, label
    return gone


@pytest.mark.django_db
def test_demo_data_round_trips_into_a_fresh_database(settings, tmp_path):
    """After an administrator deleted all the admin site lets them, a backup still restores."""
    settings.DEBUG = True
    call_command("load_demo")
    # Production's task backend, whose admin lists the queued mail task made below.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    gone = _delete_what_the_admin_allows()
    assert gone["lmns.membership"] >= 1 and gone["auth.user"] == 0
    source = summary()
    # The demo is rich enough to prove something: organisations, people, their audit trail.
    assert source["counts"]["lmns.Lmns"] == Lmns.objects.count() >= 4
    assert source["counts"]["lmns.HistoricalTrust"] >= source["counts"]["lmns.Trust"] > 0
    # ... and the figures: BLMK's £458,000 (seed 002) and the assured compliance of seed 000.
    assert source["totals"]["funding.BudgetLine.approved_amount"] == "458000.00"
    assert Decimal(source["totals"]["assurance.SectionRating.agreed_percent"]) > 0
    assert Decimal(source["totals"]["funding.SpendEntry.actual"]) > 0
    from assurance.models import Answer, EvidenceFile
    from assurance.tests.factories import EvidenceFileFactory

    answer = Answer.objects.order_by("pk").first()
    EvidenceFileFactory(answer=answer, file__data=bytes(range(256)) * 40, original_name="b.png")
    EvidenceFileFactory(answer=answer, file__data=b"minutes, March 2023\n")
    source = summary()
    served = {e.pk: hashlib.sha256(e.file.read()).hexdigest() for e in EvidenceFile.objects.all()}
    assert len(served) >= 3
    backup = tmp_path / "lmns-backup.lmnsbackup"
    call_command("backup", output=str(backup))
    assert backup.stat().st_size > 0
    assert backup.read_bytes().startswith(MAGIC)  # encrypted under the (test) key

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
    # Every evidence file is served byte for byte by the restored installation.
    downloaded = _manage(fresh, "shell", "-c", SERVE_EVERY_EVIDENCE_FILE)
    assert downloaded.returncode == 0, downloaded.stderr
    assert json.loads(downloaded.stdout.strip().splitlines()[-1]) == {
        str(pk): digest for pk, digest in served.items()
    }

    again = _manage(fresh, "restore", str(backup))
    assert again.returncode != 0
    assert "not empty, so nothing was restored" in again.stderr
