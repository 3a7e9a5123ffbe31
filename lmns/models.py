"""Shared core: organisations, people and their roles, reporting periods."""

import datetime
import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .text import ONE_LINE, SHORT_TEXT, OneLineTextField, ShortTextField, text_lengths

ods_code_validator = RegexValidator(
    regex=r"^[A-Z0-9]{3,5}$",
    message="An ODS code is 3 to 5 capital letters and digits, for example RX1.",
)


class Region(models.Model):
    """An NHS England region, which holds a Regional Maternity Board."""

    name = OneLineTextField(unique=True)

    class Meta:
        ordering = ["name"]
        constraints = [text_lengths("region", name=ONE_LINE)]

    def __str__(self) -> str:
        return self.name


class Lmns(models.Model):
    """A Local Maternity and Neonatal System: the partnership of one Integrated Care System."""

    name = OneLineTextField(unique=True)
    short_name = OneLineTextField(
        max_length=30,
        unique=True,
        help_text="Used in file names, for example NottsLMNS.",
        validators=[
            RegexValidator(r"^[A-Za-z0-9-]+$", "Letters, digits and hyphens only, no spaces.")
        ],
    )
    icb = OneLineTextField("Integrated Care Board")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="lmnss")
    spend_sign_off_by_submitter = models.BooleanField(
        "the submitter may sign off a spend return",
        default=False,
        help_text="Four eyes on money: by default a spend return is signed off by someone other "
        "than the person who submitted it. Tick only for an LMNS whose programme team is one "
        "person; the change is kept in the LMNS's history.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [text_lengths("lmns", name=ONE_LINE, short_name=30, icb=ONE_LINE)]
        verbose_name = "LMNS"
        verbose_name_plural = "LMNSs"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("lmns_detail", args=[self.pk])


class Trust(models.Model):
    """An NHS provider trust, identified by its ODS code."""

    name = OneLineTextField()
    short_name = OneLineTextField(max_length=30)
    ods_code = OneLineTextField(
        "ODS code", max_length=5, unique=True, validators=[ods_code_validator]
    )
    lmns = models.ForeignKey(Lmns, on_delete=models.PROTECT, related_name="trusts")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["lmns", "short_name"], name="trust_short_name_unique"),
            text_lengths("trust", name=ONE_LINE, short_name=30, ods_code=5),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.ods_code:
            self.ods_code = self.ods_code.strip().upper()

    def get_absolute_url(self) -> str:
        return reverse("trust_detail", args=[self.pk])


class SiteType(models.TextChoices):
    OBSTETRIC_LED = "obstetric", "Obstetric-led unit"
    ALONGSIDE_MLU = "alongside_mlu", "Alongside midwifery-led unit"
    FREESTANDING_MLU = "freestanding_mlu", "Free-standing midwifery-led unit"


class NicuLevel(models.TextChoices):
    SCU = "scu", "Special care unit (level 1)"
    LNU = "lnu", "Local neonatal unit (level 2)"
    NICU = "nicu", "Neonatal intensive care unit (level 3)"


class Site(models.Model):
    """A unit of a trust: a hospital's labour ward, birth centre or neonatal unit."""

    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, related_name="sites")
    name = OneLineTextField()
    site_type = models.CharField(max_length=20, choices=SiteType.choices, blank=True)
    neonatal_level = models.CharField(max_length=10, choices=NicuLevel.choices, blank=True)

    class Meta:
        ordering = ["trust__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["trust", "name"], name="site_name_unique_per_trust"),
            text_lengths("site", name=ONE_LINE),
        ]

    def __str__(self) -> str:
        return self.name


class Quarter(models.IntegerChoices):
    Q1 = 1, "Q1 (Apr–Jun)"
    Q2 = 2, "Q2 (Jul–Sep)"
    Q3 = 3, "Q3 (Oct–Dec)"
    Q4 = 4, "Q4 (Jan–Mar)"


FINANCIAL_YEAR_RE = re.compile(r"^(\d{4})/(\d{2})$")


