"""Reads for the actions to reach full compliance: the section page's and each action's page.

Each function issues a fixed number of queries whatever the number of actions.
"""

import datetime
from collections import defaultdict

from django.db.models import Count, Min, Q, QuerySet
from django.urls import reverse

from lmns.access import Access, Scope
from lmns.models import Lmns, Trust

from ..models import Action, Answer, QuarterlyReturn


def answers_for_actions() -> QuerySet[Answer]:
    """The base queryset for raising an action on an answer; scope it with the access helper."""
    return Answer.objects.select_related(
        "quarterly_return__trust__lmns", "quarterly_return__period", "requirement__section"
    )


def readable_actions() -> QuerySet[Action]:
    """The base queryset for one action's pages; scope it with the access helper."""
    return Action.objects.select_related(
        "trust__lmns",
        "requirement__section__framework",
        "raised_on__quarterly_return__period",
        "owner_user",
        "closed_by",
    )


def _requirement_on_page(return_id: int, requirement) -> str:
    url = reverse("assurance:section_edit", args=[return_id, requirement.section_id])
    return f"{url}#requirement-{requirement.pk}"


def answer_page(answer: Answer) -> str:
    """The answer's place on its section page."""
    return _requirement_on_page(answer.quarterly_return_id, answer.requirement)


def action_home(action: Action) -> str:
    """Where an action is shown: beside the answer it was raised on, else the trust's returns."""
    if action.raised_on is None:
        return reverse("assurance:trust_returns", args=[action.trust_id])
    return _requirement_on_page(action.raised_on.quarterly_return_id, action.requirement)


def actions_by_answer(ret: QuarterlyReturn, answers: list[Answer]) -> dict[int, list[Action]]:
    """For each answer of a section, its requirement's actions to show (one query): the
    trust's open actions of that requirement, raised in this quarter or an earlier one, and
    those raised on this very answer, closed or not."""
    by_requirement = {answer.requirement_id: answer for answer in answers}
    actions = (
        Action.objects.filter(requirement_id__in=by_requirement)
        .filter(
            Q(trust_id=ret.trust_id, closure="")
            | Q(raised_on_id__in=[answer.pk for answer in answers])
        )
        .select_related("owner_user", "raised_on__quarterly_return__period")
        .order_by("due", "pk")
    )
    shown: dict[int, list[Action]] = defaultdict(list)
    for action in actions:
        shown[by_requirement[action.requirement_id].pk].append(action)
    return shown


def register_actions(access: Access, trusts: QuerySet[Trust]) -> QuerySet[Action]:
    """The actions register's rows: the trusts' actions the person may read (one query)."""
    return (
        access.scope(Action.objects.filter(trust__in=trusts), Scope.trust("trust"))
        .select_related(
            "trust",
            "requirement__section__framework",
            "owner_user",
            "raised_on__quarterly_return__period",
        )
        .order_by("closure", "due", "trust__short_name", "pk")
    )


def overdue_actions_by_trust(lmns: Lmns, as_at: datetime.date) -> list[dict]:
    """Per trust of the LMNS: its actions open on ``as_at`` (not closed by then), how many of
    them were overdue (due before that day) and the oldest overdue due date (one query)."""
    open_then = Q(actions__closure="") | Q(actions__closed_at__date__gt=as_at)
    overdue = open_then & Q(actions__due__lt=as_at)
    trusts = (
        Trust.objects.filter(lmns=lmns)
        .annotate(
            open=Count("actions", filter=open_then),
            overdue=Count("actions", filter=overdue),
            oldest=Min("actions__due", filter=overdue),
        )
        .order_by("short_name")
    )
    return [
        {"trust": t.short_name, "open": t.open, "overdue": t.overdue, "oldest": t.oldest}
        for t in trusts
    ]
