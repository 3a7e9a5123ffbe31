"""Template tags of the quality pages: the SPC icons."""

from django import template
from django.utils.safestring import mark_safe

from quality.charts import icon

register = template.Library()


@register.simple_tag
def spc_icon(kind: str, value) -> str:
    """A variation or assurance icon (SVG with its label as accessible name), or nothing."""
    return mark_safe(icon(kind, value))  # noqa: S308 - built from fixed markup and escaped labels
