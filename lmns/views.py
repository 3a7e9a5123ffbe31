from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import defaults
from django.views.decorators.http import require_POST

from . import notifications, queue
from .access import get_access
from .audit import audited, history_rows
from .downloads import downloads_of
from .forms import MarkReadForm
from .governance_forms import PurgeRequestForm
from .menus import links_for
from .middleware import RequestTooLarge, too_large
from .models import Purge
from .purges import (
    approve_purge,
    may_decide_purges,
    may_request_purge,
    owning_organisation,
    purgeable,
    purges_for,
    reject_purge,
    request_purge,
)
from .retention import retention_period, retention_schedule
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
    now = queue.Context.now().for_lmnss(access.readable_lmns_ids)
    context = {
        "queue": queue.work_queue(access, now),
        "cards": home_cards(access),
        "open_period": now.period,
        "working": now.working_periods(),
        "all_lmnss": superuser_lmnss() if access.is_superuser else None,
    }
    return render(request, "lmns/home.html", context)


def help_page(request: HttpRequest) -> HttpResponse:
    """How the service works, the same for everyone: the layout and navigation, nothing else.

    The benchmark's floor: every page pays at least what this one costs.
    """
    return render(request, "lmns/help.html")


def lmns_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    lmns = access.lmns_page(pk)
    context = {
        "lmns": lmns,
        "trusts": lmns_with_trusts(lmns, access),
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
    context = {
        "record": obj,
        "kind": entry.model._meta.verbose_name,
        "rows": history_rows(obj, entry),
    }
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


# -- information governance: the download log and purges (lmns.downloads, lmns.purges) ----------
def download_log(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    lmns = access.lmns_page(pk)
    access.require(
        access.can_manage_lmns(lmns.pk), "Only the LMNS's programme team reads its download log."
    )
    page = Paginator(downloads_of(lmns), 100).get_page(request.GET.get("page"))
    context = {"lmns": lmns, "page": page, "retention": retention_period("downloads")}
    return render(request, "lmns/download_log.html", context)


def purge_list(request: HttpRequest) -> HttpResponse:
    access = get_access(request)
    access.require(
        access.is_superuser or bool(access.team_lmns_ids),
        "Purges are followed by administrators and the LMNS programme teams.",
    )
    context = {"purges": purges_for(access)[:200], "can_decide": may_decide_purges(access)}
    return render(request, "lmns/purges.html", context)


def purge_request(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    entry, audit = purgeable(label), audited(label)
    if entry is None or audit is None:
        raise Http404("This kind of record cannot be purged.")
    access = get_access(request)
    obj = access.get_or_404(audit.readable_queryset(access), audit.scope, pk=pk)
    lmns_id, trust = owning_organisation(obj, audit.scope)
    access.require(
        may_request_purge(access, lmns_id, trust),
        "Ask the record's trust lead or the LMNS programme team to report it.",
    )
    form = PurgeRequestForm(request.POST or None, choices=entry.field_choices())
    if request.method == "POST" and form.is_valid():
        try:
            request_purge(user=request.user, access=access, obj=obj, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Purge asked for: an administrator will review it.")
            return redirect("purge_list" if access.can_manage_lmns(lmns_id) else "home")
    context = {
        "form": form,
        "description": entry.describe(obj),
        "kind": entry.model._meta.verbose_name,
    }
    return render(request, "lmns/purge_request.html", context)


@require_POST
def purge_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide_purge(request, pk, approve_purge, "Purged: the tombstone records it.")


@require_POST
def purge_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide_purge(request, pk, reject_purge, "Rejected: nothing was removed.")


def _decide_purge(request: HttpRequest, pk: int, decide, done: str) -> HttpResponse:
    access = get_access(request)
    if not may_decide_purges(access):
        raise Http404("Not found, or not yours to see.")
    purge = get_object_or_404(Purge, pk=pk)
    try:
        decide(user=request.user, purge=purge)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("purge_list")


@login_not_required
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement, readable before signing in (it is linked from every footer)."""
    return render(request, "lmns/accessibility.html")


@login_not_required
def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy notice for staff users, readable before signing in; its text is
    docs/privacy-notice.md's, and the retention schedule comes from the settings."""
    return render(request, "lmns/privacy.html", {"retention": retention_schedule()})
