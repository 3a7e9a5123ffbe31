"""Assurance frameworks (as data) and the quarterly returns trusts make against them."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from lmns import workflow
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

PERCENT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


class Framework(models.Model):
    """A versioned list of requirements a trust must evidence, e.g. Ockenden interim (2020)."""

    name = OneLineTextField()
    short_name = OneLineTextField(max_length=40, help_text="For headings, e.g. Ockenden interim.")
    version = OneLineTextField(max_length=20, default="1")
    published = models.DateField(null=True, blank=True)
    active = models.BooleanField(
        default=True, help_text="Only active frameworks are offered for new returns."
    )
    reports_percent = models.BooleanField(
        default=False, help_text="Requirements may carry a measured per cent compliance."
    )
    requirements_at_section_level = models.BooleanField(
        default=False,
        help_text="Each section is assessed as a whole (one requirement per section).",
    )

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="framework_version_unique"),
            text_lengths("framework", name=ONE_LINE, short_name=40, version=20),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class Section(models.Model):
    """A section of a framework, e.g. IEA3 Staff training and working together."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="sections")
    code = OneLineTextField(max_length=20)
    title = OneLineTextField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="section_code_unique"),
            text_lengths("section", code=20, title=ONE_LINE),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Requirement(models.Model):
    """One action or evidence item inside a section."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="requirements")
    code = OneLineTextField(max_length=20)
    text = NarrativeField()
    guidance = NarrativeField(
        blank=True, help_text="What good evidence looks like, shown beside the answer."
    )
    guidance_url = models.URLField(
        "guidance source",
        max_length=500,
        blank=True,
        help_text="A link to the report or standard the requirement comes from.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["section", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["section", "code"], name="requirement_code_unique"),
            text_lengths("requirement", code=20, text=NARRATIVE, guidance=NARRATIVE),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"


class Collection(models.Model):
    """What an LMNS collects: one framework's return from some of its trusts for one period,
    due by the LMNS's own deadline (by default the period's submission deadline).

    A trust is asked for a return only if a collection names it: the work queues, the
    dashboard's returns table and the working period (``lmns.selectors.working_period``) read
    these rows, so no trust is "not submitted" for a framework nobody asked for.
    """

    lmns = models.ForeignKey(Lmns, on_delete=models.PROTECT, related_name="collections")
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="collections"
    )
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="collections")
    trusts = models.ManyToManyField(Trust, blank=True, related_name="collections")
    deadline = models.DateField(
        blank=True, help_text="Leave blank for the period's submission deadline."
    )
    history = HistoricalRecords(m2m_fields=[trusts])

    class Meta:
        ordering = ["-period__start_date", "framework__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["lmns", "period", "framework"], name="one_collection_per_framework_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lmns.short_name} {self.framework.short_name} {self.period}"

    def save(self, *args, **kwargs) -> None:
        if not self.deadline:
            self.deadline = self.period.submission_deadline
        super().save(*args, **kwargs)


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    UNDER_REVIEW = "under_review", "Under review"
    RETURNED = "returned", "Returned to trust"
    ASSURED = "assured", "Assured"
    DISCARDED = "discarded", "Discarded"


class ComplianceStatus(models.TextChoices):
    FULLY_MET = "fully_met", "Fully met"
    PARTIALLY_MET = "partially_met", "Partially met"
    NOT_MET = "not_met", "Not met"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class LiveReturns(models.Manager):
    """Returns in use: a discarded draft leaves every list and page, and does not block
    starting that return again. ``QuarterlyReturn.with_discarded`` still finds it (history)."""

    def get_queryset(self):
        return super().get_queryset().exclude(status=ReturnStatus.DISCARDED)


class QuarterlyReturn(models.Model):
    """One trust's return against one framework version for one reporting period."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="quarterly_returns")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="returns")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="returns")
    status = models.CharField(
        max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised on every save; a form carrying an older version is refused.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The declaration the lead confirms on submitting: who signed the return off at the trust.
    signed_off_name = OneLineTextField("signed off at the trust by", blank=True)
    signed_off_role = OneLineTextField("their role", blank=True)
    signed_off_on = models.DateField("date they signed it off", null=True, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The lead who confirmed the declaration when submitting.",
    )
    history = HistoricalRecords()
    objects = LiveReturns()
    with_discarded = models.Manager()

    class Meta:
        ordering = ["-period__start_date", "trust__name", "framework__name"]
        base_manager_name = "with_discarded"
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "framework", "period"],
                condition=~models.Q(status="discarded"),
                name="one_live_return_per_trust_framework_period",
            ),
            text_lengths("quarterly_return", signed_off_name=ONE_LINE, signed_off_role=ONE_LINE),
        ]

    def __str__(self) -> str:
        return f"{self.trust.short_name} {self.framework.short_name} {self.period}"

    @property
    def declared(self) -> bool:
        return bool(self.signed_off_name and self.signed_off_role and self.signed_off_on)


