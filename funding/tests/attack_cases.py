"""Attack cases for the funding forms (see ``tests/attacks``): how each is used validly."""

from decimal import Decimal

from django.urls import reverse

from funding.forms import BudgetLineForm, SpendEntryForm
from funding.tests.factories import (
    BudgetLineFactory,
    DeliverableFactory,
    FundingStreamFactory,
    PlanFactory,
    SpendEntryFactory,
    SpendReturnFactory,
    TrustCompletionFactory,
)
from tests.attacks import AttackCase, Resave, Target

YEAR = 2022


def _stream_add(w) -> Target:
    return Target(
        url=reverse("funding:stream_add", args=[w.lmns.pk, YEAR]),
        data={
            "kind": "A",
            "name": "Continuity of carer",
            "amount": "120000.00",
            "date_notified": "2022-04-15",
        },
        show_url=reverse("funding:year", args=[w.lmns.pk, YEAR]),
        foreign_url=reverse("funding:stream_add", args=[w.other_lmns.pk, YEAR]),
    )


def _stream_change(w) -> Target:
    stream = FundingStreamFactory(lmns=w.lmns, start_year=YEAR)
    other = FundingStreamFactory(lmns=w.other_lmns, start_year=YEAR)
    url = reverse("funding:stream_change", args=[stream.pk])
    return Target(
        url=url,
        data={
            "new_amount": "90000",
            "new_status": "held",
            "reason": "Month-6 review: recruitment delayed.",
        },
        show_url=url,
        foreign_url=reverse("funding:stream_change", args=[other.pk]),
    )


def _line_data(w, stream, deliverable, version="") -> dict:
    return {
        "stream": stream.pk,
        "title": "Band 7 project manager",
        "deliverable": deliverable.pk,
        "holder_trust": w.trust.pk,
        "category": "pay",
        "wte": "0.5",
        "band": "7",
        "approved_amount": "10000",
        "profile_q1": "2500",
        "profile_q2": "2500",
        "profile_q3": "2500",
        "profile_q4": "2500",
        "version": version,
    }


def _foreign_line_fields(w) -> dict:
    other_stream = FundingStreamFactory(lmns=w.other_lmns, start_year=YEAR, kind="C")
    other_deliverable = DeliverableFactory(plan=PlanFactory(lmns=w.other_lmns))
    return {
        "stream": other_stream.pk,
        "deliverable": other_deliverable.pk,
        "holder_trust": w.other_trust.pk,
    }


def _line_add(w) -> Target:
    stream = FundingStreamFactory(lmns=w.lmns, start_year=YEAR)
    deliverable = DeliverableFactory(plan=PlanFactory(lmns=w.lmns))
    return Target(
        url=reverse("funding:line_add", args=[w.lmns.pk, YEAR]),
        data=_line_data(w, stream, deliverable),
        show_url=reverse("funding:year", args=[w.lmns.pk, YEAR]),
        foreign=_foreign_line_fields(w),
        foreign_url=reverse("funding:line_add", args=[w.other_lmns.pk, YEAR]),
        form=BudgetLineForm(lmns=w.lmns, start_year=YEAR),
    )


def _line_edit(w) -> Target:
    line = BudgetLineFactory(stream__lmns=w.lmns, stream__start_year=YEAR)
    other = BudgetLineFactory(stream__lmns=w.other_lmns, stream__start_year=YEAR)
    return Target(
        url=reverse("funding:line_edit", args=[line.pk]),
        data=_line_data(w, line.stream, line.deliverable, version=line.version),
        show_url=reverse("funding:line_detail", args=[line.pk]),
        foreign=_foreign_line_fields(w),
        foreign_url=reverse("funding:line_edit", args=[other.pk]),
        form=BudgetLineForm(instance=line, lmns=w.lmns, start_year=YEAR),
    )


def _entry(w) -> Target:
    line = BudgetLineFactory(stream__lmns=w.lmns, stream__start_year=YEAR, holder_trust=w.trust)
    sibling_line = BudgetLineFactory(stream=line.stream, holder_trust=w.sibling_trust)
    return Target(
        url=reverse("funding:entry_edit", args=[line.pk, 1]),
        data={
            "actual": "2400",
            "accruals": "100",
            "commitments": "0",
            "forecast_outturn": "10000",
            "narrative": "Post filled from May.",
            "version": "0",
        },
        show_url=reverse("funding:return_detail", args=[w.lmns.pk, YEAR, 1]),
        foreign_url=reverse("funding:entry_edit", args=[sibling_line.pk, 1]),
        form=SpendEntryForm(profile=Decimal("2500")),
    )


def _entry_for_trust(w) -> Target:
    """The programme team enters a late trust's line on its behalf."""
    target = _entry(w)
    other = BudgetLineFactory(
        stream__lmns=w.other_lmns, stream__start_year=YEAR, holder_trust=w.other_trust
    )
    target.foreign_url = reverse("funding:entry_edit", args=[other.pk, 1])
    return target


def _submit(w) -> Target:
    entry = SpendEntryFactory(
        budget_line__stream__lmns=w.lmns,
        budget_line__stream__start_year=YEAR,
        spend_return=SpendReturnFactory(lmns=w.lmns, period=w.period),
    )
    other = SpendEntryFactory(
        budget_line__stream__lmns=w.other_lmns,
        budget_line__stream__start_year=YEAR,
        spend_return=SpendReturnFactory(lmns=w.other_lmns, period=w.period),
    )
    return Target(
        url=reverse("funding:return_transition", args=[w.lmns.pk, YEAR, 1, "submit"]),
        data={"version": entry.spend_return.version, "comment": "All lines reported."},
        show_url=reverse("funding:return_detail", args=[w.lmns.pk, YEAR, 1]),
        foreign_url=reverse(
            "funding:return_transition",
            args=[other.spend_return.lmns_id, YEAR, 1, "submit"],
        ),
    )


