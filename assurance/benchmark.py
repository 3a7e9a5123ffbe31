"""The assurance part of ``manage.py benchmark``: a return against every active framework for
every trust and quarter, and the compliance dashboard and return section pages.

Found by ``lmns.perf.dataset.app_builders`` and ``lmns.perf.pages.all_pages`` like ``demo.py``.
"""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse

from lmns.models import Membership, Role
from lmns.perf.dataset import AppBuilder, BenchWorld, bulk, bulk_count, percent, rng_for
from lmns.perf.pages import Page, RawSql, period_before, qn, table


def build_assurance(world: BenchWorld) -> None:
    """A return against every active framework for every trust and quarter, all answered.

    Every quarter but the latest is assured, with agreed section ratings and its transitions;
    in the latest quarter half the trusts have submitted and the rest (the measured trust
    among them) are still drafting.
    """
    from .models import (
        Answer,
        ComplianceStatus,
        Framework,
        QuarterlyReturn,
        Requirement,
        ReturnStatus,
        SectionRating,
        Transition,
    )
    from .services import derive_section_percent

    rng = rng_for("assurance")
    frameworks = list(Framework.objects.filter(active=True).order_by("pk"))
    requirements: dict[int, list] = {}
    for requirement in Requirement.objects.select_related("section").order_by("pk"):
        requirements.setdefault(requirement.section.framework_id, []).append(requirement)
    statuses = [
        ComplianceStatus.FULLY_MET,
        ComplianceStatus.FULLY_MET,
        ComplianceStatus.PARTIALLY_MET,
        ComplianceStatus.NOT_MET,
        ComplianceStatus.NOT_APPLICABLE,
    ]
    latest = world.periods[-1]
    lead_by_trust = {
        m.trust_id: m.user_id
        for m in Membership.objects.filter(role=Role.TRUST_LEAD).only("trust_id", "user_id")
    }
    team_by_lmns = {
        m.lmns_id: m.user_id
        for m in Membership.objects.filter(role=Role.PROGRAMME_TEAM).only("lmns_id", "user_id")
    }
    for period in world.periods:
        returns = []
        for trust in world.trusts:
            if period == latest:
                submitted = trust.pk % 2 == 0 and trust != world.trust
                status = ReturnStatus.SUBMITTED if submitted else ReturnStatus.DRAFT
            else:
                status = ReturnStatus.ASSURED
            for framework in frameworks:
                returns.append(
                    QuarterlyReturn(
                        trust=trust,
                        framework=framework,
                        period=period,
                        status=status,
                        version=1 if status == ReturnStatus.DRAFT else 3,
                        updated_by_id=lead_by_trust.get(trust.pk),
                    )
                )
        returns = bulk(QuarterlyReturn, returns, world.counts)
        answers, ratings, transitions = [], [], []
        for quarterly_return in returns:
            framework = quarterly_return.framework
            by_section: dict[int, list] = {}
            for requirement in requirements.get(framework.pk, []):
                status = rng.choice(statuses)
                answer = Answer(
                    quarterly_return=quarterly_return,
                    requirement=requirement,
                    status=status,
                    percent=percent(rng)
                    if framework.reports_percent and status != ComplianceStatus.NOT_APPLICABLE
                    else None,
                    narrative="Evidence reviewed at the maternity governance meeting.",
                    updated_by_id=quarterly_return.updated_by_id,
                )
                answers.append(answer)
                by_section.setdefault(requirement.section_id, []).append(answer)
            assured = quarterly_return.status == ReturnStatus.ASSURED
            for section_id, section_answers in by_section.items():
                derived = derive_section_percent(section_answers)
                ratings.append(
                    SectionRating(
                        quarterly_return=quarterly_return,
                        section_id=section_id,
                        derived_percent=derived,
                        agreed_percent=derived if assured else None,
                    )
                )
            if quarterly_return.status != ReturnStatus.DRAFT:
                transitions.append(
                    Transition(
                        quarterly_return=quarterly_return,
                        from_status=ReturnStatus.DRAFT,
                        to_status=ReturnStatus.SUBMITTED,
                        by_id=quarterly_return.updated_by_id,
                    )
                )
            if assured:
                transitions.append(
                    Transition(
                        quarterly_return=quarterly_return,
                        from_status=ReturnStatus.SUBMITTED,
                        to_status=ReturnStatus.ASSURED,
                        by_id=team_by_lmns.get(quarterly_return.trust.lmns_id),
                    )
                )
        bulk_count(Answer, answers, world.counts)
        bulk_count(SectionRating, ratings, world.counts)
        bulk_count(Transition, transitions, world.counts)


