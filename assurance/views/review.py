"""Pages of the LMNS's review: change requests, their threads and steps, evidence verdicts.

Each page can be used on its own (a phone, no script); the section page shows the same forms
beside each answer.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from lmns.access import Access, Scope, get_access
from lmns.workflow import Refusal, StaleRecord

from ..forms.returns import ActionForm
from ..forms.review import ChangeRequestForm, ReplyForm, VerdictForm
from ..models import Answer, ChangeRequest, QuarterlyReturn, VerdictChoice
from ..selectors import crossrefs as crossref_selectors
from ..selectors import returns as return_selectors
from ..selectors import review as review_selectors
from ..services import (
    CHANGE_REQUEST_WORKFLOW,
    JUDGED_RETURN_STATUSES,
    REQUEST_RETURN_STATUSES,
    may_enter_for_trust,
    may_judge_evidence,
    may_raise_request,
    may_reply,
    may_review,
    raise_request,
    record_verdict,
    reply_to_request,
    take_request_step,
)

RETURN_SCOPE = Scope.trust("quarterly_return__trust")
TEAM_ONLY = "Only the LMNS programme team raises change requests and judges evidence."


def _where(ret: QuarterlyReturn, requirement_id: int | None, section_id: int | None) -> str:
    """Back to the answer the request is about, or to the return's overview."""
    if requirement_id and section_id:
        url = reverse("assurance:section_edit", args=[ret.pk, section_id])
        return f"{url}#requirement-{requirement_id}"
    return reverse("assurance:return_detail", args=[ret.pk]) + "#change-requests"


def _request_page(request: ChangeRequest) -> str:
    ret = request.quarterly_return
    section = request.requirement.section_id if request.requirement_id else None
    return _where(ret, request.requirement_id, section)