def _sign_off(w) -> Target:
    """Signing off a return someone else submitted (four eyes), with the confirmation ticked."""
    from funding.models import SpendReturnStatus
    from lmns.tests.factories import UserFactory

    spend_return = SpendReturnFactory(
        lmns=w.lmns,
        period=w.period,
        status=SpendReturnStatus.SUBMITTED,
        submitted_by=UserFactory(),
    )
    SpendEntryFactory(
        budget_line__stream__lmns=w.lmns,
        budget_line__stream__start_year=YEAR,
        spend_return=spend_return,
    )
    other = SpendReturnFactory(
        lmns=w.other_lmns, period=w.period, status=SpendReturnStatus.SUBMITTED
    )
    return Target(
        url=reverse("funding:return_transition", args=[w.lmns.pk, YEAR, 1, "sign_off"]),
        data={"version": spend_return.version, "comment": "Checked.", "confirm": "on"},
        show_url=reverse("funding:return_detail", args=[w.lmns.pk, YEAR, 1]),
        foreign_url=reverse("funding:return_transition", args=[other.lmns_id, YEAR, 1, "sign_off"]),
    )


def _first_submit(w) -> Target:
    """Submitting a quarter nobody has entered yet (its return does not exist before)."""
    from lmns.tests.factories import ReportingPeriodFactory

    ReportingPeriodFactory(start_year=YEAR, quarter=2)
    return Target(
        url=reverse("funding:return_transition", args=[w.lmns.pk, YEAR, 2, "submit"]),
        data={"version": "1", "comment": "No spend this quarter."},
        show_url=reverse("funding:return_detail", args=[w.lmns.pk, YEAR, 2]),
        foreign_url=reverse("funding:return_transition", args=[w.other_lmns.pk, YEAR, 2, "submit"]),
    )


def _complete(w) -> Target:
    """A trust lead marks their trust's lines of the quarter complete."""
    line = BudgetLineFactory(stream__lmns=w.lmns, stream__start_year=YEAR, holder_trust=w.trust)
    SpendEntryFactory(
        budget_line=line, spend_return=SpendReturnFactory(lmns=w.lmns, period=w.period)
    )
    return Target(
        url=reverse("funding:trust_step", args=[w.lmns.pk, YEAR, 1, w.trust.pk, "complete"]),
        data={"version": "1", "comment": ""},
        show_url=reverse("funding:return_detail", args=[w.lmns.pk, YEAR, 1]),
        foreign_url=reverse(
            "funding:trust_step", args=[w.lmns.pk, YEAR, 1, w.sibling_trust.pk, "complete"]
        ),
    )


def _reopen(w) -> Target:
    """The programme team reopens a trust's complete lines, saying why."""
    line = BudgetLineFactory(stream__lmns=w.lmns, stream__start_year=YEAR, holder_trust=w.trust)
    entry = SpendEntryFactory(
        budget_line=line, spend_return=SpendReturnFactory(lmns=w.lmns, period=w.period)
    )
    completion = TrustCompletionFactory(
        spend_return=entry.spend_return, trust=w.trust, complete=True
    )
    other = TrustCompletionFactory(
        spend_return=SpendReturnFactory(lmns=w.other_lmns, period=w.period),
        trust=w.other_trust,
        complete=True,
    )
    return Target(
        url=reverse("funding:trust_step", args=[w.lmns.pk, YEAR, 1, w.trust.pk, "reopen"]),
        data={"version": str(completion.version), "comment": "NUH found a miscoded invoice."},
        show_url=reverse("funding:return_detail", args=[w.lmns.pk, YEAR, 1]),
        foreign_url=reverse(
            "funding:trust_step", args=[w.other_lmns.pk, YEAR, 1, other.trust_id, "reopen"]
        ),
    )


CASES = {
    "funding.forms.StreamForm": AttackCase(build=_stream_add, persona="team", resave=Resave.ADD),
    # An allocation change is a new record with its reason; the page starts from the current one.
    "funding.forms.AllocationChangeForm": AttackCase(
        build=_stream_change, persona="team", resave=Resave.ADD
    ),
    "funding.forms.BudgetLineForm": [
        AttackCase(
            build=_line_add, persona="team", unused=frozenset({"version"}), resave=Resave.ADD
        ),
        AttackCase(build=_line_edit, persona="team", resave=Resave.EDIT),
    ],
    # The trust lead enters the lines their trust holds; the programme team may too, on a late
    # trust's behalf.
    "funding.forms.SpendEntryForm": [
        AttackCase(
            build=_entry,
            persona="lead",
            refused=("anonymous", "sibling_lead", "board", "other_team"),
            resave=Resave.EDIT,
        ),
        AttackCase(
            build=_entry_for_trust,
            persona="team",
            refused=("anonymous", "sibling_lead", "board", "other_team"),
            resave=Resave.EDIT,
        ),
    ],
    "funding.forms.TransitionForm": [
        AttackCase(build=_submit, persona="team", resave=Resave.STEP),
        AttackCase(build=_first_submit, persona="team", resave=Resave.STEP),
        AttackCase(build=_complete, persona="lead", resave=Resave.STEP),
        AttackCase(build=_reopen, persona="team", resave=Resave.STEP),
    ],
    "funding.forms.SignOffForm": AttackCase(build=_sign_off, persona="team", resave=Resave.STEP),
}
