"""Pages for entering quarterly returns and moving them through review and sign-off."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lmns.access import Access, get_access, get_readable_or_404
from lmns.audit import history_url
from lmns.models import Trust
from lmns.workflow import StaleRecord

from . import return_selectors as selectors
from .forms import ActionForm, AssureForm, StartReturnForm, VersionForm, answer_formset
from .models import QuarterlyReturn, SectionRating
from .services import (
    STEPS,
    Action,
    IncompleteReturn,
    ReturnError,
    UploadedEvidence,
    available_actions,
    can_edit_answers,
    may_take,
    missing_items,
    save_section,
    start_return,
    take_action,
    withdraw_evidence,
)
from .services import answers_for_return as _answers_for_return

ANSWER_PREFIX = "answers"


def _trust(access: Access, pk: int) -> Trust:
    return get_readable_or_404(Trust.objects.select_related("lmns"), access, "trust:", pk=pk)


def _return(access: Access, pk: int) -> QuarterlyReturn:
    return get_readable_or_404(selectors.readable_returns(), access, "trust:trust", pk=pk)


def trust_returns(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    trust = _trust(access, pk)
    can_start = access.can_edit_trust(trust)
    context = {
        "trust": trust,
        "returns": list(selectors.returns_for_trust(trust)),
        "start_form": StartReturnForm() if can_start else None,
    }
    return render(request, "assurance/return_list.html", context)


def return_start(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    trust = _trust(access, pk)
    access.require(
        access.can_edit_trust(trust), f"Only {trust.short_name}'s trust leads start its returns."
    )
    form = StartReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ret = start_return(
                trust=trust,
                framework=form.cleaned_data["framework"],
                period=form.cleaned_data["period"],
                user=request.user,
            )
        except ReturnError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Started the {ret.framework.short_name} return.")
            return redirect("assurance:return_detail", pk=ret.pk)
    return render(request, "assurance/return_start.html", {"trust": trust, "form": form})


def return_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    ret = _return(access, pk)
    progress = selectors.section_progress(ret)
    transitions = selectors.timeline(ret)
    total = sum(row.total for row in progress)
    done = sum(row.done for row in progress)
    context = {
        "ret": ret,
        "progress": progress,
        "total": total,
        "done": done,
        "transitions": transitions,
        "returned_comment": selectors.latest_return_comment(transitions)
        if ret.status == "returned"
        else None,
        "actions": available_actions(access, ret),
        "can_edit": can_edit_answers(access, ret),
        "history_url": history_url(ret),
    }
    return render(request, "assurance/return_detail.html", context)


def _section_context(ret: QuarterlyReturn, section_pk: int) -> dict:
    progress = selectors.section_progress(ret)
    index = next((i for i, row in enumerate(progress) if row.section.pk == section_pk), None)
    if index is None:
        raise Http404("No such section in this return.")
    current = progress[index]
    return {
        "ret": ret,
        "progress": progress,
        "position": index + 1,
        "current": current,
        "section": current.section,
        "answers": current.answers,
        "next_section": progress[index + 1].section if index + 1 < len(progress) else None,
        "previous": selectors.previous_answers(ret, current.section),
        "evidence": selectors.evidence_by_answer(current.answers),
    }


def _initial(answer) -> dict:
    return {
        "status": answer.status,
        "percent": answer.percent,
        "narrative": answer.narrative,
        "evidence": answer.evidence,
        "action": answer.action,
        "action_owner": answer.action_owner,
        "action_due": answer.action_due,
    }


def _copied_forward(request: HttpRequest, answers, previous: dict, count: int) -> list[dict]:
    """The person's current input, with last quarter's answer wherever there was one."""
    initial = []
    for i, answer in enumerate(answers[:count]):
        prefix = f"{ANSWER_PREFIX}-{i}-"
        row = {name: request.POST.get(prefix + name, "") for name in _initial(answer)}
        last = previous.get(answer.requirement.code)
        if last is not None and last.status:
            row.update(_initial(last))
        initial.append(row)
    return initial


def section_edit(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    access = get_access(request)
    ret = _return(access, pk)
    context = _section_context(ret, section_pk)
    answers = context["answers"]
    editable = can_edit_answers(access, ret)
    Formset = answer_formset(len(answers))
    form_kwargs = {"reports_percent": ret.framework.reports_percent}
    formset = version_form = None
    if request.method == "POST":
        access.require(
            access.can_edit_trust(ret.trust),
            f"Only {ret.trust.short_name}'s trust leads fill in its returns.",
        )
        access.require(
            editable,
            f"This return is {ret.get_status_display().lower()}; its answers cannot be changed.",
        )
        version_form = VersionForm(request.POST)
        if "copy_previous" in request.POST:
            formset = Formset(
                initial=_copied_forward(request, answers, context["previous"], len(answers)),
                prefix=ANSWER_PREFIX,
                form_kwargs=form_kwargs,
            )
            messages.info(
                request,
                "Last quarter's answers were copied into the form. Nothing is saved yet: "
                "check them, then save.",
            )
        else:
            formset = Formset(
                request.POST, request.FILES, prefix=ANSWER_PREFIX, form_kwargs=form_kwargs
            )
            if formset.is_valid() and version_form.is_valid():
                try:
                    save_section(
                        ret=ret,
                        answers=answers,
                        values=[form.values() for form in formset],
                        uploads=[
                            UploadedEvidence(
                                answer, form.cleaned_data["new_file"], form.content_type
                            )
                            for answer, form in zip(answers, formset, strict=True)
                            if form.cleaned_data.get("new_file")
                        ],
                        user=request.user,
                        expected_version=version_form.cleaned_data["version"],
                    )
                except StaleRecord as error:
                    messages.error(request, str(error) + " Attach any files again.")
                    ret.refresh_from_db(fields=["version", "status"])
                    version_form = VersionForm(initial={"version": ret.version})
                else:
                    messages.success(request, f"{context['section'].code} saved as a draft.")
                    if "save_next" in request.POST and context["next_section"]:
                        return redirect(
                            "assurance:section_edit",
                            pk=ret.pk,
                            section_pk=context["next_section"].pk,
                        )
                    if "save_next" in request.POST:
                        return redirect("assurance:return_detail", pk=ret.pk)
                    return redirect("assurance:section_edit", pk=ret.pk, section_pk=section_pk)
            else:
                messages.error(
                    request, "Some answers need correcting (see below). Nothing was saved yet."
                )
    elif editable:
        version_form = VersionForm(initial={"version": ret.version})
        formset = Formset(
            initial=[_initial(answer) for answer in answers],
            prefix=ANSWER_PREFIX,
            form_kwargs=form_kwargs,
        )
    rows = []
    for i, answer in enumerate(answers):
        rows.append(
            {
                "answer": answer,
                "form": formset.forms[i]
                if formset is not None and i < len(formset.forms)
                else None,
                "previous": context["previous"].get(answer.requirement.code),
                "files": context["evidence"].get(answer.pk, []),
            }
        )
    context.update(
        {
            "rows": rows,
            "formset": formset,
            "version_form": version_form,
            "editable": editable,
            "can_withdraw": editable,
        }
    )
    return render(request, "assurance/section_edit.html", context)


def return_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    access = get_access(request)
    ret = _return(access, pk)
    if action not in Action.values:
        raise Http404("No such step.")
    step = STEPS[Action(action)]
    access.require(
        may_take(access, ret, action),
        "Only the trust's leads submit its returns."
        if step.by == "trust"
        else "Only the LMNS programme team reviews and signs off returns.",
    )
    if ret.status not in step.from_statuses:
        messages.error(
            request,
            f"“{Action(action).label}” is not possible while the return is "
            f"{ret.get_status_display().lower()}.",
        )
        return redirect("assurance:return_detail", pk=ret.pk)
    ratings = None
    if action == Action.ASSURE:
        ratings = list(
            SectionRating.objects.filter(quarterly_return=ret)
            .select_related("section")
            .order_by("section__order", "section__code")
        )
    data = request.POST if request.method == "POST" else None
    initial = {"version": ret.version}
    if ratings is not None:
        form = AssureForm(data, initial=initial, ratings=ratings)
    else:
        form = ActionForm(data, initial=initial, comment_label=step.comment_label)
    missing = missing_items(_answers_for_return(ret)) if action == Action.SUBMIT else []
    if request.method == "POST":
        if form.is_valid():
            try:
                take_action(
                    ret=ret,
                    action=action,
                    user=request.user,
                    expected_version=form.cleaned_data["version"],
                    comment=form.cleaned_data.get("comment", ""),
                    agreed=form.agreed() if ratings is not None else None,
                )
            except IncompleteReturn as error:
                messages.error(request, str(error))
                missing = error.missing
            except (ReturnError, StaleRecord) as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request, f"Done: the return is now {ret.get_status_display().lower()}."
                )
                return redirect("assurance:return_detail", pk=ret.pk)
        else:
            messages.error(request, "Please correct the form below.")
    context = {
        "ret": ret,
        "action": Action(action),
        "step": step,
        "form": form,
        "missing": missing,
    }
    return render(request, "assurance/return_action.html", context)


def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    evidence = get_readable_or_404(
        selectors.evidence_readable(), access, "trust:answer__quarterly_return__trust", pk=pk
    )
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def evidence_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    evidence = get_readable_or_404(
        selectors.evidence_readable(), access, "trust:answer__quarterly_return__trust", pk=pk
    )
    ret = evidence.answer.quarterly_return
    access.require(
        access.can_edit_trust(ret.trust),
        f"Only {ret.trust.short_name}'s trust leads manage its evidence.",
    )
    try:
        withdraw_evidence(evidence, request.user)
    except ReturnError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"“{evidence.original_name}” was withdrawn. It stays in the record's history."
        )
    return redirect(
        "assurance:section_edit", pk=ret.pk, section_pk=evidence.answer.requirement.section_id
    )
