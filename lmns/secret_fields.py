"""Fields whose values must never appear in a backup in the clear.

An app declares them once, from its ``AppConfig.ready``, and the backup honours the declaration
for the model and for its history table (simple-history copies every field into it)::

    from lmns.secret_fields import ENCRYPT, EXCLUDE, register_secret_field

    register_secret_field("mfa.Authenticator", "secret", action=ENCRYPT)   # TOTP seeds
    register_secret_field("socialaccount.SocialApp", "secret", action=EXCLUDE)

* ``ENCRYPT``: the value is sealed on its own with the backup key (AES-256-GCM, its own nonce)
  inside the backup, which is itself encrypted, and comes back on restore. Without a key (a
  development backup, refused in production) the value is left out instead.
* ``EXCLUDE``: the value is never written; a restore leaves the field empty (for secrets that
  can be issued again, such as an identity provider's client secret kept elsewhere).

The core never imports the apps that register: a label that names no installed model is
ignored, so an app can register before or without the models of another.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import models

ENCRYPT = "encrypt"
EXCLUDE = "exclude"
ACTIONS = (ENCRYPT, EXCLUDE)


@dataclass(frozen=True)
class SecretField:
    label: str  # "app_label.model", lower case
    field: str
    action: str


_REGISTRY: dict[tuple[str, str], SecretField] = {}


def register_secret_field(label: str, field: str, *, action: str = ENCRYPT) -> None:
    """Declare ``label``'s ``field`` secret: the backup seals it (ENCRYPT) or drops it (EXCLUDE)."""
    if action not in ACTIONS:
        raise ValueError(f"action must be one of {ACTIONS}, not {action!r}")
    key = (label.lower(), field)
    _REGISTRY[key] = SecretField(label.lower(), field, action)


def unregister_secret_field(label: str, field: str) -> None:
    """Take a declaration back (tests use it to leave the registry as they found it)."""
    _REGISTRY.pop((label.lower(), field), None)


def registered() -> list[SecretField]:
    return sorted(_REGISTRY.values(), key=lambda s: (s.label, s.field))


def _history_of(model: type[models.Model]) -> type[models.Model] | None:
    manager = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, manager).model if manager else None


def secret_fields_by_model() -> dict[str, dict[str, str]]:
    """``{model label (lower case): {field: action}}`` for every installed model holding a secret,
    history tables included."""
    found: dict[str, dict[str, str]] = {}
    for secret in _REGISTRY.values():
        try:
            model = apps.get_model(secret.label)
        except LookupError:
            continue
        for target in (model, _history_of(model)):
            if target is not None:
                found.setdefault(target._meta.label_lower, {})[secret.field] = secret.action
    return found
