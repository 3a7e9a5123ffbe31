"""Writes of the mail app: a person's choices, and unsubscribing by a mail's link."""

from django.db import transaction

from lmns.notifications import kinds
from lmns.people import active_people

from .messages import DIGEST_KIND
from .models import Choice, MailPreference


def current_choices(user) -> dict[str, str]:
    """The person's choice for every kind (email at once where they said nothing)."""
    saved = dict(MailPreference.objects.filter(user=user).values_list("kind", "choice"))
    return {kind.code: saved.get(kind.code, Choice.NOW) for kind in kinds()}


@transaction.atomic
def set_choices(*, user, choices: dict[str, str]) -> int:
    """Save the choices that changed; returns how many changed."""
    before = current_choices(user)
    changed = 0
    for kind, choice in choices.items():
        if kind not in before or before[kind] == choice:
            continue
        MailPreference.objects.update_or_create(user=user, kind=kind, defaults={"choice": choice})
        changed += 1
    return changed


@transaction.atomic
def unsubscribe(*, user_id: int, kind: str) -> bool:
    """Stop one kind of email for a person (the digest: every kind sent in it). The in-app
    notifications go on. Returns whether anything changed; a person who left changes nothing."""
    user = active_people().filter(pk=user_id).first()
    if user is None:
        return False
    before = current_choices(user)
    if kind == DIGEST_KIND:
        stop = [code for code, choice in before.items() if choice == Choice.DIGEST]
    else:
        stop = [kind] if before.get(kind, Choice.APP) != Choice.APP else []
    return set_choices(user=user, choices={code: Choice.APP for code in stop}) > 0
