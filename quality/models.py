"""Perinatal quality measures (as data), each trust's monthly figures, and rebased SPC limits.

The measure schema follows the three-year delivery plan's technical guidance: an id and short
name, theme, description, numerator and denominator definitions (or a count), unit, the
direction that is better (or none), frequency, source, outcome or progress measure, exclusions,
standardisation, organisation levels and a publication link, plus whether the ratio may exceed
100% and the population group its values and targets are for.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from lmns import formatting
from lmns.models import Trust
from lmns.text import OneLineTextField, ShortTextField, text_lengths

HUNDRED = Decimal("100")
THOUSAND = Decimal("1000")
FIGURE_DIGITS = {"max_digits": 12, "decimal_places": 2}


class Theme(models.TextChoices):
    STAFFING = "staffing", "Safe staffing"
    TRAINING = "training", "A well-trained workforce"
    LEARNING = "learning", "Learning from incidents and deaths"
    LISTENING = "listening", "Listening to women, families and staff"
    OUTCOMES = "outcomes", "Outcomes"
    PREVENTION = "prevention", "Prevention and public health"
    PERSONALISED = "personalised", "Personalised and equitable care"


class Unit(models.TextChoices):
    PERCENT = "percent", "Per cent"
    PER_1000 = "per_1000", "Per 1,000 births"
    COUNT = "count", "Count"


class BetterDirection(models.TextChoices):
    """The values are those of :class:`quality.spc.Direction`."""

    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"
    NONE = "none", "Neither (no better direction)"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"


class MeasureKind(models.TextChoices):
    OUTCOME = "outcome", "Outcome measure"
    PROGRESS = "progress", "Progress (process) measure"


class PopulationGroup(models.TextChoices):
    ALL = "all", "All women"
    BLACK_ASIAN_MIXED = "black_asian_mixed", "Black, Asian and mixed ethnicity women"
    MOST_DEPRIVED = "most_deprived", "Women from the most deprived 10% of areas"


class OrganisationLevels(models.TextChoices):
    TRUST = "trust", "Trust"
    TRUST_LMNS = "trust_lmns", "Trust and LMNS"
    TRUST_LMNS_NATIONAL = "trust_lmns_national", "Trust, LMNS and national"


class MeasureQuerySet(models.QuerySet):
    def active(self) -> MeasureQuerySet:
        return self.filter(active=True)


class Measure(models.Model):
    """One perinatal quality measure a trust reports, monthly or quarterly."""

    code = OneLineTextField(
        "id",
        max_length=30,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9-]+$", "Capital letters, digits and hyphens only.")],
        help_text="A short permanent id, for example SMOKE-DELIVERY; used in CSV files.",
    )
    short_name = OneLineTextField(max_length=80, unique=True)
    theme = models.CharField(max_length=20, choices=Theme.choices)
    description = ShortTextField()
    numerator = ShortTextField(
        "numerator definition", max_length=1000, help_text="What is counted."
    )
    denominator = ShortTextField(
        "denominator definition",
        max_length=1000,
        blank=True,
        help_text="Leave empty for a count (a measure without a denominator).",
    )
    unit = models.CharField(max_length=10, choices=Unit.choices)
    better_direction = models.CharField(max_length=10, choices=BetterDirection.choices)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default="monthly")
    source = OneLineTextField(max_length=200)
    kind = models.CharField(
        "outcome or progress", max_length=10, choices=MeasureKind.choices, default="progress"
    )
    exclusions = ShortTextField(max_length=1000, blank=True)
    standardisation = ShortTextField(max_length=1000, blank=True)
    organisation_levels = models.CharField(
        max_length=30, choices=OrganisationLevels.choices, default="trust_lmns"
    )
    publication_url = models.URLField("publication link", max_length=300, blank=True)
    may_exceed_100 = models.BooleanField(
        "ratio may exceed 100%",
        default=False,
        help_text="Staffing fill rates may (more hours worked than planned); most ratios cannot.",
    )
    population_group = models.CharField(
        max_length=20, choices=PopulationGroup.choices, default="all"
    )
    rare_event = models.BooleanField(
        default=False,
        help_text="A handful of events a month per trust: charted as monthly counts and a "
        "rolling 12-month rate per 1,000 births, never as an XmR chart of a monthly rate.",
    )
    msds_measure_id = OneLineTextField(
        "MSDS measure id",
        max_length=60,
        blank=True,
        help_text="The measure's name in NHS England's monthly MSDS file (its Dimension "
        "column), for example CQIMSmokingDelivery; empty when MSDS does not publish it.",
    )
    target = models.DecimalField(
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Optional: the value to reach, in the measure's unit (for the assurance icon).",
    )
    target_source = OneLineTextField(
        max_length=200, blank=True, help_text="Where the target comes from."
    )
    active = models.BooleanField(
        default=True, help_text="Retired measures keep their figures but are no longer collected."
    )
    retired_on = models.DateField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["order", "short_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["msds_measure_id", "population_group"],
                condition=~Q(msds_measure_id=""),
                name="measure_msds_id_unique",
            ),
            text_lengths(
                "measure",
                code=30,
                short_name=80,
                description=2000,
                numerator=1000,
                denominator=1000,
                source=200,
                exclusions=1000,
                standardisation=1000,
                msds_measure_id=60,
                target_source=200,
            ),
        ]

    def __str__(self) -> str:
        return self.short_name

    @property
    def is_count(self) -> bool:
        return self.unit == Unit.COUNT

    @property
    def direction(self) -> str:
        return self.better_direction

    def value_of(self, numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
        """The measure's value for a month: computed, never typed. None without figures."""
        if numerator is None:
            return None
        if self.is_count:
            return numerator
        if not denominator:
            return None
        scale = HUNDRED if self.unit == Unit.PERCENT else THOUSAND
        return numerator * scale / denominator


