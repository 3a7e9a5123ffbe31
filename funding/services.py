"""Business rules of funding: allocation limits, allocation changes, spend entries, sign-off."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator

from lmns.access import Access
from lmns.models import Lmns, ReportingPeriod
from lmns.templatetags.lmns_tags import money
from lmns.workflow import (
    Refusal,
    StaleRecord,
    Step,
    Workflow,
    bump_version,
    changed_values,
    unsaved_fields,
)

from .models import (
    AllocationChange,
    BudgetLine,
    CompletionStatus,
    FundingStream,
    SpendEntry,
    SpendReturn,
    SpendReturnStatus,
    SpendReturnTransition,
    TrustCompletion,
    TrustCompletionTransition,
    allocation_error,
    approved_in_stream,
)
from .selectors import exceeds_threshold, holder_states

ZERO = Decimal("0")


def may_enter(access: Access, line: BudgetLine) -> bool:
    """Trust leads enter lines their trust holds; the programme team enters central lines and,
    for a trust that is late, the trust's lines on its behalf."""
    if line.holder_trust_id and access.can_edit_trust(line.holder_trust):
        return True
    return access.can_manage_lmns(line.stream.lmns_id)


def on_behalf(access: Access, line: BudgetLine) -> bool:
    """Whether this person enters ``line`` for the trust holding it (the programme team)."""
    return bool(line.holder_trust_id) and not access.can_edit_trust(line.holder_trust)


def narrative_required(actual: Decimal, profile: Decimal) -> bool:
    return exceeds_threshold(actual - profile, profile)


# Set by saving a line, not typed: a line saved unchanged keeps them as they were.
LINE_APPROVAL = ("approved_by", "approved_at", "version")


@transaction.atomic
def save_budget_line(line: BudgetLine, user, expected_version: int | None = None) -> BudgetLine:
    """Save a line approved by ``user``; with ``expected_version`` refuse a stale edit.

    A line saved unchanged keeps its approval as it was and writes nothing.
    """
    if line.pk and not unsaved_fields(line, ignore=LINE_APPROVAL):
        return line
    line.approved_by = user
    line.approved_at = timezone.now()
    if line.pk:
        bump_version(line, expected_version or 0)
    # Checked again inside the transaction so two people approving at once cannot overspend.
    FundingStream.objects.select_for_update().filter(pk=line.stream_id).first()
    error = allocation_error(line.stream, line.approved_amount, line.pk)
    if error:
        raise ValidationError(error)
    line.save()
    return line


@transaction.atomic
def change_allocation(
    stream: FundingStream,
    *,
    new_amount: Decimal,
    new_status: str,
    reason: str,
    user,
) -> AllocationChange:
    """Hold or adjust an allocation (after the month-6 review), recording why."""
    if not reason.strip():
        raise ValidationError("Give the reason for the change.")
    approved = approved_in_stream(stream)
    if new_amount < approved:
        raise ValidationError(
            f"Lines already approved in this stream total {money(approved, True)}, "
            f"{money(approved - new_amount, True)} more than the new allocation. "
            "Reduce those lines first."
        )
    change = AllocationChange.objects.create(
        stream=stream,
        previous_amount=stream.amount,
        new_amount=new_amount,
        previous_status=stream.status,
        new_status=new_status,
        reason=reason.strip(),
        changed_by=user,
    )
    stream.amount = new_amount
    stream.status = new_status
    # The history's reason column holds 100 characters; the full reason is in AllocationChange.
    stream._change_reason = Truncator(reason.strip()).chars(100)
    stream.save()
    return change


def return_for(lmns: Lmns, period: ReportingPeriod) -> SpendReturn:
    spend_return, _ = SpendReturn.objects.get_or_create(lmns=lmns, period=period)
    return spend_return


