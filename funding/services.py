"""Business rules of funding: allocation limits, allocation changes, spend entries, sign-off."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
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
    FundingStream,
    SpendEntry,
    SpendReturn,
    SpendReturnStatus,
    SpendReturnTransition,
)
from .selectors import exceeds_threshold

ZERO = Decimal("0")


def may_enter(access: Access, line: BudgetLine) -> bool:
    """Trust leads enter lines their trust holds; the programme team enters central lines."""
    if line.holder_trust_id:
        return access.can_edit_trust(line.holder_trust)
    return access.can_manage_lmns(line.stream.lmns_id)


def approved_in_stream(stream: FundingStream, exclude_line_id: int | None = None) -> Decimal:
    qs = BudgetLine.objects.filter(stream=stream)
    if exclude_line_id:
        qs = qs.exclude(pk=exclude_line_id)
    return qs.aggregate(total=Sum("approved_amount"))["total"] or ZERO


def allocation_error(
    stream: FundingStream, amount: Decimal, exclude_line_id: int | None = None
) -> str | None:
    """Why approving ``amount`` on ``stream`` would break its allocation, or None."""
    total = approved_in_stream(stream, exclude_line_id) + amount
    if total > stream.amount:
        return (
            f"Approved lines in {stream.name} would total {money(total, True)}, which is "
            f"{money(total - stream.amount, True)} more than its allocation of "
            f"{money(stream.amount, True)}."
        )
    return None


def profile_error(approved: Decimal, profile: list[Decimal]) -> str | None:
    total = sum(profile, ZERO)
    if total == approved:
        return None
    difference = total - approved
    direction = "more" if difference > 0 else "less"
    return (
        f"The quarterly profile adds up to {money(total, True)}, which is "
        f"{money(abs(difference), True)} {direction} than the approved amount of "
        f"{money(approved, True)}."
    )


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


@transaction.atomic
def save_spend_entry(
    spend_return: SpendReturn,
    line: BudgetLine,
    figures: dict,
    *,
    expected_version: int,
    user,
) -> SpendEntry:
    """Record a line's figures for the quarter. ``expected_version`` 0 means a new entry.

    Raises :class:`StaleRecord` when someone saved first, ValidationError when the return is
    no longer a draft (submitted and signed-off figures are read-only).
    """
    locked = SpendReturn.objects.select_for_update().get(pk=spend_return.pk)
    if locked.status != SpendReturnStatus.DRAFT:
        raise ValidationError(
            f"The {locked.period} return is {locked.get_status_display().lower()}: "
            "its figures can no longer be changed."
        )
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
