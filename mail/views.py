from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from lmns.notifications import kind_label

from . import services, tokens
from .forms import PreferencesForm, UnsubscribeForm
from .messages import DIGEST_KIND


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """The person's own choices: email at once, a daily digest or the app only, per kind."""
    form = PreferencesForm(request.POST or None, initial=services.current_choices(request.user))
    if request.method == "POST" and form.is_valid():
        changed = services.set_choices(user=request.user, choices=form.cleaned_data)
        messages.success(request, f"Saved: {changed} choice{'s'[: changed != 1]} changed.")
        return redirect("mail:preferences")
    context = {"form": form, "has_email": bool(request.user.email)}
    return render(request, "mail/preferences.html", context)


# No sign-in needed: the signed token in the address says who and which kind of email. A GET,
# as mail gateways make when they open every link in a mail, only shows the button.
@login_not_required
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    user_id, kind = _token(token)
    done = False
    if request.method == "POST" and UnsubscribeForm(request.POST).is_valid():
        services.unsubscribe(user_id=user_id, kind=kind)
        done = True
    return render(request, "mail/unsubscribe.html", {"label": _label(kind), "done": done})


# RFC 8058 one-click: the mail client POSTs "List-Unsubscribe=One-Click" to the address in the
# List-Unsubscribe header, with no cookie and so no CSRF token. CSRF guards a signed-in session;
# this view reads none (no sign-in, no session), and the signed token is its only credential.
# A GET answers 405, so a gateway opening the address changes nothing.
@login_not_required
@csrf_exempt
@require_POST
def one_click(request: HttpRequest, token: str) -> HttpResponse:
    user_id, kind = _token(token)
    if request.POST.get("List-Unsubscribe") != "One-Click":
        return HttpResponse("Expected List-Unsubscribe=One-Click.", status=400)
    services.unsubscribe(user_id=user_id, kind=kind)
    return HttpResponse(f"Unsubscribed from {_label(kind)}.", content_type="text/plain")


def _token(token: str) -> tuple[int, str]:
    named = tokens.read(token)
    if named is None:
        raise Http404("This link is not valid.")
    return named


def _label(kind: str) -> str:
    return "the daily digest" if kind == DIGEST_KIND else f"“{kind_label(kind)}” emails"
