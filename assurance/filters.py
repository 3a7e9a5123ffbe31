"""Filters of the actions register (and its exports)."""

import datetime

import django_filters
from django.db.models import Q, QuerySet

from lmns.forms import FilterSet, ModelChoiceFilter
from lmns.models import Trust

from .models import Action, Framework

OPEN, CLOSED = "open", "closed"


class ActionFilter(FilterSet):
    trust = ModelChoiceFilter(queryset=Trust.objects.none(), empty_label="All trusts")
    framework = ModelChoiceFilter(
        queryset=Framework.objects.all(),
        empty_label="All frameworks",
        field_name="requirement__section__framework",
        label="Framework",
    )
    status = django_filters.ChoiceFilter(
        choices=[(OPEN, "Open"), (CLOSED, "Closed")],
        empty_label="Open or closed",
        method="filter_status",
        label="Status",
    )
    overdue = django_filters.ChoiceFilter(
        choices=[("yes", "Overdue only"), ("no", "Not overdue")],
        empty_label="Overdue or not",
        method="filter_overdue",
        label="Overdue",
    )
    owner = django_filters.CharFilter(method="filter_owner", label="Owner (name or role)")

    class Meta:
        model = Action
        fields = ["trust", "framework", "status", "overdue", "owner"]

    def __init__(self, *args, trusts: QuerySet[Trust], today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.filters["trust"].queryset = trusts.order_by("name")

    def filter_status(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value == OPEN:
            return qs.filter(closure="")
        if value == CLOSED:
            return qs.exclude(closure="")
        return qs

    def filter_overdue(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        """Overdue: open and past its due date, so from the day after the due date."""
        overdue = Q(closure="", due__lt=self.today)
        if value == "yes":
            return qs.filter(overdue)
        if value == "no":
            return qs.exclude(overdue)
        return qs

    def filter_owner(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(owner__icontains=value)
            | Q(owner_user__first_name__icontains=value)
            | Q(owner_user__last_name__icontains=value)
            | Q(owner_user__username__icontains=value)
        )
