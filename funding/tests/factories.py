"""Factories for funding: streams, budget lines with a profile that adds up, returns, entries."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import factory
from django.utils import timezone

from deliverables.tests.factories import DeliverableFactory, PlanFactory
from funding.models import (
    AllocationChange,
    AllocationStatus,
    BudgetLine,
    Category,
    CompletionStatus,
    FundingStream,
    SpendEntry,
    SpendReturn,
    SpendReturnTransition,
    StreamKind,
    TrustCompletion,
    TrustCompletionTransition,
)
from lmns.tests.factories import LmnsFactory, ReportingPeriodFactory, TrustFactory


class FundingStreamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingStream

    lmns = factory.SubFactory(LmnsFactory)
    start_year = 2022
    kind = StreamKind.BASELINE
    name = "Baseline funding"
    amount = Decimal("100000.00")
    date_notified = datetime.date(2022, 4, 15)


class BudgetLineFactory(factory.django.DjangoModelFactory):
    """A non-pay line with an even quarterly profile (pass ``profile=(q1, q2, q3, q4)``)."""

    class Meta:
        model = BudgetLine
        exclude = ["profile"]

    stream = factory.SubFactory(FundingStreamFactory)
    title = factory.Sequence(lambda n: f"Budget line {n}")
    deliverable = factory.SubFactory(
        DeliverableFactory,
        plan=factory.SubFactory(PlanFactory, lmns=factory.SelfAttribute("...stream.lmns")),
    )
    holder_trust = None
    category = Category.NON_PAY
    profile = (Decimal("2500"),) * 4
    approved_amount = factory.LazyAttribute(
        lambda o: sum((Decimal(p) for p in o.profile), Decimal("0"))
    )
    profile_q1 = factory.LazyAttribute(lambda o: Decimal(o.profile[0]))
    profile_q2 = factory.LazyAttribute(lambda o: Decimal(o.profile[1]))
    profile_q3 = factory.LazyAttribute(lambda o: Decimal(o.profile[2]))
    profile_q4 = factory.LazyAttribute(lambda o: Decimal(o.profile[3]))


class SpendReturnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpendReturn
        django_get_or_create = ["lmns", "period"]

    lmns = factory.SubFactory(LmnsFactory)
    period = factory.SubFactory(ReportingPeriodFactory)


class SpendEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpendEntry

    budget_line = factory.SubFactory(BudgetLineFactory)
    spend_return = factory.SubFactory(
        SpendReturnFactory, lmns=factory.SelfAttribute("..budget_line.stream.lmns")
    )
    actual = Decimal("2500")
    accruals = Decimal("0")
    commitments = Decimal("0")
    forecast_outturn = factory.LazyAttribute(lambda o: o.budget_line.approved_amount)

    class Params:
        # Entered by the LMNS programme team for the trust holding the line.
        for_trust = factory.Trait(on_behalf=True)


class AllocationChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AllocationChange

    stream = factory.SubFactory(FundingStreamFactory)
    previous_amount = factory.LazyAttribute(lambda o: o.stream.amount)
    new_amount = factory.LazyAttribute(lambda o: o.stream.amount)
    previous_status = AllocationStatus.CONFIRMED
    new_status = AllocationStatus.HELD
    reason = "Month-6 review: recruitment delayed."


class SpendReturnTransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpendReturnTransition

    spend_return = factory.SubFactory(SpendReturnFactory)
    from_status = "draft"
    to_status = "submitted"


class TrustCompletionFactory(factory.django.DjangoModelFactory):
    """A holding trust's lines of one quarter's return; ``complete=True`` for marked complete."""

    class Meta:
        model = TrustCompletion
        django_get_or_create = ["spend_return", "trust"]

    spend_return = factory.SubFactory(SpendReturnFactory)
    trust = factory.SubFactory(TrustFactory, lmns=factory.SelfAttribute("..spend_return.lmns"))

    class Params:
        complete = factory.Trait(
            status=CompletionStatus.COMPLETE, completed_at=factory.LazyFunction(timezone.now)
        )


class TrustCompletionTransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrustCompletionTransition

    completion = factory.SubFactory(TrustCompletionFactory)
    from_status = CompletionStatus.OPEN
    to_status = CompletionStatus.COMPLETE


def every_holder_complete(spend_return: SpendReturn) -> list[TrustCompletion]:
    """Mark the lines of every trust holding a line of the return's year complete."""
    holders = {
        line.holder_trust
        for line in BudgetLine.objects.filter(
            stream__lmns=spend_return.lmns,
            stream__start_year=spend_return.period.start_year,
            holder_trust__isnull=False,
        ).select_related("holder_trust")
    }
    return [
        TrustCompletionFactory(spend_return=spend_return, trust=trust, complete=True)
        for trust in sorted(holders, key=lambda trust: trust.name)
    ]


@dataclass
class Funded:
    stream: FundingStream
    central: BudgetLine
    nuh_line: BudgetLine
    sfh_line: BudgetLine
    other_line: BudgetLine


def make_funded(world) -> Funded:
    """Create once per world (the access matrix builds URLs from the world alone)."""
    if getattr(world, "_funded", None):
        return world._funded
    stream = FundingStreamFactory(
        lmns=world.lmns, start_year=2022, amount=Decimal("100000"), name="Baseline funding"
    )
    deliverable = DeliverableFactory(plan=PlanFactory(lmns=world.lmns), title="Continuity of carer")
    central = BudgetLineFactory(
        stream=stream, deliverable=deliverable, title="LMS dashboard", profile=(10000,) * 4
    )
    nuh = BudgetLineFactory(
        stream=stream,
        deliverable=deliverable,
        holder_trust=world.trust,
        title="NUH project manager",
        profile=(5000,) * 4,
    )
    sfh = BudgetLineFactory(
        stream=stream,
        deliverable=deliverable,
        holder_trust=world.sibling_trust,
        title="SFH project manager",
        profile=(5000,) * 4,
    )
    other_stream = FundingStreamFactory(lmns=world.other_lmns, start_year=2022)
    other = BudgetLineFactory(
        stream=other_stream, holder_trust=world.other_trust, title="JPUH line"
    )
    world._funded = Funded(stream, central, nuh, sfh, other)
    return world._funded
