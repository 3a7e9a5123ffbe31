"""Attack cases for the board pack's form (see ``tests/attacks``): issuing a pack."""

from django.urls import reverse

from tests.attacks import AttackCase, Target


def _issue(w) -> Target:
    return Target(
        url=reverse("boardpack:issue", args=[w.lmns.pk, w.period.pk]),
        data={"expected_version": "0", "confirm": "on"},
        show_url=reverse("boardpack:pack", args=[w.lmns.pk, w.period.pk]),
        foreign_url=reverse("boardpack:issue", args=[w.other_lmns.pk, w.period.pk]),
    )


CASES = {"boardpack.forms.IssueForm": AttackCase(build=_issue, persona="team")}
