"""Pages of the actions to reach full compliance: raised on an answer by the trust's lead,
updated quarter after quarter, closed by the LMNS (evidence accepted, or no longer needed)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from lmns.access import Scope, get_access
from lmns.workflow import Refusal

from ..forms.actions import ActionCloseForm, ActionEntryForm
from ..models import Answer
from ..selectors import actions as selectors
from ..services import (
    close_action,
    may_close_action,
    may_raise_action,
    may_update_action,
    raise_action,
    update_action,
)

ANSWER_SCOPE = Scope.trust("quarterly_return__trust")
ACTION_SCOPE = Scope.trust("trust")


def _answer_page(answer: Answer) -> str:
    url = reverse(
        "assurance:section_edit", args=[answer.quarterly_return_id, answer.requirement.section_id]
    )
    return f"{url}#requirement-{answer.requirement_id}"


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
            return redirect(_answer_page(answer))
    context = {"answer": answer, "ret": ret, "form": form, "back": _answer_page(answer)}
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
