"""The whole return on one page and as a PDF: every answer, its evidence, verdict, requests and
what changed, for whoever reads the return, in a fixed number of queries."""

import csv
import datetime
import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from assurance.models import Answer, ComplianceStatus, ReturnStatus
from assurance.services import Action, Declaration, ReturnError, take_action
from assurance.tests.factories import (
    DECLARATION,
    DECLARATION_POST,
    AnswerLinkFactory,
    ChangeRequestEntryFactory,
    ChangeRequestFactory,
    EvidenceFileFactory,
    EvidenceVerdictFactory,
    QuarterlyReturnFactory,
    TransitionFactory,
    fill_answers,
    framework_with,
)
from lmns import pdf
from lmns.models import Download
from lmns.people import person_name


def _returned(world, framework, sections_answered=None):
    """A return sent back once (changes since the submission) after an assured earlier one."""
    ret = QuarterlyReturnFactory(
        trust=world.trust, period=world.period, framework=framework, status=ReturnStatus.RETURNED
    )
    fill_answers(ret)
    Answer.history.bulk_history_create(list(ret.answers.all()), update=True)
    TransitionFactory(quarterly_return=ret, from_status="draft", to_status="submitted")
    TransitionFactory(
        quarterly_return=ret,
        from_status="submitted",
        to_status="returned",
        comment="See the change requests.",
    )
    earlier = QuarterlyReturnFactory(
        trust=world.trust,
        period=world.previous_period,
        framework=framework,
        status=ReturnStatus.ASSURED,
    )
    fill_answers(earlier, status=ComplianceStatus.PARTIALLY_MET)
    return ret


@pytest.fixture
def reviewed(world):
    ret = _returned(world, framework_with(sections=2, requirements=2))
    first = ret.answers.order_by("requirement__section__order", "requirement__order").first()
    Answer.objects.filter(pk=first.pk).update(narrative="Audit repeated in June: all cases.")
    kept = EvidenceFileFactory(answer=first, original_name="training-audit.pdf")
    EvidenceFileFactory(
        answer=first,
        original_name="withdrawn-draft.pdf",
        withdrawn_at=timezone.now(),
        withdrawn_by=world.users["lead"],
    )
    EvidenceVerdictFactory(
        answer=first, files=[kept], insufficient=True, reason="The audit is last year's."
    )
    request = ChangeRequestFactory(
        quarterly_return=ret, requirement=first.requirement, text="Attach this quarter's audit."
    )
    ChangeRequestEntryFactory(change_request=request, comment="Uploaded the June audit.")
    ChangeRequestFactory(quarterly_return=ret, general=True, text="Name who signed it off.")
    return ret


def test_the_whole_return_shows_answers_evidence_verdicts_threads_and_what_changed(world, reviewed):
    url = reverse("assurance:return_whole", args=[reviewed.pk])
    for persona in ("lead", "team", "board"):
        page = world.client_for(persona).get(url).content.decode()
        assert "training-audit.pdf" in page
        assert "withdrawn-draft.pdf" not in page
        assert "✗ Insufficient</strong>: The audit is last year&#x27;s." in page
        assert "Attach this quarter&#x27;s audit." in page
        assert "Uploaded the June audit." in page
        assert "Name who signed it off." in page
        assert "◆ Changed since it was submitted" in page
        assert "<ins>Audit repeated in June: all cases.</ins>" in page
        assert "◆ Changed since the last assured return</strong> (2021/22 Q4)" in page
        assert "Status: <del>Partially met</del> → <ins>Fully met</ins>" in page
        assert "Submitted → Returned to trust" in page
        assert "See the change requests." in page
        for answer in reviewed.answers.select_related("requirement"):
            assert answer.requirement.code in page
        # Nothing to do here: no buttons of the review.
        assert "Mark addressed" not in page and "Accept and close" not in page
        assert 'href="/static/css/print.css" media="print"' in page


def test_the_overview_links_to_the_whole_return(world, reviewed):
    page = world.client_for("board").get(reverse("assurance:return_detail", args=[reviewed.pk]))
    assert reverse("assurance:return_whole", args=[reviewed.pk]) in page.content.decode()


def test_a_purged_file_is_shown_as_removed(world, reviewed):
    from assurance.models import EvidenceFile

    EvidenceFile.objects.filter(original_name="training-audit.pdf").update(
        file="", original_name="removed for information governance"
    )
    page = world.client_for("team").get(reverse("assurance:return_whole", args=[reviewed.pk]))
    assert "removed for information governance" in page.content.decode()


def test_readers_of_other_trusts_get_404(world, reviewed):
    for persona in ("sibling_lead", "other_team"):
        for name in ("assurance:return_whole", "assurance:return_pdf"):
            url = reverse(name, args=[reviewed.pk])
            assert world.client_for(persona).get(url).status_code == 404


