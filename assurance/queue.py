"""The returns' part of the work queue (registered in ``apps.py``; see ``lmns/queue.py``).

Trust leads: each return their LMNS collects from their trusts for its working period (the
framework, its state, the collection's deadline, days left or overdue), and any return sent back
to them. Programme team: returns awaiting review, longest waiting first, and the trusts that have
not submitted a return collected for the working period. Each source makes a fixed number of
queries whatever the data.
"""

from __future__ import annotations

from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.http import urlencode

from lmns.access import Access
from lmns.models import Role
from lmns.queue import Context, Item, Source, day, due_by, register_source, waiting_since
from lmns.text import excerpt

from .models import Action, Collection, QuarterlyReturn, RequestStatus, ReturnStatus, Transition
from .services import EDITABLE_STATUSES

AWAITING_REVIEW = (ReturnStatus.SUBMITTED, ReturnStatus.UNDER_REVIEW)
# Returns already with the LMNS come after everything still to do.
DONE_RANK = 10**6


def _sent_back_comment() -> Subquery:
    latest = Transition.objects.filter(
        quarterly_return=OuterRef("pk"), to_status=ReturnStatus.RETURNED
    ).order_by("-at", "-pk")
    return Subquery(latest.values("comment")[:1])


def _requests_in(status: str) -> Count:
    return Count("change_requests", filter=Q(change_requests__status=status), distinct=True)


def _requests_phrase(count: int, what: str) -> str:
    return f"{count} {what} change request{'s'[: count != 1]}"


def lead_items(access: Access, context: Context) -> list[Item]:
    """Each collected return of the lead's trusts for the working period, with its state and
    due date, and any return sent back to them (two queries)."""
    trusts = sorted(
        (m.trust for m in access.memberships if m.role == Role.TRUST_LEAD),
        key=lambda trust: trust.short_name,
    )
    if not trusts:
        return []
    working = {t.pk: context.working_period(t.lmns_id) for t in trusts}
    asked = list(
        Collection.trusts.through.objects.filter(
            trust__in=trusts,
            collection__period_id__in={p.pk for p in working.values() if p},
        ).select_related("collection__framework")
    )
    asked = [
        a for a in asked if working[a.trust_id] and a.collection.period_id == working[a.trust_id].pk
    ]
    wanted = Q(status=ReturnStatus.RETURNED)
    for row in asked:
        wanted |= Q(
            trust_id=row.trust_id,
            framework_id=row.collection.framework_id,
            period_id=row.collection.period_id,
        )
    returns = list(
        QuarterlyReturn.objects.filter(wanted, trust__in=trusts)
        .select_related("trust", "framework", "period")
        .annotate(
            sent_back=_sent_back_comment(),
            open_requests=_requests_in(RequestStatus.OPEN),
        )
    )
    found = {(r.trust_id, r.framework_id, r.period_id): r for r in returns}
    deadlines = {
        (a.trust_id, a.collection.framework_id, a.collection.period_id): a.collection.deadline
        for a in asked
    }
    items = [
        _lead_item(ret, context, deadlines.get((ret.trust_id, ret.framework_id, ret.period_id)))
        for ret in returns
        if ret.status == ReturnStatus.RETURNED
    ]
    by_id = {t.pk: t for t in trusts}
    for row in asked:
        key = (row.trust_id, row.collection.framework_id, row.collection.period_id)
        ret = found.get(key)
        if ret is not None and ret.status == ReturnStatus.RETURNED:
            continue
        items.append(
            _collected_item(
                by_id[row.trust_id], row.collection, ret, working[row.trust_id], context
            )
        )
    return items


def _collected_item(trust, collection, ret, period, context: Context) -> Item:
    """One collected return of the working period: to start, to submit, or with the LMNS."""
    title = f"{trust.short_name} {collection.framework.short_name} return for {period}"
    due = f"due {day(collection.deadline)}"
    if ret is None or ret.status == ReturnStatus.DRAFT:
        return Item(
            title=title,
            url=reverse(
                "assurance:trust_returns" if ret is None else "assurance:return_detail",
                args=[trust.pk if ret is None else ret.pk],
            ),
            kind="Return to start" if ret is None else "Return to submit",
            detail=f"{'Not started' if ret is None else 'Draft'}; {due}",
            **due_by(collection.deadline, context.today),
        )
    # Submitted, under review or assured: nothing to do now, listed after everything to do.
    return Item(
        title=title,
        url=reverse("assurance:return_detail", args=[ret.pk]),
        kind="Assured" if ret.status == ReturnStatus.ASSURED else "With the LMNS",
        detail=f"{ret.get_status_display()}; was {due}",
        rank=DONE_RANK,
        when=ret.get_status_display().lower(),
    )


def _lead_item(ret: QuarterlyReturn, context: Context, deadline=None) -> Item:
    """A return sent back to the lead, due by its collection's deadline."""
    detail = f"Sent back with {_requests_phrase(ret.open_requests, 'open')}"
    if ret.sent_back:
        detail += f": {excerpt(ret.sent_back, 200)[0]}"
    return Item(
        title=f"{ret.trust.short_name} {ret.framework.short_name} return for {ret.period}",
        url=reverse("assurance:return_detail", args=[ret.pk]),
        kind="Sent back to change",
        detail=detail,
        **due_by(deadline or ret.period.submission_deadline, context.today),
    )


