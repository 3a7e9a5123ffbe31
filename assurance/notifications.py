"""What a return's steps tell whom (subscribed to the "return" and "change_request" workflows
in ``apps.py``).

Submitted: the LMNS programme team. Sent back (with how many change requests are open),
assured, reopened: the trust's leads. Starting a review tells nobody; neither does the
compliance import (it loads quarters already agreed). Change requests: a request raised on a
return already sent back, and one reopened or accepted, tell the trust's leads; one marked
addressed tells the programme team; a reply tells the other side and the author's colleagues.
Raising requests before sending back tells nobody: the send-back says how many are open.
Recipients are the return's readers holding the role (``lmns.access.readers``), never the
person who took the step.
"""

from django.urls import reverse

from lmns.access import Scope, readers
from lmns.models import Role
from lmns.notifications import Kind, event_key, notify, register_kind
from lmns.people import person_name
from lmns.text import excerpt
from lmns.workflow import StepTaken

from .models import ChangeRequest, QuarterlyReturn, RequestStatus, ReturnStatus
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
        count = ret.change_requests.filter(status=RequestStatus.OPEN).count()
        text = f"The LMNS sent back {name} with {count} open change request{'s'[: count != 1]}"
        return f"{text}: {_short(comment)}" if comment.strip() else text
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


REQUEST_KINDS = {
    "raise": Kind("request.raised", "A change request was raised"),
    "reply": Kind("request.reply", "A change request was answered"),
    "address": Kind("request.addressed", "A change request was marked addressed"),
    "accept": Kind("request.accepted", "A change request was accepted"),
    "reopen": Kind("request.reopened", "A change request was reopened"),
}
LEADS, TEAM = {Role.TRUST_LEAD}, {Role.PROGRAMME_TEAM}
REQUEST_ROLES = {
    "raise": LEADS,
    "reply": LEADS | TEAM,
    "address": TEAM,
    "accept": LEADS,
    "reopen": LEADS,
}
REQUEST_WORDS = {
    "raise": "asked for a change",
    "reply": "replied",
    "address": "marked a change request addressed",
    "accept": "accepted a change request",
    "reopen": "reopened a change request",
}


def on_request_step(event: StepTaken) -> None:
    if event.action not in REQUEST_KINDS:
        return
    request = ChangeRequest.objects.select_related(
        "requirement",
        "quarterly_return__trust",
        "quarterly_return__framework",
        "quarterly_return__period",
    ).get(pk=event.record.pk)
    ret = request.quarterly_return
    if event.action == "raise" and ret.status != ReturnStatus.RETURNED:
        return
    kind = REQUEST_KINDS[event.action]
    people = readers(ret, Scope.trust("trust"), roles=REQUEST_ROLES[event.action])
    if event.by is not None:
        people = people.exclude(pk=event.by.pk)
    where = request.requirement.code if request.requirement_id else "the whole return"
    who = "The trust" if event.action == "address" else "The LMNS"
    if event.action == "reply":
        who = "Someone"
        if event.by is not None:
            who = person_name(event.by)
    said = (
        f"{who} {REQUEST_WORDS[event.action]} on {where} of {ret.trust.short_name}'s "
        f"{ret.framework.short_name} return for {ret.period}"
    )
    text = f"{said}: {_short(event.comment)}" if event.comment else said
    notify(
        recipients=people,
        kind=kind.code,
        text=text,
        # A mail names the step, never the words: they are in the app.
        mail_text=f"{said} (the words are in the app)" if event.comment else said,
        url=reverse("assurance:request_thread", args=[request.pk]),
        key=event_key(kind.code, event.transition.pk),
    )


def register() -> None:
    from lmns import workflow

    for kind, _role in KINDS.values():
        register_kind(kind)
    for kind in REQUEST_KINDS.values():
        register_kind(kind)
    workflow.subscribe(on_return_step, workflow="return", in_transaction=True)
    workflow.subscribe(on_request_step, workflow="change_request", in_transaction=True)
