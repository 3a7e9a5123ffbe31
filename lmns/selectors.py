"""Read-side queries of the core app."""

from django.db.models import Prefetch, QuerySet

from .access import Access
from .menus import links_for
from .models import Lmns, ReportingPeriod, Role, Site, Trust


def roles_at_lmns(access: Access, lmns_id: int) -> set[str]:
    roles = set()
    if lmns_id in access.team_lmns_ids:
        roles.add(Role.PROGRAMME_TEAM)
    if lmns_id in access.board_lmns_ids:
        roles.add(Role.BOARD_MEMBER)
    if lmns_id in access.lead_lmns_ids:
        roles.add(Role.TRUST_LEAD)
    if access.is_superuser and not roles:
        roles.add(Role.PROGRAMME_TEAM)
    return roles


def roles_at_trust(access: Access, trust: Trust) -> set[str]:
    roles = roles_at_lmns(access, trust.lmns_id) - {Role.TRUST_LEAD}
    if trust.pk in access.lead_trust_ids:
        roles.add(Role.TRUST_LEAD)
    return roles


def home_cards(access: Access) -> list[dict]:
    """One card per organisation the person works in, with the links for their role there.

    LMNS cards also list the LMNS's trusts (one query for all of them).
    """
    lmns_ids = {m.lmns_id for m in access.memberships if m.lmns_id}
    trusts_by_lmns: dict[int, list[Trust]] = {}
    for trust in Trust.objects.filter(lmns_id__in=lmns_ids).order_by("name") if lmns_ids else []:
        trusts_by_lmns.setdefault(trust.lmns_id, []).append(trust)
    cards = []
    for membership in access.memberships:
        org = membership.organisation
        kind = "trust" if membership.trust_id else "lmns"
        cards.append(
            {
                "membership": membership,
                "organisation": org,
                "kind": kind,
                "links": links_for(kind, {membership.role}, org.pk),
                "trusts": trusts_by_lmns.get(membership.lmns_id, []),
            }
        )
    return cards


def superuser_lmnss() -> QuerySet[Lmns]:
    return Lmns.objects.select_related("region").order_by("name")


def open_period() -> ReportingPeriod | None:
    return ReportingPeriod.objects.latest_open()


def lmns_with_trusts(lmns: Lmns, access) -> list[Trust]:
    """The LMNS's trusts, each marked ``readable`` when the person may open its page (a trust
    lead sees their sibling trusts named, but not linked)."""
    trusts = list(
        lmns.trusts.order_by("name").prefetch_related(
            Prefetch("sites", queryset=Site.objects.order_by("name"))
        )
    )
    for trust in trusts:
        trust.readable = access.can_read_trust(trust)
    return trusts
