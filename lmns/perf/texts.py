"""Every text at its limit: the worst case for a document built from the LMNS's records.

``fill_texts_at_limits`` fills every free-text field of 100 characters or more (codes and short
names are left alone) of every record of one LMNS, and of the reference data, to its length
limit with words. An app's ``benchmark.py`` uses it inside a transaction it rolls back (the
board pack times its PDF this way, ``benchmark --pdf``).
"""

from __future__ import annotations

from collections import deque

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import CharField, Count, Value
from django.db.models.functions import Cast, Concat, LPad

from lmns.models import Lmns
from lmns.text import FREE_TEXT_MODEL_FIELDS

TEXT_FIELD_MINIMUM = 100
WORDS = "Continuity of carer recovery plan agreed with the trust's maternity safety champions. "


def path_to_lmns(model: type[models.Model], depth: int = 4) -> str | None:
    """The shortest lookup from ``model`` to its LMNS through foreign keys ("" for Lmns)."""
    if model is Lmns:
        return "pk"
    queue = deque([(model, "")])
    while queue:
        current, path = queue.popleft()
        for f in current._meta.concrete_fields:
            if not f.is_relation or f.related_model is None:
                continue
            if f.related_model._meta.label == settings.AUTH_USER_MODEL:
                continue
            step = f"{path}__{f.name}" if path else f.name
            if f.related_model is Lmns:
                return step
            if step.count("__") < depth - 1:
                queue.append((f.related_model, step))
    return None


def _project_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if not model.__name__.startswith("Historical")
        and any(isinstance(f, FREE_TEXT_MODEL_FIELDS) for f in model._meta.concrete_fields)
    ]


def _at_limit(limit: int):
    """Words up to the limit, ending with the row's id so that unique texts stay unique."""
    words = (WORDS * (limit // len(WORDS) + 1))[: limit - 12]
    return Concat(
        Value(words),
        LPad(Cast("pk", CharField(max_length=40)), 12, Value("0")),
        output_field=CharField(),
    )


def fill_texts_at_limits(lmns: Lmns) -> int:
    """Fill every long free-text field of the LMNS's records (and of reference data) to its
    limit. Returns how many texts were written."""
    written = 0
    for model in _project_models():
        fields = {
            f.attname: _at_limit(f.max_length)
            for f in model._meta.concrete_fields
            if isinstance(f, FREE_TEXT_MODEL_FIELDS) and f.max_length >= TEXT_FIELD_MINIMUM
        }
        if not fields:
            continue
        path = path_to_lmns(model)
        rows = model._default_manager.all()
        if path is not None:
            rows = rows.filter(**{path: lmns.pk})
        written += rows.update(**fields) * len(fields)
    return written


def largest_lmns() -> Lmns:
    return Lmns.objects.annotate(n=Count("trusts")).order_by("-n", "pk").first()
