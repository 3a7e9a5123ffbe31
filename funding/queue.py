"""Funding's part of the work queue (registered in ``apps.py``; see ``lmns/queue.py``).

Programme team: spend returns submitted and waiting for sign-off. Trust leads: the budget lines
their trusts hold that have no figures yet in a draft spend return.
"""

from __future__ import annotations

from django.db.models import OuterRef
from django.urls import reverse

from lmns.access import Access
from lmns.models import Role
from lmns.queue import Context, Item, Source, day, due_by, register_source, waiting_since

from .models import BudgetLine, SpendEntry, SpendReturn, SpendReturnStatus


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
    """Per trust and draft spend return, the lines the trust holds without figures (three
    queries)."""
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
    entered = set(
        SpendEntry.objects.filter(spend_return__in=drafts).values_list(
            "spend_return_id", "budget_line_id"
        )
    )
    items = []
    for spend in drafts:
        missing: dict[tuple[int, str], int] = {}
        for line in lines:
            if (
                line["stream__lmns_id"] == spend.lmns_id
                and line["stream__start_year"] == spend.period.start_year
                and (spend.pk, line["pk"]) not in entered
            ):
                key = (line["holder_trust_id"], line["holder_trust__short_name"])
                missing[key] = missing.get(key, 0) + 1
        for (trust_id, short_name), count in sorted(missing.items(), key=lambda kv: kv[0][1]):
            items.append(
                Item(
                    title=f"{short_name}: {count} budget line{'s'[: count != 1]} without "
                    f"{spend.period} spend",
                    url=reverse("funding:trust", args=[trust_id]),
                    kind="Spend to enter",
                    detail=f"For the LMNS's {spend.period} spend return",
                    **due_by(spend.period.submission_deadline, context.today),
                )
            )
    return items


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
