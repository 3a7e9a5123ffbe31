"""The one place that decides who may see and change what.

Every view asks :func:`get_access` for the signed-in person's :class:`Access`, opens the record
it shows with one typed call, and checks actions with ``access.require(...)``::

    access = get_access(request)
    ret = access.get_or_404(QuarterlyReturn.objects.all(), Scope.trust("trust"), pk=pk)
    lmns = access.lmns_page(pk, wide=True)     # an LMNS-wide page (programme team and board)
    trust = access.trust_page(pk)

Lists use ``access.scope(qs, Scope...)`` inside a selector. A :class:`Scope` names the relation
that leads from a row to the organisation owning it. The rules, from memberships:

* a trust lead reads and edits their own trusts' data and reads their LMNS's shared pages;
* the LMNS programme team reads and manages everything of their LMNS;
* a board member reads everything of their LMNS and changes nothing;
* nobody sees another LMNS. Superusers see everything.

The one 403/404 rule: a record of another LMNS, or of a trust the person does not read, is 404
(its existence is not revealed); a page of the person's own LMNS that they may not open (a trust
lead on an LMNS-wide page), or a record they may read but not change, is 403 with the reason.

The inverse question, "who may read this record?", is :func:`readers`, written beside the forward
rules from the same memberships: it decides who is told about a record (notifications) and never
includes people who have left.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from .models import Lmns, Membership, Role, Trust
from .people import active_people

LMNS_WIDE_ONLY = "This page is for the LMNS programme team and board members."


@dataclass(frozen=True)
class Scope:
    """Which organisation owns a row: ``path`` is the relation from the row to it.

    ``Scope.trust("quarterly_return__trust")`` is trust data (its leads, and its LMNS's team and
    board read it); ``Scope.lmns("plan__lmns")`` is LMNS data every member of the LMNS reads;
    ``Scope.lmns("stream__lmns", wide=True)`` is LMNS-wide data trust leads may not read. An
    empty path means the row is the Trust or Lmns itself.
    """

    kind: Literal["trust", "lmns"]
    path: str
    wide: bool = False

    @classmethod
    def trust(cls, path: str = "trust") -> Scope:
        return cls("trust", path)

    @classmethod
    def lmns(cls, path: str = "lmns", *, wide: bool = False) -> Scope:
        return cls("lmns", path, wide)

    def field(self, name: str) -> str:
        return f"{self.path}__{name}" if self.path else name

    def owner(self, record: Model) -> Model:
        """The Trust or Lmns that owns ``record``, followed along the path."""
        for part in filter(None, self.path.split("__")):
            record = getattr(record, part)
        return record


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

    # -- scoping querysets and opening records -----------------------------------------------
    def scope(self, qs: QuerySet, scope: Scope) -> QuerySet:
        """The rows of ``qs`` this person may read."""
        if self.is_superuser:
            return qs
        if scope.kind == "trust":
            return qs.filter(
                Q(**{scope.field("pk__in"): self.lead_trust_ids})
                | Q(**{scope.field("lmns__in"): self.lmns_wide_ids})
            )
        ids = self.lmns_wide_ids if scope.wide else self.readable_lmns_ids
        return qs.filter(**{scope.field("pk__in"): ids})

    def get_or_404(
        self, qs: QuerySet, scope: Scope, *, reason: str = LMNS_WIDE_ONLY, **lookup
    ) -> Model:
        """One record inside the person's scope; 404 outside it, 403 with ``reason`` when the
        record is LMNS-wide data of the person's own LMNS (a trust lead on a team page)."""
        found = self.scope(qs, scope).filter(**lookup).first()
        if found is not None:
            return found
        if scope.wide and self.scope(qs, Scope.lmns(scope.path)).filter(**lookup).exists():
            raise PermissionDenied(reason)
        raise Http404("Not found, or not yours to see.")

    def lmns_page(self, pk: int, *, wide: bool = False, reason: str = LMNS_WIDE_ONLY) -> Lmns:
        """The LMNS a page is about; ``wide`` for pages trust leads may not open."""
        qs = Lmns.objects.select_related("region")
        return self.get_or_404(qs, Scope.lmns("", wide=wide), reason=reason, pk=pk)

    def trust_page(self, pk: int) -> Trust:
        """The trust a page is about."""
        qs = Trust.objects.select_related("lmns__region")
        return self.get_or_404(qs, Scope.trust(""), pk=pk)

    def trusts(self) -> QuerySet[Trust]:
        return self.scope(Trust.objects.all(), Scope.trust(""))

    def lmnss(self) -> QuerySet[Lmns]:
        return self.scope(Lmns.objects.all(), Scope.lmns(""))


ANONYMOUS = Access(user_id=None)


def get_access(request_or_user) -> Access:
    """The signed-in person's access, computed once per request with a single query (which
    also carries the navigation bar's counts, :func:`lmns.queue.membership_counts`)."""
    user = getattr(request_or_user, "user", request_or_user)
    if not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, "_lmns_access", None)
    if cached is not None:
        return cached
    from .queue import membership_counts

    memberships = tuple(
        Membership.objects.filter(user=user)
        .select_related("trust__lmns", "lmns")
        .annotate(**membership_counts())
        .order_by("role")
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


# -- the inverse: who reads a record -----------------------------------------------------------
EVERY_ROLE = frozenset(Role.values)


def owner_of(record: Model, scope: Scope | None = None) -> Trust | Lmns:
    """The trust or LMNS owning ``record``, following ``scope.path`` (a Trust or an Lmns owns
    itself)."""
    if isinstance(record, Trust | Lmns):
        return record
    if scope is None:
        raise ValueError(f"Say which Scope owns a {type(record).__name__}.")
    owner = record
    for name in scope.path.split("__"):
        owner = getattr(owner, name)
    return owner


def readers(
    record: Model, scope: Scope | None = None, *, roles: Iterable[str] = EVERY_ROLE
) -> QuerySet:
    """The active people whose memberships let them read ``record``, holding one of ``roles``.

    The inverse of :meth:`Access.scope` for the same ``scope``: trust data is read by the trust's
    leads and its LMNS's programme team and board; LMNS data by the LMNS's team, board and (unless
    ``wide``) its trusts' leads. Superusers read everything but are told only through a
    membership. People who have left are never readers.
    """
    owner = owner_of(record, scope)
    kind = "trust" if isinstance(owner, Trust) else "lmns"
    wide = scope.wide if scope is not None else False
    lmns_id = owner.lmns_id if kind == "trust" else owner.pk
    roles = frozenset(roles)
    wide_roles = roles & {Role.PROGRAMME_TEAM, Role.BOARD_MEMBER}
    held = Q(pk__in=[])
    if wide_roles:
        held |= Q(memberships__role__in=wide_roles, memberships__lmns_id=lmns_id)
    if Role.TRUST_LEAD in roles:
        if kind == "trust":
            held |= Q(memberships__role=Role.TRUST_LEAD, memberships__trust_id=owner.pk)
        elif not wide:
            held |= Q(memberships__role=Role.TRUST_LEAD, memberships__trust__lmns_id=lmns_id)
    return active_people().filter(held).distinct().order_by("pk")
