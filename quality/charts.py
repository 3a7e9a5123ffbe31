"""SPC charts and icons drawn on the server as SVG: the same markup on the page, in the board
pack and its PDF. No JavaScript and no ``style=`` (the Content Security Policy forbids it).

Colour is never the only signal: special-cause points have their own shapes (a square when
improving, a diamond when concerning, a triangle for high or low without a better direction),
each icon carries a letter, and every chart has a title, a description with its figures and a
table of the figures beside it.
"""

from __future__ import annotations

from functools import lru_cache
from xml.sax.saxutils import escape

from .selectors import MeasureSeries, format_value
from .spc import Assurance, Variation

WIDTH, HEIGHT = 640, 240
SMALL_WIDTH, SMALL_HEIGHT = 260, 90
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 56, 12, 12, 28

COLOURS = {
    None: "#425563",
    Variation.COMMON_CAUSE: "#425563",
    Variation.IMPROVING: "#005eb8",
    Variation.CONCERNING: "#b35900",
    Variation.HIGH: "#6a1b9a",
    Variation.LOW: "#6a1b9a",
}

# (letter, colour) of each icon; the label is spelt out beside it on every page.
VARIATION_ICONS = {
    Variation.COMMON_CAUSE: ("C", "#425563"),
    Variation.IMPROVING: ("I", "#005eb8"),
    Variation.CONCERNING: ("!", "#b35900"),
    Variation.HIGH: ("H", "#6a1b9a"),
    Variation.LOW: ("L", "#6a1b9a"),
}
ASSURANCE_ICONS = {
    Assurance.PASSING: ("P", "#005eb8"),
    Assurance.FAILING: ("F", "#b35900"),
    Assurance.HIT_AND_MISS: ("?", "#425563"),
}


def _attr(text: str) -> str:
    return escape(text, {'"': "&quot;", "'": "&apos;"})


@lru_cache(maxsize=64)
def icon(kind: str, value: Variation | Assurance | None, size: int = 22) -> str:
    """A round icon with a letter, its label as its accessible name."""
    if value is None or value == "":
        return ""
    value = (Variation if kind == "variation" else Assurance)(value)
    letter, colour = (VARIATION_ICONS if kind == "variation" else ASSURANCE_ICONS)[value]
    r = size / 2
    shape = (
        f'<circle cx="{r}" cy="{r}" r="{r - 1}" fill="#ffffff" stroke="{colour}" stroke-width="2"/>'
        if kind == "variation"
        else f'<rect x="1" y="1" width="{size - 2}" height="{size - 2}" rx="4" fill="#ffffff" '
        f'stroke="{colour}" stroke-width="2"/>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="spc-icon" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}" role="img" aria-label="{_attr(value.label)}">'
        f"<title>{escape(value.label)}</title>{shape}"
        f'<text x="{r}" y="{r + 4.5}" text-anchor="middle" font-size="{size * 0.6:.0f}" '
        f'font-weight="700" fill="{colour}" font-family="sans-serif">{escape(letter)}</text></svg>'
    )


def describe(series: MeasureSeries, *, suppress=None) -> str:
    """The chart in words: what it shows, its limits and each month's figure."""
    m = series.measure
    parts = []
    limits = series.limits
    if series.result is not None and limits is not None and limits.drawn:
        parts.append(
            f"Mean {format_value(m, limits.mean)}, process limits {format_value(m, limits.lower)} "
            f"to {format_value(m, limits.upper)}."
        )
    elif series.result is not None and series.result.run_chart_reason:
        parts.append(series.result.run_chart_reason)
    if series.target_text:
        parts.append(f"Target {series.target_text}.")
    elif series.ambition is not None:
        parts.append(f"No target in force ({series.ambition.get_kind_display().lower()} ended).")
    figures = []
    for p in series.points:
        if p.not_available:
            figures.append(f"{p.month:%b %Y} not available")
        elif p.value is not None:
            text = (suppress(p.value) if suppress else None) or format_value(m, p.value)
            flag = p.spc.variation.label.lower() if p.spc and p.spc.special else ""
            figures.append(f"{p.month:%b %Y} {text}{' (' + flag + ')' if flag else ''}")
    parts.append("; ".join(figures) + "." if figures else "No figures.")
    return " ".join(parts)


