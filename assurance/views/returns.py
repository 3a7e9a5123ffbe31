"""Pages for entering quarterly returns and moving them through review and sign-off."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lmns.access import Access, Scope, get_access
from lmns.audit import history_url
from lmns.downloads import record_download
from lmns.purges import may_request_purge, removed_for_governance
from lmns.workflow import Refusal, StaleRecord

from ..forms.returns import (
    ActionForm,
    AssureForm,
    StartReturnForm,
    SubmitForm,
    VersionForm,
    answer_formset,
)
from ..models import QuarterlyReturn
from ..selectors import actions as action_selectors
from ..selectors import crossrefs as crossref_selectors
from ..selectors import returns as selectors
from ..selectors import review as review_selectors
from ..services import (
    RETURN_WORKFLOW,
    Action,
    IncompleteReturn,
    ReturnError,
    available_actions,
    can_edit_answers,
    may_link,
    may_raise_action,
    missing_items,
    save_section,
    start_return,
    take_action,
    withdraw_evidence,
)
from ..services import answers_for_return as _answers_for_return
from .review import review_context

ANSWER_PREFIX = "answers"
EVIDENCE_SCOPE = Scope.trust("answer__quarterly_return__trust")


def _return(access: Access, pk: int) -> QuarterlyReturn:
    return access.get_or_404(selectors.readable_returns(), Scope.trust(), pk=pk)


def trust_returns(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    trust = access.trust_page(pk)
    can_start = access.can_edit_trust(trust)
    context = {
        "trust": trust,
        "returns": list(selectors.returns_for_trust(trust)),
        "start_form": StartReturnForm() if can_start else None,
    }
    return render(request, "assurance/return_list.html", context)


def return_start(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    trust = access.trust_page(pk)
    access.require(
        access.can_edit_trust(trust), f"Only {trust.short_name}'s trust leads start its returns."
    )
    form = StartReturnForm(request.POST or None, initial=selectors.start_return_defaults(trust))
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
    review = review_context(access, ret)
    context = {
        **review,
        "ret": ret,
        "progress": progress,
        "total": total,
        "done": done,
        "transitions": transitions,
        "timeline": review_selectors.merged_timeline(
            transitions, review_selectors.thread_entries(review["requests"])
        ),
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
    previous = selectors.previous_answers(ret, current.section)
    return {
        "ret": ret,
        "progress": progress,
        "position": index + 1,
        "current": current,
        "section": current.section,
        "answers": current.answers,
        "next_section": progress[index + 1].section if index + 1 < len(progress) else None,
        "previous": previous,
        "last_period": next(iter(previous.values())).quarterly_return.period if previous else None,
        "evidence": selectors.evidence_by_answer(current.answers),
    }


def _initial(answer) -> dict:
    return {
        "requirement": answer.requirement.code,
        "status": answer.status,
        "percent": answer.percent,
        "narrative": answer.narrative,
        "evidence": answer.evidence,
    }


def _copied_forward(
    request: HttpRequest, answers, previous: dict, only: int | None = None
) -> tuple[list[dict], list[str]]:
    """The person's current input, with the last return's answer wherever there was one, and
    the codes of the requirements copied.

    With ``only`` (a form index) just that requirement is copied.
    """
    initial, copied = [], []
    for i, answer in enumerate(answers):
        prefix = f"{ANSWER_PREFIX}-{i}-"
        row = {name: request.POST.get(prefix + name, "") for name in _initial(answer)}
        last = previous.get(answer.requirement.code)
        if last is not None and last.status and only in (None, i):
            row.update(_initial(last))
            copied.append(answer.requirement.code)
        row["requirement"] = answer.requirement.code
        initial.append(row)
    return initial, copied


def _copy_message(previous: dict, copied: list[str]) -> str:
    if not copied:
        return (
            "There was nothing to copy: the last return has no assessed answer for these "
            "requirements. Nothing has changed."
        )
    period = next(iter(previous.values())).quarterly_return.period
    what = f"{len(copied)} answer{'s' if len(copied) != 1 else ''} ({', '.join(copied)})"
    return (
        f"Copied {what} from the {period} return into the form. Nothing is saved yet: "
        "check them, then save."
    )


def _copy_index(request: HttpRequest) -> int | None:
    value = request.POST.get("copy_one", "")
    return int(value) if value.isdigit() else None


@dataclass
class SectionEntry:
    """The state of the section form while handling one request."""

    formset: object = None
    version_form: VersionForm | None = None
    stale: bool = False
    done: HttpResponse | None = None


def section_edit(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    access = get_access(request)
    ret = _return(access, pk)
    context = _section_context(ret, section_pk)
    editable = can_edit_answers(access, ret)
    if request.method == "POST":
        _require_entry(access, ret, editable)
        entry = _post_section(request, ret, context)
        if entry.done:
            return entry.done
    elif editable:
        entry = SectionEntry(
            formset=_formset(ret, context, initial=[_initial(a) for a in context["answers"]]),
            version_form=VersionForm(initial={"version": ret.version}),
        )
    else:
        entry = SectionEntry()
    context.update(review_context(access, ret, context["section"].pk))
    context.update(
        _entry_context(context, entry),
        editable=editable,
        can_withdraw=editable,
        **_action_permissions(access, ret),
        can_report_patient_data=may_request_purge(access, ret.trust.lmns_id, ret.trust),
    )
    return render(request, "assurance/section_edit.html", context)


def _action_permissions(access: Access, ret: QuarterlyReturn) -> dict:
    """Who may raise actions on this return, update the trust's open ones, close them."""
    return {
        "can_raise_action": may_raise_action(access, ret),
        "can_link": may_link(access, ret),
        "can_update_action": access.can_edit_trust(ret.trust),
        "can_close_action": access.can_manage_lmns(ret.trust.lmns_id),
    }


