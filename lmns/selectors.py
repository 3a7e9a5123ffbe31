"""Read-side queries of the core app, and the working period."""

import operator
from collections.abc import Callable, Iterable
from functools import reduce

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

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


# -- the working period -------------------------------------------------------------------

# Apps that collect work from trusts each period say which periods an LMNS still has collected
# work in: ``outstanding(lmns, period)`` is a queryset, correlated with the two expressions
# (``OuterRef``s), that has a row while the LMNS has work collected in that period and not yet
# assured. Registered from the app's ``ready()``, like menus and queue sources.
_OUTSTANDING: list[Callable[[object, object], QuerySet]] = []


def register_outstanding(outstanding: Callable[[object, object], QuerySet]) -> None:
    if outstanding not in _OUTSTANDING:
        _OUTSTANDING.append(outstanding)


def working_period_ids(lmns_ids: Iterable[int]) -> dict[int, int | None]:
    """Each LMNS's working period's id (see :func:`working_period`), in one query however many
    LMNSs are asked for."""
    lmns_ids = set(lmns_ids)
    if not lmns_ids:
        return {}
    open_periods = ReportingPeriod.objects.filter(is_open=True)
    latest_open = open_periods.order_by("-start_date").values("pk")[:1]
    chosen = Subquery(latest_open)
    if _OUTSTANDING:
        pending = [Exists(each(OuterRef(OuterRef("pk")), OuterRef("pk"))) for each in _OUTSTANDING]
        earliest = (
            open_periods.filter(reduce(operator.or_, pending))
            .order_by("start_date")
            .values("pk")[:1]
        )
        chosen = Coalesce(Subquery(earliest), Subquery(latest_open))
    lmnss = Lmns.objects.filter(pk__in=lmns_ids).annotate(working=chosen)
    return dict(lmnss.values_list("pk", "working"))


def working_periods(lmns_ids: Iterable[int]) -> dict[int, ReportingPeriod | None]:
    """The working period of each LMNS (see :func:`working_period`), in two queries however
    many LMNSs are asked for."""
    ids = working_period_ids(lmns_ids)
    periods = ReportingPeriod.objects.in_bulk({pk for pk in ids.values() if pk})
    return {lmns_id: periods.get(period_id) for lmns_id, period_id in ids.items()}


def working_period(lmns: Lmns | int) -> ReportingPeriod | None:
    """The period the LMNS is collecting now: the earliest open period in which it has a
    collected return not yet assured, otherwise the latest open period (None when no period is
    open). The compliance dashboard opens on it, the work queues and the home page speak of
    it, and the board pack starts from it."""
    lmns_id = lmns if isinstance(lmns, int) else lmns.pk
    return working_periods([lmns_id]).get(lmns_id)


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
