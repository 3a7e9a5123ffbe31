"""Attack cases for the mail forms (see ``tests/attacks``)."""

from django.urls import reverse

from lmns.notifications import kinds
from mail import tokens
from tests.attacks import AttackCase, Resave, Target


def _preferences(w) -> Target:
    url = reverse("mail:preferences")
    return Target(
        url=url,
        data={
            **{kind.code: "now" for kind in kinds()},
            "return.submitted": "digest",
            "return.sent_back": "app",
        },
        show_url=url,
    )


def _unsubscribe(w) -> Target:
    url = reverse("mail:unsubscribe", args=[tokens.make(w.users["lead"].pk, "return.sent_back")])
    return Target(url=url, data={}, show_url=url)


CASES = {
    "mail.forms.PreferencesForm": AttackCase(
        build=_preferences, persona="lead", refused=("anonymous",), resave=Resave.EDIT
    ),
    # Anyone holding the mail's link may press the button: the token says who and what.
    "mail.forms.UnsubscribeForm": AttackCase(
        build=_unsubscribe, persona="lead", refused=(), resave=Resave.STEP
    ),
}
