"""Plans, their workstreams and deliverables."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from lmns.models import Lmns, Trust


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
    title = models.CharField(max_length=200)
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
        ]

    def __str__(self) -> str:
        return self.title


class Workstream(models.Model):
    """A workstream or priority of a plan, with its senior responsible owner."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="workstreams")
    name = models.CharField(max_length=200)
    sro = models.CharField("senior responsible owner", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="workstream_unique_in_plan"),
        ]

    def __str__(self) -> str:
        return self.name


class Deliverable(models.Model):
    """A numbered deliverable of a plan, optionally a lettered part (4a–4e)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="deliverables")
    workstream = models.ForeignKey(
        Workstream, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliverables"
    )
    number = models.PositiveSmallIntegerField()
    part = models.CharField(max_length=3, blank=True, help_text="A lettered part such as a.")
    title = models.CharField(max_length=300)
    text = models.TextField("full text", blank=True)
    owner_name = models.CharField(
        "owner", max_length=200, blank=True, help_text="A named person or role."
    )
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

    class Meta:
        ordering = ["plan", "number", "part"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number", "part"], name="deliverable_number_unique_in_plan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"{self.number}{self.part}"
