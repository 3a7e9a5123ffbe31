"""Plans, their workstreams and deliverables, status updates, trajectories and risks."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from simple_history.models import HistoricalRecords

from lmns.models import Lmns, RagStatus, ReportingPeriod, Trust
from lmns.people import person_name
from lmns.text import (
    NARRATIVE,
    ONE_LINE,
    SHORT_TEXT,
    NarrativeField,
    OneLineTextField,
    ShortTextField,
    text_lengths,
)

# Statuses that need a narrative and a recovery action with a date.
EXCEPTION_STATUSES = (RagStatus.AT_RISK, RagStatus.OFF_TRACK)


class Plan(models.Model):
    """An LMNS plan (or one trust's improvement plan) with numbered deliverables."""

    lmns = models.ForeignKey(Lmns, on_delete=models.PROTECT, related_name="plans")
    trust = models.ForeignKey(
        Trust,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
        help_text="Only for a single trust's plan, such as a trust improvement plan.",
    )
    title = OneLineTextField()
    period_start = models.DateField()
    period_end = models.DateField()

    class Meta:
        ordering = ["lmns__name", "-period_start", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="plan_period_ends_after_start",
                violation_error_message="The plan's period must end after it starts.",
            ),
            text_lengths("plan", title=ONE_LINE),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("deliverables:plan_detail", args=[self.pk])


class PlanKpi(models.Model):
    """A quality measure the plan's progress is judged by (a KPI)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="kpis")
    measure = models.ForeignKey("quality.Measure", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order", "pk"]
        verbose_name = "KPI"
        constraints = [
            models.UniqueConstraint(fields=["plan", "measure"], name="plan_kpi_unique"),
        ]

    def __str__(self) -> str:
        return str(self.measure)


class ReviewFrequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    BIMONTHLY = "bimonthly", "Every two months"
    QUARTERLY = "quarterly", "Quarterly"
    NOT_STATED = "not_stated", "Not stated in the plan"


class GovernanceStep(models.Model):
    """One group on a plan's governance route: what it does with the plan and how often it
    reviews progress. Each step escalates to the next one up (the next ``level``)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="governance")
    level = models.PositiveSmallIntegerField(help_text="1 for the group nearest the work.")
    group = OneLineTextField()
    chair = OneLineTextField(blank=True)
    responsibilities = ShortTextField(blank=True)
    frequency = models.CharField(
        "reviews progress", max_length=12, choices=ReviewFrequency.choices, default="not_stated"
    )

    class Meta:
        ordering = ["plan", "level"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "level"], name="governance_level_unique"),
            text_lengths(
                "governance_step", group=ONE_LINE, chair=ONE_LINE, responsibilities=SHORT_TEXT
            ),
        ]

    def __str__(self) -> str:
        return self.group


class Workstream(models.Model):
    """A workstream or priority of a plan, with its senior responsible owner."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="workstreams")
    name = OneLineTextField()
    sro = OneLineTextField("senior responsible owner", blank=True)
    description = ShortTextField(
        blank=True, help_text="For a priority: its workstream and the aim it serves."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="workstream_unique_in_plan"),
            text_lengths("workstream", name=ONE_LINE, sro=ONE_LINE, description=SHORT_TEXT),
        ]

    def __str__(self) -> str:
        return self.name


class DeliverableQuerySet(models.QuerySet):
    def with_overdue(self, today: datetime.date | None = None) -> "DeliverableQuerySet":
        """Annotate ``overdue``: past its due date and not complete."""
        today = today or datetime.date.today()
        return self.annotate(
            overdue=Case(
                When(
                    Q(due_date__lt=today) & ~Q(status=RagStatus.COMPLETE),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )


class Deliverable(models.Model):
    """A numbered deliverable of a plan, optionally a lettered part (4a–4e)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="deliverables")
    workstream = models.ForeignKey(
        Workstream, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliverables"
    )
    number = models.PositiveSmallIntegerField()
    part = OneLineTextField(max_length=3, blank=True, help_text="A lettered part such as a.")
    title = OneLineTextField()
    text = NarrativeField("full text", blank=True, help_text="What will change.")
    actions = NarrativeField(
        "what we are doing", blank=True, help_text="How it will change: the actions taken."
    )
    for_families = NarrativeField(
        "what it means for families", blank=True, help_text="The outcome for women and families."
    )
    owner_name = OneLineTextField("owner", blank=True, help_text="A named person or role.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_deliverables",
    )
    trusts = models.ManyToManyField(
        Trust, blank=True, related_name="deliverables", help_text="Leave empty for all trusts."
    )
    due_date = models.DateField(null=True, blank=True)
    ambition = models.OneToOneField(
        "quality.Ambition",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliverable",
        help_text="Its measurable target: a trajectory on a quality measure.",
    )
    status = models.CharField(
        "latest status",
        max_length=20,
        choices=RagStatus.choices,
        default=RagStatus.NOT_STARTED,
        help_text="The status of the latest update; set only by recording an update.",
    )
    latest_update = models.ForeignKey(
        "DeliverableUpdate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version", "latest_update"], m2m_fields=[trusts])

    objects = DeliverableQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "number", "part"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number", "part"], name="deliverable_number_unique_in_plan"
            ),
            text_lengths(
                "deliverable",
                part=3,
                title=ONE_LINE,
                text=NARRATIVE,
                actions=NARRATIVE,
                for_families=NARRATIVE,
                owner_name=ONE_LINE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"{self.number}{self.part}"

    def get_absolute_url(self) -> str:
        return reverse("deliverables:deliverable_detail", args=[self.pk])

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """Past its due date and not complete."""
        today = today or datetime.date.today()
        return bool(self.due_date and self.due_date < today and self.status != RagStatus.COMPLETE)


class DeliverableUpdate(models.Model):
    """One progress report on a deliverable for a period. Rows are never edited or deleted."""

    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="updates")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=RagStatus.choices)
    narrative = NarrativeField("progress narrative", blank=True)
    recovery_action = ShortTextField(blank=True)
    recovery_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=EXCEPTION_STATUSES)
                | (~Q(narrative="") & ~Q(recovery_action="") & Q(recovery_date__isnull=False)),
                name="update_at_risk_needs_recovery",
                violation_error_message=(
                    "At risk and Off track need a narrative and a recovery action with a date."
                ),
            ),
            text_lengths("update", narrative=NARRATIVE, recovery_action=SHORT_TEXT),
        ]

    def __str__(self) -> str:
        return f"{self.deliverable.reference} {self.period}: {self.get_status_display()}"

    @property
    def recorded_by(self) -> str:
        if self.created_by is None:
            return "an import or the system"
        return person_name(self.created_by)


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class RiskRating(models.TextChoices):
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    HIGH = "high", "High"
    EXTREME = "extreme", "Extreme"


