import json
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from lmns.backup import EXCLUDED_MODELS
from lmns.backup_archive import BackupError, encrypt_file, parse_key, write_archive


class Command(BaseCommand):
    help = (
        "Write all the product's data to one file: every record, every evidence file and a "
        "manifest of their checksums, encrypted with AES-256-GCM under LMNS_BACKUP_KEY. "
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
        try:
            key = parse_key(settings.BACKUP_KEY)
        except BackupError as error:
            raise CommandError(f"Nothing was backed up: {error}") from error
        if key is None and not settings.DEBUG:
            raise CommandError(
                "Nothing was backed up: LMNS_BACKUP_KEY is not set, and production backups "
                "are always encrypted. Set it from the secrets store (never beside the backups)."
            )
        # Everything is written in a private folder beside the target and renamed over the
        # target only once complete, so a failure never leaves something that looks like a backup.
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}.") as work:
            work = Path(work)
            os.chmod(work, 0o700)
            try:
                written = self._write(work, key)
                os.chmod(written[0], 0o600)  # it holds personal data: its owner only
                os.replace(written[0], target)
            except Exception as error:
                raise CommandError(
                    f"The backup failed and nothing was written to {target}: {error}"
                ) from error
        result = written[1]
        for name in result.missing:
            self.stderr.write(f"Missing from storage, so not in the backup: {name}")
        state = "encrypted" if result.encrypted else "NOT encrypted (no LMNS_BACKUP_KEY)"
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {result.records} records and {result.files} files to {output}, "
                f"{state}; {result.secrets} secret values "
                f"{'sealed' if result.encrypted else 'left out'}."
            )
        )

    def _write(self, work: Path, key: bytes | None):
        records_file = work / "records.json"
        call_command(
            "dumpdata",
            exclude=list(EXCLUDED_MODELS),
            natural_foreign=True,
            use_base_manager=True,
            output=str(records_file),
            indent=None,
            verbosity=0,
        )
        records = json.loads(records_file.read_text())
        records_file.unlink()
        archive = work / "archive.tar.gz"
        result = write_archive(records, archive, key)
        if key is None:
            return archive, result
        encrypted = work / "archive.enc"
        encrypt_file(archive, encrypted, key)
        archive.unlink()
        return encrypted, result
