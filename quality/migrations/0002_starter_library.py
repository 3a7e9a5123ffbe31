"""The starter library of measures: what a trust board sees monthly in its perinatal quality
surveillance report, and the seeds' KPIs (seed 003, Kent and Medway; seed 004, James Paget).

Targets are set only where a published source gives one; the continuity of carer target of
seed 003 was withdrawn nationally in 2022 and is not set here.
"""

from django.db import migrations

MIS = (
    "https://resolution.nhs.uk/services/claims-management/clinical-schemes/"
    "clinical-negligence-scheme-for-trusts/maternity-incentive-scheme/"
)
MSDS = (
    "https://digital.nhs.uk/data-and-information/publications/statistical/"
    "maternity-services-monthly-statistics"
)
PQSM = "https://www.england.nhs.uk/publication/implementing-a-revised-perinatal-quality-surveillance-model/"
MBRRACE = "https://www.npeu.ox.ac.uk/mbrrace-uk"
MNSI = "https://www.mnsi.org.uk/"
SBL = "https://www.england.nhs.uk/publication/saving-babies-lives-version-three/"
DELIVERY_PLAN = (
    "https://www.england.nhs.uk/publication/three-year-delivery-plan-for-maternity-and-neonatal-services/"
)
PQS = "Trust perinatal quality surveillance report"
BIRTHS = "Births (live and stillborn, 24 weeks or more) in the month."