def measured_return(w: BenchWorld):
    """The measured trust's draft return in the latest quarter, against Ockenden interim."""
    from .models import QuarterlyReturn

    return (
        QuarterlyReturn.objects.filter(
            trust=w.trust, period=w.period, framework__reports_percent=True
        )
        .order_by("framework__published", "pk")
        .first()
    )


def _measured_section(w: BenchWorld):
    """The section of the measured return with the most requirements."""
    from .models import Section

    quarterly_return = measured_return(w)
    if quarterly_return is None:
        raise LookupError("no return for the measured trust and quarter")
    section = (
        Section.objects.filter(framework_id=quarterly_return.framework_id)
        .annotate(n=Count("requirements"))
        .order_by("-n", "order")
        .first()
    )
    return quarterly_return, section


def _section_url(w: BenchWorld) -> str:
    quarterly_return, section = _measured_section(w)
    return reverse("assurance:section_edit", args=[quarterly_return.pk, section.pk])


def _section_sql(w: BenchWorld) -> RawSql:
    quarterly_return, section = _measured_section(w)
    return (
        f"SELECT r.code, r.text, a.status, a.percent, a.narrative, a.evidence "
        f"FROM {table('assurance.Answer')} a "
        f"JOIN {table('assurance.Requirement')} r ON r.id = a.requirement_id "
        f"WHERE a.quarterly_return_id = %s AND r.section_id = %s ORDER BY r.{qn('order')}",
        [quarterly_return.pk, section.pk],
    )


def compliance_sql(w: BenchWorld, period) -> RawSql:
    """Agreed per cent per trust and section of the LMNS, this quarter and the one before."""
    framework = measured_return(w).framework_id
    return (
        f"SELECT t.name, s.code, q.period_id, AVG(sr.agreed_percent) "
        f"FROM {table('assurance.SectionRating')} sr "
        f"JOIN {table('assurance.QuarterlyReturn')} q ON q.id = sr.quarterly_return_id "
        f"JOIN {table('lmns.Trust')} t ON t.id = q.trust_id "
        f"JOIN {table('assurance.Section')} s ON s.id = sr.section_id "
        f"WHERE t.lmns_id = %s AND q.framework_id = %s AND q.period_id IN (%s, %s) "
        f"AND q.status = 'assured' "
        f"GROUP BY t.name, s.code, q.period_id ORDER BY t.name, s.code",
        [w.lmns.pk, framework, period.pk, period_before(period).pk],
    )


BUILDERS = [
    AppBuilder(
        "assurance",
        "returns, answers, section ratings",
        ("QuarterlyReturn", "Answer", "SectionRating", "Transition"),
        build_assurance,
    )
]

PAGES = [
    Page(
        key="dashboard",
        label="LMNS compliance dashboard",
        persona="team",
        app="assurance",
        url=lambda w: reverse("assurance:dashboard", args=[w.lmns.pk]),
        raw_sql=lambda w: compliance_sql(w, w.previous_period),
    ),
    Page(
        key="return_section",
        label="Return entry (a section)",
        persona="lead",
        app="assurance",
        url=_section_url,
        raw_sql=_section_sql,
    ),
]
