"""The LMNS's review as a conversation: change requests and their threads, evidence judged."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assurance.models import (
    Answer,
    ChangeRequest,
    EvidenceFile,
    EvidenceVerdict,
    RequestStatus,
    ReturnStatus,
    VerdictChoice,
)
from assurance.services import (
    Action,
    ReturnError,
    raise_request,
    record_verdict,
    reply_to_request,
    take_action,
    take_request_step,
)
from assurance.tests.factories import (
    DECLARATION,
    ChangeRequestEntryFactory,
    ChangeRequestFactory,
    EvidenceFileFactory,
    EvidenceVerdictFactory,
    QuarterlyReturnFactory,
    TransitionFactory,
    declaration_for,
    fill_answers,
    framework_with,
)
from lmns.models import Notification
from lmns.workflow import StaleRecord

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"


@pytest.fixture
def ret(world):
    ret = QuarterlyReturnFactory(
        trust=world.trust, period=world.period, framework=framework_with(sections=2, requirements=2)
    )
    fill_answers(ret)
    # As if the lead had saved them (fill_answers writes no history).
    Answer.history.bulk_history_create(list(ret.answers.all()), update=True)
    ret.refresh_from_db()
    take_action(
        ret=ret,
        action=Action.SUBMIT,
        user=world.users["lead"],
        expected_version=1,
        declaration=DECLARATION,
    )
    ret.refresh_from_db()
    return ret


def _requirement(ret, code="IEA1.1"):
    return ret.framework.sections.get(code=code.split(".")[0]).requirements.get(code=code)


def _ask(ret, user, code="IEA1.1", text="Attach this quarter's training audit."):
    ret.refresh_from_db()
    requirement = _requirement(ret, code) if code else None
    return raise_request(
        ret=ret, requirement=requirement, text=text, user=user, expected_version=ret.version
    )


def _step(request, action, user, comment=""):
    request.refresh_from_db()
    return take_request_step(
        request=request,
        action=action,
        user=user,
        expected_version=request.version,
        comment=comment,
    )


def _return_step(ret, action, user, **kwargs):
    ret.refresh_from_db()
    return take_action(
        ret=ret,
        action=action,
        user=user,
        expected_version=ret.version,
        **kwargs,
        declaration=declaration_for(action),
    )


# -- change requests: the rules --------------------------------------------------------------
def test_the_first_request_opens_the_review_and_starts_a_thread(world, ret):
    request = _ask(ret, world.users["team"])
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.UNDER_REVIEW
    steps = list(ret.transitions.values_list("from_status", "to_status"))
    assert steps == [("draft", "submitted"), ("submitted", "under_review")]
    [entry] = request.entries.all()
    assert (entry.from_status, entry.to_status) == ("", RequestStatus.OPEN)
    assert entry.comment == "Attach this quarter's training audit."
    # A second request does not open the review again.
    _ask(ret, world.users["team"], code=None, text="Name who signed the return off.")
    assert ret.transitions.count() == 2


def test_a_request_needs_words_a_live_return_and_the_version_seen(world, ret):
    team = world.users["team"]
    with pytest.raises(ReturnError, match="Say what needs to change"):
        _ask(ret, team, text="   ")
    with pytest.raises(StaleRecord):
        raise_request(
            ret=ret, requirement=None, text="Late", user=team, expected_version=ret.version - 1
        )
    draft = QuarterlyReturnFactory(trust=world.trust, period=world.previous_period)
    with pytest.raises(ReturnError, match="is draft"):
        _ask(draft, team, code=None)
    other = framework_with(sections=1, requirements=1)
    with pytest.raises(ReturnError, match="not part of this return"):
        raise_request(
            ret=ret,
            requirement=other.sections.get().requirements.get(),
            text="Elsewhere",
            user=team,
            expected_version=ret.version,
        )
    assert not ChangeRequest.objects.exists()


def test_sending_back_needs_an_open_request_and_assuring_needs_none(world, ret):
    lead, team = world.users["lead"], world.users["team"]
    with pytest.raises(ReturnError, match="Raise at least one change request"):
        _return_step(ret, Action.SEND_BACK, team)
    first, second = _ask(ret, team), _ask(ret, team, code="IEA2.1", text="Give the owner.")
    with pytest.raises(ReturnError, match="2 change requests are still open"):
        _return_step(ret, Action.ASSURE, team)
    _return_step(ret, Action.SEND_BACK, team)
    _step(first, "address", lead, "The audit is attached.")
    reply_to_request(
        request=second, text="The owner is the DoM.", user=lead, expected_version=second.version
    )
    _return_step(ret, Action.SUBMIT, lead)
    _step(first, "accept", team)
    _step(second, "accept", team)
    _step(second, "reopen", team, "Which DoM? Give a name.")
    with pytest.raises(ReturnError, match="1 change request is still open"):
        _return_step(ret, Action.ASSURE, team)
    _step(second, "accept", team)
    _return_step(ret, Action.ASSURE, team)
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.ASSURED
    thread = [
        (e.from_status, e.to_status, e.by.username) for e in second.entries.order_by("at", "pk")
    ]
    assert thread == [
        ("", "open", "notts-team"),
        ("open", "open", "nuh-lead"),
        ("open", "closed", "notts-team"),
        ("closed", "open", "notts-team"),
        ("open", "closed", "notts-team"),
    ]


def test_reopening_needs_a_reason_and_a_closed_request_takes_no_reply(world, ret):
    team = world.users["team"]
    request = _ask(ret, team)
    _step(request, "accept", team)
    with pytest.raises(ReturnError, match="comment is required"):
        _step(request, "reopen", team)
    request.refresh_from_db()
    with pytest.raises(ReturnError, match="closed"):
        reply_to_request(request=request, text="More", user=team, expected_version=request.version)


def test_a_stale_reply_is_refused(world, ret):
    request = _ask(ret, world.users["team"])
    seen = request.version
    reply_to_request(request=request, text="First", user=world.users["lead"], expected_version=seen)
    with pytest.raises(StaleRecord):
        reply_to_request(
            request=request, text="Second", user=world.users["team"], expected_version=seen
        )
    assert request.entries.count() == 2


# -- notifications and the work queue --------------------------------------------------------
def _told(kind):
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


def test_each_side_is_told_of_the_other_sides_moves(world, ret, django_capture_on_commit_callbacks):
    lead, team = world.users["lead"], world.users["team"]
    with django_capture_on_commit_callbacks(execute=True):
        request = _ask(ret, team)
    # Before the send-back, raising a request tells nobody: the send-back counts them.
    assert _told("request.raised") == []
    with django_capture_on_commit_callbacks(execute=True):
        _return_step(ret, Action.SEND_BACK, team)
    with django_capture_on_commit_callbacks(execute=True):
        _ask(ret, team, code=None, text="Name who signed it off.")
        reply_to_request(
            request=request, text="Which audit?", user=lead, expected_version=request.version
        )
        _step(request, "address", lead)
        _step(request, "reopen", team, "The 2022 one.")
    assert "with 1 open change request" in Notification.objects.get(kind="return.sent_back").text
    assert _told("request.raised") == ["nuh-lead"]
    assert _told("request.reply") == ["notts-team"]
    assert _told("request.addressed") == ["notts-team"]
    assert _told("request.reopened") == ["nuh-lead"]
    note = Notification.objects.get(kind="request.reopened")
    assert note.url == reverse("assurance:request_thread", args=[request.pk])
    assert "IEA1.1" in note.text and note.text.endswith(": The 2022 one.")


def test_the_leads_queue_counts_the_open_requests(world, ret):
    team = world.users["team"]
    _ask(ret, team)
    _ask(ret, team, code=None)
    _step(_ask(ret, team, code="IEA2.1"), "accept", team)
    _return_step(ret, Action.SEND_BACK, team)
    page = world.client_for("lead").get(reverse("home")).content.decode()
    assert "Sent back with 2 open change requests" in page


# -- evidence judged -------------------------------------------------------------------------
def _answer(ret, code="IEA1.1"):
    return ret.answers.get(requirement__code=code)


def _judge(answer, verdict, user, files=(), reason=""):
    current = EvidenceVerdict.objects.filter(answer=answer).first()
    return record_verdict(
        answer=answer,
        verdict=verdict,
        reason=reason,
        files=list(files),
        user=user,
        expected_version=current.version if current else 0,
    )


def test_a_verdict_names_the_files_it_judged_and_a_new_file_unjudges_it(world, ret):
    team = world.users["team"]
    answer = _answer(ret)
    audit = EvidenceFileFactory(answer=answer, original_name="audit.pdf")
    with pytest.raises(ReturnError, match="Say why"):
        _judge(answer, VerdictChoice.INSUFFICIENT, team, [audit])
    assert _judge(answer, VerdictChoice.INSUFFICIENT, team, [audit], reason="Last year's audit.")
    assert not _judge(
        answer, VerdictChoice.INSUFFICIENT, team, [audit], reason="Last year's audit."
    )
    verdict = EvidenceVerdict.objects.get(answer=answer)
    assert list(verdict.files.all()) == [audit] and verdict.judged_by == team
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.UNDER_REVIEW  # judging opened the review
    _ask(ret, team)
    _return_step(ret, Action.SEND_BACK, team)
    # The lead adds this year's audit: the verdict was of other evidence.
    url = reverse("assurance:section_edit", args=[ret.pk, answer.requirement.section_id])
    page = world.client_for("lead").get(url)
    data = _section_post(
        page,
        **{
            "answers-0-new_file": SimpleUploadedFile("audit 2022.pdf", PDF),
            "answers-0-no_patient_data": "on",
            "answers-0-new_file_date": "2022-06-30",
        },
    )
    assert world.client_for("lead").post(url, data).status_code == 302
    verdict.refresh_from_db()
    assert verdict.verdict == VerdictChoice.NOT_SEEN and not verdict.files.exists()
    assert verdict.history.count() == 3  # judged, (unchanged re-post wrote nothing), unjudged
    added = EvidenceFile.objects.get(original_name="audit 2022.pdf")
    assert added.effective_date == datetime.date(2022, 6, 30) and added.effective_date_stated


def _section_post(page, **extra) -> dict:
    formset = page.context["formset"]
    data = {"version": page.context["version_form"].initial["version"], "save": "1"}
    data.update({f"answers-{k}": v for k, v in formset.management_form.initial.items()})
    for i, form in enumerate(formset.forms):
        for name, value in form.initial.items():
            data[f"answers-{i}-{name}"] = "" if value is None else value
    data.update(extra)
    return data


def test_a_file_given_no_date_takes_its_upload_date_marked_not_stated(world):
    ret = QuarterlyReturnFactory(trust=world.trust, period=world.period)
    section = ret.framework.sections.order_by("order").first()
    url = reverse("assurance:section_edit", args=[ret.pk, section.pk])
    lead = world.client_for("lead")
    data = _section_post(
        lead.get(url),
        **{
            "answers-0-new_file": SimpleUploadedFile("minutes.pdf", PDF),
            "answers-0-no_patient_data": "on",
        },
    )
    assert lead.post(url, data).status_code == 302
    added = EvidenceFile.objects.get(original_name="minutes.pdf")
    assert not added.effective_date_stated
    assert added.effective_date == added.uploaded_at.date()
    assert "date not stated" in lead.get(url).content.decode()


# -- the pages -------------------------------------------------------------------------------
def test_the_lead_sees_requests_and_verdicts_beside_the_answers(world, ret):
    team = world.users["team"]
    answer = _answer(ret)
    audit = EvidenceFileFactory(answer=answer, original_name="audit.pdf")
    _judge(answer, VerdictChoice.INSUFFICIENT, team, [audit], reason="Last year's audit.")
    request = _ask(ret, team)
    _return_step(ret, Action.SEND_BACK, team)
    url = reverse("assurance:section_edit", args=[ret.pk, answer.requirement.section_id])
    page = world.client_for("lead").get(url).content.decode()
    assert "Attach this quarter&#x27;s training audit." in page
    assert "✗ Insufficient" in page and "Last year&#x27;s audit." in page
    assert "files judged: audit.pdf" in page
    assert reverse("assurance:request_step", args=[request.pk, "address"]) in page
    assert reverse("assurance:request_thread", args=[request.pk]) in page
    # The team sees no form to change answers, and accepts or reopens instead.
    team_page = world.client_for("team").get(url).content.decode()
    assert reverse("assurance:request_step", args=[request.pk, "accept"]) in team_page


def test_the_team_raises_replies_and_closes_through_the_pages(world, ret):
    team, lead = world.client_for("team"), world.client_for("lead")
    requirement = _requirement(ret)
    response = team.post(
        reverse("assurance:request_new", args=[ret.pk]),
        {"version": ret.version, "requirement": requirement.pk, "text": "Attach the audit."},
    )
    section_url = reverse("assurance:section_edit", args=[ret.pk, requirement.section_id])
    assert response.url == f"{section_url}#requirement-{requirement.pk}"
    request = ChangeRequest.objects.get()
    thread_url = reverse("assurance:request_thread", args=[request.pk])
    assert lead.post(thread_url, {"version": 1, "text": "Attached now."}).status_code == 302
    # Someone replying from an old page is told, and their words are kept.
    stale = team.post(thread_url, {"version": 1, "text": "Thanks, checking."})
    assert "Your reply is still below" in stale.content.decode()
    assert "Thanks, checking." in stale.content.decode()
    accept = reverse("assurance:request_step", args=[request.pk, "accept"])
    assert team.post(accept, {"version": 2, "comment": ""}).status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED
    overview = lead.get(reverse("assurance:return_detail", args=[ret.pk])).content.decode()
    assert "Change request on requirement IEA1.1 raised" in overview
    assert "Change request on requirement IEA1.1 replied" in overview
    assert "Change request on requirement IEA1.1 accepted and closed" in overview
    assert "0 open, 0 addressed by the trust, 1 accepted and closed" in overview


def test_assuring_is_refused_on_the_page_while_a_request_is_open(world, ret):
    _ask(ret, world.users["team"])
    url = reverse("assurance:return_action", args=[ret.pk, "assure"])
    page = world.client_for("team").get(url).content.decode()
    assert "1 change request is still open" in page
    ret.refresh_from_db()
    data = {"version": ret.version, "comment": ""}
    data.update(
        {f"agreed_{r.section_id}": str(r.derived_percent) for r in ret.section_ratings.all()}
    )
    world.client_for("team").post(url, data)
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.UNDER_REVIEW


@pytest.mark.parametrize("requests", [2, 30])
def test_query_count_of_the_section_page_with_requests_and_verdicts(
    django_assert_max_num_queries, world, requests
):
    framework = framework_with(sections=2, requirements=10)
    ret = QuarterlyReturnFactory(
        trust=world.trust,
        period=world.period,
        framework=framework,
        status=ReturnStatus.RETURNED,
    )
    fill_answers(ret)
    # Sent back once (changes since the submission) after an assured earlier return.
    Answer.history.bulk_history_create(list(ret.answers.all()), update=True)
    TransitionFactory(quarterly_return=ret, from_status="draft", to_status="submitted")
    TransitionFactory(quarterly_return=ret, from_status="submitted", to_status="returned")
    earlier = QuarterlyReturnFactory(
        trust=world.trust,
        period=world.previous_period,
        framework=framework,
        status=ReturnStatus.ASSURED,
    )
    fill_answers(earlier)
    section = framework.sections.order_by("order").first()
    answers = list(ret.answers.filter(requirement__section=section))
    for n in range(requests):
        request = ChangeRequestFactory(
            quarterly_return=ret,
            requirement=answers[n % 10].requirement,
            general=n % 7 == 0,
            addressed=n % 3 == 0,
        )
        for _reply in range(3):
            ChangeRequestEntryFactory(change_request=request)
    for answer in answers:
        files = [EvidenceFileFactory(answer=answer) for _ in range(2)]
        EvidenceVerdictFactory(answer=answer, files=files)
    url = reverse("assurance:section_edit", args=[ret.pk, section.pk])
    for client in (world.client_for("lead"), world.client_for("team")):
        # 22 whatever the number of requests, replies, verdicts and files judged: 2 read the
        # requests and their threads, 2 the verdicts and their files, 2 what changed since
        # the submission (the last assured return is the last return, already read), 1 the
        # actions, 2 the requirements mapped to other frameworks and the links.
        with django_assert_max_num_queries(22):
            assert client.get(url).status_code == 200


# -- what changed, and guidance --------------------------------------------------------------
def test_changes_since_the_submission_and_the_last_assured_return_are_marked(world, ret):
    from assurance.models import ComplianceStatus

    assured = QuarterlyReturnFactory(
        trust=world.trust,
        period=world.previous_period,
        framework=ret.framework,
        status=ReturnStatus.ASSURED,
    )
    fill_answers(assured, status=ComplianceStatus.PARTIALLY_MET)
    team = world.users["team"]
    _ask(ret, team)
    _return_step(ret, Action.SEND_BACK, team)
    answer = _answer(ret)
    section_url = reverse("assurance:section_edit", args=[ret.pk, answer.requirement.section_id])
    client = world.client_for("lead")
    page = client.get(section_url)
    data = _section_post(page, **{"answers-0-narrative": "Audit repeated in June: all cases."})
    assert client.post(section_url, data).status_code == 302
    shown = client.get(section_url).content.decode()
    assert "◆ Changed since it was submitted" in shown
    assert (
        "Narrative: <del>Audit completed and reviewed at the safety champions&#x27; meeting.</del>"
        in shown
    )
    assert "<ins>Audit repeated in June: all cases.</ins>" in shown
    assert "◆ Changed since the last assured return</strong> (2021/22 Q4)" in shown
    assert "Status: <del>Partially met</del> → <ins>Fully met</ins>" in shown
    # IEA1.2 was not touched since the submission: only the change since 2021/22 Q4 shows.
    assert shown.count("◆ Changed since it was submitted") == 1


def test_guidance_and_its_source_are_shown_beside_the_answer(world, ret):
    requirement = _requirement(ret)
    requirement.guidance = "A dated audit of serious incidents shared with the LMNS."
    requirement.guidance_url = "https://www.gov.uk/government/publications/ockenden-review"
    requirement.save()
    url = reverse("assurance:section_edit", args=[ret.pk, requirement.section_id])
    page = world.client_for("board").get(url).content.decode()
    assert "A dated audit of serious incidents shared with the LMNS." in page
    assert 'href="https://www.gov.uk/government/publications/ockenden-review"' in page
    assert "Source of IEA1.1" in page


def test_the_dashboard_tells_met_and_evidenced_from_not_yet_accepted(world, ret):
    team = world.users["team"]
    _judge(_answer(ret, "IEA1.1"), VerdictChoice.SUFFICIENT, team)
    _judge(_answer(ret, "IEA1.2"), VerdictChoice.INSUFFICIENT, team, reason="Undated minutes.")
    url = reverse("assurance:dashboard", args=[world.lmns.pk])
    page = world.client_for("board").get(
        url, {"framework": ret.framework.pk, "period": ret.period.pk}
    )
    html = page.content.decode()
    assert "Evidence behind “fully met”" in html
    row = html[html.index('<tr data-trust="NUH"><th scope="row">NUH</th><td class="num">') :]
    assert row.startswith(
        '<tr data-trust="NUH"><th scope="row">NUH</th><td class="num">1 of 4</td><td class="num">3</td>'
    )
