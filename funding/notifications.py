"""What a spend return's steps tell whom (subscribed to the "spend_return" events in ``apps.py``).

Submitted: the LMNS programme team, but not the person who submitted it. Signed off: the person
who submitted it (on the return's page) and the leads of every trust holding a budget line of
that year (on their trust's funding page).
"""

from django.urls import reverse

from lmns.access import Scope, readers
from lmns.models import Role, Trust
from lmns.notifications import Kind, event_key, notify, register_kind
from lmns.workflow import StepTaken

from .models import SpendReturn

SUBMITTED = Kind("spend_return.submitted", "A spend return was submitted")
SIGNED_OFF = Kind("spend_return.signed_off", "A spend return was signed off")


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


def register() -> None:
    from lmns import workflow

    register_kind(SUBMITTED)
    register_kind(SIGNED_OFF)
    workflow.subscribe(on_spend_return_step, workflow="spend_return", in_transaction=True)
