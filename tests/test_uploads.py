"""Evidence files: stored under a random name, never reachable from a public media URL, served
only through the access-checked download view, and refused when they are not what they claim."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assurance.models import EvidenceFile
from assurance.tests.factories import QuarterlyReturnFactory, framework_with
from conftest import PERSONAS

PDF = b"%PDF-1.7\n% NUH fetal monitoring audit, June 2022\n"


@pytest.fixture
def section(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    framework = framework_with(sections=1, requirements=1)
    ret = QuarterlyReturnFactory(trust=world.trust, period=world.period, framework=framework)
    return ret, framework.sections.get()


def _upload(world, ret, section, name: str, content: bytes):
    data = {
        "version": ret.version,
        "answers-TOTAL_FORMS": "1",
        "answers-INITIAL_FORMS": "0",
        "answers-MIN_NUM_FORMS": "1",
        "answers-MAX_NUM_FORMS": "1",
        "answers-0-status": "fully_met",
        "answers-0-narrative": "",
        "answers-0-evidence": "",
        "answers-0-new_file": SimpleUploadedFile(name, content),
        "answers-0-no_patient_data": "on",
    }
    url = reverse("assurance:section_edit", args=[ret.pk, section.pk])
    return world.client_for("lead").post(url, data)


def test_an_uploaded_file_is_stored_privately_and_served_only_to_its_readers(
    world, section, settings, tmp_path
):
    ret, sec = section
    response = _upload(world, ret, sec, "Fetal monitoring audit.pdf", PDF)
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    stored = tmp_path / evidence.file.name
    assert stored.read_bytes() == PDF
    assert "audit" not in evidence.file.name.lower()  # a random name, not the person's

    for url in (f"{settings.MEDIA_URL}{evidence.file.name}", f"/media/{evidence.file.name}"):
        for persona in PERSONAS:
            response = world.client_for(persona).get(url)
            assert response.status_code in (302, 404), (persona, url)
            assert response.status_code == 404 or persona == "anonymous"

    download = reverse("assurance:evidence_download", args=[evidence.pk])
    for persona in PERSONAS:
        response = world.client_for(persona).get(download)
        if persona == "anonymous":
            assert response.status_code == 302
        elif persona in {"lead", "team", "board"}:
            assert response.status_code == 200, persona
            assert b"".join(response.streaming_content) == PDF
            assert response["Content-Type"] == "application/pdf"
            assert response["Content-Disposition"].startswith("attachment;")
            assert response["X-Content-Type-Options"] == "nosniff"
        else:
            assert response.status_code == 404, persona


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("audit.pdf", b"MZ\x90\x00 a Windows program", "does not look like a real .pdf"),
        ("tool.exe", b"MZ\x90\x00", "not an allowed kind of file"),
        ("page.html", b"<script>alert(1)</script>", "not an allowed kind of file"),
    ],
)
def test_a_disguised_or_forbidden_file_is_refused_and_not_stored(
    world, section, tmp_path, name, content, message
):
    ret, sec = section
    response = _upload(world, ret, sec, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not EvidenceFile.objects.exists()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_a_file_over_the_size_limit_is_refused(world, section, settings, tmp_path):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024
    ret, sec = section
    response = _upload(world, ret, sec, "big.pdf", PDF + b"0" * 2048)
    assert response.status_code == 200
    assert "files may be at most" in response.content.decode()
    assert not EvidenceFile.objects.exists()


@pytest.mark.parametrize("status", ["draft", "submitted", "assured"])
def test_withdrawing_evidence_is_a_recorded_state_never_a_deletion(
    world, section, tmp_path, status
):
    from assurance.tests.factories import EvidenceFileFactory

    ret, _ = section
    evidence = EvidenceFileFactory(answer=ret.answers.first())
    stored = tmp_path / evidence.file.name
    type(ret).objects.filter(pk=ret.pk).update(status=status)
    url = reverse("assurance:evidence_withdraw", args=[evidence.pk])
    for persona in ["anonymous", "sibling_lead", "team", "board", "other_team"]:
        world.client_for(persona).post(url)
        evidence.refresh_from_db()
        assert evidence.withdrawn_at is None, persona
    world.client_for("lead").post(url)
    evidence.refresh_from_db()
    assert (evidence.withdrawn_at is not None) == (status == "draft")
    assert stored.read_bytes().startswith(b"%PDF")  # the file itself is always kept
    assert EvidenceFile.objects.filter(pk=evidence.pk).exists()
