"""A trust's lines of a quarter: entered on its behalf by the team, marked complete by the trust
(locked until the team reopens them with a reason), and submitting the return waiting for them."""

import html
from decimal import Decimal

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core.exceptions import ValidationError
from django.forms import modelform_factory
from django.urls import reverse
from django.utils.html import strip_tags

from funding import services
from funding.models import (
    BudgetLine,
    Category,
    CompletionStatus,
    SpendEntry,
    SpendReturn,
    SpendReturnStatus,
    TrustCompletion,
    TrustCompletionTransition,
)
from funding.tests.factories import (
    BudgetLineFactory,
    SpendEntryFactory,
    SpendReturnFactory,
    TrustCompletionFactory,
)
from lmns.audit import history_url
from lmns.models import Notification, Role
from lmns.people import person_name
from lmns.tests.factories import lmns_member
from lmns.workflow import Refusal, StaleRecord

pytestmark = pytest.mark.django_db

FIGURES = {
    "actual": "5000",
    "accruals": "0",
    "commitments": "0",
    "forecast_outturn": "20000",
    "narrative": "",
}


def text(response) -> str:
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def return_url(world, quarter: int = 1) -> str:
    return reverse("funding:return_detail", args=[world.lmns.pk, 2022, quarter])


def step_url(world, trust, action: str) -> str:
    return reverse("funding:trust_step", args=[world.lmns.pk, 2022, 1, trust.pk, action])


def entry_url(line) -> str:
    return reverse("funding:entry_edit", args=[line.pk, 1])


def enter(client, line, version: int = 0, **figures):
    return client.post(entry_url(line), {**FIGURES, **figures, "version": version})


# -- entering a late trust's lines on its behalf -----------------------------------------------
def test_the_team_enters_a_late_trusts_line_and_the_history_says_on_whose_behalf(
    world, funded, as_team, as_lead
):
    form = as_team.get(entry_url(funded.nuh_line))
    assert "You are entering NUH's figures on the trust's behalf" in text(form)
    assert enter(as_team, funded.nuh_line).status_code == 302
    entry = SpendEntry.objects.get(budget_line=funded.nuh_line)
    assert entry.on_behalf and entry.entered_by == world.users["team"]

    history = text(as_team.get(history_url(entry)))
    team_name = person_name(world.users["team"])
    assert f"Entered on the trust's behalf by {team_name}" in history

    # The trust lead changing their own line later is shown normally, by name.
    assert "on the trust's behalf" not in text(as_lead.get(entry_url(funded.nuh_line)))
    assert enter(as_lead, funded.nuh_line, version=entry.version, actual="5100").status_code == 302
    entry.refresh_from_db()
    assert not entry.on_behalf
    rows = as_team.get(history_url(entry)).context["rows"]
    lead_name = person_name(world.users["lead"])
    assert rows[0]["who"] == lead_name
    assert any(row["who"] == f"Entered on the trust's behalf by {team_name}" for row in rows)


def test_a_trust_lead_entering_their_own_line_is_shown_by_name(world, funded, as_lead, as_team):
    assert enter(as_lead, funded.nuh_line).status_code == 302
    entry = SpendEntry.objects.get(budget_line=funded.nuh_line)
    assert not entry.on_behalf
    rows = as_team.get(history_url(entry)).context["rows"]
    assert [row["who"] for row in rows] == [person_name(world.users["lead"])]


def test_the_team_entering_central_lines_is_not_on_anyones_behalf(funded, as_team):
    assert "on the trust's behalf" not in text(as_team.get(entry_url(funded.central)))
    assert enter(as_team, funded.central, actual="10000").status_code == 302
    assert not SpendEntry.objects.get(budget_line=funded.central).on_behalf


def test_another_trusts_lead_and_the_board_still_cannot_enter(world, funded):
    assert world.client_for("sibling_lead").get(entry_url(funded.nuh_line)).status_code == 404
    assert world.client_for("board").get(entry_url(funded.nuh_line)).status_code == 403
    assert world.client_for("other_team").get(entry_url(funded.nuh_line)).status_code == 404


