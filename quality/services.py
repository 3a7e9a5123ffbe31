"""Business rules of the monthly figures: what a figure may be, and saving a month with history.

Rules (each refusal names the measure and month, in words a clinician reads at a glance):

* a month can only be entered once it has ended;
* figures are never negative; a count has no denominator; a ratio needs both figures, and its
  numerator may not exceed the denominator unless the measure allows more than 100% (fill rates);
* changing a figure already recorded (a correction) needs a reason, kept in the figure's history
  (a note given with new figures is kept there too);
  final figures may be corrected the same way: nothing is overwritten without a trace;
* a figure changed by someone else since the form was opened is refused (optimistic locking),
  and the person's input is kept.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator

from lmns.models import Trust
from lmns.workflow import StaleRecord, bump_version

from .models import (
    Ambition,
    AmbitionActual,
    FigureSource,
    FigureStatus,
    Measure,
    MonthlyFigure,
    month_start,
)

HISTORY_REASON_LENGTH = 100


@dataclass(frozen=True)
class FigureInput:
    measure: Measure
    numerator: Decimal | None
    denominator: Decimal | None
    not_available: bool = False
    version: int = 0  # 0: no figure when the form was opened


def month_has_ended(month: datetime.date, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return month_start(month) < month_start(today)


def figure_problem(
    measure: Measure,
    numerator: Decimal | None,
    denominator: Decimal | None,
    not_available: bool = False,
) -> str | None:
    """Why these figures are impossible for ``measure``, or None."""
    if not_available:
        return None
    if numerator is None and denominator is None:
        return None
    if (numerator is not None and numerator < 0) or (denominator is not None and denominator < 0):
        return "figures cannot be negative"
    if measure.is_count:
        if denominator is not None:
            return "is a count: leave the denominator empty"
        return None
    if numerator is None or denominator is None:
        return "needs both a numerator and a denominator"
    if denominator == 0 and numerator > 0:
        return "has a numerator but a denominator of 0"
    if numerator > denominator and not measure.may_exceed_100 and measure.unit == "percent":
        return (
            f"the numerator ({numerator:f}) is more than the denominator ({denominator:f}), "
            "which this measure cannot have"
        )
    if numerator > denominator and measure.unit == "per_1000":
        return f"the numerator ({numerator:f}) is more than the denominator ({denominator:f})"
    return None


def _changed(figure: MonthlyFigure, row: FigureInput) -> bool:
    return (figure.numerator, figure.denominator, figure.not_available) != (
        row.numerator,
        row.denominator,
        row.not_available,
    )


@transaction.atomic
def save_month(
    *,
    trust: Trust,
    month: datetime.date,
    rows: list[FigureInput],
    status: str,
    reason: str = "",
    user,
    source: str = FigureSource.ENTERED,
) -> dict[str, int]:
    """Record a trust's figures for a month. Empty rows are skipped; returns counts.

    Raises ValidationError listing every problem (nothing is saved), or StaleRecord.
    """
    month = month_start(month)
    if not month_has_ended(month):
        raise ValidationError(f"{month:%B %Y} has not ended yet: figures are entered afterwards.")
    if status not in FigureStatus.values:
        raise ValidationError("Choose provisional or final.")
    existing = {
        f.measure_id: f
        for f in MonthlyFigure.objects.select_for_update().filter(
            trust=trust, month=month, measure__in=[r.measure for r in rows]
        )
    }
    problems, corrections = [], []
    for row in rows:
        problem = figure_problem(row.measure, row.numerator, row.denominator, row.not_available)
        if problem:
            problems.append(f"{row.measure.short_name}, {month:%B %Y}: {problem}.")
        figure = existing.get(row.measure.pk)
        if figure is not None and (_changed(figure, row) or figure.status != status):
            corrections.append(row.measure.short_name)
    if corrections and not reason.strip():
        problems.append(
            "Give the reason for the correction ("
            + ", ".join(corrections)
            + " already had figures): it is kept in the history."
        )
    if problems:
        raise ValidationError(problems)
    counts = {"created": 0, "corrected": 0, "unchanged": 0}
    for row in rows:
        figure = existing.get(row.measure.pk)
        empty = row.numerator is None and row.denominator is None and not row.not_available
        if figure is None:
            if row.version:
                raise StaleRecord(
                    f"{row.measure.short_name}: the figures were removed since you opened the "
                    "form. Your input is still below: check it and save again."
                )
            if empty:
                continue
            try:
                with transaction.atomic():
                    figure = MonthlyFigure(
                        trust=trust,
                        measure=row.measure,
                        month=month,
                        numerator=row.numerator,
                        denominator=row.denominator,
                        not_available=row.not_available,
                        status=status,
                        source=source,
                        entered_by=user,
                    )
                    figure._change_reason = Truncator(reason.strip()).chars(HISTORY_REASON_LENGTH)
                    figure.save()
            except IntegrityError as error:
                raise StaleRecord(
                    f"{row.measure.short_name}: someone else entered figures for {month:%B %Y} "
                    "since you opened the form. Your input is still below: check it and save "
                    "again."
                ) from error
            counts["created"] += 1
            continue
        if not _changed(figure, row) and figure.status == status:
            counts["unchanged"] += 1
            continue
        if source == FigureSource.ENTERED:
            bump_version(figure, row.version)
        else:
            figure.version += 1
        figure.numerator, figure.denominator = row.numerator, row.denominator
        figure.not_available, figure.status = row.not_available, status
        figure.source, figure.entered_by = source, user
        figure._change_reason = Truncator(reason.strip()).chars(HISTORY_REASON_LENGTH)
        figure.save()
        counts["corrected"] += 1
    return counts


@transaction.atomic
def record_ambition_actual(
    *, ambition: Ambition, period, value: Decimal, note: str, user
) -> AmbitionActual:
    """Record (or correct) the value a plan reports as achieved in a period; its history keeps
    the earlier value."""
    if value is None or value < 0:
        raise ValidationError("The value achieved cannot be negative.")
    actual, _ = AmbitionActual.objects.update_or_create(
        ambition=ambition,
        period=period,
        defaults={"value": value, "note": note, "recorded_by": user},
    )
    return actual
