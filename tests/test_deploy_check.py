"""Production settings pass Django's deployment checklist with no warnings."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean_in_production_mode():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "a-long-random-production-secret-key-for-the-check-0123456789-abcdefghij",
        "ALLOWED_HOSTS": "lmns.example.nhs.uk",
        "MFA_ENCRYPTION_KEY": "bG1ucy1kZXBsb3ktY2hlY2stb25seS1rZXktMDEyMzQ=",
        "SITE_URL": "https://lmns.example.nhs.uk",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "DEBUG": "0"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_the_second_factor_key():
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "x" * 60}
    env.pop("MFA_ENCRYPTION_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "MFA_ENCRYPTION_KEY must be set" in result.stderr


def test_production_fails_its_checks_without_the_site_address_for_mail_links():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "a-long-random-production-secret-key-for-the-check-0123456789-abcdefghij",
        "ALLOWED_HOSTS": "lmns.example.nhs.uk",
        "MFA_ENCRYPTION_KEY": "bG1ucy1kZXBsb3ktY2hlY2stb25seS1rZXktMDEyMzQ=",
    }
    env.pop("SITE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SITE_URL must be set" in result.stderr
