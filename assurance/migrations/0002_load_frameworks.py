"""Reference data: the assurance frameworks the product ships with."""

import datetime

from django.db import migrations

OCKENDEN_INTERIM = {
    "name": "Ockenden interim report: Immediate and Essential Actions",
    "short_name": "Ockenden interim",
    "version": "2020",
    "published": datetime.date(2020, 12, 10),
    "reports_percent": True,
    "sections": [
        ("IEA1", "Enhanced safety", [
            "Clinical change where required is embedded across trusts with regional clinical oversight in a timely way, evidenced through structured reporting such as maternity dashboards, and a formal item on LMNS agendas at least every 3 months.",
            "External clinical specialist opinion is obtained for cases of intrapartum fetal death, maternal death, neonatal brain injury and neonatal death.",
            "All maternity serious incident reports, with a summary of the key issues, are sent to the Trust Board and at the same time to the LMNS for scrutiny, oversight and transparency, at least every 3 months.",
        ]),
        ("IEA2", "Listening to women and families", [
            "An independent senior advocate role reports to both the Trust and the LMNS Boards.",
            "The advocate is available to families attending follow-up meetings with clinicians where concerns about maternity or neonatal care are discussed, particularly after an adverse outcome.",
            "The Trust Board has a non-executive director with oversight of maternity services, responsible for ensuring that women's and families' voices are represented at Board level, working with the maternity safety champions.",
        ]),
        ("IEA3", "Staff training and working together", [
            "Multidisciplinary training and working occurs and is evidenced, with the evidence externally validated through the LMNS three times a year.",
            "Twice-daily (day and night, seven days a week) consultant-led and present multidisciplinary ward rounds take place on the labour ward.",
            "External funding allocated for the training of maternity staff is ring-fenced and used for that purpose only.",
        ]),
        ("IEA4", "Managing complex pregnancy", [
            "Links with the tertiary-level maternal medicine centre are agreed.",
            "Women with complex pregnancies have a named consultant lead, and compliance is audited regularly.",
            "Where a complex pregnancy is identified there is early specialist involvement and a management plan agreed between the woman and the team.",
        ]),
        ("IEA5", "Risk assessment throughout pregnancy", [
            "All women are formally risk assessed at every antenatal contact so that they have continued access to care from the most appropriately trained professional.",
            "Risk assessment includes ongoing review of the intended place of birth, based on the developing clinical picture.",
        ]),
        ("IEA6", "Monitoring fetal wellbeing", [
            "A dedicated lead midwife and lead obstetrician, both with demonstrated expertise, focus on and champion best practice in fetal monitoring.",
            "The leads are of sufficient seniority to improve, consolidate and keep abreast of practice in monitoring fetal wellbeing, and to support colleagues.",
            "The leads plan and run regular departmental fetal heart rate monitoring meetings and cascade training.",
            "The leads review cases of adverse outcome involving poor fetal heart rate interpretation and practice.",
            "The leads ensure the service complies with Saving Babies' Lives Care Bundle version 2 and subsequent national guidelines.",
        ]),
        ("IEA7", "Informed consent", [
            "Women have ready access to accurate information to enable their informed choice of intended place and mode of birth, including maternal choice for caesarean birth.",
            "Women are given accurate, contemporaneous, evidence-based information as per national guidance throughout the antenatal, intrapartum and postnatal periods.",
            "Women are enabled to participate equally in all decision-making processes and to make informed choices about their care.",
            "Women's choices following a shared and informed decision-making process are respected.",
        ]),
        ("WF", "Workforce planning and guidelines", [
            "The trust demonstrates an effective system of clinical (medical) workforce planning to the required standard.",
            "The trust demonstrates an effective system of midwifery workforce planning to the required standard (for example Birthrate Plus).",
            "The Director or Head of Midwifery is responsible and accountable to an executive director.",
            "The trust meets the maternity leadership requirements set out by the Royal College of Midwives in Strengthening midwifery leadership.",
            "Clinical guidelines are in date and follow national guidance.",
        ]),
    ],
}

