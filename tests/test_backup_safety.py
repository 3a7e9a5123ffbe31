"""Backups are complete and safe: encrypted under the environment's key, refused without one in
production, every part checked before anything is restored, secret fields never in the clear."""

import io
import json
import tarfile

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from assurance.tests.factories import EvidenceFileFactory
from lmns.backup import models_holding_data
from lmns.backup_archive import MAGIC, decrypt_file, open_archive, parse_key, reveal_secrets
from lmns.models import Trust
from lmns.secret_fields import (
    ENCRYPT,
    EXCLUDE,
    register_secret_field,
    secret_fields_by_model,
    unregister_secret_field,
)

PATIENT_FREE = b"%PDF-1.7\n% maternity dashboard minutes\n"


@pytest.fixture
def evidence(world):
    return EvidenceFileFactory(answer__quarterly_return__trust=world.trust, file__data=PATIENT_FREE)


def _decrypted_parts(backup, tmp_path):
    plain = tmp_path / "plain.tar.gz"
    decrypt_file(backup, plain, parse_key(_settings().BACKUP_KEY))
    work = tmp_path / "opened"
    work.mkdir()
    return open_archive(plain, work)


def _settings():
    from django.conf import settings

    return settings


def test_a_backup_holds_every_evidence_file_and_their_checksums(evidence, tmp_path):
    backup = tmp_path / "lmns.lmnsbackup"
    call_command("backup", output=str(backup))

    raw = backup.read_bytes()
    assert raw.startswith(MAGIC)
    assert PATIENT_FREE not in raw and b"nuh-lead" not in raw  # nothing readable without the key
    opened = _decrypted_parts(backup, tmp_path)
    assert opened.files[evidence.file.name].read_bytes() == PATIENT_FREE
    assert opened.manifest["encrypted"] is True
    assert set(opened.manifest["files"]) == {evidence.file.name}


def test_an_altered_encrypted_backup_is_refused(evidence, tmp_path):
    backup = tmp_path / "lmns.lmnsbackup"
    call_command("backup", output=str(backup))
    raw = bytearray(backup.read_bytes())
    raw[len(raw) // 2] ^= 1
    backup.write_bytes(bytes(raw))

    with pytest.raises(CommandError, match="key is wrong or the file was altered"):
        call_command("restore", str(backup))


def test_a_backup_with_the_wrong_key_is_refused(evidence, tmp_path, settings):
    backup = tmp_path / "lmns.lmnsbackup"
    call_command("backup", output=str(backup))
    settings.BACKUP_KEY = "b3RoZXIta2V5LW9mLXRoaXJ0eS10d28tYnl0ZXMtISE="

    with pytest.raises(CommandError, match="does not decrypt with this key"):
        call_command("restore", str(backup))


def _rewrite_member(archive, name: str, data: bytes) -> None:
    with tarfile.open(archive, "r:gz") as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar]
    with tarfile.open(archive, "w:gz") as tar:
        for member, content in members:
            content = data if member.name == name else content
            member.size = len(content)
            tar.addfile(member, io.BytesIO(content))


@pytest.mark.django_db
def test_a_backup_with_one_evidence_file_altered_is_refused_before_anything_loads(
    tmp_path, settings
):
    """A development backup (no key) is checked by its manifest: one altered file and nothing
    is loaded, not a record nor a file."""
    from lmns.tests.factories import TrustFactory

    trust = TrustFactory()
    evidence = EvidenceFileFactory(answer__quarterly_return__trust=trust, file__data=PATIENT_FREE)
    settings.DEBUG, settings.BACKUP_KEY = True, ""
    backup = tmp_path / "lmns.tar.gz"
    call_command("backup", output=str(backup))
    _rewrite_member(backup, f"media/{evidence.file.name}", b"%PDF-1.7\n% NHS 943 476 5919\n")
    name = evidence.file.name
    # An empty installation to restore into: the database and the storage.
    default_storage.delete(name)
    _empty_database()

    with pytest.raises(CommandError, match=f"the file {name} does not match its checksum"):
        call_command("restore", str(backup))
    assert models_holding_data() == {}
    assert not default_storage.exists(name)


def _empty_database():
    from django.apps import apps

    from lmns.backup import backed_up_models, reference_data_models

    with _settings_override():
        for model in reversed(backed_up_models()):
            if model._meta.label_lower not in reference_data_models():
                model._base_manager.all()._raw_delete(model._base_manager.db)
    assert not apps.get_model("auth.user")._base_manager.exists()


def _settings_override():
    from django.test.utils import override_settings

    return override_settings(SIMPLE_HISTORY_ENABLED=False)


def test_production_refuses_a_backup_without_a_key(world, tmp_path, settings):
    settings.DEBUG = False
    settings.BACKUP_KEY = ""
    with pytest.raises(CommandError, match="LMNS_BACKUP_KEY is not set"):
        call_command("backup", output=str(tmp_path / "lmns.lmnsbackup"))
    assert list(tmp_path.iterdir()) == []


def test_a_malformed_key_is_refused(world, tmp_path, settings):
    settings.BACKUP_KEY = "c2hvcnQ="
    with pytest.raises(CommandError, match="must hold 32 bytes"):
        call_command("backup", output=str(tmp_path / "lmns.lmnsbackup"))


@pytest.fixture
def secret_trust_names():
    """Trust names and site names declared secret for the test (sealed and left out)."""
    register_secret_field("lmns.Trust", "name", action=ENCRYPT)
    register_secret_field("lmns.Trust", "ods_code", action=EXCLUDE)
    yield
    unregister_secret_field("lmns.Trust", "name")
    unregister_secret_field("lmns.Trust", "ods_code")


def test_the_registry_covers_history_tables_and_ignores_models_not_installed(secret_trust_names):
    register_secret_field("mfa.Authenticator", "secret")
    try:
        found = secret_fields_by_model()
    finally:
        unregister_secret_field("mfa.Authenticator", "secret")
    assert found["lmns.trust"] == {"name": ENCRYPT, "ods_code": EXCLUDE}
    assert found["lmns.historicaltrust"] == {"name": ENCRYPT, "ods_code": EXCLUDE}


def test_secret_fields_never_appear_in_the_clear(world, tmp_path, secret_trust_names):
    world.trust.name = "Nottingham University Hospitals (renamed)"
    world.trust.save()  # a history row holding the name too
    backup = tmp_path / "lmns.lmnsbackup"
    call_command("backup", output=str(backup))

    opened = _decrypted_parts(backup, tmp_path)
    data = opened.data.read_text()
    assert "Nottingham University Hospitals" not in data
    assert '"RX1"' not in data
    records = json.loads(data)
    reveal_secrets(records, parse_key(_settings().BACKUP_KEY))
    trusts = [r["fields"] for r in records if r["model"] in ("lmns.trust", "lmns.historicaltrust")]
    names = {fields["name"] for fields in trusts}
    assert "Nottingham University Hospitals (renamed)" in names
    assert {fields["ods_code"] for fields in trusts} == {""}
    assert Trust.objects.filter(ods_code="RX1").exists()  # the live record is untouched


def test_without_a_key_secret_fields_are_left_out(world, tmp_path, settings, secret_trust_names):
    settings.DEBUG, settings.BACKUP_KEY = True, ""
    backup = tmp_path / "lmns.tar.gz"
    call_command("backup", output=str(backup))
    work = tmp_path / "opened"
    work.mkdir()
    data = open_archive(backup, work).data.read_text()
    assert "Nottingham University Hospitals" not in data and "lmns-sealed" not in data
