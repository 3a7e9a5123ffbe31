"""UNICEF UK Baby Friendly Initiative and its stages, as seed 003's table names them."""

from django.db import migrations

STAGES = [
    ("Certificate of commitment", ""),
    ("Stage 1", ""),
    ("Stage 2", ""),
    ("Stage 3", "Full accreditation; lasts 2 years (seed 003)."),
    ("Re-accreditation", "Lasts for 1 to 2 years (seed 003)."),
    ("Gold", "Seed 003 calls it Gold/Beacon: trusts may be able to provide audits for reassessment."),
]


def load(apps, schema_editor):
    Scheme = apps.get_model("quality", "AccreditationScheme")
    Stage = apps.get_model("quality", "AccreditationStage")
    scheme, _ = Scheme.objects.update_or_create(
        code="BFI",
        defaults={
            "name": "UNICEF UK Baby Friendly Initiative",
            "url": "https://www.unicef.org.uk/babyfriendly/",
        },
    )
    for order, (name, note) in enumerate(STAGES, start=1):
        Stage.objects.update_or_create(
            scheme=scheme, order=order, defaults={"name": name, "note": note}
        )


def unload(apps, schema_editor):
    Scheme = apps.get_model("quality", "AccreditationScheme")
    Stage = apps.get_model("quality", "AccreditationStage")
    unused = Scheme.objects.filter(code="BFI", accreditations__isnull=True)
    Stage.objects.filter(scheme__in=unused).delete()
    unused.delete()


class Migration(migrations.Migration):
    dependencies = [("quality", "0004_ambitions_and_accreditations")]

    operations = [migrations.RunPython(load, unload)]
