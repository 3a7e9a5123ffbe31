from django.db import migrations


def undated_files_take_their_upload_date(apps, schema_editor):
    """Files uploaded before the effective date was asked for: their upload date, marked
    "date not stated"."""
    for name in ("EvidenceFile", "HistoricalEvidenceFile"):
        model = apps.get_model("assurance", name)
        for row in model.objects.filter(effective_date__isnull=True).only("pk", "uploaded_at"):
            model.objects.filter(pk=row.pk).update(
                effective_date=row.uploaded_at.date(), effective_date_stated=False
            )


class Migration(migrations.Migration):
    dependencies = [("assurance", "0010_review_conversation")]

    operations = [
        migrations.RunPython(undated_files_take_their_upload_date, migrations.RunPython.noop),
    ]