def read_only_reason(spend_return: SpendReturn | None, line: BudgetLine) -> str:
    """Why ``line``'s figures in ``spend_return`` cannot be changed now; "" when they can."""
    if spend_return is None:
        return ""
    if spend_return.status != SpendReturnStatus.DRAFT:
        return (
            f"The {spend_return.period} return is {spend_return.get_status_display().lower()}: "
            "its figures are read-only."
        )
    if line.holder_trust_id and (
        completion := TrustCompletion.objects.filter(
            spend_return=spend_return,
            trust_id=line.holder_trust_id,
            status=CompletionStatus.COMPLETE,
        )
        .select_related("trust")
        .first()
    ):
        return locked_message(completion, spend_return.period)
    return ""


def locked_message(completion: TrustCompletion, period: ReportingPeriod) -> str:
    return (
        f"{completion.trust.short_name} marked its {period} lines complete, so they are "
        "locked: ask the LMNS programme team to reopen them if a figure must change."
    )


@transaction.atomic
def enter_spend(
    *,
    line: BudgetLine,
    period: ReportingPeriod,
    figures: dict,
    expected_version: int,
    user,
    for_trust: bool = False,
) -> SpendEntry:
    """Record ``line``'s figures for ``period``, starting the quarter's return if needed, in one
    transaction (a refused entry leaves no empty return behind). ``for_trust``: the programme
    team enters a late trust's line on its behalf, and the line's history says so."""
    spend_return = return_for(line.stream.lmns, period)
    return save_spend_entry(
        spend_return,
        line,
        figures,
        expected_version=expected_version,
        user=user,
        for_trust=for_trust,
    )


def forecast_warning(line: BudgetLine, figures: dict) -> str:
    """The warning shown after saving a forecast outturn above the line's approved amount."""
    if figures["forecast_outturn"] <= line.approved_amount:
        return ""
    return (
        f"Warning: {line.title}'s forecast outturn of {money(figures['forecast_outturn'])} "
        f"is above its approved amount of {money(line.approved_amount)}."
    )


@transaction.atomic
def save_spend_entry(
    spend_return: SpendReturn,
    line: BudgetLine,
    figures: dict,
    *,
    expected_version: int,
    user,
    for_trust: bool = False,
) -> SpendEntry:
    """Record a line's figures for the quarter. ``expected_version`` 0 means a new entry.

    Raises :class:`StaleRecord` when someone saved first, ValidationError when the return is
    no longer a draft (submitted and signed-off figures are read-only) or the trust marked its
    lines complete (locked until the programme team reopens them).
    """
    locked = (
        SpendReturn.objects.select_for_update().select_related("period").get(pk=spend_return.pk)
    )
    if reason := read_only_reason(locked, line):
        raise Refusal(reason)
    entry = SpendEntry.objects.filter(spend_return=spend_return, budget_line=line).first()
    if entry is None:
        if expected_version != 0:
            raise StaleRecord("These figures were removed since you opened the form.")
        try:
            with transaction.atomic():
                return SpendEntry.objects.create(
                    spend_return=spend_return,
                    budget_line=line,
                    quarter=spend_return.period.quarter,
                    entered_by=user,
                    on_behalf=for_trust,
                    **figures,
                )
        except IntegrityError as error:
            raise StaleRecord(
                "Someone else entered figures for this line since you opened the form. "
                "Your input is still below: check it against theirs and save again."
            ) from error
    if expected_version == 0:
        raise StaleRecord(
            "Someone else entered figures for this line since you opened the form. "
            "Your input is still below: check it against theirs and save again."
        )
    if not changed_values(entry, figures):
        return entry
    bump_version(entry, expected_version)
    for name, value in figures.items():
        setattr(entry, name, value)
    entry.entered_by = user
    entry.on_behalf = for_trust
    entry.save()
    return entry


