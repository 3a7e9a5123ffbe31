"""Import agreed compliance from a CSV table shaped like seed 000: one row per trust.

The file format (wide)::

    trust,IEA1,IEA2,IEA3,IEA4,IEA5,IEA6,IEA7,WF
    RX1,100,99,65,89,70,94,57,80
    SFH,100%,100,100,100,100,100,71,100

* The file is read by the shared upload reader (``lmns.uploads``): at most 1 MB and
  :data:`MAX_ROWS` trusts, UTF-8 (with or without a byte order mark), each cell one line of text.
* The header row is required: the first column names the trust, every other column is a
  section code of the chosen framework (any order, any subset; upper or lower case). A file with
  a header and no trust rows is refused: there was nothing to import.
* A trust is given by its ODS code or its short name, and must belong to the chosen LMNS.
* A figure is a number from 0 to 100, optionally with a % sign; an empty cell means the
  section is not rated.
* A trust whose return for the quarter is already submitted, under review or assured is
  refused: a signed-off or in-progress return is never silently overwritten.
* A trust whose return is a draft it has never submitted is refused too, unless the programme
  team enters the figures on the trust's behalf and says why (``on_behalf_reason``): the import
  must not bypass the trust's own sign-off without a record of it. A return sent back to the
  trust (it was submitted once) and a trust with no return yet are imported as before.

Every row is checked first and the whole file is rejected if any row is wrong, with the reason
for each; otherwise everything is written in one transaction. Imported figures make the trust's
return assured, with a transition "Imported from CSV by …" (or, for a draft, the reason it was
entered on the trust's behalf), and its section ratings (derived = agreed = the figure).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from lmns.models import Lmns, ReportingPeriod, Trust
from lmns.people import full_name
from lmns.text import SHORT_TEXT
from lmns.uploads import Table, UploadError, read_table

from .models import (
    Answer,
    Framework,
    QuarterlyReturn,
    Requirement,
    ReturnStatus,
    SectionRating,
    Transition,
)
from .services import RETURN_WORKFLOW

MAX_BYTES = 1_000_000
MAX_ROWS = 500
PROTECTED_STATUSES = (ReturnStatus.SUBMITTED, ReturnStatus.UNDER_REVIEW, ReturnStatus.ASSURED)
OVERWRITABLE_STATUSES = (ReturnStatus.DRAFT, ReturnStatus.RETURNED)
ON_BEHALF = "Imported from CSV on the trust's behalf: "
IMPORTED = "import"  # the action its StepTaken events carry: assured by an import
# The reason is kept in the transition's comment after ON_BEHALF, within a comment's limit.
ON_BEHALF_REASON_LIMIT = SHORT_TEXT - len(ON_BEHALF)
CREATED_MEANWHILE = (
    "Nothing was imported: a return for this quarter was started while the file was being "
    "imported (by another import, or by a trust lead). Import the file again to see where "
    "each trust stands."
)


@dataclass(frozen=True)
class RowError:
    line: int  # 0 for the file as a whole
    message: str

    def __str__(self) -> str:
        return f"Row {self.line}: {self.message}" if self.line else self.message


@dataclass
class ParsedRow:
    line: int
    trust: Trust
    figures: dict[str, Decimal]  # section code -> per cent
    on_behalf: bool = False  # the trust's never-submitted draft is completed for it


@dataclass
class ImportReport:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def reject(self, line: int, message: str) -> None:
        self.errors.append(RowError(line, message))

    def refusal(self) -> UploadError:
        return UploadError(str(error) for error in self.errors)


def parse_percent(text: str) -> Decimal:
    """'65', '65%', ' 65.5 ' → Decimal; raises ValueError with a reason."""
    cleaned = text.strip().removesuffix("%").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"“{text.strip()}” is not a number") from exc
    if not value.is_finite():
        raise ValueError(f"“{text.strip()}” is not a number")
    if value < 0 or value > 100:
        raise ValueError(f"{value}% is outside 0 to 100")
    if value != value.quantize(Decimal("0.1")):
        raise ValueError(f"{value}% has more than one decimal place")
    return value


def parse(
    table: Table,
    lmns: Lmns,
    framework: Framework,
    period: ReportingPeriod,
    *,
    on_behalf_reason: str = "",
) -> ImportReport:
    """Check every row of the file; nothing is written. Fixed queries (trusts, sections, returns)."""
    report = ImportReport()
    header_line, header = table.header_row, table.header
    sections = {s.code.upper(): s.code for s in framework.sections.all()}
    columns: list[str | None] = []
    for cell in header[1:]:
        code = cell.upper()
        if not code:
            columns.append(None)
            continue
        if code not in sections:
            report.reject(
                header_line,
                f"unknown section “{cell}” for {framework.short_name} "
                f"(expected one of {', '.join(sections.values())})",
            )
        elif sections[code] in columns:
            report.reject(header_line, f"section {sections[code]} appears twice")
        columns.append(sections.get(code))
    if not any(columns):
        report.reject(header_line, "the header row names no section; see the expected format")
    if report.errors:
        return report

    given = [row.get(0) for row in table.rows if row.get(0)]
    candidates = Trust.objects.filter(
        Q(lmns=lmns) | Q(ods_code__in=[g.upper() for g in given]) | Q(short_name__in=given)
    )
    by_key: dict[str, Trust] = {}
    # The LMNS's own trusts first, so its short names win over another LMNS's.
    for trust in sorted(candidates, key=lambda t: t.lmns_id != lmns.pk):
        by_key.setdefault(trust.ods_code.upper(), trust)
        by_key.setdefault(trust.short_name.upper(), trust)
    existing = dict(
        QuarterlyReturn.objects.filter(
            trust__lmns=lmns, framework=framework, period=period
        ).values_list("trust_id", "status")
    )

    seen: dict[int, int] = {}
    for row in table.rows:
        line, key, figure_cells = row.number, row.get(0), row.cells[1:]
        if not key:
            report.reject(line, "the first column (trust) is empty")
            continue
        trust = by_key.get(key.upper())
        if trust is None:
            report.reject(line, f"unknown trust “{key}” (give its ODS code or short name)")
            continue
        if trust.lmns_id != lmns.pk:
            report.reject(line, f"{trust.short_name} ({trust.ods_code}) is not a trust of {lmns}")
            continue
        if trust.pk in seen:
            report.reject(line, f"{trust.short_name} appears again (first on row {seen[trust.pk]})")
            continue
        seen[trust.pk] = line
        status = existing.get(trust.pk)
        if status in PROTECTED_STATUSES:
            report.reject(
                line,
                f"{trust.short_name}'s {period} return is already "
                f"{ReturnStatus(status).label.lower()}; it is not overwritten",
            )
            continue
        if status == ReturnStatus.DRAFT and not on_behalf_reason:
            report.reject(
                line,
                f"{trust.short_name}'s {period} return is a draft the trust has not submitted; "
                "it is not overwritten unless you enter the figures on the trust's behalf and "
                "give the reason",
            )
            continue
        if len(figure_cells) > len(columns):
            report.reject(
                line, f"{len(figure_cells)} figures but only {len(columns)} section columns"
            )
            continue
        figures: dict[str, Decimal] = {}
        problems = []
        for code, cell in zip(columns, figure_cells, strict=False):
            if code is None or not cell:
                continue
            try:
                figures[code] = parse_percent(cell)
            except ValueError as exc:
                problems.append(f"{code}: {exc}")
        if problems:
            report.reject(line, f"{trust.short_name} – " + "; ".join(problems))
            continue
        if not figures:
            report.reject(line, f"{trust.short_name} has no figures")
            continue
        report.rows.append(ParsedRow(line, trust, figures, on_behalf=status == ReturnStatus.DRAFT))
    return report


def import_compliance(
    source: File | Path,
    *,
    lmns: Lmns,
    framework: Framework,
    period: ReportingPeriod,
    user,
    on_behalf_reason: str = "",
) -> ImportReport:
    """Validate the whole file, then write it all in one transaction, or raise UploadError.

    ``on_behalf_reason`` (at most :data:`ON_BEHALF_REASON_LIMIT` characters) allows drafts the
    trusts have not submitted to be completed on their behalf; it is kept in each such
    return's transition.
    """
    on_behalf_reason = on_behalf_reason.strip()
    if len(on_behalf_reason) > ON_BEHALF_REASON_LIMIT:
        raise UploadError(
            f"The reason is {len(on_behalf_reason):,} characters long; the limit is "
            f"{ON_BEHALF_REASON_LIMIT:,}."
        )
    table = read_table(source, max_rows=MAX_ROWS, max_bytes=MAX_BYTES, kinds=("csv",))
    report = parse(table, lmns, framework, period, on_behalf_reason=on_behalf_reason)
    if not report.ok:
        raise report.refusal()
    who = full_name(user) or "the system"
    comments = {
        False: f"Imported from CSV by {who}",
        True: f"{ON_BEHALF}{on_behalf_reason}",
    }
    try:
        with transaction.atomic():
            _write(report, framework, period, user, comments)
            if report.errors:
                # A return moved on while the file was being checked: refuse the whole file.
                transaction.set_rollback(True)
    except IntegrityError:
        # A return was started meanwhile, by another import of the quarter or by its trust.
        report.reject(0, CREATED_MEANWHILE)
    if report.errors:
        report.created = report.updated = 0
        raise report.refusal()
    return report


def _write(report: ImportReport, framework, period, user, comments: dict[bool, str]) -> None:
    """Write every checked row with bulk statements: the query count does not grow per trust.

    Existing returns are locked and moved to Assured with one conditional UPDATE (the shared
    workflow step's rule, for many rows at once): if any of them is no longer a draft or
    returned, the import is refused.
    """
    trusts = [row.trust for row in report.rows]
    existing = {
        r.trust_id: r
        for r in QuarterlyReturn.objects.select_for_update().filter(
            trust__in=trusts, framework=framework, period=period
        )
    }
    for row in report.rows:
        found = existing.get(row.trust.pk)
        if found is None:
            continue
        if found.status not in OVERWRITABLE_STATUSES:
            report.reject(
                row.line,
                f"{row.trust.short_name}'s {period} return is already "
                f"{found.get_status_display().lower()}; it is not overwritten",
            )
        elif (found.status == ReturnStatus.DRAFT) != row.on_behalf:
            report.reject(0, "A return changed while the file was being imported; try again.")
    if report.errors:
        return
    from_status = {trust_id: r.status for trust_id, r in existing.items()}
    if existing:
        moved = QuarterlyReturn.objects.filter(
            pk__in=[r.pk for r in existing.values()], status__in=OVERWRITABLE_STATUSES
        ).update(status=ReturnStatus.ASSURED, version=F("version") + 1, updated_by=user)
        if moved != len(existing):
            report.reject(0, "A return changed while the file was being imported; try again.")
            return
        existing = {
            r.trust_id: r
            for r in QuarterlyReturn.objects.filter(pk__in=[r.pk for r in existing.values()])
        }
        # Conditional UPDATEs bypass save(): write the audit trail's rows explicitly.
        QuarterlyReturn.history.bulk_history_create(
            list(existing.values()), update=True, default_user=user
        )
    created = bulk_create_with_history(
        [
            QuarterlyReturn(
                trust=row.trust,
                framework=framework,
                period=period,
                status=ReturnStatus.ASSURED,
                updated_by=user,
            )
            for row in report.rows
            if row.trust.pk not in existing
        ],
        QuarterlyReturn,
        default_user=user,
    )
    if any(r.pk is None for r in created):
        created = list(
            QuarterlyReturn.objects.filter(
                trust__in=[r.trust_id for r in created], framework=framework, period=period
            )
        )
    report.created, report.updated = len(created), len(existing)
    returns = {**existing, **{r.trust_id: r for r in created}}
    # New returns are shaped like ones started by their trust: a blank answer per requirement
    # and a rating per section, so they can be reopened and edited like any other.
    requirements = list(Requirement.objects.filter(section__framework=framework))
    bulk_create_with_history(
        [Answer(quarterly_return=r, requirement=q) for r in created for q in requirements],
        Answer,
        default_user=user,
    )
    transitions = Transition.objects.bulk_create(
        Transition(
            quarterly_return=returns[row.trust.pk],
            from_status=from_status.get(row.trust.pk, ReturnStatus.DRAFT),
            to_status=ReturnStatus.ASSURED,
            by=user,
            comment=comments[row.on_behalf],
        )
        for row in report.rows
    )
    RETURN_WORKFLOW.announce_all(IMPORTED, [(t.quarterly_return, t) for t in transitions], user)
    current = {
        (rating.quarterly_return_id, rating.section_id): rating
        for rating in SectionRating.objects.filter(quarterly_return__in=list(existing.values()))
    }
    sections = list(framework.sections.all())
    to_create, to_update = [], []
    for row in report.rows:
        quarterly_return, comment = returns[row.trust.pk], comments[row.on_behalf]
        for section in sections:
            figure = row.figures.get(section.code)
            rating = current.get((quarterly_return.pk, section.pk))
            if rating is None:
                to_create.append(
                    SectionRating(
                        quarterly_return=quarterly_return,
                        section=section,
                        derived_percent=figure,
                        agreed_percent=figure,
                        change_reason=comment if figure is not None else "",
                    )
                )
            elif figure is not None:  # not in the file: an existing rating is left as it was
                rating.derived_percent = rating.agreed_percent = figure
                rating.change_reason = comment
                to_update.append(rating)
    bulk_create_with_history(to_create, SectionRating, default_user=user)
    if to_update:
        bulk_update_with_history(
            to_update,
            SectionRating,
            ["derived_percent", "agreed_percent", "change_reason"],
            default_user=user,
        )
