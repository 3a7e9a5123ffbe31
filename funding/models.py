"""LMNS funding: allocations by stream, the spending plan of budget lines, quarterly spend returns.

Money is held in pounds and pence (``DecimalField``). A budget line's quarterly profile must add
up exactly to its approved amount (a database constraint as well as a form check).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q, Sum
from simple_history.models import HistoricalRecords

from lmns import workflow
from lmns.formatting import money
from lmns.models import Lmns, ReportingPeriod, Trust
from lmns.text import (
    NARRATIVE,
    ONE_LINE,
    SHORT_TEXT,
    NarrativeField,
    OneLineTextField,
    ShortTextField,
    text_lengths,
)

MONEY = {"max_digits": 12, "decimal_places": 2}
ZERO = Decimal("0")
NOT_NEGATIVE = [MinValueValidator(Decimal("0"), "Amounts cannot be negative.")]
QUARTERS = (1, 2, 3, 4)


def money_field(verbose_name: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, validators=NOT_NEGATIVE, **MONEY, **kwargs)


class StreamKind(models.TextChoices):
    """The lines of LMNS funding in the national guidance: baseline plus additional lines A–C."""

    BASELINE = "baseline", "Baseline"
    LINE_A = "A", "Line A"
    LINE_B = "B", "Line B"
    LINE_C = "C", "Line C"


class AllocationStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    HELD = "held", "Held after month-6 review"
    ADJUSTED = "adjusted", "Adjusted after month-6 review"


class FundingStream(models.Model):
    """One stream of an LMNS's allocation for a financial year, e.g. Line A transformation."""

    lmns = models.ForeignKey(Lmns, on_delete=models.PROTECT, related_name="funding_streams")
    start_year = models.PositiveSmallIntegerField(
        "financial year",
        help_text="The calendar year the financial year starts in: 2018 for 2018/19.",
    )
    kind = models.CharField("line", max_length=10, choices=StreamKind.choices)
    name = OneLineTextField(help_text="For example Transformation funding.")
    amount = money_field("allocation")
    date_notified = models.DateField()
    status = models.CharField(
        max_length=20, choices=AllocationStatus.choices, default=AllocationStatus.CONFIRMED
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["lmns__name", "start_year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["lmns", "start_year", "kind"],
                name="funding_stream_unique_per_year",
                violation_error_message="This LMNS already has that line for the year.",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="funding_stream_amount_not_negative"
            ),
            text_lengths("funding_stream", name=ONE_LINE),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name} {self.financial_year}"

    @property
    def financial_year(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"


class AllocationChange(models.Model):
    """A hold or adjustment of a stream's allocation (after the month-6 review), with its reason."""

    stream = models.ForeignKey(FundingStream, on_delete=models.PROTECT, related_name="changes")
    previous_amount = models.DecimalField(**MONEY)
    new_amount = models.DecimalField(**MONEY)
    previous_status = models.CharField(max_length=20, choices=AllocationStatus.choices)
    new_status = models.CharField(max_length=20, choices=AllocationStatus.choices)
    reason = ShortTextField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="allocation_change_has_reason"),
            text_lengths("allocation_change", reason=SHORT_TEXT),
        ]

    def __str__(self) -> str:
        return f"{self.stream}: {self.previous_amount} → {self.new_amount}"


class Category(models.TextChoices):
    PAY = "pay", "Pay (a post)"
    NON_PAY = "non_pay", "Non-pay"
    SERVICE_USER = "service_user", "Service user involvement"


class AfcBand(models.TextChoices):
    """Agenda for Change pay bands."""

    B3 = "3", "Band 3"
    B4 = "4", "Band 4"
    B5 = "5", "Band 5"
    B6 = "6", "Band 6"
    B7 = "7", "Band 7"
    B8A = "8a", "Band 8a"
    B8B = "8b", "Band 8b"
    B8C = "8c", "Band 8c"
    B8D = "8d", "Band 8d"
    B9 = "9", "Band 9"


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


