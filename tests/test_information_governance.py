"""Information governance: purging patient data uploaded by mistake (two people, the content
gone from storage, records, history and copies, a tombstone everywhere), the download log, and
the records retention schedule."""

import datetime
import hashlib

import pytest
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from assurance.models import Answer, EvidenceFile
from assurance.tests.factories import EvidenceFileFactory, QuarterlyReturnFactory
from boardpack.models import IssuedPackPdf
from boardpack.tests.factories import BoardPackFactory
from lmns.models import Download, ImportPreview, Purge, PurgeStatus
from lmns.purges import REMOVED_NAME
from lmns.retention import apply_retention
from lmns.tests.factories import UserFactory

PATIENT_DATA = b"%PDF-1.7\n% Incident 2211: Jane Doe, NHS 943 476 5919, born 01/02/1990\n"
NAME_WITH_DATA = "incident-943-476-5919.pdf"


@pytest.fixture
def admins(db):
    return (
        UserFactory(username="ig-admin", is_superuser=True, is_staff=True),
        UserFactory(username="second-admin", is_superuser=True, is_staff=True),
    )


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def mistaken(world):
    """A trust lead's evidence file holding patient data, already downloaded once."""
    ret = QuarterlyReturnFactory(trust=world.trust, period=world.period)
    evidence = EvidenceFileFactory(
        answer=ret.answers.first(),
        file__data=PATIENT_DATA,
        original_name=NAME_WITH_DATA,
    )
    evidence.content_type = "text/plain"
    evidence.save()  # a second history row naming the file
    response = world.client_for("team").get(
        reverse("assurance:evidence_download", args=[evidence.pk])
    )
    assert b"".join(response.streaming_content) == PATIENT_DATA
    return evidence


def _ask(world, evidence, persona="lead"):
    url = reverse("purge_request", args=["assurance.evidencefile", evidence.pk])
    return world.client_for(persona).post(
        url, {"field": "file", "reason": "NHS number and name in an incident report"}
    )


def test_a_purge_journey_removes_the_file_everywhere_and_leaves_a_tombstone(
    world, mistaken, admins
):
    stored = mistaken.file.name
    assert _ask(world, mistaken).status_code == 302
    purge = Purge.objects.get()
    assert purge.status == PurgeStatus.REQUESTED
    assert "943" not in purge.description and NAME_WITH_DATA not in purge.description
    # Nothing goes until a second person approves.
    assert default_storage.exists(stored)

    listed = _client(admins[0]).get(reverse("purge_list"))
    assert "Approve and purge" in listed.content.decode()
    response = _client(admins[0]).post(reverse("purge_approve", args=[purge.pk]), follow=True)
    assert "Purged: the tombstone records it." in response.content.decode()

    purge.refresh_from_db()
    assert purge.status == PurgeStatus.PURGED and purge.decided_by == admins[0]
    assert purge.removed_sha256 == hashlib.sha256(PATIENT_DATA).hexdigest()
    assert purge.removed_size == len(PATIENT_DATA)
    # The bytes are gone from storage, the record and its history.
    assert not default_storage.exists(stored)
    mistaken.refresh_from_db()
    assert mistaken.file.name == "" and mistaken.original_name == REMOVED_NAME
    history = EvidenceFile.history.filter(id=mistaken.pk)
    assert history.count() >= 2
    assert set(history.values_list("original_name", "file")) == {(REMOVED_NAME, "")}
    # ... and from the download log's copy of the name.
    assert list(Download.objects.values_list("name", flat=True)) == [REMOVED_NAME]
    # The tombstone shows where the file was; downloading it says why it is gone.
    ret = mistaken.answer.quarterly_return
    section = mistaken.answer.requirement.section_id
    page = world.client_for("lead").get(reverse("assurance:section_edit", args=[ret.pk, section]))
    assert "the file was removed for information governance" in page.content.decode()
    assert NAME_WITH_DATA not in page.content.decode()
    gone = world.client_for("team").get(reverse("assurance:evidence_download", args=[mistaken.pk]))
    assert gone.status_code == 410
    assert f"(purge {purge.pk})" in gone.content.decode()
    # The purge itself is in the audit trail: asked for by the lead, approved by the admin.
    changes = list(purge.history.order_by("history_date").values_list("status", "history_user"))
    assert changes[-1] == (PurgeStatus.PURGED, admins[0].pk)


