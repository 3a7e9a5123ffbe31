"""Funding pages: check access, call a selector or service, render."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from lmns.access import Access, Scope, get_access
from lmns.audit import history_url
from lmns.downloads import record_download
from lmns.exports import XLSX_TYPE, attachment
from lmns.models import Lmns, ReportingPeriod, Trust
from lmns.purges import may_request_purge
from lmns.workflow import StaleRecord

from . import selectors, services
from .exports import year_workbook
from .forms import (
    AllocationChangeForm,
    BudgetLineForm,
    SpendEntryForm,
    StreamForm,
    TransitionForm,
    step_form,
)
from .models import BudgetLine, FundingStream, SpendEntry, SpendReturn, SpendReturnStatus


# -- access -------------------------------------------------------------------------------------
def _lmns_wide(request: HttpRequest, pk: int) -> tuple[Access, Lmns]:
    """The LMNS, for its programme team and board. Other LMNSs 404; its trust leads 403."""
    access = get_access(request)
    return access, access.lmns_page(pk, wide=True, reason=selectors.FUNDING_READERS)


def _manage(request: HttpRequest, pk: int) -> tuple[Access, Lmns]:
    access, lmns = _lmns_wide(request, pk)
    access.require(access.can_manage_lmns(lmns.pk), "Only the LMNS programme team can do that.")
    return access, lmns


FIRST_YEAR, LAST_YEAR = 2000, 2100


def _check_year(start_year: int) -> None:
    if not FIRST_YEAR <= start_year <= LAST_YEAR:
        raise Http404("No such financial year.")


def _period(start_year: int, quarter: int) -> ReportingPeriod:
    return get_object_or_404(ReportingPeriod, start_year=start_year, quarter=quarter)


def _quarter_param(request: HttpRequest) -> int | None:
    value = request.GET.get("to", "")
    return int(value) if value in {"1", "2", "3", "4"} else None


def _lead_redirect(request: HttpRequest, pk: int, start_year: int | None = None):
    """A trust lead of this LMNS opening its funding page is shown their trust's view instead."""
    access = get_access(request)
    if access.can_read_lmns_wide(pk):
        return None
    trust_obj = (
        access.trusts().filter(lmns_id=pk, pk__in=access.lead_trust_ids).order_by("name").first()
    )
    if trust_obj is None:
        return None
    url = reverse("funding:trust", args=[trust_obj.pk])
    return redirect(f"{url}?year={start_year}" if start_year else url)


# -- LMNS pages ---------------------------------------------------------------------------------
def lmns_home(request: HttpRequest, pk: int) -> HttpResponse:
    if response := _lead_redirect(request, pk):
        return response
    access, lmns = _lmns_wide(request, pk)
    years = selectors.years_with_streams(lmns)
    today = datetime.date.today()
    current = today.year if today.month >= 4 else today.year - 1
    recorded = {y["start_year"] for y in years}
    latest = max(recorded, default=current)
    context = {
        "lmns": lmns,
        "years": years,
        "can_manage": access.can_manage_lmns(lmns.pk),
        "new_years": sorted({current, current + 1, latest + 1} - recorded),
    }
    return render(request, "funding/lmns_home.html", context)


def year(request: HttpRequest, pk: int, start_year: int) -> HttpResponse:
    _check_year(start_year)
    if response := _lead_redirect(request, pk, start_year):
        return response
    access, lmns = _lmns_wide(request, pk)
    data = selectors.funding_year(lmns, start_year, _quarter_param(request))
    context = {
        "lmns": lmns,
        "year": data,
        "can_manage": access.can_manage_lmns(lmns.pk),
        "quarters": [1, 2, 3, 4],
    }
    return render(request, "funding/year.html", context)


def month6(request: HttpRequest, pk: int, start_year: int) -> HttpResponse:
    _check_year(start_year)
    _, lmns = _lmns_wide(request, pk)
    context = {
        "lmns": lmns,
        "review": selectors.month6_review(lmns, start_year),
        "threshold_percent": settings.FUNDING_VARIANCE_THRESHOLD_PERCENT,
        "threshold_pounds": settings.FUNDING_VARIANCE_THRESHOLD_POUNDS,
    }
    return render(request, "funding/month6.html", context)


