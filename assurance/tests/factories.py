"""factory-boy factories for assurance frameworks and returns.

``QuarterlyReturnFactory`` creates a return with a blank answer for every requirement and a
rating row for every section, as :func:`assurance.services.start_return` does. Use
``framework_with(sections=8, requirements=3)`` for a framework of a given shape and
``fill_answers(ret, status=...)`` to answer every requirement completely. A return made in a
state past submitting carries the sign-off declaration; ``DECLARATION`` is what tests submit
with (``DECLARATION_POST`` as the submit page posts it).
"""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from assurance.models import (
    Action,
    ActionClosure,
    Answer,
    AnswerLink,
    ChangeRequest,
    ChangeRequestEntry,
    Collection,
    ComplianceStatus,
    EvidenceFile,
    EvidenceVerdict,
    Framework,
    QuarterlyReturn,
    RequestStatus,
    Requirement,
    RequirementMapping,
    ReturnStatus,
    Section,
    SectionRating,
    Transition,
    VerdictChoice,
)
from assurance.services import Declaration
from lmns.tests.factories import (
    LmnsFactory,
    ReportingPeriodFactory,
    TrustFactory,
    UserFactory,
)


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework

    name = factory.Sequence(lambda n: f"Test framework {n}")
    short_name = factory.Sequence(lambda n: f"TF{n}")
    version = "1"
    published = datetime.date(2020, 12, 10)
    active = True
    reports_percent = False


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    framework = factory.SubFactory(FrameworkFactory)
    code = factory.Sequence(lambda n: f"S{n}")
    title = factory.Sequence(lambda n: f"Section title {n}")
    order = factory.Sequence(lambda n: n)


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Requirement

    section = factory.SubFactory(SectionFactory)
    code = factory.Sequence(lambda n: f"R{n}")
    text = factory.Sequence(lambda n: f"Requirement text {n}")
    order = factory.Sequence(lambda n: n)


def framework_with(sections: int = 3, requirements: int = 2, **kwargs) -> Framework:
    """A framework with ``sections`` sections (IEA1, IEA2, ...) of ``requirements`` each."""
    framework = FrameworkFactory(**kwargs)
    for s in range(1, sections + 1):
        section = SectionFactory(
            framework=framework, code=f"IEA{s}", title=f"Immediate action {s}", order=s
        )
        for r in range(1, requirements + 1):
            RequirementFactory(section=section, code=f"IEA{s}.{r}", text=f"Action {s}.{r}", order=r)
    return framework


class CollectionFactory(factory.django.DjangoModelFactory):
    """What an LMNS collects in a period: ``trusts=[...]`` names the trusts asked (default:
    every trust of the LMNS); the deadline defaults to the period's submission deadline."""

    class Meta:
        model = Collection
        skip_postgeneration_save = True

    lmns = factory.SubFactory(LmnsFactory)
    period = factory.SubFactory(ReportingPeriodFactory)
    framework = factory.LazyFunction(lambda: framework_with(sections=2, requirements=2))

    @factory.post_generation
    def trusts(obj, create, extracted, **kwargs):
        if not create:
            return
        obj.trusts.set(obj.lmns.trusts.all() if extracted is None else extracted)


DECLARATION = Declaration(
    name="Jo Bright", role="Director of Midwifery", signed_off_on=datetime.date(2022, 7, 15)
)
DECLARATION_POST = {
    "signed_off_name": DECLARATION.name,
    "signed_off_role": DECLARATION.role,
    "signed_off_on": DECLARATION.signed_off_on.isoformat(),
    "confirm": "on",
}
NOT_YET_SUBMITTED = (ReturnStatus.DRAFT, ReturnStatus.DISCARDED)


def _declared(value):
    """The declaration's value for a return made past submitting; blank before."""
    return factory.LazyAttribute(lambda o: "" if o.status in NOT_YET_SUBMITTED else value)


class QuarterlyReturnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuarterlyReturn
        skip_postgeneration_save = True

    trust = factory.SubFactory(TrustFactory)
    framework = factory.LazyFunction(lambda: framework_with(sections=2, requirements=2))
    period = factory.SubFactory(ReportingPeriodFactory)
    status = ReturnStatus.DRAFT
    signed_off_name = _declared(DECLARATION.name)
    signed_off_role = _declared(DECLARATION.role)
    signed_off_on = factory.LazyAttribute(
        lambda o: None if o.status in NOT_YET_SUBMITTED else DECLARATION.signed_off_on
    )

    @factory.post_generation
    def with_answers(obj, create, extracted, **kwargs):
        """Blank answers and ratings for every requirement and section (pass False to skip)."""
        if not create or extracted is False:
            return
        requirements = Requirement.objects.filter(section__framework=obj.framework)
        bulk_create_with_history(
            [Answer(quarterly_return=obj, requirement=r) for r in requirements], Answer
        )
        bulk_create_with_history(
            [SectionRating(quarterly_return=obj, section=s) for s in obj.framework.sections.all()],
            SectionRating,
        )


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    quarterly_return = factory.SubFactory(QuarterlyReturnFactory, with_answers=False)
    requirement = factory.SubFactory(RequirementFactory)
    status = ComplianceStatus.FULLY_MET