def missing_lines(spend_return: SpendReturn) -> list[str]:
    """Titles of the year's lines without figures in this return."""
    return list(
        BudgetLine.objects.filter(
            stream__lmns_id=spend_return.lmns_id,
            stream__start_year=spend_return.period.start_year,
        )
        .exclude(entries__spend_return=spend_return)
        .order_by("title")
        .values_list("title", flat=True)
    )


# -- the spend return's workflow ---------------------------------------------------------------
def may_manage_spend(access: Access, spend_return: SpendReturn) -> bool:
    """The LMNS programme team submits and reopens its spend returns."""
    return access.can_manage_lmns(spend_return.lmns_id)


def may_sign_off(access: Access, spend_return: SpendReturn) -> bool:
    """Four eyes on money: another member of the programme team than the submitter signs off,
    unless an administrator allowed the submitter for this LMNS."""
    if not may_manage_spend(access, spend_return):
        return False
    same_person = spend_return.submitted_by_id == access.user_id
    return not same_person or spend_return.lmns.spend_sign_off_by_submitter


TEAM_ONLY = "Only the LMNS programme team moves its spend returns."
FOUR_EYES = (
    "The person who submitted a spend return cannot sign it off: another member of the "
    "programme team signs it off."
)
SPEND_RETURN_WORKFLOW = Workflow(
    name="spend_return",
    noun="return",
    transition_model=SpendReturnTransition,
    record_field="spend_return",
    steps=(
        Step(
            "submit",
            "Submit the return",
            (SpendReturnStatus.DRAFT,),
            SpendReturnStatus.SUBMITTED,
            may_manage_spend,
            TEAM_ONLY,
        ),
        Step(
            "sign_off",
            "Sign off the return",
            (SpendReturnStatus.SUBMITTED,),
            SpendReturnStatus.SIGNED_OFF,
            may_sign_off,
            FOUR_EYES,
        ),
        Step(
            "reopen",
            "Send back to draft",
            (SpendReturnStatus.SUBMITTED,),
            SpendReturnStatus.DRAFT,
            may_manage_spend,
            TEAM_ONLY,
            comment_label="Say why the return is sent back to draft",
        ),
    ),
)


def steps_for(access: Access, spend_return: SpendReturn) -> list[Step]:
    """The steps this person may take now: the page's buttons (an unsaved return is a draft)."""
    return SPEND_RETURN_WORKFLOW.available(access, spend_return)


@transaction.atomic
def take_return_step(
    *,
    access: Access,
    lmns: Lmns,
    period: ReportingPeriod,
    action: str,
    user,
    expected_version: int,
    comment: str = "",
) -> SpendReturn:
    """Take ``action`` on the LMNS's return for ``period``, starting the return if needed, in
    one transaction (a refused step leaves no empty return behind). Refuses a person whose role
    may not take the step (``PermissionDenied``, 403) and whatever :func:`transition_return`
    refuses."""
    spend_return = return_for(lmns, period)
    step = SPEND_RETURN_WORKFLOW.step(action)
    access.require(SPEND_RETURN_WORKFLOW.may_take(access, spend_return, action), step.refused)
    transition_return(
        spend_return=spend_return,
        action=action,
        user=user,
        expected_version=expected_version,
        comment=comment,
    )
    return spend_return


