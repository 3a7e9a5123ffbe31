"""factory-boy factories for plans, deliverables, updates, trajectories and risks."""

import datetime

import factory

from deliverables.models import (
    Deliverable,
    DeliverableUpdate,
    Mitigation,
    Plan,
    Risk,
    RiskScore,
    Trajectory,
    TrajectoryActual,
    TrajectoryTarget,
    Workstream,
)
from lmns.models import RagStatus
from lmns.tests.factories import LmnsFactory, ReportingPeriodFactory


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


class TrajectoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trajectory

    deliverable = factory.SubFactory(DeliverableFactory)
    metric = "Women placed on a continuity of carer pathway"
    unit = "%"


class TrajectoryTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrajectoryTarget

    trajectory = factory.SubFactory(TrajectoryFactory)
    due = datetime.date(2021, 3, 31)
    value = 51


class TrajectoryActualFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrajectoryActual

    trajectory = factory.SubFactory(TrajectoryFactory)
    period = factory.SubFactory(ReportingPeriodFactory)
    value = 20


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