@pytest.mark.parametrize("sections,requests", [(2, 1), (10, 12)])
def test_query_count_of_the_whole_return(django_assert_max_num_queries, world, sections, requests):
    framework = framework_with(sections=sections, requirements=10)
    ret = _returned(world, framework)
    answers = list(ret.answers.all())
    for n in range(requests):
        request = ChangeRequestFactory(
            quarterly_return=ret, requirement=answers[n].requirement, general=n % 5 == 0
        )
        ChangeRequestEntryFactory(change_request=request)
    for answer in answers[: sections * 3]:
        files = [EvidenceFileFactory(answer=answer) for _ in range(2)]
        EvidenceVerdictFactory(answer=answer, files=files)
    for _n in range(sections * 4):
        TransitionFactory(quarterly_return=ret, by=world.users["lead"])
    for answer in answers[:sections]:
        AnswerLinkFactory(answer=answer)
    url = reverse("assurance:return_whole", args=[ret.pk])
    client = world.client_for("team")
    # 21 whatever the size: 3 the session, person and access, 3 the session's activity
    # stamp, 1 the return, 3 its sections, answers and ratings, 1 the files, 2 the verdicts
    # and the files they judged, 2 the requests and their threads, 1 the steps, 4 what
    # changed (the submission before the send-back, the answers then, the last assured
    # return and its answers), 1 the actions, 3 the links from other frameworks and the files
    # and actions they link (1 when there are none).
    with django_assert_max_num_queries(24):
        assert client.get(url).status_code == 200


def _pdf_text(content: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages
    )


