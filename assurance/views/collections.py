"""Views of what an LMNS collects: for each period, which frameworks from which trusts, and by
when. Only the LMNS's programme team sets it up; the work queues, the dashboard and the working
period read it."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lmns.access import Access, get_access
from lmns.models import Lmns, ReportingPeriod
from lmns.selectors import working_period

from .. import services
from ..forms.collections import CollectionForm
from ..models import Framework
from ..selectors import collections as selectors

REFUSED = "Only the LMNS programme team sets up what the LMNS collects."


def _lmns(access: Access, pk: int) -> Lmns:
    lmns = access.lmns_page(pk)
    access.require(services.may_manage_collections(access, lmns.pk), REFUSED)
    return lmns


@require_GET
def collections(request: HttpRequest, pk: int) -> HttpResponse:
    """Opens on the working period's collection."""
    access = get_access(request)
    lmns = _lmns(access, pk)
    period = (
        working_period(lmns) or ReportingPeriod.objects.started().order_by("-start_date").first()
    )
    if period is None:
        return render(request, "assurance/collections.html", {"lmns": lmns, "period": None})
    return redirect("assurance:collection_period", lmns.pk, period.pk)


@require_GET
def collection_period(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    """Each active framework: the trusts asked and the deadline, in this period."""
    access = get_access(request)
    lmns = _lmns(access, pk)
    period = get_object_or_404(ReportingPeriod, pk=period_pk)
    context = {
        "lmns": lmns,
        "period": period,
        "rows": selectors.collection_rows(lmns, period),
        "periods": selectors.collection_periods(),
        "working": working_period(lmns),
        "copy_from": selectors.last_collected_period(lmns, period),
    }
    return render(request, "assurance/collections.html", context)


@require_http_methods(["GET", "POST"])
def collection_edit(request: HttpRequest, pk: int, period_pk: int, framework_pk: int):
    """Which trusts are asked for one framework's return in the period, and by when."""
    access = get_access(request)
    lmns = _lmns(access, pk)
    period = get_object_or_404(ReportingPeriod, pk=period_pk)
    framework = get_object_or_404(Framework, pk=framework_pk)
    initial = selectors.collection_initial(lmns, period, framework)
    form = CollectionForm(request.POST or None, lmns=lmns, initial=initial)
    if request.method == "POST" and form.is_valid():
        _, changed = services.save_collection(
            lmns=lmns, period=period, framework=framework, user=request.user, **form.cleaned_data
        )
        if changed:
            messages.success(
                request,
                f"Saved what {lmns.short_name} collects of {framework.short_name} for {period}.",
            )
        else:
            messages.info(request, "Nothing had changed, so nothing was saved.")
        return redirect("assurance:collection_period", lmns.pk, period.pk)
    context = {"lmns": lmns, "period": period, "framework": framework, "form": form}
    return render(request, "assurance/collection_form.html", context)


@require_POST
def collection_copy(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    """Collect in this period what was collected in the last period the LMNS collected in."""
    access = get_access(request)
    lmns = _lmns(access, pk)
    period = get_object_or_404(ReportingPeriod, pk=period_pk)
    source = selectors.last_collected_period(lmns, period)
    if source is None:
        messages.warning(request, "There is no earlier period's collection to copy.")
    else:
        added = services.copy_collections(
            lmns=lmns, period=period, source=source, user=request.user
        )
        if added:
            messages.success(
                request,
                f"Copied {added} framework{'s'[: added != 1]} from {source}, each due by "
                f"{period}'s submission deadline.",
            )
        else:
            messages.info(request, f"Every framework collected in {source} is already set up.")
    return redirect("assurance:collection_period", lmns.pk, period.pk)
