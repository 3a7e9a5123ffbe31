"""factory-boy factories for plans, deliverables, updates, governance steps and risks; a
deliverable's trajectory is a quality ambition (``with_trajectory``)."""

import datetime

import factory

from deliverables.models import (
    Deliverable,
    DeliverableUpdate,
    GovernanceStep,
    Mitigation,
    Plan,
    Risk,
    RiskScore,
    Workstream,
)
from lmns.models import RagStatus
from lmns.tests.factories import LmnsFactory, ReportingPeriodFactory
from quality.models import Ambition
from quality.tests.factories import AmbitionFactory


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    lmns = factory.SubFactory(LmnsFactory)
    title = factory.Sequence(lambda n: f"Plan {n}")
    period_start = datetime.date(2022, 4, 1)
    period_end = datetime.date(2023, 3, 31)


class WorkstreamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workstream

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Workstream {n}")


class DeliverableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deliverable
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Deliverable {n}")
    owner_name = "Director of Midwifery"

    @factory.post_generation
    def trusts(self, create, extracted, **kwargs):
        if create and extracted:
            self.trusts.set(extracted)


class DeliverableUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliverableUpdate

    deliverable = factory.SubFactory(DeliverableFactory)
    period = factory.SubFactory(ReportingPeriodFactory)
    status = RagStatus.ON_TRACK
    narrative = "Progressing as planned."


class GovernanceStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GovernanceStep

    plan = factory.SubFactory(PlanFactory)
    level = factory.Sequence(lambda n: n + 1)
    group = factory.Sequence(lambda n: f"Governance group {n}")


def with_trajectory(deliverable: Deliverable | None = None, **kwargs) -> Ambition:
    """A deliverable's measurable target: a plan's ambition for the plan's LMNS (or trust)."""
    deliverable = deliverable or DeliverableFactory()
    plan = deliverable.plan
    ambition = AmbitionFactory(lmns=plan.lmns, trust=plan.trust, **kwargs)
    deliverable.ambition = ambition
    deliverable.save(update_fields=["ambition"])
    return ambition


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risk

    lmns = factory.SubFactory(LmnsFactory)
    title = factory.Sequence(lambda n: f"Risk {n}")
    description = "Something may go wrong."
    owner_name = "LMNS SRO"
    likelihood = 3
    impact = 4
    review_date = datetime.date(2030, 1, 1)


class RiskScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskScore

    risk = factory.SubFactory(RiskFactory)
    likelihood = factory.SelfAttribute("risk.likelihood")
    impact = factory.SelfAttribute("risk.impact")


class MitigationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mitigation

    risk = factory.SubFactory(RiskFactory)
    action = "Appoint an interim lead."
    owner_name = "Programme manager"