# -- marking complete, the lock and reopening ---------------------------------------------------
def test_a_lead_marks_their_lines_complete_which_locks_them_and_tells_the_team(
    world, funded, as_lead, as_team, django_capture_on_commit_callbacks
):
    enter(as_lead, funded.nuh_line)
    page = as_lead.get(return_url(world))
    assert "Mark our lines complete" in text(page)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_lead.post(step_url(world, world.trust, "complete"), {"version": 1})
    assert response.status_code == 302
    completion = TrustCompletion.objects.get(trust=world.trust)
    assert completion.status == CompletionStatus.COMPLETE
    assert completion.completed_by == world.users["lead"]
    assert completion.transitions.get().to_status == CompletionStatus.COMPLETE

    # The team is told, in the app.
    note = Notification.objects.get(kind="trust_lines.complete")
    assert note.recipient == world.users["team"]
    assert note.text == "NUH marked its 2022/23 Q1 spend lines complete"

    # Locked: the form is not offered, opening it explains why, and a posted change is refused.
    page = text(as_lead.get(return_url(world)))
    assert "Change figures for NUH project manager" not in page
    assert "Complete (marked by" in page
    opened = as_lead.get(entry_url(funded.nuh_line), follow=True)
    assert "NUH marked its 2022/23 Q1 lines complete, so they are locked" in text(opened)
    assert "Save figures" not in text(opened)
    entry = SpendEntry.objects.get(budget_line=funded.nuh_line)
    assert enter(as_lead, funded.nuh_line, version=entry.version, actual="1").status_code == 302
    entry.refresh_from_db()
    assert entry.actual == Decimal("5000")
    # The team is bound by the lock too, until it reopens the lines.
    assert enter(as_team, funded.nuh_line, version=entry.version, actual="1").status_code == 302
    entry.refresh_from_db()
    assert entry.actual == Decimal("5000")


def test_a_posted_change_to_locked_lines_is_refused_with_the_reason(world, funded):
    spend = SpendReturnFactory(lmns=world.lmns, period=world.period)
    entry = SpendEntryFactory(budget_line=funded.nuh_line, spend_return=spend)
    TrustCompletionFactory(spend_return=spend, trust=world.trust, complete=True)
    with pytest.raises(Refusal, match="locked: ask the LMNS programme team to reopen them"):
        services.save_spend_entry(
            spend,
            funded.nuh_line,
            {"actual": Decimal("1")},
            expected_version=entry.version,
            user=world.users["lead"],
        )
    # Another trust's lines of the same return stay open.
    services.save_spend_entry(
        spend,
        funded.sfh_line,
        {**{k: Decimal(v) for k, v in FIGURES.items() if k != "narrative"}, "narrative": ""},
        expected_version=0,
        user=world.users["sibling_lead"],
    )


def test_marking_complete_needs_every_line_of_the_trust_entered(world, funded, as_lead):
    BudgetLineFactory(stream=funded.stream, holder_trust=world.trust, title="NUH data analyst")
    enter(as_lead, funded.nuh_line)
    response = as_lead.post(step_url(world, world.trust, "complete"), {"version": 1}, follow=True)
    assert "Enter figures for every line first: NUH data analyst." in text(response)
    assert not TrustCompletion.objects.filter(status=CompletionStatus.COMPLETE).exists()


def test_only_the_trusts_lead_marks_complete_and_only_the_team_reopens(world, funded):
    spend = SpendReturnFactory(lmns=world.lmns, period=world.period)
    SpendEntryFactory(budget_line=funded.nuh_line, spend_return=spend)
    complete = step_url(world, world.trust, "complete")
    for persona, status in (
        ("anonymous", 302),
        ("sibling_lead", 404),
        ("team", 403),
        ("board", 403),
        ("other_team", 404),
    ):
        response = world.client_for(persona).post(complete, {"version": 1})
        assert response.status_code == status, persona
    assert not TrustCompletionTransition.objects.exists()

    TrustCompletionFactory(spend_return=spend, trust=world.trust, complete=True)
    reopen = step_url(world, world.trust, "reopen")
    data = {"version": 1, "comment": "Forged."}
    for persona, status in (("lead", 403), ("sibling_lead", 404), ("board", 403)):
        assert world.client_for(persona).post(reopen, data).status_code == status, persona
    assert TrustCompletion.objects.get(trust=world.trust).is_complete


