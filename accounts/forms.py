"""The sign-in form, the second-factor code form, and accepting an invitation."""

from __future__ import annotations

from allauth.account.forms import LoginForm
from allauth.mfa.base.forms import AuthenticateForm
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from lmns.text import ONE_LINE, one_line_field, validate_free_text

LOCKED = "Too many wrong codes: signing in to this account from here is paused for 30 minutes."


def _credential(field: forms.CharField, limit: int = ONE_LINE) -> forms.CharField:
    """A user name, password or code: the project's text rule and a length limit."""
    if validate_free_text not in field.validators:
        field.validators.append(validate_free_text)
    if field.max_length is None:
        field.max_length = limit
        field.validators.append(MaxLengthValidator(limit))
        field.widget.attrs.setdefault("maxlength", str(limit))
    return field


class SignInForm(LoginForm):
    """allauth's sign-in form, refusing passwords where sign-in is through the provider only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                _credential(field)

    def clean(self):
        if not settings.PASSWORD_SIGN_IN_ENABLED:
            login = (self.data.get("login") or "").strip()
            if login not in settings.BREAK_GLASS_USERNAMES:
                raise ValidationError(
                    "Sign in with your organisation account: password sign-in is switched off."
                )
        return super().clean()


class SecondFactorForm(AuthenticateForm):
    """allauth's code form; wrong codes count toward the sign-in lockout (django-axes)."""

    code = _credential(
        forms.CharField(
            label="Code",
            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        ),
        limit=64,
    )

    def clean_code(self) -> str:
        from allauth.core import context

        request = context.request
        credentials = {"username": self.user.get_username()}
        if not AxesProxyHandler.is_allowed(request, credentials):
            request.axes_locked_out = True
            raise ValidationError(LOCKED)
        return super().clean_code()


class AcceptInvitationForm(forms.Form):
    first_name = one_line_field(label="First name", max_length=150)
    last_name = one_line_field(label="Last name", max_length=150)
    password1 = _credential(
        forms.CharField(
            label="Choose a password",
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
            help_text=password_validation.password_validators_help_text_html(),
        )
    )
    password2 = _credential(
        forms.CharField(
            label="Type the password again",
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        )
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        elif data.get("password1"):
            try:
                password_validation.validate_password(data["password1"])
            except ValidationError as error:
                self.add_error("password1", error)
        return data
