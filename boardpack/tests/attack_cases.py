"""Attack cases for the board pack's forms (see ``tests/attacks``)."""

from django.urls import reverse

from tests import attacks


def _issue(w) -> attacks.Target:
    """The programme team issues the quarter's pack; another LMNS's issue page is the IDOR URL."""
    return attacks.Target(
        url=reverse("boardpack:issue", args=[w.lmns.pk, w.period.pk]),
        data={"expected_version": "0", "confirm": "on"},
        show_url=reverse("boardpack:pack", args=[w.lmns.pk, w.period.pk]),
        foreign_url=reverse("boardpack:issue", args=[w.other_lmns.pk, w.period.pk]),
    )


CASES = {
    # Only the LMNS programme team may issue; everyone else is refused (403, or 404 elsewhere).
    "boardpack.forms.IssueForm": attacks.AttackCase(
        build=_issue, persona="team", resave=attacks.Resave.STEP
    ),
}
