"""Demo funding from seed 002: BLMK's £458,000 transformation funding in 2018/19 and its nine uses.

Quarters 1 and 2 are signed off; Q3 is a draft with the central lines entered and the three trust
project manager lines waiting for their trust leads; the continuity of carer pilot is behind
profile. Idempotent: rows are matched on natural keys and only saved when something differs.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from deliverables.models import Deliverable, Plan, Workstream
from lmns.models import Lmns, ReportingPeriod, Trust

from .models import (
    BudgetLine,
    Category,
    CompletionStatus,
    FundingStream,
    SpendEntry,
    SpendReturn,
    SpendReturnStatus,
    SpendReturnTransition,
    StreamKind,
    TrustCompletion,
    TrustCompletionTransition,
)

YEAR = 2018
PLAN_TITLE = "BLMK LMS plan 2018/19"

# (number, workstream, title); number 1 matches the deliverables app's demo of the same plan.
DELIVERABLES = [
    (1, "Continuity of carer", "Continuity of carer"),
    (2, "Safer care", "Saving Babies' Lives care bundle fully implemented in every trust"),
    (3, "Personalised care", "Every woman has a personalised care plan by 2020/21"),
    (4, "Prevention", "Target high-risk groups: hypertension, obesity, diabetes, mental health"),
    (
        5,
        "Co-production",
        "Services co-produced with women through the Maternity Voices Partnerships",
    ),
    (6, "Programme delivery", "LMS programme capacity and a single LMS dashboard for monitoring"),
]

P, N, S = Category.PAY, Category.NON_PAY, Category.SERVICE_USER
# (title, deliverable number, holder ODS code or None, category, WTE, band, profile by quarter)
LINES = [
    ("Clinical lead midwife (Band 8a, 0.6 WTE)", 2, None, P, "0.6", "8a", (9500,) * 4),
    ("Band 8a backfill, MKCCG children's commissioning team", 6, None, P, "1", "8a", (15500,) * 4),
    ("Project manager, Bedford Hospital (Band 7)", 6, "RC1", P, "1", "7", (13000,) * 4),
    ("Project manager, Luton and Dunstable (Band 7)", 6, "RC9", P, "1", "7", (13000,) * 4),
    ("Project manager, Milton Keynes (Band 7)", 6, "RD8", P, "1", "7", (13000,) * 4),
    ("Public health midwife (Band 7)", 4, None, P, "1", "7", (13000,) * 4),
    ("Continuity of carer: workforce planning and estate", 1, None, N, None, "", (0, 30000, 0, 0)),
    ("Continuity of carer: pilot set-up costs", 1, None, N, None, "", (0, 20000, 20000, 20000)),
    (
        "Personalised care planning: digital solution scoping",
        3,
        None,
        N,
        None,
        "",
        (0, 0, 25000, 0),
    ),
    ("Single LMS dashboard", 6, None, N, None, "", (0, 25000, 0, 0)),
    ("Service user remuneration", 5, None, S, None, "", (2500,) * 4),
]
# The demo-state table: in Q3 one trust's lines are complete, two not yet reported.
COMPLETE_IN_Q3, COMPLETE_LEAD = "RC1", "bh-lead"
APPROVED_AT = datetime.datetime(2018, 5, 1, 10, tzinfo=datetime.UTC)
BEHIND = "Continuity of carer: pilot set-up costs"
PILOT_ACTUALS = {2: Decimal("4000"), 3: Decimal("8000")}
PILOT_NARRATIVE = (
    "Pilot site agreement signed late (August); estates work and recruitment to the pilot team "
    "slipped to Q3. Set-up now under way; forecast reduced to £35,000."
)


def _upsert(model, lookup: dict, values: dict):
    """get_or_create, then save only the fields that differ (no needless history rows)."""
    obj, created = model.objects.get_or_create(**lookup, defaults=values)
    if not created:
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save()
    return obj


def _deliverables(lmns: Lmns) -> dict[int, Deliverable]:
    plan, _ = Plan.objects.get_or_create(
        lmns=lmns,
        title=PLAN_TITLE,
        defaults={
            "period_start": datetime.date(2018, 4, 1),
            "period_end": datetime.date(2019, 3, 31),
        },
    )
    found = {}
    for order, (number, workstream_name, title) in enumerate(DELIVERABLES):
        workstream, _ = Workstream.objects.get_or_create(
            plan=plan, name=workstream_name, defaults={"order": order}
        )
        found[number], _ = Deliverable.objects.get_or_create(
            plan=plan, number=number, part="", defaults={"title": title, "workstream": workstream}
        )
    return found


def _figures(line: BudgetLine, quarter: int) -> dict:
    profile = line.profile_for(quarter)
    if line.title == BEHIND:
        actual = PILOT_ACTUALS.get(quarter, Decimal("0"))
        return {
            "actual": actual,
            "accruals": Decimal("1500") if quarter == 3 else Decimal("0"),
            "commitments": Decimal("12000") if quarter >= 2 else Decimal("0"),
            "forecast_outturn": Decimal("35000") if quarter >= 2 else line.approved_amount,
            "narrative": PILOT_NARRATIVE if quarter >= 2 else "",
        }
    return {
        "actual": profile,
        "accruals": Decimal("0"),
        "commitments": Decimal("0"),
        "forecast_outturn": line.approved_amount,
        "narrative": "",
    }


@transaction.atomic
def load() -> str:
    lmns = Lmns.objects.filter(short_name="BLMKLMNS").first()
    if lmns is None:
        return "skipped: BLMK LMNS not loaded"
    User = get_user_model()  # noqa: N806
    team = User.objects.filter(username="blmk-team").first()
    deliverables = _deliverables(lmns)
    stream = _upsert(
        FundingStream,
        {"lmns": lmns, "start_year": YEAR, "kind": StreamKind.LINE_A},
        {
            "name": "Transformation funding",
            "amount": Decimal("458000.00"),
            "date_notified": datetime.date(2018, 4, 20),
        },
    )
    trusts = {t.ods_code: t for t in Trust.objects.filter(lmns=lmns)}
    lines = []
    for title, number, ods, category, wte, band, profile in LINES:
        lines.append(
            _upsert(
                BudgetLine,
                {"stream": stream, "title": title},
                {
                    "deliverable": deliverables[number],
                    "holder_trust": trusts.get(ods) if ods else None,
                    "category": category,
                    "wte": Decimal(wte) if wte else None,
                    "band": band,
                    "approved_amount": Decimal(sum(profile)),
                    **{
                        f"profile_q{q}": Decimal(v)
                        for q, v in zip((1, 2, 3, 4), profile, strict=True)
                    },
                    "approved_by": team,
                    "approved_at": APPROVED_AT,
                },
            )
        )

    entries = 0
    for quarter in (1, 2, 3):
        period = ReportingPeriod.objects.get(start_year=YEAR, quarter=quarter)
        spend_return, created = SpendReturn.objects.get_or_create(lmns=lmns, period=period)
        if created and quarter < 3:
            _sign_off(spend_return, team, period)
        for line in lines:
            entered_by = team
            if quarter == 3 and line.holder_trust_id:
                if line.holder_trust.ods_code != COMPLETE_IN_Q3:
                    continue  # left for the other trusts' leads to enter
                entered_by = User.objects.filter(username=COMPLETE_LEAD).first()
            _upsert(
                SpendEntry,
                {"spend_return": spend_return, "budget_line": line},
                {"quarter": quarter, "entered_by": entered_by, **_figures(line, quarter)},
            )
            entries += 1
        if quarter == 3 and COMPLETE_IN_Q3 in trusts:
            _complete(spend_return, trusts[COMPLETE_IN_Q3], period)
    return f"BLMK 2018/19: £458,000 in {len(lines)} budget lines, {entries} spend entries"


def _complete(spend_return: SpendReturn, trust: Trust, period: ReportingPeriod) -> None:
    """Bedford Hospital entered its Q3 line and marked it complete, two weeks after the quarter."""
    lead = get_user_model().objects.filter(username=COMPLETE_LEAD).first()
    at = timezone.make_aware(
        datetime.datetime.combine(period.end_date + datetime.timedelta(days=14), datetime.time(16))
    )
    completion, created = TrustCompletion.objects.get_or_create(
        spend_return=spend_return,
        trust=trust,
        defaults={"status": CompletionStatus.COMPLETE, "completed_by": lead, "completed_at": at},
    )
    if created:
        step = TrustCompletionTransition.objects.create(
            completion=completion,
            from_status=CompletionStatus.OPEN,
            to_status=CompletionStatus.COMPLETE,
            by=lead,
        )
        TrustCompletionTransition.objects.filter(pk=step.pk).update(at=at)


def _sign_off(spend_return: SpendReturn, team, period: ReportingPeriod) -> None:
    """Submitted by the team, signed off a week later by its finance lead (four eyes)."""
    finance = get_user_model().objects.get(username=team.username.replace("-team", "-finance"))
    submitted = timezone.make_aware(
        datetime.datetime.combine(period.end_date + datetime.timedelta(days=20), datetime.time(10))
    )
    signed = submitted + datetime.timedelta(days=7)
    SpendReturn.objects.filter(pk=spend_return.pk).update(
        status=SpendReturnStatus.SIGNED_OFF,
        version=3,
        submitted_by=team,
        submitted_at=submitted,
        signed_off_by=finance,
        signed_off_at=signed,
    )
    for from_status, to_status, at, by in (
        (SpendReturnStatus.DRAFT, SpendReturnStatus.SUBMITTED, submitted, team),
        (SpendReturnStatus.SUBMITTED, SpendReturnStatus.SIGNED_OFF, signed, finance),
    ):
        transition = SpendReturnTransition.objects.create(
            spend_return=spend_return, from_status=from_status, to_status=to_status, by=by
        )
        SpendReturnTransition.objects.filter(pk=transition.pk).update(at=at)
