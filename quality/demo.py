"""Demo: 30 months of ILLUSTRATIVE monthly figures for the Kent and Medway and the Norfolk and
Waveney trusts, ending with the last complete month, so the demo looks alive whatever the date.

They are not real figures and every page that shows them says "Illustrative figures". They are
shaped so the charts show each kind of signal, with concerning and failing signals only on
process measures (staffing, training), never on mortality:

* common cause almost everywhere (a fixed zig-zag around each trust's level, which never makes
  a run or a trend by chance);
* special cause improving: bookings before 10 weeks at EKHUFT and smoking at delivery at NNUH
  (the last 8 months better);
* special cause concerning: the night midwife fill rate at DGT (the last 8 months lower);
* a target consistently failed: fetal monitoring training at QEH (about 78% against 90%);
* limits rebased: continuity of carer at MTW, from the month its new team started.

Seed 003's national ambitions (stillbirth, preterm birth, smoking at delivery) are loaded as
Kent and Medway's targets on those measures, each with its source; the stillbirth baseline is not
in the seeds and is marked illustrative. Seed 003's UNICEF UK Baby Friendly table is loaded as
each provider's stages: DVH is Darent Valley Hospital (DGT); KCHFT (a community trust) and MCH
(a community interest company) are named providers, not trusts; undated ticks are "achieved,
date not stated" and "assessment due" dates are planned.

Idempotent: loaded again, the figures of these trusts' last 30 months are updated in place and
nothing is created twice or deleted.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from lmns.models import Lmns, Trust

from .models import (
    Accreditation,
    AccreditationScheme,
    AccreditationStep,
    Ambition,
    AmbitionKind,
    AmbitionTarget,
    FigureSource,
    FigureStatus,
    Measure,
    MonthlyFigure,
    Rebase,
)
from .selectors import add_months, last_complete_month, months_ending

MONTHS = 30
ZIGZAG = [0.3, -0.6, 0.9, -0.2, -0.8, 0.5, 0.1, -0.5, 0.7, -0.9, 0.4, 0.1]
# ODS code: births a month.
TRUSTS = {"RVV": 560, "RN7": 330, "RWF": 480, "RPA": 400, "RGP": 150, "RM1": 470, "RCX": 200}
# code: (level, spread) in the measure's unit.
LEVELS = {
    "FILL-MW-DAY": (95, 2.5),
    "FILL-MW-NIGHT": (93, 2.5),
    "ONE-TO-ONE": (99.3, 0.6),
    "TRAIN-PROMPT": (93, 2.0),
    "TRAIN-FETAL": (92, 2.0),
    "TRAIN-NLS": (94, 1.8),
    "PMRT-STARTED": (100, 0),
    "INCIDENTS-MOD": (4, 2),
    "FEEDBACK-USERS": (60, 12),
    "FEEDBACK-STAFF": (16, 5),
    "PRETERM": (7.4, 0.9),
    "SMOKE-BOOKING": (11, 1.4),
    "SMOKE-DELIVERY": (7, 1.0),
    "BOOKING-10WK": (56, 4),
    "BREASTFEEDING": (72, 3),
    "INDUCTION": (33, 2.5),
    "COC-BAME": (28, 3),
}
# (ODS, code): (change in the last 8 months, or a level of its own)
SHIFTS = {("RVV", "BOOKING-10WK"): 12, ("RM1", "SMOKE-DELIVERY"): -3, ("RN7", "FILL-MW-NIGHT"): -9}
OWN_LEVEL = {("RCX", "TRAIN-FETAL"): (78, 2.0)}
REBASE = (
    "RWF",
    "COC-BAME",
    12,
    14,
    "Continuity of carer team for Black, Asian and mixed ethnicity women launched (illustrative).",
)
# Rare events: (events per 1,000 births) cycled so that counts stay small and plausible.
RARE = {"STILLBIRTH": [0, 1, 0, 2, 1, 0, 1, 0, 0, 1, 2, 0], "NEONATAL-DEATH": [0, 0, 1, 0, 1, 0],
        "MNSI-REFERRALS": [0, 0, 0, 1, 0, 0, 0, 0, 1, 0]}  # fmt: skip


def _d(value: float, places: str = "1") -> Decimal:
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _figures(trust: Trust, births: int, measure: Measure, months, lead) -> list[MonthlyFigure]:
    key = (trust.ods_code, measure.code)
    n = len(months)
    offset = sum(map(ord, trust.ods_code + measure.code)) % len(ZIGZAG)
    out = []
    for i, month in enumerate(months):
        common = {
            "trust": trust,
            "measure": measure,
            "month": month,
            "status": FigureStatus.FINAL if i < n - 2 else FigureStatus.PROVISIONAL,
            "source": FigureSource.ILLUSTRATIVE,
            "entered_by": lead,
        }
        if measure.code in RARE:
            cycle = RARE[measure.code]
            out.append(
                MonthlyFigure(
                    **common,
                    numerator=cycle[(i + offset) % len(cycle)],
                    denominator=births + (i * 7 + offset) % 23,
                )
            )
            continue
        level, spread = OWN_LEVEL.get(key, LEVELS[measure.code])
        value = level + spread * ZIGZAG[(i + offset) % len(ZIGZAG)]
        if i >= n - 8:
            value += SHIFTS.get(key, 0)
        if key[:2] == REBASE[:2] and i >= n - REBASE[2]:
            value += REBASE[3]
        if measure.is_count:
            out.append(MonthlyFigure(**common, numerator=_d(max(value, 0))))
            continue
        if measure.code == "PMRT-STARTED":
            deaths = 1 + (i + offset) % 3
            out.append(MonthlyFigure(**common, numerator=deaths, denominator=deaths))
            continue
        denominator = births * 16 if measure.code.startswith("FILL") else births
        if measure.code.startswith("TRAIN"):
            denominator = 300 + births // 3
        value = min(value, 100) if not measure.may_exceed_100 else value
        out.append(
            MonthlyFigure(
                **common,
                numerator=_d(denominator * value / 100),
                denominator=denominator,
            )
        )
    return out


@transaction.atomic
def load() -> str:
    trusts = list(Trust.objects.filter(ods_code__in=TRUSTS))
    if not trusts:
        return "skipped: Kent and Medway, Norfolk and Waveney not loaded"
    months = months_ending(last_complete_month(), MONTHS)
    measures = list(Measure.objects.active())
    leads = {
        m.trust_id: m.user
        for trust in trusts
        for m in trust.memberships.select_related("user").filter(role="trust_lead")
    }
    figures = [
        figure
        for trust in trusts
        for measure in measures
        for figure in _figures(trust, TRUSTS[trust.ods_code], measure, months, leads.get(trust.pk))
    ]
    # Loaded again later, the window has moved on: figures already there are updated in place.
    existing = {
        (f.trust_id, f.measure_id, f.month): f
        for f in MonthlyFigure.objects.filter(trust__in=trusts, month__gte=months[0])
    }
    fields = ["numerator", "denominator", "not_available", "status", "source", "entered_by"]
    changed = []
    for figure in figures:
        found = existing.get((figure.trust_id, figure.measure_id, figure.month))
        if found is not None:
            for name in fields:
                setattr(found, name, getattr(figure, name))
            changed.append(found)
    MonthlyFigure.objects.bulk_update(changed, fields, batch_size=2000)
    MonthlyFigure.objects.bulk_create(
        [f for f in figures if (f.trust_id, f.measure_id, f.month) not in existing],
        batch_size=2000,
    )
    ods, code, back, _, reason = REBASE
    trust = next((t for t in trusts if t.ods_code == ods), None)
    measure = Measure.objects.filter(code=code).first()
    if trust is not None and measure is not None:
        if not Rebase.objects.filter(trust=trust, measure=measure, reason=reason).exists():
            Rebase.objects.create(
                trust=trust,
                measure=measure,
                month=add_months(months[-1], -(back - 1)),
                reason=reason,
                created_by=get_user_model().objects.filter(username="admin").first(),
            )
    extra = load_kent_and_medway_ambitions_and_accreditations()
    return f"{len(figures)} illustrative monthly figures for {len(trusts)} trusts; {extra}"


SEED_003 = "Kent and Medway LMS Strategy Delivery Plan 2019/20 to 2023/24 (seed 003)"
SAVING_BABIES = "https://www.england.nhs.uk/mat-transformation/saving-babies/"
# Seed 003's national ambitions, as Kent and Medway's plan states them: (measure, metric, unit,
# baseline value, baseline year, baseline source, illustrative baseline, target qualifier,
# value, due, source, link, note).
KM_AMBITIONS = [
    (
        "STILLBIRTH",
        "Halve the stillbirth rate by 2025",
        "per 1,000",
        Decimal("5.1"),
        2010,
        "England's 2010 rate, the national ambition's baseline",
        True,
        "",
        Decimal("2.55"),
        datetime.date(2025, 12, 31),
        f"{SEED_003}: a 50% reduction in stillbirth by 2025",
        SAVING_BABIES,
        "Seed 003 states the 50% reduction but not the baseline: the baseline, and so the "
        "target value, are illustrative.",
    ),
    (
        "PRETERM",
        "Reduce preterm births from 8% to 6% by 2025",
        "%",
        Decimal("8"),
        None,
        "seed 003 (Saving Babies' Lives care bundle version 2)",
        False,
        "",
        Decimal("6"),
        datetime.date(2025, 12, 31),
        f"{SEED_003}: a reduction in preterm birth rate from 8% to 6% by 2025",
        SAVING_BABIES,
        "",
    ),
    (
        "SMOKE-DELIVERY",
        "Smoking at time of delivery 6% or less",
        "%",
        None,
        None,
        "",
        False,
        "≤",
        Decimal("6"),
        datetime.date(2022, 12, 31),
        f"{SEED_003}: the Tobacco Control Plan 2017–2022 ambition of 6% or less by 2022",
        "",
        "The plan's Improving Prevention workstream reviews progress against 6% or less.",
    ),
]
# Seed 003's Baby Friendly table: provider -> {stage order: (status, month or None)}. DVH is
# Darent Valley Hospital, run by DGT (RN7). KCHFT and MCH are not maternity trusts.
BFI_TRUSTS = {
    "RVV": {1: ("achieved", None), 2: ("achieved", None)},
    "RPA": {
        1: ("achieved", None),
        2: ("achieved", None),
        3: ("achieved", None),
        4: ("achieved", datetime.date(2019, 12, 1)),
    },
    "RN7": {
        1: ("achieved", None),
        2: ("achieved", None),
        3: ("achieved", None),
        4: ("achieved", None),
        5: ("planned", datetime.date(2019, 10, 1)),
    },
    "RWF": {1: ("achieved", None), 2: ("achieved", None)},
}
BFI_PROVIDERS = [
    (
        "Kent Community Health NHS Foundation Trust",
        "KCHFT",
        "community_trust",
        {
            1: ("achieved", None),
            2: ("achieved", None),
            3: ("achieved", None),
            4: ("planned", datetime.date(2020, 3, 1)),
        },
    ),
    (
        "Medway Community Healthcare",
        "MCH",
        "cic",
        {
            1: ("achieved", None),
            2: ("achieved", None),
            3: ("achieved", None),
            4: ("achieved", None),
            5: ("achieved", datetime.date(2019, 6, 1)),
        },
    ),
]


def _steps(accreditation: Accreditation, steps: dict) -> None:
    stages = {s.order: s for s in accreditation.scheme.stages.all()}
    for order, (status, on) in steps.items():
        AccreditationStep.objects.get_or_create(
            accreditation=accreditation,
            stage=stages[order],
            defaults={"status": status, "on": on},
        )


def load_kent_and_medway_ambitions_and_accreditations() -> str:
    """Seed 003's national ambitions as Kent and Medway's targets, and its Baby Friendly
    table. Idempotent."""
    lmns = Lmns.objects.filter(short_name="KMLMNS").first()
    scheme = AccreditationScheme.objects.filter(code="BFI").first()
    if lmns is None or scheme is None:
        return "no Kent and Medway ambitions (the LMNS is not loaded)"
    for row in KM_AMBITIONS:
        code, metric, unit, base, year, base_source, illustrative = row[:7]
        qualifier, value, due, source, url, note = row[7:]
        measure = Measure.objects.filter(code=code).first()
        ambition, created = Ambition.objects.get_or_create(
            lmns=lmns,
            trust=None,
            metric=metric,
            defaults={
                "measure": measure,
                "kind": AmbitionKind.NATIONAL,
                "unit": unit,
                "baseline_value": base,
                "baseline_date": datetime.date(year, 1, 1) if year else None,
                "baseline_source": base_source,
                "baseline_illustrative": illustrative,
                "source": source,
                "source_url": url,
                "note": note,
            },
        )
        if created:
            AmbitionTarget.objects.create(
                ambition=ambition, due=due, value=value, qualifier=qualifier
            )
    source = f"{SEED_003}, infant feeding"
    for ods, steps in BFI_TRUSTS.items():
        trust = lmns.trusts.filter(ods_code=ods).first()
        if trust is None:
            continue
        accreditation, _ = Accreditation.objects.get_or_create(
            lmns=lmns, scheme=scheme, trust=trust, defaults={"source": source}
        )
        _steps(accreditation, steps)
    for name, short, kind, steps in BFI_PROVIDERS:
        accreditation, _ = Accreditation.objects.get_or_create(
            lmns=lmns,
            scheme=scheme,
            trust=None,
            provider_name=name,
            defaults={"provider_short_name": short, "provider_kind": kind, "source": source},
        )
        _steps(accreditation, steps)
    return (
        f"{lmns.quality_ambitions.count()} Kent and Medway ambitions, "
        f"{lmns.accreditations.count()} Baby Friendly accreditations"
    )