def _require_entry(access: Access, ret: QuarterlyReturn, editable: bool) -> None:
    access.require(
        access.can_edit_trust(ret.trust),
        f"Only {ret.trust.short_name}'s trust leads fill in its returns.",
    )
    access.require(
        editable,
        f"This return is {ret.get_status_display().lower()}; its answers cannot be changed.",
    )


def _entry_context(context: dict, entry: SectionEntry) -> dict:
    """Each requirement's row (answer, form, last return's answer, files) and the entry state."""
    forms = entry.formset.forms if entry.formset is not None else []
    verdicts = review_selectors.verdicts_by_answer(context["answers"])
    actions = action_selectors.actions_by_answer(context["ret"], context["answers"])
    related = crossref_selectors.related_by_answer(context["ret"], context["answers"])
    changed = review_selectors.what_changed(
        context["ret"], context["answers"], context["section"].code, context["previous"]
    )
    rows = [
        {
            "answer": answer,
            "form": forms[i] if i < len(forms) else None,
            "previous": context["previous"].get(answer.requirement.code),
            "files": context["evidence"].get(answer.pk, []),
            "requests": context["requests"].on(answer.requirement_id),
            "verdict": verdicts.get(answer.pk),
            "actions": actions.get(answer.pk, []),
            "related": related[answer.pk],
            "changed": changed.for_answer(answer),
        }
        for i, answer in enumerate(context["answers"])
    ]
    return {
        "rows": rows,
        "what_changed": changed,
        "formset": entry.formset,
        "version_form": entry.version_form,
        "stale": entry.stale,
    }


def _formset(ret: QuarterlyReturn, context: dict, **kwargs):
    Formset = answer_formset(len(context["answers"]))
    return Formset(
        prefix=ANSWER_PREFIX,
        form_kwargs={"reports_percent": ret.framework.reports_percent},
        **kwargs,
    )


OUT_OF_DATE = (
    "This page was out of date, so nothing was saved. Your input is still below: "
    "check it and save again."
)
REQUIREMENTS_CHANGED = (
    "The requirements of this section changed since you opened it, so nothing was "
    "saved. Your input is below: check each requirement and save again."
)


def _post_section(request: HttpRequest, ret: QuarterlyReturn, context: dict) -> SectionEntry:
    """Copy the last return's answers forward, or save; on any refusal keep the person's input."""
    answers, only = context["answers"], _copy_index(request)
    entry = SectionEntry(version_form=VersionForm(request.POST))
    if "copy_previous" in request.POST or only is not None:
        initial, copied = _copied_forward(request, answers, context["previous"], only)
        entry.formset = _formset(ret, context, initial=initial)
        messages.info(request, _copy_message(context["previous"], copied))
        return entry
    entry.formset = formset = _formset(ret, context, data=request.POST, files=request.FILES)
    if not entry.version_form.is_valid():
        return _refused_as_stale(request, entry, ret, OUT_OF_DATE)
    if not formset.is_valid():
        messages.error(request, "Some answers need correcting (see below). Nothing was saved yet.")
        return entry
    if formset.requirements_changed(answers):
        return _refused_as_stale(request, entry, ret, REQUIREMENTS_CHANGED)
    try:
        saved = save_section(
            ret=ret,
            answers=answers,
            values=formset.values(),
            uploads=formset.uploads(answers),
            user=request.user,
            expected_version=entry.version_form.cleaned_data["version"],
        )
    except StaleRecord as error:
        return _refused_as_stale(request, entry, ret, f"{error} Attach any files again.")
    entry.done = _section_saved(request, ret, context, saved)
    return entry


