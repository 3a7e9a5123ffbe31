"""Backup and restore of all the product's data as Django JSON serialisation.

``manage.py backup --output FILE`` writes every record (organisations, people, returns,
deliverables, funding, the audit trail, sign-in logs) to one JSON file; ``manage.py restore FILE``
loads it into a new, migrated, empty database and refuses any other. See ``docs/operations.md``.

What is left out, and why:

* content types and permissions are recreated by ``migrate``; references to them are written as
  natural keys (``app_label``/``model``, ``codename``), so they survive different row ids;
* sessions: after a restore everybody signs in again;
* import previews: uploads checked but not yet confirmed, which expire within the hour anyway.

Reference data that migrations ship (each app registers its models from its ``AppConfig.ready``
with ``register_reference_data``) is in the backup as well: the restore replaces the freshly
migrated copy with the backed-up one, so reference rows added by administrators after
installation come back with the same ids.
"""

from __future__ import annotations

from decimal import Decimal

from django.apps import apps
from django.db import models
from django.db.models import Sum

EXCLUDED_MODELS = (
    "contenttypes.contenttype",
    "auth.permission",
    "sessions.session",
    "lmns.importpreview",
)

_REFERENCE_DATA: list[str] = []


def register_reference_data(*labels: str) -> None:
    """Declare models that ``migrate`` fills on an otherwise empty database (``app.model``),
    parents before children. A restore replaces their rows; any other model holding a row makes
    the database "not empty". A test checks that the registry matches what the migrations
    actually create."""
    for label in labels:
        if label.lower() not in _REFERENCE_DATA:
            _REFERENCE_DATA.append(label.lower())


def reference_data_models() -> tuple[str, ...]:
    """Every registered reference-data model, in the order the apps registered them."""
    return tuple(_REFERENCE_DATA)


def backed_up_models() -> list[type[models.Model]]:
    """Every concrete table the backup writes, in a stable order."""
    return [
        model
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.label_lower not in EXCLUDED_MODELS
    ]


def models_holding_data() -> dict[str, int]:
    """Models with rows that a restore would collide with: ``{label: row count}``."""
    holding = {}
    for model in backed_up_models():
        if model._meta.label_lower in reference_data_models():
            continue
        count = model._base_manager.count()
        if count:
            holding[model._meta.label] = count
    return holding


def clear_reference_data() -> None:
    """Remove the migrations' copy of reference data before loading the backed-up one.

    Only called on a database that holds nothing else, so nothing refers to these rows.
    """
    for label in reversed(reference_data_models()):
        apps.get_model(label)._base_manager.all().delete()


def summary() -> dict[str, dict]:
    """Row counts of every backed-up model and totals of each of its decimal fields.

    Money and per cents are ``DecimalField``s, so their totals (summed in the database) show
    that figures came back to the penny and the tenth of a per cent.
    """
    counts: dict[str, int] = {}
    totals: dict[str, str] = {}
    for model in backed_up_models():
        label = model._meta.label
        counts[label] = model._base_manager.count()
        decimals = {
            f.name: Decimal(1).scaleb(-f.decimal_places)
            for f in model._meta.concrete_fields
            if isinstance(f, models.DecimalField)
        }
        if decimals:
            sums = model._base_manager.aggregate(**{name: Sum(name) for name in decimals})
            for name, value in sums.items():
                # Each database spells a sum differently (5.6, 5.60000): compare at field scale.
                total = Decimal(str(value)) if value is not None else Decimal("0")
                totals[f"{label}.{name}"] = str(total.quantize(decimals[name]))
    return {"counts": counts, "totals": totals}
