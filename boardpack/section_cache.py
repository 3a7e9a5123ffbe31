"""The live pack's sections, kept in the shared cache and never served stale.

Building every section of a draft pack at each request costs tens of queries and most of the
page's CPU. Each section's built (typed, normalised) result is kept in Django's shared cache
(``settings.CACHES["default"]``: the database in development and tests, any shared cache in
production) under a key that names everything the result depends on:

- the section, the LMNS and the quarter (a draft section depends on nothing else of the
  person who reads it: everyone who may open the draft reads the same figures);
- today's date (sections count days overdue and late returns);
- the code that builds it (:func:`code_version`, a digest of the section apps' source);
- a **fingerprint of its source data**, read in one query for every section of the pack:
  for each model a section declares in ``BoardSection.sources``, the latest row of its
  history table (every ``save()``, delete, ``bulk_*_with_history`` and workflow step writes
  one), and for a model without history its highest primary key and its latest
  ``auto_now`` time (rows added, or saved through ``bulk_update``);
- a **generation** token, kept in the cache beside the sections and read with them, that
  every save or delete of a source model without history replaces (in the writing
  transaction, and again once it commits), so editing such a row is never missed either.

A test (``boardpack/tests/test_section_cache.py``) fails when a section reads a table it does
not declare. Anything that writes a source model's rows without ``save()`` and without
history (a queryset ``update()``) calls :func:`data_changed`.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from functools import cache as once
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from lmns.board import BoardSection

logger = logging.getLogger(__name__)

GENERATION_KEY = "boardpack:sections:generation"
PREFIX = "boardpack:section"


def timeout() -> int:
    """Seconds a built section is kept (a bound on the cache's size, not on its freshness)."""
    return getattr(settings, "BOARD_SECTION_CACHE_SECONDS", 6 * 3600)


@once
def code_version() -> str:
    """A digest of the Python source of every app that draws a section, and of the core's
    board contract: a deploy that changes how a section is built never reads what the
    previous code kept."""
    from .sections import discover_sections

    digest = hashlib.sha256()
    folders = {Path(apps.get_app_config("lmns").path)}
    for section in discover_sections():
        app = apps.get_containing_app_config(section.build.__module__)
        if app is not None:
            folders.add(Path(app.path))
    for folder in sorted(folders):
        for path in sorted(folder.rglob("*.py")):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            digest.update(str(path.relative_to(folder.parent)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _source_models(section: BoardSection) -> list[type[models.Model]]:
    return [apps.get_model(label) for label in section.sources]


def _history_model(model: type[models.Model]) -> type[models.Model] | None:
    manager = getattr(model, "history", None)
    return getattr(manager, "model", None)


def _auto_now_fields(model: type[models.Model]) -> list[str]:
    return [
        f.column
        for f in model._meta.concrete_fields
        if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add)
    ]


def _marks(model: type[models.Model]) -> list[str]:
    """Scalar subqueries whose values change whenever the model's rows do."""
    qn = connection.ops.quote_name
    history = _history_model(model)
    if history is not None:
        table, pk = qn(history._meta.db_table), qn(history._meta.pk.column)
        return [f"(SELECT MAX({pk}) FROM {table})"]
    table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
    marks = [f"(SELECT MAX({pk}) FROM {table})"]
    marks += [f"(SELECT MAX({qn(column)}) FROM {table})" for column in _auto_now_fields(model)]
    return marks


def fingerprints(sections: list[BoardSection]) -> dict[str, str]:
    """Each section's fingerprint of its source data, all read in one query."""
    labels = sorted({label for section in sections for label in section.sources})
    if not labels:
        return {section.key: "" for section in sections}
    columns: dict[str, list[int]] = {}
    marks: list[str] = []
    for label in labels:
        model_marks = _marks(apps.get_model(label))
        columns[label] = list(range(len(marks), len(marks) + len(model_marks)))
        marks += model_marks
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(marks))
        row = cursor.fetchone()
    found = {}
    for section in sections:
        parts = [f"{label}={row[i]}" for label in sorted(section.sources) for i in columns[label]]
        found[section.key] = hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]
    return found


def section_key(section: BoardSection, lmns_pk: int, period_pk: int, fingerprint: str) -> str:
    today = timezone.localdate().isoformat()
    return f"{PREFIX}:{code_version()}:{section.key}:{lmns_pk}:{period_pk}:{today}:{fingerprint}"


def cached_sections(
    sections: list[BoardSection], lmns_pk: int, period_pk: int
) -> tuple[dict[str, dict], dict[str, str], str | None]:
    """The sections' kept data that is still current (by section key), the key each one is
    kept under, and the generation they were checked against (two queries)."""
    keys = {
        s.key: section_key(s, lmns_pk, period_pk, fp)
        for s, fp in zip(sections, fingerprints(sections).values(), strict=True)
    }
    found = cache.get_many([GENERATION_KEY, *keys.values()])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        # A new generation before anything is read: a change committed while the sections
        # are built replaces it, so what they read before the change is never read again.
        cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
        generation = cache.get(GENERATION_KEY)
    current = {}
    for key, cache_key in keys.items():
        kept = found.get(cache_key)
        if generation is not None and kept is not None and kept[0] == generation:
            current[key] = kept[1]
    return current, keys, generation


def keep(built: dict[str, tuple[str, dict]], generation: str | None) -> None:
    """Keep freshly built sections (``{section key: (cache key, data)}``) under the
    generation read before they were built (none kept without one)."""
    if built and generation is not None:
        cache.set_many(
            {cache_key: (generation, data) for cache_key, data in built.values()}, timeout()
        )


def _discard() -> None:
    """A new generation: every section kept under the one before is never read again."""
    try:
        cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)
    except Exception:  # a cache that is down must not fail the write
        logger.exception("Could not discard the board pack's kept sections")


def data_changed(*_, **__) -> None:
    """Source data changed outside history: discard every kept section, now (so this
    transaction reads afresh) and again when it commits (so nobody keeps what was read
    before)."""
    _discard()
    if connection.in_atomic_block:
        transaction.on_commit(_discard)


def purged(replacements: list[tuple[str, str]]) -> int:
    """A purge rewrote records without saving them: no kept section may still show the text.
    (A copy scrubber: it changes no copy itself, so it counts none.)"""
    data_changed()
    return 0


def watch(sections: list[BoardSection]) -> None:
    """Discard kept sections whenever a row of a source model without history is saved or
    deleted, or a source many-to-many table's links change."""
    for section in sections:
        for model in _source_models(section):
            if _history_model(model) is not None:
                continue
            uid = f"boardpack-sections-{model._meta.label}"
            if model._meta.auto_created:
                m2m_changed.connect(data_changed, sender=model, dispatch_uid=uid + "-m2m")
                continue
            post_save.connect(data_changed, sender=model, dispatch_uid=uid + "-save")
            post_delete.connect(data_changed, sender=model, dispatch_uid=uid + "-delete")
