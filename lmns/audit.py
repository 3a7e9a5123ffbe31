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

from django.contrib.auth import get_user_model
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
    # The record's parts with histories of their own, shown on its page: ``parts(obj)`` gives
    # (historical rows queryset, label of one part's rows) pairs, e.g. a return's answers.
    parts: Callable[[Model], Iterable[tuple[QuerySet, Callable]]] | None = None
    # Steps recorded elsewhere (a workflow's transitions) as ready-made history rows.
    steps: Callable[[Model], list[dict]] | None = None
    # How the "Who" column names the person behind one history row, when the record says more
    # than their name: ``who(historical_row, name)`` (e.g. "entered on the trust's behalf by …").
    who: Callable[[Model, str], str] | None = None

    def readable_queryset(self, access) -> QuerySet:
        """Records this person may read: the app's own selector when it has a finer rule."""
        if self.readable is not None:
            return self.readable(access)
        return self.model._default_manager.all()


_REGISTRY: dict[str, AuditedModel] = {}


def register_history(
    model: type[Model],
    scope: Scope,
    readable: Callable[..., QuerySet] | None = None,
    *,
    parts: Callable | None = None,
    steps: Callable | None = None,
    who: Callable | None = None,
) -> None:
    """Keep ``model``'s history readable by those within ``scope``.

    ``readable(access)`` narrows it further when an app's visibility rule is finer than the
    organisation scope (for example deliverables that concern only some trusts). ``parts`` and
    ``steps`` bring the histories of its parts and its workflow steps onto its page; ``who``
    words the "Who" column of its rows.
    """
    _REGISTRY[model._meta.label_lower] = AuditedModel(model, scope, readable, parts, steps, who)


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


def _internal(field) -> bool:
    """Counters and stamps the page's own columns already say: an edit counter ("Version 14 →
    15"), when and by whom it was last saved, a pointer to the latest child row."""
    return (
        (field.name == "version" and field.get_internal_type() == "PositiveIntegerField")
        or getattr(field, "auto_now", False)
        or getattr(field, "auto_now_add", False)
        or field.name in INTERNAL_FIELDS
    )


INTERNAL_FIELDS = {"updated_by", "latest_update", "entered_by", "entered_at"}


class _Related:
    """Names of linked records (people by their name), looked up once per page."""

    def __init__(self):
        self.cache: dict[tuple, str] = {}

    def name(self, field, pk) -> str:
        key = (field.related_model, pk)
        if key not in self.cache:
            found = field.related_model._default_manager.filter(pk=pk).first()
            if found is None:
                self.cache[key] = "(removed)"
            elif found._meta.label_lower == get_user_model()._meta.label_lower:
                self.cache[key] = person_name(found)
            else:
                self.cache[key] = str(found)
        return self.cache[key]


def _display(model, field_name: str, value, related: _Related) -> str:
    if value in (None, ""):
        return "–"
    field = model._meta.get_field(field_name)
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation and field.many_to_one:
        return related.name(field, value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _label(field) -> str:
    return str(field.verbose_name)[:1].upper() + str(field.verbose_name)[1:]


def _record_rows(
    records: list, model, related: _Related, prefix: str = "", who: Callable | None = None
) -> list[dict]:
    """One record's changes, newest first, from its history rows (newest first)."""
    links = _links(records)
    excluded = list(links) + [f.name for f in model._meta.concrete_fields if _internal(f)]
    rows = []
    for newer, older in zip(records, records[1:] + [None], strict=True):
        name = person_name(newer.history_user) or "System"
        base = {"when": newer.history_date, "who": who(newer, name) if who else name}
        if older is None:
            if not prefix:
                rows.append({**base, "field": "Record", "old": "–", "new": "Created"})
            continue
        delta = newer.diff_against(older, excluded_fields=excluded)
        for change in delta.changes:
            field = model._meta.get_field(change.field)
            rows.append(
                {
                    **base,
                    "field": prefix + _label(field),
                    "old": _display(model, change.field, change.old, related),
                    "new": _display(model, change.field, change.new, related),
                }
            )
        for name, by_row in links.items():
            before = by_row.get(older.history_id, frozenset())
            after = by_row.get(newer.history_id, frozenset())
            if before != after:
                field = model._meta.get_field(name)
                rows.append(
                    {
                        **base,
                        "field": prefix + _label(field),
                        "old": _names(before),
                        "new": _names(after),
                    }
                )
    return rows


def history_rows(obj: Model, entry: AuditedModel | None = None) -> list[dict]:
    """Changes to ``obj``, newest first: one row per changed field per save, by the field's
    label and the person's name; with ``entry``, its parts' changes and its workflow steps."""
    related = _Related()
    records = list(
        obj.history.select_related("history_user").order_by("-history_date")[:MAX_HISTORY_ROWS]
    )
    rows = _record_rows(records, type(obj), related, who=entry.who if entry else None)
    if entry and entry.parts:
        for queryset, label in entry.parts(obj):
            by_record: dict[int, list] = defaultdict(list)
            for row in queryset.select_related("history_user").order_by("-history_date"):
                by_record[row.id].append(row)
            model = queryset.model.instance_type
            for part_records in by_record.values():
                prefix = f"{label(part_records[0])}: "
                rows += _record_rows(part_records, model, related, prefix)
    if entry and entry.steps:
        rows += entry.steps(obj)
    rows.sort(key=lambda row: row["when"], reverse=True)
    return rows[:MAX_HISTORY_ROWS]
