from django.core.management.base import BaseCommand
from django.db import transaction

from lmns.models import Purge, PurgeStatus
from lmns.purges import remove_content


class Command(BaseCommand):
    help = (
        "Apply every approved purge again: after restoring a backup written before a purge, "
        "remove once more what the purge removed (the tombstones are in the backup). "
        "Content already removed is left alone, so it is safe to run at any time."
    )

    def handle(self, *args, **options):
        again = 0
        for purge in Purge.objects.filter(status=PurgeStatus.PURGED).order_by("pk"):
            with transaction.atomic():
                if remove_content(purge) is not None:
                    again += 1
                    self.stdout.write(f"Removed again: purge {purge.pk}, {purge.description}")
        self.stdout.write(self.style.SUCCESS(f"{again} purges applied again."))