def review_items(access: Access, context: Context) -> list[Item]:
    """Returns awaiting the team's review, longest waiting first (one query)."""
    returns = (
        QuarterlyReturn.objects.filter(
            trust__lmns_id__in=access.team_lmns_ids, status__in=AWAITING_REVIEW
        )
        .select_related("trust", "framework", "period")
        .annotate(
            submitted_at=Subquery(
                Transition.objects.filter(
                    quarterly_return=OuterRef("pk"), to_status=ReturnStatus.SUBMITTED
                )
                .order_by("-at")
                .values("at")[:1]
            ),
            addressed=_requests_in(RequestStatus.ADDRESSED),
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
                detail=f"{ret.get_status_display()} since {day(since)}"
                + (
                    f"; {_requests_phrase(ret.addressed, 'addressed')} to accept or reopen"
                    if ret.addressed
                    else ""
                ),
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
    """Each trust with collected returns of its LMNS's working period not yet submitted, due
    by the collection's deadline (three queries)."""
    working = {lmns_id: context.working_period(lmns_id) for lmns_id in sorted(access.team_lmns_ids)}
    periods = {p.pk for p in working.values() if p}
    if not periods:
        return []
    asked = [
        row
        for row in Collection.trusts.through.objects.filter(
            collection__lmns_id__in=access.team_lmns_ids, collection__period_id__in=periods
        ).select_related("collection__framework", "trust")
        if working[row.collection.lmns_id] is not None
        and row.collection.period_id == working[row.collection.lmns_id].pk
    ]
    submitted = set(
        QuarterlyReturn.objects.filter(
            period_id__in=periods, trust__lmns_id__in=access.team_lmns_ids
        )
        .exclude(status__in=EDITABLE_STATUSES)
        .values_list("trust_id", "framework_id", "period_id")
    )
    missing: dict[int, list] = {}
    for row in asked:
        key = (row.trust_id, row.collection.framework_id, row.collection.period_id)
        if key not in submitted:
            missing.setdefault(row.trust_id, []).append(row)
    items = []
    for rows in missing.values():
        trust, period = rows[0].trust, working[rows[0].collection.lmns_id]
        deadline = min(row.collection.deadline for row in rows)
        count = len(rows)
        names = sorted(row.collection.framework.short_name for row in rows)
        items.append(
            Item(
                title=f"{trust.short_name}: {count} return{'s'[: count != 1]} for {period} "
                "not submitted",
                url=reverse("assurance:trust_returns", args=[trust.pk]),
                kind="Not submitted",
                detail=f"{', '.join(names)}; due {day(deadline)}",
                **due_by(deadline, context.today),
            )
        )
    return items


# -- actions to reach full compliance --------------------------------------------------------


def _actions_word(count: int) -> str:
    return f"{count} overdue action{'s'[: count != 1]}"


def _overdue_by_trust(trust_filter: Q, today) -> list[dict]:
    """Per trust: its overdue actions' count and the earliest due date (one query)."""
    return list(
        Action.objects.filter(trust_filter, closure="", due__lt=today)
        .values("trust_id", "trust__short_name", "trust__lmns_id")
        .annotate(overdue=Count("pk"), oldest=Min("due"))
        .order_by("trust__short_name")
    )


def _register_url(row: dict, *, lmns: bool) -> str:
    if lmns:
        url = reverse("assurance:lmns_actions", args=[row["trust__lmns_id"]])
        return f"{url}?{urlencode({'trust': row['trust_id'], 'overdue': 'yes'})}"
    url = reverse("assurance:trust_actions", args=[row["trust_id"]])
    return f"{url}?overdue=yes"


def _overdue_item(row: dict, context: Context, *, lmns: bool) -> Item:
    return Item(
        title=f"{row['trust__short_name']}: {_actions_word(row['overdue'])}",
        url=_register_url(row, lmns=lmns),
        kind="Overdue actions",
        detail=f"Open actions past their due date, the oldest due {day(row['oldest'])}",
        **due_by(row["oldest"], context.today),
    )


def lead_action_items(access: Access, context: Context) -> list[Item]:
    """Each of the lead's trusts with overdue actions, by the oldest (one query)."""
    if not access.lead_trust_ids:
        return []
    rows = _overdue_by_trust(Q(trust_id__in=access.lead_trust_ids), context.today)
    return [_overdue_item(row, context, lmns=False) for row in rows]


def team_action_items(access: Access, context: Context) -> list[Item]:
    """Each trust of the team's LMNSs with overdue actions, by the oldest (one query)."""
    if not access.team_lmns_ids:
        return []
    rows = _overdue_by_trust(Q(trust__lmns_id__in=access.team_lmns_ids), context.today)
    return [_overdue_item(row, context, lmns=True) for row in rows]


def owned_action_items(access: Access, context: Context) -> list[Item]:
    """The open actions whose owner's account is the person's, by due date (one query)."""
    actions = Action.objects.filter(owner_user_id=access.user_id, closure="").select_related(
        "trust", "requirement"
    )
    return [
        Item(
            title=f"{a.trust.short_name} {a.requirement.code}: {excerpt(a.what, 80)[0]}",
            url=reverse("assurance:action_edit", args=[a.pk]),
            kind="Your action",
            detail=f"{a.get_progress_display()}; {a.get_delivery_display().lower()}",
            **(due_by(a.due, context.today) if a.due else {"rank": DONE_RANK}),
        )
        for a in actions
    ]


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
    register_source(
        Source("assurance.overdue_actions", frozenset({Role.TRUST_LEAD}), lead_action_items)
    )
    register_source(
        Source("assurance.owned_actions", frozenset({Role.TRUST_LEAD}), owned_action_items)
    )
    register_source(
        Source(
            "assurance.overdue_actions_team", frozenset({Role.PROGRAMME_TEAM}), team_action_items
        )
    )
