"""Views of the compliance dashboard, the trust trend and the CSV import."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from lmns.access import get_access
from lmns.uploads import UploadError

from ..charts import section_trend_charts
from ..forms.dashboard import ComplianceImportForm, DashboardFilterForm, TrendFilterForm
from ..importer import MAX_ROWS, import_compliance
from ..selectors import collections
from ..selectors import dashboard as selectors
from ..selectors import review as review_selectors


def _evidence_rows(grid, lmns, framework, period) -> list:
    """Each trust with a return: fully met requirements, evidenced or not yet accepted."""
    positions = review_selectors.evidence_positions(lmns.pk, framework.pk, period.pk)
    return [(row.trust, positions[row.trust.pk]) for row in grid.rows if row.trust.pk in positions]


def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """Trust × section heatmap of agreed compliance, plus the quarter's returns status."""
    access = get_access(request)
    lmns = access.lmns_page(pk, wide=True)
    form = DashboardFilterForm(request.GET or None)
    chosen = form.chosen()
    period, framework, collected, shown = collections.dashboard_choice(lmns, chosen)
    grid = returns = None
    if period is not None and framework is not None:
        grid = selectors.compliance_grid(lmns, framework, period, collected.trusts_for(framework))
        returns = selectors.returns_status(
            lmns, period, shown, trusts=grid.trusts, asked=collected.pairs()
        )
        if not form.errors:
            # Show what the page is showing, defaults included.
            form = DashboardFilterForm(initial={"framework": framework, "period": period})
    context = {
        "lmns": lmns,
        "form": form,
        "grid": grid,
        "returns": returns,
        "evidence": _evidence_rows(grid, lmns, framework, period) if grid else None,
        "frameworks": shown,
        "bands": selectors.BANDS,
        "can_import": access.can_manage_lmns(lmns.pk),
    }
    return render(request, "assurance/dashboard.html", context)


def trust_trend(request: HttpRequest, pk: int) -> HttpResponse:
    """Each section's agreed per cent over the last eight quarters, as small SVG charts."""
    access = get_access(request)
    trust = access.trust_page(pk)
    form = TrendFilterForm(request.GET or None)
    chosen = form.chosen()
    framework = chosen.get("framework") or selectors.default_framework(
        selectors.active_frameworks()
    )
    periods, trends = [], []
    if framework is not None:
        end = chosen.get("period") or selectors.latest_assured_period(trust, framework)
        if end is not None:
            periods, trends = selectors.trust_trend(trust, framework, end)
            if not form.errors:
                form = TrendFilterForm(initial={"framework": framework, "period": end})
    context = {
        "trust": trust,
        "framework": framework,
        "form": form,
        "periods": periods,
        "charts": section_trend_charts(trust, trends),
        "can_read_dashboard": access.can_read_lmns_wide(trust.lmns_id),
    }
    return render(request, "assurance/trend.html", context)


def import_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a trust × section CSV of agreed figures; all rows or none are imported."""
    access = get_access(request)
    lmns = access.lmns_page(pk)
    access.require(
        access.can_manage_lmns(lmns.pk),
        "Only the LMNS programme team can import compliance figures.",
    )
    problems = []
    if request.method == "POST":
        form = ComplianceImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                return _imported(request, lmns, form)
            except UploadError as refused:
                problems = refused.problems
    else:
        form = ComplianceImportForm()
    context = {"lmns": lmns, "form": form, "problems": problems, "max_rows": MAX_ROWS}
    return render(request, "assurance/import.html", context)


def _imported(request: HttpRequest, lmns, form: ComplianceImportForm) -> HttpResponse:
    """Import the checked file (refused whole with :class:`UploadError`), then show the figures."""
    framework, period = form.cleaned_data["framework"], form.cleaned_data["period"]
    done = import_compliance(
        form.cleaned_data["file"],
        lmns=lmns,
        framework=framework,
        period=period,
        user=request.user,
        on_behalf_reason=form.cleaned_data["on_behalf_reason"],
    )
    trusts = len(done.rows)
    messages.success(
        request,
        f"Imported {framework.short_name} figures for {period} as assured for "
        f"{trusts} trust{'s' if trusts != 1 else ''} ({done.created} new "
        f"return{'s' if done.created != 1 else ''}, {done.updated} "
        f"draft{'s' if done.updated != 1 else ''} completed).",
    )
    url = reverse("assurance:dashboard", args=[lmns.pk])
    return redirect(f"{url}?{urlencode({'framework': framework.pk, 'period': period.pk})}")
