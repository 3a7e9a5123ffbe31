"""The shared workflow step used by every record that is drafted, submitted and signed off.

A step is a single conditional UPDATE: it succeeds only if the row is still in one of the
expected states (and, when given, still at the version the person saw). Two people pressing
"Submit" at once therefore produce exactly one transition; the loser is told the record moved on.
"""

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