def _section_saved(
    request: HttpRequest, ret: QuarterlyReturn, context: dict, saved: bool
) -> HttpResponse:
    """Say what the save did, then go on: the same section, the next one, or the overview."""
    code = context["section"].code
    if saved:
        messages.success(request, f"{code} saved as a draft.")
    else:
        messages.info(request, f"Nothing had changed in {code}: nothing to save.")
    if "save_next" not in request.POST:
        return redirect("assurance:section_edit", pk=ret.pk, section_pk=context["section"].pk)
    if context["next_section"]:
        return redirect("assurance:section_edit", pk=ret.pk, section_pk=context["next_section"].pk)
    return redirect("assurance:return_detail", pk=ret.pk)


def _refused_as_stale(
    request: HttpRequest, entry: SectionEntry, ret: QuarterlyReturn, message: str
) -> SectionEntry:
    """Show what is saved now beside the person's input; the form now carries the new version."""
    messages.error(request, message)
    ret.refresh_from_db(fields=["version", "status"])
    entry.stale = True
    entry.version_form = VersionForm(initial={"version": ret.version})
    return entry


def return_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    access = get_access(request)
    ret = _return(access, pk)
    step = RETURN_WORKFLOW.step(action)
    if step is None:
        raise Http404("No such step.")
    access.require(RETURN_WORKFLOW.may_take(access, ret, action), step.refused)
    if ret.status not in step.from_statuses:
        messages.error(request, RETURN_WORKFLOW.not_now(ret, step))
        return redirect("assurance:return_detail", pk=ret.pk)
    form = _step_form(request, ret, action, step)
    missing = missing_items(_answers_for_return(ret)) if action == Action.SUBMIT else []
    if request.method == "POST":
        done, missing = _post_step(request, ret, action, form, missing)
        if done:
            return done
    context = {"ret": ret, "action": Action(action), "step": step, "form": form}
    context["blocked"] = RETURN_WORKFLOW.not_now(ret, step)
    return render(request, "assurance/return_action.html", {**context, "missing": missing})


def _step_form(request: HttpRequest, ret: QuarterlyReturn, action: str, step) -> ActionForm:
    """The step's form: submitting asks for the sign-off declaration (the last one given is
    offered again), assuring for the agreed figures."""
    data = request.POST if request.method == "POST" else None
    initial = {"version": ret.version}
    if action == Action.ASSURE:
        return AssureForm(data, initial=initial, ratings=selectors.ratings_to_agree(ret))
    if action == Action.SUBMIT:
        initial.update(
            signed_off_name=ret.signed_off_name,
            signed_off_role=ret.signed_off_role,
            signed_off_on=ret.signed_off_on,
        )
        return SubmitForm(data, initial=initial)
    return ActionForm(data, initial=initial, comment_label=step.comment_label)


def _post_step(
    request: HttpRequest, ret: QuarterlyReturn, action: str, form: ActionForm, missing: list
) -> tuple[HttpResponse | None, list]:
    """Take the step; the page to go to when done (else ``None``) and what is still missing."""
    if not form.is_valid():
        messages.error(request, "Please correct the form below.")
        return None, missing
    try:
        take_action(
            ret=ret,
            action=action,
            user=request.user,
            expected_version=form.cleaned_data["version"],
            comment=form.cleaned_data.get("comment", ""),
            agreed=form.agreed() if isinstance(form, AssureForm) else None,
            declaration=form.declaration() if isinstance(form, SubmitForm) else None,
        )
    except IncompleteReturn as error:
        messages.error(request, str(error))
        return None, error.missing
    except Refusal as error:
        messages.error(request, str(error))
        return None, missing
    if action == Action.DISCARD:
        messages.success(request, f"The {ret} draft was discarded.")
        return redirect("assurance:trust_returns", pk=ret.trust_id), missing
    messages.success(request, f"Done: the return is now {ret.get_status_display().lower()}.")
    return redirect("assurance:return_detail", pk=ret.pk), missing


def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    evidence = access.get_or_404(selectors.evidence_readable(), EVIDENCE_SCOPE, pk=pk)
    if evidence.is_purged:
        return removed_for_governance(request, evidence)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("The stored file is missing; ask an administrator to restore it.") from error
    ret = evidence.answer.quarterly_return
    record_download(
        request,
        kind="Evidence file",
        name=evidence.original_name,
        lmns=ret.trust.lmns_id,
        trust=ret.trust,
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def evidence_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    evidence = access.get_or_404(selectors.evidence_readable(), EVIDENCE_SCOPE, pk=pk)
    ret = evidence.answer.quarterly_return
    access.require(
        access.can_edit_trust(ret.trust),
        f"Only {ret.trust.short_name}'s trust leads manage its evidence.",
    )
    try:
        withdraw_evidence(evidence=evidence, user=request.user)
    except ReturnError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"“{evidence.original_name}” was withdrawn. It stays in the record's history."
        )
    return redirect(
        "assurance:section_edit", pk=ret.pk, section_pk=evidence.answer.requirement.section_id
    )
