"""The day's reminders and digests, and every delivery due a retry. Run daily (cron or a systemd
timer, docs/operations.md); idempotent: a second run the same day sends nothing new."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lmns import reminders
from mail import outbox


class Command(BaseCommand):
    help = "Send the day's reminders and digests, and retry deliveries that are due."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--today", help="The day to compute, YYYY-MM-DD (default: today in Europe/London)"
        )

    def handle(self, *args, today=None, **options) -> None:
        try:
            day = datetime.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--today must be a date as YYYY-MM-DD: {error}") from None
        made = reminders.run(day)
        digests = outbox.make_digests(day=day)
        sent = outbox.send_due()
        if options["verbosity"] > 0:
            self.stdout.write(
                f"{day}: {sum(made.values())} reminders, {digests} digests; deliveries now: "
                f"{', '.join(f'{n} {s}' for s, n in sorted(sent.items())) or 'none due'}"
            )
