"""The board pack's compliance section: the figures, the rules behind key messages, queries."""

import json
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from assurance.board import SECTIONS, ordinal, runs_below
from assurance.board import build_compliance as build_section
from assurance.models import ReturnStatus
from assurance.tests.factories import large_lmns, rated_return
from lmns.board import BoardSection, Section, percent, points, read_cell, text
from lmns.tests.factories import ReportingPeriodFactory

BOARD_QUERIES = 11


@pytest.fixture
def history(world):
    """NUH: IEA7 below 75% for three quarters running; IEA3 rose 12 points; SFH submitted."""
    q3 = ReportingPeriodFactory(start_year=2021, quarter=3, is_open=False)
    rated_return(world.trust, q3, {"IEA7": 50, "IEA3": 80, "IEA5": 70})
    rated_return(world.trust, world.previous_period, {"IEA7": 54, "IEA3": 53, "IEA5": 80})
    rated_return(world.trust, world.period, {"IEA7": 57, "IEA3": 65, "IEA5": 70, "IEA1": 100})
    rated_return(world.sibling_trust, world.period, {"IEA7": 71}, status=ReturnStatus.SUBMITTED)


def build_compliance(lmns, period) -> dict:
    """The section as the pack's snapshot holds it."""
    section = build_section(lmns, period)
    assert isinstance(section, Section)
    return section.to_json()


def _cells(row) -> list:
    return [read_cell(c) for c in row]


def _texts(section):
    return [m["text"] for m in section["messages"]]


def test_the_section_is_declared_by_the_contract():
    section, actions = SECTIONS
    assert (actions.key, actions.title, actions.order) == ("overdue_actions", "Overdue actions", 25)
    assert actions.template == "assurance/board_actions.html"
    assert isinstance(section, BoardSection)
    assert (section.key, section.title, section.order) == ("compliance", "Ockenden compliance", 20)
    assert section.template == "assurance/board_section.html"
    assert section.build is build_section


def test_key_messages_follow_the_rules(world, history):
    texts = _texts(build_compliance(world.lmns, world.period))

    assert "IEA7 Informed consent below 75% at NUH for the 3rd quarter running" in texts
    assert "IEA3 Staff training and working together at NUH rose 12 points" in texts
    assert "1 trust has not submitted its return (SFH)" not in texts  # SFH has submitted
    assert "1 return is submitted and awaiting assurance (SFH)" in texts
    # IEA5 fell back below 75% only this quarter: not a run, and a 10-point fall.
    assert not any("IEA5" in t and "running" in t for t in texts)
    assert "IEA5 Risk assessment throughout pregnancy at NUH fell 10 points" in texts


def test_messages_come_highest_priority_first(world, history):
    priorities = [m["priority"] for m in build_compliance(world.lmns, world.period)["messages"]]
    assert priorities == sorted(priorities, reverse=True)


def test_trusts_that_have_not_submitted_are_counted(world):
    rated_return(world.trust, world.period, {"IEA1": 90}, status=ReturnStatus.DRAFT)
    section = build_compliance(world.lmns, world.period)
    assert _texts(section)[0] == "2 trusts have not submitted their returns (NUH, SFH)"
    assert section["provisional"]


def test_one_trust_not_submitted_is_singular(world):
    rated_return(world.trust, world.period, {"IEA1": 90})
    assert "1 trust has not submitted its return (SFH)" in _texts(
        build_compliance(world.lmns, world.period)
    )


def test_the_figures_change_and_provisional_flag(world, history):
    section = build_compliance(world.lmns, world.period)

    assert section["has_data"] and section["provisional"]
    nuh = next(t for t in section["trusts"] if t["short_name"] == "NUH")
    cells = {c["code"]: c for c in nuh["cells"]}
    assert cells["IEA3"]["percent"] == "65" and cells["IEA3"]["change"] == "▲ 12"
    assert cells["IEA3"]["changed"] and cells["IEA1"]["change"] == "new"
    sfh = next(t for t in section["trusts"] if t["short_name"] == "SFH")
    assert not sfh["assured"] and sfh["awaiting"] == "awaiting assurance: Submitted"
    table = next(t for t in section["tables"] if t["key"] == "compliance")
    assert table["headers"][:3] == ["Trust", "Return", "IEA1 Enhanced safety"]
    assert _cells(table["rows"][0][:3]) == [text("NUH"), text("Assured"), percent(100)]
    assert _cells(table["rows"][1][2:]) == [percent(None)] * 8
    change = next(t for t in section["tables"] if t["key"] == "compliance_change")
    assert _cells(change["rows"][0][1:4]) == [text("new"), text(""), points(12)]
    assert any("/dashboard/" in link["url"] for link in section["links"])


def test_the_trend_is_svg_markup_with_its_numbers(world, history):
    nuh = build_compliance(world.lmns, world.period)["trusts"][0]
    assert nuh["trend_svg"].startswith("<svg") and 'role="img"' in nuh["trend_svg"]
    # Means of the agreed figures per quarter: (50+80+70)/3, (54+53+80)/3, (57+65+70+100)/4.
    assert "2021/22 Q3 67%" in nuh["trend_svg"] and "2022/23 Q1 73%" in nuh["trend_svg"]
    # Per cents a person reads are whole numbers; the tables keep the exact figure.
    assert nuh["trend_text"] == "2021/22 Q3 67%, 2021/22 Q4 62%, 2022/23 Q1 73%"


def test_the_section_is_json_serialisable_and_renders_from_the_dict_alone(
    world, history, django_assert_num_queries
):
    section = json.loads(json.dumps(build_compliance(world.lmns, world.period)))

    with django_assert_num_queries(0):
        html = render_to_string("assurance/board_section.html", {"section": section})

    assert "65%" in html and "▲ 12" in html and "&lt;75" in html
    assert "Awaiting assurance: Submitted" in html
    assert "3rd quarter running" not in html  # key messages are printed once, in the headline
    assert "<svg" in html and 'style="' not in html


def test_nothing_to_report(world):
    section = build_compliance(world.other_lmns, world.period)
    assert not section["has_data"]
    assert "No Ockenden interim returns" in render_to_string(
        "assurance/board_section.html", {"section": section}
    )


def test_build_makes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    large_lmns(world.lmns, world.period, trusts=40, quarters=8)

    with django_assert_max_num_queries(BOARD_QUERIES):
        section = build_compliance(world.lmns, world.period)

    assert len(section["trusts"]) == 42


@pytest.mark.parametrize(
    "n, text",
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (22, "22nd")],
)
def test_ordinals(n, text):
    assert ordinal(n) == text


def test_runs_below_count_back_from_the_latest_quarter():
    d = Decimal
    assert runs_below([d(50), d(60), d(70)]) == 3
    assert runs_below([d(50), None, d(70), d(74.9)]) == 2
    assert runs_below([d(50), d(80)]) == 0
    assert runs_below([d(75)]) == 0
