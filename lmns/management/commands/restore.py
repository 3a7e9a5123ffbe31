from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from lmns.backup import clear_reference_data, models_holding_data, summary


class Command(BaseCommand):
    help = (
        "Load a file written by `manage.py backup` into a new, migrated, empty database. "
        "Refuses a database that already holds data, so nothing is ever overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file (.json or .json.gz).")

    def handle(self, *args, file: str, **options):
        if not Path(file).is_file():
            raise CommandError(f"No backup file at {file}.")
        holding = models_holding_data()
        if holding:
            examples = ", ".join(f"{label} ({count})" for label, count in list(holding.items())[:5])
            raise CommandError(
                "This database is not empty, so nothing was restored: it already holds "
                f"{examples}. Restore only into a new database: create it, run "
                "`manage.py migrate`, then `manage.py restore FILE`."
            )
        # The backup holds the audit trail itself: loading a record's links must not add history
        # rows of its own (simple-history records link changes even when loading fixtures).
        with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
            clear_reference_data()
            call_command("loaddata", file, verbosity=0)
        counts = summary()["counts"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {sum(counts.values())} records of {len(counts)} kinds from {file}."
            )
        )
