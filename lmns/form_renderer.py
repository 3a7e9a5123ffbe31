"""The form renderer: Django's own, with its commonest widget templates written in Python.

A return section draws about fifty inputs and selects, the plan's filter selects with dozens of
options; each went through Django's widget templates (``input.html``, ``attrs.html``,
``select.html``, one ``select_option.html`` per option), which was a third of those pages' CPU.
:class:`FastWidgetRenderer` draws exactly the same markup for the plain templates below and
hands every other template (and any widget whose option template was changed) to Django.
``lmns/tests/test_form_renderer.py`` compares the two, character for character.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

WIDGETS = "django/forms/widgets/"
OPTION_TEMPLATE = WIDGETS + "select_option.html"
INPUT_TEMPLATES = frozenset(
    WIDGETS + name
    for name in ("text.html", "number.html", "date.html", "email.html", "url.html", "hidden.html")
)


def _text(value) -> str:
    """``{{ value|stringformat:'s' }}`` in an autoescaping template."""
    return conditional_escape(value if hasattr(value, "__html__") else str(value))


def _attrs(attrs: dict) -> str:
    """``attrs.html``."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(" " + conditional_escape(name))
        if value is not True:
            out.append(f'="{_text(value)}"')
    return "".join(out)


def _input(widget: dict) -> str:
    """``input.html``, included by ``text.html`` and the like."""
    value = widget["value"]
    shown = "" if value is None else f' value="{_text(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>\n'
    )


def _option(option: dict) -> str:
    return (
        f'<option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>\n"
    )


def _select(widget: dict) -> str | None:
    """``select.html``; None when an option has a template of its own."""
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option.get("template_name") != OPTION_TEMPLATE:
                return None
            out.append("\n  " + _option(option))
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>\n")
    return "".join(out)


def _textarea(widget: dict) -> str:
    value = widget["value"]
    shown = conditional_escape(value) if value else ""
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{shown}</textarea>\n"
    )


class FastWidgetRenderer(DjangoTemplates):
    """Django's default form renderer, drawing plain inputs, selects and text areas in Python."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        html = None
        if isinstance(widget, dict) and widget.get("template_name") == template_name:
            if template_name in INPUT_TEMPLATES:
                html = _input(widget)
            elif template_name == WIDGETS + "select.html":
                html = _select(widget)
            elif template_name == WIDGETS + "textarea.html":
                html = _textarea(widget)
        if html is None:
            return super().render(template_name, context, request)
        return mark_safe(html.strip())  # as Django's renderer strips what it renders
