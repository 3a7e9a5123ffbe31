from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views import defaults
from django.views.decorators.http import require_POST

from . import notifications, queue
from .access import get_access
from .audit import audited, history_rows
from .forms import MarkReadForm
from .menus import links_for
from .middleware import RequestTooLarge, too_large
from .selectors import (
    home_cards,
    lmns_with_trusts,
    roles_at_lmns,
    roles_at_trust,
    superuser_lmnss,
)


def home(request: HttpRequest) -> HttpResponse:
    """What needs the person now (their work queue), then their organisations."""
    access = get_access(request)
    now = queue.Context.now()
    context = {
        "queue": queue.work_queue(access, now),
        "cards": home_cards(access),
        "open_period": now.period,
        "all_lmnss": superuser_lmnss() if access.is_superuser else None,
    }
    return render(request, "lmns/home.html", context)


def lmns_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    lmns = access.lmns_page(pk)
    context = {
        "lmns": lmns,
        "trusts": lmns_with_trusts(lmns),
        "links": links_for("lmns", roles_at_lmns(access, lmns.pk), lmns.pk),
    }
    return render(request, "lmns/lmns_detail.html", context)


def trust_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    trust = access.trust_page(pk)
    context = {
        "trust": trust,
        "sites": list(trust.sites.order_by("name")),
        "links": links_for("trust", roles_at_trust(access, trust), trust.pk),
        "can_read_lmns": access.can_read_lmns(trust.lmns_id),
    }
    return render(request, "lmns/trust_detail.html", context)


def record_history(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    entry = audited(label)
    if entry is None:
        raise Http404("No history is kept for this kind of record.")
    access = get_access(request)
    obj = access.get_or_404(entry.readable_queryset(access), entry.scope, pk=pk)
    context = {"record": obj, "kind": entry.model._meta.verbose_name, "rows": history_rows(obj)}
    return render(request, "lmns/history.html", context)


def notification_list(request: HttpRequest) -> HttpResponse:
    """The person's notifications, newest first, unread ones marked."""
    context = {"notifications": notifications.latest_for(request.user.pk)}
    return render(request, "lmns/notifications.html", context)


@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification read (``notification`` posted) or all of them."""
    form = MarkReadForm(request.POST, user=request.user)
    if not form.is_valid():
        raise Http404("No such notification.")
    chosen = form.cleaned_data["notification"]
    count = notifications.mark_read(user=request.user, notification=chosen)
    if chosen is None:
        messages.success(request, f"{count} notification{'s'[: count != 1]} marked read.")
    return redirect("notifications")


@login_not_required
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400, except for a body stopped at the request-size cap, which is 413 like a declared one."""
    if isinstance(exception, RequestTooLarge):
        return too_large(request)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"message": message}, status=403)


@login_not_required
def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


@login_not_required
@require_POST
def keep_alive(request: HttpRequest) -> JsonResponse:
    """ "Stay signed in" from the timeout warning: touches the session, nothing else.

    The session's expiry moves on with every request; an ended session answers 401 so the page
    can say so instead of showing the sign-in page.
    """
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    request.session.modified = True
    return JsonResponse({"signed_in": True, "seconds": request.session.get_expiry_age()})