def test_get_never_takes_a_step(world, funded, as_lead):
    enter(as_lead, funded.nuh_line)
    assert as_lead.get(step_url(world, world.trust, "complete")).status_code == 405
    assert not TrustCompletion.objects.filter(status=CompletionStatus.COMPLETE).exists()


def test_the_team_reopens_with_a_reason_and_the_lead_is_told(
    world, funded, as_lead, as_team, django_capture_on_commit_callbacks
):
    enter(as_lead, funded.nuh_line)
    as_lead.post(step_url(world, world.trust, "complete"), {"version": 1})
    reopen = step_url(world, world.trust, "reopen")
    assert "Reopen the trust's lines" in text(as_team.get(return_url(world)))

    # A reason is required.
    response = as_team.post(reopen, {"version": 2, "comment": " "}, follow=True)
    assert "Say why the lines are reopened: a comment is required." in text(response)
    assert TrustCompletion.objects.get(trust=world.trust).is_complete

    # A stale page is refused.
    with pytest.raises(StaleRecord):
        services.take_trust_step(
            lmns=world.lmns,
            period=world.period,
            trust=world.trust,
            action="reopen",
            user=world.users["team"],
            expected_version=1,
            comment="Late invoice.",
        )

    with django_capture_on_commit_callbacks(execute=True):
        response = as_team.post(reopen, {"version": 2, "comment": "Late invoice from the agency."})
    assert response.status_code == 302
    completion = TrustCompletion.objects.get(trust=world.trust)
    assert completion.status == CompletionStatus.OPEN
    note = Notification.objects.get(kind="trust_lines.reopened")
    assert note.recipient == world.users["lead"]
    assert note.text.endswith("Late invoice from the agency.")
    page = text(as_team.get(return_url(world)))
    assert "reopened NUH's lines: “Late invoice from the agency.”" in page
    # Open again: the lead changes the figure.
    entry = SpendEntry.objects.get(budget_line=funded.nuh_line)
    assert enter(as_lead, funded.nuh_line, version=entry.version, actual="5200").status_code == 302
    entry.refresh_from_db()
    assert entry.actual == Decimal("5200")


def test_steps_are_refused_once_the_return_is_submitted(world, funded, as_lead):
    spend = SpendReturnFactory(
        lmns=world.lmns, period=world.period, status=SpendReturnStatus.SUBMITTED
    )
    SpendEntryFactory(budget_line=funded.nuh_line, spend_return=spend)
    response = as_lead.post(step_url(world, world.trust, "complete"), {"version": 1}, follow=True)
    assert "send it back to draft first" in text(response)
    assert not TrustCompletion.objects.filter(status=CompletionStatus.COMPLETE).exists()


# -- the return page and submitting -------------------------------------------------------------
def test_the_return_page_says_how_many_trusts_are_complete(world, funded, as_team, as_board):
    spend = SpendReturnFactory(lmns=world.lmns, period=world.period)
    for line in (funded.central, funded.nuh_line):
        SpendEntryFactory(budget_line=line, spend_return=spend)
    TrustCompletionFactory(spend_return=spend, trust=world.trust, complete=True)
    for client in (as_team, as_board):
        page = text(client.get(return_url(world)))
        assert "1 of 2 trusts reported Q1 · 1 of 2 trusts complete" in page
        assert "SFH: Not complete (0 of 1 line entered)" in page
    assert "Reopen the trust's lines" not in text(as_board.get(return_url(world)))


