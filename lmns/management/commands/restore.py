import hashlib
import json
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from lmns.backup import clear_reference_data, models_holding_data, summary
from lmns.backup_archive import (
    BackupError,
    decrypt_file,
    is_encrypted,
    open_archive,
    parse_key,
    referenced_files,
    reveal_secrets,
    sha256_of,
)


def _storage(fields, name: str):
    field = fields.get(name)
    return field.storage if field is not None else default_storage


class Command(BaseCommand):
    help = (
        "Load a file written by `manage.py backup` into a new, migrated, empty database, with "
        "its evidence files. Every checksum is verified before anything is loaded; a database "
        "that already holds data is refused, so nothing is ever overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file.")

    def handle(self, *args, file: str, **options):
        source = Path(file)
        if not source.is_file():
            raise CommandError(f"No backup file at {file}.")
        with tempfile.TemporaryDirectory(prefix="lmns-restore-") as work:
            try:
                records, opened, key = self._open(source, Path(work))
            except BackupError as error:
                raise CommandError(str(error)) from error
            holding = models_holding_data()
            if holding:
                examples = ", ".join(f"{label} ({n})" for label, n in list(holding.items())[:5])
                raise CommandError(
                    "This database is not empty, so nothing was restored: it already holds "
                    f"{examples}. Restore only into a new database: create it, run "
                    "`manage.py migrate`, then `manage.py restore FILE`."
                )
            fields = referenced_files(records)
            self._refuse_different_files(opened.files, fields)
            fixture = Path(work) / "records.json"
            fixture.write_text(json.dumps(records, ensure_ascii=False))
            # The backup holds the audit trail itself: loading a record's links must not add
            # history rows of its own (simple-history records link changes even from fixtures).
            with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
                clear_reference_data()
                call_command("loaddata", str(fixture), verbosity=0)
                for name, path in opened.files.items():
                    storage = _storage(fields, name)
                    if storage.exists(name):
                        continue  # the same bytes, checked above
                    with path.open("rb") as handle:
                        saved = storage.save(name, File(handle))
                    if saved != name:
                        raise CommandError(f"The storage renamed {name} to {saved}.")
        counts = summary()["counts"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {sum(counts.values())} records of {len(counts)} kinds and "
                f"{len(opened.files)} files from {file}."
            )
        )

    def _open(self, source: Path, work: Path):
        key = parse_key(settings.BACKUP_KEY)
        archive = source
        if is_encrypted(source):
            if key is None:
                raise BackupError("This backup is encrypted: set LMNS_BACKUP_KEY to restore it.")
            archive = work / "archive.tar.gz"
            decrypt_file(source, archive, key)
        opened = open_archive(archive, work)
        records = json.loads(opened.data.read_text())
        reveal_secrets(records, key)
        return records, opened, key

    def _refuse_different_files(self, files: dict[str, Path], fields) -> None:
        for name, path in files.items():
            storage = _storage(fields, name)
            if storage.exists(name):
                with storage.open(name, "rb") as handle:
                    digest = hashlib.sha256(handle.read()).hexdigest()
                if digest != sha256_of(path):
                    raise CommandError(
                        f"The file storage already holds a different {name}, so nothing was "
                        "restored: restore into an empty MEDIA_ROOT."
                    )
