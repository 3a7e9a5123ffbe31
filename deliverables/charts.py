"""Server-side SVG trajectory charts: target line and actuals, drawn with plain coordinates."""

from __future__ import annotations

import datetime
from decimal import Decimal

from quality.models import Ambition

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 20, 20, 44


def _x(day: datetime.date, start: datetime.date, end: datetime.date) -> float:
    span = max((end - start).days, 1)
    return round(LEFT + (day - start).days / span * (WIDTH - LEFT - RIGHT), 1)


def _y(value: Decimal, top_value: Decimal) -> float:
    return round(HEIGHT - BOTTOM - float(value) / float(top_value) * (HEIGHT - TOP - BOTTOM), 1)


def trajectory_chart(trajectory: Ambition | None) -> dict | None:
    """Everything the SVG template needs, or None when there is nothing to draw."""
    if trajectory is None:
        return None
    targets = list(trajectory.targets.all())
    actuals = list(trajectory.actuals.all())
    if not targets and not actuals:
        return None
    dates = [t.due for t in targets] + [a.period.end_date for a in actuals]
    start = datetime.date(min(dates).year - 1, 4, 1)
    end = datetime.date(max(dates).year, 12, 31)
    values = [t.value for t in targets] + [a.value for a in actuals]
    top_value = Decimal(100) if trajectory.unit == "%" else max(values) * Decimal("1.1")
    top_value = max(top_value, Decimal(1))
    ticks = [top_value * i / 4 for i in range(5)]
    target_points = [
        {"x": _x(t.due, start, end), "y": _y(t.value, top_value), "target": t} for t in targets
    ]
    actual_points = [
        {"x": _x(a.period.end_date, start, end), "y": _y(a.value, top_value), "actual": a}
        for a in actuals
    ]
    years = range(start.year + 1, end.year + 1)
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
        "unit": trajectory.unit,
        "y_ticks": [
            {
                "y": _y(v, top_value),
                "label": f"{v.quantize(Decimal('1'))}{trajectory.unit if trajectory.unit == '%' else ''}",
            }
            for v in ticks
        ],
        "x_ticks": [{"x": _x(datetime.date(y, 1, 1), start, end), "label": str(y)} for y in years],
        "targets": target_points,
        "target_path": " ".join(f"{p['x']},{p['y']}" for p in target_points),
        "actuals": actual_points,
        "actual_path": " ".join(f"{p['x']},{p['y']}" for p in actual_points),
        "summary": _summary(trajectory, targets, actuals),
    }


def _summary(trajectory: Ambition, targets, actuals) -> str:
    parts = [
        f"target {t.value_text} by {t.due:%B %Y}" + (f" ({t.population})" if t.population else "")
        for t in targets
    ]
    if actuals:
        last = actuals[-1]
        parts.append(f"latest actual {last.value_text} in {last.period}")
    else:
        parts.append("no actuals recorded yet")
    return f"{trajectory.metric}: " + "; ".join(parts) + "."