class Answer(models.Model):
    """A trust's assessment of one requirement in one return."""

    quarterly_return = models.ForeignKey(
        QuarterlyReturn, on_delete=models.CASCADE, related_name="answers"
    )
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="answers")
    status = models.CharField(max_length=20, choices=ComplianceStatus.choices, blank=True)
    percent = models.DecimalField(
        "per cent compliant",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
    )
    narrative = NarrativeField(blank=True)
    evidence = NarrativeField("evidence (text and links)", blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["requirement__section__order", "requirement__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["quarterly_return", "requirement"], name="one_answer_per_requirement"
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__gte=0, percent__lte=100),
                name="answer_percent_0_100",
                violation_error_message="A per cent must be between 0 and 100.",
            ),
            text_lengths("answer", narrative=NARRATIVE, evidence=NARRATIVE),
        ]

    def __str__(self) -> str:
        return f"{self.quarterly_return} {self.requirement.code}"


class SectionRating(models.Model):
    """A section's compliance in a return: derived from answers, and the LMNS's agreed rating.

    ``derived_percent`` is recomputed from the answers whenever they are saved;
    ``agreed_percent`` is set when the LMNS assures the return (equal to the derived figure
    unless the programme team changed it, with a reason). Dashboards read this table only.
    """

    quarterly_return = models.ForeignKey(
        QuarterlyReturn, on_delete=models.CASCADE, related_name="section_ratings"
    )
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="ratings")
    derived_percent = models.DecimalField(
        max_digits=5, decimal_places=1, null=True, blank=True, validators=PERCENT_VALIDATORS
    )
    agreed_percent = models.DecimalField(
        max_digits=5, decimal_places=1, null=True, blank=True, validators=PERCENT_VALIDATORS
    )
    change_reason = ShortTextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["section__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["quarterly_return", "section"], name="one_rating_per_section"
            ),
            models.CheckConstraint(
                condition=Q(agreed_percent__isnull=True)
                | Q(agreed_percent__gte=0, agreed_percent__lte=100),
                name="rating_agreed_percent_0_100",
            ),
            text_lengths("section_rating", change_reason=SHORT_TEXT),
        ]

    def __str__(self) -> str:
        return f"{self.quarterly_return} {self.section.code}"


class Transition(workflow.Transition):
    """One step of a return's workflow: who moved it, when, and why (the step's event)."""

    quarterly_return = models.ForeignKey(
        QuarterlyReturn, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=20, choices=ReturnStatus.choices)
    to_status = models.CharField(max_length=20, choices=ReturnStatus.choices)

    class Meta(workflow.Transition.Meta):
        constraints = [text_lengths("transition", comment=SHORT_TEXT)]

    def __str__(self) -> str:
        return f"{self.quarterly_return}: {self.from_status} → {self.to_status}"


def evidence_storage_name(instance: "EvidenceFile", filename: str) -> str:
    """A random name on the storage: the original name is kept only in the database."""
    return f"evidence/{uuid.uuid4().hex}"


