"""Attack cases for the core forms: sign-in and password change (see ``tests/attacks``)."""

from django.urls import reverse

from tests.attacks import Abstract, AttackCase, Resave, Target

NEW_PASSWORD = "Maternity-safety-2026!"

CASES = {
    "lmns.forms.ModelForm": Abstract("the base of every model form"),
    "lmns.forms.FilterSet": Abstract("the base of every filter"),
    "django.contrib.auth.forms.AuthenticationForm": AttackCase(
        build=lambda w: Target(
            url=reverse("login"),
            data={"username": "nuh-lead", "password": "test-password-123"},
        ),
        persona="anonymous",
        # Anyone may post the sign-in form; a correct sign-in records the user's last login.
        refused=(),
        resave=Resave.ADD,
    ),
    "django.contrib.auth.forms.PasswordChangeForm": AttackCase(
        build=lambda w: Target(
            url=reverse("password_change"),
            data={
                "old_password": "test-password-123",
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        ),
        persona="lead",
        # Every signed-in person may change their own password; strangers must sign in first.
        refused=("anonymous",),
        resave=Resave.ADD,
    ),
}
