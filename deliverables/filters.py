"""Filters of the plan page (and its exports and period update page)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet

from lmns.forms import FilterSet, ModelChoiceFilter
from lmns.models import RagStatus

from .models import Deliverable, Plan


class DeliverableFilter(FilterSet):
    workstream = ModelChoiceFilter(queryset=None, empty_label="All workstreams")
    status = django_filters.MultipleChoiceFilter(
        choices=RagStatus.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Latest status",
    )
    overdue = django_filters.ChoiceFilter(
        choices=[("yes", "Overdue only"), ("no", "Not overdue")],
        empty_label="Overdue or not",
        method="filter_overdue",
        label="Overdue",
    )
    trust = ModelChoiceFilter(
        queryset=None,
        empty_label="Any trust",
        method="filter_trust",
        label="Concerns trust",
    )

    class Meta:
        model = Deliverable
        fields = ["workstream", "status", "overdue", "trust"]

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["workstream"].queryset = plan.workstreams.all()
        self.filters["trust"].queryset = plan.lmns.trusts.order_by("name")

    def filter_overdue(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value == "yes":
            return qs.filter(overdue=True)
        if value == "no":
            return qs.filter(overdue=False)
        return qs

    def filter_trust(self, qs: QuerySet, name: str, value) -> QuerySet:
        """Deliverables that concern the trust: chosen for it, or for all trusts."""
        if not value:
            return qs
        through = Deliverable.trusts.through
        chosen = Exists(through.objects.filter(deliverable=OuterRef("pk"), trust=value))
        for_all = ~Exists(through.objects.filter(deliverable=OuterRef("pk")))
        return qs.filter(Q(chosen) | Q(for_all))
