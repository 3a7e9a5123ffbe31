"""Reminders: each app says what a day brings, the core runs them (``manage.py send_reminders``).

An app registers a function ``(today) -> int`` from its ``AppConfig.ready``; it calls
``lmns.notifications.notify`` for each reminder the day brings, with a key naming the record,
the person and the threshold (``reminder.due:<trust>-<framework>-<period>:T-7``), so a rerun
sends nothing twice and a day that was missed is caught up once, at its latest threshold.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

Reminders = Callable[[datetime.date], int]
_SOURCES: dict[str, Reminders] = {}


def register_reminders(name: str, reminders: Reminders) -> None:
    _SOURCES[name] = reminders


def run(today: datetime.date) -> dict[str, int]:
    """Each source's new notifications for ``today``; a source that fails is logged and the
    others still run."""
    made = {}
    for name, reminders in sorted(_SOURCES.items()):
        try:
            made[name] = reminders(today)
        except Exception:
            logger.exception("Reminders %s failed", name)
            made[name] = 0
    return made
