"""The return's business rules: starting, derived figures, what is missing, the workflow."""

import datetime
from decimal import Decimal

import pytest

from assurance.models import (
    Answer,
    ComplianceStatus,
    QuarterlyReturn,
    ReturnStatus,
    SectionRating,
    Transition,
)
from assurance.services import (
    Action,
    IncompleteReturn,
    ReturnError,
    answers_for_return,
    available_actions,
    missing_items,
    raise_request,
    recompute_ratings,
    start_return,
    take_action,
    take_request_step,
)
from assurance.tests.factories import (
    DECLARATION,
    QuarterlyReturnFactory,
    assured_return,
    declaration_for,
    fill_answers,
    framework_with,
)
from lmns.access import get_access
from lmns.workflow import StaleRecord

FULLY, PARTLY, NOT_MET, NA = (
    ComplianceStatus.FULLY_MET,
    ComplianceStatus.PARTIALLY_MET,
    ComplianceStatus.NOT_MET,
    ComplianceStatus.NOT_APPLICABLE,
)


@pytest.fixture
def ret(world):
    return QuarterlyReturnFactory(
        trust=world.trust, period=world.period, framework=framework_with(sections=3, requirements=2)
    )


def _step(ret, action, user, **kwargs):
    ret.refresh_from_db()
    return take_action(
        ret=ret,
        action=action,
        user=user,
        expected_version=ret.version,
        **kwargs,
        declaration=declaration_for(action),
    )


def test_start_return_creates_blank_answers_and_ratings(world):
    framework = framework_with(sections=4, requirements=3)
    ret = start_return(
        trust=world.trust, framework=framework, period=world.period, user=world.users["lead"]
    )
    assert ret.status == ReturnStatus.DRAFT
    assert ret.framework == framework
    assert ret.answers.count() == 12
    assert ret.section_ratings.count() == 4
    assert not ret.answers.exclude(status="").exists()


def test_a_second_return_for_the_same_trust_framework_and_period_is_refused(world):
    framework = framework_with()
    start_return(trust=world.trust, framework=framework, period=world.period, user=None)
    with pytest.raises(ReturnError, match="already has a"):
        start_return(trust=world.trust, framework=framework, period=world.period, user=None)
    assert QuarterlyReturn.objects.filter(trust=world.trust, framework=framework).count() == 1


def test_returns_cannot_be_started_for_a_closed_period_or_retired_framework(world):
    with pytest.raises(ReturnError, match="closed"):
        start_return(
            trust=world.trust, framework=framework_with(), period=world.previous_period, user=None
        )
    with pytest.raises(ReturnError, match="no longer used"):
        start_return(
            trust=world.trust,
            framework=framework_with(active=False),
            period=world.period,
            user=None,
        )


def test_ratings_are_derived_from_answers_per_section(ret):
    sections = list(ret.framework.sections.order_by("order"))
    answers = {a.requirement.code: a for a in answers_for_return(ret)}
    Answer.objects.filter(pk=answers["IEA1.1"].pk).update(status=FULLY)
    Answer.objects.filter(pk=answers["IEA1.2"].pk).update(status=PARTLY)
    Answer.objects.filter(pk=answers["IEA2.1"].pk).update(status=NOT_MET, percent=Decimal("30"))
    Answer.objects.filter(pk=answers["IEA2.2"].pk).update(status=NA)
    recompute_ratings(ret)
    derived = {
        r.section_id: r.derived_percent for r in SectionRating.objects.filter(quarterly_return=ret)
    }
    assert derived[sections[0].pk] == Decimal("75.0")
    assert derived[sections[1].pk] == Decimal("30.0")
    assert derived[sections[2].pk] is None


def test_missing_list_names_every_section_requirement_and_problem(ret):
    answers = {a.requirement.code: a for a in answers_for_return(ret)}
    fill_answers(ret)
    Answer.objects.filter(pk=answers["IEA2.1"].pk).update(status="")
    Answer.objects.filter(pk=answers["IEA3.2"].pk).update(
        status=PARTLY, narrative="", action="Re-audit", action_owner="", action_due=None
    )
    missing = missing_items(answers_for_return(ret))
    assert [(m.section.code, m.requirement.code, m.problems) for m in missing] == [
        ("IEA2", "IEA2.1", ("choose a status",)),
        (
            "IEA3",
            "IEA3.2",
            ("add a narrative", "name the action owner", "give the action due date"),
        ),
    ]


def test_fully_met_and_not_applicable_need_no_narrative_or_action(ret):
    fill_answers(ret, narrative="")
    Answer.objects.filter(quarterly_return=ret, requirement__code="IEA1.1").update(status=NA)
    assert missing_items(answers_for_return(ret)) == []


def test_submitting_an_incomplete_return_is_refused_with_what_is_missing(world, ret):
    with pytest.raises(IncompleteReturn) as refused:
        _step(ret, Action.SUBMIT, world.users["lead"])
    assert len(refused.value.missing) == 6
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.DRAFT
    assert not Transition.objects.filter(quarterly_return=ret).exists()


def _ask(ret, user, text="IEA2 evidence is last year's audit."):
    ret.refresh_from_db()
    return raise_request(
        ret=ret, requirement=None, text=text, user=user, expected_version=ret.version
    )


def _close(request, action, user, comment=""):
    request.refresh_from_db()
    take_request_step(
        request=request,
        action=action,
        user=user,
        expected_version=request.version,
        comment=comment,
    )


