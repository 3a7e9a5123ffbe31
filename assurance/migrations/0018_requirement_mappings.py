"""Reference data: cross-references between frameworks, each citing where it is published.

Only mappings with a source at hand are loaded; more are added on the admin screen, each with
its source. Both are read both ways (see ``RequirementMapping``).
"""

from django.db import migrations

MIS = "Maternity Incentive Scheme (CNST) safety actions"
SBL = "Saving Babies' Lives Care Bundle"
OCKENDEN = "Ockenden interim report: Immediate and Essential Actions"
ELEMENTS = ["E1", "E2", "E3", "E4", "E5", "E6"]

MIS_SOURCE = "NHS Resolution, Maternity Incentive Scheme year five (May 2023)"
MIS_ROW = (
    "Safety action 6: can you demonstrate that you are on track to achieve compliance with all "
    "elements of the Saving Babies' Lives Care Bundle version three?"
)
OCKENDEN_SOURCE = "Ockenden interim report (December 2020), Immediate and Essential Actions"
OCKENDEN_ROW = (
    "IEA 6, monitoring fetal wellbeing: the leads ensure the service complies with Saving "
    "Babies' Lives Care Bundle version 2 and subsequent national guidelines (version 3)"
)

# (framework, code) -> (framework, code), the source document and the row in it.
MAPPINGS = [((MIS, "SA6"), (SBL, element), MIS_SOURCE, MIS_ROW) for element in ELEMENTS] + [
    ((OCKENDEN, "IEA6.5"), (SBL, element), OCKENDEN_SOURCE, OCKENDEN_ROW) for element in ELEMENTS
]


def _requirement(Requirement, framework: str, code: str):
    return Requirement.objects.filter(section__framework__name=framework, code=code).first()


def load(apps, schema_editor):
    Requirement = apps.get_model("assurance", "Requirement")
    RequirementMapping = apps.get_model("assurance", "RequirementMapping")
    for (from_framework, from_code), (to_framework, to_code), document, row in MAPPINGS:
        requirement = _requirement(Requirement, from_framework, from_code)
        related = _requirement(Requirement, to_framework, to_code)
        if requirement is None or related is None:  # a framework removed on the admin screen
            continue
        RequirementMapping.objects.get_or_create(
            requirement=requirement,
            related=related,
            defaults={"source_document": document, "source_location": row},
        )


def unload(apps, schema_editor):
    RequirementMapping = apps.get_model("assurance", "RequirementMapping")
    RequirementMapping.objects.filter(source_document__in=[MIS_SOURCE, OCKENDEN_SOURCE]).delete()


class Migration(migrations.Migration):
    dependencies = [("assurance", "0017_requirementmapping_answerlink")]

    operations = [migrations.RunPython(load, unload)]
