"""The plan page's table; its ``value_*`` methods give the plain values the exports use.

The page's rows and its targets are written in one pass each (:meth:`DeliverableTable.body_html`,
:func:`targets_html`): the same markup as the templates and columns drew, each text escaped as
a template escapes it (``html.escape``, what ``conditional_escape`` does to a plain string).
"""

from html import escape

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS, MONTHS_3
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from lmns.templatetags.lmns_tags import rag_badge

from .models import Deliverable

PK_MARK = 987654321


def _memo(function):
    """``function`` of one argument, computed once per distinct argument (for one page)."""
    seen: dict = {}

    def memo(value):
        try:
            return seen[value]
        except KeyError:
            seen[value] = result = function(value)
            return result

    return memo


def targets_html(rows: list[dict]) -> SafeString:
    """The plan page's targets (``selectors.plan_ambitions``), as its template wrote them:
    each deliverable's link and metric, its targets ("35% by December 2022 for ...") and its
    latest actual and note. Every text is escaped."""
    url_of = reverse("deliverables:deliverable_detail", args=[PK_MARK]).replace
    mark = str(PK_MARK)
    # ``{{ due|date:"F Y" }}``: the month's full name, the year on four digits.
    month = _memo(lambda number: str(MONTHS[number]))
    out = []
    for row in rows:
        deliverable, ambition, latest = row["deliverable"], row["ambition"], row["latest"]
        url = escape(url_of(mark, str(deliverable.pk)))
        items = "".join(
            f"<li>{escape(t.value_text)} by {escape(f'{month(t.due.month)} {t.due.year:04d}')}"
            + (f" for {escape(t.population)}" if t.population else "")
            + "</li>"
            for t in row["targets"]
        )
        actual = ""
        if latest:
            note = f" ({escape(latest.note)})" if latest.note else ""
            actual = (
                f'<p class="small">Latest actual: {escape(latest.value_text)} in '
                f"{escape(str(latest.period))}{note}.</p>"
            )
        out.append(
            f'\n<h3 class="h5"><a href="{url}">{escape(deliverable.reference)}. '
            f"{escape(deliverable.title)}</a>: {escape(ambition.metric)}</h3>\n"
            f'<ul class="targets">\n  {items}\n</ul>\n{actual}\n'
            + (f'<p class="small">{escape(ambition.note)}</p>' if ambition.note else "")
            + "\n"
        )
    return mark_safe("".join(out))


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

    def head_html(self) -> SafeString:
        """The ``table.thead`` block of ``django_tables2/lmns.html``, written directly: each
        heading with its sorting link (the page's query with this column's next order, as
        ``querystring_replace`` writes it), ``aria-sort`` and the arrow."""
        if not self.show_header:
            return mark_safe("\n  \n  ")
        params = dict(self.request.GET)
        key = self.prefixed_order_by_field
        out = [
            f"\n  \n  <thead {conditional_escape(self.attrs['thead'].as_html())}>\n    <tr>\n    "
        ]
        for column in self.columns:
            header = conditional_escape(column.header)
            th = f'\n      <th {conditional_escape(column.attrs["th"].as_html())} scope="col"'
            if not column.orderable:
                out.append(f"{th}>\n      \n        {header}\n      \n      </th>\n    ")
                continue
            alias = column.order_by_alias
            if column.is_ordered:
                way, other = ("descending", "ascending")
                if not alias.is_descending:
                    way, other = other, way
                mark = " ▼" if alias.is_descending else " ▲"
                said = f", sorted {way}; sort {other}"
            else:
                way, mark, said = "none", " ⇅", ", sort by this column"
            href = conditional_escape("?" + urlencode({**params, key: alias.next}, doseq=True))
            out.append(
                f'{th} aria-sort="{way}">\n      \n        <a href="{href}">{header}'
                f'<span class="sort-mark" aria-hidden="true">{mark}</span>'
                f'<span class="visually-hidden">{said}</span></a>\n      \n      </th>\n    '
            )
        out.append("\n    </tr>\n  </thead>\n  \n  ")
        return mark_safe("".join(out))

    def body_html(self) -> SafeString:
        """Every row's cells, written directly: the same cells as the columns render, in the
        same order, for a fraction of the cost of rendering each cell through its column."""
        overdue = '<span class="overdue">Overdue</span>'
        # Deliverable.get_absolute_url, reversed once rather than once per row.
        url_of = escape(reverse("deliverables:deliverable_detail", args=[PK_MARK])).replace
        mark = str(PK_MARK)
        badge = _memo(lambda status: str(rag_badge(status)))
        # ``j M Y`` as the ``date`` filter writes it (4 Oct 2024), without its per-call cost.
        month = _memo(lambda number: MONTHS_3[number].title())
        day = _memo(lambda value: escape(f"{value.day} {month(value.month)} {value.year}"))
        period = _memo(lambda value: escape(str(value)))
        zone = timezone.get_current_timezone()

        def row(deliverable: Deliverable) -> str:
            url = url_of(mark, str(deliverable.pk))
            update = deliverable.latest_update
            if update:
                entered = timezone.localtime(update.created_at, zone).date()
                updated = f"{period(update.period)} (entered {day(entered)})"
            else:
                updated = "Never"
            workstream = deliverable.workstream
            return (
                f'<tr><td><a href="{url}">{escape(deliverable.reference)}</a></td>'
                f'<td><a href="{url}">{escape(deliverable.title)}</a></td>'
                f"<td>{badge(deliverable.status)}</td>"
                f"<td>{overdue if deliverable.overdue else ''}</td>"
                f"<td>{escape(workstream.name) if workstream else '–'}</td>"
                f"<td>{escape(deliverable.owner_name) if deliverable.owner_name else '–'}</td>"
                f"<td>{day(deliverable.due_date) if deliverable.due_date else '–'}</td>"
                f"<td>{updated}</td></tr>"
            )

        rows = [row(deliverable) for deliverable in self.data]
        if not rows:
            return format_html(
                '<tr><td colspan="{}">{}</td></tr>', len(self.columns), self.empty_text
            )
        return mark_safe("\n".join(rows))

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
