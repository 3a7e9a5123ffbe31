"""The migration that adds the text limits lists existing longer text and stops; it never cuts.

Run on the real test database: deliverables is migrated back to before its limits, a risk with a
description one character over the new limit is stored, and migrating forward must stop with
the risk named, leaving its text whole and the migration unapplied.
"""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from lmns.tests.factories import LmnsFactory
from lmns.text import NARRATIVE, LongerTextFound
from tests.migrating import migrate_app_to, migrate_to_latest

BEFORE = ("deliverables", "0003_link_history")
LIMITS = ("deliverables", "0004_text_limits")


# Serialised rollback: the data that migrations ship comes back for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_limits_migration_lists_longer_text_and_stops_without_cutting_it():
    try:
        # The LMNS comes from today's model: migrating deliverables back leaves lmns as it is.
        lmns = LmnsFactory()
        old = migrate_app_to(BEFORE)
        executor = MigrationExecutor(connection)
        long_text = "A" * (NARRATIVE + 1)
        risk = old.get_model("deliverables", "Risk").objects.create(
            lmns_id=lmns.pk,
            title="Midwife vacancies",
            description=long_text,
            owner_name="Director of Midwifery",
            likelihood=4,
            impact=4,
            review_date=datetime.date(2022, 9, 30),
        )

        with pytest.raises(LongerTextFound) as stopped:
            executor.migrate([LIMITS])

        message = str(stopped.value)
        assert f"deliverables.Risk {risk.pk} description: 10,001 characters (limit 10,000)" in (
            message
        )
        assert "changed nothing" in message
        executor = MigrationExecutor(connection)
        assert LIMITS not in executor.loader.applied_migrations
        stored = old.get_model("deliverables", "Risk").objects.get(pk=risk.pk)
        assert stored.description == long_text  # never truncated

        old.get_model("deliverables", "Risk").objects.filter(pk=risk.pk).update(
            description="A" * NARRATIVE
        )
        executor.migrate([LIMITS])
        assert LIMITS in MigrationExecutor(connection).loader.applied_migrations
    finally:
        migrate_to_latest()