def test_one_person_alone_cannot_purge(world, mistaken, admins):
    url = reverse("purge_request", args=["assurance.evidencefile", mistaken.pk])
    alone = _client(admins[0])
    alone.post(url, {"field": "file", "reason": "Patient name in the file"})
    purge = Purge.objects.get()

    page = alone.get(reverse("purge_list")).content.decode()
    assert "A second administrator must approve your request." in page
    response = alone.post(reverse("purge_approve", args=[purge.pk]), follow=True)
    assert "A second person must approve a purge" in response.content.decode()
    purge.refresh_from_db()
    assert purge.status == PurgeStatus.REQUESTED
    assert default_storage.exists(mistaken.file.name)
    # Nor can a trust lead or the programme team approve: only another administrator.
    for persona in ("lead", "team"):
        assert (
            world.client_for(persona).post(reverse("purge_approve", args=[purge.pk])).status_code
            == 404
        )
    # And the database refuses a decision by the requester, whatever code tries.
    with pytest.raises(IntegrityError):
        Purge.objects.filter(pk=purge.pk).update(decided_by=admins[0])


def test_a_rejected_purge_removes_nothing(world, mistaken, admins):
    _ask(world, mistaken, persona="team")
    purge = Purge.objects.get()
    _client(admins[1]).post(reverse("purge_reject", args=[purge.pk]))
    purge.refresh_from_db()
    assert purge.status == PurgeStatus.REJECTED
    assert default_storage.exists(mistaken.file.name)


def test_a_second_request_for_the_same_file_waits_for_the_first(world, mistaken):
    _ask(world, mistaken)
    again = _ask(world, mistaken, persona="team")
    assert "already waiting for approval" in again.content.decode()
    assert Purge.objects.count() == 1


def test_a_text_purge_reaches_the_history_and_issued_board_packs(world, admins):
    ret = QuarterlyReturnFactory(trust=world.trust)
    answer = Answer.objects.filter(quarterly_return=ret).first()
    leaked = "Reviewed the case of Jane Doe, NHS 943 476 5919, with her family."
    answer.narrative = leaked
    answer.save()
    answer.narrative = leaked + " Actions agreed."
    answer.save()
    pack = BoardPackFactory(lmns=world.lmns)
    snapshot = dict(pack.snapshot, sections=[{"title": "Exceptions", "text": leaked + " Done."}])
    type(pack).objects.filter(pk=pack.pk).update(snapshot=snapshot)
    IssuedPackPdf.objects.create(pack=pack, content=b"%PDF", sha256="0" * 64)

    url = reverse("purge_request", args=["assurance.answer", answer.pk])
    _client(admins[1]).post(url, {"field": "narrative", "reason": "A patient's name"})
    purge = Purge.objects.get()
    _client(admins[0]).post(reverse("purge_approve", args=[purge.pk]))

    purge.refresh_from_db()
    answer.refresh_from_db()
    assert answer.narrative == purge.tombstone
    assert purge.tombstone.startswith("Removed for information governance on ")
    assert (
        purge.removed_sha256 == hashlib.sha256((leaked + " Actions agreed.").encode()).hexdigest()
    )
    assert not any("943" in (n or "") for n in answer.history.values_list("narrative", flat=True))
    pack.refresh_from_db()
    assert pack.snapshot["sections"][0]["text"] == f"{purge.tombstone} Done."
    assert not IssuedPackPdf.objects.filter(pack=pack).exists()  # rendered again from the scrub


def test_apply_purges_removes_again_what_a_restore_brought_back(world, mistaken, admins):
    _ask(world, mistaken)
    purge = Purge.objects.get()
    _client(admins[0]).post(reverse("purge_approve", args=[purge.pk]))
    # As if a backup from before the purge was restored.
    restored = default_storage.save("evidence/restored", __import__("io").BytesIO(PATIENT_DATA))
    EvidenceFile.objects.filter(pk=mistaken.pk).update(file=restored, original_name=NAME_WITH_DATA)

    call_command("apply_purges")
    mistaken.refresh_from_db()
    assert not default_storage.exists(restored)
    assert mistaken.original_name == REMOVED_NAME
    purge.refresh_from_db()
    assert purge.removed_sha256 == hashlib.sha256(PATIENT_DATA).hexdigest()  # kept from the first


