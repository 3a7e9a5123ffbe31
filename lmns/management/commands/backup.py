import os
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from lmns.backup import EXCLUDED_MODELS, summary


class Command(BaseCommand):
    help = (
        "Write all the product's data to one JSON file (Django serialisation, natural keys for "
        "content types and permissions). Add .gz to the file name to compress it. "
        "Restore it with `manage.py restore FILE` into a new, migrated, empty database. "
        "The file appears only when the backup is complete: on any failure the command exits "
        "non-zero and leaves nothing at the output path."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", required=True, help="The file to write.")

    def handle(self, *args, output: str, **options):
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(f"No folder {target.parent} to write the backup in.")
        # A hidden file beside the target, with the same extensions so that dumpdata compresses
        # it the same way; renamed over the target only once every record is written.
        handle, partial = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix="".join(target.suffixes)
        )
        os.close(handle)
        try:
            call_command(
                "dumpdata",
                exclude=list(EXCLUDED_MODELS),
                natural_foreign=True,
                use_base_manager=True,
                output=partial,
                indent=None,
                verbosity=0,
            )
            os.replace(partial, target)
        except Exception as error:
            raise CommandError(
                f"The backup failed and nothing was written to {target}: {error}"
            ) from error
        finally:
            Path(partial).unlink(missing_ok=True)  # gone already when the backup is complete
        counts = summary()["counts"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {sum(counts.values())} records of {len(counts)} kinds to {output}."
            )
        )
