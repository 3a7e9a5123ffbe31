"""Presentation helpers shared by every app: money, per cents, RAG badges and people's names."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.html import format_html

from lmns.models import RAG_COLOURS, RagStatus
from lmns.people import person_name

register = template.Library()

MINUS = "\u2212"


def _to_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def money(value, pence: bool = False) -> str:
    """£1,234 (or £1,234.56 with ``pence``); negatives get a real minus sign: −£1,234."""
    amount = _to_decimal(value)
    if amount is None:
        return "–"
    quantum = Decimal("0.01") if pence else Decimal("1")
    amount = amount.quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"£{abs(amount):,.2f}" if pence else f"£{abs(amount):,.0f}"
    return f"{MINUS}{text}" if amount < 0 else text


@register.filter
def percent(value) -> str:
    amount = _to_decimal(value)
    if amount is None:
        return "–"
    return f"{amount.quantize(Decimal('1'), rounding=ROUND_HALF_UP)}%"


@register.filter
def signed(value) -> str:
    """A change with its direction in words and arrows, never by colour alone: ▲ 5, ▼ 3, no change."""
    amount = _to_decimal(value)
    if amount is None:
        return ""
    amount = amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    if amount > 0:
        return f"▲ {amount}"
    if amount < 0:
        return f"▼ {abs(amount)}"
    return "no change"


@register.filter
def person(user) -> str:
    """A person's name, with "(left)" after it once they have left: ``{{ t.by|person }}``."""
    return person_name(user)


@register.simple_tag
def rag_badge(status: str) -> str:
    """A RAG status as a coloured badge that always carries its word."""
    if not status:
        return format_html('<span class="rag rag-none">{}</span>', "No update")
    label = RagStatus(status).label
    colour = RAG_COLOURS[RagStatus(status)]
    return format_html('<span class="rag rag-{}">{}</span>', colour, label)
