"""Building the pack from sections, key messages, and issuing (freezing) it."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from boardpack.models import BoardPack, IssuedPackIsFinal
from boardpack.services import build_pack, empty_message, issue_pack, key_messages
from lmns.board import BoardSection, Section, read_cell, text

from .conftest import use_sections
from .fakeapp.board import BROKEN, TRUSTS


def test_sections_come_in_order_with_their_titles(world, fake_sections):
    pack = build_pack(world.lmns, world.period)
    assert [(s["key"], s["title"]) for s in pack["sections"]] == [
        ("trusts", "Trusts"),
        ("alarms", "Ockenden compliance"),
        ("nothing", "Deliverables"),
    ]
    assert pack["lmns"]["short_name"] == "NottsLMNS"
    assert pack["period"] == {"pk": world.period.pk, "label": "2022/23 Q1", "slug": "2022-23-Q1"}


def test_the_pack_is_provisional_when_any_section_is(world, fake_sections, monkeypatch):
    assert build_pack(world.lmns, world.period)["provisional"] is True
    use_sections(monkeypatch, TRUSTS)
    assert build_pack(world.lmns, world.period)["provisional"] is False


def test_a_section_without_data_does_not_make_the_pack_provisional(world, monkeypatch):
    empty_but_provisional = BoardSection(
        "funding",
        "Funding",
        40,
        "boardpack/section_tables.html",
        lambda lmns, period: {"has_data": False, "provisional": True},
    )
    use_sections(monkeypatch, TRUSTS, empty_but_provisional)
    assert build_pack(world.lmns, world.period)["provisional"] is False


def test_the_top_five_messages_by_priority_then_section_order():
    sections = [
        {"key": "a", "title": "A", "data": {"messages": [{"text": "a1", "priority": 5}]}},
        {
            "key": "b",
            "title": "B",
            "data": {
                "messages": [
                    {"text": "b1", "priority": 1},
                    {"text": "b9", "priority": 9},
                    {"text": "b5", "priority": 5},
                    {"text": "b0", "priority": 0},
                ]
            },
        },
        {"key": "c", "title": "C", "data": {"messages": [{"text": "c7", "priority": 7}]}},
    ]
    top = key_messages(sections)
    assert [m["text"] for m in top] == ["b9", "c7", "a1", "b5", "b1"]
    assert top[0]["section"] == "B"


def test_no_data_wording():
    from lmns.models import ReportingPeriod

    period = ReportingPeriod(start_year=2022, quarter=1)
    assert empty_message("Deliverables", period) == "No deliverables data for 2022/23 Q1"
    assert empty_message("Ockenden compliance", period) == (
        "No Ockenden compliance data for 2022/23 Q1"
    )


def test_a_section_that_fails_is_reported_and_the_others_still_shown(world, monkeypatch):
    use_sections(monkeypatch, TRUSTS, BROKEN)
    pack = build_pack(world.lmns, world.period)
    trusts, broken = pack["sections"]
    assert not trusts["error"] and trusts["data"]["has_data"]
    assert "Funding section could not be produced" in broken["error"]
    assert broken["data"]["has_data"] is False


def test_decimals_and_dates_are_frozen_as_strings(world, monkeypatch):
    import datetime

    money = BoardSection(
        "money",
        "Money",
        1,
        "boardpack/section_tables.html",
        lambda lmns, period: Section(
            has_data=True,
            view={"spent": Decimal("42000.50"), "as_at": datetime.date(2022, 6, 30)},
        ),
    )
    use_sections(monkeypatch, money)
    data = build_pack(world.lmns, world.period)["sections"][0]["data"]
    assert data["spent"] == "42000.50"
    assert data["as_at"] == "2022-06-30"
    assert data["messages"] == [] and data["tables"] == [] and data["links"] == []


def test_issuing_freezes_the_pack_and_records_who(world, fake_sections):
    team = world.users["team"]
    pack = issue_pack(lmns=world.lmns, period=world.period, user=team, expected_version=0)
    assert pack.version == 1
    assert pack.issued_by == team
    assert pack.issued_by_name == team.get_full_name()
    world.trust.name = "Renamed Hospitals NHS Trust"
    world.trust.save()
    pack.refresh_from_db()
    rows = pack.snapshot["sections"][0]["data"]["tables"][0]["rows"]
    cells = [[read_cell(c) for c in row] for row in rows]
    assert [text("Nottingham University Hospitals NHS Trust"), text("RX1")] in cells
    assert all(row[0] != text("Renamed Hospitals NHS Trust") for row in cells)


def test_issuing_again_adds_a_version_and_keeps_the_first(world, fake_sections):
    team = world.users["team"]
    issue_pack(lmns=world.lmns, period=world.period, user=team, expected_version=0)
    second = issue_pack(lmns=world.lmns, period=world.period, user=team, expected_version=1)
    assert second.version == 2
    assert list(BoardPack.objects.filter(lmns=world.lmns).values_list("version", flat=True)) == [
        2,
        1,
    ]


def test_issuing_on_a_stale_confirmation_is_refused(world, fake_sections):
    team = world.users["team"]
    issue_pack(lmns=world.lmns, period=world.period, user=team, expected_version=0)
    with pytest.raises(ValidationError, match="while you were confirming"):
        issue_pack(lmns=world.lmns, period=world.period, user=team, expected_version=0)
    assert BoardPack.objects.count() == 1


def test_a_pack_with_a_failed_section_cannot_be_issued(world, monkeypatch):
    use_sections(monkeypatch, TRUSTS, BROKEN)
    with pytest.raises(ValidationError, match="Funding"):
        issue_pack(
            lmns=world.lmns, period=world.period, user=world.users["team"], expected_version=0
        )
    assert not BoardPack.objects.exists()


def test_an_issued_pack_is_never_changed_or_deleted(world, fake_sections):
    pack = issue_pack(
        lmns=world.lmns, period=world.period, user=world.users["team"], expected_version=0
    )
    pack.issued_by_name = "Someone else"
    with pytest.raises(IssuedPackIsFinal):
        pack.save()
    with pytest.raises(IssuedPackIsFinal):
        pack.delete()
    assert BoardPack.objects.get().issued_by_name == world.users["team"].get_full_name()


def test_a_quarter_that_has_not_started_cannot_be_issued(world, fake_sections):
    from lmns.tests.factories import ReportingPeriodFactory

    future = ReportingPeriodFactory(start_year=2099, quarter=1)
    with pytest.raises(ValidationError, match="2099/00 Q1 has not started yet"):
        issue_pack(lmns=world.lmns, period=future, user=world.users["team"], expected_version=0)
    assert not BoardPack.objects.exists()
