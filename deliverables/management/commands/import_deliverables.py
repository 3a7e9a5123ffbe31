from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from deliverables import importing
from deliverables.models import Plan
from deliverables.selectors import default_period
from lmns.models import ReportingPeriod
from lmns.uploads import UploadError


class Command(BaseCommand):
    help = (
        "Import a plan's deliverables and statuses from CSV or XLSX (columns number, title, "
        "text, status, narrative). Words other than the known ones must be mapped with --map."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--plan", type=int, required=True, help="The plan's id.")
        parser.add_argument(
            "--period",
            help="The reporting period the statuses report on, such as 2022/23 Q2 "
            "(default: the latest open period).",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="WORD=STATUS",
            help='Map a word, e.g. --map "Plans submitted June 22=on_track". Repeatable.',
        )

    def handle(self, *args, file: str, plan: int, period: str | None, map: list, **options):
        try:
            plan_obj = Plan.objects.get(pk=plan)
        except Plan.DoesNotExist as exc:
            raise CommandError(f"There is no plan {plan}.") from exc
        period_obj = self._period(period)
        path = Path(file)
        if not path.exists():
            raise CommandError(f"No such file: {file}")
        try:
            rows = importing.parse(path).rows
            mapping = importing.parse_mapping_options(map)
        except (UploadError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        statuses, unmapped = importing.resolve(rows, mapping)
        if unmapped:
            listed = "\n".join(f'  --map "{word}=STATUS"' for word in unmapped)
            raise CommandError(
                "These status words are not known; say what each means (STATUS is one of "
                "not_started, on_track, at_risk, off_track, complete):\n" + listed
            )
        try:
            result = importing.import_rows(plan_obj, period_obj, rows, mapping, None)
        except UploadError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result['rows']} rows into “{plan_obj}” for {period_obj}: "
                f"{result['created']} new, {result['updated']} updated."
            )
        )

    def _period(self, label: str | None) -> ReportingPeriod:
        if not label:
            period = default_period()
            if period is None:
                raise CommandError("There is no open reporting period; give --period.")
            return period
        try:
            year, quarter = label.strip().split()
            start_year = int(year.split("/")[0])
            return ReportingPeriod.objects.get(
                start_year=start_year, quarter=int(quarter.lstrip("Qq"))
            )
        except (ValueError, ReportingPeriod.DoesNotExist) as exc:
            raise CommandError(
                f"“{label}” is not a known period; write it like 2022/23 Q2."
            ) from exc