def transition_return(
    *, spend_return: SpendReturn, action: str, user, expected_version: int, comment: str = ""
) -> SpendReturnTransition:
    """Take one step of :data:`SPEND_RETURN_WORKFLOW`, with its transition and history rows.

    The caller has checked the role with ``SPEND_RETURN_WORKFLOW.may_take``. Refuses (with
    ``ValidationError``) submitting a return with lines still to fill in.
    """
    if action == "submit" and spend_return.status == SpendReturnStatus.DRAFT:
        missing = missing_lines(spend_return)
        if missing:
            raise Refusal(f"{len(missing)} line(s) have no figures yet: {', '.join(missing)}.")
        waiting = [
            state.trust.short_name
            for state in holder_states(spend_return.lmns, spend_return.period, spend_return)
            if not state.settled
        ]
        if waiting:
            raise Refusal(
                f"Not every trust has finished: {', '.join(waiting)} "
                f"{'has' if len(waiting) == 1 else 'have'} not marked "
                f"{'its' if len(waiting) == 1 else 'their'} lines complete, and the programme "
                "team has not entered them on the trust's behalf."
            )
    now = timezone.now()
    changes = {
        "submit": {"submitted_by": user, "submitted_at": now},
        "sign_off": {"signed_off_by": user, "signed_off_at": now},
    }.get(action, {})
    return SPEND_RETURN_WORKFLOW.take(
        record=spend_return,
        action=action,
        user=user,
        expected_version=expected_version,
        comment=comment,
        **changes,
    )


# -- a holding trust's lines: marked complete by the trust, reopened by the team ----------------
def may_complete(access: Access, completion: TrustCompletion) -> bool:
    """A lead of the trust marks its lines complete."""
    return access.can_edit_trust(completion.trust)


def may_reopen(access: Access, completion: TrustCompletion) -> bool:
    """The LMNS programme team reopens a trust's lines."""
    return access.can_manage_lmns(completion.spend_return.lmns_id)


TRUST_LINES_WORKFLOW = Workflow(
    name="trust_lines",
    noun="trust's part of the return",
    transition_model=TrustCompletionTransition,
    record_field="completion",
    steps=(
        Step(
            "complete",
            "Mark our lines complete",
            (CompletionStatus.OPEN,),
            CompletionStatus.COMPLETE,
            may_complete,
            "Only a lead of the trust marks its lines complete.",
        ),
        Step(
            "reopen",
            "Reopen the trust's lines",
            (CompletionStatus.COMPLETE,),
            CompletionStatus.OPEN,
            may_reopen,
            "Only the LMNS programme team reopens a trust's lines.",
            comment_label="Say why the lines are reopened",
        ),
    ),
)


def completion_stub(lmns: Lmns, trust, spend_return: SpendReturn | None = None) -> TrustCompletion:
    """An unsaved completion, to ask the step table who may take a step before one exists."""
    return TrustCompletion(spend_return=spend_return or SpendReturn(lmns=lmns), trust=trust)


@transaction.atomic
def take_trust_step(
    *,
    lmns: Lmns,
    period: ReportingPeriod,
    trust,
    action: str,
    user,
    expected_version: int,
    comment: str = "",
) -> TrustCompletionTransition:
    """Take one step of :data:`TRUST_LINES_WORKFLOW` for ``trust``'s lines of the quarter.

    The caller has checked the role. Refuses when the return is no longer a draft, and marking
    complete while any of the trust's lines has no figures (the missing ones are named).
    """
    spend_return = return_for(lmns, period)
    spend_return = (
        SpendReturn.objects.select_for_update().select_related("period").get(pk=spend_return.pk)
    )
    if spend_return.status != SpendReturnStatus.DRAFT:
        raise Refusal(
            f"The {period} return is {spend_return.get_status_display().lower()}: "
            "send it back to draft first."
        )
    completion, _ = TrustCompletion.objects.get_or_create(spend_return=spend_return, trust=trust)
    changes = {"completed_by": None, "completed_at": None}
    if action == "complete":
        missing = list(
            BudgetLine.objects.filter(
                stream__lmns=lmns, stream__start_year=period.start_year, holder_trust=trust
            )
            .exclude(entries__spend_return=spend_return)
            .order_by("title")
            .values_list("title", flat=True)
        )
        if missing:
            raise Refusal(f"Enter figures for every line first: {', '.join(missing)}.")
        changes = {"completed_by": user, "completed_at": timezone.now()}
    return TRUST_LINES_WORKFLOW.take(
        record=completion,
        action=action,
        user=user,
        expected_version=expected_version,
        comment=comment,
        **changes,
    )
