from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("assurance", "0011_evidence_dates_of_earlier_files")]

    operations = [
        migrations.AlterField(
            model_name="evidencefile",
            name="effective_date",
            field=models.DateField(
                help_text="E.g. the date of the audit or of the meeting whose minutes these are.",
                verbose_name="date the evidence speaks for",
            ),
        ),
        migrations.AlterField(
            model_name="historicalevidencefile",
            name="effective_date",
            field=models.DateField(
                help_text="E.g. the date of the audit or of the meeting whose minutes these are.",
                verbose_name="date the evidence speaks for",
            ),
        ),
    ]