def _scale(values: list[float], low: float, high: float, top: float, bottom: float):
    lo, hi = min([*values, low]), max([*values, high])
    if hi == lo:
        hi, lo = hi + 1, lo - 1
    pad = (hi - lo) * 0.05
    lo, hi = lo - pad, hi + pad
    return lambda v: round(bottom - (v - lo) / (hi - lo) * (bottom - top), 1), lo, hi


def _marker(x: float, y: float, variation: Variation | None, special: bool, tip: str) -> str:
    colour = COLOURS.get(variation, COLOURS[None])
    tip = f"<title>{escape(tip)}</title>"
    if not special:
        return f'<circle cx="{x}" cy="{y}" r="3" fill="{colour}">{tip}</circle>'
    if variation is Variation.IMPROVING:
        return (
            f'<rect class="point-improving" x="{x - 4.5}" y="{y - 4.5}" width="9" height="9" '
            f'fill="{colour}">{tip}</rect>'
        )
    if variation is Variation.CONCERNING:
        return (
            f'<polygon class="point-concerning" points="{x},{y - 6} {x + 6},{y} {x},{y + 6} '
            f'{x - 6},{y}" fill="{colour}">{tip}</polygon>'
        )
    return (
        f'<polygon class="point-neutral" points="{x},{y - 6} {x + 5.5},{y + 4.5} {x - 5.5},'
        f'{y + 4.5}" fill="{colour}">{tip}</polygon>'
    )


def _target_steps(series: MeasureSeries, x, y, step: float) -> list[str]:
    """The ambition's target in force month by month, as level segments."""
    out = []
    half = step / 2
    n = len(series.points)
    i = 0
    while i < n:
        value = series.points[i].target
        j = i
        while j + 1 < n and series.points[j + 1].target == value:
            j += 1
        if value is not None:
            x1 = max(x(i) - (half if i else 0), x(0))
            x2 = min(x(j) + (half if j < n - 1 else 0), x(n - 1))
            ty = y(value)
            label = format_value(series.measure, value)
            out.append(
                f'<line class="target" x1="{x1}" x2="{x2}" y1="{ty}" y2="{ty}" stroke="#007f3b" '
                f'stroke-width="1.5" stroke-dasharray="8 3 2 3"><title>Target in force: '
                f"{escape(label)}</title></line>"
            )
        i = j + 1
    return out


