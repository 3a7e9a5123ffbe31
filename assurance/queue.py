"""The returns' part of the work queue (registered in ``apps.py``; see ``lmns/queue.py``).

Trust leads: each of their trusts' returns for every period open for returns and every active
framework (no model yet says which frameworks an LMNS collects), that still needs them (not started, a draft, or sent back with what to change), and any earlier
return sent back to them. Programme team: returns awaiting review, longest waiting first, and the
trusts that have not submitted an open period's returns. Each source makes a fixed number of
queries whatever the data.
"""

from __future__ import annotations

from django.db.models import Max, OuterRef, Q, Subquery
from django.urls import reverse

from lmns.access import Access
from lmns.models import Role, Trust
from lmns.queue import Context, Item, Source, day, due_by, register_source, waiting_since
from lmns.text import excerpt

from .models import Framework, QuarterlyReturn, ReturnStatus, Transition
from .services import EDITABLE_STATUSES

LEAD = "Returns to start"
AWAITING_REVIEW = (ReturnStatus.SUBMITTED, ReturnStatus.UNDER_REVIEW)


def _sent_back_comment() -> Subquery:
    latest = Transition.objects.filter(
        quarterly_return=OuterRef("pk"), to_status=ReturnStatus.RETURNED
    ).order_by("-at", "-pk")
    return Subquery(latest.values("comment")[:1])


def lead_items(access: Access, context: Context) -> list[Item]:
    """The lead's returns to start, finish or change (two queries)."""
    trusts = sorted(
        (m.trust for m in access.memberships if m.role == Role.TRUST_LEAD),
        key=lambda trust: trust.short_name,
    )
    if not trusts:
        return []
    periods = context.open_periods
    returns = list(
        QuarterlyReturn.objects.filter(
            Q(status=ReturnStatus.RETURNED) | Q(period__in=periods), trust__in=trusts
        )
        .select_related("trust", "framework", "period")
        .annotate(sent_back=_sent_back_comment())
    )
    items = [_lead_item(ret, context) for ret in returns if ret.status in EDITABLE_STATUSES]
    started = {(ret.trust_id, ret.framework_id, ret.period_id) for ret in returns}
    frameworks = list(Framework.objects.filter(active=True).order_by("name")) if periods else []
    return items + _missing(context, trusts, frameworks, started, state="not started", kind=LEAD)


def _missing(
    context: Context, trusts: list, frameworks: list, done: set, *, state: str, kind: str
) -> list[Item]:
    """Per open period and trust, the active frameworks' returns not in ``done`` (a set of
    (trust, framework, period) ids): one item each. The trust lead's ("not started") say the
    deadline too."""
    items = []
    for period in context.open_periods:
        deadline = period.submission_deadline
        for trust in trusts:
            missing = [f.short_name for f in frameworks if (trust.pk, f.pk, period.pk) not in done]
            if not missing:
                continue
            count = len(missing)
            items.append(
                Item(
                    title=f"{trust.short_name}: {count} return{'s'[: count != 1]} for {period} "
                    f"{state}",
                    url=reverse("assurance:trust_returns", args=[trust.pk]),
                    kind=kind,
                    detail=", ".join(missing) + (f"; due {day(deadline)}" if kind == LEAD else ""),
                    **due_by(deadline, context.today),
                )
            )
    return items


def _lead_item(ret: QuarterlyReturn, context: Context) -> Item:
    if ret.status == ReturnStatus.RETURNED:
        detail = "Sent back by the LMNS"
        if ret.sent_back:
            detail += f": {excerpt(ret.sent_back, 200)[0]}"
        kind = "Sent back to change"
    else:
        detail = f"Draft; due {day(ret.period.submission_deadline)}"
        kind = "Return to submit"
    return Item(
        title=f"{ret.trust.short_name} {ret.framework.short_name} return for {ret.period}",
        url=reverse("assurance:return_detail", args=[ret.pk]),
        kind=kind,
        detail=detail,
        **due_by(ret.period.submission_deadline, context.today),
    )


def review_items(access: Access, context: Context) -> list[Item]:
    """Returns awaiting the team's review, longest waiting first (one query)."""
    returns = (
        QuarterlyReturn.objects.filter(
            trust__lmns_id__in=access.team_lmns_ids, status__in=AWAITING_REVIEW
        )
        .select_related("trust", "framework", "period")
        .annotate(
            submitted_at=Max(
                "transitions__at", filter=Q(transitions__to_status=ReturnStatus.SUBMITTED)
            )
        )
    )
    items = []
    for ret in returns:
        since = ret.submitted_at.date() if ret.submitted_at else ret.updated_at.date()
        items.append(
            Item(
                title=f"{ret.trust.short_name} {ret.framework.short_name} return for {ret.period}",
                url=reverse("assurance:return_detail", args=[ret.pk]),
                kind="To review",
                detail=f"{ret.get_status_display()} since {day(since)}",
                **waiting_since(since, context.today),
            )
        )
    return items


def review_count():
    return QuarterlyReturn.objects.filter(
        trust__lmns_id=OuterRef("lmns_id"), status__in=AWAITING_REVIEW
    )


def sent_back_count():
    return QuarterlyReturn.objects.filter(
        trust_id=OuterRef("trust_id"), status=ReturnStatus.RETURNED
    )


def not_submitted_items(access: Access, context: Context) -> list[Item]:
    """Each trust with returns of an open period not yet submitted (three queries)."""
    periods = context.open_periods
    if not periods or not access.team_lmns_ids:
        return []
    frameworks = list(Framework.objects.filter(active=True).order_by("name"))
    trusts = list(Trust.objects.filter(lmns_id__in=access.team_lmns_ids).order_by("short_name"))
    submitted = set(
        QuarterlyReturn.objects.filter(period__in=periods, trust__in=trusts)
        .exclude(status__in=EDITABLE_STATUSES)
        .values_list("trust_id", "framework_id", "period_id")
    )
    return _missing(
        context, trusts, frameworks, submitted, state="not submitted", kind="Not submitted"
    )


def register() -> None:
    register_source(
        Source(
            "assurance.lead_returns",
            frozenset({Role.TRUST_LEAD}),
            lead_items,
            count=sent_back_count,
            nav_label="{n} sent back",
        )
    )
    register_source(
        Source(
            "assurance.review",
            frozenset({Role.PROGRAMME_TEAM}),
            review_items,
            count=review_count,
            nav_label="{n} to review",
        )
    )
    register_source(
        Source("assurance.not_submitted", frozenset({Role.PROGRAMME_TEAM}), not_submitted_items)
    )
