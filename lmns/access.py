"""The one place that decides who may see and change what.

Every view asks :func:`get_access` for the signed-in person's :class:`Access` and uses it to
scope querysets (``access.scope_by_trust`` / ``access.scope_by_lmns``) and to check actions
(``access.require(...)``). The rules, from memberships:

* a trust lead reads and edits their own trusts' data and reads their LMNS's shared pages;
* the LMNS programme team reads and manages everything of their LMNS;
* a board member reads everything of their LMNS and changes nothing;
* nobody sees another LMNS. Superusers see everything.

Objects a person may not read answer 404 (their existence is not revealed); objects they may
read but not change answer 403.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from .models import Lmns, Membership, Role, Trust


@dataclass(frozen=True)
class Access:
    user_id: int | None
    is_superuser: bool = False
    lead_trust_ids: frozenset[int] = frozenset()
    lead_lmns_ids: frozenset[int] = frozenset()
    team_lmns_ids: frozenset[int] = frozenset()
    board_lmns_ids: frozenset[int] = frozenset()
    memberships: tuple[Membership, ...] = field(default=(), compare=False)

    # -- who is this ---------------------------------------------------------------------
    @property
    def lmns_wide_ids(self) -> frozenset[int]:
        """LMNSs whose every trust this person may read (programme team and board)."""
        return self.team_lmns_ids | self.board_lmns_ids

    @property
    def readable_lmns_ids(self) -> frozenset[int]:
        """LMNSs whose shared pages this person may read, trust leads included."""
        return self.lmns_wide_ids | self.lead_lmns_ids

    def has_role(self, role: str) -> bool:
        return any(m.role == role for m in self.memberships)

    # -- reading -------------------------------------------------------------------------
    def can_read_lmns(self, lmns_id: int) -> bool:
        return self.is_superuser or lmns_id in self.readable_lmns_ids

    def can_read_lmns_wide(self, lmns_id: int) -> bool:
        """May read data of every trust in the LMNS (team, board), not only their own."""
        return self.is_superuser or lmns_id in self.lmns_wide_ids

    def can_read_trust(self, trust: Trust) -> bool:
        return (
            self.is_superuser
            or trust.pk in self.lead_trust_ids
            or trust.lmns_id in self.lmns_wide_ids
        )

    # -- changing ------------------------------------------------------------------------
    def can_edit_trust(self, trust: Trust) -> bool:
        """Enter and submit a trust's own data: its trust leads only."""
        return trust.pk in self.lead_trust_ids

    def can_manage_lmns(self, lmns_id: int) -> bool:
        """Review, sign off and maintain LMNS-wide data: the programme team only."""
        return self.is_superuser or lmns_id in self.team_lmns_ids

    def require(
        self, allowed: bool, message: str = "You do not have permission to do that."
    ) -> None:
        if not allowed:
            raise PermissionDenied(message)

    # -- scoping querysets ---------------------------------------------------------------
    def scope_by_trust(self, qs: QuerySet, path: str = "trust") -> QuerySet:
        """Rows belonging to a trust this person may read. ``path`` leads to the Trust."""
        if self.is_superuser:
            return qs
        prefix = f"{path}__" if path else ""
        return qs.filter(
            Q(**{f"{prefix}pk__in": self.lead_trust_ids})
            | Q(**{f"{prefix}lmns__in": self.lmns_wide_ids})
        )

    def scope_by_lmns(self, qs: QuerySet, path: str = "lmns", wide_only: bool = False) -> QuerySet:
        """Rows belonging to an LMNS this person may read. ``path`` leads to the Lmns.

        With ``wide_only`` trust leads are left out (LMNS-wide data they may not read).
        """
        if self.is_superuser:
            return qs
        ids = self.lmns_wide_ids if wide_only else self.readable_lmns_ids
        return qs.filter(**{f"{path}__pk__in" if path else "pk__in": ids})

    def trusts(self) -> QuerySet[Trust]:
        return self.scope_by_trust(Trust.objects.all(), path="")

    def lmnss(self) -> QuerySet[Lmns]:
        return self.scope_by_lmns(Lmns.objects.all(), path="")


ANONYMOUS = Access(user_id=None)


def get_access(request_or_user) -> Access:
    """The signed-in person's access, computed once per request with a single query."""
    user = getattr(request_or_user, "user", request_or_user)
    if not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, "_lmns_access", None)
    if cached is not None:
        return cached
    memberships = tuple(
        Membership.objects.filter(user=user).select_related("trust__lmns", "lmns").order_by("role")
    )
    lead = [m.trust for m in memberships if m.role == Role.TRUST_LEAD]
    access = Access(
        user_id=user.pk,
        is_superuser=user.is_superuser,
        lead_trust_ids=frozenset(t.pk for t in lead),
        lead_lmns_ids=frozenset(t.lmns_id for t in lead),
        team_lmns_ids=frozenset(m.lmns_id for m in memberships if m.role == Role.PROGRAMME_TEAM),
        board_lmns_ids=frozenset(m.lmns_id for m in memberships if m.role == Role.BOARD_MEMBER),
        memberships=memberships,
    )
    user._lmns_access = access
    return access


def get_readable_or_404(qs: QuerySet, access: Access, scope: str, **lookup) -> Model:
    """Fetch one object inside the person's scope, or 404.

    ``scope`` is ``"trust:<path>"`` or ``"lmns:<path>"`` (for example ``"trust:trust"`` or
    ``"lmns:plan__lmns"``), naming the relation that leads to the owning organisation.
    ``"lmns_wide:<path>"`` is LMNS data that trust leads may not read (programme team and board).
    """
    kind, _, path = scope.partition(":")
    if kind == "trust":
        qs = access.scope_by_trust(qs, path=path)
    elif kind == "lmns":
        qs = access.scope_by_lmns(qs, path=path)
    elif kind == "lmns_wide":
        qs = access.scope_by_lmns(qs, path=path, wide_only=True)
    else:
        raise ValueError(f"Unknown scope {scope!r}")
    obj = qs.filter(**lookup).first()
    if obj is None:
        raise Http404("Not found, or not yours to see.")
    return obj
