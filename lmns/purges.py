"""Purging patient-identifiable data uploaded by mistake: the one place "never delete" yields.

The product holds no patient data by design (uploads ask the person to confirm it), but a file
or a text can carry some by mistake (an incident report with NHS numbers). Then:

1. someone responsible for the record asks for a purge, with a reason: a trust lead for their
   trust's records, the LMNS programme team for their LMNS's, or an administrator
   (:func:`request_purge`);
2. **a second person**, an administrator, approves it (:func:`approve_purge`) or rejects it.
   The requester can never approve their own request (the service refuses, and so does a
   database constraint);
3. on approval the content goes: a file's bytes from the storage, a text from the record and
   from every row of its history table, and the copies other apps registered
   (:func:`register_copy_scrubber`: board pack snapshots, the download log's file names). In
   its place every page, export and board pack shows the tombstone ("Removed for information
   governance on 27 Nov 2026 (purge 3)"), and the :class:`~lmns.models.Purge` row keeps who
   asked and why, who approved and when, and the SHA-256 and size of what was removed;
4. the purge is in the audit trail (the purge's own history), and ``manage.py apply_purges``
   applies every approved purge again after a restore from a backup older than the purge.

Apps declare what may be purged from their ``AppConfig.ready``::

    register_purgeable(
        "app.Attachment", {"file": ("original_name",)}, describe=describe_attachment
    )

``{"file": ("original_name",)}`` means: the field ``file`` may be purged, and the fields listed
with it (the file's name, which may carry the same data) go with it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from .access import Access, Scope
from .audit import audited
from .models import Purge, PurgeStatus, Trust
from .text import excerpt

REMOVED_NAME = "Removed for information governance"


@dataclass(frozen=True)
class Purgeable:
    label: str
    fields: dict[str, tuple[str, ...]]
    describe: Callable[[models.Model], str]

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)

    def field_choices(self) -> list[tuple[str, str]]:
        meta = self.model._meta
        return [(name, meta.get_field(name).verbose_name.capitalize()) for name in self.fields]


_REGISTRY: dict[str, Purgeable] = {}
_SCRUBBERS: list[Callable[[list[tuple[str, str]]], int]] = []


def register_purgeable(
    label: str,
    fields: dict[str, Iterable[str]],
    *,
    describe: Callable[[models.Model], str] = str,
) -> None:
    """Let ``fields`` of ``label`` be purged (each with the fields that go with it)."""
    entry = Purgeable(label.lower(), {k: tuple(v) for k, v in fields.items()}, describe)
    _REGISTRY[entry.label] = entry


def purgeable(label: str) -> Purgeable | None:
    return _REGISTRY.get(label.lower())


def register_copy_scrubber(scrubber: Callable[[list[tuple[str, str]]], int]) -> None:
    """``scrubber(replacements)`` replaces each ``(removed, tombstone)`` text wherever the app
    keeps copies of records (snapshots, logs) and returns how many copies it changed."""
    if scrubber not in _SCRUBBERS:
        _SCRUBBERS.append(scrubber)


# -- who may do what ---------------------------------------------------------------------------
def owning_organisation(obj: models.Model, scope: Scope) -> tuple[int, Trust | None]:
    """The LMNS (id) and the trust (if any) a record belongs to, from its audit scope."""
    owner = scope.owner(obj)
    if scope.kind == "trust":
        return owner.lmns_id, owner
    return owner.pk, None


def may_request_purge(access: Access, lmns_id: int, trust: Trust | None) -> bool:
    """The record's trust leads, its LMNS's programme team, and administrators."""
    return access.can_manage_lmns(lmns_id) or (trust is not None and access.can_edit_trust(trust))


def may_decide_purges(access: Access) -> bool:
    """Administrators only; never on their own request (checked by :func:`approve_purge`)."""
    return access.is_superuser


# -- the services ------------------------------------------------------------------------------
def _current_value(obj: models.Model, field: models.Field) -> str:
    value = getattr(obj, field.name)
    return value.name if isinstance(field, models.FileField) else (value or "")


def is_removed(value: str) -> bool:
    return value == REMOVED_NAME or value.startswith("Removed for information governance on ")


@transaction.atomic
def request_purge(*, user, access: Access, obj: models.Model, field: str, reason: str) -> Purge:
    """Ask for ``obj``'s ``field`` to be purged; a second person must approve."""
    entry = purgeable(obj._meta.label_lower)
    if entry is None or field not in entry.fields:
        raise ValidationError("This cannot be purged.")
    lmns_id, trust = owning_organisation(obj, audited(entry.label).scope)
    if not may_request_purge(access, lmns_id, trust):
        raise ValidationError(
            "Only the record's trust leads, programme team or an administrator can ask."
        )
    value = _current_value(obj, obj._meta.get_field(field))
    if not value or is_removed(value):
        raise ValidationError("There is nothing left to purge in this field.")
    try:
        with transaction.atomic():
            return Purge.objects.create(
                label=entry.label,
                object_id=obj.pk,
                field=field,
                description=entry.describe(obj)[:255],
                lmns_id=lmns_id,
                trust=trust,
                reason=reason,
                requested_by=user,
            )
    except IntegrityError as error:
        raise ValidationError("A purge of this is already waiting for approval.") from error


def _open_purge(purge: Purge) -> Purge:
    locked = Purge.objects.select_for_update().get(pk=purge.pk)
    if locked.status != PurgeStatus.REQUESTED:
        raise ValidationError(f"This purge was already decided ({locked.get_status_display()}).")
    return locked


