"""How the product writes figures for people: one module for templates, board sections, the PDF
and exports, so that the same figure reads the same everywhere.

* per cents are whole numbers where a person reads them ("88%"; an XLSX cell holds the number);
  rates that are not per cents keep their precision ("2.55 per 1,000");
* money in whole pounds by default ("£1,234", "−£1,234" with a real minus sign), pence on request;
* dates "31 Mar 2027", date-times "31 Mar 2027, 14:05" (local time);
* a person's name with "(left)" once they have left;
* a financial year from its start year: 2018 → "2018/19";
* a board section's typed number by its kind (``figure``): a per cent, money, a change in
  points ("▲ 5", "▼ 3", "no change") or a plain number ("1,234").
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone

MINUS = "\u2212"
DATE = "%-d %b %Y"
DATE_TIME = "%-d %b %Y, %H:%M"


def to_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def money(value, pence: bool = False) -> str:
    """£1,234 (or £1,234.56 with ``pence``); negatives get a real minus sign: −£1,234."""
    amount = to_decimal(value)
    if amount is None:
        return "–"
    quantum = Decimal("0.01") if pence else Decimal("1")
    amount = amount.quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"£{abs(amount):,.2f}" if pence else f"£{abs(amount):,.0f}"
    return f"{MINUS}{text}" if amount < 0 else text


def percent(value) -> str:
    """A per cent as a person reads it: a whole number, half rounded up ("88%")."""
    amount = to_decimal(value)
    if amount is None:
        return "–"
    return f"{amount.quantize(Decimal('1'), rounding=ROUND_HALF_UP)}%"


def per_thousand(value) -> str:
    """A rate per 1,000 (births), not a per cent: two decimals, half rounded up ("2.55 per 1,000")."""
    amount = to_decimal(value)
    if amount is None:
        return "–"
    return f"{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,} per 1,000"


def whole(value) -> str:
    """A count as a person reads it: a whole number, half rounded up ("1,234")."""
    amount = to_decimal(value)
    if amount is None:
        return "–"
    return number(amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def date(value) -> str:
    """31 Mar 2027."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return value.strftime(DATE)


def date_time(value) -> str:
    """31 Mar 2027, 14:05 (local time)."""
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime(DATE_TIME)


def person(user) -> str:
    """A person's name, with "(left)" after it once they have left."""
    from lmns.people import person_name

    return person_name(user)


def financial_year(start_year) -> str:
    """A financial year from its start year: 2018 → 2018/19."""
    try:
        year = int(start_year)
    except (TypeError, ValueError):
        return ""
    return f"{year}/{(year + 1) % 100:02d}"


def signed_points(value) -> str:
    """A change in percentage points, its direction in arrows and words: ▲ 5, ▼ 3, no change."""
    amount = to_decimal(value)
    if amount is None:
        return ""
    amount = amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    if amount > 0:
        return f"▲ {amount}"
    if amount < 0:
        return f"▼ {abs(amount)}"
    return "no change"


def number(value) -> str:
    """A plain number: 1,234 or 12.5 (no trailing zeros), with a real minus sign."""
    amount = to_decimal(value)
    if amount is None:
        return "–"
    text = f"{abs(amount):,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{MINUS}{text}" if amount < 0 else text


FIGURES = {"percent": percent, "money": money, "points": signed_points}


def figure(value, kind: str = "number") -> str:
    """A number of a board section's table as a person reads it, by its kind."""
    return FIGURES.get(kind, number)(value)
