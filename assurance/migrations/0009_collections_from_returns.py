"""Collections for the returns already made: an LMNS collected a framework in a period if any
of its trusts made a (live) return of it then; every trust of that LMNS is asked, due by the
period's submission deadline."""

from django.db import migrations


def forwards(apps, schema_editor):
    Collection = apps.get_model("assurance", "Collection")
    QuarterlyReturn = apps.get_model("assurance", "QuarterlyReturn")
    Trust = apps.get_model("lmns", "Trust")
    ReportingPeriod = apps.get_model("lmns", "ReportingPeriod")
    made = (
        QuarterlyReturn.objects.exclude(status="discarded")
        .values_list("trust__lmns_id", "period_id", "framework_id")
        .distinct()
    )
    deadlines = dict(ReportingPeriod.objects.values_list("pk", "submission_deadline"))
    trusts: dict[int, list[int]] = {}
    for lmns_id, trust_id in Trust.objects.values_list("lmns_id", "pk"):
        trusts.setdefault(lmns_id, []).append(trust_id)
    for lmns_id, period_id, framework_id in set(made):
        collection, created = Collection.objects.get_or_create(
            lmns_id=lmns_id,
            period_id=period_id,
            framework_id=framework_id,
            defaults={"deadline": deadlines[period_id]},
        )
        if created:
            collection.trusts.set(trusts.get(lmns_id, []))


class Migration(migrations.Migration):
    dependencies = [("assurance", "0008_collections")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
