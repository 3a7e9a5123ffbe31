"""The backup file: every record, every stored file and a manifest of checksums, encrypted.

Layout, before encryption: a gzip-compressed tar archive holding

* ``data.json``: every record (Django JSON serialisation, see ``lmns.backup``), with the values
  of secret fields (``lmns.secret_fields``) sealed or left out;
* ``media/<name>``: every file a record refers to (evidence), under its storage name;
* ``manifest.json``: the format, when it was written, and the SHA-256 and size of ``data.json``
  and of every file.

Encryption (AES-256-GCM, key from ``LMNS_BACKUP_KEY``): ``MAGIC``, a 12-byte random nonce, the
ciphertext, the 16-byte tag. The tag covers the whole archive, so any change to the file, or a
wrong key, is refused before anything is read from it; the manifest's checksums then prove each
part again once decrypted (and are all there is in a development backup written without a key).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import os
import tarfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.db import models
from django.utils import timezone

from .secret_fields import ENCRYPT, secret_fields_by_model

MAGIC = b"LMNS-BACKUP-AES256GCM-1\n"
FORMAT = 1
SEALED = "lmns-sealed:v1:"
CHUNK = 1024 * 1024
NONCE_BYTES = 12
TAG_BYTES = 16


class BackupError(Exception):
    """The backup cannot be written or read; the message says why, for the person running it."""


def parse_key(text: str) -> bytes | None:
    """The 32-byte key from its URL-safe base64 text; ``None`` when none is configured."""
    if not text:
        return None
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError) as error:
        raise BackupError("LMNS_BACKUP_KEY is not URL-safe base64.") from error
    if len(key) != 32:
        raise BackupError(f"LMNS_BACKUP_KEY must hold 32 bytes (AES-256), not {len(key)}.")
    return key


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


# -- secret fields -----------------------------------------------------------------------------
def _empty_value(label: str, name: str):
    field = apps.get_model(label)._meta.get_field(name)
    if field.has_default():
        return field.get_default()
    return None if field.null else ""


def hide_secrets(records: list[dict], key: bytes | None) -> int:
    """Seal (with a key) or drop every secret field's value in place; returns how many."""
    secrets = secret_fields_by_model()
    hidden = 0
    for record in records:
        for name, action in secrets.get(record["model"], {}).items():
            value = record["fields"].get(name)
            if value in (None, "", b""):
                continue
            if action == ENCRYPT and key:
                nonce = os.urandom(NONCE_BYTES)
                sealed = AESGCM(key).encrypt(nonce, json.dumps(value).encode(), MAGIC)
                record["fields"][name] = SEALED + base64.b64encode(nonce + sealed).decode()
            else:
                record["fields"][name] = _empty_value(record["model"], name)
            hidden += 1
    return hidden


def reveal_secrets(records: list[dict], key: bytes | None) -> None:
    """Unseal the values ``hide_secrets`` sealed, in place."""
    for record in records:
        for name, value in record["fields"].items():
            if isinstance(value, str) and value.startswith(SEALED):
                if key is None:
                    raise BackupError("This backup holds sealed secrets and no key is set.")
                raw = base64.b64decode(value[len(SEALED) :])
                try:
                    plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], MAGIC)
                except InvalidTag as error:
                    raise BackupError("A sealed secret does not open with this key.") from error
                record["fields"][name] = json.loads(plain)


# -- files the records refer to ----------------------------------------------------------------
def file_fields() -> dict[str, list[models.FileField]]:
    """``{model label (lower case): [its file fields]}`` for every model that stores files."""
    found = {}
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        if fields:
            found[model._meta.label_lower] = fields
    return found


def referenced_files(records: list[dict]) -> dict[str, models.FileField]:
    """Every stored file name the records refer to, with the field that knows its storage."""
    fields = file_fields()
    names: dict[str, models.FileField] = {}
    for record in records:
        for field in fields.get(record["model"], ()):
            name = record["fields"].get(field.name)
            if name:
                names.setdefault(name, field)
    return names


# -- writing -----------------------------------------------------------------------------------
@dataclass
class Written:
    records: int
    files: int
    missing: list[str]
    secrets: int
    encrypted: bool