def test_the_pdf_holds_the_threads_verdicts_and_what_changed(world, reviewed):
    if pdf.unavailable_reason():
        pytest.skip(pdf.unavailable_reason())
    response = world.client_for("board").get(reverse("assurance:return_pdf", args=[reviewed.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    text = _pdf_text(response.content)
    assert "Insufficient: The audit is last year's." in text
    assert "Attach this quarter's audit." in text
    assert "Uploaded the June audit." in text
    assert "Name who signed it off." in text
    assert "Changed since it was submitted" in text
    assert "Audit repeated in June: all cases." in text
    assert "Changed since the last assured return (2021/22 Q4)" in text
    assert "training-audit.pdf" in text and "withdrawn-draft.pdf" not in text
    assert "Signed off at the trust by Jo Bright, Director of Midwifery, on 15 Jul 2022" in text
    record = Download.objects.get()
    assert (record.kind, record.person, record.trust) == (
        "Return PDF",
        world.users["board"],
        world.trust,
    )


def test_without_pango_the_pdf_says_how_to_get_it(world, reviewed, monkeypatch):
    monkeypatch.setattr(pdf, "import_weasyprint", lambda: "cannot load library 'libpango'")
    response = world.client_for("team").get(reverse("assurance:return_pdf", args=[reviewed.pk]))
    assert response.status_code == 503
    assert "Pango" in response.content.decode()
    assert not Download.objects.exists()


def test_a_date_not_stated_is_said(world, reviewed):
    first = reviewed.answers.order_by("requirement__section__order", "requirement__order").first()
    EvidenceFileFactory(answer=first, original_name="minutes.pdf", undated=True)
    page = world.client_for("lead").get(reverse("assurance:return_whole", args=[reviewed.pk]))
    assert "date not stated, uploaded" in page.content.decode()


# -- the evidence as a ZIP -------------------------------------------------------------------
def _unzipped(response) -> zipfile.ZipFile:
    assert response.streaming
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_zip_holds_the_readable_files_and_a_manifest_with_their_sha256(world, reviewed):
    from assurance.models import EvidenceFile

    first = reviewed.answers.order_by("requirement__section__order", "requirement__order").first()
    same_name = EvidenceFileFactory(
        answer=first,
        original_name="training-audit.pdf",
        file=SimpleUploadedFile("x", b"%PDF-1.7 second audit"),
        undated=True,
    )
    purged = EvidenceFileFactory(answer=first, original_name="with-nhs-numbers.pdf")
    EvidenceFile.objects.filter(pk=purged.pk).update(file="")
    response = world.client_for("board").get(
        reverse("assurance:return_evidence_zip", args=[reviewed.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].endswith('-evidence.zip"')
    archive = _unzipped(response)
    code = first.requirement.code
    assert archive.namelist() == [
        f"{code}/training-audit.pdf",
        f"{code}/training-audit (2).pdf",
        "manifest.csv",
    ]
    manifest = list(csv.reader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert manifest[0] == [
        "File",
        "Requirement",
        "Uploaded by",
        "Effective date",
        "Date stated",
        "SHA-256",
    ]
    rows = {row[0]: row for row in manifest[1:]}
    assert set(rows) == {f"{code}/training-audit.pdf", f"{code}/training-audit (2).pdf"}
    for name, row in rows.items():
        assert row[5] == hashlib.sha256(archive.read(name)).hexdigest()
        assert row[1] == code
    assert archive.read(f"{code}/training-audit (2).pdf") == b"%PDF-1.7 second audit"
    assert rows[f"{code}/training-audit (2).pdf"][4] == "no, the upload date"
    assert rows[f"{code}/training-audit.pdf"][3] == "2022-06-30"
    assert rows[f"{code}/training-audit (2).pdf"][2] == person_name(same_name.uploaded_by)
    record = Download.objects.get()
    assert (record.kind, record.person, record.trust) == (
        "Return evidence ZIP",
        world.users["board"],
        world.trust,
    )


def test_a_reader_without_access_gets_no_zip(world, reviewed):
    url = reverse("assurance:return_evidence_zip", args=[reviewed.pk])
    for persona in ("sibling_lead", "other_team"):
        assert world.client_for(persona).get(url).status_code == 404
    assert not Download.objects.exists()


def test_the_zip_is_streamed_file_by_file(world, reviewed):
    """The archive is written as it is sent: the first file's bytes leave before the last
    file is opened."""
    from assurance.selectors.whole import evidence_archive, zipped_evidence

    files = zipped_evidence(reviewed)
    opened = []
    for evidence in files:
        real = evidence.file.open

        def tracking(mode="rb", real=real, name=evidence.original_name):
            opened.append(name)
            return real(mode)

        evidence.file.open = tracking
    stream = evidence_archive(files)
    first = next(stream)
    assert first.startswith(b"PK\x03\x04")
    assert opened == ["training-audit.pdf"]
    rest = b"".join(stream)
    assert zipfile.ZipFile(io.BytesIO(first + rest)).testzip() is None


# -- the sign-off declaration ----------------------------------------------------------------
@pytest.fixture
def complete_draft(world):
    ret = QuarterlyReturnFactory(trust=world.trust, period=world.period)
    fill_answers(ret)
    return ret


@pytest.mark.parametrize(
    "declaration,said",
    [
        (None, "confirm the declaration: name who signed the return off at the trust"),
        (Declaration("", "Director of Midwifery", datetime.date(2022, 7, 15)), "give the name"),
        (Declaration("Jo Bright", " ", datetime.date(2022, 7, 15)), "give their role"),
        (Declaration("Jo Bright", "Director of Midwifery", None), "give the date"),
        (
            Declaration("Jo Bright", "Director of Midwifery", datetime.date(2999, 1, 1)),
            "a sign-off date that is not in the future",
        ),
    ],
)
def test_submitting_needs_a_complete_declaration(world, complete_draft, declaration, said):
    with pytest.raises(ReturnError, match=said):
        take_action(
            ret=complete_draft,
            action=Action.SUBMIT,
            user=world.users["lead"],
            expected_version=complete_draft.version,
            declaration=declaration,
        )
    complete_draft.refresh_from_db()
    assert complete_draft.status == ReturnStatus.DRAFT and not complete_draft.declared


def test_the_declaration_is_kept_on_the_return_and_shown(world, complete_draft):
    take_action(
        ret=complete_draft,
        action=Action.SUBMIT,
        user=world.users["lead"],
        expected_version=complete_draft.version,
        declaration=DECLARATION,
    )
    complete_draft.refresh_from_db()
    assert (
        complete_draft.signed_off_name,
        complete_draft.signed_off_role,
        complete_draft.signed_off_on,
        complete_draft.declared_by,
    ) == ("Jo Bright", "Director of Midwifery", datetime.date(2022, 7, 15), world.users["lead"])
    page = world.client_for("board").get(
        reverse("assurance:return_whole", args=[complete_draft.pk])
    )
    assert (
        "Signed off at the trust by <strong>Jo Bright</strong>, Director of Midwifery, on 15 Jul 2022"
        in page.content.decode()
    )


def test_the_submit_page_refuses_without_the_declaration_with_a_clear_message(
    world, complete_draft
):
    client = world.client_for("lead")
    url = reverse("assurance:return_action", args=[complete_draft.pk, "submit"])
    page = client.get(url).content.decode()
    assert "Declaration: who signed this return off at the trust" in page
    response = client.post(url, {"version": complete_draft.version})
    assert response.status_code == 200
    shown = response.content.decode()
    assert "Name who signed the return off at the trust." in shown
    assert "Tick to confirm the declaration before submitting." in shown
    complete_draft.refresh_from_db()
    assert complete_draft.status == ReturnStatus.DRAFT
    response = client.post(url, {"version": complete_draft.version, **DECLARATION_POST})
    assert response.status_code == 302
    complete_draft.refresh_from_db()
    assert complete_draft.status == ReturnStatus.SUBMITTED
    assert complete_draft.signed_off_name == "Jo Bright"


def test_a_resubmission_offers_the_last_declaration_again(world, complete_draft):
    from assurance.models import QuarterlyReturn

    QuarterlyReturn.objects.filter(pk=complete_draft.pk).update(
        status=ReturnStatus.RETURNED,
        signed_off_name="Jo Bright",
        signed_off_role="Director of Midwifery",
        signed_off_on=datetime.date(2022, 7, 15),
    )
    url = reverse("assurance:return_action", args=[complete_draft.pk, "submit"])
    page = world.client_for("lead").get(url).content.decode()
    assert 'value="Jo Bright"' in page and 'value="2022-07-15"' in page
