"""Plans, deliverables, status updates, trajectories, risks and imports.

Each view checks access through ``lmns.access``, calls a selector or service and renders.
Who may change what: the LMNS programme team manages its LMNS's plans and risks; the lead of a
trust may also change that trust's own plan (such as a trust improvement plan). Board members
read. Trust leads read the LMNS's plans but see only deliverables that concern their trust or
all trusts.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django_tables2 import RequestConfig

from lmns import uploads
from lmns.access import Access, Scope, get_access
from lmns.audit import history_url
from lmns.downloads import record_download
from lmns.exports import Sheet, csv_response, xlsx_response
from lmns.purges import may_request_purge
from lmns.workflow import StaleRecord
from quality import services as quality_services

from . import importing, selectors, services
from .charts import trajectory_chart
from .filters import DeliverableFilter
from .forms import (
    ActualForm,
    DeliverableForm,
    DeliverableUpdateForm,
    ImportUploadForm,
    MappingForm,
    MitigationForm,
    PeriodChoiceForm,
    PeriodFormSet,
    PlanForm,
    RescoreForm,
    RiskForm,
)
from .models import Deliverable, Mitigation, Plan, Risk
from .tables import DeliverableTable, export_rows, targets_html


def _import_purpose(plan: Plan) -> str:
    """What an import preview of this plan is for (see lmns.models.ImportPreview)."""
    return f"deliverables.plan:{plan.pk}"


def _posted(request: HttpRequest):
    """The form data of a POST, or ``None``: a GET shows an unbound form."""
    return request.POST if request.method == "POST" else None


def _plan_or_404(access: Access, pk: int) -> Plan:
    return access.get_or_404(
        selectors.readable_plans(access).select_related("lmns", "trust"), Scope.lmns(), pk=pk
    )


def _changeable_deliverable(request: HttpRequest, pk: int, refused: str) -> Deliverable:
    access = get_access(request)
    deliverable = selectors.deliverable_for_page(access, pk)
    access.require(services.may_change_plan(access, deliverable.plan), refused)
    return deliverable


def _changeable_plan(request: HttpRequest, pk: int) -> tuple[Access, Plan]:
    access = get_access(request)
    plan = _plan_or_404(access, pk)
    access.require(
        services.may_change_plan(access, plan),
        "Only the LMNS programme team (or, for a trust's own plan, its lead) can change this plan.",
    )
    return access, plan


# -- plans ------------------------------------------------------------------------------------
def plan_list(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    lmns = access.lmns_page(pk)
    plans = selectors.plans_of(access, lmns).annotate(
        deliverable_count=Count(
            "deliverables",
            filter=Q(deliverables__in=selectors.visible_deliverables(access)),
        )
    )
    context = {
        "lmns": lmns,
        "plans": plans,
        "can_manage": access.can_manage_lmns(lmns.pk),
    }
    return render(request, "deliverables/plan_list.html", context)


def plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    lmns = access.lmns_page(pk)
    access.require(access.can_manage_lmns(lmns.pk), "Only the programme team can add plans.")
    form = PlanForm(
        request.POST if request.method == "POST" else None,
        instance=Plan(lmns=lmns),
        trusts=lmns.trusts.order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        plan = form.save()
        messages.success(request, f"Plan “{plan.title}” added. Import or add its deliverables.")
        return redirect(plan.get_absolute_url())
    return render(request, "deliverables/plan_form.html", {"lmns": lmns, "form": form})


def _filtered_table(request: HttpRequest, access: Access, plan: Plan, *, export: bool = False):
    rows = selectors.plan_table_rows(plan, access, export=export)
    plan_filter = DeliverableFilter(request.GET or None, queryset=rows, plan=plan)
    table = DeliverableTable(plan_filter.qs)
    RequestConfig(request, paginate=False).configure(table)
    return plan_filter, table


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    plan = _plan_or_404(access, pk)
    plan_filter, table = _filtered_table(request, access, plan)
    ambitions = selectors.plan_ambitions(plan, access)
    context = {
        "plan": plan,
        "filter": plan_filter,
        "table": table,
        "workstreams": list(plan.workstreams.all()),
        "ambitions": ambitions,
        "targets": targets_html(ambitions),
        "kpis": selectors.plan_kpis(plan),
        "governance": selectors.governance_route(plan),
        "query": request.GET.urlencode(),
        "can_change": services.may_change_plan(access, plan),
    }
    return render(request, "deliverables/plan_detail.html", context)


def plan_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The plan page's rows, filtered and sorted as on the page, as CSV or XLSX."""
    access = get_access(request)
    plan = _plan_or_404(access, pk)
    if fmt not in {"csv", "xlsx"}:
        raise Http404("Export as csv or xlsx.")
    _, table = _filtered_table(request, access, plan, export=True)
    headers, rows = export_rows(table)
    filename = f"{plan.lmns.short_name}-plan-{plan.pk}-deliverables.{fmt}"
    record_download(request, kind="Plan export", name=filename, lmns=plan.lmns_id)
    if fmt == "csv":
        return csv_response(headers, rows, filename)
    return xlsx_response([Sheet("Deliverables", headers, rows)], filename)


