from django.core.management import call_command
from django.core.management.base import BaseCommand

from lmns.backup import EXCLUDED_MODELS, summary


class Command(BaseCommand):
    help = (
        "Write all the product's data to one JSON file (Django serialisation, natural keys for "
        "content types and permissions). Add .gz to the file name to compress it. "
        "Restore it with `manage.py restore FILE` into a new, migrated, empty database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", required=True, help="The file to write.")

    def handle(self, *args, output: str, **options):
        call_command(
            "dumpdata",
            exclude=list(EXCLUDED_MODELS),
            natural_foreign=True,
            use_base_manager=True,
            output=output,
            indent=None,
            verbosity=0,
        )
        counts = summary()["counts"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {sum(counts.values())} records of {len(counts)} kinds to {output}."
            )
        )
