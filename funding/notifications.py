"""What a spend return's steps tell whom (subscribed to the "spend_return" events in ``apps.py``).

Submitted: the LMNS programme team, but not the person who submitted it. Signed off: the person
who submitted it (on the return's page) and the leads of every trust holding a budget line of
that year (on their trust's funding page). A trust marking its quarter's lines complete: the
programme team. The team reopening them: the trust's leads, with the reason.
"""

from django.urls import reverse
from django.utils.text import Truncator

from lmns.access import Scope, readers
from lmns.models import Role, Trust
from lmns.notifications import Kind, event_key, notify, register_kind
from lmns.workflow import StepTaken

from .models import SpendReturn, TrustCompletion

SUBMITTED = Kind("spend_return.submitted", "A spend return was submitted")
SIGNED_OFF = Kind("spend_return.signed_off", "A spend return was signed off")
LINES_COMPLETE = Kind("trust_lines.complete", "A trust marked its spend lines complete")
LINES_REOPENED = Kind("trust_lines.reopened", "A trust's spend lines were reopened")


def on_spend_return_step(event: StepTaken) -> None:
    if event.action not in ("submit", "sign_off"):
        return
    spend = SpendReturn.objects.select_related("lmns", "period").get(pk=event.record.pk)
    period = spend.period
    url = reverse("funding:return_detail", args=[spend.lmns_id, period.start_year, period.quarter])
    name = f"The {spend.lmns.short_name} spend return for {period}"
    if event.action == "submit":
        team = readers(spend, Scope.lmns("lmns"), roles={Role.PROGRAMME_TEAM})
        if event.by is not None:
            team = team.exclude(pk=event.by.pk)
        key = event_key(SUBMITTED.code, event.transition.pk)
        notify(
            recipients=team,
            kind=SUBMITTED.code,
            text=f"{name} was submitted for sign-off",
            url=url,
            key=key,
        )
        return
    key = event_key(SIGNED_OFF.code, event.transition.pk)
    text = f"{name} was signed off"
    if spend.submitted_by_id:
        notify(
            recipients=[spend.submitted_by_id], kind=SIGNED_OFF.code, text=text, url=url, key=key
        )
    holders = Trust.objects.filter(
        budget_lines__stream__lmns_id=spend.lmns_id,
        budget_lines__stream__start_year=period.start_year,
    ).distinct()
    for trust in holders:
        notify(
            recipients=readers(trust, roles={Role.TRUST_LEAD}),
            kind=SIGNED_OFF.code,
            text=text,
            url=reverse("funding:trust", args=[trust.pk]),
            key=key,
        )


def on_trust_lines_step(event: StepTaken) -> None:
    """Marked complete: the LMNS programme team. Reopened: the trust's leads, with the reason."""
    completion = TrustCompletion.objects.select_related(
        "trust", "spend_return__lmns", "spend_return__period"
    ).get(pk=event.record.pk)
    spend, trust = completion.spend_return, completion.trust
    period = spend.period
    url = reverse("funding:return_detail", args=[spend.lmns_id, period.start_year, period.quarter])
    if event.action == "complete":
        notify(
            recipients=readers(spend, Scope.lmns("lmns"), roles={Role.PROGRAMME_TEAM}),
            kind=LINES_COMPLETE.code,
            text=f"{trust.short_name} marked its {period} spend lines complete",
            url=url,
            key=event_key(LINES_COMPLETE.code, event.transition.pk),
        )
    elif event.action == "reopen":
        reopened = f"The LMNS reopened {trust.short_name}'s {period} spend lines"
        notify(
            recipients=readers(trust, roles={Role.TRUST_LEAD}),
            kind=LINES_REOPENED.code,
            text=f"{reopened}: {Truncator(' '.join(event.comment.split())).chars(120)}",
            mail_text=reopened,
            url=url,
            key=event_key(LINES_REOPENED.code, event.transition.pk),
        )


def register() -> None:
    from lmns import workflow

    register_kind(SUBMITTED)
    register_kind(SIGNED_OFF)
    register_kind(LINES_COMPLETE)
    register_kind(LINES_REOPENED)
    workflow.subscribe(on_spend_return_step, workflow="spend_return", in_transaction=True)
    workflow.subscribe(on_trust_lines_step, workflow="trust_lines", in_transaction=True)