def period_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Update many deliverables on one page: nothing is saved until every changed row is valid,
    and only rows that changed get a new update."""
    access, plan = _changeable_plan(request, pk)
    rows = selectors.plan_rows(plan, access)
    plan_filter = DeliverableFilter(request.GET or None, queryset=rows, plan=plan)
    if request.method != "POST":
        period_form = PeriodChoiceForm(prefix="p", initial={"period": selectors.default_period()})
        formset = PeriodFormSet(deliverables=list(plan_filter.qs))
    else:
        period_form = PeriodChoiceForm(request.POST, prefix="p")
        formset = PeriodFormSet.posted(request.POST, rows)
        if formset is None:
            messages.error(request, "The page was out of date: here are the current deliverables.")
            return redirect(request.get_full_path())
        if (
            period_form.is_valid()
            and formset.is_valid()
            and (items := formset.updates()) is not None
            and (done := _record_updates(request, plan, items, period_form.cleaned_data["period"]))
        ):
            return done
    context = {"plan": plan, "filter": plan_filter, "period_form": period_form, "formset": formset}
    return render(
        request, "deliverables/period_update.html", {**context, "query": request.GET.urlencode()}
    )


def _record_updates(request: HttpRequest, plan: Plan, items: list, period) -> HttpResponse | None:
    """Record the changed rows, then back to the plan as filtered; ``None`` when refused."""
    try:
        services.record_updates(items=items, period=period, user=request.user)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
        return None
    _say_recorded(request, len(items), period)
    query = request.GET.urlencode()
    url = reverse("deliverables:plan_detail", args=[plan.pk])
    return redirect(f"{url}?{query}" if query else url)


def _say_recorded(request: HttpRequest, count: int, period) -> None:
    if count:
        messages.success(request, f"{count} update(s) recorded for {period}.")
    else:
        messages.info(request, "Nothing changed, so no updates were recorded.")


# -- deliverables -----------------------------------------------------------------------------
def deliverable_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    deliverable = selectors.deliverable_for_page(access, pk)
    can_change = services.may_change_plan(access, deliverable.plan)
    trajectory = selectors.trajectory_of(deliverable)
    context = {
        "deliverable": deliverable,
        "plan": deliverable.plan,
        "updates": selectors.timeline(deliverable),
        "trusts": list(deliverable.trusts.order_by("name")),
        "trajectory": trajectory,
        "chart": trajectory_chart(trajectory),
        "can_change": can_change,
        "can_report": may_request_purge(access, deliverable.plan.lmns_id, None),
        "overdue": deliverable.is_overdue(),
        "history_url": history_url(deliverable),
    }
    return render(request, "deliverables/deliverable_detail.html", context)


def deliverable_update(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = _changeable_deliverable(
        request,
        pk,
        "Only the LMNS programme team (or, for a trust's own plan, its lead) can update this.",
    )
    initial = {
        "period": selectors.default_period(),
        "version": deliverable.version,
        **selectors.carried_forward(deliverable),
    }
    form = DeliverableUpdateForm(_posted(request), initial=initial)
    if form.is_bound and form.is_valid() and not form.has_changed():
        messages.info(request, "Nothing changed, so no update was recorded.")
        return redirect(deliverable.get_absolute_url())
    if form.is_bound and form.is_valid():
        try:
            services.record_update(
                item=form.update_input(deliverable),
                period=form.cleaned_data["period"],
                user=request.user,
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, f"Update recorded for {deliverable.reference}.")
            return redirect(deliverable.get_absolute_url())
    context = {"deliverable": deliverable, "plan": deliverable.plan, "form": form}
    return render(request, "deliverables/deliverable_update.html", context)


def deliverable_edit(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = _changeable_deliverable(
        request,
        pk,
        "Only the LMNS programme team (or, for a trust's own plan, its lead) can edit this.",
    )
    plan = deliverable.plan
    form = DeliverableForm(
        _posted(request),
        instance=deliverable,
        initial={"version": deliverable.version},
        workstreams=plan.workstreams.all(),
        trusts=plan.lmns.trusts.order_by("name"),
    )
    if form.is_bound and form.is_valid():
        try:
            services.edit_deliverable(
                deliverable=deliverable,
                expected_version=form.cleaned_data["version"],
                changes=form.entered("trusts", "version"),
                trusts=form.cleaned_data["trusts"],
                user=request.user,
            )
        except StaleRecord as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, f"Deliverable {deliverable.reference} saved.")
            return redirect(deliverable.get_absolute_url())
    context = {"deliverable": deliverable, "plan": plan, "form": form}
    return render(request, "deliverables/deliverable_form.html", context)


def deliverable_actual(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = _changeable_deliverable(
        request, pk, "Only the LMNS programme team can record actuals for this plan."
    )
    trajectory = selectors.trajectory_of(deliverable)
    if trajectory is None:
        raise Http404("This deliverable has no measurable target.")
    form = ActualForm(_posted(request), initial={"period": selectors.default_period()})
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        quality_services.record_ambition_actual(
            ambition=trajectory,
            period=data["period"],
            value=data["value"],
            note=data["note"],
            user=request.user,
        )
        messages.success(request, f"Actual recorded for {data['period']}.")
        return redirect(deliverable.get_absolute_url())
    context = {"deliverable": deliverable, "trajectory": trajectory, "form": form}
    return render(
        request, "deliverables/deliverable_actual.html", {**context, "plan": deliverable.plan}
    )


# -- import -----------------------------------------------------------------------------------
def import_upload(request: HttpRequest, pk: int) -> HttpResponse:
    _, plan = _changeable_plan(request, pk)
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                parsed = importing.parse(form.cleaned_data["file"])
            except uploads.UploadError as exc:
                form.add_error("file", exc.problems)
            else:
                uploads.keep_preview(
                    user=request.user,
                    purpose=_import_purpose(plan),
                    file_name=parsed.name,
                    sha256=parsed.sha256,
                    rows=importing.rows_to_data(parsed.rows),
                    options={"period": form.cleaned_data["period"].pk},
                )
                return redirect("deliverables:import_preview", plan.pk)
    else:
        form = ImportUploadForm(initial={"period": selectors.default_period()})
    return render(request, "deliverables/import_upload.html", {"plan": plan, "form": form})


def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Show how each row's word maps to a status, ask about unknown words, then import.

    The preview is the person's own (``lmns.models.ImportPreview``), kept for an hour.
    """
    _, plan = _changeable_plan(request, pk)
    preview, why_not = uploads.preview_to_confirm(user=request.user, purpose=_import_purpose(plan))
    if preview is None:
        messages.info(request, why_not)
        return redirect("deliverables:import_upload", plan.pk)
    rows = importing.rows_from_data(preview.rows)
    period = get_object_or_404(selectors.periods_for_choice(), pk=preview.options["period"])
    _, unmapped = importing.resolve(rows, {})
    form = MappingForm(_posted(request), words=unmapped)
    mapping: dict[str, str] = {}
    error = ""
    if form.is_bound and form.is_valid():
        mapping = {importing.normalise(w): s for w, s in form.mapping().items()}
        try:
            result = importing.import_preview(
                preview, plan=plan, period=period, mapping=mapping, user=request.user
            )
        except uploads.UploadError as exc:
            error = str(exc)
        else:
            messages.success(request, _imported_message(result, period))
            return redirect(plan.get_absolute_url())
    context = {"plan": plan, "period": period, "preview": preview, "form": form, "error": error}
    return render(request, "deliverables/import_preview.html", _preview(context, rows, mapping))