OCKENDEN_FINAL = {
    "name": "Ockenden final report: Immediate and Essential Actions",
    "short_name": "Ockenden final",
    "version": "2022",
    "published": datetime.date(2022, 3, 30),
    "reports_percent": True,
    "sections": [
        ("IEA1", "Workforce planning and sustainability"),
        ("IEA2", "Safe staffing"),
        ("IEA3", "Escalation and accountability"),
        ("IEA4", "Clinical governance – leadership"),
        ("IEA5", "Clinical governance – incident investigation and complaints"),
        ("IEA6", "Learning from maternal deaths"),
        ("IEA7", "Multidisciplinary training"),
        ("IEA8", "Complex antenatal care"),
        ("IEA9", "Preterm birth"),
        ("IEA10", "Labour and birth"),
        ("IEA11", "Obstetric anaesthesia"),
        ("IEA12", "Postnatal care"),
        ("IEA13", "Bereavement care"),
        ("IEA14", "Neonatal care"),
        ("IEA15", "Supporting families"),
    ],
}

SAVING_BABIES_LIVES = {
    "name": "Saving Babies' Lives Care Bundle",
    "short_name": "SBLCB v3",
    "version": "3",
    "published": datetime.date(2023, 5, 31),
    "reports_percent": True,
    "sections": [
        ("E1", "Reducing smoking in pregnancy"),
        ("E2", "Fetal growth: risk assessment, surveillance and management"),
        ("E3", "Raising awareness of reduced fetal movement"),
        ("E4", "Effective fetal monitoring during labour"),
        ("E5", "Reducing preterm birth"),
        ("E6", "Management of pre-existing diabetes in pregnancy"),
    ],
}

MATERNITY_INCENTIVE_SCHEME = {
    "name": "Maternity Incentive Scheme (CNST) safety actions",
    "short_name": "MIS",
    "version": "5",
    "published": datetime.date(2023, 5, 31),
    "reports_percent": False,
    "sections": [
        ("SA1", "Perinatal Mortality Review Tool"),
        ("SA2", "Maternity Services Data Set"),
        ("SA3", "Transitional care and avoiding term admissions into neonatal units"),
        ("SA4", "Clinical workforce planning"),
        ("SA5", "Midwifery workforce planning"),
        ("SA6", "Saving Babies' Lives Care Bundle"),
        ("SA7", "Listening to women, parents and families"),
        ("SA8", "Multiprofessional training"),
        ("SA9", "Board assurance and safety champions"),
        ("SA10", "Reporting to MNSI and NHS Resolution's Early Notification scheme"),
    ],
}

FRAMEWORKS = [OCKENDEN_INTERIM, OCKENDEN_FINAL, SAVING_BABIES_LIVES, MATERNITY_INCENTIVE_SCHEME]


def load(apps, schema_editor):
    Framework = apps.get_model("assurance", "Framework")
    Section = apps.get_model("assurance", "Section")
    Requirement = apps.get_model("assurance", "Requirement")
    for data in FRAMEWORKS:
        section_level = len(data["sections"][0]) == 2
        framework = Framework.objects.create(
            name=data["name"],
            short_name=data["short_name"],
            version=data["version"],
            published=data["published"],
            reports_percent=data["reports_percent"],
            requirements_at_section_level=section_level,
            active=True,
        )
        for order, entry in enumerate(data["sections"], start=1):
            code, title = entry[0], entry[1]
            section = Section.objects.create(
                framework=framework, code=code, title=title, order=order
            )
            texts = [title] if section_level else entry[2]
            for n, text in enumerate(texts, start=1):
                Requirement.objects.create(
                    section=section,
                    code=code if section_level else f"{code}.{n}",
                    text=text,
                    order=n,
                )


def unload(apps, schema_editor):
    Framework = apps.get_model("assurance", "Framework")
    names = [f["name"] for f in FRAMEWORKS]
    Framework.objects.filter(name__in=names, returns__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("assurance", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
