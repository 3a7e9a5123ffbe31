"""Demo plans, deliverables, a trajectory and risks from the published plans (seeds 001–004).

Idempotent: running it again finds what it made before and creates nothing twice.

* Norfolk & Waveney: seed 001's 2022/23 deliverables with their real "Progress September 2022"
  statuses, imported through the same import and word mapping a user would use (free-text
  progress such as "Plans submitted June 22" is mapped explicitly below, never guessed). Short
  titles, due dates and workstreams are ours, read from each deliverable's text. A few
  2022/23 Q3 updates (at risk and off track, with recovery actions) are illustrative.
* Norfolk & Waveney, James Paget (JPUH): seed 004's improvement plan as a trust plan: its four
  priorities with their SROs and workstreams, each item with what will change, what is being
  done and what it means for families (``data/jpuh_improvement_plan.json``, taken from the seed
  as published), the accountability framework as the plan's governance route, and the measures
  the plan names as its KPIs. The plan's period (April 2023 to March 2026, "the next 3 years")
  is our reading of the seed; how often each group reviews progress is not stated in it.
* Kent & Medway: seed 003's continuity of carer trajectory (a quality ambition, linked to the
  continuity of carer measure); the actuals are illustrative.
* BLMK: seed 002's three top risks with their mitigations; the scores are illustrative.
"""

import datetime
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from lmns.models import Lmns, RagStatus, ReportingPeriod
from quality.models import Ambition, AmbitionActual, AmbitionKind, AmbitionTarget, Measure

from . import importing
from .models import (
    Deliverable,
    GovernanceStep,
    Mitigation,
    Plan,
    PlanKpi,
    ReviewFrequency,
    Risk,
    RiskScore,
    Workstream,
)
from .services import UpdateInput, record_updates

KM_CONTINUITY_NOTE = (
    "The plan's own targets. The national continuity of carer target date was withdrawn in "
    "2022, after the plan was written: these targets are not an ambition being failed today."
)

SEED_001 = Path(__file__).parent / "data" / "nw_2022_23_deliverables.csv"
NW_PLAN = "2022/23 planning deliverables"
BLMK_PLAN = "BLMK LMS plan 2018/19"

# What the free-text progress words of seed 001 mean; chosen by the programme team.
SEED_001_MAPPING = {
    "Plans submitted June 22": RagStatus.ON_TRACK,
    "Quitzy Programme Launched at JPUH August 22": RagStatus.ON_TRACK,
    "Lotus Team launched and delivering services": RagStatus.ON_TRACK,
    "All trusts have PCSP in place.": RagStatus.ON_TRACK,
    "Neonatal Critical Care Review and Action Plan completed and submitted July 22": (
        RagStatus.ON_TRACK
    ),
    "MMN launched at NNUH – March 22": RagStatus.ON_TRACK,
}

# Illustrative 2022/23 Q3 updates: (reference, status, narrative, recovery action, by).
NW_Q3_UPDATES = [
    (
        "4d",
        RagStatus.OFF_TRACK,
        "The Maternity Support Worker training plan was not approved by the LMS board in "
        "December: the mapping to the HEE framework is incomplete at two trusts.",
        "Complete the HEE framework mapping with QEH and NNUH and take the plan to the "
        "January LMNS Board.",
        datetime.date(2023, 1, 31),
    ),
    (
        "6",
        RagStatus.AT_RISK,
        "Quitzy is live at JPUH; QEH and NNUH are waiting for tobacco dependence advisers, "
        "so coverage is below the 46% trajectory.",
        "Recruit the advisers through the ICS tobacco dependence programme; interim cover "
        "from the JPUH team.",
        datetime.date(2023, 2, 28),
    ),
    (
        "14",
        RagStatus.AT_RISK,
        "Two births under 27 weeks took place outside a NICU unit this quarter; the reviews "
        "are not yet complete.",
        "Complete both reviews with the Operational Delivery Network and report themes to "
        "the Perinatal Quality Surveillance Group.",
        datetime.date(2023, 3, 15),
    ),
]

CONTINUITY_TEXT = (
    "Implement an enhanced and targeted continuity of carer model, ensuring that by 2024, 75% "
    "of women from Black, Asian and minority ethnic communities and from the most deprived "
    "groups will receive continuity of the person caring for them during pregnancy, during "
    "birth and postnatally."
)

