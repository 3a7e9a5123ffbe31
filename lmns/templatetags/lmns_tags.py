"""Presentation helpers shared by every app: money, per cents, RAG badges and people's names."""

import re

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from lmns import board, formatting
from lmns.models import RAG_COLOURS, RagStatus

register = template.Library()

MINUS = formatting.MINUS
_to_decimal = formatting.to_decimal


@register.filter
def money(value, pence: bool = False) -> str:
    """£1,234 (or £1,234.56 with ``pence``); negatives get a real minus sign: −£1,234."""
    return formatting.money(value, pence)


@register.filter
def percent(value) -> str:
    """A whole per cent: 88%."""
    return formatting.percent(value)


@register.filter
def day(value) -> str:
    """31 Mar 2027."""
    return formatting.date(value)


@register.filter
def day_time(value) -> str:
    """31 Mar 2027, 14:05."""
    return formatting.date_time(value)


@register.filter
def financial_year(start_year) -> str:
    """2018 → 2018/19."""
    return formatting.financial_year(start_year)


@register.filter
def signed(value) -> str:
    """A change with its direction in words and arrows, never by colour alone: ▲ 5, ▼ 3, no change."""
    return formatting.signed_points(value)


@register.filter
def person(user) -> str:
    """A person's name, with "(left)" after it once they have left: ``{{ t.by|person }}``."""
    return formatting.person(user)


@register.filter
def cell_text(raw) -> str:
    """A board pack table cell as a person reads it: typed cells through ``lmns.formatting``,
    an old pack's text exactly as it was frozen."""
    return board.cell_text(raw)


@register.simple_tag
def rag_badge(status: str) -> str:
    """A RAG status as a coloured badge that always carries its word."""
    if not status:
        return format_html('<span class="rag rag-none">{}</span>', "No update")
    label = RagStatus(status).label
    colour = RAG_COLOURS[RagStatus(status)]
    return format_html('<span class="rag rag-{}">{}</span>', colour, label)


_CAPTION = re.compile(r"<caption(?P<attrs>[^>]*)>", re.IGNORECASE)
_ID = re.compile(r"""\bid=["']([^"']+)["']""")


class TableRegionNode(template.Node):
    def __init__(self, nodelist, label):
        self.nodelist = nodelist
        self.label = label

    def render(self, context) -> str:
        html = self.nodelist.render(context)
        label = self.label.resolve(context) if self.label else ""
        counter = context.render_context.setdefault("table_region_count", [0])
        counter[0] += 1
        match = _CAPTION.search(html)
        if match:
            found = _ID.search(match.group("attrs"))
            caption_id = found.group(1) if found else f"table-caption-{counter[0]}"
            if not found:
                html = (
                    html[: match.start()]
                    + f'<caption id="{caption_id}"{match.group("attrs")}>'
                    + html[match.end() :]
                )
            name = f'aria-labelledby="{caption_id}"'
        else:
            name = format_html('aria-label="{}"', label or "Table")
        return f'<div class="table-region" role="region" tabindex="0" {name}>{html}</div>'


@register.tag
def table_region(parser, token):
    """``{% table_region %}<table>…<caption>…</caption>…</table>{% endtable_region %}``

    A table that scrolls sideways inside its own box on a narrow screen, so the page never does.
    The box can take keyboard focus (so keyboard users can scroll it) and is a region named by
    the table's caption; a table without a caption is named by the tag's argument."""
    bits = token.split_contents()
    label = parser.compile_filter(bits[1]) if len(bits) > 1 else None
    nodelist = parser.parse(("endtable_region",))
    parser.delete_first_token()
    return TableRegionNode(nodelist, label)


def _crispy_classes(widget, extra: str) -> None:
    """Set the widget's classes exactly as crispy-forms' ``crispy_field`` does."""
    class_name = widget.__class__.__name__.lower()
    css_class = widget.attrs.get("class", "")
    if css_class:
        if css_class.find(class_name) == -1:
            css_class += f" {class_name}"
    else:
        css_class = class_name
    for token in extra.split():
        if token not in css_class.split():
            css_class += f" {token}"
    widget.attrs["class"] = css_class


def _help_text(bound) -> str:
    if not bound.help_text:
        return ""
    return format_html(
        '<div {}class="form-text">{}</div>',
        format_html('id="{}_helptext" ', bound.auto_id) if bound.auto_id else "",
        bound.help_text,
    )


def _checkbox(bound) -> str:
    """A check box as crispy-forms' Bootstrap 5 pack draws it, without errors."""
    _crispy_classes(bound.field.widget, "form-check-input")
    required = bound.field.required
    return format_html(
        '<div class="mb-3"><div id="div_{}" class="form-check">{}'
        '<label for="{}" class="form-check-label{}">{}{}</label>{}</div></div>',
        bound.auto_id,
        bound,
        bound.id_for_label,
        " requiredField" if required else "",
        bound.label,
        mark_safe('<span class="asteriskField">*</span>') if required else "",
        _help_text(bound),
    )


def _file(bound) -> str:
    """An optional file input without help text, as crispy-forms' Bootstrap 5 pack draws it."""
    widget = bound.field.widget
    widget.attrs["class"] = f"{widget.attrs.get('class', '')} form-control".strip()
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label">{}</label>'
        "<div>{}</div></div>",
        bound.auto_id,
        bound.id_for_label,
        bound.label,
        bound,
    )


@register.filter
def field(bound) -> str:
    """A form field as ``|as_crispy_field`` draws it (Bootstrap 5), written in Python for the
    plain cases: a text, number, date or select input, a check box, or an optional file input
    with no file yet and no help text, without errors. Anything else (errors, radio buttons,
    several check boxes, composite widgets) is drawn by crispy-forms itself.

    Forms with many fields (a return section has eight per requirement) spent most of their
    time in crispy-forms' field template; this draws the same markup at a fraction of it.
    """
    from crispy_forms.templatetags.crispy_forms_field import (
        is_checkbox,
        is_checkboxselectmultiple,
        is_file,
        is_radioselect,
        is_select,
    )
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    if bound.is_hidden:
        return str(bound)
    widget = bound.field.widget
    composite = hasattr(widget, "widgets") or hasattr(widget, "widget")
    if not (bound.errors or composite or bound.use_fieldset):
        if is_checkbox(bound):
            return _checkbox(bound)
        if is_file(bound) and not (bound.field.required or bound.help_text or bound.value()):
            return _file(bound)
    plain = not (
        bound.errors
        or composite
        or bound.use_fieldset
        or is_checkbox(bound)
        or is_checkboxselectmultiple(bound)
        or is_radioselect(bound)
        or is_file(bound)
    )
    if not plain:
        return as_crispy_field(bound)
    _crispy_classes(widget, "form-select" if is_select(bound) else "form-control")
    required = bound.field.required
    label = ""
    if bound.label:
        label = format_html(
            '<label {}class="form-label{}">{}{}</label>',
            format_html('for="{}" ', bound.id_for_label) if bound.id_for_label else "",
            " requiredField" if required else "",
            bound.label,
            mark_safe('<span class="asteriskField">*</span>') if required else "",
        )
    help_text = _help_text(bound)
    classes = " ".join(["mb-3", *([bound.css_classes()] if bound.css_classes() else [])])
    return format_html(
        '<div id="div_{}" class="{}">{}{}{}</div>', bound.auto_id, classes, label, bound, help_text
    )