def write_archive(records: list[dict], archive: Path, key: bytes | None) -> Written:
    """Write the (unencrypted) tar.gz of records, files and manifest to ``archive``."""
    secrets = hide_secrets(records, key)
    data = json.dumps(records, ensure_ascii=False).encode()
    manifest = {
        "format": FORMAT,
        "written_at": timezone.now().isoformat(),
        "encrypted": key is not None,
        "data": {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)},
        "files": {},
        "missing": [],
    }
    with tarfile.open(archive, "w:gz") as tar:
        _add_bytes(tar, "data.json", data)
        for name, field in sorted(referenced_files(records).items()):
            storage = field.storage
            if not storage.exists(name):
                manifest["missing"].append(name)
                continue
            digest = hashlib.sha256()
            with storage.open(name, "rb") as handle:
                for chunk in iter(lambda: handle.read(CHUNK), b""):
                    digest.update(chunk)
                size = handle.tell()
                handle.seek(0)
                info = tarfile.TarInfo(f"media/{name}")
                info.size = size
                tar.addfile(info, handle)
            manifest["files"][name] = {"sha256": digest.hexdigest(), "size": size}
        _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=1).encode())
    return Written(
        len(records), len(manifest["files"]), manifest["missing"], secrets, key is not None
    )


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def encrypt_file(source: Path, target: Path, key: bytes) -> None:
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(MAGIC)
    with source.open("rb") as plain, target.open("wb") as out:
        out.write(MAGIC + nonce)
        for chunk in iter(lambda: plain.read(CHUNK), b""):
            out.write(encryptor.update(chunk))
        out.write(encryptor.finalize())
        out.write(encryptor.tag)


# -- reading -----------------------------------------------------------------------------------
def is_encrypted(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def decrypt_file(source: Path, target: Path, key: bytes) -> None:
    """Decrypt to ``target``; refused (and ``target`` removed) if the tag does not verify."""
    size = source.stat().st_size
    body = size - len(MAGIC) - NONCE_BYTES - TAG_BYTES
    if body < 0:
        raise BackupError("The backup file is too short to be a backup.")
    with source.open("rb") as handle, target.open("wb") as out:
        handle.seek(len(MAGIC))
        nonce = handle.read(NONCE_BYTES)
        handle.seek(size - TAG_BYTES)
        tag = handle.read(TAG_BYTES)
        handle.seek(len(MAGIC) + NONCE_BYTES)
        decryptor = Cipher(algorithms.AES(key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(MAGIC)
        left = body
        while left:
            chunk = handle.read(min(CHUNK, left))
            left -= len(chunk)
            out.write(decryptor.update(chunk))
        try:
            decryptor.finalize()
        except InvalidTag as error:
            out.close()
            target.unlink(missing_ok=True)
            raise BackupError(
                "The backup does not decrypt with this key: the key is wrong or the file was "
                "altered."
            ) from error


@dataclass
class Opened:
    manifest: dict
    data: Path
    files: dict[str, Path]  # storage name -> extracted copy


def _member_name(name: str) -> str | None:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts:
        return None
    return str(path)


def open_archive(archive: Path, workdir: Path) -> Opened:
    """Extract ``archive`` into ``workdir`` and check every checksum of its manifest.

    Raises ``BackupError`` naming every part that is missing, extra or altered; nothing is
    loaded anywhere before this returns.
    """
    try:
        tar = tarfile.open(archive, "r:gz")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(
            "This is not a backup written by `manage.py backup` of this release."
        ) from error
    extracted: dict[str, Path] = {}
    with tar:
        for member in tar:
            name = _member_name(member.name)
            if not member.isfile() or name is None:
                raise BackupError(f"The backup holds an unexpected entry: {member.name}.")
            target = workdir / "parts" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as source, target.open("wb") as out:
                for chunk in iter(lambda: source.read(CHUNK), b""):
                    out.write(chunk)
            extracted[name] = target
    if "manifest.json" not in extracted or "data.json" not in extracted:
        raise BackupError("The backup has no manifest or no records.")
    manifest = json.loads(extracted.pop("manifest.json").read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"The backup's format {manifest.get('format')} is not {FORMAT}.")
    problems = []
    data = extracted.pop("data.json")
    if sha256_of(data) != manifest["data"]["sha256"]:
        problems.append("the records (data.json) do not match their checksum")
    files = {}
    for name, expected in manifest["files"].items():
        path = extracted.pop(f"media/{name}", None)
        if path is None:
            problems.append(f"the file {name} is missing")
        elif sha256_of(path) != expected["sha256"]:
            problems.append(f"the file {name} does not match its checksum")
        else:
            files[name] = path
    problems += [f"{name} is not in the manifest" for name in sorted(extracted)]
    if problems:
        raise BackupError(
            "The backup is damaged, so nothing was restored: " + "; ".join(problems) + "."
        )
    return Opened(manifest, data, files)
