"""Plans' part of the work queue (registered in ``apps.py``; see ``lmns/queue.py``).

Anyone who owns deliverables: those not complete with no update for the working period.
Programme team: per plan, the deliverables with no update for the working period; risks past
their review date.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef

from lmns.access import Access
from lmns.models import RagStatus, Role
from lmns.queue import Context, Item, Source, day, due_by, due_in, register_source

from .models import Deliverable, DeliverableUpdate, Plan, Risk, RiskStatus


def _not_updated(period):
    updated = DeliverableUpdate.objects.filter(deliverable=OuterRef("pk"), period=period)
    return Deliverable.objects.exclude(status=RagStatus.COMPLETE).filter(~Exists(updated))


def owned_items(access: Access, context: Context) -> list[Item]:
    """The person's own deliverables needing the working period's update (one query)."""
    period = context.period
    if period is None:
        return []
    owned = _not_updated(period).filter(owner_id=access.user_id).select_related("plan")
    items = []
    for deliverable in owned.order_by("due_date", "number"):
        items.append(
            Item(
                title=f"{deliverable.reference} {deliverable.title}",
                url=deliverable.get_absolute_url(),
                kind="Update due",
                detail=f"{deliverable.plan.title}: no update for {period}",
                **due_by(deliverable.due_date or period.end_date, context.today),
            )
        )
    return items


def no_update_items(access: Access, context: Context) -> list[Item]:
    """Per plan of the team's LMNSs, the deliverables with no update this period (two
    queries)."""
    period = context.period
    if period is None or not access.team_lmns_ids:
        return []
    counts = dict(
        _not_updated(period)
        .filter(plan__lmns_id__in=access.team_lmns_ids)
        .values_list("plan_id")
        .annotate(n=Count("pk"))
        .values_list("plan_id", "n")
    )
    return [
        Item(
            title=f"{plan.title}: {counts[plan.pk]} deliverable{'s'[: counts[plan.pk] != 1]} "
            f"with no update for {period}",
            url=plan.get_absolute_url(),
            kind="No update",
            detail=f"{plan.lmns.short_name}; the quarter ends {day(period.end_date)}",
            **due_by(period.end_date, context.today),
        )
        for plan in Plan.objects.filter(pk__in=counts).select_related("lmns").order_by("title")
    ]


def risk_items(access: Access, context: Context) -> list[Item]:
    """Open risks of the team's LMNSs past their review date (one query)."""
    risks = Risk.objects.filter(
        lmns_id__in=access.team_lmns_ids,
        status=RiskStatus.OPEN,
        review_date__lt=context.today,
    ).select_related("lmns")
    items = []
    for risk in risks:
        days = (risk.review_date - context.today).days
        items.append(
            Item(
                title=risk.title,
                url=risk.get_absolute_url(),
                kind="Risk to review",
                detail=f"{risk.lmns.short_name} risk register; review was due {day(risk.review_date)}",
                rank=days,
                when=due_in(days).replace("overdue", "past its review date"),
                late=True,
            )
        )
    return items


def register() -> None:
    every = frozenset(Role.values)
    team = frozenset({Role.PROGRAMME_TEAM})
    register_source(Source("deliverables.owned", every, owned_items))
    register_source(Source("deliverables.no_update", team, no_update_items))
    register_source(Source("deliverables.risks", team, risk_items))
