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


BUILDER_LINES = 40


def _board_sources():
    """Every installed app's board.py (the contract in lmns/board.py included)."""
    import inspect

    return {module.__name__: inspect.getsource(module) for module in section_modules()}


def test_board_modules_are_free_of_queries_and_short():
    """Builders read through their app's selectors and are split into small functions: a
    board.py names no manager or query expression, and no function runs past 40 lines."""
    import ast

    problems = []
    for name, source in _board_sources().items():
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "objects":
                problems.append(f"{name}:{node.lineno} reads a manager (.objects)")
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("django.db"):
                problems.append(f"{name}:{node.lineno} imports {node.module}")
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > BUILDER_LINES:
                    problems.append(f"{name}.{node.name} is {length} lines")
    assert len(_board_sources()) >= 5  # lmns and the four apps with sections
    assert not problems, problems


def test_every_section_builds_a_typed_section(world):
    from lmns.board import Section

    for section in discover_sections():
        assert isinstance(section.build(world.lmns, world.period), Section), section.key