def _preview(context: dict, rows: list, mapping: dict[str, str]) -> dict:
    """The page's rows with the status each maps to, the words and the rule problems."""
    statuses, _ = importing.resolve(rows, mapping)
    return {
        **context,
        "words": importing.word_summary(rows, mapping),
        "rows": [(row, statuses.get(row.line)) for row in rows],
        "problems": importing.rule_problems(rows, statuses),
    }


def _imported_message(result: dict, period) -> str:
    return (
        f"Imported {result['rows']} rows for {period}: {result['created']} new "
        f"deliverables, {result['updated']} updated."
    )


# -- risks ------------------------------------------------------------------------------------
def _risk_rows(risks) -> list[dict]:
    today = timezone.localdate()
    return [
        {
            "risk": risk,
            "movement": selectors.movement(risk),
            "overdue": risk.is_review_overdue(today),
        }
        for risk in risks
    ]


def risk_register(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    lmns = access.lmns_page(pk)
    context = {
        "lmns": lmns,
        "rows": _risk_rows(selectors.risks_of(lmns)),
        "can_manage": access.can_manage_lmns(lmns.pk),
    }
    return render(request, "deliverables/risk_register.html", context)


def _risk_deliverables(access: Access, lmns_id: int):
    return (
        selectors.visible_deliverables(access)
        .filter(plan__lmns_id=lmns_id)
        .select_related("plan")
        .order_by("plan__title", "number", "part")
    )


def risk_create(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    lmns = access.lmns_page(pk)
    access.require(access.can_manage_lmns(lmns.pk), "Only the programme team can add risks.")
    choices = _risk_deliverables(access, lmns.pk)
    form = RiskForm(request.POST if request.method == "POST" else None, deliverables=choices)
    if request.method == "POST" and form.is_valid():
        risk = form.save(commit=False)
        risk.lmns = lmns
        services.create_risk(
            risk=risk, deliverables=form.cleaned_data["deliverables"], user=request.user
        )
        messages.success(request, f"Risk “{risk.title}” added.")
        return redirect(risk.get_absolute_url())
    return render(
        request, "deliverables/risk_form.html", {"lmns": lmns, "form": form, "risk": None}
    )


def _risk_or_404(access: Access, pk: int) -> Risk:
    return access.get_or_404(Risk.objects.select_related("lmns"), Scope.lmns(), pk=pk)


def risk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    risk = _risk_or_404(access, pk)
    risk = selectors.risks_of(risk.lmns).get(pk=risk.pk)
    context = {
        "risk": risk,
        "lmns": risk.lmns,
        "movement": selectors.movement(risk),
        "overdue": risk.is_review_overdue(),
        "deliverables": list(_risk_deliverables(access, risk.lmns_id).filter(risks=risk)),
        "can_manage": access.can_manage_lmns(risk.lmns_id),
        "can_report": may_request_purge(access, risk.lmns_id, None),
        "history_url": history_url(risk),
    }
    return render(request, "deliverables/risk_detail.html", context)


def risk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    risk = _risk_or_404(access, pk)
    access.require(access.can_manage_lmns(risk.lmns_id), "Only the programme team can edit risks.")
    form = RiskForm(
        _posted(request),
        instance=risk,
        deliverables=_risk_deliverables(access, risk.lmns_id),
        editing=True,
        initial={"version": risk.version},
    )
    if form.is_bound and form.is_valid():
        try:
            services.edit_risk(
                risk=risk,
                expected_version=form.cleaned_data["version"] or 0,
                changes=form.entered("deliverables", "version"),
                deliverables=form.cleaned_data["deliverables"],
                user=request.user,
            )
        except StaleRecord as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, "Risk saved.")
            return redirect(risk.get_absolute_url())
    context = {"lmns": risk.lmns, "form": form, "risk": risk}
    return render(request, "deliverables/risk_form.html", context)


def risk_rescore(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    risk = _risk_or_404(access, pk)
    access.require(access.can_manage_lmns(risk.lmns_id), "Only the programme team can re-score.")
    form = RescoreForm(_posted(request), initial=RescoreForm.initial_for(risk))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            score = services.rescore_risk(
                risk=risk,
                expected_version=data["version"],
                likelihood=data["likelihood"],
                impact=data["impact"],
                note=data["note"],
                user=request.user,
                review_date=data["review_date"],
            )
        except StaleRecord as refusal:
            form.add_error(None, refusal)
        else:
            if score is None:
                messages.info(request, "Nothing changed, so no new score was recorded.")
            else:
                messages.success(request, f"Risk re-scored: {risk.score} ({risk.rating.label}).")
            return redirect(risk.get_absolute_url())
    return render(request, "deliverables/risk_rescore.html", {"risk": risk, "form": form})


def mitigation_create(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    risk = _risk_or_404(access, pk)
    access.require(
        access.can_manage_lmns(risk.lmns_id), "Only the programme team can add mitigations."
    )
    form = MitigationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        mitigation = form.save(commit=False)
        mitigation.risk = risk
        services.save_mitigation(mitigation=mitigation, user=request.user)
        messages.success(request, "Mitigation added.")
        return redirect(risk.get_absolute_url())
    return render(
        request,
        "deliverables/mitigation_form.html",
        {"risk": risk, "form": form, "mitigation": None},
    )


def mitigation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    mitigation = access.get_or_404(
        Mitigation.objects.select_related("risk__lmns"), Scope.lmns("risk__lmns"), pk=pk
    )
    risk = mitigation.risk
    access.require(
        access.can_manage_lmns(risk.lmns_id), "Only the programme team can change mitigations."
    )
    form = MitigationForm(request.POST if request.method == "POST" else None, instance=mitigation)
    if request.method == "POST" and form.is_valid():
        services.save_mitigation(mitigation=form.save(commit=False), user=request.user)
        messages.success(request, "Mitigation saved.")
        return redirect(risk.get_absolute_url())
    context = {"risk": risk, "form": form, "mitigation": mitigation}
    return render(request, "deliverables/mitigation_form.html", context)
