"""Invitations (GET shows, only POST accepts), the pages single sign-on refuses with, and the
address page (addresses are set by an administrator)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .forms import AcceptInvitationForm
from .services import accept_invitation, usable_invitation
from .sso import INVITATION_SESSION_KEY


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = usable_invitation(token)
    if invitation is None:
        return render(request, "accounts/invitation_unusable.html", status=410)
    form = AcceptInvitationForm(request.POST if request.POST.get("how") == "password" else None)
    if request.method == "POST" and request.POST.get("how") == "sso":
        provider = _provider(request, request.POST.get("provider", ""))
        if provider is not None:
            request.session[INVITATION_SESSION_KEY] = invitation.pk
            return redirect(provider.get_login_url(request))
    if form.is_valid():
        try:
            password = form.cleaned_data["password1"]
            user = accept_invitation(token=token, **_names(form), password=password)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend="lmns.people.ActivePeopleBackend")
            messages.success(request, f"Welcome. Your user name is {user.get_username()}.")
            return redirect("home")
    context = {"invitation": invitation, "form": form, "providers": _providers(request)}
    return render(request, "accounts/invitation.html", context)


def _providers(request: HttpRequest) -> list:
    from allauth.socialaccount.adapter import get_adapter

    return get_adapter().list_providers(request)


def _provider(request: HttpRequest, provider_id: str):
    return next((p for p in _providers(request) if p.app.provider_id == provider_id), None)


def _names(form) -> dict:
    return {k: form.cleaned_data[k] for k in ("first_name", "last_name")}


@login_not_required
def sso_not_invited(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/sso_not_invited.html", status=403)


@login_not_required
def sso_refused(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/sso_refused.html", status=403)


def email_address(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/email_address.html")


@login_not_required
def no_sign_up(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/no_sign_up.html")