# Seed 002's top three risks: (title, description, [(mitigation, owner)], score history)
BLMK_RISKS = [
    (
        "Continuity of carer",
        "BLMK LMS is starting from a very low baseline towards the trajectory for Continuity "
        "of Carer which means the trajectory set by NHSE (20% of all women booked by 2019 will "
        "receive CoC) may not be achieved and women will not receive the benefits of CoC as "
        "outlined in Better Births.",
        "A very low baseline of continuity of carer across the three trusts.",
        "Women will not receive the benefits of continuity of carer.",
        [
            ("Pilot schemes being developed which will achieve trajectories", "LMS programme team"),
            (
                "Interim workforce and finance leads appointed to carry out focussed work "
                "assessing workforce requirements and costs in relation to achieving CoC "
                "trajectories",
                "Interim workforce lead",
            ),
        ],
        [(datetime.date(2018, 9, 30), 3, 4), (datetime.date(2018, 12, 1), 4, 4)],
    ),
    (
        "Finance",
        "The financial implications of the LMS Transformation Plans are not yet fully detailed: "
        "the LMS is unable to address all the points required by the Regional Finance Team.",
        "The financial implications of the plans are not yet fully detailed.",
        "An incomplete financial case for change and assessment of financial implications.",
        [
            (
                "Strengthen financial governance: Finance Sub-group with a workplan for key "
                "activity, dedicated financial support and dialogue with NHSE",
                "Finance Sub-group chair",
            ),
            (
                "CCG Deputy Chief Financial Officer overseeing the development of the "
                "financial plan",
                "CCG Deputy Chief Financial Officer",
            ),
        ],
        [(datetime.date(2018, 9, 30), 3, 5), (datetime.date(2018, 12, 1), 4, 5)],
    ),
    (
        "Programme management",
        "Changes in a number of senior leadership roles combined with capacity issues within "
        "the LMS mean that there may be a loss of momentum and direction, and connection with "
        "the wider STP programme will be reduced.",
        "Changes in senior leadership roles and capacity issues within the LMS.",
        "Loss of momentum and direction; weaker connection with the wider STP programme.",
        [
            ("Contingency planning: ensure lines of communication are clear", "LMS SRO"),
            ("Succession plans to be confirmed", "LMS SRO"),
            ("Effective use of transformation funds to support delivery", "LMS programme team"),
        ],
        [(datetime.date(2018, 9, 30), 4, 4), (datetime.date(2018, 12, 1), 3, 4)],
    ),
]


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def _period(start_year: int, quarter: int) -> ReportingPeriod:
    return ReportingPeriod.objects.get_or_create(start_year=start_year, quarter=quarter)[0]


def load_norfolk_and_waveney() -> int:
    lmns = Lmns.objects.get(short_name="NWLMNS")
    plan, _ = Plan.objects.get_or_create(
        lmns=lmns,
        title=NW_PLAN,
        trust=None,
        defaults={
            "period_start": datetime.date(2022, 4, 1),
            "period_end": datetime.date(2023, 3, 31),
        },
    )
    september = _period(2022, 2)
    team = _user("nw-team")
    if not plan.deliverables.filter(updates__period=september).exists():
        rows = importing.parse(SEED_001).rows
        mapping = {importing.normalise(w): s for w, s in SEED_001_MAPPING.items()}
        importing.import_rows(plan, september, rows, mapping, team)
        nnuh = lmns.trusts.filter(short_name="NNUH").first()
        if nnuh:
            plan.deliverables.get(number=15, part="").trusts.set([nnuh])
    december = _period(2022, 3)
    if not plan.deliverables.filter(updates__period=december).exists():
        by_ref = {d.reference: d for d in plan.deliverables.all()}
        record_updates(
            items=[
                UpdateInput(
                    deliverable=by_ref[ref],
                    expected_version=by_ref[ref].version,
                    status=status,
                    narrative=narrative,
                    recovery_action=action,
                    recovery_date=when,
                )
                for ref, status, narrative, action, when in NW_Q3_UPDATES
            ],
            period=december,
            user=team,
        )
    # A deliverable QEH's lead owns, so a trust lead's work queue shows an update due.
    owned = plan.deliverables.filter(owner__isnull=True).order_by("number", "part").first()
    qeh_lead = _user("qeh-lead")
    if owned is not None and qeh_lead is not None and not plan.deliverables.filter(owner=qeh_lead):
        Deliverable.objects.filter(pk=owned.pk).update(owner=qeh_lead)
    return plan.deliverables.count()