def test_submitting_waits_for_every_holding_trust_and_names_the_missing_ones(
    world, funded, as_team, as_lead
):
    spend = SpendReturnFactory(lmns=world.lmns, period=world.period)
    SpendEntryFactory(budget_line=funded.central, spend_return=spend)
    enter(as_lead, funded.nuh_line)
    enter(as_team, funded.sfh_line)  # on SFH's behalf: SFH is late
    submit = reverse("funding:return_transition", args=[world.lmns.pk, 2022, 1, "submit"])

    response = as_team.post(submit, {"version": 1}, follow=True)
    assert (
        "Not every trust has finished: NUH has not marked its lines complete, and the "
        "programme team has not entered them on the trust's behalf." in text(response)
    )
    assert SpendReturn.objects.get(pk=spend.pk).status == SpendReturnStatus.DRAFT
    assert "SFH: Entered by the programme team on the trust's behalf" in text(response)

    as_lead.post(step_url(world, world.trust, "complete"), {"version": 1})
    as_team.post(submit, {"version": 1})
    assert SpendReturn.objects.get(pk=spend.pk).status == SpendReturnStatus.SUBMITTED


def test_every_trust_step_names_its_permission_rule_and_refusal():
    for step in services.TRUST_LINES_WORKFLOW.steps:
        assert callable(step.may) and step.refused
    assert services.TRUST_LINES_WORKFLOW.step("reopen").comment_label


# -- the budget line's own rules (issue 14, item 10) -------------------------------------------
def admin_form(data: dict, instance: BudgetLine | None = None):
    model_admin = admin_site._registry[BudgetLine]
    form_class = modelform_factory(BudgetLine, form=model_admin.form, fields="__all__")
    return form_class(data, instance=instance)


def line_data(funded, **changes) -> dict:
    data = {
        "stream": funded.stream.pk,
        "title": "Band 7 project manager",
        "deliverable": funded.central.deliverable_id,
        "holder_trust": "",
        "category": Category.PAY,
        "wte": "",
        "band": "",
        "approved_amount": "10000",
        "profile_q1": "2500",
        "profile_q2": "2500",
        "profile_q3": "2500",
        "profile_q4": "2500",
    }
    return {**data, **changes}


def test_the_admin_refuses_a_post_without_wte_and_band(funded):
    form = admin_form(line_data(funded))
    assert not form.is_valid()
    assert form.errors["wte"] == ["A post needs its whole-time equivalent (WTE)."]
    assert form.errors["band"] == ["A post needs its Agenda for Change band."]
    assert admin_form(line_data(funded, wte="1", band="7")).is_valid()


def test_the_admin_refuses_lines_beyond_the_allocation_and_profiles_that_do_not_add_up(funded):
    # The stream's £100,000 already holds £80,000 of lines.
    over = admin_form(
        line_data(
            funded,
            category=Category.NON_PAY,
            approved_amount="30000",
            profile_q1="7500",
            profile_q2="7500",
            profile_q3="7500",
            profile_q4="7500",
        )
    )
    assert not over.is_valid()
    assert "£10,000.00 more than its allocation" in over.errors["approved_amount"][0]
    uneven = admin_form(line_data(funded, category=Category.NON_PAY, profile_q4="0"))
    assert not uneven.is_valid()
    assert "£2,500.00 less than the approved amount" in str(uneven.non_field_errors())


def test_full_clean_holds_the_rules_the_pages_use(funded):
    line = BudgetLine(
        stream=funded.stream,
        title="Midwife",
        deliverable=funded.central.deliverable,
        category=Category.PAY,
        approved_amount=Decimal("0"),
    )
    with pytest.raises(ValidationError) as refused:
        line.full_clean()
    assert "wte" in refused.value.message_dict and "band" in refused.value.message_dict


def test_the_notts_team_colleague_is_told_too(world, funded, django_capture_on_commit_callbacks):
    colleague = lmns_member(world.lmns, Role.PROGRAMME_TEAM, "notts-finance")
    spend = SpendReturnFactory(lmns=world.lmns, period=world.period)
    SpendEntryFactory(budget_line=funded.nuh_line, spend_return=spend)
    with django_capture_on_commit_callbacks(execute=True):
        services.take_trust_step(
            lmns=world.lmns,
            period=world.period,
            trust=world.trust,
            action="complete",
            user=world.users["lead"],
            expected_version=1,
        )
    told = set(
        Notification.objects.filter(kind="trust_lines.complete").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"notts-team", colleague.username}
