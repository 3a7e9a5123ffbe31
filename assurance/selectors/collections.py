"""Reads of what an LMNS collects: which frameworks from which trusts, period by period, and
the working period's rule for returns (registered with ``lmns.selectors``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from lmns.models import Lmns, ReportingPeriod, Trust
from lmns.selectors import working_period

from ..models import Collection, Framework, QuarterlyReturn, ReturnStatus
from .dashboard import active_frameworks, default_framework, default_period


def outstanding_collected(lmns, period) -> QuerySet:
    """The working period's rule for returns (registered with ``lmns.selectors``): a row for
    each trust a collection of the LMNS asks in the period whose return is not yet assured.
    ``lmns`` and ``period`` are values or ``OuterRef`` expressions."""
    asked = Collection.trusts.through.objects
    assured = QuarterlyReturn.objects.filter(
        trust_id=OuterRef("trust_id"),
        framework_id=OuterRef("collection__framework_id"),
        period_id=OuterRef("collection__period_id"),
        status=ReturnStatus.ASSURED,
    )
    return asked.filter(collection__lmns_id=lmns, collection__period_id=period).exclude(
        Exists(assured)
    )


def collections_of(lmns: Lmns, period: ReportingPeriod) -> list[Collection]:
    """The LMNS's collections for the period, framework by framework, with their trusts (two
    queries)."""
    return list(
        Collection.objects.filter(lmns=lmns, period=period)
        .select_related("framework", "period")
        .prefetch_related(Prefetch("trusts", queryset=Trust.objects.order_by("name")))
        .order_by("framework__name", "-framework__version")
    )


def collected_pairs(lmns_ids, periods) -> dict[tuple[int, int, int], object]:
    """``{(trust_id, framework_id, period_id): deadline}`` for every trust asked for a return
    by the LMNSs' collections of those periods (one query)."""
    rows = Collection.trusts.through.objects.filter(
        collection__lmns_id__in=lmns_ids, collection__period__in=periods
    ).values_list(
        "trust_id",
        "collection__framework_id",
        "collection__period_id",
        "collection__deadline",
    )
    return {(trust, framework, period): deadline for trust, framework, period, deadline in rows}


def last_collected_period(lmns: Lmns, before: ReportingPeriod) -> ReportingPeriod | None:
    """The latest period before ``before`` the LMNS collected anything in (what "copy last
    period's collection" copies)."""
    return (
        ReportingPeriod.objects.filter(start_date__lt=before.start_date, collections__lmns=lmns)
        .order_by("-start_date")
        .first()
    )


@dataclass
class CollectionRow:
    framework: Framework
    collection: Collection | None

    @property
    def trusts(self) -> list[Trust]:
        return list(self.collection.trusts.all()) if self.collection else []


def collection_rows(lmns: Lmns, period: ReportingPeriod) -> list[CollectionRow]:
    """Every active framework (and any other the LMNS collects in the period), with its
    collection if there is one (three queries)."""
    collected = {c.framework_id: c for c in collections_of(lmns, period)}
    frameworks = {f.pk: f for f in active_frameworks()}
    for collection in collected.values():
        frameworks.setdefault(collection.framework_id, collection.framework)
    ordered = sorted(frameworks.values(), key=lambda f: (f.name, f.version))
    return [CollectionRow(f, collected.get(f.pk)) for f in ordered]


def collection_periods() -> list[ReportingPeriod]:
    """The periods a collection can be looked at for: past and current, latest first."""
    return list(ReportingPeriod.objects.started().order_by("-start_date"))


def collection_initial(lmns: Lmns, period: ReportingPeriod, framework: Framework) -> dict:
    """What the collection form starts from: the collection as saved; for a framework not yet
    collected in the period, the trusts asked for it last time (every trust if never)."""
    collection = Collection.objects.filter(lmns=lmns, period=period, framework=framework).first()
    if collection is not None:
        return {"trusts": list(collection.trusts.all()), "deadline": collection.deadline}
    last = (
        Collection.objects.filter(
            lmns=lmns, framework__name=framework.name, period__start_date__lt=period.start_date
        )
        .order_by("-period__start_date")
        .first()
    )
    trusts = last.trusts.all() if last is not None else lmns.trusts.all()
    return {"trusts": list(trusts)}


@dataclass
class Collected:
    """What the LMNS collects in one period: ``{framework_id: {trust_id, ...}}``, empty when
    it has set up no collection for the period."""

    by_framework: dict[int, set[int]]

    @property
    def set_up(self) -> bool:
        return bool(self.by_framework)

    def trusts_for(self, framework: Framework) -> set[int] | None:
        """The trusts asked for ``framework`` (None when nothing is set up: every trust)."""
        return self.by_framework.get(framework.pk, set()) if self.set_up else None

    def pairs(self) -> set[tuple[int, int]] | None:
        if not self.set_up:
            return None
        return {(t, f) for f, trusts in self.by_framework.items() for t in trusts}


def collected_in(lmns: Lmns, period: ReportingPeriod) -> Collected:
    """The LMNS's collections of the period (one query)."""
    by_framework: dict[int, set[int]] = {}
    rows = Collection.objects.filter(lmns=lmns, period=period).values_list("framework_id", "trusts")
    for framework_id, trust_id in rows:
        trusts = by_framework.setdefault(framework_id, set())
        if trust_id is not None:
            trusts.add(trust_id)
    return Collected(by_framework)


def dashboard_frameworks(frameworks: list[Framework], collected: Collected) -> list[Framework]:
    """The frameworks the dashboard's returns table shows: those collected from some trust
    (every active one when nothing is set up for the period)."""
    if not collected.set_up:
        return frameworks
    return [f for f in frameworks if collected.by_framework.get(f.pk)]


def dashboard_choice(lmns: Lmns, chosen: dict):
    """What the compliance dashboard shows: the quarter chosen, else the working period (else,
    with no open period, the latest quarter with returns); the framework chosen, else the one
    due among those collected; the period's collections; the frameworks its table shows."""
    frameworks = active_frameworks()
    period = chosen.get("period") or working_period(lmns)
    if period is None:
        fallback = default_framework(frameworks)
        period = default_period(lmns, fallback) if fallback is not None else None
    collected = collected_in(lmns, period) if period is not None else Collected({})
    shown = dashboard_frameworks(frameworks, collected)
    framework = chosen.get("framework") or default_framework(shown or frameworks)
    return period, framework, collected, shown