class ActionFactory(factory.django.DjangoModelFactory):
    """An open action raised on an answer (by default a new return's); traits ``closed``
    (evidence accepted) and ``not_needed`` (closed with a reason)."""

    class Meta:
        model = Action

    raised_on = factory.SubFactory(AnswerFactory, status=ComplianceStatus.PARTIALLY_MET)
    trust = factory.LazyAttribute(lambda o: o.raised_on.quarterly_return.trust)
    requirement = factory.LazyAttribute(lambda o: o.raised_on.requirement)
    what = "Complete the audit cycle"
    owner = "Director of Midwifery"
    due = datetime.date(2022, 9, 30)

    class Params:
        closed = factory.Trait(closure=ActionClosure.ACCEPTED, delivery="evidenced")
        not_needed = factory.Trait(
            closure=ActionClosure.NOT_NEEDED, closure_reason="Superseded by the new pathway."
        )


class SectionRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SectionRating

    quarterly_return = factory.SubFactory(QuarterlyReturnFactory, with_answers=False)
    section = factory.SubFactory(SectionFactory)
    derived_percent = Decimal("100.0")
    agreed_percent = factory.LazyAttribute(lambda o: o.derived_percent)


class TransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transition

    class Params:
        assured = factory.Trait(
            from_status=ReturnStatus.UNDER_REVIEW, to_status=ReturnStatus.ASSURED
        )

    quarterly_return = factory.SubFactory(QuarterlyReturnFactory)
    from_status = ReturnStatus.DRAFT
    to_status = ReturnStatus.SUBMITTED
    by = factory.SubFactory(UserFactory)
    comment = ""


class EvidenceFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvidenceFile

    answer = factory.SubFactory(AnswerFactory)
    file = factory.django.FileField(filename="audit.pdf", data=b"%PDF-1.7\n% test evidence\n")
    original_name = "audit.pdf"
    content_type = "application/pdf"
    size = factory.LazyAttribute(lambda o: o.file.size)
    uploaded_by = factory.SubFactory(UserFactory)
    effective_date = datetime.date(2022, 6, 30)
    effective_date_stated = True

    class Params:
        undated = factory.Trait(effective_date_stated=False)


class RequirementMappingFactory(factory.django.DjangoModelFactory):
    """A cross-reference between requirements of two new frameworks, citing its source."""

    class Meta:
        model = RequirementMapping

    requirement = factory.SubFactory(RequirementFactory)
    related = factory.SubFactory(RequirementFactory)
    source_document = "Test cross-reference of the two frameworks (2024)"
    source_location = "Table 1, row 1"


class AnswerLinkFactory(factory.django.DjangoModelFactory):
    """A file linked to count toward another answer too; pass ``action=`` (and
    ``evidence=None``) for an action. Trait ``removed``. A raw row: nothing checks that the file
    is the answer's trust's, on a mapped requirement, as ``services.link_to_answer`` does; pass
    a consistent pair when that matters."""

    class Meta:
        model = AnswerLink

    answer = factory.SubFactory(AnswerFactory)
    evidence = factory.SubFactory(EvidenceFileFactory)
    linked_by = factory.SubFactory(UserFactory)

    class Params:
        removed = factory.Trait(removed_at=factory.LazyFunction(timezone.now))


