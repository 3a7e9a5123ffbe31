"""Discovery: the pack finds every installed app's board.py and orders its sections."""

import types

from django.apps import apps

from boardpack.sections import discover_sections, section_modules
from lmns.board import BoardSection

from .fakeapp import board as fake_board


def _configs(*names):
    return [types.SimpleNamespace(name=name) for name in names]


def test_sections_of_installed_apps_are_found_and_ordered(monkeypatch):
    monkeypatch.setattr(
        apps,
        "get_app_configs",
        lambda: _configs("lmns", "boardpack.tests.noboard", "boardpack.tests.fakeapp"),
    )
    assert section_modules() == [__import__("lmns.board").board, fake_board]
    assert [s.key for s in discover_sections()] == ["trusts", "alarms", "nothing"]


def test_an_app_that_is_not_installed_has_no_section(monkeypatch):
    monkeypatch.setattr(
        apps, "get_app_configs", lambda: _configs("lmns", "boardpack.tests.noboard")
    )
    assert discover_sections() == []


def test_a_repeated_key_keeps_the_first_section(monkeypatch):
    first = BoardSection("funding", "Funding", 40, "x.html", lambda lmns, period: {})
    second = BoardSection("funding", "Money", 10, "y.html", lambda lmns, period: {})
    modules = [
        types.SimpleNamespace(__name__="a.board", SECTIONS=[first]),
        types.SimpleNamespace(__name__="b.board", SECTIONS=[second]),
    ]
    monkeypatch.setattr("boardpack.sections.section_modules", lambda: modules)
    assert discover_sections() == [first]
