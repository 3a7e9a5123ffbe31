"""The return pages as their users meet them: entry, evidence, workflow, access, query counts."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assurance.models import (
    Answer,
    ComplianceStatus,
    EvidenceFile,
    QuarterlyReturn,
    ReturnStatus,
    SectionRating,
)
from assurance.tests.factories import (
    DECLARATION_POST,
    ActionFactory,
    ChangeRequestFactory,
    EvidenceFileFactory,
    QuarterlyReturnFactory,
    TransitionFactory,
    fill_answers,
    framework_with,
)
from lmns.tests.factories import ReportingPeriodFactory

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"


@pytest.fixture
def ret(world):
    return QuarterlyReturnFactory(
        trust=world.trust,
        period=world.period,
        framework=framework_with(sections=3, requirements=2, reports_percent=True),
    )


def _sections(ret):
    return list(ret.framework.sections.order_by("order"))


def _section_url(ret, section):
    return reverse("assurance:section_edit", args=[ret.pk, section.pk])


def _post_data(ret, section, answers: dict[int, dict] | None = None, version=None, **extra):
    """The section form as the browser would post it, with answers by form index."""
    count = section.requirements.count()
    data = {
        "answers-TOTAL_FORMS": str(count),
        "answers-INITIAL_FORMS": str(count),
        "answers-MIN_NUM_FORMS": str(count),
        "answers-MAX_NUM_FORMS": str(count),
        "version": str(version if version is not None else ret.version),
    }
    for i in range(count):
        for field in ("status", "percent", "narrative", "evidence"):
            data[f"answers-{i}-{field}"] = ""
    for i, values in (answers or {}).items():
        for key, value in values.items():
            data[f"answers-{i}-{key}"] = value
    data.update(extra)
    return data


def _answer(ret, code):
    return Answer.objects.get(quarterly_return=ret, requirement__code=code)


# -- starting -----------------------------------------------------------------------------------


def test_lead_starts_a_return_and_a_second_attempt_gets_a_message(world, as_lead):
    framework = framework_with(sections=2, requirements=2)
    url = reverse("assurance:return_start", args=[world.trust.pk])
    data = {"framework": framework.pk, "period": world.period.pk}
    response = as_lead.post(url, data)
    ret = QuarterlyReturn.objects.get(trust=world.trust, framework=framework)
    assert response.status_code == 302
    assert response.url == reverse("assurance:return_detail", args=[ret.pk])
    again = as_lead.post(url, data)
    assert again.status_code == 200
    assert "already has a" in again.content.decode()
    assert QuarterlyReturn.objects.filter(trust=world.trust, framework=framework).count() == 1


def test_start_a_return_offers_the_framework_the_lmns_collects_for_the_period_not_started(
    world, as_lead
):
    framework_with(name="AAA first alphabetically")
    collected = framework_with(name="Ockenden interim")
    later = ReportingPeriodFactory(start_year=2022, quarter=2, is_open=True)
    # The sibling trust returned this framework for the latest period: the LMNS collects it.
    QuarterlyReturnFactory(trust=world.sibling_trust, framework=collected, period=later)
    # This trust has already started it for 2022/23 Q1, so Q2 is the one still to start.
    QuarterlyReturnFactory(trust=world.trust, framework=collected, period=world.period)
    page = as_lead.get(reverse("assurance:return_start", args=[world.trust.pk]))
    form = page.context["form"]
    assert form["framework"].value() == collected.pk
    assert form["period"].value() == later.pk
    html = page.content.decode()
    assert f'<option value="{collected.pk}" selected>' in html


def test_only_the_trusts_lead_can_start_its_return(world):
    framework = framework_with()
    data = {"framework": framework.pk, "period": world.period.pk}
    url = reverse("assurance:return_start", args=[world.trust.pk])
    assert world.client_for("board").post(url, data).status_code == 403
    assert world.client_for("team").post(url, data).status_code == 403
    assert world.client_for("sibling_lead").post(url, data).status_code == 404
    assert not QuarterlyReturn.objects.filter(framework=framework).exists()


def test_returns_list_is_linked_from_the_trust_page(world, as_board, ret):
    page = as_board.get(reverse("trust_detail", args=[world.trust.pk])).content.decode()
    assert reverse("assurance:trust_returns", args=[world.trust.pk]) in page
    listing = as_board.get(reverse("assurance:trust_returns", args=[world.trust.pk]))
    assert ret.framework.short_name in listing.content.decode()
    assert "Start a return" not in listing.content.decode()


# -- entering a section -------------------------------------------------------------------------


def test_save_draft_keeps_everything_and_recomputes_the_section(world, as_lead, ret):
    first = _sections(ret)[0]
    data = _post_data(
        ret,
        first,
        {
            0: {"status": "fully_met", "narrative": "Board reviews monthly"},
            1: {
                "status": "partially_met",
                "percent": "65",
            },
        },
        save="1",
    )
    response = as_lead.post(_section_url(ret, first), data)
    assert response.status_code == 302
    answer = _answer(ret, "IEA1.2")
    assert (answer.status, answer.percent) == ("partially_met", Decimal("65.0"))
    assert answer.narrative == ""
    rating = SectionRating.objects.get(quarterly_return=ret, section=first)
    assert rating.derived_percent == Decimal("82.5")
    ret.refresh_from_db()
    assert ret.version == 2
    page = as_lead.get(_section_url(ret, first)).content.decode()
    assert "Board reviews monthly" in page
    assert "No action yet" in page and "Add an action to IEA1.2" in page
    assert "Section 1 of 3" in page


def test_saving_where_per_cent_is_not_asked_keeps_a_stored_per_cent(world, as_lead):
    ret = QuarterlyReturnFactory(
        trust=world.trust, period=world.period, framework=framework_with(reports_percent=False)
    )
    first = _sections(ret)[0]
    Answer.objects.filter(quarterly_return=ret, requirement__code="IEA1.1").update(
        status="partially_met", percent=Decimal("65")
    )
    page = as_lead.get(_section_url(ret, first)).content.decode()
    assert "Per cent compliant" not in page
    data = _post_data(ret, first, {0: {"status": "partially_met", "narrative": "Updated"}})
    del data["answers-0-percent"], data["answers-1-percent"]
    as_lead.post(_section_url(ret, first), data)
    answer = _answer(ret, "IEA1.1")
    assert (answer.narrative, answer.percent) == ("Updated", Decimal("65.0"))


def test_save_and_next_goes_to_the_next_section(as_lead, ret):
    first, second, _ = _sections(ret)
    response = as_lead.post(_section_url(ret, first), _post_data(ret, first, save_next="1"))
    assert response.url == _section_url(ret, second)


@pytest.mark.parametrize("percent", ["150", "-1"])
def test_bad_per_cent_is_refused_with_input_kept_and_nothing_saved(as_lead, ret, percent):
    first = _sections(ret)[0]
    data = _post_data(
        ret, first, {0: {"status": "partially_met", "percent": percent, "narrative": "Kept text"}}
    )
    response = as_lead.post(_section_url(ret, first), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "A per cent must be between 0 and 100." in page
    assert "Kept text" in page
    assert _answer(ret, "IEA1.1").status == ""


def test_stale_form_is_refused_and_the_persons_input_is_kept(as_lead, world, ret):
    first = _sections(ret)[0]
    opened_at = ret.version
    colleague = world.client_for("lead")
    colleague.post(
        _section_url(ret, first),
        _post_data(ret, first, {0: {"status": "fully_met"}}, version=opened_at),
    )
    response = as_lead.post(
        _section_url(ret, first),
        _post_data(
            ret, first, {0: {"status": "not_met", "narrative": "My own words"}}, version=opened_at
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this since you opened it" in page
    assert "My own words" in page
    assert "Saved meanwhile by" in page
    assert _answer(ret, "IEA1.1").status == "fully_met"
    ret.refresh_from_db()
    assert f'name="version" value="{ret.version}"' in page


def test_a_tampered_or_truncated_post_is_refused_without_an_error_page(as_lead, ret):
    first = _sections(ret)[0]
    no_version = _post_data(ret, first, {0: {"status": "fully_met", "narrative": "Still here"}})
    del no_version["version"]
    response = as_lead.post(_section_url(ret, first), no_version)
    page = response.content.decode()
    assert response.status_code == 200
    assert "nothing was saved" in page
    assert "Still here" in page
    no_management = {"version": str(ret.version), "answers-0-status": "fully_met"}
    response = as_lead.post(_section_url(ret, first), no_management)
    assert response.status_code == 200
    assert "Nothing was saved yet" in response.content.decode()
    assert _answer(ret, "IEA1.1").status == ""


def test_input_is_never_saved_onto_a_different_requirement(as_lead, ret):
    first = _sections(ret)[0]
    data = _post_data(
        ret,
        first,
        {
            0: {"requirement": "IEA1.2", "status": "not_met"},
            1: {"requirement": "IEA1.1", "status": "fully_met"},
        },
    )
    response = as_lead.post(_section_url(ret, first), data)
    assert response.status_code == 200
    assert "changed since you opened it" in response.content.decode()
    assert _answer(ret, "IEA1.1").status == ""
    assert (
        'name="answers-0-requirement" value="IEA1.1"'
        in as_lead.get(_section_url(ret, first)).content.decode()
    )


def test_last_quarters_answers_are_shown_and_can_be_copied_forward(world, as_lead, ret):
    previous = QuarterlyReturnFactory(
        trust=world.trust, period=world.previous_period, framework=ret.framework
    )
    fill_answers(previous, narrative="Last quarter's narrative about CTG training")
    first = _sections(ret)[0]
    page = as_lead.get(_section_url(ret, first)).content.decode()
    assert "Last quarter&#x27;s narrative about CTG training" in page
    response = as_lead.post(_section_url(ret, first), _post_data(ret, first, copy_previous="1"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Last quarter&#x27;s narrative about CTG training</textarea>") == 2
    assert "Nothing is saved yet" in page
    assert _answer(ret, "IEA1.1").narrative == ""


def test_copy_takes_the_last_return_of_the_framework_and_says_what_it_copied(world, as_lead, ret):
    two_back = ReportingPeriodFactory(start_year=2021, quarter=3, is_open=False)
    earlier = QuarterlyReturnFactory(trust=world.trust, period=two_back, framework=ret.framework)
    fill_answers(earlier, narrative="Answered in Q3, nothing in Q4")
    first = _sections(ret)[0]
    response = as_lead.post(_section_url(ret, first), _post_data(ret, first, copy_previous="1"))
    page = response.content.decode()
    assert page.count("Answered in Q3, nothing in Q4</textarea>") == 2
    assert "Copied 2 answers (IEA1.1, IEA1.2) from the 2021/22 Q3 return" in page


def test_copy_with_nothing_to_copy_says_so(world, as_lead, ret):
    first = _sections(ret)[0]
    response = as_lead.post(_section_url(ret, first), _post_data(ret, first, copy_previous="1"))
    page = response.content.decode()
    assert "There was nothing to copy" in page
    assert "Copied" not in page


def test_one_requirement_can_be_copied_forward_keeping_the_others_input(world, as_lead, ret):
    previous = QuarterlyReturnFactory(
        trust=world.trust, period=world.previous_period, framework=ret.framework
    )
    fill_answers(previous, narrative="From last quarter")
    first = _sections(ret)[0]
    data = _post_data(ret, first, {0: {"narrative": "Typed just now"}}, copy_one="1")
    page = as_lead.post(_section_url(ret, first), data).content.decode()
    assert "Typed just now</textarea>" in page
    assert page.count("From last quarter</textarea>") == 1
    assert _answer(ret, "IEA1.2").narrative == ""


def test_readers_see_the_section_without_a_form_and_cannot_post(world, ret):
    first = _sections(ret)[0]
    data = _post_data(ret, first, {0: {"status": "fully_met"}})
    for persona in ("team", "board"):
        client = world.client_for(persona)
        page = client.get(_section_url(ret, first)).content.decode()
        assert "Save draft" not in page
        assert client.post(_section_url(ret, first), data).status_code == 403
    assert world.client_for("sibling_lead").post(_section_url(ret, first), data).status_code == 404
    assert world.client_for("other_team").post(_section_url(ret, first), data).status_code == 404
    assert _answer(ret, "IEA1.1").status == ""


def test_a_submitted_return_cannot_be_edited_by_its_lead(as_lead, ret):
    fill_answers(ret)
    QuarterlyReturn.objects.filter(pk=ret.pk).update(status=ReturnStatus.SUBMITTED)
    first = _sections(ret)[0]
    page = as_lead.get(_section_url(ret, first)).content.decode()
    assert "Save draft" not in page
    response = as_lead.post(
        _section_url(ret, first), _post_data(ret, first, {0: {"status": "not_met"}})
    )
    assert response.status_code == 403
    assert _answer(ret, "IEA1.1").status == "fully_met"


# -- evidence files -----------------------------------------------------------------------------


def test_upload_then_download_with_safe_headers(world, as_lead, ret):
    first = _sections(ret)[0]
    data = _post_data(ret, first, save="1")
    data["answers-0-new_file"] = SimpleUploadedFile("CTG audit.pdf", PDF)
    data["answers-0-no_patient_data"] = "on"
    as_lead.post(_section_url(ret, first), data)
    evidence = EvidenceFile.objects.get(answer__quarterly_return=ret)
    assert evidence.original_name == "CTG audit.pdf"
    assert evidence.no_patient_data_confirmed
    assert "CTG" not in evidence.file.name
    url = reverse("assurance:evidence_download", args=[evidence.pk])
    assert url in as_lead.get(_section_url(ret, first)).content.decode()
    response = world.client_for("board").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert world.client_for("sibling_lead").get(url).status_code == 404


def test_a_missing_stored_file_is_not_found_not_an_error(as_lead, ret):
    evidence = EvidenceFileFactory(answer=_answer(ret, "IEA1.1"))
    evidence.file.storage.delete(evidence.file.name)
    url = reverse("assurance:evidence_download", args=[evidence.pk])
    assert as_lead.get(url).status_code == 404


def test_a_section_of_another_framework_is_not_found(as_lead, ret):
    other = QuarterlyReturnFactory(trust=ret.trust)
    url = _section_url(ret, other.framework.sections.first())
    assert as_lead.get(url).status_code == 404


def test_a_disguised_upload_is_refused_and_the_rest_of_the_form_kept(as_lead, ret):
    first = _sections(ret)[0]
    data = _post_data(ret, first, {0: {"narrative": "Keep me"}}, save="1")
    data["answers-0-new_file"] = SimpleUploadedFile("audit.pdf", b"MZ\x90\x00rest of program")
    data["answers-0-no_patient_data"] = "on"
    response = as_lead.post(_section_url(ret, first), data)
    page = response.content.decode()
    assert "does not look like a real .pdf file" in page
    assert "Keep me" in page
    assert not EvidenceFile.objects.exists()


def test_an_oversized_upload_is_refused(settings, as_lead, ret):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 100
    first = _sections(ret)[0]
    data = _post_data(ret, first, save="1")
    data["answers-0-new_file"] = SimpleUploadedFile("audit.pdf", PDF + b" " * 200)
    data["answers-0-no_patient_data"] = "on"
    response = as_lead.post(_section_url(ret, first), data)
    assert "files may be at most" in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_withdrawing_from_a_draft_is_recorded_not_deleted(world, as_lead, ret):
    evidence = EvidenceFileFactory(answer=_answer(ret, "IEA1.1"))
    url = reverse("assurance:evidence_withdraw", args=[evidence.pk])
    assert world.client_for("board").post(url).status_code == 403
    assert world.client_for("team").post(url).status_code == 403
    assert world.client_for("sibling_lead").post(url).status_code == 404
    as_lead.post(url)
    evidence.refresh_from_db()
    assert evidence.withdrawn_by == world.users["lead"]
    assert evidence.file.storage.exists(evidence.file.name)
    assert (
        as_lead.get(reverse("assurance:evidence_download", args=[evidence.pk])).status_code == 200
    )


def test_evidence_cannot_be_withdrawn_from_a_submitted_return(as_lead, ret):
    evidence = EvidenceFileFactory(answer=_answer(ret, "IEA1.1"))
    QuarterlyReturn.objects.filter(pk=ret.pk).update(status=ReturnStatus.SUBMITTED)
    response = as_lead.post(reverse("assurance:evidence_withdraw", args=[evidence.pk]), follow=True)
    assert "cannot be removed" in response.content.decode()
    evidence.refresh_from_db()
    assert evidence.withdrawn_at is None


# -- workflow through the pages -----------------------------------------------------------------


def _act(client, ret, action, **data):
    ret.refresh_from_db()
    declared = DECLARATION_POST if action == "submit" else {}
    return client.post(
        reverse("assurance:return_action", args=[ret.pk, action]),
        {"version": ret.version, **declared, **data},
    )


def test_submitting_with_an_item_missing_says_exactly_what(as_lead, ret):
    fill_answers(ret)
    Answer.objects.filter(quarterly_return=ret, requirement__code="IEA2.2").update(
        status=ComplianceStatus.NOT_MET, narrative=""
    )
    response = _act(as_lead, ret, "submit")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Still to complete before submitting (1)" in page
    assert "requirement IEA2.2: add a narrative" in page
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.DRAFT


def test_wrong_role_is_forbidden_and_wrong_state_is_explained(world, as_lead, ret):
    fill_answers(ret)
    assert _act(world.client_for("board"), ret, "submit").status_code == 403
    assert _act(world.client_for("team"), ret, "submit").status_code == 403
    assert _act(as_lead, ret, "start_review").status_code == 403
    assert _act(world.client_for("sibling_lead"), ret, "submit").status_code == 404
    response = world.client_for("team").post(
        reverse("assurance:return_action", args=[ret.pk, "assure"]),
        {"version": ret.version},
        follow=True,
    )
    assert "not possible while the return is draft" in response.content.decode()
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.DRAFT
    assert not ret.transitions.exists()


def test_return_with_comment_then_lead_sees_it_and_resubmits(world, as_lead, as_team, ret):
    fill_answers(ret)
    _act(as_lead, ret, "submit")
    refused = _act(as_team, ret, "send_back", comment="")
    assert "Raise at least one change request" in refused.content.decode()
    ChangeRequestFactory(quarterly_return=ret, text="Attach the IEA3 training figures.")
    _act(as_team, ret, "send_back", comment="Please attach the IEA3 training figures.")
    page = as_lead.get(reverse("assurance:return_detail", args=[ret.pk])).content.decode()
    assert "Please attach the IEA3 training figures." in page
    assert "Returned to trust" in page
    assert _act(as_lead, ret, "submit").status_code == 302
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SUBMITTED


def test_assured_return_is_read_only_and_reopening_needs_a_reason(world, as_lead, as_team, ret):
    fill_answers(ret)
    _act(as_lead, ret, "submit")
    _act(as_team, ret, "start_review")
    sections = _sections(ret)
    section = sections[1]
    agreed = {f"agreed_{s.pk}": "100.0" for s in sections}
    agreed.update({f"agreed_{section.pk}": "80", f"reason_{section.pk}": "Audit"})
    _act(as_team, ret, "assure", **agreed)
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.ASSURED
    assert SectionRating.objects.get(quarterly_return=ret, section=section).agreed_percent == 80
    detail = as_lead.get(reverse("assurance:return_detail", args=[ret.pk])).content.decode()
    assert "Fill in the return" not in detail
    assert _act(as_lead, ret, "reopen", comment="x").status_code == 403
    assert "comment is required" in _act(as_team, ret, "reopen").content.decode()
    _act(as_team, ret, "reopen", comment="Board asked to check IEA2")
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.UNDER_REVIEW


def test_board_member_sees_no_edit_controls(world, as_board, ret):
    fill_answers(ret)
    page = as_board.get(reverse("assurance:return_detail", args=[ret.pk])).content.decode()
    assert "Fill in the return" not in page
    assert "Submit to the LMNS" not in page
    assert "History" in page


def test_history_of_the_return_is_linked_and_readable_only_by_its_readers(world, as_lead, ret):
    first = _sections(ret)[0]
    as_lead.post(_section_url(ret, first), _post_data(ret, first, {0: {"status": "fully_met"}}))
    detail = as_lead.get(reverse("assurance:return_detail", args=[ret.pk])).content.decode()
    url = reverse("record_history", args=["assurance.quarterlyreturn", ret.pk])
    assert url in detail
    assert as_lead.get(url).status_code == 200
    assert world.client_for("sibling_lead").get(url).status_code == 404
    answer_history = reverse("record_history", args=["assurance.answer", _answer(ret, "IEA1.1").pk])
    assert "Fully met" in as_lead.get(answer_history).content.decode()


def test_unknown_step_is_not_found(as_team, ret):
    url = reverse("assurance:return_action", args=[ret.pk, "delete"])
    assert as_team.get(url).status_code == 404


# -- query counts -------------------------------------------------------------------------------


@pytest.fixture
def big_return(world):
    """10 sections × 10 requirements, last quarter answered, files, and a long history."""
    framework = framework_with(sections=10, requirements=10, reports_percent=True)
    previous = QuarterlyReturnFactory(
        trust=world.trust, period=world.previous_period, framework=framework
    )
    fill_answers(previous)
    # Actions raised last quarter: open ones carried into this return, closed ones not.
    for n, answer in enumerate(previous.answers.all()[:30]):
        ActionFactory(raised_on=answer, closed=n % 2 == 0)
    ret = QuarterlyReturnFactory(trust=world.trust, period=world.period, framework=framework)
    fill_answers(ret, status=ComplianceStatus.PARTIALLY_MET)
    for answer in ret.answers.all()[:15]:
        EvidenceFileFactory(answer=answer)
    for n in range(40):
        TransitionFactory(quarterly_return=ret, by=world.users["lead"], comment=f"Step {n}")
    for _n in range(20):
        QuarterlyReturnFactory(
            trust=world.trust, framework=framework_with(sections=1, requirements=1)
        )
    return ret


def test_query_count_of_the_overview(django_assert_max_num_queries, as_lead, big_return):
    # 13: one of them asks whether the draft was ever submitted (may it be discarded?), one
    # reads the change requests (their threads only when there are some).
    with django_assert_max_num_queries(13):
        assert (
            as_lead.get(reverse("assurance:return_detail", args=[big_return.pk])).status_code == 200
        )


def test_query_count_of_the_section_page(django_assert_max_num_queries, as_lead, big_return):
    url = _section_url(big_return, _sections(big_return)[0])
    # 18: two read the change requests and the evidence verdicts beside the answers, two look
    # for what changed (was it sent back? the last assured return, the last one being a draft),
    # one the actions (raised on the answers, or open ones of earlier quarters), two the
    # requirements mapped to other frameworks and the links counting toward the answers (two
    # more, related files and actions, when some are mapped: test_crossrefs.py).
    with django_assert_max_num_queries(20):
        assert as_lead.get(url).status_code == 200


def test_query_count_of_saving_a_section(django_assert_max_num_queries, as_lead, big_return):
    section = _sections(big_return)[0]
    data = _post_data(
        big_return, section, {i: {"status": "fully_met"} for i in range(10)}, save="1"
    )
    with django_assert_max_num_queries(25):
        assert as_lead.post(_section_url(big_return, section), data).status_code == 302


def test_query_count_of_the_submit_page(django_assert_max_num_queries, as_lead, big_return):
    url = reverse("assurance:return_action", args=[big_return.pk, "submit"])
    with django_assert_max_num_queries(8):
        assert as_lead.get(url).status_code == 200


def test_query_count_of_the_returns_list(django_assert_max_num_queries, world, as_lead, big_return):
    url = reverse("assurance:trust_returns", args=[world.trust.pk])
    with django_assert_max_num_queries(12):
        assert as_lead.get(url).status_code == 200


def test_query_count_of_a_download(django_assert_max_num_queries, as_board, big_return):
    evidence = EvidenceFile.objects.filter(answer__quarterly_return=big_return).first()
    with django_assert_max_num_queries(8):  # one records the download
        response = as_board.get(reverse("assurance:evidence_download", args=[evidence.pk]))
        assert response.status_code == 200


def test_an_upload_without_the_patient_data_confirmation_is_refused_and_saves_nothing(as_lead, ret):
    first = _sections(ret)[0]
    data = _post_data(ret, first, save="1")
    data["answers-0-new_file"] = SimpleUploadedFile("CTG audit.pdf", PDF)
    response = as_lead.post(_section_url(ret, first), data)
    assert response.status_code == 200
    assert "holds no patient-identifiable information" in response.content.decode()
    assert not EvidenceFile.objects.filter(answer__quarterly_return=ret).exists()


def test_a_draft_never_submitted_can_be_discarded_and_started_again(world, as_lead, ret):
    detail = as_lead.get(reverse("assurance:return_detail", args=[ret.pk])).content.decode()
    assert "Discard this draft" in detail
    response = _act(as_lead, ret, "discard")
    assert response.status_code == 302
    assert response.url == reverse("assurance:trust_returns", args=[world.trust.pk])
    listing = as_lead.get(response.url).content.decode()
    assert "draft was discarded" in listing
    assert reverse("assurance:return_detail", args=[ret.pk]) not in listing
    assert as_lead.get(reverse("assurance:return_detail", args=[ret.pk])).status_code == 404
    # Kept, with the step in its history; and the same return can be started again.
    kept = QuarterlyReturn.with_discarded.get(pk=ret.pk)
    assert kept.status == ReturnStatus.DISCARDED
    history = as_lead.get(reverse("record_history", args=["assurance.quarterlyreturn", ret.pk]))
    assert "<td>Discarded</td>" in history.content.decode()
    start = reverse("assurance:return_start", args=[world.trust.pk])
    data = {"framework": ret.framework.pk, "period": ret.period.pk}
    assert as_lead.post(start, data).status_code == 302
    assert QuarterlyReturn.objects.get(trust=world.trust, framework=ret.framework).pk != ret.pk


def test_a_return_once_submitted_cannot_be_discarded(world, as_lead, as_team, ret):
    fill_answers(ret)
    _act(as_lead, ret, "submit")
    ChangeRequestFactory(quarterly_return=ret, general=True, text="Add the audit.")
    _act(as_team, ret, "send_back", comment="Add the audit.")
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.RETURNED
    detail = as_lead.get(reverse("assurance:return_detail", args=[ret.pk])).content.decode()
    assert "Discard this draft" not in detail
    _act(as_lead, ret, "discard")
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.RETURNED
    assert _act(as_team, ret, "discard").status_code == 403


def test_period_pickers_list_past_and_current_periods_not_future_ones(world, as_lead):
    future = ReportingPeriodFactory(start_year=2099, quarter=1, is_open=True)
    page = as_lead.get(reverse("assurance:return_start", args=[world.trust.pk]))
    offered = [period.pk for period in page.context["form"].fields["period"].queryset]
    assert world.period.pk in offered and future.pk not in offered
    assert str(future) not in page.content.decode()