def load_kent_and_medway() -> None:
    lmns = Lmns.objects.get(short_name="KMLMNS")
    plan, _ = Plan.objects.get_or_create(
        lmns=lmns,
        title="LMS Transformation Plan 2019/20–2023/24",
        trust=None,
        defaults={
            "period_start": datetime.date(2019, 4, 1),
            "period_end": datetime.date(2024, 3, 31),
        },
    )
    workstream, _ = Workstream.objects.get_or_create(
        plan=plan, name="Continuity of carer", defaults={"order": 1}
    )
    deliverable, _ = Deliverable.objects.get_or_create(
        plan=plan,
        number=1,
        part="",
        defaults={
            "title": "Enhanced and targeted continuity of carer",
            "text": CONTINUITY_TEXT,
            "workstream": workstream,
            "owner_name": "Better Births Midwives and LMS workforce lead",
            "due_date": datetime.date(2024, 3, 31),
        },
    )
    trajectory = deliverable.ambition
    if trajectory is None:
        trajectory = Ambition.objects.create(
            lmns=lmns,
            kind=AmbitionKind.PLAN,
            measure=Measure.objects.filter(code="COC-BAME").first(),
            metric="Women receiving continuity of carer",
            unit="%",
            data_source="Trust data, measured through the LMS workstreams",
            source="Kent and Medway LMS Strategy Delivery Plan 2019/20 to 2023/24 (seed 003)",
            in_force_until=plan.period_end,
            note=KM_CONTINUITY_NOTE,
        )
        AmbitionTarget.objects.bulk_create(
            [
                AmbitionTarget(ambition=trajectory, due=datetime.date(2020, 3, 31), value=35),
                AmbitionTarget(
                    ambition=trajectory, due=datetime.date(2021, 3, 31), value=51, qualifier=">"
                ),
                AmbitionTarget(
                    ambition=trajectory,
                    due=datetime.date(2024, 3, 31),
                    value=75,
                    population="Black, Asian and mixed ethnicity women",
                ),
            ]
        )
        deliverable.ambition = trajectory
        deliverable.save(update_fields=["ambition"])
    for (year, quarter), value in {
        (2019, 4): 18,
        (2020, 2): 24,
        (2020, 4): 31,
        (2021, 2): 29,
    }.items():
        AmbitionActual.objects.get_or_create(
            ambition=trajectory,
            period=_period(year, quarter),
            defaults={"value": value, "note": "Illustrative figure"},
        )


def load_blmk() -> int:
    lmns = Lmns.objects.get(short_name="BLMKLMNS")
    plan, _ = Plan.objects.get_or_create(
        lmns=lmns,
        title=BLMK_PLAN,
        defaults={
            "period_start": datetime.date(2018, 4, 1),
            "period_end": datetime.date(2019, 3, 31),
        },
    )
    continuity, _ = Deliverable.objects.get_or_create(
        plan=plan,
        number=1,
        part="",
        defaults={"title": "Continuity of carer", "owner_name": "LMS programme team"},
    )
    team = _user("blmk-team")
    for title, description, cause, consequence, mitigations, scores in BLMK_RISKS:
        (_, likelihood, impact) = scores[-1]
        risk, created = Risk.objects.get_or_create(
            lmns=lmns,
            title=title,
            defaults={
                "description": description,
                "cause": cause,
                "consequence": consequence,
                "owner_name": "LMS SRO",
                "likelihood": likelihood,
                "impact": impact,
                "review_date": datetime.date(2019, 3, 31),
            },
        )
        if not created:
            continue
        if title == "Continuity of carer":
            risk.deliverables.set([continuity])
        for when, like, imp in scores:
            RiskScore.objects.create(
                risk=risk, likelihood=like, impact=imp, scored_on=when, scored_by=team
            )
        for action, owner in mitigations:
            Mitigation.objects.create(risk=risk, action=action, owner_name=owner)
    return lmns.risks.count()


