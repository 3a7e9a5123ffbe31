"""Quality pages: check access, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from lmns.access import Access, get_access
from lmns.downloads import record_download
from lmns.models import Lmns, Trust
from lmns.uploads import UploadError, keep_preview, preview_to_confirm

from . import importer, selectors, services
from .charts import spc_svg
from .exports import surveillance_workbook, template_csv
from .forms import ConfirmImportForm, ImportForm, MonthEntryForm, MonthForm
from .models import Measure

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _wide_lmns(request: HttpRequest, pk: int) -> tuple[Access, Lmns]:
    """The LMNS, for its programme team and board (its trust leads 403, others 404)."""
    access = get_access(request)
    return access, access.lmns_page(pk, wide=True)


def _managed_lmns(request: HttpRequest, pk: int) -> Lmns:
    access = get_access(request)
    lmns = access.lmns_page(pk)
    access.require(
        access.can_manage_lmns(lmns.pk), "Only the LMNS programme team can import quality figures."
    )
    return lmns


def _trust(request: HttpRequest, pk: int) -> tuple[Access, Trust]:
    access = get_access(request)
    return access, access.trust_page(pk)


def surveillance(request: HttpRequest, pk: int) -> HttpResponse:
    """One LMNS page per month: trusts × measures with the latest value and icons."""
    _, lmns = _wide_lmns(request, pk)
    form = MonthForm(request.GET or None)
    month = form.chosen()
    context = {
        "lmns": lmns,
        "form": form if form.is_bound else MonthForm(initial={"month": f"{month:%Y-%m}"}),
        "data": selectors.surveillance(lmns, month),
        "month": month,
    }
    return render(request, "quality/surveillance.html", context)


def surveillance_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    _, lmns = _wide_lmns(request, pk)
    month = MonthForm(request.GET or None).chosen()
    response = HttpResponse(surveillance_workbook(selectors.surveillance(lmns, month)), XLSX)
    name = f"{lmns.short_name}-quality-{month:%Y-%m}.xlsx"
    record_download(request, kind="Quality surveillance export", name=name, lmns=lmns)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def trust_measures(request: HttpRequest, pk: int) -> HttpResponse:
    access, trust = _trust(request, pk)
    form = MonthForm(request.GET or None)
    month = form.chosen()
    context = {
        "trust": trust,
        "month": month,
        "form": form if form.is_bound else MonthForm(initial={"month": f"{month:%Y-%m}"}),
        "series": selectors.trust_overview(trust, month),
        "can_enter": access.can_edit_trust(trust),
        "can_read_lmns": access.can_read_lmns_wide(trust.lmns_id),
    }
    return render(request, "quality/trust.html", context)


def chart(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """One trust × measure: the SPC chart, its icons, the table of figures and the rebases."""
    access, trust = _trust(request, pk)
    measure = get_object_or_404(Measure, code=code.upper())
    form = MonthForm(request.GET or None)
    series = selectors.series_for(trust, measure, form.chosen())
    context = {
        "trust": trust,
        "measure": measure,
        "series": series,
        "svg": spc_svg(series, f"chart-{measure.code.lower()}"),
        "form": form if form.is_bound else MonthForm(initial={"month": f"{series.month:%Y-%m}"}),
        "can_enter": access.can_edit_trust(trust),
    }
    return render(request, "quality/chart.html", context)


def entry(request: HttpRequest, pk: int) -> HttpResponse:
    """A trust lead's figures for one month (``?month=2024-03``), with corrections' history."""
    access, trust = _trust(request, pk)
    access.require(access.can_edit_trust(trust), "Only the trust's leads enter its figures.")
    month = MonthForm(request.GET or None).chosen()
    measures = selectors.active_measures()
    figures = selectors.month_figures(trust, month)
    form = MonthEntryForm(request.POST or None, measures=measures, figures=figures)
    if request.method == "POST" and form.is_valid():
        try:
            counts = services.save_month(
                trust=trust,
                month=month,
                rows=form.rows(),
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            return _month_saved(request, trust, month, counts)
    context = {
        "trust": trust,
        "month": month,
        "form": form,
        "months": MonthForm(initial={"month": f"{month:%Y-%m}"}),
        "changes": selectors.month_changes(trust, month),
    }
    return render(request, "quality/entry.html", context)


def _month_saved(request: HttpRequest, trust: Trust, month, counts: dict) -> HttpResponse:
    messages.success(
        request,
        f"{trust.short_name} {month:%B %Y}: {counts['created']} new and "
        f"{counts['corrected']} corrected figures saved.",
    )
    return redirect(f"{reverse('quality:entry', args=[trust.pk])}?month={month:%Y-%m}")


def _import_purpose(lmns: Lmns) -> str:
    """What an import preview of this LMNS's figures is for (see lmns.models.ImportPreview)."""
    return f"quality.lmns:{lmns.pk}"


def import_upload(request: HttpRequest, pk: int) -> HttpResponse:
    lmns = _managed_lmns(request, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            parsed = importer.parse(
                form.cleaned_data["file"], lmns=lmns, kind=form.cleaned_data["kind"]
            )
        except UploadError as refused:
            problems = refused.problems
        else:
            keep_preview(
                user=request.user,
                purpose=_import_purpose(lmns),
                file_name=parsed.name,
                sha256=parsed.sha256,
                rows=parsed.as_data(),
                options={"status": form.cleaned_data["status"]},
            )
            return redirect("quality:import_preview", lmns.pk)
    context = {"lmns": lmns, "form": form, "problems": problems}
    return render(request, "quality/import.html", context)


def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """What the checked file would change; nothing is saved until the person confirms.

    The checked file is the person's own import preview (``lmns.models.ImportPreview``).
    """
    lmns = _managed_lmns(request, pk)
    stored, why_not = preview_to_confirm(user=request.user, purpose=_import_purpose(lmns))
    if stored is None:
        messages.info(request, why_not)
        return redirect("quality:import", lmns.pk)
    parsed = importer.Parsed.from_data(stored.rows)
    form = ConfirmImportForm(request.POST or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            saved = importer.import_preview(stored, lmns=lmns, user=request.user)
        except UploadError as refused:
            problems = refused.problems
        else:
            messages.success(request, f"Imported {saved} figures from {stored.file_name}.")
            return redirect("quality:surveillance", lmns.pk)
    context = {
        "lmns": lmns,
        "form": form,
        "rows": importer.preview(parsed, lmns),
        "stored": stored,
        "skipped": parsed.skipped,
        "problems": problems,
    }
    return render(request, "quality/import_preview.html", context)


def import_template(request: HttpRequest, pk: int) -> HttpResponse:
    """The product's CSV template, with a row per trust and measure MSDS does not publish."""
    lmns = _managed_lmns(request, pk)
    response = HttpResponse(template_csv(lmns), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{lmns.short_name}-quality-template.csv"'
    )
    return response


def ambitions(request: HttpRequest, pk: int) -> HttpResponse:
    """The LMNS's ambitions and trajectories: baseline and source, targets, the one in force."""
    _, lmns = _wide_lmns(request, pk)
    month = selectors.last_complete_month()
    context = {"lmns": lmns, "month": month, "rows": selectors.ambitions_of(lmns, month)}
    return render(request, "quality/ambitions.html", context)


def accreditations(request: HttpRequest, pk: int) -> HttpResponse:
    """Each provider's accreditation stages; everyone who reads the LMNS reads them."""
    access = get_access(request)
    lmns = get_object_or_404(access.lmnss(), pk=pk)
    context = {"lmns": lmns, "schemes": selectors.accreditations_of(lmns)}
    return render(request, "quality/accreditations.html", context)
