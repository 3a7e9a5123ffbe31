"""Demo Ockenden interim returns: the real April 2022 figures of seed 000 and their history.

2022/23 Q1 carries the figures the Nottingham and Nottinghamshire ICS submitted in April 2022
(NUH and SFH, IEA1–7 and WF). The three quarters before it (2021/22 Q2–Q4) are plausible
earlier returns with movement (seed 000: compliance rose in every domain over the year;
seven ratings changed in the last quarter): NUH's IEA7 Informed consent stays below 75% throughout and its
IEA3 Staff training rises. All four quarters are assured, each with answers whose per cents
reproduce the section figure through ``derive_section_percent``, its section ratings and its
workflow steps. NUH also has a draft for the demo's working period.

What the LMNSs collect (``Collection``): Nottingham and Nottinghamshire collected Ockenden
interim from NUH and SFH in each of those quarters; in the working period both Nottingham and
Nottinghamshire and Norfolk and Waveney collect it from all their trusts. The demo's working
period is the earliest open period, so that ``lmns.selectors.working_period`` (the earliest open
period with a collected return not yet assured) lands on it; Norfolk and Waveney's deadline is
set a week before today when the period's own deadline is still to come, so QEH is always
"not submitted, past the deadline" (../shared/DOMAIN.md).

Idempotent: the assured returns are reset to these figures; an existing draft is left alone.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from lmns.models import ReportingPeriod, Trust

from .models import (
    Answer,
    Collection,
    ComplianceStatus,
    Framework,
    QuarterlyReturn,
    ReturnStatus,
    SectionRating,
    Transition,
)
from .services import (
    Action,
    derive_section_percent,
    recompute_ratings,
    start_return,
    take_action,
)

CODES = ["IEA1", "IEA2", "IEA3", "IEA4", "IEA5", "IEA6", "IEA7", "WF"]
QUARTERS = [(2021, 2), (2021, 3), (2021, 4), (2022, 1)]

# ODS code -> section code -> per cent in each quarter of QUARTERS (the last is seed 000).
FIGURES = {
    "RX1": {
        "IEA1": [85, 92, 100, 100],
        "IEA2": [88, 94, 99, 99],
        "IEA3": [40, 48, 53, 65],
        "IEA4": [78, 84, 89, 89],
        "IEA5": [55, 62, 66, 70],
        "IEA6": [80, 88, 94, 94],
        "IEA7": [45, 50, 54, 57],
        "WF": [65, 70, 75, 80],
    },
    "RK5": {
        "IEA1": [90, 95, 100, 100],
        "IEA2": [90, 94, 97, 100],
        "IEA3": [80, 88, 95, 100],
        "IEA4": [95, 100, 100, 100],
        "IEA5": [90, 95, 100, 100],
        "IEA6": [85, 92, 100, 100],
        "IEA7": [55, 60, 64, 71],
        "WF": [90, 95, 100, 100],
    },
}
LEADS = {"RX1": "nuh-lead", "RK5": "sfh-lead"}
TEAM = "notts-team"


def spread(target: int, count: int) -> list[Decimal]:
    """``count`` requirement per cents around ``target`` whose mean is exactly ``target``."""
    width = min(target, 100 - target, 15)
    values = []
    for i in range(count // 2):
        offset = width - 5 * i if width - 5 * i > 0 else 0
        values += [target + offset, target - offset]
    if count % 2:
        values.append(target)
    return [Decimal(v) for v in values]


def status_for(percent: Decimal) -> str:
    if percent >= 100:
        return ComplianceStatus.FULLY_MET
    if percent <= 0:
        return ComplianceStatus.NOT_MET
    return ComplianceStatus.PARTIALLY_MET


def _at(period: ReportingPeriod, days: int) -> datetime.datetime:
    day = period.end_date + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _assured_return(trust, framework, period, figures, lead, team) -> None:
    quarterly_return, _ = QuarterlyReturn.objects.update_or_create(
        trust=trust,
        framework=framework,
        period=period,
        defaults={"status": ReturnStatus.ASSURED, "updated_by": team},
    )
    for section in framework.sections.prefetch_related("requirements"):
        target = figures[section.code]
        requirements = list(section.requirements.all())
        answers = []
        for requirement, percent in zip(
            requirements, spread(target, len(requirements)), strict=True
        ):
            answer, _ = Answer.objects.update_or_create(
                quarterly_return=quarterly_return,
                requirement=requirement,
                defaults={
                    "status": status_for(percent),
                    "percent": percent,
                    "narrative": f"Audit of {requirement.code} for {period}: {percent}% compliant.",
                    "evidence": "Quarterly audit report presented to the maternity governance group.",
                    "action": ""
                    if percent >= 100
                    else "Action plan agreed at the assurance panel.",
                    "action_owner": "" if percent >= 100 else "Head of Midwifery",
                    "action_due": None
                    if percent >= 100
                    else period.end_date + datetime.timedelta(days=90),
                    "updated_by": lead,
                },
            )
            answers.append(answer)
        derived = derive_section_percent(answers)
        assert derived == Decimal(target), (trust, section.code, derived, target)
        SectionRating.objects.update_or_create(
            quarterly_return=quarterly_return,
            section=section,
            defaults={"derived_percent": derived, "agreed_percent": derived, "change_reason": ""},
        )
    if not quarterly_return.transitions.exists():
        steps = [
            (ReturnStatus.DRAFT, ReturnStatus.SUBMITTED, lead, "Submitted with evidence.", 20),
            (ReturnStatus.SUBMITTED, ReturnStatus.UNDER_REVIEW, team, "", 30),
            (
                ReturnStatus.UNDER_REVIEW,
                ReturnStatus.ASSURED,
                team,
                "Agreed at the quarterly partnership review.",
                40,
            ),
        ]
        for from_status, to_status, by, comment, days in steps:
            step = Transition.objects.create(
                quarterly_return=quarterly_return,
                from_status=from_status,
                to_status=to_status,
                by=by,
                comment=comment,
            )
            Transition.objects.filter(pk=step.pk).update(at=_at(period, days))


@transaction.atomic
def load() -> str:
    framework = Framework.objects.get(short_name="Ockenden interim", version="2020")
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=[TEAM, *LEADS.values()])
    }
    trusts = {t.ods_code: t for t in Trust.objects.filter(ods_code__in=FIGURES)}
    periods = {}
    for year, quarter in QUARTERS:
        periods[(year, quarter)], _ = ReportingPeriod.objects.get_or_create(
            start_year=year, quarter=quarter
        )
    count = 0
    for ods, sections in FIGURES.items():
        trust = trusts[ods]
        for i, key in enumerate(QUARTERS):
            figures = {code: values[i] for code, values in sections.items()}
            _assured_return(
                trust, framework, periods[key], figures, users.get(LEADS[ods]), users.get(TEAM)
            )
            count += 1
    drafts = 0
    latest = demo_working_period()
    collections = load_collections(framework, periods.values(), latest)
    if latest is not None and (latest.start_year, latest.quarter) not in QUARTERS:
        if not QuarterlyReturn.objects.filter(
            trust=trusts["RX1"], framework=framework, period=latest
        ).exists():
            start_return(
                trust=trusts["RX1"],
                framework=framework,
                period=latest,
                user=users.get(LEADS["RX1"]),
            )
        drafts = 1
    queue = load_queue_states(framework, latest)
    queue = f"{collections}; {queue}"
    return (
        f"{count} assured Ockenden interim returns (2021/22 Q2 to 2022/23 Q1), "
        f"{drafts} draft for {latest}; {queue}"
    )


NOTTS, NW = "NottsLMNS", "NWLMNS"
COLLECTED_FROM = {NOTTS: ["RX1", "RK5"], NW: ["RGP", "RM1", "RCX"]}


def demo_working_period() -> ReportingPeriod | None:
    """The earliest open period: the demo collects in it, so it is the working period."""
    return ReportingPeriod.objects.filter(is_open=True).order_by("start_date").first()


def load_collections(framework: Framework, history, working: ReportingPeriod | None) -> str:
    trusts = {
        t.ods_code: t for t in Trust.objects.filter(ods_code__in=sum(COLLECTED_FROM.values(), []))
    }
    made = 0
    nuh = trusts.get("RX1")
    wanted = [(nuh.lmns, period, COLLECTED_FROM[NOTTS]) for period in history] if nuh else []
    if working is not None:
        for codes in COLLECTED_FROM.values():
            found = [trusts[c] for c in codes if c in trusts]
            if found:
                wanted.append((found[0].lmns, working, codes))
    for lmns, period, codes in wanted:
        deadline = period.submission_deadline
        if period == working and codes == COLLECTED_FROM[NW]:
            deadline = min(deadline, timezone.localdate() - datetime.timedelta(days=7))
        collection, created = Collection.objects.get_or_create(
            lmns=lmns, period=period, framework=framework, defaults={"deadline": deadline}
        )
        if created:
            collection.trusts.set([trusts[c] for c in codes if c in trusts])
            made += 1
    return f"{made} collections"


# The working period's states that keep every work queue alive (../shared/DOMAIN.md): SFH
# submitted and waiting for review, JPUH sent back with two changes asked, NNUH assured, QEH
# not submitted. Taken through the workflow, so their notifications are sent as in real use.
SENT_BACK = (
    "Two changes before this can be assured: 1. IEA3 – attach the training compliance report "
    "(done in the draft); 2. IEA7 – say how consent conversations are audited (still open)."
)
QUEUE_STATES = {
    "RK5": ("sfh-lead", "notts-team", [Action.SUBMIT]),
    "RGP": ("jpuh-lead", "nw-team", [Action.SUBMIT, Action.START_REVIEW, Action.SEND_BACK]),
    "RM1": ("nnuh-lead", "nw-team", [Action.SUBMIT, Action.START_REVIEW, Action.ASSURE]),
}


def load_queue_states(framework: Framework, period: ReportingPeriod | None) -> str:
    if period is None:
        return "no open period for the work queues"
    users = {u.username: u for u in get_user_model().objects.all()}
    trusts = {t.ods_code: t for t in Trust.objects.filter(ods_code__in=QUEUE_STATES)}
    made = 0
    for ods, (lead_name, team_name, actions) in QUEUE_STATES.items():
        trust, lead, team = trusts.get(ods), users.get(lead_name), users.get(team_name)
        if trust is None or lead is None or team is None:
            continue
        if QuarterlyReturn.objects.filter(trust=trust, framework=framework, period=period).exists():
            continue
        ret = start_return(trust=trust, framework=framework, period=period, user=lead)
        ret.answers.update(
            status=ComplianceStatus.FULLY_MET,
            narrative="Audit completed and reviewed at the safety champions' meeting.",
            evidence="Quarterly audit report presented to the maternity governance group.",
        )
        recompute_ratings(ret)
        for action in actions:
            ret.refresh_from_db()
            take_action(
                ret=ret,
                action=action,
                user=lead if action == Action.SUBMIT else team,
                expected_version=ret.version,
                comment=SENT_BACK if action == Action.SEND_BACK else "",
            )
        made += 1
    return f"{made} returns placed for the work queues in {period}"
