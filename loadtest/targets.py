"""Write the load test's targets: who signs in, and which pages each journey opens.

``loadtest/run.sh`` calls :func:`main` on the load test's database after ``load_demo``.
URLs are built with ``reverse`` from the demo data, so the locust file needs neither Django
nor guessed ids. A journey whose app is not installed falls back to the core pages of the
same person.
"""

import json
from pathlib import Path

from django.urls import NoReverseMatch, reverse

from lmns.demo import DEMO_PASSWORD
from lmns.models import Membership, Role


def page(name: str, url_name: str, *args) -> dict | None:
    try:
        return {"name": name, "url": reverse(url_name, args=args)}
    except NoReverseMatch:
        return None


def lead_targets() -> list[dict]:
    people = []
    memberships = Membership.objects.filter(role=Role.TRUST_LEAD).select_related("user", "trust")
    for membership in memberships.order_by("trust__ods_code"):
        trust = membership.trust
        pages = [page("home", "home"), page("trust", "trust_detail", trust.pk)]
        people.append(
            {
                "username": membership.user.username,
                "pages": [p for p in pages if p],
                "form": None,
            }
        )
    return people


def lmns_targets(role: str) -> list[dict]:
    people = []
    memberships = Membership.objects.filter(role=role).select_related("user", "lmns")
    for membership in memberships.order_by("lmns__short_name"):
        lmns = membership.lmns
        pages = [page("home", "home"), page("LMNS", "lmns_detail", lmns.pk)]
        people.append({"username": membership.user.username, "pages": [p for p in pages if p]})
    return people


def build_targets() -> dict:
    return {
        "password": DEMO_PASSWORD,
        "lead": lead_targets(),
        "team": lmns_targets(Role.PROGRAMME_TEAM),
        "board": lmns_targets(Role.BOARD_MEMBER),
    }


def main(out: str) -> None:
    targets = build_targets()
    Path(out).write_text(json.dumps(targets, indent=2))
    print(
        f"Targets: {len(targets['lead'])} trust leads, {len(targets['team'])} programme teams, "
        f"{len(targets['board'])} board members."
    )
