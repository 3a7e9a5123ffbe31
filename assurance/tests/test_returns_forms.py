"""Bad input on the entry forms gives a clear message, never a 500, and keeps what was typed."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assurance.forms.returns import AnswerForm, AssureForm
from assurance.tests.factories import QuarterlyReturnFactory, framework_with

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def _form(data=None, files=None, reports_percent=True):
    return AnswerForm(data or {}, files or {}, reports_percent=reports_percent)


@pytest.mark.parametrize("value", ["150", "-1", "100.1"])
def test_per_cent_outside_0_to_100_is_refused(value):
    form = _form({"status": "partially_met", "percent": value})
    assert not form.is_valid()
    assert form.errors["percent"] == ["A per cent must be between 0 and 100."]


def test_per_cent_in_range_and_blank_are_accepted():
    assert _form({"status": "partially_met", "percent": "65"}).is_valid()
    assert _form({}).is_valid()


def test_per_cent_is_not_asked_when_the_framework_does_not_report_it():
    form = _form({"status": "fully_met", "percent": "150"}, reports_percent=False)
    assert "percent" not in form.fields
    assert form.is_valid()
    assert "percent" not in form.values()


def test_a_file_over_the_limit_is_refused(settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024
    upload = SimpleUploadedFile("audit.pdf", PDF + b"0" * 2048, content_type="application/pdf")
    form = _form(files={"new_file": upload})
    assert not form.is_valid()
    assert "files may be at most 1.0\xa0KB" in form.errors["new_file"][0]


def test_an_executable_is_refused():
    form = _form(files={"new_file": SimpleUploadedFile("setup.exe", EXE)})
    assert not form.is_valid()
    assert "not an allowed kind of file" in form.errors["new_file"][0]


@pytest.mark.parametrize("name", ["audit.pdf", "rota.xlsx", "photo.png", "notes.txt"])
def test_an_executable_disguised_by_its_name_is_refused(name):
    form = _form(files={"new_file": SimpleUploadedFile(name, EXE)})
    assert not form.is_valid()
    assert "does not look like a real" in form.errors["new_file"][0]


def test_a_png_renamed_as_pdf_is_refused():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    form = _form(files={"new_file": SimpleUploadedFile("audit.pdf", png)})
    assert not form.is_valid()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("audit.pdf", PDF, "application/pdf"),
        ("Audit.PDF", PDF, "application/pdf"),
        ("rota.docx", b"PK\x03\x04rest", "application/vnd.openxmlformats-officedocument"),
        ("scan.jpg", b"\xff\xd8\xff\xe0rest", "image/jpeg"),
        ("figures.csv", b"trust,iea1\nNUH,100\n", "text/csv"),
    ],
)
def test_real_files_of_allowed_kinds_are_accepted(name, content, content_type):
    form = _form({"no_patient_data": "on"}, files={"new_file": SimpleUploadedFile(name, content)})
    assert form.is_valid(), form.errors
    assert form.content_type.startswith(content_type)


def test_a_file_needs_the_confirmation_that_it_holds_no_patient_data():
    form = _form(files={"new_file": SimpleUploadedFile("audit.pdf", PDF)})
    assert not form.is_valid()
    assert "holds no patient-identifiable information" in form.errors["no_patient_data"][0]
    # Without a file there is nothing to confirm.
    assert _form({"status": "fully_met"}).is_valid()


def test_assure_form_needs_a_reason_only_for_a_changed_figure(world):
    ret = QuarterlyReturnFactory(trust=world.trust, framework=framework_with(sections=2))
    ratings = list(ret.section_ratings.select_related("section").order_by("section__order"))
    ratings[0].derived_percent = Decimal("65.0")
    ratings[1].derived_percent = Decimal("100.0")
    data = {
        "version": "1",
        f"agreed_{ratings[0].section_id}": "65.0",
        f"agreed_{ratings[1].section_id}": "90",
    }
    form = AssureForm(data, ratings=ratings)
    assert not form.is_valid()
    assert list(form.errors) == [f"reason_{ratings[1].section_id}"]
    data[f"reason_{ratings[1].section_id}"] = "Evidence of training compliance is partial"
    form = AssureForm(data, ratings=ratings)
    assert form.is_valid()
    assert form.agreed()[ratings[1].section_id] == (
        Decimal("90"),
        "Evidence of training compliance is partial",
    )


def test_assure_form_refuses_agreed_per_cent_over_100(world):
    ret = QuarterlyReturnFactory(trust=world.trust, framework=framework_with(sections=1))
    ratings = list(ret.section_ratings.select_related("section"))
    form = AssureForm(
        {
            "version": "1",
            f"agreed_{ratings[0].section_id}": "150",
            f"reason_{ratings[0].section_id}": "x",
        },
        ratings=ratings,
    )
    assert not form.is_valid()
    assert form.errors[f"agreed_{ratings[0].section_id}"] == [
        "A per cent must be between 0 and 100."
    ]
