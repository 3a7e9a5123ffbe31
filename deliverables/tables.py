"""The plan page's table; its ``value_*`` methods give the plain values the exports use."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from lmns.templatetags.lmns_tags import rag_badge

from .models import Deliverable

PK_MARK = 987654321


def _day(value) -> str:
    """``j M Y`` as the ``date`` filter writes it (4 Oct 2024), without its per-call cost."""
    return f"{value.day} {MONTHS_3[value.month].title()} {value.year}"


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
        # The cells are plain template (the page's cost was each cell's rendering by its column).
        template_name = "deliverables/_plan_table.html"
        orderable = True
        empty_text = "No deliverables match these filters."

    def body_html(self) -> SafeString:
        """Every row's cells, written directly: the same cells as the columns render, in the
        same order, for a fraction of the cost of rendering each cell through its column."""
        overdue = mark_safe('<span class="overdue">Overdue</span>')
        # Deliverable.get_absolute_url, reversed once rather than once per row.
        url_of = reverse("deliverables:deliverable_detail", args=[PK_MARK]).replace
        mark = str(PK_MARK)

        def cells(deliverable: Deliverable):
            url = url_of(mark, str(deliverable.pk))
            update = deliverable.latest_update
            updated = timezone.localtime(update.created_at) if update else None
            return (
                url,
                deliverable.reference,
                url,
                deliverable.title,
                rag_badge(deliverable.status),
                overdue if deliverable.overdue else "",
                deliverable.workstream.name if deliverable.workstream else "–",
                deliverable.owner_name or "–",
                _day(deliverable.due_date) if deliverable.due_date else "–",
                f"{update.period} (entered {_day(updated)})" if updated else "Never",
            )

        rows = [cells(deliverable) for deliverable in self.data]
        if not rows:
            return format_html(
                '<tr><td colspan="{}">{}</td></tr>', len(self.columns), self.empty_text
            )
        return format_html_join(
            "\n",
            '<tr><td><a href="{}">{}</a></td><td><a href="{}">{}</a></td><td>{}</td><td>{}</td>'
            "<td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            rows,
        )

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

    def value_due_date(self, value):
        return value or None  # a real date in the exports

    def value_last_updated(self, value):
        return timezone.localtime(value) if value else None

    def value_workstream(self, value) -> str:
        return value or ""

    def value_owner(self, value) -> str:
        return value or ""


# What an exceptions report needs beyond the page's columns, from each row's latest update.
EXPORT_EXTRA = ["Reporting period", "Narrative", "Recovery action", "Recovery date"]


def export_rows(table: DeliverableTable) -> tuple[list[str], list[list]]:
    """The table's headings and rows as the exports write them: the page's columns, filtered and
    sorted as on the page, then the latest update's period, narrative and recovery plan."""
    values = iter(table.as_values())
    headers = [*next(values), *EXPORT_EXTRA]
    rows = []
    for row, table_row in zip(values, table.rows, strict=True):
        update = table_row.record.latest_update
        extra = (
            [str(update.period), update.narrative, update.recovery_action, update.recovery_date]
            if update
            else ["", "", "", None]
        )
        rows.append([*row, *extra])
    return headers, rows