def request_new(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    ret = access.get_or_404(return_selectors.readable_returns(), Scope.trust(), pk=pk)
    access.require(may_raise_request(access, ret), TEAM_ONLY)
    initial = {"version": ret.version, "requirement": request.GET.get("requirement") or None}
    form = ChangeRequestForm(request.POST or None, initial=initial, ret=ret)
    if request.method == "POST" and form.is_valid():
        requirement = form.cleaned_data["requirement"]
        try:
            raise_request(
                ret=ret,
                requirement=requirement,
                text=form.cleaned_data["text"],
                user=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except Refusal as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Change request raised.")
            return redirect(_where(ret, requirement and requirement.pk, _section(requirement)))
    return render(request, "assurance/request_new.html", {"ret": ret, "form": form})


def _section(requirement) -> int | None:
    return requirement.section_id if requirement else None


def _open_request(access: Access, pk: int) -> ChangeRequest:
    return access.get_or_404(review_selectors.readable_requests(), RETURN_SCOPE, pk=pk)


def request_thread(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    change_request = _open_request(access, pk)
    can_reply = may_reply(access, change_request) and not change_request.is_closed
    form = ReplyForm(request.POST or None, initial={"version": change_request.version})
    if request.method == "POST":
        access.require(can_reply, "Only the trust's leads and the LMNS team reply here.")
        done, form = _post_reply(request, change_request, form)
        if done:
            return done
    context = {
        "ret": change_request.quarterly_return,
        "change_request": change_request,
        "entries": review_selectors.thread(change_request),
        "form": form if can_reply else None,
        "steps": CHANGE_REQUEST_WORKFLOW.available(access, change_request),
        "back": _request_page(change_request),
    }
    return render(request, "assurance/request_thread.html", context)


def _post_reply(request: HttpRequest, change_request: ChangeRequest, form: ReplyForm):
    """Add the reply; where to go when done (else ``None``) and the form to show again."""
    if not form.is_valid():
        return None, form
    try:
        reply_to_request(
            request=change_request,
            text=form.cleaned_data["text"],
            user=request.user,
            expected_version=form.cleaned_data["version"],
        )
    except StaleRecord as error:
        messages.error(request, f"{error} Your reply is still below.")
        change_request.refresh_from_db()
        text = form.cleaned_data["text"]
        return None, ReplyForm(initial={"version": change_request.version, "text": text})
    except Refusal as error:
        messages.error(request, str(error))
        return None, form
    messages.success(request, "Reply added.")
    return redirect(_request_page(change_request)), form


def request_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    access = get_access(request)
    change_request = _open_request(access, pk)
    step = CHANGE_REQUEST_WORKFLOW.step(action)
    if step is None:
        raise Http404("No such step.")
    access.require(CHANGE_REQUEST_WORKFLOW.may_take(access, change_request, action), step.refused)
    form = ActionForm(
        request.POST or None,
        initial={"version": change_request.version},
        comment_label=step.comment_label,
    )
    if request.method == "POST" and form.is_valid() and _took_step(request, change_request, form):
        return redirect(_request_page(change_request))
    context = {
        "ret": change_request.quarterly_return,
        "change_request": change_request,
        "step": step,
        "form": form,
        "not_now": CHANGE_REQUEST_WORKFLOW.not_now(change_request, step),
        "back": _request_page(change_request),
    }
    return render(request, "assurance/request_step.html", context)


def _took_step(request: HttpRequest, change_request: ChangeRequest, form: ActionForm) -> bool:
    try:
        take_request_step(
            request=change_request,
            action=request.resolver_match.kwargs["action"],
            user=request.user,
            expected_version=form.cleaned_data["version"],
            comment=form.cleaned_data.get("comment", ""),
        )
    except Refusal as error:
        messages.error(request, str(error))
        return False
    status = change_request.get_status_display().lower()
    messages.success(request, f"The change request is now {status}.")
    return True


def _verdict_initial(current, files) -> dict:
    """The verdict as saved, or a new one that judges every file still attached."""
    if current is None:
        still_attached = [f for f in files if not f.is_withdrawn]
        return {"version": 0, "verdict": "not_seen", "reason": "", "files": still_attached}
    return {
        "version": current.version,
        "verdict": current.verdict,
        "reason": current.reason,
        "files": list(current.files.all()),
    }


def answer_verdict(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    answer: Answer = access.get_or_404(review_selectors.readable_answers(), RETURN_SCOPE, pk=pk)
    ret = answer.quarterly_return
    access.require(may_judge_evidence(access, ret), TEAM_ONLY)
    files = return_selectors.evidence_by_answer([answer]).get(answer.pk, [])
    current = review_selectors.verdicts_by_answer([answer]).get(answer.pk)
    form = VerdictForm(request.POST or None, initial=_verdict_initial(current, files), files=files)
    if request.method == "POST" and form.is_valid():
        try:
            changed = record_verdict(
                answer=answer,
                verdict=form.cleaned_data["verdict"],
                reason=form.cleaned_data["reason"],
                files=form.cleaned_data["files"],
                user=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except Refusal as error:
            messages.error(request, str(error))
        else:
            code = answer.requirement.code
            if changed:
                messages.success(request, f"Verdict on {code}'s evidence recorded.")
            else:
                messages.info(request, f"The verdict on {code}'s evidence was already that.")
            return redirect(_where(ret, answer.requirement_id, answer.requirement.section_id))
    links = crossref_selectors.links_by_answer([answer]).get(answer.pk, [])
    context = {"ret": ret, "answer": answer, "form": form, "files": files, "current": current}
    return render(request, "assurance/answer_verdict.html", {**context, "links": links})


def review_context(access: Access, ret: QuarterlyReturn, section_id: int | None = None) -> dict:
    """What the return's overview and section pages show of the review, and who may do what."""
    live = ret.status in REQUEST_RETURN_STATUSES
    team = may_review(access, ret)
    lead = may_enter_for_trust(access, ret)
    return {
        "requests": review_selectors.requests_for_return(ret, section_id),
        "can_raise": live and team,
        "can_reply": live and (team or lead),
        "can_address": live and lead,
        "can_judge": live and team,
        "request_actions": live and (team or lead),
        "can_verdict": team and ret.status in JUDGED_RETURN_STATUSES,
        "verdict_choices": VerdictChoice.choices,
    }
