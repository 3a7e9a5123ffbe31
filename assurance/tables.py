"""The actions register's table; its ``value_*`` methods give the plain values the exports use."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from lmns.people import person_name

from .models import Action


class ActionTable(tables.Table):
    caption = "Actions to reach full compliance; sort by a column's heading"
    trust = tables.Column("Trust", accessor="trust__short_name")
    framework = tables.Column("Framework", accessor="requirement__section__framework__short_name")
    requirement = tables.Column("Requirement", accessor="requirement__code")
    what = tables.Column("Action", order_by=("what",), empty_values=())
    status = tables.Column(
        "Status", accessor="closure", order_by=("closure", "due"), empty_values=()
    )
    due = tables.DateColumn(verbose_name="Due", format="j M Y", default="–")
    owner = tables.Column("Owner", order_by=("owner",), empty_values=())
    evidence_by = tables.DateColumn(verbose_name="To be evidenced by", format="j M Y", default="–")
    progress = tables.Column("Progress")
    delivery = tables.Column("Delivery")
    delivered_on = tables.DateColumn(verbose_name="Delivered", format="j M Y", default="–")
    evidence_location = tables.Column("Where the evidence is", default="–", orderable=False)
    raised = tables.Column(
        "Raised in",
        accessor="raised_on__quarterly_return__period",
        order_by=("raised_on__quarterly_return__period__start_date",),
        default="–",
    )

    class Meta:
        model = Action
        fields = ()
        sequence = (
            "trust",
            "framework",
            "requirement",
            "what",
            "status",
            "due",
            "owner",
            "evidence_by",
            "progress",
            "delivery",
            "delivered_on",
            "evidence_location",
            "raised",
        )
        attrs = {"class": "table table-sm actions-table"}
        template_name = "django_tables2/lmns.html"
        orderable = True
        empty_text = "No actions match these filters."

    def __init__(self, *args, today, lead_trust_ids=frozenset(), can_close: bool = False, **kw):
        super().__init__(*args, **kw)
        self.today, self.lead_trust_ids, self.can_close = today, lead_trust_ids, can_close

    def render_what(self, record: Action) -> str:
        links = []
        if record.is_open and record.trust_id in self.lead_trust_ids:
            links.append((reverse("assurance:action_edit", args=[record.pk]), "Update"))
        if record.is_open and self.can_close:
            links.append((reverse("assurance:action_close", args=[record.pk]), "Close"))
        return format_html("{}{}", record.what, format_html_join("", ' <a href="{}">{}</a>', links))

    def value_what(self, record: Action) -> str:
        return record.what

    def _status(self, record: Action) -> str:
        if record.closure:
            return f"Closed: {record.get_closure_display().lower()}"
        return "Open, overdue" if record.is_overdue(self.today) else "Open"

    def render_status(self, record: Action) -> str:
        words = self._status(record)
        if record.is_open and record.is_overdue(self.today):
            return format_html('<span class="overdue">{}</span>', words)
        return words

    def value_status(self, record: Action) -> str:
        return self._status(record)

    def render_owner(self, record: Action) -> str:
        if record.owner_user_id:
            return f"{record.owner} ({person_name(record.owner_user)})"
        return record.owner or "–"

    def value_owner(self, record: Action) -> str:
        return self.render_owner(record)

    def render_progress(self, record: Action) -> str:
        return record.get_progress_display()

    def render_delivery(self, record: Action) -> str:
        return record.get_delivery_display()

    def value_due(self, value):
        return value or None

    def value_evidence_by(self, value):
        return value or None

    def value_delivered_on(self, value):
        return value or None

    def value_raised(self, value) -> str:
        return str(value) if value else ""

    def value_evidence_location(self, value) -> str:
        return value or ""


def export_rows(table: ActionTable) -> tuple[list[str], list[list]]:
    """The table's headings and rows as the exports write them, filtered and sorted as on the
    page; the closing reason after them."""
    values = iter(table.as_values())
    headers = [*next(values), "Reason for closing"]
    rows = [
        [*row, table_row.record.closure_reason]
        for row, table_row in zip(values, table.rows, strict=True)
    ]
    return headers, rows
