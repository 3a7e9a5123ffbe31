"""The one way a migration test moves an app's schema: back to a migration, then to the latest.

Tests that use it run on the real test database with ``transaction=True`` and
``serialized_rollback=True``, and call :func:`migrate_to_latest` in a ``finally``.
"""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import StateApps


def migrate_app_to(node: tuple[str, str]) -> StateApps:
    """Migrate ``node``'s app to that migration and return the models as they stand then; the
    other apps stay migrated to their latest."""
    MigrationExecutor(connection).migrate([node])
    loader = MigrationExecutor(connection).loader
    others = [leaf for leaf in loader.graph.leaf_nodes() if leaf[0] != node[0]]
    return loader.project_state([node, *others]).apps


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