def export(request: HttpRequest, pk: int, start_year: int) -> HttpResponse:
    _check_year(start_year)
    _, lmns = _lmns_wide(request, pk)
    content = year_workbook(lmns, start_year, _quarter_param(request))
    fy = f"{start_year}-{(start_year + 1) % 100:02d}"
    name = f"{lmns.short_name}-funding-{fy}.xlsx"
    record_download(request, kind="Funding year export", name=name, lmns=lmns)
    return attachment(content, XLSX_TYPE, name)


def stream_add(request: HttpRequest, pk: int, start_year: int) -> HttpResponse:
    _check_year(start_year)
    _, lmns = _manage(request, pk)
    form = StreamForm(request.POST or None, lmns=lmns, start_year=start_year)
    if request.method == "POST" and form.is_valid():
        stream = form.save()
        messages.success(request, f"{stream.name} added to {stream.financial_year}.")
        return redirect("funding:year", lmns.pk, start_year)
    context = {"lmns": lmns, "start_year": start_year, "form": form}
    return render(request, "funding/stream_form.html", context)


def stream_change(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    stream = access.get_or_404(
        FundingStream.objects.select_related("lmns"),
        Scope.lmns(wide=True),
        reason=selectors.FUNDING_READERS,
        pk=pk,
    )
    access.require(
        access.can_manage_lmns(stream.lmns_id), "Only the LMNS programme team can do that."
    )
    initial = {"new_amount": stream.amount, "new_status": stream.status}
    form = AllocationChangeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_allocation(stream, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{stream.name}: allocation change recorded.")
            return redirect("funding:year", stream.lmns_id, stream.start_year)
    context = {
        "stream": stream,
        "form": form,
        "changes": list(stream.changes.select_related("changed_by")),
        "history_url": history_url(stream),
    }
    return render(request, "funding/stream_change.html", context)


def line_add(request: HttpRequest, pk: int, start_year: int) -> HttpResponse:
    _check_year(start_year)
    _, lmns = _manage(request, pk)
    form = BudgetLineForm(request.POST or None, lmns=lmns, start_year=start_year)
    if not form.fields["stream"].queryset.exists():
        messages.warning(request, "Add the year's allocation (a funding stream) before its lines.")
        return redirect("funding:stream_add", lmns.pk, start_year)
    if request.method == "POST" and form.is_valid():
        try:
            line = services.save_budget_line(form.save(commit=False), request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Budget line “{line.title}” approved.")
            return redirect("funding:year", lmns.pk, start_year)
    context = {"lmns": lmns, "start_year": start_year, "form": form}
    return render(request, "funding/line_form.html", context)


def line_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    qs = selectors.readable_lines(access).select_related(
        "stream__lmns", "deliverable__plan", "holder_trust", "approved_by"
    )
    line = access.get_or_404(qs, Scope.lmns("stream__lmns"), pk=pk)
    entries = list(
        SpendEntry.objects.filter(budget_line=line)
        .select_related("spend_return__period", "entered_by")
        .order_by("quarter")
    )
    context = {
        "line": line,
        "entries": entries,
        "can_manage": access.can_manage_lmns(line.stream.lmns_id),
        "can_enter": services.may_enter(access, line),
        "can_read_lmns": access.can_read_lmns_wide(line.stream.lmns_id),
        "can_report": may_request_purge(access, line.stream.lmns_id, None),
        "history_url": history_url(line),
        "quarters": [(q, line.profile_for(q)) for q in (1, 2, 3, 4)],
        "entered_quarters": {e.quarter for e in entries},
    }
    return render(request, "funding/line_detail.html", context)


def line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    line = access.get_or_404(
        BudgetLine.objects.select_related("stream__lmns"),
        selectors.LINE_SCOPE,
        reason=selectors.FUNDING_READERS,
        pk=pk,
    )
    lmns = line.stream.lmns
    access.require(access.can_manage_lmns(lmns.pk), "Only the LMNS programme team can do that.")
    form = BudgetLineForm(
        request.POST or None, instance=line, lmns=lmns, start_year=line.stream.start_year
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_budget_line(
                form.save(commit=False), request.user, form.cleaned_data.get("version") or 0
            )
        except StaleRecord as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Budget line saved.")
            return redirect("funding:line_detail", line.pk)
    context = {"lmns": lmns, "start_year": line.stream.start_year, "form": form, "line": line}
    return render(request, "funding/line_form.html", context)


# -- spend returns ------------------------------------------------------------------------------
def return_detail(request: HttpRequest, pk: int, start_year: int, quarter: int) -> HttpResponse:
    access = get_access(request)
    lmns = access.lmns_page(pk)
    return _return_page(request, access, lmns, _period(start_year, quarter))


def _return_page(
    request: HttpRequest,
    access: Access,
    lmns: Lmns,
    period: ReportingPeriod,
    refused: TransitionForm | None = None,
    action: str = "",
) -> HttpResponse:
    """The spend return page; ``refused`` is a step's form sent back with its errors."""
    spend_return = selectors.spend_return_of(lmns, period)
    wide = access.can_read_lmns_wide(lmns.pk)
    context = {
        "lmns": lmns,
        "period": period,
        "spend_return": spend_return,
        "status": spend_return.get_status_display() if spend_return else "Not started",
        "wide": wide,
        "can_manage": access.can_manage_lmns(lmns.pk),
        "transitions": selectors.return_timeline(spend_return),
        "missing": services.missing_lines(spend_return) if spend_return and wide else [],
        "history_url": history_url(spend_return) if spend_return and wide else "",
        "SpendReturnStatus": SpendReturnStatus,
        "steps": services.steps_for(access, spend_return or SpendReturn(lmns=lmns)),
        "refused": {"action": action, "form": refused} if refused else None,
        **_return_rows(access, lmns, period, spend_return, wide),
    }
    return render(request, "funding/return_detail.html", context)


def _return_rows(access, lmns, period, spend_return, wide: bool) -> dict:
    """The lines the person may read, their actions, and the holding trusts' completion."""
    lines = BudgetLine.objects.all()
    if not wide:
        lines = access.scope(lines, Scope.trust("holder_trust"))
    rows = selectors.return_lines(lmns, period, lines)
    holders = selectors.holder_states(lmns, period, spend_return, rows)
    locked = {state.trust.pk for state in holders if state.complete}
    editable = spend_return is None or spend_return.is_editable
    for row in rows:
        row["can_enter"] = (
            editable
            and row["line"].holder_trust_id not in locked
            and services.may_enter(access, row["line"])
        )
    for state in holders:
        completion = state.completion or services.completion_stub(lmns, state.trust, spend_return)
        state.steps = (
            services.TRUST_LINES_WORKFLOW.available(access, completion) if editable else []
        )
    return {
        "rows": rows,
        "holders": holders,
        "trusts_reported": selectors.trusts_reported_text(rows, period.quarter) if wide else "",
        "trusts_complete": selectors.trusts_complete_text(holders) if wide else "",
    }


ENTER_REFUSED = (
    "Trust leads enter the lines their trust holds; the programme team enters central lines "
    "and a late trust's lines on its behalf."
)


def _line_to_enter(access: Access, line_pk: int) -> BudgetLine:
    """The line, when this person may read it (else 404) and enter its figures (else 403)."""
    qs = selectors.readable_lines(access).select_related("stream__lmns", "holder_trust")
    line = access.get_or_404(qs, Scope.lmns("stream__lmns"), pk=line_pk)
    access.require(services.may_enter(access, line), ENTER_REFUSED)
    return line


def entry_edit(request: HttpRequest, line_pk: int, quarter: int) -> HttpResponse:
    access = get_access(request)
    line = _line_to_enter(access, line_pk)
    period = _period(line.stream.start_year, quarter)
    back = redirect("funding:return_detail", line.stream.lmns_id, period.start_year, quarter)
    spend_return = line.stream.lmns.spend_returns.filter(period=period).first()
    if reason := services.read_only_reason(spend_return, line):
        messages.info(request, reason)
        return back
    entry = SpendEntry.objects.filter(spend_return=spend_return, budget_line=line).first()
    form = SpendEntryForm(request.POST or None, instance=entry, profile=line.profile_for(quarter))
    for_trust = services.on_behalf(access, line)
    if request.method == "POST" and form.is_valid():
        if form.save_figures(line=line, period=period, user=request.user, for_trust=for_trust):
            messages.success(request, f"{line.title}: {period} figures saved.")
            if warning := services.forecast_warning(line, form.figures()):
                messages.warning(request, warning)
            return back
    context = {
        "line": line,
        "period": period,
        "form": form,
        "entry": entry,
        "profile": form.profile,
    }
    return render(
        request, "funding/entry_form.html", {**context, **_entry_context(line, for_trust)}
    )


def _entry_context(line: BudgetLine, for_trust: bool) -> dict:
    return {
        "lmns": line.stream.lmns,
        "for_trust": for_trust,
        "threshold_percent": settings.FUNDING_VARIANCE_THRESHOLD_PERCENT,
        "threshold_pounds": settings.FUNDING_VARIANCE_THRESHOLD_POUNDS,
    }


@require_POST
def return_transition(
    request: HttpRequest, pk: int, start_year: int, quarter: int, action: str
) -> HttpResponse:
    access, lmns = _manage(request, pk)
    if services.SPEND_RETURN_WORKFLOW.step(action) is None:
        raise Http404("No such step.")
    period = _period(start_year, quarter)
    form = step_form(action, request.POST)
    if not form.is_valid():
        return _return_page(request, access, lmns, period, refused=form, action=action)
    try:
        spend_return = services.take_return_step(
            access=access,
            lmns=lmns,
            period=period,
            action=action,
            user=request.user,
            expected_version=form.cleaned_data["version"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        status = spend_return.get_status_display().lower()
        messages.success(request, f"The {period} return is now {status}.")
    return redirect("funding:return_detail", lmns.pk, start_year, quarter)


def _trust_step_allowed(access: Access, pk: int, trust_pk: int, action: str) -> tuple[Lmns, Trust]:
    """The LMNS and its trust, when this person may take ``action`` on the trust's lines."""
    lmns = access.lmns_page(pk)
    trust_obj = access.trust_page(trust_pk)
    workflow = services.TRUST_LINES_WORKFLOW
    if trust_obj.lmns_id != lmns.pk or (step := workflow.step(action)) is None:
        raise Http404("No such step.")
    stub = services.completion_stub(lmns, trust_obj)
    access.require(workflow.may_take(access, stub, action), step.refused)
    return lmns, trust_obj


@require_POST
def trust_step(
    request: HttpRequest, pk: int, start_year: int, quarter: int, trust_pk: int, action: str
) -> HttpResponse:
    """A trust lead marks their trust's lines complete; the programme team reopens them."""
    access = get_access(request)
    lmns, trust_obj = _trust_step_allowed(access, pk, trust_pk, action)
    period = _period(start_year, quarter)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        refused_action = f"{trust_obj.pk}-{action}"
        return _return_page(request, access, lmns, period, refused=form, action=refused_action)
    try:
        services.take_trust_step(
            lmns=lmns,
            period=period,
            trust=trust_obj,
            action=action,
            user=request.user,
            expected_version=form.cleaned_data["version"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        done = "marked complete" if action == "complete" else "reopened"
        messages.success(request, f"{trust_obj.short_name}'s {period} lines {done}.")
    return redirect("funding:return_detail", lmns.pk, start_year, quarter)


# -- trust page ---------------------------------------------------------------------------------
def trust(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    trust_obj: Trust = access.trust_page(pk)
    years = selectors.trust_years(trust_obj)
    chosen = request.GET.get("year", "")
    start_year = (
        int(chosen) if chosen.isdigit() and int(chosen) in years else (years[0] if years else None)
    )
    lines, totals, to_quarter = [], {}, None
    if start_year is not None:
        to_quarter = _quarter_param(request) or selectors.latest_return_quarter(
            trust_obj.lmns_id, start_year
        )
        lines, totals = selectors.trust_lines(trust_obj, start_year, to_quarter)
    context = {
        "trust": trust_obj,
        "years": years,
        "start_year": start_year,
        "to_quarter": to_quarter,
        "lines": lines,
        "totals": totals,
        "can_read_lmns": access.can_read_lmns_wide(trust_obj.lmns_id),
    }
    return render(request, "funding/trust.html", context)