class EvidenceFile(models.Model):
    """A file uploaded as evidence for one answer, served only through an access-checked view.

    Files are never deleted: removing one from a draft records a withdrawal (who, when), and
    once the return is submitted its files cannot be withdrawn at all.
    """

    answer = models.ForeignKey(Answer, on_delete=models.PROTECT, related_name="evidence_files")
    file = models.FileField(upload_to=evidence_storage_name, max_length=200)
    original_name = OneLineTextField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(help_text="Bytes.")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    effective_date = models.DateField(
        "date the evidence speaks for",
        help_text="E.g. the date of the audit or of the meeting whose minutes these are.",
    )
    effective_date_stated = models.BooleanField(
        default=True,
        help_text="No for files whose uploader gave no date: their upload date stands in.",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    no_patient_data_confirmed = models.BooleanField(
        "uploader confirmed it holds no patient-identifiable information",
        default=False,
        help_text="Files uploaded before the confirmation was asked for say no.",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [text_lengths("evidence_file", original_name=255)]

    def __str__(self) -> str:
        return self.original_name

    @property
    def extension(self) -> str:
        return PurePath(self.original_name).suffix.lower().lstrip(".")

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_purged(self) -> bool:
        """Removed for information governance (``lmns.purges``): no bytes, no name left."""
        return not self.file


class VerdictChoice(models.TextChoices):
    NOT_SEEN = "not_seen", "Not yet seen"
    SUFFICIENT = "sufficient", "Sufficient"
    INSUFFICIENT = "insufficient", "Insufficient"


class EvidenceVerdict(models.Model):
    """The LMNS's judgement of one answer's evidence, naming the files it judged.

    An answer without a verdict is "not yet seen". A file added to the answer (or withdrawn
    from it) afterwards sets the verdict back to "not yet seen": the judgement was of other
    evidence.
    """

    answer = models.OneToOneField(Answer, on_delete=models.CASCADE, related_name="verdict")
    verdict = models.CharField(
        max_length=20, choices=VerdictChoice.choices, default=VerdictChoice.NOT_SEEN
    )
    reason = ShortTextField(blank=True)
    files = models.ManyToManyField(EvidenceFile, blank=True, related_name="verdicts")
    version = models.PositiveIntegerField(default=1, editable=False)
    judged_at = models.DateTimeField(null=True, blank=True)
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[files])

    class Meta:
        constraints = [
            text_lengths("evidence_verdict", reason=SHORT_TEXT),
            models.CheckConstraint(
                condition=~Q(verdict="insufficient") | ~Q(reason=""),
                name="insufficient_verdict_has_reason",
                violation_error_message="Say why the evidence is insufficient.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.answer}: {self.get_verdict_display()}"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    ADDRESSED = "addressed", "Addressed by the trust"
    CLOSED = "closed", "Accepted and closed"


class RequestAction(models.TextChoices):
    RAISE = "raise", "Raised"
    REPLY = "reply", "Replied"
    ADDRESS = "address", "Marked addressed"
    ACCEPT = "accept", "Accepted and closed"
    REOPEN = "reopen", "Reopened"


class ChangeRequest(models.Model):
    """What the LMNS asks a trust to change in a return: on one requirement, or on the whole
    return (no requirement). Its thread (``ChangeRequestEntry``) records raising it, every
    reply and every step (addressed, accepted, reopened)."""

    quarterly_return = models.ForeignKey(
        QuarterlyReturn, on_delete=models.CASCADE, related_name="change_requests"
    )
    requirement = models.ForeignKey(
        Requirement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="change_requests",
        help_text="Empty for a request about the return as a whole.",
    )
    text = ShortTextField("what needs to change")
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    raised_at = models.DateTimeField(auto_now_add=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["raised_at", "pk"]
        constraints = [text_lengths("change_request", text=SHORT_TEXT)]

    def __str__(self) -> str:
        where = self.requirement.code if self.requirement_id else "the return"
        return f"Change request on {where}: {self.text[:60]}"

    @property
    def is_closed(self) -> bool:
        return self.status == RequestStatus.CLOSED


class ChangeRequestEntry(workflow.Transition):
    """One entry of a change request's thread: raising it, a reply (status unchanged), or a
    step of its workflow, with who, when and the words."""

    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.CASCADE, related_name="entries"
    )
    from_status = models.CharField(max_length=20, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=RequestStatus.choices)
    action = models.CharField(max_length=20, choices=RequestAction.choices)

    class Meta(workflow.Transition.Meta):
        constraints = [text_lengths("change_request_entry", comment=SHORT_TEXT)]

    def __str__(self) -> str:
        return f"{self.change_request}: {self.action}"


class ActionProgress(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"


class ActionDelivery(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DELIVERED = "delivered", "Delivered, not yet evidenced"
    EVIDENCED = "evidenced", "Delivered and evidenced"


class ActionClosure(models.TextChoices):
    ACCEPTED = "accepted", "Evidence accepted by the LMNS"
    NOT_NEEDED = "not_needed", "No longer needed"


class Action(models.Model):
    """What a trust will do to reach full compliance with one requirement, followed quarter
    after quarter until the LMNS accepts its evidence or closes it as no longer needed.

    It belongs to the trust and the requirement, not to one return: next quarter's return shows
    it again (open actions of the requirement) for the lead to update rather than retype.
    ``raised_on`` is the answer it was first written on.
    """

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="actions")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="actions")
    raised_on = models.ForeignKey(
        Answer,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
        help_text="The answer (and so the return) the action was raised on.",
    )
    what = ShortTextField("action to reach full compliance")
    owner = OneLineTextField(help_text="A named person or a role, e.g. Head of Midwifery.")
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_actions",
        verbose_name="owner's account",
        help_text="Optional: the owner's account, whose work queue then shows the action.",
    )
    due = models.DateField("due date", null=True, blank=True)
    evidence_by = models.DateField("date to be evidenced by", null=True, blank=True)
    progress = models.CharField(
        max_length=20, choices=ActionProgress.choices, default=ActionProgress.ON_TRACK
    )
    delivery = models.CharField(
        "delivery status",
        max_length=20,
        choices=ActionDelivery.choices,
        default=ActionDelivery.NOT_STARTED,
    )
    delivered_on = models.DateField("date delivered", null=True, blank=True)
    evidence_location = ShortTextField("where the evidence is", blank=True)
    closure = models.CharField(max_length=20, choices=ActionClosure.choices, blank=True)
    closure_reason = ShortTextField("reason for closing", blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["trust", "requirement"], name="action_trust_requirement")]
        constraints = [
            text_lengths(
                "action",
                what=SHORT_TEXT,
                owner=ONE_LINE,
                evidence_location=SHORT_TEXT,
                closure_reason=SHORT_TEXT,
            ),
            models.CheckConstraint(
                condition=~Q(closure="not_needed") | ~Q(closure_reason=""),
                name="action_not_needed_has_reason",
                violation_error_message="Say why the action is no longer needed.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requirement.code}: {self.what[:60]}"

    @property
    def is_open(self) -> bool:
        return not self.closure

    def is_overdue(self, today) -> bool:
        """Open and past its due date: overdue from the day after the due date."""
        return self.is_open and self.due is not None and self.due < today


class RequirementMappingQuerySet(models.QuerySet):
    def touching(self, requirement_ids) -> "RequirementMappingQuerySet":
        """The mappings with any of these requirements on either side (mappings read both
        ways)."""
        return self.filter(
            Q(requirement_id__in=requirement_ids) | Q(related_id__in=requirement_ids)
        )


class RequirementMapping(models.Model):
    """A published cross-reference between requirements of two frameworks, read both ways.

    E.g. the Maternity Incentive Scheme's safety action 6 asks for each element of Saving
    Babies' Lives. Every row names its source (document, and the table or row in it): a mapping
    nobody can trace is not loaded. Evidence and actions recorded on one side are shown as
    related on the other; they count toward it only through an :class:`AnswerLink`.
    """

    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="mappings")
    related = models.ForeignKey(
        Requirement,
        on_delete=models.CASCADE,
        related_name="mapped_from",
        verbose_name="related requirement",
        help_text="A requirement of another framework.",
    )
    source_document = OneLineTextField(
        help_text="The published document that cross-references the two, with its date."
    )
    source_location = OneLineTextField(
        "table or row", help_text="Where in that document: the table, row or paragraph."
    )
    source_url = models.URLField("link to the source", max_length=500, blank=True)

    objects = RequirementMappingQuerySet.as_manager()

    class Meta:
        ordering = ["requirement", "related"]
        constraints = [
            models.UniqueConstraint(fields=["requirement", "related"], name="mapping_unique"),
            models.CheckConstraint(
                condition=~Q(requirement=models.F("related")),
                name="mapping_not_to_itself",
                violation_error_message="A requirement is not mapped to itself.",
            ),
            text_lengths("mapping", source_document=ONE_LINE, source_location=ONE_LINE),
        ]

    def __str__(self) -> str:
        return f"{self.requirement.code} ↔ {self.related.code}"

    def clean(self) -> None:
        if not (self.requirement_id and self.related_id):
            return
        if self.requirement.section.framework_id == self.related.section.framework_id:
            raise ValidationError(
                {"related": "Map a requirement to one of another framework, not its own."}
            )
        reverse = RequirementMapping.objects.filter(
            requirement_id=self.related_id, related_id=self.requirement_id
        )
        if reverse.exists():
            raise ValidationError({"related": "These two are already mapped the other way round."})


class AnswerLink(models.Model):
    """The lead's explicit link: a file or an action recorded on a mapped requirement counts
    toward this answer too. A link, not a copy: the file or action stays where it was recorded
    (and goes on changing there). Removing a link records who and when; the row stays."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="links")
    evidence = models.ForeignKey(
        EvidenceFile, null=True, blank=True, on_delete=models.PROTECT, related_name="links"
    )
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.PROTECT, related_name="links"
    )
    linked_at = models.DateTimeField(auto_now_add=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["linked_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(evidence__isnull=True, action__isnull=False)
                | Q(evidence__isnull=False, action__isnull=True),
                name="answer_link_one_target",
                violation_error_message="A link is to one file or one action.",
            ),
            models.UniqueConstraint(
                fields=["answer", "evidence"],
                condition=Q(removed_at__isnull=True, evidence__isnull=False),
                name="answer_link_evidence_once",
            ),
            models.UniqueConstraint(
                fields=["answer", "action"],
                condition=Q(removed_at__isnull=True, action__isnull=False),
                name="answer_link_action_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.answer} ← {self.evidence or self.action}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None