def quarter_dates(start_year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """Start and end dates of an NHS financial-year quarter (Q1 is April to June)."""
    first_month = 4 + 3 * (quarter - 1)
    year = start_year + (first_month - 1) // 12
    month = (first_month - 1) % 12 + 1
    start = datetime.date(year, month, 1)
    end_month = month + 2
    next_month_start = (
        datetime.date(year + 1, 1, 1) if end_month == 12 else datetime.date(year, end_month + 1, 1)
    )
    return start, next_month_start - datetime.timedelta(days=1)


class ReportingPeriodQuerySet(models.QuerySet):
    def current(self, today: datetime.date | None = None) -> "ReportingPeriod | None":
        """The period whose quarter contains ``today``."""
        today = today or timezone.localdate()
        return self.filter(start_date__lte=today, end_date__gte=today).first()

    def started(self, today: datetime.date | None = None) -> "ReportingPeriodQuerySet":
        """Past and current periods, not future ones: what a period picker lists. "Today" is
        asked when the queryset is built: build it per request (:class:`lmns.forms.PeriodChoiceField`),
        never at import."""
        return self.filter(start_date__lte=today or timezone.localdate())

    def latest_open(self) -> "ReportingPeriod | None":
        return self.filter(is_open=True).order_by("-start_date").first()


class ReportingPeriod(models.Model):
    """One quarter of an NHS financial year (April to March)."""

    start_year = models.PositiveSmallIntegerField(
        help_text="The calendar year the financial year starts in: 2022 for 2022/23."
    )
    quarter = models.PositiveSmallIntegerField(choices=Quarter.choices)
    start_date = models.DateField(editable=False)
    end_date = models.DateField(editable=False)
    submission_deadline = models.DateField(
        blank=True, help_text="Defaults to one month after the quarter ends."
    )
    is_open = models.BooleanField("open for returns", default=True)

    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["start_year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["start_year", "quarter"], name="period_unique"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="quarter_1_4"),
        ]

    def __str__(self) -> str:
        return f"{self.financial_year} Q{self.quarter}"

    @property
    def financial_year(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def slug(self) -> str:
        """A file-name-safe label such as 2022-23-Q1."""
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}-Q{self.quarter}"

    @property
    def month_of_year(self) -> int:
        """The financial month (1 = April) the quarter ends in: Q2 ends in month 6."""
        return self.quarter * 3

    def clean(self) -> None:
        if self.quarter not in (1, 2, 3, 4):
            raise ValidationError({"quarter": "Choose a quarter from 1 to 4."})

    def save(self, *args, **kwargs) -> None:
        self.start_date, self.end_date = quarter_dates(self.start_year, self.quarter)
        if not self.submission_deadline:
            self.submission_deadline = self.end_date + datetime.timedelta(days=30)
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    TRUST_LEAD = "trust_lead", "Trust lead"
    PROGRAMME_TEAM = "programme_team", "LMNS programme team"
    BOARD_MEMBER = "board_member", "Board member"


# A trust lead belongs to (or is invited to) a trust; every other role to an LMNS.
ORG_MATCHES_ROLE = Q(role=Role.TRUST_LEAD, trust__isnull=False, lmns__isnull=True) | Q(
    role__in=[Role.PROGRAMME_TEAM, Role.BOARD_MEMBER], trust__isnull=True, lmns__isnull=False
)


class Membership(models.Model):
    """A person's role in one organisation: a trust lead of a trust, or a role in an LMNS."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    trust = models.ForeignKey(
        Trust, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    lmns = models.ForeignKey(
        Lmns, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )

    class Meta:
        ordering = ["user__username", "role"]
        constraints = [
            models.CheckConstraint(
                name="membership_org_matches_role",
                condition=ORG_MATCHES_ROLE,
                violation_error_message=(
                    "A trust lead belongs to a trust; the programme team and board members "
                    "belong to an LMNS."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "trust"],
                condition=Q(trust__isnull=False),
                name="membership_unique_trust",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "lmns"],
                condition=Q(lmns__isnull=False),
                name="membership_unique_lmns",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organisation}"

    @property
    def organisation(self) -> "Trust | Lmns | None":
        return self.trust or self.lmns


class RagStatus(models.TextChoices):
    """The one status vocabulary of the product; pages always show the word with the colour."""

    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    COMPLETE = "complete", "Complete"


RAG_COLOURS = {
    RagStatus.NOT_STARTED: "grey",
    RagStatus.ON_TRACK: "green",
    RagStatus.AT_RISK: "amber",
    RagStatus.OFF_TRACK: "red",
    RagStatus.COMPLETE: "blue",
}


class ImportPreview(models.Model):
    """A checked upload waiting for its owner to confirm it: the rows as parsed, kept an hour.

    Kept in the database, not in the session (which every later request of the person would
    carry) nor the cache (which gunicorn's workers do not share). Only the person who uploaded
    the file can confirm it; an expired preview is refused, and ``purge_import_previews`` (run
    daily) deletes the expired ones. ``purpose`` says what the rows are for, in the importing
    app's words (for example a plan's ``<app>.plan:12``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # People are never deleted (lmns.people): nothing needs to follow them.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="import_previews"
    )
    purpose = models.CharField(max_length=100)
    file_name = OneLineTextField(max_length=255)
    file_sha256 = models.CharField("file SHA-256", max_length=64)
    rows = models.JSONField(encoder=DjangoJSONEncoder)
    options = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "purpose"], name="import_preview_owner")]
        constraints = [text_lengths("import_preview", file_name=255)]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.purpose})"


