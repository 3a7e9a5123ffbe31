"""Pages of the actions to reach full compliance: raised on an answer by the trust's lead,
updated quarter after quarter, closed by the LMNS (evidence accepted, or no longer needed)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_tables2 import RequestConfig

from lmns.access import Access, Scope, get_access
from lmns.downloads import record_download
from lmns.exports import Sheet, csv_response, xlsx_response
from lmns.models import Trust
from lmns.workflow import Refusal

from ..filters import OPEN, ActionFilter
from ..forms.actions import ActionCloseForm, ActionEntryForm
from ..selectors import actions as selectors
from ..services import (
    close_action,
    may_close_action,
    may_raise_action,
    may_update_action,
    raise_action,
    update_action,
)
from ..tables import ActionTable, export_rows

ANSWER_SCOPE = Scope.trust("quarterly_return__trust")
ACTION_SCOPE = Scope.trust("trust")
# The register shows open actions until the person filters otherwise.
DEFAULT_FILTER = {"status": OPEN}


@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    answer = access.get_or_404(selectors.answers_for_actions(), ANSWER_SCOPE, pk=pk)
    ret = answer.quarterly_return
    access.require(
        may_raise_action(access, ret),
        f"Only {ret.trust.short_name}'s trust leads raise actions, on a return still in draft.",
    )
    form = ActionEntryForm(request.POST or None, trust=ret.trust)
    if request.method == "POST" and form.is_valid():
        try:
            raise_action(answer=answer, values=form.values(), user=request.user)
        except Refusal as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Action added to {answer.requirement.code}.")
            return redirect(selectors.answer_page(answer))
    context = {"answer": answer, "ret": ret, "form": form, "back": selectors.answer_page(answer)}
    return render(request, "assurance/action_form.html", context)


@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    action = access.get_or_404(selectors.readable_actions(), ACTION_SCOPE, pk=pk)
    access.require(
        may_update_action(access, action),
        f"Only {action.trust.short_name}'s trust leads update its open actions.",
    )
    form = ActionEntryForm(request.POST or None, instance=action, trust=action.trust)
    if request.method == "POST" and form.is_valid():
        try:
            saved = update_action(
                action=form.instance, user=request.user, expected_version=form.expected_version()
            )
        except Refusal as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Action saved." if saved else "Nothing had changed.")
            return redirect(selectors.action_home(action))
    context = {"action": action, "form": form, "back": selectors.action_home(action)}
    return render(request, "assurance/action_form.html", context)


@require_http_methods(["GET", "POST"])
def action_close(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    action = access.get_or_404(selectors.readable_actions(), ACTION_SCOPE, pk=pk)
    access.require(
        may_close_action(access, action), "Only the LMNS programme team closes open actions."
    )
    form = ActionCloseForm(request.POST or None, initial={"version": action.version})
    if request.method == "POST" and form.is_valid():
        try:
            close_action(action=action, user=request.user, **form.service_arguments())
        except Refusal as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Action closed: {action.get_closure_display().lower()}.")
            return redirect(selectors.action_home(action))
    context = {"action": action, "form": form, "back": selectors.action_home(action)}
    return render(request, "assurance/action_close.html", context)


def _register(request: HttpRequest, access: Access, trusts, lmns_id: int):
    """The register's filter and table, for the page and its exports alike."""
    today = timezone.localdate()
    rows = selectors.register_actions(access, trusts)
    action_filter = ActionFilter(
        request.GET or DEFAULT_FILTER, queryset=rows, trusts=trusts, today=today
    )
    table = ActionTable(
        action_filter.qs,
        today=today,
        lead_trust_ids=access.lead_trust_ids,
        can_close=access.can_manage_lmns(lmns_id),
    )
    RequestConfig(request, paginate=False).configure(table)
    return action_filter, table


@require_GET
def lmns_actions(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    lmns = access.lmns_page(pk, wide=True)
    action_filter, table = _register(request, access, lmns.trusts.all(), lmns.pk)
    context = {
        "lmns": lmns,
        "filter": action_filter,
        "table": table,
        "query": request.GET.urlencode(),
        "export": "assurance:lmns_actions_export",
        "pk": lmns.pk,
    }
    return render(request, "assurance/action_register.html", context)


@require_GET
def trust_actions(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    trust = access.trust_page(pk)
    trusts = Trust.objects.filter(pk=trust.pk)
    action_filter, table = _register(request, access, trusts, trust.lmns_id)
    context = {
        "trust": trust,
        "lmns": trust.lmns,
        "filter": action_filter,
        "table": table,
        "query": request.GET.urlencode(),
        "export": "assurance:trust_actions_export",
        "pk": trust.pk,
    }
    return render(request, "assurance/action_register.html", context)


def _export(request, access, trusts, lmns_id: int, name: str, fmt: str) -> HttpResponse:
    if fmt not in {"csv", "xlsx"}:
        raise Http404("Export as csv or xlsx.")
    _, table = _register(request, access, trusts, lmns_id)
    headers, rows = export_rows(table)
    filename = f"{name}-actions.{fmt}"
    record_download(request, kind="Actions register export", name=filename, lmns=lmns_id)
    if fmt == "csv":
        return csv_response(headers, rows, filename)
    return xlsx_response([Sheet("Actions", headers, rows)], filename)


@require_GET
def lmns_actions_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The LMNS register's rows, filtered and sorted as on the page, as CSV or XLSX."""
    access = get_access(request)
    lmns = access.lmns_page(pk, wide=True)
    return _export(request, access, lmns.trusts.all(), lmns.pk, lmns.short_name, fmt)


@require_GET
def trust_actions_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The trust register's rows, filtered and sorted as on the page, as CSV or XLSX."""
    access = get_access(request)
    trust = access.trust_page(pk)
    trusts = Trust.objects.filter(pk=trust.pk)
    return _export(request, access, trusts, trust.lmns_id, trust.short_name, fmt)
