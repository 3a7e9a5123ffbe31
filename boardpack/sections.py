"""Finding the board pack's sections: every installed app's ``<app>.board.SECTIONS``.

The board pack never imports a feature app by name; an app that is not installed simply has
no section in the pack.
"""

import importlib
import importlib.util
import logging
from types import ModuleType

from django.apps import apps

from lmns.board import BoardSection

logger = logging.getLogger(__name__)


def section_modules() -> list[ModuleType]:
    """The ``board`` module of every installed app that has one, in INSTALLED_APPS order."""
    modules = []
    for config in apps.get_app_configs():
        name = f"{config.name}.board"
        try:
            spec = importlib.util.find_spec(name)
        except ModuleNotFoundError:
            spec = None
        if spec is not None:
            modules.append(importlib.import_module(name))
    return modules


def discover_sections() -> list[BoardSection]:
    """All sections, in their ``order`` (then key). A repeated key keeps the first one."""
    found: dict[str, BoardSection] = {}
    for module in section_modules():
        for section in getattr(module, "SECTIONS", ()):
            if section.key in found:
                logger.warning(
                    "Board section %r in %s repeats a key; it is left out.",
                    section.key,
                    module.__name__,
                )
                continue
            found[section.key] = section
    return sorted(found.values(), key=lambda s: (s.order, s.key))