class Download(models.Model):
    """Who downloaded which file, when: evidence files, exports and board packs (append-only).

    Kept for the retention period of ``RECORD_RETENTION["downloads"]``; the LMNS's programme
    team and administrators read it (``lmns.views.download_log``).
    """

    # People are never deleted (lmns.people): nothing needs to follow them.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=60, help_text="What was downloaded, e.g. Evidence file.")
    name = OneLineTextField(max_length=255, help_text="The file name as downloaded.")
    path = models.CharField(max_length=300, help_text="The address it was downloaded from.")
    lmns = models.ForeignKey(Lmns, on_delete=models.PROTECT, related_name="+")
    trust = models.ForeignKey(
        Trust, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["lmns", "-at"], name="download_lmns_at")]
        constraints = [text_lengths("download", name=255)]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"


class PurgeStatus(models.TextChoices):
    REQUESTED = "requested", "Requested, waiting for a second person"
    PURGED = "purged", "Purged"
    REJECTED = "rejected", "Rejected"


class Purge(models.Model):
    """A request to remove patient-identifiable data uploaded by mistake, and once approved by a
    second person, the tombstone left in its place: who asked and why, who approved and when,
    and the SHA-256 and size of what was removed (never the content). See ``lmns.purges``."""

    label = models.CharField(max_length=100, help_text="The kind of record, app.model.")
    object_id = models.PositiveBigIntegerField()
    field = models.CharField(max_length=100)
    description = OneLineTextField(
        max_length=255, help_text="What held the data, in words that repeat none of it."
    )
    lmns = models.ForeignKey(Lmns, on_delete=models.PROTECT, related_name="+")
    trust = models.ForeignKey(
        Trust, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = ShortTextField()
    status = models.CharField(
        max_length=20, choices=PurgeStatus.choices, default=PurgeStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    removed_sha256 = models.CharField("SHA-256 of what was removed", max_length=64, blank=True)
    removed_size = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Bytes (a file) or characters (a text)."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            text_lengths("purge", description=255, reason=SHORT_TEXT),
            models.CheckConstraint(
                name="purge_second_person_decides",
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                violation_error_message="A second person must decide on a purge.",
            ),
            models.UniqueConstraint(
                fields=["label", "object_id", "field"],
                condition=Q(status="requested"),
                name="purge_one_open_request",
            ),
        ]

    def __str__(self) -> str:
        return f"Purge {self.pk}: {self.description}"

    @property
    def tombstone(self) -> str:
        """The words shown wherever the removed data was."""
        when = timezone.localtime(self.decided_at or timezone.now())
        return f"Removed for information governance on {when.day} {when:%b %Y} (purge {self.pk})."


class Notification(models.Model):
    """One thing a person is told in the app: what happened, and the page where it is.

    Made by :mod:`lmns.notifications` from an app's event. ``key`` names the event (a workflow
    transition's id and the kind of message), so each person is told of each event once.
    """

    # People are never deleted (lmns.people): nothing needs to follow them.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="notifications"
    )
    kind = models.CharField(max_length=50)
    text = OneLineTextField()
    url = models.CharField(max_length=300)
    key = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_latest"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once"),
            text_lengths("notification", text=ONE_LINE),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