# -- the download log -------------------------------------------------------------------------
def test_every_download_is_recorded_and_shown_to_the_programme_team(
    world, django_assert_max_num_queries
):
    evidence = EvidenceFileFactory(answer__quarterly_return__trust=world.trust)
    world.client_for("board").get(reverse("assurance:evidence_download", args=[evidence.pk]))
    for _ in range(150):
        Download.objects.create(
            person=world.users["lead"], kind="Plan export", name="x.csv", path="/", lmns=world.lmns
        )
    row = Download.objects.filter(kind="Evidence file").get()
    assert (row.person, row.name, row.trust, row.lmns) == (
        world.users["board"],
        "audit.pdf",
        world.trust,
        world.lmns,
    )
    team = world.client_for("team")
    with django_assert_max_num_queries(10):  # 9 measured, with 100 rows shown
        page = team.get(reverse("download_log", args=[world.lmns.pk]))
    html = page.content.decode()
    assert "Page 1 of 2" in html and "Kept for 6 years" in html
    oldest = team.get(reverse("download_log", args=[world.lmns.pk]), {"page": 2}).content.decode()
    assert "audit.pdf" in oldest and "Evidence file" in oldest
    assert (
        world.client_for("board").get(reverse("download_log", args=[world.lmns.pk])).status_code
        == 403
    )


# -- retention --------------------------------------------------------------------------------
def test_retention_removes_exactly_what_the_schedule_says_and_nothing_on_a_second_run(world):
    now = timezone.now()
    years = datetime.timedelta(days=365)
    lead = world.users["lead"]
    old_download = Download.objects.create(
        person=lead,
        kind="Plan export",
        name="old.csv",
        path="/",
        lmns=world.lmns,
        at=now - 7 * years,
    )
    recent_download = Download.objects.create(
        person=lead,
        kind="Plan export",
        name="new.csv",
        path="/",
        lmns=world.lmns,
        at=now - 5 * years,
    )
    Session.objects.create(session_key="a" * 32, session_data="", expire_date=now - years / 365)
    Session.objects.create(session_key="b" * 32, session_data="", expire_date=now + years / 365)
    for key, expires in (("old", now - years / 365), ("new", now + years / 365)):
        ImportPreview.objects.create(
            owner=lead,
            purpose=key,
            file_name="f.csv",
            file_sha256="0",
            rows=[],
            expires_at=expires,
        )
    evidence = EvidenceFileFactory(answer__quarterly_return__trust=world.trust)
    EvidenceFile.objects.filter(pk=evidence.pk).update(uploaded_at=now - 21 * years)

    dry = apply_retention(dry_run=True)
    assert Download.objects.count() == 2 and Session.objects.count() == 2
    assert {(o.kind, o.due) for o in dry if o.due and o.action == "delete"} == {
        ("downloads", 1),
        ("sessions", 1),
        ("import_previews", 1),
    }
    first = apply_retention(dry_run=False)
    assert {(o.kind, o.removed) for o in first if o.removed} == {
        ("downloads", 1),
        ("sessions", 1),
        ("import_previews", 1),
    }
    assert list(Download.objects.all()) == [recent_download]
    assert not Download.objects.filter(pk=old_download.pk).exists()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["b" * 32]
    assert list(ImportPreview.objects.values_list("purpose", flat=True)) == ["new"]
    # Evidence past its period is listed for review, never removed.
    review = [o for o in first if o.kind == "evidence"]
    assert review[0].due == 1 and review[0].examples == ["audit.pdf"]
    assert EvidenceFile.objects.filter(pk=evidence.pk).exists()

    second = apply_retention(dry_run=False)
    assert sum(o.removed for o in second) == 0


def test_the_retention_command_reports_and_its_dry_run_removes_nothing(world, capsys):
    Download.objects.create(
        person=world.users["lead"],
        kind="Plan export",
        name="old.csv",
        path="/",
        lmns=world.lmns,
        at=timezone.now() - datetime.timedelta(days=7 * 365),
    )
    call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert "Would remove (downloads): 1 lmns.Download" in out
    assert Download.objects.count() == 1
    call_command("apply_retention")
    assert "Removed 1 records past their retention period" in capsys.readouterr().out
    assert Download.objects.count() == 0


# -- the documents ----------------------------------------------------------------------------
def test_the_privacy_notice_page_keeps_in_step_with_docs(db, client, settings):
    from pathlib import Path

    notice = (Path(settings.BASE_DIR) / "docs" / "privacy-notice.md").read_text()
    headings = [line[3:] for line in notice.splitlines() if line.startswith("## ")]
    page = client.get(reverse("privacy")).content.decode()
    assert len(headings) >= 7
    for heading in headings:
        assert f"<h2>{heading}</h2>" in page
    assert "6 years" in page and "20 years" in page  # the schedule, from the settings
    home = client.get(reverse("account_login")).content.decode()
    assert reverse("privacy") in home
