"""Write the load test's targets: who signs in, and which pages each journey opens.

``loadtest/run.sh`` calls :func:`main` on the load test's database after ``load_demo``.
URLs are built with ``reverse`` from the demo data, so the locust file needs neither Django
nor guessed ids. A journey whose app is not installed falls back to the core pages of the
same person.
"""

import json
from pathlib import Path

from django.apps import apps
from django.urls import NoReverseMatch, reverse

from lmns.demo import DEMO_PASSWORD
from lmns.models import Membership, ReportingPeriod, Role


def page(name: str, url_name: str, *args) -> dict | None:
    try:
        return {"name": name, "url": reverse(url_name, args=args)}
    except NoReverseMatch:
        return None


def _draft_returns(trust, period, user) -> list:
    """The trust's draft returns for the open quarter, one per active framework, started
    (as the trust lead would) where missing. Empty without the return pages."""
    if period is None or not apps.is_installed("assurance"):
        return []
    try:
        reverse("assurance:section_edit", args=[1, 1])
        from assurance.models import Framework, QuarterlyReturn, ReturnStatus
        from assurance.services import start_return
    except (NoReverseMatch, ImportError):
        return []
    returns = []
    for framework in Framework.objects.filter(active=True).order_by("pk"):
        existing = QuarterlyReturn.objects.filter(trust=trust, framework=framework, period=period)
        ret = existing.first() or start_return(
            trust=trust, framework=framework, period=period, user=user
        )
        if ret.status == ReturnStatus.DRAFT:
            returns.append(ret)
    return returns


def lead_targets() -> list[dict]:
    """One target per trust lead and draft return: no two simulated leads share a return."""
    people = []
    period = ReportingPeriod.objects.latest_open()
    memberships = Membership.objects.filter(role=Role.TRUST_LEAD).select_related("user", "trust")
    for membership in memberships.order_by("trust__ods_code"):
        trust, user = membership.trust, membership.user
        core = [page("home", "home"), page("trust", "trust_detail", trust.pk)]
        drafts = _draft_returns(trust, period, user)
        if not drafts:
            people.append(
                {"username": user.username, "pages": [p for p in core if p], "form": None}
            )
        for ret in drafts:
            section = ret.framework.sections.order_by("order", "code").first()
            pages = [
                page("home", "home"),
                page("trust returns", "assurance:trust_returns", trust.pk),
                page("return", "assurance:return_detail", ret.pk),
            ]
            people.append(
                {
                    "username": user.username,
                    "pages": [p for p in pages if p],
                    "form": {
                        "name": "return section",
                        "url": reverse("assurance:section_edit", args=[ret.pk, section.pk]),
                        "edit": "narrative",
                    },
                    "submit": page("submit return", "assurance:return_action", ret.pk, "submit"),
                }
            )
    return people


def _first_plan_pk(lmns) -> int | None:
    if not apps.is_installed("deliverables"):
        return None
    plan = apps.get_model("deliverables", "Plan").objects.filter(lmns=lmns).order_by("pk")
    return plan.values_list("pk", flat=True).first()


def _issued_downloads(lmns) -> list[dict | None]:
    """The PDF and spreadsheet of the LMNS's latest issued pack, if there is one."""
    if not apps.is_installed("boardpack"):
        return []
    issued = (
        apps.get_model("boardpack", "BoardPack")
        .objects.filter(lmns=lmns)
        .order_by("-period__start_date", "-version")
        .first()
    )
    if issued is None:
        return []
    args = (lmns.pk, issued.period_id)
    return [
        page("board pack PDF", "boardpack:pdf", *args),
        page("board pack XLSX", "boardpack:xlsx", *args),
    ]


def lmns_targets(role: str) -> list[dict]:
    """The programme team reviews the dashboard and the plan; a board member reads the pack."""
    people = []
    memberships = Membership.objects.filter(role=role).select_related("user", "lmns")
    for membership in memberships.order_by("lmns__short_name"):
        lmns = membership.lmns
        pages = [page("home", "home")]
        if role == Role.PROGRAMME_TEAM:
            pages.append(page("compliance dashboard", "assurance:dashboard", lmns.pk))
            plan_pk = _first_plan_pk(lmns)
            if plan_pk:
                pages.append(page("plan", "deliverables:plan_detail", plan_pk))
        else:
            pages.append(page("board pack", "boardpack:latest", lmns.pk))
            pages.extend(_issued_downloads(lmns))
        if len([p for p in pages if p]) == 1:
            pages.append(page("LMNS", "lmns_detail", lmns.pk))
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
