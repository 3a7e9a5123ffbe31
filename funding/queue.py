"""Funding's part of the work queue (registered in ``apps.py``; see ``lmns/queue.py``).

Programme team: spend returns submitted and waiting for sign-off. Trust leads: the budget lines
their trusts hold that have no figures yet in a draft spend return, and, once every line has
figures the trust entered, its lines to mark complete (``TRUST_LINES_WORKFLOW``) until it has.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef
from django.urls import reverse

from lmns.access import Access
from lmns.models import Role
from lmns.queue import Context, Item, Source, day, due_by, register_source, waiting_since

from .models import (
    BudgetLine,
    CompletionStatus,
    SpendEntry,
    SpendReturn,
    SpendReturnStatus,
    TrustCompletion,
)


def sign_off_items(access: Access, context: Context) -> list[Item]:
    """Submitted spend returns of the team's LMNSs (one query)."""
    waiting_returns = SpendReturn.objects.filter(
        lmns_id__in=access.team_lmns_ids, status=SpendReturnStatus.SUBMITTED
    ).select_related("lmns", "period")
    items = []
    for spend in waiting_returns:
        since = spend.submitted_at.date() if spend.submitted_at else context.today
        period = spend.period
        items.append(
            Item(
                title=f"{spend.lmns.short_name} spend return for {period}",
                url=reverse(
                    "funding:return_detail", args=[spend.lmns_id, period.start_year, period.quarter]
                ),
                kind="To sign off",
                detail=f"Submitted {day(since)}",
                **waiting_since(since, context.today),
            )
        )
    return items


def sign_off_count():
    return SpendReturn.objects.filter(
        lmns_id=OuterRef("lmns_id"), status=SpendReturnStatus.SUBMITTED
    )


def spend_line_items(access: Access, context: Context) -> list[Item]:
    """Per trust and draft spend return: the lines the trust holds without figures, or, once
    every one has figures the trust entered itself, its lines to mark complete (four queries)."""
    drafts = list(
        SpendReturn.objects.filter(
            lmns_id__in=access.lead_lmns_ids, status=SpendReturnStatus.DRAFT
        ).select_related("period")
    )
    if not drafts:
        return []
    lines = list(
        BudgetLine.objects.filter(
            holder_trust_id__in=access.lead_trust_ids,
            stream__start_year__in={d.period.start_year for d in drafts},
        ).values(
            "pk",
            "holder_trust_id",
            "holder_trust__short_name",
            "stream__lmns_id",
            "stream__start_year",
        )
    )
    entered = {
        (spend_return_id, line_id): on_behalf
        for spend_return_id, line_id, on_behalf in SpendEntry.objects.filter(
            spend_return__in=drafts, budget_line__holder_trust_id__in=access.lead_trust_ids
        ).values_list("spend_return_id", "budget_line_id", "on_behalf")
    }
    complete = set(
        TrustCompletion.objects.filter(
            spend_return__in=drafts,
            trust_id__in=access.lead_trust_ids,
            status=CompletionStatus.COMPLETE,
        ).values_list("spend_return_id", "trust_id")
    )
    items = []
    for spend in drafts:
        holders: dict[tuple[int, str], Holding] = {}
        for line in lines:
            if (
                line["stream__lmns_id"] != spend.lmns_id
                or line["stream__start_year"] != spend.period.start_year
            ):
                continue
            key = (line["holder_trust_id"], line["holder_trust__short_name"])
            holding = holders.setdefault(key, Holding())
            on_behalf = entered.get((spend.pk, line["pk"]))
            holding.missing += on_behalf is None
            holding.on_behalf += bool(on_behalf)
        for (trust_id, short_name), holding in sorted(holders.items(), key=lambda kv: kv[0][1]):
            item = holding.item(spend, trust_id, short_name, (spend.pk, trust_id) in complete)
            if item is not None:
                items.append(
                    Item(**item, **due_by(spend.period.submission_deadline, context.today))
                )
    return items


@dataclass
class Holding:
    """A trust's lines of one draft return: how many have no figures, how many the programme
    team entered on its behalf."""

    missing: int = 0
    on_behalf: int = 0

    def item(
        self, spend: SpendReturn, trust_id: int, short_name: str, complete: bool
    ) -> dict | None:
        """The trust's work on the return, or None: figures to enter, else (when the trust
        entered them itself and has not yet) its lines to mark complete."""
        period = spend.period
        if self.missing:
            return {
                "title": f"{short_name}: {self.missing} budget line{'s'[: self.missing != 1]} "
                f"without {period} spend",
                "url": reverse("funding:trust", args=[trust_id]),
                "kind": "Spend to enter",
                "detail": f"For the LMNS's {period} spend return",
            }
        if complete or self.on_behalf:
            return None
        return {
            "title": f"{short_name}: mark your {period} spend lines complete",
            "url": reverse(
                "funding:return_detail", args=[spend.lmns_id, period.start_year, period.quarter]
            ),
            "kind": "To mark complete",
            "detail": "Every line has figures: marking them complete tells the programme "
            "team they are final",
        }


def register() -> None:
    register_source(
        Source(
            "funding.sign_off",
            frozenset({Role.PROGRAMME_TEAM}),
            sign_off_items,
            count=sign_off_count,
            nav_label="{n} spend to sign off",
        )
    )
    register_source(Source("funding.spend_lines", frozenset({Role.TRUST_LEAD}), spend_line_items))