class BudgetLine(models.Model):
    """An approved line of the spending plan, serving one deliverable, held by a trust or the LMNS."""

    stream = models.ForeignKey(FundingStream, on_delete=models.PROTECT, related_name="lines")
    title = OneLineTextField()
    deliverable = models.ForeignKey(
        "deliverables.Deliverable", on_delete=models.PROTECT, related_name="budget_lines"
    )
    holder_trust = models.ForeignKey(
        Trust,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="budget_lines",
        verbose_name="held by",
        help_text="The trust that holds the money (for example hosts the post); empty for the LMNS centrally.",
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    wte = models.DecimalField(
        "WTE",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"), "WTE must be more than zero.")],
        help_text="Whole-time equivalent, for posts.",
    )
    band = models.CharField(
        "Agenda for Change band", max_length=3, choices=AfcBand.choices, blank=True
    )
    approved_amount = money_field("approved amount")
    profile_q1 = money_field("profile Q1", default=Decimal("0"))
    profile_q2 = money_field("profile Q2", default=Decimal("0"))
    profile_q3 = money_field("profile Q3", default=Decimal("0"))
    profile_q4 = money_field("profile Q4", default=Decimal("0"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["stream", "holder_trust__name", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    approved_amount=F("profile_q1")
                    + F("profile_q2")
                    + F("profile_q3")
                    + F("profile_q4")
                ),
                name="budget_line_profile_adds_up",
                violation_error_message="The quarterly profile must add up to the approved amount.",
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__gte=0)
                & Q(profile_q1__gte=0)
                & Q(profile_q2__gte=0)
                & Q(profile_q3__gte=0)
                & Q(profile_q4__gte=0),
                name="budget_line_money_not_negative",
            ),
            text_lengths("budget_line", title=ONE_LINE),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        """The line's own rules, wherever it is saved from (the funding pages or the admin): a
        post has its WTE and band, the profile adds up to the approved amount, and the stream's
        approved lines stay within its allocation."""
        errors: dict[str, str] = {}
        if self.category == Category.PAY:
            if not self.wte:
                errors["wte"] = "A post needs its whole-time equivalent (WTE)."
            if not self.band:
                errors["band"] = "A post needs its Agenda for Change band."
        profile = [self.profile_for(q) for q in QUARTERS]
        if self.approved_amount is not None and None not in profile:
            if error := profile_error(self.approved_amount, profile):
                errors[NON_FIELD_ERRORS] = error
        if self.stream_id and self.approved_amount is not None:
            if error := allocation_error(self.stream, self.approved_amount, self.pk):
                errors["approved_amount"] = error
        if errors:
            raise ValidationError(errors)

    @property
    def holder_name(self) -> str:
        return self.holder_trust.short_name if self.holder_trust_id else "LMNS (central)"

    def profile_for(self, quarter: int) -> Decimal:
        return getattr(self, f"profile_q{quarter}")

    @property
    def lmns_id(self) -> int:
        return self.stream.lmns_id


class SpendReturnStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    SIGNED_OFF = "signed_off", "Signed off"


class SpendReturn(models.Model):
    """An LMNS's quarterly report of spend against every approved budget line."""

    lmns = models.ForeignKey(Lmns, on_delete=models.PROTECT, related_name="spend_returns")
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="spend_returns"
    )
    status = models.CharField(
        max_length=20, choices=SpendReturnStatus.choices, default=SpendReturnStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["lmns__name", "period"]
        constraints = [
            models.UniqueConstraint(fields=["lmns", "period"], name="spend_return_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.lmns.short_name} spend return {self.period}"

    @property
    def is_editable(self) -> bool:
        return self.status == SpendReturnStatus.DRAFT


class SpendReturnTransition(workflow.Transition):
    """One step of a spend return's workflow: who moved it, when, from what, to what, and why."""

    spend_return = models.ForeignKey(
        SpendReturn, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=20, choices=SpendReturnStatus.choices)
    to_status = models.CharField(max_length=20, choices=SpendReturnStatus.choices)

    class Meta(workflow.Transition.Meta):
        constraints = [text_lengths("spend_return_transition", comment=SHORT_TEXT)]

    def __str__(self) -> str:
        return f"{self.spend_return}: {self.from_status} → {self.to_status}"


class SpendEntry(models.Model):
    """One budget line's figures in one quarter's spend return (the quarter's own spend)."""

    spend_return = models.ForeignKey(SpendReturn, on_delete=models.PROTECT, related_name="entries")
    budget_line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="entries")
    quarter = models.PositiveSmallIntegerField(editable=False)
    actual = money_field("actual expenditure in the quarter")
    accruals = money_field("accruals", default=Decimal("0"))
    commitments = money_field("commitments", default=Decimal("0"))
    forecast_outturn = money_field("forecast outturn for the year")
    narrative = NarrativeField(
        blank=True, help_text="Why spend differs from profile, and what is being done."
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)
    on_behalf = models.BooleanField(
        "entered on the trust's behalf",
        default=False,
        editable=False,
        help_text="Saved by the LMNS programme team for the trust holding the line.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["spend_return", "budget_line"]
        verbose_name_plural = "spend entries"
        constraints = [
            models.UniqueConstraint(
                fields=["spend_return", "budget_line"], name="spend_entry_unique_per_return"
            ),
            models.CheckConstraint(
                condition=Q(actual__gte=0)
                & Q(accruals__gte=0)
                & Q(commitments__gte=0)
                & Q(forecast_outturn__gte=0),
                name="spend_entry_money_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="spend_entry_quarter_1_4"
            ),
            text_lengths("spend_entry", narrative=NARRATIVE),
        ]

    def __str__(self) -> str:
        return f"{self.budget_line} Q{self.quarter}"

    def save(self, *args, **kwargs) -> None:
        if not self.quarter:
            self.quarter = self.spend_return.period.quarter
        super().save(*args, **kwargs)


class CompletionStatus(models.TextChoices):
    OPEN = "open", "Not complete"
    COMPLETE = "complete", "Complete"


class TrustCompletion(models.Model):
    """Whether a holding trust has marked its lines of one quarter's spend return complete.

    Complete lines are locked (nobody changes their figures) until the programme team reopens
    them with a reason. Steps: ``funding.services.TRUST_LINES_WORKFLOW``.
    """

    spend_return = models.ForeignKey(
        SpendReturn, on_delete=models.CASCADE, related_name="completions"
    )
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="spend_completions")
    status = models.CharField(
        max_length=20, choices=CompletionStatus.choices, default=CompletionStatus.OPEN
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["spend_return", "trust__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["spend_return", "trust"], name="trust_completion_unique_per_return"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trust.short_name} lines of {self.spend_return}"

    @property
    def is_complete(self) -> bool:
        return self.status == CompletionStatus.COMPLETE


class TrustCompletionTransition(workflow.Transition):
    """A trust marking its quarter's lines complete, or the programme team reopening them."""

    completion = models.ForeignKey(
        TrustCompletion, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=20, choices=CompletionStatus.choices)
    to_status = models.CharField(max_length=20, choices=CompletionStatus.choices)

    class Meta(workflow.Transition.Meta):
        constraints = [text_lengths("trust_completion_transition", comment=SHORT_TEXT)]

    def __str__(self) -> str:
        return f"{self.completion}: {self.from_status} → {self.to_status}"
