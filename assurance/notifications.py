"""What a return's steps tell whom (subscribed to the "return" workflow in ``apps.py``).

Submitted: the LMNS programme team. Sent back, assured, reopened: the trust's leads. Starting a
review tells nobody; neither does the compliance import (it loads quarters already agreed).
Recipients are the return's readers holding the role (``lmns.access.readers``), never the
person who took the step.
"""

from django.urls import reverse

from lmns.access import Scope, readers
from lmns.models import Role
from lmns.notifications import Kind, event_key, notify, register_kind
from lmns.text import excerpt
from lmns.workflow import StepTaken

from .models import QuarterlyReturn
from .services import Action

KINDS = {
    Action.SUBMIT: (Kind("return.submitted", "A return was submitted"), Role.PROGRAMME_TEAM),
    Action.SEND_BACK: (Kind("return.sent_back", "A return was sent back"), Role.TRUST_LEAD),
    Action.ASSURE: (Kind("return.assured", "A return was assured"), Role.TRUST_LEAD),
    Action.REOPEN: (Kind("return.reopened", "An assured return was reopened"), Role.TRUST_LEAD),
}


def _short(comment: str) -> str:
    return excerpt(" ".join(comment.split()), 160)[0]


def _text(action: str, ret: QuarterlyReturn, comment: str) -> str:
    trust, framework = ret.trust.short_name, ret.framework.short_name
    name = f"{trust}'s {framework} return for {ret.period}"
    if action == Action.SUBMIT:
        return f"{trust} submitted its {framework} return for {ret.period}"
    if action == Action.SEND_BACK:
        return f"The LMNS sent back {name}: {_short(comment)}"
    if action == Action.ASSURE:
        return f"The LMNS assured {name}"
    return f"The LMNS reopened {name}: {_short(comment)}"


def _mail_text(action: str, ret: QuarterlyReturn) -> str:
    """The line a mail carries: the step and the return, never the LMNS's comment."""
    text = _text(action, ret, "")
    if action in (Action.SEND_BACK, Action.REOPEN):
        text = text.rstrip(": ") + " (the comment is in the app)"
    return text


def on_return_step(event: StepTaken) -> None:
    if event.action not in KINDS:
        return
    kind, role = KINDS[event.action]
    ret = QuarterlyReturn.objects.select_related("trust", "framework", "period").get(
        pk=event.record.pk
    )
    people = readers(ret, Scope.trust("trust"), roles={role})
    if event.by is not None:
        people = people.exclude(pk=event.by.pk)
    notify(
        recipients=people,
        kind=kind.code,
        text=_text(event.action, ret, event.comment),
        mail_text=_mail_text(event.action, ret),
        url=reverse("assurance:return_detail", args=[ret.pk]),
        key=event_key(kind.code, event.transition.pk),
    )


def register() -> None:
    from lmns import workflow

    for kind, _role in KINDS.values():
        register_kind(kind)
    workflow.subscribe(on_return_step, workflow="return", in_transaction=True)
