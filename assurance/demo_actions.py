"""Demo actions to reach full compliance, carried across Nottingham and Nottinghamshire's quarters.

Each requirement of NUH's and SFH's assured returns that falls short of 100% gets one action the
first quarter it does, carried to the next quarters while it stays short (the same record, not
retyped) and closed, its evidence accepted by the LMNS, in the quarter the requirement is fully
met. Those still short at the last assured quarter stay open and, their due dates having passed,
overdue; NUH also has one open action due after today (raised in the last assured quarter) and
one closed as no longer needed, with its reason. Loaded once: actions already there are kept.
"""

import datetime

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from lmns.models import Trust

from .models import (
    Action,
    ActionClosure,
    ActionDelivery,
    ActionProgress,
    Answer,
    AnswerLink,
    Framework,
    Requirement,
)

OWNERS = {"IEA3": "Practice development midwife", "IEA7": "Consultant midwife"}


def _raise(answer: Answer, lead) -> Action:
    period = answer.quarterly_return.period
    due = period.end_date + datetime.timedelta(days=90)
    code = answer.requirement.code
    return Action(
        trust_id=answer.quarterly_return.trust_id,
        requirement_id=answer.requirement_id,
        raised_on=answer,
        what=f"Action plan for {code} agreed at the assurance panel: audit, act on the "
        "findings and re-audit.",
        owner=OWNERS.get(answer.requirement.section.code, "Head of Midwifery"),
        due=due,
        evidence_by=due + datetime.timedelta(days=30),
        progress=ActionProgress.AT_RISK,
        delivery=ActionDelivery.IN_PROGRESS,
        updated_by=lead,
    )


def _close(action: Action, answer: Answer, team) -> None:
    period = answer.quarterly_return.period
    action.delivery = ActionDelivery.EVIDENCED
    action.delivered_on = period.end_date
    action.evidence_location = "Re-audit report, maternity governance group minutes"
    action.closure = ActionClosure.ACCEPTED
    action.closure_reason = f"Evidence judged sufficient in the review of {period}."
    action.closed_at = datetime.datetime.combine(
        period.end_date + datetime.timedelta(days=40), datetime.time(12), datetime.UTC
    )
    action.closed_by = team
    action.progress = ActionProgress.ON_TRACK


def load(framework: Framework, trusts: list[Trust], leads: dict, team) -> int:
    """The actions of the trusts' assured returns (see the module docstring); how many."""
    if Action.objects.filter(trust__in=trusts, requirement__section__framework=framework).exists():
        return 0
    answers = (
        Answer.objects.filter(
            quarterly_return__trust__in=trusts,
            quarterly_return__framework=framework,
            quarterly_return__status="assured",
        )
        .select_related("quarterly_return__period", "requirement__section")
        .order_by("quarterly_return__period__start_date", "pk")
    )
    open_actions: dict[tuple, Action] = {}
    done: list[Action] = []
    last: dict[tuple, Answer] = {}
    for answer in answers:
        key = (answer.quarterly_return.trust_id, answer.requirement_id)
        lead = leads.get(answer.quarterly_return.trust_id)
        last[key] = answer
        if answer.percent is not None and answer.percent < 100 and key not in open_actions:
            open_actions[key] = _raise(answer, lead)
        elif answer.percent == 100 and key in open_actions:
            action = open_actions.pop(key)
            _close(action, answer, team)
            done.append(action)
    for key, action in open_actions.items():
        if last[key].percent is not None and last[key].percent < 75:
            action.progress = ActionProgress.OFF_TRACK
    rows = [*done, *open_actions.values(), *_nuh_extras(framework, trusts, leads)]
    bulk_create_with_history(rows, Action, default_user=team)
    return len(rows)


def _nuh_extras(framework: Framework, trusts: list[Trust], leads: dict) -> list[Action]:
    """NUH's last assured IEA7 answer: an action due after today, one no longer needed."""
    answer = (
        Answer.objects.filter(
            quarterly_return__trust__ods_code="RX1",
            quarterly_return__trust__in=trusts,
            quarterly_return__framework=framework,
            quarterly_return__status="assured",
            requirement__section__code="IEA7",
        )
        .select_related("quarterly_return__trust")
        .order_by("-quarterly_return__period__start_date", "requirement__order")
        .first()
    )
    if answer is None:
        return []
    trust = answer.quarterly_return.trust
    lead = leads.get(trust.pk)
    common = {"trust": trust, "requirement_id": answer.requirement_id, "raised_on": answer}
    return [
        Action(
            **common,
            what="Audit consent conversations monthly against 20 records, midwifery-led care "
            "included, and report to the maternity governance group.",
            owner="Consultant midwife",
            owner_user=lead,
            due=timezone.localdate() + datetime.timedelta(days=60),
            progress=ActionProgress.ON_TRACK,
            delivery=ActionDelivery.IN_PROGRESS,
            updated_by=lead,
        ),
        Action(
            **common,
            what="Print consent leaflets in the five most used languages.",
            owner="Patient experience lead",
            due=answer.quarterly_return.period.end_date,
            delivery=ActionDelivery.NOT_STARTED,
            closure=ActionClosure.NOT_NEEDED,
            closure_reason="Replaced by the regional translated leaflets, which the trust now "
            "uses.",
            closed_at=timezone.now(),
            updated_by=lead,
        ),
    ]


def load_link(framework: Framework, leads: dict) -> int:
    """NUH's open action on Saving Babies' Lives element 4 (illustrative), which its lead
    linked to count toward IEA6.5 of its last assured Ockenden interim return: the two are
    cross-referenced (migration 0018). NUH's draft shows it as related, to link again."""
    answer = (
        Answer.objects.filter(
            quarterly_return__trust__ods_code="RX1",
            quarterly_return__framework=framework,
            quarterly_return__status="assured",
            requirement__code="IEA6.5",
        )
        .select_related("quarterly_return__trust", "quarterly_return__period")
        .order_by("-quarterly_return__period__start_date")
        .first()
    )
    element = Requirement.objects.filter(
        section__framework__short_name="SBLCB v3", code="E4"
    ).first()
    if answer is None or element is None or AnswerLink.objects.filter(answer=answer).exists():
        return 0
    trust, period = answer.quarterly_return.trust, answer.quarterly_return.period
    lead = leads.get(trust.pk)
    action = Action(
        trust=trust,
        requirement=element,
        what="Illustrative: every midwife and obstetrician who interprets fetal heart "
        "monitoring completes the annual competency assessment.",
        owner="Fetal monitoring lead midwife",
        due=timezone.localdate() + datetime.timedelta(days=90),
        progress=ActionProgress.ON_TRACK,
        delivery=ActionDelivery.IN_PROGRESS,
        updated_by=lead,
    )
    action._history_user = lead
    action.save()
    link = AnswerLink(answer=answer, action=action, linked_by=lead)
    link._history_user = lead
    link.save()
    # Raised a month before the quarter ended, linked while that return was still a draft.
    linked_at = datetime.datetime.combine(
        period.end_date - datetime.timedelta(days=5), datetime.time(10), datetime.UTC
    )
    raised_at = linked_at - datetime.timedelta(days=25)
    Action.objects.filter(pk=action.pk).update(created_at=raised_at)
    Action.history.filter(id=action.pk).update(history_date=raised_at)
    AnswerLink.objects.filter(pk=link.pk).update(linked_at=linked_at)
    AnswerLink.history.filter(id=link.pk).update(history_date=linked_at)
    return 1
