"""Keep changes to a deliverable's trusts and a risk's deliverables in their history.

Records linked before this release get one history row holding their current links, so the
first change made afterwards is compared with what was really linked, not with nothing.
"""

from collections import defaultdict

import django.db.models.deletion
import simple_history.models
from django.db import migrations, models
from django.utils import timezone

LINKS = {"Deliverable": "trusts", "Risk": "deliverables"}


def record_current_links(apps, schema_editor) -> None:
    now = timezone.now()
    for name, field in LINKS.items():
        model = apps.get_model("deliverables", name)
        history = apps.get_model("deliverables", f"Historical{name}")
        rows = apps.get_model("deliverables", f"Historical{name}_{field}")
        through = model._meta.get_field(field).remote_field.through
        source = f"{model._meta.model_name}_id"
        links = defaultdict(list)
        for link in through.objects.all():
            links[getattr(link, source)].append(link)
        copied = [f for f in history._meta.concrete_fields if not f.name.startswith("history_")]
        for record in model.objects.filter(pk__in=list(links)):
            snapshot = history.objects.create(
                history_date=now,
                history_type="~",
                history_change_reason="Linked records kept in the history from here on",
                **{f.attname: getattr(record, f.attname) for f in copied},
            )
            rows.objects.bulk_create(
                rows(
                    history=snapshot,
                    **{f.attname: getattr(link, f.attname) for f in through._meta.concrete_fields},
                )
                for link in links[record.pk]
            )


class Migration(migrations.Migration):
    dependencies = [
        ("deliverables", "0002_status_updates_trajectories_risks"),
        ("lmns", "0002_trust_history"),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalDeliverable_trusts",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "deliverable",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="deliverables.deliverable",
                    ),
                ),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="deliverables.historicaldeliverable",
                    ),
                ),
                (
                    "trust",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="lmns.trust",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalDeliverable_trusts",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalRisk_deliverables",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "deliverable",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="deliverables.deliverable",
                    ),
                ),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="deliverables.historicalrisk",
                    ),
                ),
                (
                    "risk",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="deliverables.risk",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalRisk_deliverables",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(record_current_links, migrations.RunPython.noop),
    ]