class FigureStatus(models.TextChoices):
    PROVISIONAL = "provisional", "Provisional"
    FINAL = "final", "Final"


class FigureSource(models.TextChoices):
    ENTERED = "entered", "Entered"
    IMPORTED = "imported", "Imported from CSV"
    ILLUSTRATIVE = "illustrative", "Illustrative (demonstration figures)"


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


class MonthlyFigure(models.Model):
    """A trust's numerator and denominator for one measure and month (first day of the month).

    ``not_available`` records a month the source suppressed or could not give: no figures, and
    never read as 0.
    """

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="quality_figures")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="figures")
    month = models.DateField(help_text="The first day of the month.")
    numerator = models.DecimalField(
        **FIGURE_DIGITS, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    denominator = models.DecimalField(
        **FIGURE_DIGITS, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    not_available = models.BooleanField(default=False)
    status = models.CharField(
        max_length=12, choices=FigureStatus.choices, default=FigureStatus.PROVISIONAL
    )
    source = models.CharField(max_length=12, choices=FigureSource.choices, default="entered")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["trust", "measure", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "measure", "month"], name="quality_figure_unique"
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True) | Q(numerator__gte=0),
                name="quality_numerator_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gte=0),
                name="quality_denominator_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(not_available=False) | Q(numerator__isnull=True),
                name="quality_not_available_has_no_figures",
            ),
        ]
        indexes = [models.Index(fields=["measure", "month"], name="quality_figure_month")]

    def __str__(self) -> str:
        return f"{self.measure} – {self.trust.short_name} – {self.month:%b %Y}"

    @property
    def value(self) -> Decimal | None:
        return (
            None if self.not_available else self.measure.value_of(self.numerator, self.denominator)
        )


