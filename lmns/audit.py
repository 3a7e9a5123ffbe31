"""The audit trail: who changed what, when, from what to what, for any registered record.

Models keep their history with django-simple-history (``history = HistoricalRecords()``) and
are registered here with the :class:`lmns.access.Scope` that decides who may read them, as
views open records with ``access.get_or_404``. Every registered record then has a
"History" page at ``history/<app_label.model>/<pk>/`` that only its readers can open.

Links to other records (many-to-many fields) are part of the history too: a model lists them in
``HistoricalRecords(m2m_fields=[...])``, a service changes them with :func:`save_with_links`,
and the History page shows which records were linked before and after.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Model, QuerySet
from simple_history.utils import get_m2m_reverse_field_name

from .access import Scope
from .people import person_name

MAX_HISTORY_ROWS = 200


@dataclass(frozen=True)
class AuditedModel:
    model: type[Model]
    scope: Scope
    readable: Callable[..., QuerySet] | None = None

    def readable_queryset(self, access) -> QuerySet:
        """Records this person may read: the app's own selector when it has a finer rule."""
        if self.readable is not None:
            return self.readable(access)
        return self.model._default_manager.all()


_REGISTRY: dict[str, AuditedModel] = {}


def register_history(
    model: type[Model], scope: Scope, readable: Callable[..., QuerySet] | None = None
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


def save_with_links(obj: Model, **links: Iterable) -> None:
    """Save ``obj`` and set its many-to-many ``links`` (field name = records) as one change.

    simple-history writes a history row for each add, remove or clear of a link, so a form that
    changes a record's fields and links would read as several changes. The links are set without
    rows of their own, then the save writes one row holding the fields and the links. A new
    record is saved first, so its history starts with "Created" and then the links it was given.
    """
    if obj.pk is None:
        obj.save()
    obj.skip_history_when_saving = True
    try:
        for name, records in links.items():
            getattr(obj, name).set(records)
    finally:
        del obj.skip_history_when_saving
    obj.save()


def _links(records: list) -> dict[str, dict[int, frozenset[str]]]:
    """For each many-to-many field kept in history: history row id -> the linked records' names.

    One query per field, however long the history.
    """
    if not records:
        return {}
    history_model = type(records[0])
    linked: dict[str, dict[int, frozenset[str]]] = {}
    for field in getattr(history_model, "_history_m2m_fields", []):
        rows_model = getattr(history_model, field.name).model
        target = get_m2m_reverse_field_name(field)
        names: dict[int, set[str]] = defaultdict(set)
        for row in rows_model.objects.filter(history__in=records).select_related(target):
            other = getattr(row, target)
            names[row.history_id].add(str(other) if other else f"#{getattr(row, target + '_id')}")
        linked[field.name] = {pk: frozenset(found) for pk, found in names.items()}
    return linked


def _names(linked: frozenset[str]) -> str:
    return "\n".join(sorted(linked)) or "–"


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
    links = _links(records)
    rows = []
    for newer, older in zip(records, records[1:] + [None], strict=True):
        who = person_name(newer.history_user) or "System"
        base = {"when": newer.history_date, "who": who}
        if older is None:
            rows.append({**base, "field": "Record", "old": "–", "new": "Created"})
            continue
        delta = newer.diff_against(older, excluded_fields=list(links))
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
        for name, by_row in links.items():
            before = by_row.get(older.history_id, frozenset())
            after = by_row.get(newer.history_id, frozenset())
            if before != after:
                field = obj._meta.get_field(name)
                rows.append(
                    {
                        **base,
                        "field": str(field.verbose_name).capitalize(),
                        "old": _names(before),
                        "new": _names(after),
                    }
                )
    return rows
