"""The database cache's table (``CACHES``): codes used once are remembered by every worker."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_existing_addresses")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
