"""Sessions that end without losing what was typed.

A session ends after ``SESSION_COOKIE_AGE`` seconds without a request (one hour). Two things
keep a person's work safe around that:

* **The warning.** A page with a form being edited warns ``SESSION_TIMEOUT_WARNING`` seconds
  (five minutes) before the session ends, in an accessible dialog that offers to stay signed in
  (the GOV.UK timeout-warning pattern, ``static/js/session-timeout.js``). Staying signed in is a
  POST to ``lmns.views.keep_alive``, which only touches the session.
* **The kept input.** A save that arrives after the session ended is not saved. The sign-in
  check (:class:`LoginRequiredMiddleware`) keeps what was posted in the new, server-side session
  of that browser, tied to the person whose session ended, and sends them to sign in. Once
  *that same person* has signed in again, the page they were on comes back with their input
  filled in (``static/js/kept-input.js``), for them to check and save. It is never saved on
  their behalf.

Who can read kept input: only the person who typed it, in the browser they typed it in. The
owner is the person signed in to the session that ended (their password unchanged since); the
input lives in the database's session table (never in files or cookies), goes away once it has
been shown or when the new session ends, and is dropped when anyone else signs in on that
browser. Passwords and files are never kept.
"""

from __future__ import annotations

from importlib import import_module
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme

KEPT_INPUT = "kept_input"
# Larger posts (pasted documents) are not kept: the session is no place for them.
KEPT_INPUT_MAX_CHARACTERS = 1_000_000
NEVER_KEPT = ("csrfmiddlewaretoken",)


def _never_kept(name: str) -> bool:
    return name in NEVER_KEPT or "password" in name.lower()


def owner_of_ended_session(request: HttpRequest):
    """The person whose session this browser's cookie names, if it ended on its own.

    Read from the session's stored row, which outlives its expiry until ``clearsessions``.
    Nobody if the row is gone (signed out), the person has left, or their password changed.
    """
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not key or not hasattr(store, "get_model_class"):
        return None
    row = store.get_model_class().objects.filter(session_key=key).first()
    if row is None or row.expire_date > timezone.now():
        return None
    data = store().decode(row.session_data)
    user = get_user_model()._default_manager.filter(pk=data.get(SESSION_KEY)).first()
    if user is None or not user.is_active:
        return None
    if not constant_time_compare(data.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash()):
        return None
    return user


def _page_of(request: HttpRequest) -> str:
    """The page the form was on: the same-site referring page, else the address posted to."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        if parts.path.startswith("/") and parts.path != resolve_url(settings.LOGIN_URL):
            return f"{parts.path}?{parts.query}" if parts.query else parts.path
    return request.get_full_path()


def keep_input(request: HttpRequest) -> bool:
    """Keep a post that arrived after its sender's session ended. Returns whether it was kept."""
    owner = owner_of_ended_session(request)
    fields = [
        [name, value]
        for name, values in request.POST.lists()
        if not _never_kept(name)
        for value in values
    ]
    if owner is None or not fields:
        return False
    if sum(len(name) + len(value) for name, value in fields) > KEPT_INPUT_MAX_CHARACTERS:
        return False
    request.session[KEPT_INPUT] = {
        "owner": owner.pk,
        "page": _page_of(request),
        "action": request.path,
        "fields": fields,
        "files": sorted(name for name in request.FILES if request.FILES[name]),
        "at": timezone.now().isoformat(),
    }
    return True


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's sign-in check, keeping a post that arrived after the session ended."""

    def handle_no_permission(self, request, view_func):
        if request.method != "POST":
            return super().handle_no_permission(request, view_func)
        if keep_input(request):
            messages.info(
                request,
                "Your session had ended, so nothing was saved. Sign in again: what you typed "
                "will be back on the page for you to check and save.",
            )
            page = request.session[KEPT_INPUT]["page"]
        else:
            messages.warning(request, "Your session had ended, so nothing was saved.")
            page = _page_of(request)
        return redirect_to_login(page, self.get_login_url(view_func))


def drop_input_kept_for_someone_else(sender, request, user, **kwargs) -> None:
    """On signing in (connected in ``lmns.apps``): input kept for another person is dropped."""
    kept = request.session.get(KEPT_INPUT) if request is not None else None
    if kept and kept["owner"] != user.pk:
        del request.session[KEPT_INPUT]


def kept_input_for(request: HttpRequest) -> dict | None:
    """The input kept for this person and this page, handed over once."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return None
    kept = request.session.get(KEPT_INPUT)
    if not kept or kept["owner"] != user.pk or kept["page"] != request.get_full_path():
        return None
    del request.session[KEPT_INPUT]
    return {**kept, "shown": _shown(kept["fields"])}


def _shown(fields: list[list[str]]) -> list[tuple[str, str]]:
    """What was typed, labelled for reading (the page's own form shows it in place)."""
    shown = []
    for name, value in fields:
        parts = name.split("-")
        if not value.strip() or parts[-1].isupper() or parts[-1] == "version":
            continue
        label = parts[-1].replace("_", " ").capitalize()
        rows = [int(part) + 1 for part in parts[:-1] if part.isdigit()]
        shown.append((f"{label} (item {rows[-1]})" if rows else label, value))
    return shown


def session_context(request: HttpRequest) -> dict:
    """The timeout warning's timings, and any input kept for this page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "session_timeout": {
            "seconds": request.session.get_expiry_age(),
            "warn": settings.SESSION_TIMEOUT_WARNING,
        },
        "kept_input": kept_input_for(request),
    }
