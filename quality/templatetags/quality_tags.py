"""Template tags of the quality pages: the SPC icons."""

from django import template
from django.utils.safestring import mark_safe

from quality.charts import icon
from quality.selectors import format_value

register = template.Library()


@register.simple_tag
def spc_icon(kind: str, value) -> str:
    """A variation or assurance icon (SVG with its label as accessible name), or nothing."""
    return mark_safe(icon(kind, value))  # noqa: S308 - built from fixed markup and escaped labels


@register.filter
def in_unit(value, measure) -> str:
    """A measure's value as a person reads it, by its unit ("94%", "2.55 per 1,000"); "–" for none."""
    return format_value(measure, value) or "–"
