"""python manage.py import_compliance FILE --lmns NottsLMNS --framework "Ockenden interim"
--period 2022/23-Q1 [--user notts-team] [--on-behalf-reason "…"]

Imports a trust × section CSV of agreed per cents (format in assurance/importer.py). All rows or
none: any problem is listed and nothing is written. A trust's draft that it has not submitted is
completed only with --on-behalf-reason, which is kept in the return's history.
"""

import re
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from assurance.importer import import_compliance
from assurance.models import Framework
from lmns.models import Lmns, ReportingPeriod
from lmns.uploads import UploadError

PERIOD_RE = re.compile(r"^(\d{4})[/-](\d{2})[- ]?Q([1-4])$", re.IGNORECASE)


def parse_period(text: str) -> ReportingPeriod:
    match = PERIOD_RE.match(text.strip())
    if not match:
        raise CommandError(f"Period “{text}” is not like 2022/23-Q1.")
    year, short, quarter = int(match[1]), int(match[2]), int(match[3])
    if (year + 1) % 100 != short:
        raise CommandError(f"Period “{text}”: {year}/{short:02d} is not a financial year.")
    period = ReportingPeriod.objects.filter(start_year=year, quarter=quarter).first()
    if period is None:
        raise CommandError(f"There is no reporting period {text}.")
    return period


def find_framework(text: str) -> Framework:
    frameworks = Framework.objects.filter(active=True).order_by("-version")
    framework = (
        frameworks.filter(short_name__iexact=text).first()
        or frameworks.filter(name__iexact=text).first()
    )
    if framework is None:
        names = ", ".join(sorted({f.short_name for f in frameworks}))
        raise CommandError(f"No active framework “{text}”. Choose one of: {names}.")
    return framework


class Command(BaseCommand):
    help = "Import agreed compliance per trust and section from a CSV file (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV: header 'trust,IEA1,…', one row per trust")
        parser.add_argument("--lmns", required=True, help="LMNS short name, e.g. NottsLMNS")
        parser.add_argument("--framework", required=True, help='e.g. "Ockenden interim"')
        parser.add_argument("--period", required=True, help="e.g. 2022/23-Q1")
        parser.add_argument("--user", help="Username recorded as the importer")
        parser.add_argument(
            "--on-behalf-reason",
            default="",
            help="Why trusts' unsubmitted drafts are completed on their behalf",
        )

    def handle(
        self, *args, file, lmns, framework, period, user=None, on_behalf_reason="", **options
    ):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        found_lmns = Lmns.objects.filter(short_name__iexact=lmns).first()
        if found_lmns is None:
            raise CommandError(f"No LMNS with short name “{lmns}”.")
        importer = None
        if user:
            importer = get_user_model().objects.filter(username=user).first()
            if importer is None:
                raise CommandError(f"No user “{user}”.")
        try:
            report = import_compliance(
                path,
                lmns=found_lmns,
                framework=find_framework(framework),
                period=parse_period(period),
                user=importer,
                on_behalf_reason=on_behalf_reason,
            )
        except UploadError as refused:
            for problem in refused.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"Nothing imported: {len(refused.problems)} problem(s) listed above."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {len(report.rows)} trusts as assured "
                f"({report.created} new returns, {report.updated} drafts completed)."
            )
        )
