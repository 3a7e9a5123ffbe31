"""Attack cases for the core forms (see ``tests/attacks``); the account forms' are in accounts."""

from django.urls import reverse

from lmns.models import Notification
from tests.attacks import Abstract, AttackCase, Resave, Target


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
}