# code, short name, theme, description, numerator, denominator, unit, better direction, source,
# kind, extra fields
MEASURES = [
    (
        "FILL-MW-DAY",
        "Midwife fill rate (day)",
        "staffing",
        "Registered midwife hours worked on day shifts against the hours planned.",
        "Registered midwife hours worked on day shifts in the month.",
        "Registered midwife hours planned on day shifts in the month.",
        "percent",
        "higher",
        "Trust safe staffing return",
        "progress",
        {"may_exceed_100": True, "publication_url": PQSM},
    ),
    (
        "FILL-MW-NIGHT",
        "Midwife fill rate (night)",
        "staffing",
        "Registered midwife hours worked on night shifts against the hours planned.",
        "Registered midwife hours worked on night shifts in the month.",
        "Registered midwife hours planned on night shifts in the month.",
        "percent",
        "higher",
        "Trust safe staffing return",
        "progress",
        {"may_exceed_100": True, "publication_url": PQSM},
    ),
    (
        "ONE-TO-ONE",
        "1:1 care in established labour",
        "staffing",
        "Women in established labour cared for by a midwife who cared for no one else.",
        "Women in established labour who received one-to-one midwifery care.",
        "Women in established labour in the month.",
        "percent",
        "higher",
        "Maternity information system",
        "progress",
        {"publication_url": PQSM, "target": "100", "target_source": "Ockenden (2022) and MIS"},
    ),
    (
        "TRAIN-PROMPT",
        "Multi-professional emergencies training (PROMPT)",
        "training",
        "Staff in date with annual multi-professional obstetric emergencies training.",
        "Staff groups in scope who are in date with the training.",
        "Staff groups in scope for the training.",
        "percent",
        "higher",
        "Trust training records",
        "progress",
        {
            "publication_url": MIS,
            "target": "90",
            "target_source": "Maternity Incentive Scheme safety action 8",
        },
    ),
    (
        "TRAIN-FETAL",
        "Fetal monitoring training",
        "training",
        "Staff in date with annual fetal monitoring and surveillance training.",
        "Midwives and obstetricians in date with fetal monitoring training.",
        "Midwives and obstetricians in scope for the training.",
        "percent",
        "higher",
        "Trust training records",
        "progress",
        {
            "publication_url": MIS,
            "target": "90",
            "target_source": "Maternity Incentive Scheme safety action 8",
        },
    ),
    (
        "TRAIN-NLS",
        "Neonatal life support training",
        "training",
        "Staff in date with neonatal basic life support training.",
        "Staff in scope in date with neonatal life support training.",
        "Staff in scope for neonatal life support training.",
        "percent",
        "higher",
        "Trust training records",
        "progress",
        {
            "publication_url": MIS,
            "target": "90",
            "target_source": "Maternity Incentive Scheme safety action 8",
        },
    ),
    (
        "PMRT-STARTED",
        "PMRT reviews started within two months",
        "learning",
        "Perinatal deaths whose Perinatal Mortality Review Tool review started within two "
        "months of the death.",
        "Eligible deaths in the month with a PMRT review started within two months.",
        "Eligible perinatal deaths reported to MBRRACE-UK in the month.",
        "percent",
        "higher",
        "Perinatal Mortality Review Tool",
        "progress",
        {
            "publication_url": MIS,
            "target": "95",
            "target_source": "Maternity Incentive Scheme safety action 1",
            "exclusions": "Deaths not eligible for PMRT review (terminations, late fetal losses "
            "before 22 weeks).",
        },
    ),
    (
        "INCIDENTS-MOD",
        "Incidents graded moderate harm or above",
        "learning",
        "Maternity and neonatal patient safety incidents graded moderate harm, severe harm or "
        "death.",
        "Incidents reported in the month and graded moderate harm or above.",
        "",
        "count",
        "lower",
        "Trust incident reporting system (LFPSE)",
        "outcome",
        {"publication_url": PQSM, "organisation_levels": "trust"},
    ),
    (
        "MNSI-REFERRALS",
        "Referrals to MNSI",
        "learning",
        "Cases referred to Maternity and Newborn Safety Investigations (formerly HSIB).",
        "Cases referred to MNSI in the month.",
        BIRTHS,
        "per_1000",
        "none",
        "Trust MNSI referral log",
        "outcome",
        {"publication_url": MNSI, "rare_event": True, "organisation_levels": "trust"},
    ),
    (
        "STILLBIRTH",
        "Stillbirth rate",
        "outcomes",
        "Babies born with no signs of life at 24 weeks of pregnancy or later.",
        "Stillbirths (24 weeks or more) in the month.",
        BIRTHS,
        "per_1000",
        "lower",
        "MBRRACE-UK and trust records",
        "outcome",
        {
            "publication_url": MBRRACE,
            "rare_event": True,
            "organisation_levels": "trust_lmns_national",
            "exclusions": "Terminations of pregnancy.",
            "standardisation": "None at trust level; MBRRACE-UK publishes stabilised and "
            "adjusted rates yearly.",
        },
    ),
    (
        "NEONATAL-DEATH",
        "Neonatal mortality rate",
        "outcomes",
        "Babies born alive who died within 28 days.",
        "Neonatal deaths (within 28 days of birth) of babies born in the month.",
        "Live births in the month.",
        "per_1000",
        "lower",
        "MBRRACE-UK and trust records",
        "outcome",
        {
            "publication_url": MBRRACE,
            "rare_event": True,
            "organisation_levels": "trust_lmns_national",
            "exclusions": "Births before 24 weeks; terminations of pregnancy.",
        },
    ),
    (
        "FEEDBACK-USERS",
        "Service-user feedback received",
        "listening",
        "Pieces of feedback from women and families: Friends and Family Test comments, "
        "Maternity and Neonatal Voices Partnership walkabouts, compliments and complaints.",
        "Pieces of service-user feedback received in the month.",
        "",
        "count",
        "none",
        "Patient experience team and MNVP",
        "progress",
        {"publication_url": PQSM, "organisation_levels": "trust"},
    ),
    (
        "FEEDBACK-STAFF",
        "Staff feedback to safety champions",
        "listening",
        "Concerns and suggestions raised by staff with the maternity and neonatal safety "
        "champions (walkabouts, drop-ins, freedom to speak up).",
        "Pieces of staff feedback received by the safety champions in the month.",
        "",
        "count",
        "none",
        "Safety champions' log",
        "progress",
        {"publication_url": PQSM, "organisation_levels": "trust"},
    ),
    (
        "PRETERM",
        "Preterm birth rate",
        "outcomes",
        "Singleton babies born before 37 weeks of pregnancy.",
        "Singleton births from 22 weeks to 36 weeks and 6 days in the month.",
        "Singleton births in the month.",
        "percent",
        "lower",
        "Maternity Services Data Set",
        "outcome",
        {
            "msds_measure_id": "CQIMPreterm",
            "publication_url": SBL,
            "target": "6",
            "target_source": "Saving Babies' Lives national ambition: 8% to 6% by 2025 (seed 003)",
            "organisation_levels": "trust_lmns_national",
        },
    ),
    (
        "SMOKE-BOOKING",
        "Smoking at booking",
        "prevention",
        "Women recorded as smokers at their booking appointment.",
        "Women with a booking appointment in the month recorded as smokers.",
        "Women with a booking appointment in the month and a known smoking status.",
        "percent",
        "lower",
        "Maternity Services Data Set",
        "outcome",
        {"msds_measure_id": "CQIMSmokingBooking", "publication_url": MSDS},
    ),
    (
        "SMOKE-DELIVERY",
        "Smoking at time of delivery",
        "prevention",
        "Women recorded as smokers at the time they gave birth.",
        "Women who gave birth in the month recorded as smokers at delivery.",
        "Women who gave birth in the month with a known smoking status.",
        "percent",
        "lower",
        "Maternity Services Data Set",
        "outcome",
        {
            "msds_measure_id": "CQIMSmokingDelivery",
            "publication_url": MSDS,
            "target": "6",
            "target_source": "Tobacco Control Plan: 6% or less (seed 003)",
            "organisation_levels": "trust_lmns_national",
        },
    ),
    (
        "BOOKING-10WK",
        "Booked before 10 weeks",
        "personalised",
        "Women whose booking appointment was before 10 weeks of pregnancy.",
        "Women booked in the month whose booking was before 10 completed weeks.",
        "Women booked in the month.",
        "percent",
        "higher",
        "Maternity information system",
        "progress",
        {"publication_url": DELIVERY_PLAN},
    ),
    (
        "BREASTFEEDING",
        "Breastfeeding initiation",
        "prevention",
        "Babies whose first feed was breast milk.",
        "Babies born in the month whose first feed was breast milk.",
        "Babies born in the month with a known first feed.",
        "percent",
        "higher",
        "Maternity Services Data Set",
        "outcome",
        {"msds_measure_id": "CQIMBreastfeeding", "publication_url": MSDS},
    ),
    (
        "INDUCTION",
        "Induction of labour rate",
        "outcomes",
        "Women whose labour was induced. Neither higher nor lower is better in itself: "
        "watched for change.",
        "Women who gave birth in the month after induction of labour.",
        "Women who gave birth in the month.",
        "percent",
        "none",
        "Maternity information system",
        "progress",
        {"publication_url": DELIVERY_PLAN},
    ),
    (
        "COC-BAME",
        "Continuity of carer (Black, Asian and mixed ethnicity)",
        "personalised",
        "Black, Asian and mixed ethnicity women booked onto a continuity of carer pathway.",
        "Black, Asian and mixed ethnicity women booked in the month onto a continuity of "
        "carer pathway.",
        "Black, Asian and mixed ethnicity women booked in the month.",
        "percent",
        "higher",
        "Maternity information system",
        "progress",
        {
            "population_group": "black_asian_mixed",
            "publication_url": DELIVERY_PLAN,
            "target_source": "Seed 003 planned 75% by March 2024; the national target date was "
            "withdrawn in 2022, so no target is set.",
        },
    ),
]


def load(apps, schema_editor):
    Measure = apps.get_model("quality", "Measure")
    for order, row in enumerate(MEASURES, start=1):
        code, short, theme, text, num, den, unit, better, source, kind, extra = row
        Measure.objects.update_or_create(
            code=code,
            defaults={
                "short_name": short,
                "theme": theme,
                "description": text,
                "numerator": num,
                "denominator": den,
                "unit": unit,
                "better_direction": better,
                "source": source,
                "kind": kind,
                "frequency": "monthly",
                "order": order * 10,
                **extra,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("quality", "Measure").objects.filter(
        code__in=[row[0] for row in MEASURES], figures__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_measures_and_figures")]

    operations = [migrations.RunPython(load, unload)]
