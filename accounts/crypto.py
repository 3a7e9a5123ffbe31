"""Secrets kept at rest: TOTP keys and recovery-code seeds, encrypted with ``MFA_ENCRYPTION_KEY``.

allauth stores them in the clear by default; its MFA adapter's ``encrypt``/``decrypt`` hooks
call these. The key comes from the environment (a Fernet key:
``python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"``);
in development it is derived from ``SECRET_KEY``. A backup holds only the encrypted form, so
restoring one needs the same key.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

PREFIX = "fernet:"


@cache
def _fernet(keys: str, secret_key: str) -> MultiFernet:
    if keys:
        return MultiFernet([Fernet(k.strip().encode()) for k in keys.split(",") if k.strip()])
    derived = hashlib.sha256(f"lmns-mfa:{secret_key}".encode()).digest()
    return MultiFernet([Fernet(base64.urlsafe_b64encode(derived))])


def _current() -> MultiFernet:
    # Several comma-separated keys rotate: the first encrypts, every one decrypts.
    return _fernet(settings.MFA_ENCRYPTION_KEY, settings.SECRET_KEY)


def encrypt(text: str) -> str:
    return PREFIX + _current().encrypt(text.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored  # written before encryption was switched on
    return _current().decrypt(stored[len(PREFIX) :].encode()).decode()
