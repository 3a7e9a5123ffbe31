"""Server-side SVG trend charts: valid XML, accessible, the numbers in the text alternative."""

import xml.dom.minidom
from decimal import Decimal

from assurance.charts import describe, trend_svg

POINTS = [
    ("2021/22 Q2", Decimal("40")),
    ("2021/22 Q3", None),
    ("2021/22 Q4", Decimal("53")),
    ("2022/23 Q1", Decimal("65.4")),
]


def _svg():
    return xml.dom.minidom.parseString(trend_svg(POINTS, "NUH IEA3 <trend>", chart_id="c1"))


def test_the_chart_is_valid_svg_with_a_title_and_description():
    svg = _svg().documentElement
    assert svg.tagName == "svg" and svg.getAttribute("role") == "img"
    assert svg.getAttribute("aria-labelledby") == "c1-title c1-desc"
    title = svg.getElementsByTagName("title")[0]
    assert title.getAttribute("id") == "c1-title"
    assert title.firstChild.data == "NUH IEA3 <trend>"


def test_the_description_carries_every_number():
    desc = _svg().getElementsByTagName("desc")[0].firstChild.data
    assert desc == "2021/22 Q2 40%, 2021/22 Q3 no agreed figure, 2021/22 Q4 53%, 2022/23 Q1 65%"


def test_a_missing_quarter_breaks_the_line_and_each_figure_has_a_point():
    doc = _svg()
    assert len(doc.getElementsByTagName("circle")) == 3
    lines = doc.getElementsByTagName("polyline")
    assert len(lines) == 1
    assert len(lines[0].getAttribute("points").split()) == 2


def test_higher_figures_are_drawn_higher():
    circles = _svg().getElementsByTagName("circle")
    ys = [float(c.getAttribute("cy")) for c in circles]
    assert ys[0] > ys[1] > ys[2]


def test_no_inline_style_attributes():
    assert "style=" not in trend_svg(POINTS, "t", chart_id="c2")


def test_describe_with_no_quarters():
    assert describe([]) == "no quarters"
    xml.dom.minidom.parseString(trend_svg([], "empty", chart_id="c3"))
