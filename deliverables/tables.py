"""The plan page's table; its ``value_*`` methods give the plain values the exports use."""

import django_tables2 as tables
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe

from lmns.templatetags.lmns_tags import rag_badge

from .models import Deliverable


class DeliverableTable(tables.Table):
    caption = "Deliverables with their latest status; sort by a column's heading"
    reference = tables.Column(
        "No.", accessor="reference", order_by=("number", "part"), linkify=True
    )
    title = tables.Column(linkify=True)
    workstream = tables.Column("Workstream", accessor="workstream__name", default="–")
    owner = tables.Column(accessor="owner_name", default="–")
    due_date = tables.DateColumn(verbose_name="Due", format="j M Y", default="–")
    status = tables.Column("Latest status")
    overdue = tables.Column("Overdue", accessor="overdue")
    last_updated = tables.Column(
        verbose_name="Last updated",
        accessor="latest_update__created_at",
        order_by=("latest_update__period__start_date", "latest_update__created_at"),
        default="Never",
    )

    class Meta:
        model = Deliverable
        fields = ()
        # The status follows the title, so a phone shows it before the table scrolls.
        sequence = (
            "reference",
            "title",
            "status",
            "overdue",
            "workstream",
            "owner",
            "due_date",
            "last_updated",
        )
        attrs = {"class": "table table-sm deliverables-table"}
        orderable = True
        empty_text = "No deliverables match these filters."

    def render_status(self, record) -> str:
        return rag_badge(record.status)

    def value_status(self, record) -> str:
        return record.get_status_display()

    def render_overdue(self, value) -> str:
        return mark_safe('<span class="overdue">Overdue</span>') if value else ""

    def value_overdue(self, value) -> str:
        return "Overdue" if value else ""

    def render_last_updated(self, record) -> str:
        """The reporting period the update was for, then when it was entered."""
        update = record.latest_update
        return f"{update.period} (entered {date_format(timezone.localtime(update.created_at), 'j M Y')})"

    def value_due_date(self, value) -> str:
        return value.isoformat() if value else ""

    def value_last_updated(self, value) -> str:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    def value_workstream(self, value) -> str:
        return value or ""

    def value_owner(self, value) -> str:
        return value or ""