class Rebase(models.Model):
    """New SPC limits for a trust's measure from a month on, with the reason (administrators)."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="quality_rebases")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="rebases")
    month = models.DateField(help_text="The first month of the new limits (the 1st of a month).")
    reason = ShortTextField(
        max_length=1000, help_text="What changed in the process, for example a new service model."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["trust", "measure", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "measure", "month"], name="quality_rebase_unique"
            ),
            text_lengths("rebase", reason=1000),
        ]

    def __str__(self) -> str:
        return f"{self.measure} at {self.trust.short_name} rebased from {self.month:%b %Y}"

    def save(self, *args, **kwargs) -> None:
        self.month = month_start(self.month)
        super().save(*args, **kwargs)


class AmbitionKind(models.TextChoices):
    NATIONAL = "national", "National ambition"
    PLAN = "plan", "A plan's target"
    LOCAL = "local", "Local target"


class Ambition(models.Model):
    """A target or trajectory on a measure for an LMNS or one of its trusts: a baseline with its
    source, targets by date (:class:`AmbitionTarget`) and, for a plan's trajectory, the
    quarterly actuals the plan reports (:class:`AmbitionActual`).

    The target in force for a month is the next target due on or after it; after the last one,
    the last stays in force, until ``in_force_until`` when that is set (a plan that ended, a
    national date that was withdrawn).
    """

    lmns = models.ForeignKey(
        "lmns.Lmns", on_delete=models.PROTECT, related_name="quality_ambitions"
    )
    trust = models.ForeignKey(
        Trust,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quality_ambitions",
        help_text="Only for one trust's target; leave empty for the whole LMNS.",
    )
    measure = models.ForeignKey(
        Measure,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ambitions",
        help_text="The measure it is judged on; empty when no measure of the library fits.",
    )
    kind = models.CharField(max_length=10, choices=AmbitionKind.choices, default="local")
    metric = OneLineTextField(help_text="What is measured, in the plan's words.")
    unit = OneLineTextField(max_length=30, default="%", help_text="For example % or per 1,000.")
    data_source = OneLineTextField(blank=True)
    source = OneLineTextField(
        blank=True, help_text="Where the ambition or its targets are published."
    )
    source_url = models.URLField("source link", max_length=300, blank=True)
    baseline_value = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    baseline_date = models.DateField(
        null=True, blank=True, help_text="Empty when the source does not say when."
    )
    baseline_source = OneLineTextField(blank=True)
    baseline_illustrative = models.BooleanField(
        default=False,
        help_text="The baseline could not be checked against a published source held here.",
    )
    in_force_until = models.DateField(
        null=True,
        blank=True,
        help_text="After this date its targets judge nothing (a plan's end, a withdrawn date).",
    )
    note = ShortTextField(blank=True, help_text="For example: the national date was withdrawn.")

    class Meta:
        ordering = ["lmns", "measure__order", "metric", "pk"]
        constraints = [
            text_lengths(
                "ambition",
                metric=300,
                unit=30,
                data_source=300,
                source=300,
                baseline_source=300,
                note=2000,
            ),
        ]

    def __str__(self) -> str:
        return self.metric

    @property
    def suffix(self) -> str:
        """The unit as written after a value: 6% but 2.55 per 1,000."""
        return self.unit if self.unit == "%" else f" {self.unit}"

    def with_unit(self, value: Decimal) -> str:
        """A per cent whole, through the one formatting module ("6%"); any other unit keeps the
        value's own precision ("2.55 per 1,000")."""
        if self.unit == "%":
            return formatting.percent(value)
        return f"{value.normalize():f}{self.suffix}"

    @property
    def baseline_text(self) -> str:
        if self.baseline_value is None:
            return ""
        return self.with_unit(self.baseline_value)

    def target_in_force(self, month: datetime.date) -> AmbitionTarget | None:
        """The target that judges ``month`` (uses the prefetched ``targets``, oldest first)."""
        if self.in_force_until is not None and month > self.in_force_until:
            return None
        targets = self.targets_for_measure()
        upcoming = [t for t in targets if t.due >= month]
        if upcoming:
            return upcoming[0]
        return targets[-1] if targets else None

    def targets_for_measure(self) -> list[AmbitionTarget]:
        """The targets for the measure's population (all of them without a measure)."""
        targets = list(self.targets.all())
        if self.measure is None:
            return targets
        group = PopulationGroup(self.measure.population_group)
        return [
            t
            for t in targets
            if (t.population or PopulationGroup.ALL.label).lower() == group.label.lower()
        ]


class AmbitionTarget(models.Model):
    """A target value to reach by a date, optionally for a group (such as Black, Asian and
    mixed ethnicity women)."""

    ambition = models.ForeignKey(Ambition, on_delete=models.CASCADE, related_name="targets")
    due = models.DateField("by")
    value = models.DecimalField(max_digits=9, decimal_places=2)
    qualifier = OneLineTextField(
        max_length=10, blank=True, help_text="For example > when the target is 'more than'."
    )
    population = OneLineTextField(blank=True, help_text="Leave empty for all women.")

    class Meta:
        ordering = ["due", "pk"]
        constraints = [text_lengths("ambition_target", qualifier=10, population=300)]

    def __str__(self) -> str:
        return f"{self.qualifier}{self.value.normalize():f} by {self.due:%B %Y}"

    @property
    def value_text(self) -> str:
        """For example >51% or 2.55 per 1,000."""
        return f"{self.qualifier}{self.ambition.with_unit(self.value)}"


