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

from . import demo_actions
from .models import (
    Answer,
    ChangeRequest,
    ChangeRequestEntry,
    Collection,
    ComplianceStatus,
    EvidenceVerdict,
    Framework,
    QuarterlyReturn,
    RequestStatus,
    ReturnStatus,
    SectionRating,
    Transition,
    VerdictChoice,
)
from .services import (
    Action,
    Declaration,
    derive_section_percent,
    raise_request,
    recompute_ratings,
    start_return,
    take_action,
    take_request_step,
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


def sent_back(lead, team) -> list[tuple]:
    """The steps of a return sent back once, changed and resubmitted before it was assured."""
    return [
        (ReturnStatus.UNDER_REVIEW, ReturnStatus.RETURNED, team, "", 32),
        (ReturnStatus.RETURNED, ReturnStatus.SUBMITTED, lead, "IEA7 consent audit attached.", 35),
        (ReturnStatus.SUBMITTED, ReturnStatus.UNDER_REVIEW, team, "", 36),
    ]


# Who signed the demo's submitted returns off at each trust (illustrative names).
SIGNED_OFF_BY = {
    "RX1": ("Morgan Hale", "Director of Midwifery"),
    "RK5": ("Priya Shah", "Director of Midwifery"),
    "RGP": ("Chris Owen", "Chief Nurse"),
    "RM1": ("Dana Fox", "Director of Midwifery"),
}


def declaration(trust: Trust, on: datetime.date) -> Declaration:
    """The sign-off declaration a demo return is submitted with."""
    name, role = SIGNED_OFF_BY.get(trust.ods_code, ("Alex Reed", "Head of Midwifery"))
    return Declaration(name=name, role=role, signed_off_on=on)


def _assured_return(
    trust, framework, period, figures, lead, team, sent_back_first=False
) -> QuarterlyReturn:
    declared = declaration(trust, period.end_date + datetime.timedelta(days=18)).fields(lead)
    quarterly_return, _ = QuarterlyReturn.objects.update_or_create(
        trust=trust,
        framework=framework,
        period=period,
        defaults={"status": ReturnStatus.ASSURED, "updated_by": team, **declared},
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
            *(sent_back(lead, team) if sent_back_first else []),
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
    return quarterly_return


def _closed_thread(ret: QuarterlyReturn, lead, team) -> None:
    """NUH's last assured quarter: sent back with a request on IEA7.1, answered and accepted."""
    if ret.change_requests.exists():
        return
    requirement = ret.answers.filter(requirement__section__code="IEA7").first().requirement
    request = ChangeRequest.objects.create(
        quarterly_return=ret,
        requirement=requirement,
        text="Say how consent conversations are audited, and attach the latest audit.",
        status=RequestStatus.CLOSED,
        raised_by=team,
    )
    thread = [
        ("", RequestStatus.OPEN, team, request.text, 31),
        (
            RequestStatus.OPEN,
            RequestStatus.ADDRESSED,
            lead,
            "Consent is audited monthly against 20 records; the April audit is attached.",
            34,
        ),
        (RequestStatus.ADDRESSED, RequestStatus.CLOSED, team, "Thank you: accepted.", 37),
    ]
    for from_status, to_status, by, comment, days in thread:
        entry = ChangeRequestEntry.objects.create(
            change_request=request,
            from_status=from_status,
            to_status=to_status,
            by=by,
            comment=comment,
        )
        ChangeRequestEntry.objects.filter(pk=entry.pk).update(at=_at(ret.period, days))
    ChangeRequest.objects.filter(pk=request.pk).update(raised_at=_at(ret.period, 31))


def _evidence_judged_twice(ret: QuarterlyReturn, team) -> None:
    """SFH's last assured quarter: IEA7.1's evidence judged insufficient, then accepted."""
    answer = ret.answers.filter(requirement__section__code="IEA7").first()
    if EvidenceVerdict.objects.filter(answer=answer).exists():
        return
    verdict = EvidenceVerdict(
        answer=answer,
        verdict=VerdictChoice.INSUFFICIENT,
        reason="The audit covers obstetric consent only; add midwifery-led care.",
        judged_by=team,
        judged_at=_at(ret.period, 31),
    )
    verdict._history_user = team
    verdict.save()
    verdict.verdict, verdict.reason, verdict.version = VerdictChoice.SUFFICIENT, "", 2
    verdict.judged_at = _at(ret.period, 38)
    verdict.save()


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
            last = key == QUARTERS[-1]
            ret = _assured_return(
                trust,
                framework,
                periods[key],
                figures,
                users.get(LEADS[ods]),
                users.get(TEAM),
                sent_back_first=last and ods == "RX1",
            )
            if last and ods == "RX1":
                _closed_thread(ret, users.get(LEADS[ods]), users.get(TEAM))
            if last and ods == "RK5":
                _evidence_judged_twice(ret, users.get(TEAM))
            count += 1
    leads = {trusts[ods].pk: users.get(lead) for ods, lead in LEADS.items()}
    actions = demo_actions.load(framework, list(trusts.values()), leads, users.get(TEAM))
    links = demo_actions.load_link(framework, leads)
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
        f"{drafts} draft for {latest}; {actions + links} actions ({links} linked across "
        f"frameworks); {queue}"
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
# submitted and waiting for review, JPUH sent back with two change requests (IEA3's addressed,
# IEA7's open), NNUH assured, QEH not submitted. Taken through the workflow, so their
# notifications are sent as in real use.
SENT_BACK = "Two changes before this can be assured: see the requests beside IEA3 and IEA7."
REQUESTS = {
    "IEA3": "Attach the training compliance report for the quarter.",
    "IEA7": "Say how consent conversations are audited.",
}
ADDRESSED = ("IEA3", "The training compliance report for the quarter is attached.")
QUEUE_STATES = {
    "RK5": ("sfh-lead", "notts-team", [Action.SUBMIT]),
    "RGP": ("jpuh-lead", "nw-team", [Action.SUBMIT, "requests", Action.SEND_BACK, "address"]),
    "RM1": ("nnuh-lead", "nw-team", [Action.SUBMIT, Action.ASSURE]),
}


def _requests(ret: QuarterlyReturn, team) -> None:
    for code, text in REQUESTS.items():
        ret.refresh_from_db()
        requirement = ret.answers.filter(requirement__section__code=code).first().requirement
        raise_request(
            ret=ret, requirement=requirement, text=text, user=team, expected_version=ret.version
        )


def _address(ret: QuarterlyReturn, lead) -> None:
    code, reply = ADDRESSED
    request = ret.change_requests.get(requirement__section__code=code)
    take_request_step(
        request=request,
        action="address",
        user=lead,
        expected_version=request.version,
        comment=reply,
    )


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
            if action == "requests":
                _requests(ret, team)
                continue
            if action == "address":
                _address(ret, lead)
                continue
            take_action(
                ret=ret,
                action=action,
                user=lead if action == Action.SUBMIT else team,
                expected_version=ret.version,
                comment=SENT_BACK if action == Action.SEND_BACK else "",
                declaration=declaration(trust, timezone.localdate())
                if action == Action.SUBMIT
                else None,
            )
        made += 1
    return f"{made} returns placed for the work queues in {period}"
