"""Money as finance readers read it: direction in words, exceptions flagged either way.

* A variance beyond both thresholds (settings, defaults 10% and £5,000) is an *exception*,
  whichever way it goes: flagged in words ("exception") and by the row's style, never green.
* A forecast overspend of the allocation (or of a line's approved amount) is the strongest
  warning, whatever its size.
* Spend not yet reported reads "not yet reported", never £0.
"""

from django import template
from django.utils.html import format_html

from lmns.board import cell_value
from lmns.formatting import financial_year, money
from lmns.formatting import to_decimal as _to_decimal

from ..selectors import exceeds_threshold

register = template.Library()

NOT_REPORTED = "not yet reported"


def _not_reported():
    return format_html('<span class="not-reported">{}</span>', NOT_REPORTED)


def _variance(value, base, under: str, over: str, level: str, *, over_warns=False) -> str:
    amount = _to_decimal(value)
    if amount is None:
        return _not_reported()
    if amount == 0:
        return format_html('<span class="variance">{}</span>', level)
    words = under if amount < 0 else over
    if over_warns and amount > 0:
        return format_html(
            '<span class="variance variance-warning"><strong>Warning:</strong> '
            '<span class="amount">{}</span> {}</span>',
            money(amount),
            words,
        )
    base_amount = _to_decimal(base)
    if base_amount is not None and exceeds_threshold(amount, base_amount):
        return format_html(
            '<span class="variance variance-exception"><span class="amount">{}</span> {} '
            '<span class="flag">(exception: beyond thresholds)</span></span>',
            money(amount),
            words,
        )
    return format_html(
        '<span class="variance"><span class="amount">{}</span> {}</span>', money(amount), words
    )


@register.filter
def spend(value) -> str:
    """An amount of spend, or "not yet reported" (never £0) when there is none."""
    if _to_decimal(value) is None:
        return _not_reported()
    return money(value)


@register.filter
def vs_profile(value, profile=None) -> str:
    """−£1,234 under profile / £500 over profile / on profile; beyond thresholds, an exception."""
    return _variance(value, profile, "under profile", "over profile", "on profile")


@register.filter
def vs_allocation(value, allocation=None) -> str:
    """A forecast against the allocation: an overspend always warns, an underspend beyond
    the thresholds is an exception."""
    return _variance(
        value,
        allocation,
        "forecast underspend",
        "forecast overspend",
        "on allocation",
        over_warns=True,
    )


@register.filter
def vs_approved(value, approved=None) -> str:
    return _variance(
        value, approved, "below approved", "above approved", "as approved", over_warns=True
    )


@register.filter
def fy(start_year) -> str:
    """A financial year from its start year: 2018 → 2018/19."""
    return financial_year(start_year)


@register.simple_tag
def not_reported_note(row) -> str:
    """ "£26,000 profiled on lines not yet reported", beside a comparison that leaves it out."""
    amount = _to_decimal(row.get("profile_unreported") if hasattr(row, "get") else None)
    if not amount:
        return ""
    return format_html(
        '<span class="not-reported-note">{} profiled on lines not yet reported</span>',
        money(amount),
    )


# The board section's columns by heading, so that packs issued before a column was added (their
# snapshots keep the headings they had) still render each cell the way it was meant.
BOARD_VARIANCES = {
    "Variance against allocation": (vs_allocation, "Allocation"),
    "Variance against profile": (vs_profile, "Profiled to date"),
}


@register.simple_tag
def board_cell(headers, row, index) -> str:
    """One cell of the funding section's table: a variance in words, money, or blank spend.
    Typed cells (packs issued since cells were typed) and an old pack's text read alike."""
    row = [cell_value(v) for v in row]
    heading = headers[index] if index < len(headers) else ""
    value = row[index]
    if heading in BOARD_VARIANCES:
        render, base_heading = BOARD_VARIANCES[heading]
        base = row[headers.index(base_heading)] if base_heading in headers else None
        return format_html("<td>{}</td>", render(value, base))
    if value in ("", None):
        return format_html('<td class="num">{}</td>', _not_reported())
    return format_html('<td class="num">{}</td>', money(value))