def spc_svg(series: MeasureSeries, chart_id: str, *, small: bool = False, suppress=None) -> str:
    """The series as an XmR chart (or, for a rare event, monthly counts with the rolling rate)."""
    width, height = (SMALL_WIDTH, SMALL_HEIGHT) if small else (WIDTH, HEIGHT)
    left, bottom = (6 if small else PAD_LEFT), height - (6 if small else PAD_BOTTOM)
    top, right = (6 if small else PAD_TOP), width - (6 if small else PAD_RIGHT)
    m = series.measure
    chart_id = _attr(chart_id)
    title = f"{m.short_name}, {series.trust.short_name}: {len(series.points)} months to {series.month:%B %Y}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="spc-chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(describe(series, suppress=suppress))}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff" stroke="#d8dde0"/>',
    ]
    n = len(series.points)
    step = (right - left) / max(n - 1, 1)

    def x(i: int) -> float:
        return round(left + i * step, 1)

    if m.rare_event:
        counts = [float(p.numerator) for p in series.points if p.numerator is not None]
        y, _, _ = _scale(counts or [0], 0, max(counts or [1]), top, bottom)
        for i, p in enumerate(series.points):
            if p.numerator is not None and not p.not_available:
                h = bottom - y(float(p.numerator))
                parts.append(
                    f'<rect x="{x(i) - 2.5}" y="{round(bottom - h, 1)}" width="5" '
                    f'height="{round(h, 1)}" fill="#768692"><title>{p.month:%b %Y}: '
                    f"{escape((suppress(p.numerator) if suppress else None) or f'{p.numerator:.0f}')}"
                    f"</title></rect>"
                )
        rates = [(i, p.rolling) for i, p in enumerate(series.points) if p.rolling is not None]
        targets = [p.target for p in series.points if p.target is not None]
        if rates or targets:
            scale = [r for _, r in rates] + targets
            ry, _, _ = _scale(scale, 0, max(scale), top, bottom)
            parts.extend(_target_steps(series, x, ry, step))
        if rates:
            coords = " ".join(f"{x(i)},{ry(r)}" for i, r in rates)
            parts.append(
                f'<polyline class="rolling-rate" points="{coords}" fill="none" '
                f'stroke="#005eb8" stroke-width="2"/>'
            )
        parts.append("</svg>")
        return "".join(parts)

    values = [p.value for p in series.points if p.value is not None]
    limits = series.limits
    guides = [values[0]] if values else [0]
    if limits is not None and limits.drawn:
        guides = [limits.lower, limits.upper]
    stepped = series.ambition is not None
    targets = [p.target for p in series.points if p.target is not None]
    if stepped:
        guides.extend(targets)
    elif m.target is not None:
        guides.append(float(m.target))
    y, lo, hi = _scale(values or [0], min(guides), max(guides), top, bottom)
    if not small:
        for v in (lo, (lo + hi) / 2, hi):
            parts.append(
                f'<text x="{left - 4}" y="{y(v) + 4}" text-anchor="end" font-size="11" '
                f'fill="#425563" font-family="sans-serif">{escape(format_value(m, v))}</text>'
            )
        for i in (0, n - 1):
            parts.append(
                f'<text x="{x(i)}" y="{height - 8}" text-anchor="middle" font-size="11" '
                f'fill="#425563" font-family="sans-serif">{series.points[i].month:%b %Y}</text>'
            )
    # Mean and limits, drawn per rebase group.
    for first, last in series.result.groups:
        group = [p for p in series.points[first : last + 1] if p.spc and p.spc.limits]
        if not group:
            continue
        g = group[0].spc.limits
        x1, x2 = x(first), x(last)
        parts.append(
            f'<line class="mean" x1="{x1}" x2="{x2}" y1="{y(g.mean)}" y2="{y(g.mean)}" '
            f'stroke="#425563" stroke-width="1.5"/>'
        )
        if g.drawn:
            for level in (g.lower, g.upper):
                parts.append(
                    f'<line class="limit" x1="{x1}" x2="{x2}" y1="{y(level)}" y2="{y(level)}" '
                    f'stroke="#768692" stroke-width="1" stroke-dasharray="5 3"/>'
                )
        if first:
            parts.append(
                f'<line class="rebase" x1="{x1}" x2="{x1}" y1="{top}" y2="{bottom}" '
                f'stroke="#212b32" stroke-width="1" stroke-dasharray="1 2"/>'
            )
    if stepped:
        parts.extend(_target_steps(series, x, y, step))
    elif m.target is not None:
        ty = y(float(m.target))
        parts.append(
            f'<line class="target" x1="{left}" x2="{right}" y1="{ty}" y2="{ty}" '
            f'stroke="#007f3b" stroke-width="1.5" stroke-dasharray="8 3 2 3"/>'
        )
    run: list[str] = []
    for i, p in enumerate(series.points):
        if p.value is None:
            if len(run) > 1:
                parts.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="#768692" '
                    f'stroke-width="1.5"/>'
                )
            run = []
            continue
        run.append(f"{x(i)},{y(p.value)}")
    if len(run) > 1:
        parts.append(
            f'<polyline points="{" ".join(run)}" fill="none" stroke="#768692" stroke-width="1.5"/>'
        )
    for i, p in enumerate(series.points):
        if p.value is None:
            continue
        variation = p.spc.variation if p.spc else None
        special = bool(p.spc and p.spc.special)
        tip = f"{p.month:%b %Y}: {format_value(m, p.value)}"
        if special:
            tip += f" – {variation.label.lower()}, {p.spc.rule.label}"
        parts.append(_marker(x(i), y(p.value), variation, special, tip))
    parts.append("</svg>")
    return "".join(parts)
