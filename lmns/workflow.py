"""The shared workflow step used by every record that is drafted, submitted and signed off.

A step is a single conditional UPDATE: it succeeds only if the row is still in one of the
expected states (and, when given, still at the version the person saw). Two people pressing
"Submit" at once therefore produce exactly one transition; the loser is told the record moved on.
"""

from collections.abc import Iterable

from django.db.models import F, Model


class StaleRecord(Exception):
    """The record changed since the person loaded it; their input must be kept and re-shown."""


def advance(
    obj: Model,
    *,
    from_statuses: list[str] | tuple[str, ...],
    to_status: str,
    expected_version: int | None = None,
    **changes,
) -> None:
    """Move ``obj`` to ``to_status`` if it is still in ``from_statuses`` (and at the version).

    Raises :class:`StaleRecord` when another change won. Updates ``obj`` in memory on success.
    Call inside ``transaction.atomic`` together with writing the transition record.
    """
    filters = {"pk": obj.pk, "status__in": list(from_statuses)}
    if expected_version is not None:
        filters["version"] = expected_version
    updated = (
        type(obj)
        ._default_manager.filter(**filters)
        .update(status=to_status, version=F("version") + 1, **changes)
    )
    if updated != 1:
        raise StaleRecord(
            "This record was changed by someone else since you opened it. "
            "Reload the page to see the latest version."
        )
    obj.refresh_from_db(fields=["status", "version", *changes.keys()])


def bump_version(obj: Model, expected_version: int, **changes) -> None:
    """Optimistic lock for an edit that keeps the status: refuse if someone saved first."""
    updated = (
        type(obj)
        ._default_manager.filter(pk=obj.pk, version=expected_version)
        .update(version=F("version") + 1, **changes)
    )
    if updated != 1:
        raise StaleRecord(
            "Someone else saved this since you opened it. Your input is still below: "
            "check it against the latest version and save again."
        )
    obj.refresh_from_db(fields=["version", *changes.keys()])


def changed_values(obj: Model, values: dict) -> dict:
    """Those of ``values`` that differ from ``obj``'s: what an edit actually changes.

    ``obj`` holds the stored values (for an instance a model form has filled in, use
    :func:`unsaved_fields`). Related records are compared by id, many-to-many values with the
    stored set of ids. An edit that changes nothing writes nothing: no version bump, no history
    row, so a page posted back unchanged leaves no trace.
    """
    changed = {}
    for name, value in values.items():
        field = obj._meta.get_field(name)
        if field.many_to_many:
            now = set(getattr(obj, name).values_list("pk", flat=True))
            differs = now != {item.pk for item in value}
        elif field.is_relation:
            differs = getattr(obj, field.attname) != (value.pk if value is not None else None)
        else:
            differs = getattr(obj, name) != value
        if differs:
            changed[name] = value
    return changed


def unsaved_fields(
    obj: Model, names: Iterable[str] | None = None, *, ignore: Iterable[str] = ()
) -> list[str]:
    """The fields among ``names`` whose value in ``obj`` differs from its stored row (one query).

    For an instance a model form has already filled in, before it is saved. ``names`` defaults
    to every stored field but the primary key; ``ignore`` leaves some out (such as a version).
    """
    if names is None:
        names = [f.name for f in obj._meta.concrete_fields if not f.primary_key]
    ignored = set(ignore)
    attnames = {name: obj._meta.get_field(name).attname for name in names if name not in ignored}
    stored = type(obj)._default_manager.filter(pk=obj.pk).values(*attnames.values()).first()
    if stored is None:
        return list(names)
    return [name for name, att in attnames.items() if getattr(obj, att) != stored[att]]
