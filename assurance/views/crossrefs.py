"""Frameworks cross-referenced: the lead makes related evidence and actions of a mapped
requirement count toward an answer (a link, not a copy), and removes such a link."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from lmns.access import Scope, get_access
from lmns.workflow import Refusal

from ..forms.crossrefs import AnswerLinkForm
from ..selectors import actions as action_selectors
from ..selectors import crossrefs as selectors
from ..services import link_to_answer, may_link, may_unlink, unlink

ANSWER_SCOPE = Scope.trust("quarterly_return__trust")
LINK_SCOPE = Scope.trust("answer__quarterly_return__trust")


@require_http_methods(["GET", "POST"])
def answer_links(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    answer = access.get_or_404(action_selectors.answers_for_actions(), ANSWER_SCOPE, pk=pk)
    ret = answer.quarterly_return
    access.require(
        may_link(access, ret),
        f"Only {ret.trust.short_name}'s trust leads link evidence and actions, on a draft.",
    )
    related = selectors.related_by_answer(ret, [answer])[answer.pk]
    form = AnswerLinkForm(request.POST if request.method == "POST" else None, related=related)
    back = action_selectors.answer_page(answer)
    if request.method == "POST" and form.is_valid():
        try:
            made = link_to_answer(answer=answer, user=request.user, **form.cleaned_data)
        except Refusal as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{made} linked to count toward {answer.requirement.code}.")
            return redirect(back)
    context = {"answer": answer, "ret": ret, "related": related, "form": form, "back": back}
    return render(request, "assurance/answer_links.html", context)


@require_POST
def link_remove(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    link = access.get_or_404(selectors.readable_links(), LINK_SCOPE, pk=pk)
    access.require(
        may_unlink(access, link),
        f"Only {link.answer.quarterly_return.trust.short_name}'s trust leads remove links, "
        "on a draft.",
    )
    try:
        unlink(link=link, user=request.user)
    except Refusal as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"It no longer counts toward {link.answer.requirement.code}; it stays where "
            "it was recorded.",
        )
    return redirect(action_selectors.answer_page(link.answer))