class EvidenceVerdictFactory(factory.django.DjangoModelFactory):
    """A verdict on an answer's evidence. Pass ``files=[...]`` to name the files judged."""

    class Meta:
        model = EvidenceVerdict
        skip_postgeneration_save = True

    class Params:
        insufficient = factory.Trait(
            verdict=VerdictChoice.INSUFFICIENT, reason="The audit is last year's."
        )

    answer = factory.SubFactory(AnswerFactory)
    verdict = VerdictChoice.SUFFICIENT
    reason = ""
    judged_by = factory.SubFactory(UserFactory)
    judged_at = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))

    @factory.post_generation
    def files(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.files.set(extracted)


class ChangeRequestFactory(factory.django.DjangoModelFactory):
    """A change request, raised with the first entry of its thread (as ``raise_request`` does).

    Traits: ``general`` (on the whole return), ``addressed``, ``closed``.
    """

    class Meta:
        model = ChangeRequest
        skip_postgeneration_save = True

    class Params:
        general = factory.Trait(requirement=None)
        addressed = factory.Trait(status=RequestStatus.ADDRESSED)
        closed = factory.Trait(status=RequestStatus.CLOSED)

    quarterly_return = factory.SubFactory(QuarterlyReturnFactory, status=ReturnStatus.UNDER_REVIEW)
    requirement = factory.LazyAttribute(
        lambda o: Requirement.objects.filter(
            section__framework_id=o.quarterly_return.framework_id
        ).first()
    )
    text = "Attach the training audit for this quarter."
    status = RequestStatus.OPEN
    raised_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def with_thread(obj, create, extracted, **kwargs):
        """The entry raising it (pass False to skip)."""
        if create and extracted is not False:
            ChangeRequestEntry.objects.create(
                change_request=obj,
                from_status="",
                to_status=RequestStatus.OPEN,
                by=obj.raised_by,
                comment=obj.text,
            )


class ChangeRequestEntryFactory(factory.django.DjangoModelFactory):
    """A reply in a request's thread (status unchanged)."""

    class Meta:
        model = ChangeRequestEntry

    change_request = factory.SubFactory(ChangeRequestFactory)
    from_status = factory.LazyAttribute(lambda o: o.change_request.status)
    to_status = factory.LazyAttribute(lambda o: o.change_request.status)
    by = factory.SubFactory(UserFactory)
    comment = "The audit is attached to IEA3.1 now."


def fill_answers(ret: QuarterlyReturn, status: str = ComplianceStatus.FULLY_MET, **fields) -> None:
    """Answer every requirement of ``ret`` completely with ``status`` (and recompute ratings)."""
    from assurance.services import recompute_ratings

    values = {
        "status": status,
        "narrative": "Audit completed and reviewed at the safety champions' meeting.",
        "evidence": "Audit report, Q1 board paper",
    }
    values.update(fields)
    ret.answers.update(**values)
    if status in (ComplianceStatus.PARTIALLY_MET, ComplianceStatus.NOT_MET):
        for answer in ret.answers.all():
            ActionFactory(raised_on=answer)
    recompute_ratings(ret)


def assured_return(
    trust, period, framework: Framework, percents: dict[str, Decimal | int | None]
) -> QuarterlyReturn:
    """An assured return whose sections' derived and agreed per cent are ``percents`` by code.

    For dashboard and board tests that only read ``SectionRating``; sections not named are left
    unrated (None).
    """
    ret = QuarterlyReturnFactory(
        trust=trust, period=period, framework=framework, status=ReturnStatus.ASSURED
    )
    ratings = list(ret.section_ratings.select_related("section"))
    for rating in ratings:
        value = percents.get(rating.section.code)
        rating.derived_percent = rating.agreed_percent = (
            None if value is None else Decimal(value).quantize(Decimal("0.1"))
        )
    SectionRating.objects.bulk_update(ratings, ["derived_percent", "agreed_percent"])
    return ret


# -- returns with agreed figures, for the dashboard, trends, imports and the board pack -----------
def ockenden_interim() -> Framework:
    """The shipped Ockenden interim framework (reference data, migration 0002)."""
    return Framework.objects.get(short_name="Ockenden interim", version="2020")


def rated_return(trust, period, figures: dict[str, object], status=ReturnStatus.ASSURED, **kw):
    """A return with one rating per section code in ``figures`` (derived = agreed)."""
    if "framework" not in kw:
        kw["framework"] = ockenden_interim()
    quarterly_return = QuarterlyReturnFactory(
        trust=trust, period=period, status=status, with_answers=False, **kw
    )
    sections = {s.code: s for s in quarterly_return.framework.sections.all()}
    for code, figure in figures.items():
        value = None if figure is None else Decimal(str(figure))
        SectionRatingFactory(
            quarterly_return=quarterly_return,
            section=sections[code],
            derived_percent=value,
            agreed_percent=value,
        )
    return quarterly_return


def large_lmns(lmns, end_period, trusts: int = 40, quarters: int = 8):
    """``trusts`` trusts × every Ockenden interim section × ``quarters`` assured quarters up to
    ``end_period``, written with bulk inserts. Figures vary by trust, section and quarter."""
    from lmns.models import ReportingPeriod

    framework = ockenden_interim()
    sections = list(framework.sections.all())
    new_trusts = [TrustFactory.build(lmns=lmns) for _ in range(trusts)]
    for trust in new_trusts:
        trust.save()
    year, quarter = end_period.start_year, end_period.quarter
    periods = []
    for _ in range(quarters):
        periods.append(ReportingPeriod.objects.get_or_create(start_year=year, quarter=quarter)[0])
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    returns = QuarterlyReturn.objects.bulk_create(
        QuarterlyReturn(trust=t, framework=framework, period=p, status=ReturnStatus.ASSURED)
        for t in new_trusts
        for p in periods
    )
    ratings = []
    for n, quarterly_return in enumerate(returns):
        for s, section in enumerate(sections):
            value = Decimal((n * 7 + s * 13) % 101)
            ratings.append(
                SectionRating(
                    quarterly_return=quarterly_return,
                    section=section,
                    derived_percent=value,
                    agreed_percent=value,
                )
            )
    SectionRating.objects.bulk_create(ratings)
    return new_trusts, periods


def declaration_for(action: str) -> Declaration | None:
    """What a test taking ``action`` on a return declares: the sign-off when submitting."""
    return DECLARATION if action == "submit" else None
