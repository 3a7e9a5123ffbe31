"""Small trend charts drawn on the server as SVG: no JavaScript, they print, and they freeze.

The markup uses presentation attributes and classes only (the Content Security Policy forbids
``style=``). Each chart is an image with a title and a description that carries every number,
so a screen reader, a printout and a board pack snapshot all get the figures.
"""

from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from lmns.formatting import percent

WIDTH, HEIGHT = 240, 72
PAD_X, PAD_TOP, PAD_BOTTOM = 6, 6, 6
REFERENCE_LINES = (95, 75)


def describe(points: Sequence[tuple[str, Decimal | None]]) -> str:
    """The chart's figures in words: '2021/22 Q2 40%, 2021/22 Q3 no agreed figure, …'."""
    parts = [
        f"{label} {percent(v) if v is not None else 'no agreed figure'}" for label, v in points
    ]
    return ", ".join(parts) if parts else "no quarters"


def trend_svg(
    points: Sequence[tuple[str, Decimal | None]],
    title: str,
    chart_id: str,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> str:
    """A line chart of per cents (0–100) over quarters, with dotted 75% and 95% guides.

    ``points`` are (quarter label, per cent or None) oldest first; a missing figure breaks the
    line. ``chart_id`` makes the title and description ids unique on the page.
    """
    plot_h = height - PAD_TOP - PAD_BOTTOM
    step = (width - 2 * PAD_X) / max(len(points) - 1, 1)

    def x(i: int) -> float:
        return round(PAD_X + i * step, 1)

    def y(value: Decimal | float) -> float:
        return round(PAD_TOP + plot_h * (1 - float(value) / 100), 1)

    # The id is built from data (a section code): escape it for use inside an attribute.
    chart_id = escape(chart_id, {'"': "&quot;", "'": "&apos;"})
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(describe(points))}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff" '
        f'stroke="#d8dde0" stroke-width="1"/>',
    ]
    for level in REFERENCE_LINES:
        parts.append(
            f'<line class="guide guide-{level}" x1="{PAD_X}" x2="{width - PAD_X}" '
            f'y1="{y(level)}" y2="{y(level)}" stroke="#768692" stroke-width="1" '
            f'stroke-dasharray="2 3"/>'
        )
    runs: list[list[tuple[float, float]]] = [[]]
    for i, (_, value) in enumerate(points):
        if value is None:
            runs.append([])
        else:
            runs[-1].append((x(i), y(value)))
    for run in runs:
        if len(run) > 1:
            coords = " ".join(f"{px},{py}" for px, py in run)
            parts.append(
                f'<polyline points="{coords}" fill="none" stroke="#005eb8" stroke-width="2"/>'
            )
    for i, (label, value) in enumerate(points):
        if value is not None:
            tip = escape(f"{label}: {percent(value)}")
            parts.append(
                f'<circle cx="{x(i)}" cy="{y(value)}" r="2.5" fill="#003087">'
                f"<title>{tip}</title></circle>"
            )
    parts.append("</svg>")
    return "".join(parts)


def section_trend_charts(trust, trends) -> list[dict]:
    """One small chart a section of the trust's trend, with the trend it draws."""
    return [
        {
            "trend": trend,
            "svg": trend_svg(
                [(str(p), v) for p, v in trend.points],
                title=f"{trust.short_name} {trend.section.code} {trend.section.title}: "
                f"agreed per cent by quarter",
                chart_id=f"trend-{trend.section.code.lower()}",
            ),
        }
        for trend in trends
    ]
