"""python manage.py purge_import_previews: delete import previews older than their hour.

Run it daily (docs/operations.md). A preview expires an hour after its upload and is refused
from then on, so purging only frees the space its parsed rows take.
"""

from django.core.management.base import BaseCommand

from lmns.uploads import purge_expired_previews


class Command(BaseCommand):
    help = "Delete expired import previews (uploads checked but never confirmed). Run daily."

    def handle(self, *args, **options):
        purged = purge_expired_previews()
        self.stdout.write(f"Deleted {purged} expired import preview{'s' if purged != 1 else ''}.")