def risk_rating(score: int) -> RiskRating:
    """The NHS 5×5 risk matrix: 1–3 low, 4–6 moderate, 8–12 high, 15–25 extreme."""
    if not 1 <= score <= 25:
        raise ValueError(f"A risk score is from 1 to 25, not {score}.")
    if score <= 3:
        return RiskRating.LOW
    if score <= 6:
        return RiskRating.MODERATE
    if score <= 12:
        return RiskRating.HIGH
    return RiskRating.EXTREME


ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class RiskQuerySet(models.QuerySet):
    def with_score(self) -> "RiskQuerySet":
        return self.annotate(score_value=F("likelihood") * F("impact"))


class Risk(models.Model):
    """A risk on an LMNS's register, scored likelihood × impact."""

    lmns = models.ForeignKey(Lmns, on_delete=models.PROTECT, related_name="risks")
    title = OneLineTextField()
    description = NarrativeField()
    cause = ShortTextField(blank=True)
    consequence = ShortTextField(blank=True)
    deliverables = models.ManyToManyField(Deliverable, blank=True, related_name="risks")
    owner_name = OneLineTextField("owner")
    likelihood = models.PositiveSmallIntegerField(validators=ONE_TO_FIVE, help_text="1 to 5")
    impact = models.PositiveSmallIntegerField(validators=ONE_TO_FIVE, help_text="1 to 5")
    review_date = models.DateField()
    status = models.CharField(max_length=10, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version"], m2m_fields=[deliverables])

    objects = RiskQuerySet.as_manager()

    class Meta:
        ordering = ["lmns", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5),
                name="risk_likelihood_1_5",
                violation_error_message="Likelihood is from 1 to 5.",
            ),
            models.CheckConstraint(
                condition=Q(impact__gte=1, impact__lte=5),
                name="risk_impact_1_5",
                violation_error_message="Impact is from 1 to 5.",
            ),
            text_lengths(
                "risk",
                title=ONE_LINE,
                description=NARRATIVE,
                cause=SHORT_TEXT,
                consequence=SHORT_TEXT,
                owner_name=ONE_LINE,
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("deliverables:risk_detail", args=[self.pk])

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def rating(self) -> RiskRating:
        return risk_rating(self.score)

    def is_review_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or datetime.date.today()
        return self.status == RiskStatus.OPEN and self.review_date < today


class RiskScore(models.Model):
    """One scoring of a risk: the first when it is raised, then each re-score."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="scores")
    likelihood = models.PositiveSmallIntegerField(validators=ONE_TO_FIVE)
    impact = models.PositiveSmallIntegerField(validators=ONE_TO_FIVE)
    scored_on = models.DateField(default=datetime.date.today)
    note = ShortTextField(blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-scored_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5),
                name="risk_score_1_5",
            ),
            text_lengths("risk_score", note=SHORT_TEXT),
        ]

    def __str__(self) -> str:
        return f"{self.score} on {self.scored_on}"

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


class Mitigation(models.Model):
    """An action that reduces a risk, with its owner and status."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="mitigations")
    action = ShortTextField()
    owner_name = OneLineTextField("owner")
    status = models.CharField(max_length=20, choices=RagStatus.choices, default=RagStatus.ON_TRACK)
    history = HistoricalRecords()

    class Meta:
        ordering = ["risk", "pk"]
        constraints = [text_lengths("mitigation", action=SHORT_TEXT, owner_name=ONE_LINE)]

    def __str__(self) -> str:
        return self.action[:80]