SEED_004 = Path(__file__).parent / "data" / "jpuh_improvement_plan.json"
JPUH_PLAN = "Improvement Plan – Maternity Services"
# Seed 004's four priorities: (name, SRO, its workstream).
JPUH_PRIORITIES = [
    (
        "Ensure that standards, structures and processes are in place to deliver safe, "
        "personalised, and equitable care",
        "Chief Medical Officer",
        "Work stream: Safe and Effective Service Provision – 'Caring for our patients'",
    ),
    (
        "Grow, retain and develop our workforce in line with the needs of the service",
        "Director of People and Culture",
        "Work stream: Caring, Compassionate and Competent Staff – 'Supporting Our People'",
    ),
    (
        "Work with service users, staff and community voices to shape our services",
        "Chief Nurse",
        "Work stream: Responsive Communication and Patient Voice – 'Collaboration with our "
        "partners'",
    ),
    (
        "Create a collaborative culture of safety, learning and support through effective "
        "leadership",
        "Chief Operating Officer",
        "Work stream: Well-Led Continuous Improvement Culture – 'Enhancing our performance'",
    ),
]
# Seed 004's accountability framework, from the division up; how often each group reviews
# progress is not stated in the plan.
JPUH_GOVERNANCE = [
    (
        "Maternity – Divisional Governance",
        "",
        "Ongoing monitoring of maternity service improvement from a divisional perspective.\n"
        "Providing support to Executive Maternity Improvement Group if required.\n"
        "Ongoing monitoring of key metrics for maternity which are agreed as Business as Usual.",
    ),
    (
        "Executive Maternity Improvement Group",
        "Chief Executive",
        "Ensuring that each priority has a clear plan for delivery.\n"
        "Reporting against key metrics within each workstream and developing remedial actions "
        "where projects are not on track.\n"
        "Adopting an open and honest approach with Divisional Leads and updating on any support "
        "required.",
    ),
    (
        "Patient Safety and Quality Committee",
        "",
        "Supporting delivery through effective challenge and monitoring against plans.\n"
        "To lead staff in line with the direction and achievement of delivery plans.\n"
        "Escalating key issues to delivery to Trust Board of Directors when required.",
    ),
    (
        "Board of Directors",
        "",
        "Ensuring we have realistic delivery plans underpinning each workstream which support "
        "overall improvement of maternity services.\n"
        "Assurance on progress through the Board of Directors.",
    ),
]
# The measures seed 004 names for finding its gap against national standards.
JPUH_KPIS = [
    "BOOKING-10WK",
    "ONE-TO-ONE",
    "SMOKE-BOOKING",
    "SMOKE-DELIVERY",
    "BREASTFEEDING",
    "INDUCTION",
]


def load_james_paget() -> int:
    """Seed 004: James Paget's improvement plan as a trust plan of Norfolk and Waveney."""
    lmns = Lmns.objects.get(short_name="NWLMNS")
    jpuh = lmns.trusts.filter(ods_code="RGP").first()
    if jpuh is None:
        return 0
    plan, _ = Plan.objects.get_or_create(
        lmns=lmns,
        trust=jpuh,
        title=JPUH_PLAN,
        defaults={
            "period_start": datetime.date(2023, 4, 1),
            "period_end": datetime.date(2026, 3, 31),
        },
    )
    workstreams = {}
    for order, (name, sro, description) in enumerate(JPUH_PRIORITIES, start=1):
        workstreams[order], _ = Workstream.objects.get_or_create(
            plan=plan,
            name=f"Priority {order}. {name}",
            defaults={"sro": sro, "description": description, "order": order},
        )
    parts: dict[int, int] = {}
    for row in json.loads(SEED_004.read_text(encoding="utf-8")):
        priority = row["priority"]
        parts[priority] = parts.get(priority, 0) + 1
        Deliverable.objects.get_or_create(
            plan=plan,
            number=priority,
            part="abcdefghijklmnopqrstuvwxyz"[parts[priority] - 1],
            defaults={
                "title": row["title"],
                "text": row["change"],
                "actions": row["actions"],
                "for_families": row["families"],
                "workstream": workstreams[priority],
                "owner_name": workstreams[priority].sro,
                "due_date": plan.period_end,
            },
        )
    for level, (group, chair, responsibilities) in enumerate(JPUH_GOVERNANCE, start=1):
        GovernanceStep.objects.get_or_create(
            plan=plan,
            level=level,
            defaults={
                "group": group,
                "chair": chair,
                "responsibilities": responsibilities,
                "frequency": ReviewFrequency.NOT_STATED,
            },
        )
    for order, code in enumerate(JPUH_KPIS, start=1):
        measure = Measure.objects.filter(code=code).first()
        if measure is not None:
            PlanKpi.objects.get_or_create(plan=plan, measure=measure, defaults={"order": order})
    return plan.deliverables.count()


@transaction.atomic
def load() -> str:
    nw = load_norfolk_and_waveney()
    jpuh = load_james_paget()
    load_kent_and_medway()
    risks = load_blmk()
    return (
        f"{nw} Norfolk and Waveney deliverables, James Paget's improvement plan with {jpuh} "
        f"workstream items, a Kent and Medway continuity of carer trajectory, {risks} BLMK risks"
    )