class AmbitionActual(models.Model):
    """The value a plan reports as achieved in a period (a quarter)."""

    ambition = models.ForeignKey(Ambition, on_delete=models.CASCADE, related_name="actuals")
    period = models.ForeignKey("lmns.ReportingPeriod", on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(max_digits=9, decimal_places=2)
    note = OneLineTextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["period__start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["ambition", "period"], name="ambition_actual_once_per_period"
            ),
            text_lengths("ambition_actual", note=300),
        ]

    def __str__(self) -> str:
        return f"{self.value} in {self.period}"

    @property
    def value_text(self) -> str:
        """For example 52% or 2.55 per 1,000."""
        return self.ambition.with_unit(self.value)


class AccreditationScheme(models.Model):
    """A staged accreditation, such as UNICEF UK Baby Friendly; its stages are data."""

    code = OneLineTextField(max_length=30, unique=True)
    name = OneLineTextField()
    url = models.URLField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [text_lengths("accreditation_scheme", code=30, name=300)]

    def __str__(self) -> str:
        return self.name


class AccreditationStage(models.Model):
    scheme = models.ForeignKey(AccreditationScheme, on_delete=models.PROTECT, related_name="stages")
    order = models.PositiveSmallIntegerField()
    name = OneLineTextField()
    note = OneLineTextField(blank=True, help_text="For example how long it lasts.")

    class Meta:
        ordering = ["scheme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "order"], name="accreditation_stage_order"),
            text_lengths("accreditation_stage", name=300, note=300),
        ]

    def __str__(self) -> str:
        return self.name


class ProviderKind(models.TextChoices):
    TRUST = "trust", "NHS trust with a maternity service"
    COMMUNITY_TRUST = "community_trust", "Community NHS trust"
    CIC = "cic", "Community interest company"
    OTHER = "other", "Other provider"


class Accreditation(models.Model):
    """One provider's progress through a scheme's stages. The provider is one of the LMNS's
    trusts or, for providers that are not maternity trusts (a community trust, a community
    interest company), named here without becoming a trust of the product."""

    lmns = models.ForeignKey("lmns.Lmns", on_delete=models.PROTECT, related_name="accreditations")
    scheme = models.ForeignKey(
        AccreditationScheme, on_delete=models.PROTECT, related_name="accreditations"
    )
    trust = models.ForeignKey(
        Trust, null=True, blank=True, on_delete=models.PROTECT, related_name="accreditations"
    )
    provider_name = OneLineTextField(
        blank=True, help_text="Only for a provider that is not a trust."
    )
    provider_short_name = OneLineTextField(max_length=30, blank=True)
    provider_kind = models.CharField(max_length=20, choices=ProviderKind.choices, default="trust")
    source = OneLineTextField(blank=True, help_text="Where the stages were published.")

    class Meta:
        ordering = ["lmns", "scheme", "provider_short_name", "trust__short_name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(trust__isnull=False) & Q(provider_name=""))
                | (Q(trust__isnull=True) & ~Q(provider_name="")),
                name="accreditation_one_provider",
                violation_error_message="Choose a trust or name a provider that is not a trust.",
            ),
            text_lengths("accreditation", provider_name=300, provider_short_name=30, source=300),
        ]

    def __str__(self) -> str:
        return f"{self.scheme}: {self.provider}"

    @property
    def provider(self) -> str:
        return self.trust.name if self.trust_id else self.provider_name

    @property
    def short_name(self) -> str:
        if self.trust_id:
            return self.trust.short_name
        return self.provider_short_name or self.provider_name


class StepStatus(models.TextChoices):
    ACHIEVED = "achieved", "Achieved"
    PLANNED = "planned", "Assessment due"


class AccreditationStep(models.Model):
    """A stage achieved (with its date, or "date not stated") or an assessment planned."""

    accreditation = models.ForeignKey(Accreditation, on_delete=models.CASCADE, related_name="steps")
    stage = models.ForeignKey(AccreditationStage, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=StepStatus.choices)
    on = models.DateField(
        null=True,
        blank=True,
        help_text="The month it was achieved or the assessment is due (the 1st of the month); "
        "empty when the source does not say.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["accreditation", "stage__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["accreditation", "stage"], name="accreditation_step_once"
            ),
            models.CheckConstraint(
                condition=Q(status="achieved") | Q(on__isnull=False),
                name="accreditation_planned_has_date",
                violation_error_message="A planned assessment needs the month it is due.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage}: {self.text}"

    @property
    def text(self) -> str:
        if self.status == StepStatus.PLANNED:
            return f"Assessment due {self.on:%B %Y}"
        if self.on is None:
            return "Achieved, date not stated"
        return f"Achieved {self.on:%B %Y}"
