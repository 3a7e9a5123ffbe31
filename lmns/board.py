"""The contract for board pack sections; see docs/board-sections.md."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class BoardSection:
    key: str
    title: str
    order: int
    template: str
    build: Callable  # (lmns, period) -> dict, JSON-serialisable
