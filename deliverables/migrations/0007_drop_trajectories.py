"""The trajectories now live in quality as ambitions (0006 moved them): drop the old tables."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("deliverables", "0006_trajectories_become_ambitions")]

    operations = [
        migrations.DeleteModel(name="HistoricalTrajectoryActual"),
        migrations.DeleteModel(name="TrajectoryActual"),
        migrations.DeleteModel(name="TrajectoryTarget"),
        migrations.DeleteModel(name="Trajectory"),
    ]