@transaction.atomic
def approve_purge(*, user, purge: Purge) -> Purge:
    """A second person, an administrator, approves: the content goes, the tombstone stays."""
    if not user.is_superuser:
        raise ValidationError("Only an administrator can approve a purge.")
    if user.pk == purge.requested_by_id:
        raise ValidationError("A second person must approve a purge: you asked for this one.")
    purge = _open_purge(purge)
    purge.status = PurgeStatus.PURGED
    purge.decided_by = user
    purge.decided_at = timezone.now()
    removed = remove_content(purge)
    if removed:
        purge.removed_sha256, purge.removed_size = removed
    purge._history_user = user
    purge.save()
    return purge


@transaction.atomic
def reject_purge(*, user, purge: Purge) -> Purge:
    if not user.is_superuser:
        raise ValidationError("Only an administrator can reject a purge.")
    if user.pk == purge.requested_by_id:
        raise ValidationError("A second person must decide on a purge: you asked for this one.")
    purge = _open_purge(purge)
    purge.status = PurgeStatus.REJECTED
    purge.decided_by = user
    purge.decided_at = timezone.now()
    purge._history_user = user
    purge.save()
    return purge


def remove_content(purge: Purge) -> tuple[str, int] | None:
    """Remove what an approved purge names, wherever it is; ``(sha256, size)`` of what went.

    Idempotent: content already removed is left alone and ``None`` returned, so it is safe to
    run again (``manage.py apply_purges`` after a restore).
    """
    entry = purgeable(purge.label)
    model = entry.model
    obj = model._base_manager.select_for_update(of=("self",)).filter(pk=purge.object_id).first()
    if obj is None:
        return None
    field = model._meta.get_field(purge.field)
    history = _history_rows(model, obj.pk)
    removed = None
    updates: dict[str, str] = {}
    replacements: list[tuple[str, str]] = []
    if isinstance(field, models.FileField):
        names = {getattr(obj, field.name).name} if getattr(obj, field.name) else set()
        names |= set(history.exclude(**{field.name: ""}).values_list(field.name, flat=True))
        current = getattr(obj, field.name).name
        for name in sorted(n for n in names if n):
            if field.storage.exists(name):
                with field.storage.open(name, "rb") as handle:
                    data = handle.read()
                if name == current or removed is None:
                    removed = (hashlib.sha256(data).hexdigest(), len(data))
                field.storage.delete(name)
        updates[field.name] = ""
    else:
        value = getattr(obj, field.name) or ""
        if value and not is_removed(value):
            removed = (hashlib.sha256(value.encode()).hexdigest(), len(value))
            replacements += _text_replacements(value, purge.tombstone)
        for old in history.values_list(field.name, flat=True):
            if old and not is_removed(old) and old != value:
                replacements += _text_replacements(old, purge.tombstone)
        updates[field.name] = purge.tombstone
    for name in entry.fields[purge.field]:
        old = getattr(obj, name) or ""
        if old and not is_removed(old):
            replacements.append((old, REMOVED_NAME))
        updates[name] = REMOVED_NAME
    model._base_manager.filter(pk=obj.pk).update(**updates)
    history.update(**updates)
    for scrubber in _SCRUBBERS:
        scrubber(replacements)
    return removed


def _history_rows(model: type[models.Model], pk) -> models.QuerySet:
    manager = getattr(model._meta, "simple_history_manager_attribute", None)
    history_model = getattr(model, manager).model
    return history_model._base_manager.filter(**{model._meta.pk.attname: pk})


def _text_replacements(value: str, tombstone: str) -> list[tuple[str, str]]:
    """The text, and the excerpt board sections show of it, each to be replaced."""
    shown, cut = excerpt(value)
    return [(value, tombstone)] + ([(shown, tombstone)] if cut else [])


# Shorter removed texts (a file's name) replace only a copy that is the whole text: inside a
# longer text they could be ordinary words.
WHOLE_TEXT_BELOW = 40


def replace_in(data, replacements: list[tuple[str, str]]):
    """``data`` (JSON: dicts, lists, strings) with every removed text replaced by its tombstone."""
    if isinstance(data, str):
        for old, new in sorted(replacements, key=lambda r: -len(r[0])):
            if old and (data == old or (len(old) >= WHOLE_TEXT_BELOW and old in data)):
                data = data.replace(old, new)
        return data
    if isinstance(data, list):
        return [replace_in(item, replacements) for item in data]
    if isinstance(data, dict):
        return {key: replace_in(value, replacements) for key, value in data.items()}
    return data


# -- reading -----------------------------------------------------------------------------------
def tombstone_of(obj: models.Model, field: str | None = None) -> Purge | None:
    """The approved purge that removed (a field of) ``obj``, if any."""
    purges = Purge.objects.filter(
        label=obj._meta.label_lower, object_id=obj.pk, status=PurgeStatus.PURGED
    )
    if field:
        purges = purges.filter(field=field)
    return purges.order_by("-decided_at").first()


def purges_for(access: Access):
    """The purges this person may follow: all for administrators, their LMNS's for the team."""
    qs = Purge.objects.select_related("requested_by", "decided_by", "lmns", "trust")
    if access.is_superuser:
        return qs
    return qs.filter(lmns__in=access.team_lmns_ids)


def removed_for_governance(request, obj: models.Model):
    """The page shown instead of content a purge removed (410 Gone), with its tombstone."""
    from django.shortcuts import render

    purge = tombstone_of(obj)
    return render(request, "lmns/removed.html", {"purge": purge}, status=410)
