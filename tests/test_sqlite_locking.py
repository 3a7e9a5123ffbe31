"""On SQLite, two people saving at the same moment take turns: neither gets "database is locked".

Each person's save is a transaction that reads and then writes (as every service does: check,
then save). With SQLite's default deferred transactions both read, then the second to write is
refused at once with "database is locked", a server error. The project's SQLite options make a
transaction take the write lock when it begins, so the second waits its turn (up to the busy
timeout). The test uses two real connections to a database file of its own, so it runs
whichever database the rest of the suite uses.
"""

import sqlite3
import threading

import pytest
from django.conf import settings
from django.db import OperationalError, connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper


def _settings_dict(path, options: dict) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": options,
        "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {},
    }


def _two_people_save_at_once(path, options: dict) -> list[str]:
    """Both open a transaction and read; then both write. Returns each one's outcome."""
    with sqlite3.connect(path) as setup:
        setup.execute("CREATE TABLE IF NOT EXISTS entry (who TEXT)")
    first_has_read = threading.Event()
    second_has_read = threading.Event()
    outcomes: list[str] = []

    def save(who: str, before_reading: threading.Event | None, after_reading: threading.Event):
        alias = f"race_{who}"
        connections[alias] = DatabaseWrapper(_settings_dict(path, options), alias)
        try:
            if before_reading:
                before_reading.wait(5)
            with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM entry")
                after_reading.set()
                if who == "first":
                    second_has_read.wait(2)  # the second is reading too, or queued
                cursor.execute("INSERT INTO entry VALUES (%s)", [who])
            outcomes.append("saved")
        except OperationalError as error:
            outcomes.append(str(error))
            after_reading.set()
        finally:
            connections[alias].close()
            del connections[alias]

    people = [
        threading.Thread(target=save, args=("first", None, first_has_read)),
        threading.Thread(target=save, args=("second", first_has_read, second_has_read)),
    ]
    for person in people:
        person.start()
    for person in people:
        person.join(30)
    return sorted(outcomes)


@pytest.fixture
def own_database(django_db_blocker):
    """Connections of the test's own, to its own file: not the suite's test database."""
    with django_db_blocker.unblock():
        yield


def test_sqlite_default_transactions_fail_one_of_two_people_saving_at_once(tmp_path, own_database):
    """The failure the project's options prevent, shown with SQLite's defaults."""
    outcomes = _two_people_save_at_once(tmp_path / "default.sqlite3", {})
    assert outcomes == ["database is locked", "saved"]


def test_with_the_projects_options_two_people_saving_at_once_both_save(tmp_path, own_database):
    path = tmp_path / "lmns.sqlite3"
    outcomes = _two_people_save_at_once(path, settings.SQLITE_OPTIONS)

    assert outcomes == ["saved", "saved"]
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT COUNT(*) FROM entry").fetchone() == (2,)
        assert check.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_the_project_opens_sqlite_with_these_options():
    default = settings.DATABASES["default"]
    if default["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the suite runs on another database")
    for name, value in settings.SQLITE_OPTIONS.items():
        assert default["OPTIONS"][name] == value