def test_full_workflow_records_every_transition(world, ret):
    lead, team = world.users["lead"], world.users["team"]
    fill_answers(ret)
    _step(ret, Action.SUBMIT, lead)
    request = _ask(ret, team)  # the team's first request opens the review
    _step(ret, Action.SEND_BACK, team, comment="IEA2 evidence is last year's audit.")
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.RETURNED
    _close(request, "address", lead, "The 2022 audit is attached.")
    _step(ret, Action.SUBMIT, lead)
    _close(request, "accept", team)
    _step(ret, Action.ASSURE, team)
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.ASSURED
    steps = list(ret.transitions.values_list("from_status", "to_status", "by__username", "comment"))
    assert steps == [
        ("draft", "submitted", "nuh-lead", ""),
        ("submitted", "under_review", "notts-team", ""),
        ("under_review", "returned", "notts-team", "IEA2 evidence is last year's audit."),
        ("returned", "submitted", "nuh-lead", ""),
        ("submitted", "assured", "notts-team", ""),
    ]
    assert ret.history.count() >= 6


def test_assuring_sets_agreed_to_derived_unless_changed_with_a_reason(world, ret):
    team = world.users["team"]
    fill_answers(ret)
    first, second, third = ret.framework.sections.order_by("order")
    Answer.objects.filter(quarterly_return=ret, requirement__section=first).update(
        status=PARTLY, action="Audit", action_owner="DoM", action_due=datetime.date(2022, 9, 1)
    )
    recompute_ratings(ret)
    _step(ret, Action.SUBMIT, world.users["lead"])
    _step(ret, Action.START_REVIEW, team)
    with pytest.raises(ReturnError, match="IEA2: give a reason"):
        _step(ret, Action.ASSURE, team, agreed={second.pk: (Decimal("80"), "")})
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.UNDER_REVIEW
    _step(
        ret, Action.ASSURE, team, agreed={second.pk: (Decimal("80"), "Staffing audit incomplete")}
    )
    ratings = {r.section_id: r for r in SectionRating.objects.filter(quarterly_return=ret)}
    assert ratings[first.pk].agreed_percent == Decimal("50.0")
    assert ratings[second.pk].agreed_percent == Decimal("80.0")
    assert ratings[second.pk].change_reason == "Staffing audit incomplete"
    assert ratings[third.pk].agreed_percent == Decimal("100.0")
    assert ratings[third.pk].change_reason == ""


def test_sending_back_needs_an_open_request_and_reopening_a_comment(world, ret):
    team = world.users["team"]
    fill_answers(ret)
    _step(ret, Action.SUBMIT, world.users["lead"])
    with pytest.raises(ReturnError, match="Raise at least one change request"):
        _step(ret, Action.SEND_BACK, team, comment="See the notes")
    ret.refresh_from_db()
    assert (
        ret.status == ReturnStatus.SUBMITTED
        and not ret.transitions.exclude(to_status=ReturnStatus.SUBMITTED).exists()
    )
    _step(ret, Action.ASSURE, team)
    with pytest.raises(ReturnError, match="comment is required"):
        _step(ret, Action.REOPEN, team)
    _step(ret, Action.REOPEN, team, comment="Board asked to revisit IEA3")
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.UNDER_REVIEW


def test_a_step_from_the_wrong_state_is_refused_and_nothing_changes(world, ret):
    with pytest.raises(ReturnError, match="not possible while the return is draft"):
        _step(ret, Action.ASSURE, world.users["team"])
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.DRAFT
    assert not ret.transitions.exists()


def test_a_stale_step_is_refused(world, ret):
    fill_answers(ret)
    ret.refresh_from_db()
    seen = ret.version
    take_action(
        ret=ret,
        action=Action.SUBMIT,
        user=world.users["lead"],
        expected_version=seen,
        declaration=DECLARATION,
    )
    other_copy = QuarterlyReturn.objects.get(pk=ret.pk)
    other_copy.status = ReturnStatus.SUBMITTED
    with pytest.raises(StaleRecord):
        take_action(
            ret=other_copy,
            action=Action.SEND_BACK,
            user=world.users["team"],
            expected_version=seen,
            comment="Too late",
        )
    assert ret.transitions.count() == 1


def test_actions_offered_depend_on_role_and_state(world, ret):
    lead, team, board = (get_access(world.users[p]) for p in ("lead", "team", "board"))
    # A draft never submitted may also be discarded by its trust's lead.
    assert available_actions(lead, ret) == [Action.SUBMIT, Action.DISCARD]
    assert available_actions(team, ret) == []
    assert available_actions(board, ret) == []
    ret.status = ReturnStatus.SUBMITTED
    assert available_actions(lead, ret) == []
    # Opening the review is implied: the team assures or sends back directly.
    assert available_actions(team, ret) == [Action.ASSURE, Action.SEND_BACK]
    assert available_actions(get_access(world.users["sibling_lead"]), ret) == []


def test_assured_return_factory_sets_the_agreed_figures(world):
    framework = framework_with(sections=3, requirements=1)
    ret = assured_return(world.trust, world.period, framework, {"IEA1": 65, "IEA3": 57})
    agreed = dict(ret.section_ratings.values_list("section__code", "agreed_percent"))
    assert agreed == {"IEA1": Decimal("65.0"), "IEA2": None, "IEA3": Decimal("57.0")}
    assert ret.status == ReturnStatus.ASSURED
