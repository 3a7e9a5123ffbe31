import types

import pytest

from . import fakeapp
from .fakeapp import board as fake_board


def use_sections(monkeypatch, *sections) -> None:
    """Make the pack see exactly these sections, as if an installed app's board.py listed them."""
    module = types.SimpleNamespace(__name__="fake.board", SECTIONS=list(sections))
    monkeypatch.setattr("boardpack.sections.section_modules", lambda: [module])


@pytest.fixture
def fake_sections(monkeypatch):
    """The test-only sections of ``boardpack/tests/fakeapp/board.py`` instead of the real ones."""
    monkeypatch.setattr("boardpack.sections.section_modules", lambda: [fake_board])
    return fakeapp
