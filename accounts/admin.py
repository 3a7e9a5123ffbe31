"""Administration: inviting people, resetting a second factor, identity providers."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.socialaccount.admin import SocialAppAdmin, SocialAppForm
from allauth.socialaccount.models import SocialApp, SocialToken
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from lmns.forms import ModelForm

from .models import Invitation, SecondFactorReset
from .services import invite, reset_second_factor
from .sso import environment_provider_ids

# Authenticators hold (encrypted) secrets: they are reset through "Second factor resets",
# never shown. Tokens are not stored (SOCIALACCOUNT_STORE_TOKENS is off).
for model in (Authenticator, SocialToken):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
admin.site.unregister(SocialApp)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "trust", "lmns", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role", "lmns"]
    search_fields = ["email"]
    fields = ["email", "role", "trust", "lmns"]
    autocomplete_fields = ["trust", "lmns"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*self.fields, "invited_by", "created_at", "expires_at", "accepted_at"]

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return
        try:
            saved = invite(
                user=request.user,
                email=obj.email,
                role=obj.role,
                trust=obj.trust,
                lmns=obj.lmns,
                request=request,
            )
        except ValidationError as error:
            raise ValidationError(error.messages) from error
        obj.pk = saved.pk
        self.message_user(request, f"Invitation sent to {obj.email}.", messages.SUCCESS)


class SecondFactorResetForm(ModelForm):
    class Meta:
        model = SecondFactorReset
        fields = ["person", "reason"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean(self):
        data = super().clean()
        if self.instance.pk is None and data.get("person") and data.get("reason"):
            try:
                self.instance = reset_second_factor(
                    user=self.request.user, person=data["person"], reason=data["reason"]
                )
            except ValidationError as error:
                raise ValidationError(error.messages) from error
        return data


@admin.register(SecondFactorReset)
class SecondFactorResetAdmin(admin.ModelAdmin):
    """An administrator removes a person's authenticator app and recovery codes; the person
    enrols again. Each reset is kept: who, whose, when and why."""

    form = SecondFactorResetForm
    list_display = ["person", "reset_by", "reset_at", "reason"]
    autocomplete_fields = ["person"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class WithRequest(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, request=request, **kw)

        return WithRequest

    def get_readonly_fields(self, request, obj=None):
        return ["person", "reset_by", "reset_at", "reason"] if obj else []

    def save_model(self, request, obj, form, change) -> None:
        pass  # the form's clean ran reset_second_factor, which recorded the reset


class ProviderForm(SocialAppForm):
    """The client secret is written, never shown again; a provider configured in the
    environment cannot also be configured here."""

    secret = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave empty to keep the secret already saved.",
    )

    def clean_provider_id(self):
        provider_id = self.cleaned_data.get("provider_id")
        if provider_id in environment_provider_ids():
            raise ValidationError(
                "This provider is configured in the environment; change it there, not here."
            )
        return provider_id

    def clean_secret(self):
        return self.cleaned_data.get("secret") or self.instance.secret


@admin.register(SocialApp)
class ProviderAdmin(SocialAppAdmin):
    form = ProviderForm
