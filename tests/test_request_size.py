"""No request body larger than the largest legitimate post is read; that post itself is accepted.

The largest legitimate post is a return section with an evidence file at its limit for every
requirement. ``REQUEST_MAX_BYTES`` (and the production proxy's limit) is that plus a margin.
"""

import io

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.test import RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from assurance.models import EvidenceFile, Framework, Section
from assurance.tests.factories import QuarterlyReturnFactory
from lmns.middleware import RequestTooLarge


def _largest_section() -> Section:
    return (
        Section.objects.filter(framework__active=True)
        .annotate(size=Count("requirements"))
        .order_by("-size", "framework__name", "order")
        .first()
    )


@pytest.mark.django_db
def test_the_cap_is_the_largest_section_of_the_frameworks_data_with_its_files_at_their_limit():
    assert _largest_section().requirements.count() == settings.LARGEST_SECTION_REQUIREMENTS
    files = settings.LARGEST_SECTION_REQUIREMENTS * settings.EVIDENCE_MAX_UPLOAD_BYTES
    assert files < settings.REQUEST_MAX_BYTES <= files + 4 * 1024 * 1024


def _largest_legitimate_post(world) -> tuple[str, dict]:
    """The section with the most requirements, every text long, every file at its limit."""
    section = _largest_section()
    framework: Framework = section.framework
    ret = QuarterlyReturnFactory(trust=world.trust, period=world.period, framework=framework)
    count = section.requirements.count()
    data = {
        "version": ret.version,
        "answers-TOTAL_FORMS": str(count),
        "answers-INITIAL_FORMS": "0",
        "answers-MIN_NUM_FORMS": str(count),
        "answers-MAX_NUM_FORMS": str(count),
    }
    pdf = b"%PDF-1.7\n" + b"0" * (settings.EVIDENCE_MAX_UPLOAD_BYTES - 9)
    for i, requirement in enumerate(section.requirements.order_by("order", "code")):
        data.update(
            {
                f"answers-{i}-requirement": requirement.code,
                f"answers-{i}-status": "partially_met",
                f"answers-{i}-percent": "80",
                f"answers-{i}-narrative": "Audit shows most staff trained. " * 310,
                f"answers-{i}-evidence": "Training records and audit, June 2022. " * 50,
                f"answers-{i}-new_file": SimpleUploadedFile(f"audit-{i}.pdf", pdf),
                f"answers-{i}-no_patient_data": "on",
            }
        )
    return reverse("assurance:section_edit", args=[ret.pk, section.pk]), data


@pytest.mark.django_db
def test_the_largest_legitimate_section_is_accepted(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    url, data = _largest_legitimate_post(world)
    body = encode_multipart(BOUNDARY, data)
    for value in data.values():
        if hasattr(value, "seek"):
            value.seek(0)
    assert settings.LARGEST_SECTION_REQUIREMENTS * settings.EVIDENCE_MAX_UPLOAD_BYTES < len(body)
    assert len(body) <= settings.REQUEST_MAX_BYTES

    response = world.client_for("lead").post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    saved = EvidenceFile.objects.all()
    assert saved.count() == settings.LARGEST_SECTION_REQUIREMENTS
    assert {f.size for f in saved} == {settings.EVIDENCE_MAX_UPLOAD_BYTES}


class UnreadBody(io.RawIOBase):
    """A request body that records whether anything read it."""

    def __init__(self):
        self.read_from = False

    def readable(self) -> bool:
        return True

    def read(self, size=-1) -> bytes:
        self.read_from = True
        return b""

    readline = read


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["anonymous", "lead"])
def test_an_oversize_post_gets_413_without_being_read(world, persona):
    body = UnreadBody()
    client = world.client_for(persona)
    sessions = Session.objects.count()

    response = client.post(
        reverse("account_login") if persona == "anonymous" else reverse("home"),
        content_type=MULTIPART_CONTENT,
        **{"wsgi.input": body, "CONTENT_LENGTH": str(settings.REQUEST_MAX_BYTES + 1)},
    )

    assert response.status_code == 413
    assert "Too large to upload" in response.content.decode()
    assert not body.read_from
    assert Session.objects.count() == sessions


def test_a_declared_length_that_is_not_a_number_is_refused(client):
    response = client.post(reverse("account_login"), CONTENT_LENGTH="lots")
    assert response.status_code == 400


class CountingBody(io.BytesIO):
    def __init__(self, data: bytes):
        super().__init__(data)
        self.read_bytes = 0

    def read(self, size=-1) -> bytes:
        chunk = super().read(size)
        self.read_bytes += len(chunk)
        return chunk


def test_the_upload_handler_stops_reading_a_body_at_the_cap(settings):
    """However long the body says it is, reading stops once its files pass the cap."""
    settings.REQUEST_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("audit.pdf", b"%PDF-1.7\n" + b"0" * (4 * 1024 * 1024))
    request = RequestFactory().post("/", {"new_file": big})
    body = CountingBody(request.read())
    environ = {
        "wsgi.input": body,
        "CONTENT_LENGTH": str(len(body.getvalue())),
        "CONTENT_TYPE": MULTIPART_CONTENT,
    }
    request = RequestFactory().generic("POST", "/", **environ)

    with pytest.raises(RequestTooLarge):
        request.POST  # noqa: B018  (reading the form is what is refused)

    assert body.read_bytes <= settings.REQUEST_MAX_BYTES + 256 * 1024 < len(body.getvalue())


@pytest.mark.django_db
def test_without_the_middleware_an_oversize_upload_is_still_413(world, settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "RequestSizeLimit" not in m]
    settings.REQUEST_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("audit.pdf", b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024))

    response = world.client_for("anonymous").post(
        reverse("account_login"), {"login": "nuh-lead", "password": "x", "new_file": big}
    )

    assert response.status_code == 413
