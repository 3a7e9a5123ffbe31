"""Attack cases for the core forms: sign-in and password change (see ``tests/attacks``)."""

from django.urls import reverse

from lmns.models import Notification
from tests.attacks import Abstract, AttackCase, Resave, Target

NEW_PASSWORD = "Maternity-safety-2026!"


def _mark_read(w) -> Target:
    """The lead marks one of their notifications read; another person's is not theirs to mark."""
    mine = Notification.objects.create(
        recipient=w.users["lead"], kind="test", text="Yours", url="/", key="test:1"
    )
    theirs = Notification.objects.create(
        recipient=w.users["other_team"], kind="test", text="Theirs", url="/", key="test:1"
    )
    return Target(
        url=reverse("notifications_read"),
        data={"notification": str(mine.pk)},
        show_url=reverse("notifications"),
        foreign={"notification": str(theirs.pk)},
    )


CASES = {
    "lmns.forms.MarkReadForm": AttackCase(
        build=_mark_read,
        persona="lead",
        # Everyone signed in marks their own notifications; another person's id is refused.
        refused=("anonymous",),
        resave=Resave.STEP,
    ),
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
