"""The audit trail: who changed what, when, from what to what, for any registered record.

Models keep their history with django-simple-history (``history = HistoricalRecords()``) and
are registered here with the scope that decides who may read them, using the same scope
strings as :func:`lmns.access.get_readable_or_404`. Every registered record then has a
"History" page at ``history/<app_label.model>/<pk>/`` that only its readers can open.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, QuerySet

MAX_HISTORY_ROWS = 200


@dataclass(frozen=True)
class AuditedModel:
    model: type[Model]
    scope: str
    readable: Callable[..., QuerySet] | None = None

    def readable_queryset(self, access) -> QuerySet:
        """Records this person may read: the app's own selector when it has a finer rule."""
        if self.readable is not None:
            return self.readable(access)
        return self.model._default_manager.all()


_REGISTRY: dict[str, AuditedModel] = {}


def register_history(
    model: type[Model], scope: str, readable: Callable[..., QuerySet] | None = None
) -> None:
    """Keep ``model``'s history readable by those within ``scope``.

    ``readable(access)`` narrows it further when an app's visibility rule is finer than the
    organisation scope (for example deliverables that concern only some trusts).
    """
    _REGISTRY[model._meta.label_lower] = AuditedModel(model, scope, readable)


def audited(label: str) -> AuditedModel | None:
    return _REGISTRY.get(label.lower())


def history_url(obj: Model) -> str:
    from django.urls import reverse

    return reverse("record_history", args=[obj._meta.label_lower, obj.pk])


def _display(record, field_name: str, value) -> str:
    if value in (None, ""):
        return "–"
    field = record.instance_type._meta.get_field(field_name)
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def history_rows(obj: Model) -> list[dict]:
    """Changes to ``obj``, newest first: one row per changed field per save."""
    records = list(
        obj.history.select_related("history_user").order_by("-history_date")[:MAX_HISTORY_ROWS]
    )
    rows = []
    for newer, older in zip(records, records[1:] + [None], strict=True):
        who = (
            newer.history_user.get_full_name() or newer.history_user.username
            if newer.history_user
            else "System"
        )
        base = {"when": newer.history_date, "who": who}
        if older is None:
            rows.append({**base, "field": "Record", "old": "–", "new": "Created"})
            continue
        delta = newer.diff_against(older)
        for change in delta.changes:
            field = obj._meta.get_field(change.field)
            rows.append(
                {
                    **base,
                    "field": str(field.verbose_name).capitalize(),
                    "old": _display(newer, change.field, change.old),
                    "new": _display(newer, change.field, change.new),
                }
            )
    return rows
