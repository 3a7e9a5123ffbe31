from django.core.management.base import BaseCommand

from lmns.retention import REVIEW, apply_retention


class Command(BaseCommand):
    help = (
        "Apply the records retention schedule (RECORD_RETENTION): remove what is past its "
        "period where the schedule says delete, and list what is due for review (never removed "
        "here). Run daily; --dry-run says what would be removed and removes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be removed; remove nothing."
        )

    def handle(self, *args, dry_run: bool, **options):
        outcomes = apply_retention(dry_run=dry_run)
        removed = would = review = 0
        for o in outcomes:
            if not o.due:
                continue
            if o.action == REVIEW:
                review += o.due
                self.stdout.write(f"Due for review ({o.kind}): {o.due} {o.label}")
                for example in o.examples:
                    self.stdout.write(f"  - {example}")
            elif dry_run:
                would += o.due
                self.stdout.write(f"Would remove ({o.kind}): {o.due} {o.label}")
            else:
                removed += o.removed
                self.stdout.write(f"Removed ({o.kind}): {o.removed} {o.label}")
        verb = f"Would remove {would}" if dry_run else f"Removed {removed}"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} records past their retention period; {review} due for review "
                "(listed, not removed)."
            )
        )
