"""Variances in words as well as signs, so that direction never relies on colour."""

from django import template
from django.utils.html import format_html

from lmns.templatetags.lmns_tags import _to_decimal, money

register = template.Library()


def _variance(value, under: str, over: str, level: str) -> str:
    amount = _to_decimal(value)
    if amount is None:
        return "–"
    if amount == 0:
        return format_html('<span class="variance">{}</span>', level)
    words = under if amount < 0 else over
    css = "variance variance-under" if amount < 0 else "variance variance-over"
    return format_html(
        '<span class="{}"><span class="amount">{}</span> {}</span>', css, money(amount), words
    )


@register.filter
def vs_profile(value) -> str:
    """−£1,234 under profile / £500 over profile / on profile."""
    return _variance(value, "under profile", "over profile", "on profile")


@register.filter
def vs_allocation(value) -> str:
    """A forecast against the allocation: −£30,000 underspend / £2,000 overspend / on allocation."""
    return _variance(value, "forecast underspend", "forecast overspend", "on allocation")


@register.filter
def vs_approved(value) -> str:
    return _variance(value, "below approved", "above approved", "as approved")


@register.filter
def fy(start_year) -> str:
    """A financial year from its start year: 2018 → 2018/19."""
    try:
        year = int(start_year)
    except (TypeError, ValueError):
        return ""
    return f"{year}/{(year + 1) % 100:02d}"
