"""Each deliverable's trajectory becomes a quality ambition (``quality.Ambition``) linked from
the deliverable: every target keeps its date, value, qualifier and population, every actual its
period, value, note and who recorded it. A trajectory whose metric names a measure of the
library (its id or short name) is linked to that measure; the others keep their metric only.

A trajectory of an LMNS plan is the plan's target for that LMNS; of a trust's plan, for that
trust. Targets judge nothing after the plan's end.

Depends on quality's ambitions (0004). Reversible: going back copies the ambitions of
deliverables into trajectories again.
"""

from django.db import migrations


def forward(apps, schema_editor):
    Trajectory = apps.get_model("deliverables", "Trajectory")
    Ambition = apps.get_model("quality", "Ambition")
    Target = apps.get_model("quality", "AmbitionTarget")
    Actual = apps.get_model("quality", "AmbitionActual")
    Measure = apps.get_model("quality", "Measure")
    measures = {}
    for measure in Measure.objects.all():
        measures[measure.code.lower()] = measure
        measures[measure.short_name.lower()] = measure
    for trajectory in Trajectory.objects.select_related("deliverable__plan").order_by("pk"):
        deliverable = trajectory.deliverable
        plan = deliverable.plan
        ambition = Ambition.objects.create(
            lmns_id=plan.lmns_id,
            trust_id=plan.trust_id,
            measure=measures.get(trajectory.metric.strip().lower()),
            kind="plan",
            metric=trajectory.metric,
            unit=trajectory.unit,
            data_source=trajectory.data_source,
            source=plan.title,
            in_force_until=plan.period_end,
        )
        Target.objects.bulk_create(
            Target(
                ambition=ambition,
                due=t.due,
                value=t.value,
                qualifier=t.qualifier,
                population=t.population,
            )
            for t in trajectory.targets.order_by("due", "pk")
        )
        for a in trajectory.actuals.order_by("period__start_date"):
            Actual.objects.create(
                ambition=ambition,
                period_id=a.period_id,
                value=a.value,
                note=a.note,
                recorded_by_id=a.recorded_by_id,
            )
        deliverable.ambition = ambition
        deliverable.save(update_fields=["ambition"])


def backward(apps, schema_editor):
    Deliverable = apps.get_model("deliverables", "Deliverable")
    Trajectory = apps.get_model("deliverables", "Trajectory")
    Target = apps.get_model("deliverables", "TrajectoryTarget")
    Actual = apps.get_model("deliverables", "TrajectoryActual")
    for deliverable in Deliverable.objects.filter(ambition__isnull=False).select_related(
        "ambition"
    ):
        ambition = deliverable.ambition
        trajectory = Trajectory.objects.create(
            deliverable=deliverable,
            metric=ambition.metric,
            unit=ambition.unit,
            data_source=ambition.data_source,
        )
        for t in ambition.targets.order_by("due", "pk"):
            Target.objects.create(
                trajectory=trajectory,
                due=t.due,
                value=t.value,
                qualifier=t.qualifier,
                population=t.population,
            )
        for a in ambition.actuals.order_by("period__start_date"):
            Actual.objects.create(
                trajectory=trajectory,
                period_id=a.period_id,
                value=a.value,
                note=a.note,
                recorded_by_id=a.recorded_by_id,
            )
        deliverable.ambition = None
        deliverable.save(update_fields=["ambition"])
        ambition.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("deliverables", "0005_plan_kpis_governance_ambitions"),
        ("quality", "0005_baby_friendly_stages"),
    ]

    operations = [migrations.RunPython(forward, backward)]
