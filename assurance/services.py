"""Business rules of assurance returns."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from lmns.access import Access
from lmns.audit import save_with_links
from lmns.models import ReportingPeriod, Trust
from lmns.workflow import (
    Refusal,
    StaleRecord,
    Step,
    Workflow,
    bump_version,
    changed_values,
    record_history,
    unsaved_fields,
)

from .models import Action as ActionRecord
from .models import (
    ActionClosure,
    ActionDelivery,
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
    RequestAction,
    RequestStatus,
    Requirement,
    RequirementMapping,
    ReturnStatus,
    Section,
    SectionRating,
    Transition,
    VerdictChoice,
)

STATUS_SCORES = {
    ComplianceStatus.FULLY_MET: Decimal("100"),
    ComplianceStatus.PARTIALLY_MET: Decimal("50"),
    ComplianceStatus.NOT_MET: Decimal("0"),
}


def derive_section_percent(answers: Iterable) -> Decimal | None:
    """A section's compliance per cent, derived from its answers.

    Each answered requirement scores its entered per cent if one was given, otherwise fully met
    100, partially met 50 and not met 0. Not applicable and unanswered requirements are left
    out. The section's figure is the mean score, rounded half up to one decimal place; with no
    scored requirement it is None (not assessed).
    """
    scores = []
    for answer in answers:
        if answer.status in ("", None, ComplianceStatus.NOT_APPLICABLE):
            continue
        score = answer.percent if answer.percent is not None else STATUS_SCORES[answer.status]
        scores.append(Decimal(score))
    if not scores:
        return None
    mean = sum(scores) / len(scores)
    return mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# -- starting a return -----------------------------------------------------------------------


class ReturnError(Refusal):
    """A request the rules refuse; the message is shown to the person as it is."""


class IncompleteReturn(ReturnError):
    """Submission refused: ``missing`` lists exactly what is still to be filled in."""

    def __init__(self, missing: list["MissingItem"]):
        self.missing = missing
        super().__init__(
            f"This return cannot be submitted yet: {len(missing)} "
            f"item{'s' if len(missing) != 1 else ''} still to complete."
        )


EDITABLE_STATUSES = (ReturnStatus.DRAFT, ReturnStatus.RETURNED)


def start_return(
    *, trust: Trust, framework: Framework, period: ReportingPeriod, user
) -> QuarterlyReturn:
    """Create a trust's return with a blank answer per requirement and a rating per section."""
    if not period.is_open:
        raise ReturnError(f"{period} is closed for returns.")
    if not framework.active:
        raise ReturnError(f"{framework} is no longer used for new returns.")
    duplicate = (
        f"{trust.short_name} already has a {framework.short_name} return for {period}. "
        "Open it from the list below."
    )
    if QuarterlyReturn.objects.filter(trust=trust, framework=framework, period=period).exists():
        raise ReturnError(duplicate)
    try:
        with transaction.atomic():
            ret = QuarterlyReturn.objects.create(
                trust=trust, framework=framework, period=period, updated_by=user
            )
            requirements = Requirement.objects.filter(section__framework=framework)
            bulk_create_with_history(
                [Answer(quarterly_return=ret, requirement=r) for r in requirements],
                Answer,
                default_user=user,
            )
            bulk_create_with_history(
                [SectionRating(quarterly_return=ret, section=s) for s in framework.sections.all()],
                SectionRating,
                default_user=user,
            )
    except IntegrityError as error:
        raise ReturnError(duplicate) from error
    return ret


# -- derived figures -------------------------------------------------------------------------


def recompute_ratings(ret: QuarterlyReturn) -> None:
    """Write every section's derived per cent from its answers: two reads, one bulk write."""
    by_section: dict[int, list] = defaultdict(list)
    for answer in (
        Answer.objects.filter(quarterly_return=ret)
        .only("status", "percent", "requirement__section_id")
        .select_related("requirement")
    ):
        by_section[answer.requirement.section_id].append(answer)
    ratings = list(SectionRating.objects.filter(quarterly_return=ret))
    changed = []
    for rating in ratings:
        derived = derive_section_percent(by_section.get(rating.section_id, []))
        if rating.derived_percent != derived:
            rating.derived_percent = derived
            changed.append(rating)
    if changed:
        bulk_update_with_history(changed, SectionRating, ["derived_percent"])


# -- what is missing -------------------------------------------------------------------------


@dataclass(frozen=True)
class MissingItem:
    section: Section
    requirement: Requirement
    problems: tuple[str, ...]


NEEDS_ACTION = (ComplianceStatus.PARTIALLY_MET, ComplianceStatus.NOT_MET)


def answer_problems(answer: Answer) -> tuple[str, ...]:
    """What one answer still needs before the return can be submitted, in words."""
    if not answer.status:
        return ("choose a status",)
    problems = []
    if answer.status in NEEDS_ACTION:
        if not answer.narrative.strip():
            problems.append("add a narrative")
        if not getattr(answer, "has_action", False):
            problems.append("add an action to reach full compliance")
    if answer.percent is not None and not 0 <= answer.percent <= 100:
        problems.append("give a per cent between 0 and 100")
    return tuple(problems)


def missing_items(answers: Iterable[Answer]) -> list[MissingItem]:
    """Everything still to complete, in section and requirement order.

    ``answers`` must have ``requirement__section`` loaded (see :func:`answers_for_return`).
    """
    missing = []
    for answer in answers:
        problems = answer_problems(answer)
        if problems:
            requirement = answer.requirement
            missing.append(MissingItem(requirement.section, requirement, problems))
    return missing


def answers_for_return(ret: QuarterlyReturn) -> list[Answer]:
    """The return's answers in order, each with ``has_action``: an open action of the trust for
    its requirement, or one raised on the answer itself (closed or not), exists, or the lead
    linked an open action of a mapped requirement to count toward it."""
    actions = ActionRecord.objects.filter(requirement=models.OuterRef("requirement")).filter(
        models.Q(trust_id=ret.trust_id, closure="") | models.Q(raised_on=models.OuterRef("pk"))
    )
    linked = AnswerLink.objects.filter(
        answer=models.OuterRef("pk"), removed_at__isnull=True, action__closure=""
    )
    return list(
        Answer.objects.filter(quarterly_return=ret)
        .annotate(has_action=models.Exists(actions) | models.Exists(linked))
        .select_related("requirement__section")
        .order_by("requirement__section__order", "requirement__order", "requirement__code")
    )


# -- saving a section ------------------------------------------------------------------------

ANSWER_FIELDS = [
    "status",
    "percent",
    "narrative",
    "evidence",
]


@dataclass(frozen=True)
class UploadedEvidence:
    answer: Answer
    upload: UploadedFile
    content_type: str
    # The uploader confirmed the file holds no patient-identifiable information.
    no_patient_data: bool = False
    # The date the evidence speaks for; none given, the upload date stands in ("not stated").
    effective_date: datetime.date | None = None


def save_section(
    *,
    ret: QuarterlyReturn,
    answers: list[Answer],
    values: list[dict],
    uploads: list[UploadedEvidence],
    user,
    expected_version: int,
) -> bool:
    """Save a section's answers as a draft, however incomplete, and refresh derived figures.

    ``values`` holds one dict of entered fields per answer; a field left out keeps its value.
    Returns whether anything was written: a section saved unchanged, with no new file, writes
    nothing (no new version, no history). Refused with :class:`lmns.workflow.StaleRecord` if
    the return was saved or moved on since the person opened the page (their
    ``expected_version``); nothing is written then.
    """
    if ret.status not in EDITABLE_STATUSES:
        raise ReturnError(
            f"This return is {ret.get_status_display().lower()}; it cannot be edited."
        )
    entered_values = [
        (answer, {f: entered.get(f, getattr(answer, f)) for f in ANSWER_FIELDS})
        for answer, entered in zip(answers, values, strict=True)
    ]
    if any(not item.no_patient_data for item in uploads):
        raise ReturnError(
            "Confirm that each file holds no patient-identifiable information before uploading it."
        )
    pending = [(answer, data) for answer, data in entered_values if changed_values(answer, data)]
    if not pending and not uploads:
        return False
    with transaction.atomic():
        bump_version(ret, expected_version, updated_by=user, updated_at=timezone.now())
        changed = []
        for answer, data in pending:
            for field_name, value in data.items():
                setattr(answer, field_name, value)
            answer.updated_by = user
            answer.updated_at = timezone.now()
            changed.append(answer)
        if changed:
            bulk_update_with_history(
                changed, Answer, [*ANSWER_FIELDS, "updated_by", "updated_at"], default_user=user
            )
        for item in uploads:
            EvidenceFile.objects.create(
                answer=item.answer,
                file=item.upload,
                original_name=item.upload.name,
                content_type=item.content_type,
                size=item.upload.size,
                uploaded_by=user,
                no_patient_data_confirmed=item.no_patient_data,
                effective_date=item.effective_date or timezone.localdate(),
                effective_date_stated=item.effective_date is not None,
            )
        unjudge(answers=[item.answer for item in uploads], user=user)
        record_history(ret, user)
        recompute_ratings(ret)
    return True


@transaction.atomic
def withdraw_evidence(*, evidence: EvidenceFile, user) -> None:
    """Take a file out of a draft's evidence; the file and the record are kept for the audit."""
    ret = evidence.answer.quarterly_return
    if ret.status not in EDITABLE_STATUSES:
        raise ReturnError(
            "Evidence cannot be removed from a return that has been submitted or assured."
        )
    if evidence.is_withdrawn:
        raise ReturnError("This file was already withdrawn.")
    evidence.withdrawn_at = timezone.now()
    evidence.withdrawn_by = user
    evidence.save(update_fields=["withdrawn_at", "withdrawn_by"])
    unjudge(answers=[evidence.answer], user=user)


# -- the workflow ----------------------------------------------------------------------------


class Action(models.TextChoices):
    SUBMIT = "submit", "Submit to the LMNS"
    START_REVIEW = "start_review", "Start review"
    ASSURE = "assure", "Assure"
    SEND_BACK = "send_back", "Return to the trust"
    REOPEN = "reopen", "Reopen"
    DISCARD = "discard", "Discard this draft"


def may_enter_for_trust(access: Access, ret: QuarterlyReturn) -> bool:
    """The trust's own leads submit its returns."""
    return access.can_edit_trust(ret.trust)


def may_review(access: Access, ret: QuarterlyReturn) -> bool:
    """The LMNS programme team reviews, returns, assures and reopens."""
    return access.can_manage_lmns(ret.trust.lmns_id)


def never_submitted(ret: QuarterlyReturn) -> bool:
    return not ret.transitions.exists()


def may_discard(access: Access, ret: QuarterlyReturn) -> bool:
    """The trust's own leads discard a draft that has never been submitted."""
    return may_enter_for_trust(access, ret) and never_submitted(ret)


TRUST_LEADS_ONLY = "Only the trust's leads submit its returns."
TEAM_ONLY = "Only the LMNS programme team reviews and signs off returns."


def _step(
    action: Action, from_statuses, to_status, may, refused, comment_label="", blocked=None
) -> Step:
    return Step(
        action.value,
        action.label,
        tuple(from_statuses),
        to_status,
        may,
        refused,
        comment_label,
        blocked,
    )


IN_REVIEW = (ReturnStatus.SUBMITTED, ReturnStatus.UNDER_REVIEW)


def _requests(ret: QuarterlyReturn, statuses) -> int:
    return ChangeRequest.objects.filter(quarterly_return=ret, status__in=statuses).count()


def no_open_request(ret: QuarterlyReturn) -> str | None:
    """Sending back says what to change: at least one change request must be open."""
    if _requests(ret, [RequestStatus.OPEN]):
        return None
    return (
        "Raise at least one change request (on a requirement or on the whole return) before "
        "sending the return back, so the trust knows what to change."
    )


def requests_still_open(ret: QuarterlyReturn) -> str | None:
    """Assuring needs every change request accepted and closed."""
    count = _requests(ret, [RequestStatus.OPEN, RequestStatus.ADDRESSED])
    if not count:
        return None
    return (
        f"This return cannot be assured while {count} change request"
        f"{'s are' if count != 1 else ' is'} still open: accept and close "
        f"{'each' if count != 1 else 'it'} first, or send the return back."
    )


RETURN_WORKFLOW = Workflow(
    name="return",
    noun="return",
    transition_model=Transition,
    record_field="quarterly_return",
    steps=(
        _step(
            Action.SUBMIT,
            EDITABLE_STATUSES,
            ReturnStatus.SUBMITTED,
            may_enter_for_trust,
            TRUST_LEADS_ONLY,
        ),
        _step(
            Action.START_REVIEW,
            [ReturnStatus.SUBMITTED],
            ReturnStatus.UNDER_REVIEW,
            may_review,
            TEAM_ONLY,
        ),
        # Assuring or sending back a submitted return opens its review on the way.
        _step(
            Action.ASSURE,
            IN_REVIEW,
            ReturnStatus.ASSURED,
            may_review,
            TEAM_ONLY,
            blocked=requests_still_open,
        ),
        _step(
            Action.SEND_BACK,
            IN_REVIEW,
            ReturnStatus.RETURNED,
            may_review,
            TEAM_ONLY,
            blocked=no_open_request,
        ),
        _step(
            Action.REOPEN,
            [ReturnStatus.ASSURED],
            ReturnStatus.UNDER_REVIEW,
            may_review,
            TEAM_ONLY,
            comment_label="Why the assured return is being reopened",
        ),
        # Kept, with its history; it leaves the lists (QuarterlyReturn.objects).
        _step(
            Action.DISCARD,
            [ReturnStatus.DRAFT],
            ReturnStatus.DISCARDED,
            may_discard,
            "Only the trust's leads discard its drafts, and only one never submitted.",
        ),
    ),
)


def available_actions(access: Access, ret: QuarterlyReturn) -> list[Action]:
    """The steps offered as buttons. Opening a review is implied by the team's first
    request, verdict, send-back or assurance, so it is not offered on its own."""
    return [
        Action(step.action)
        for step in RETURN_WORKFLOW.available(access, ret)
        if step.action != Action.START_REVIEW
    ]


def can_edit_answers(access: Access, ret: QuarterlyReturn) -> bool:
    return ret.status in EDITABLE_STATUSES and access.can_edit_trust(ret.trust)


@dataclass(frozen=True)
class Declaration:
    """Who signed the return off at the trust, as the lead declares it on submitting."""

    name: str
    role: str
    signed_off_on: datetime.date | None

    def problems(self) -> list[str]:
        """What the declaration still needs, in words (empty when it is complete)."""
        problems = []
        if not self.name.strip():
            problems.append("the name of the person who signed the return off at the trust")
        if not self.role.strip():
            problems.append("their role")
        if self.signed_off_on is None:
            problems.append("the date they signed it off")
        elif self.signed_off_on > timezone.localdate():
            problems.append("a sign-off date that is not in the future")
        return problems

    def fields(self, user) -> dict:
        return {
            "signed_off_name": self.name.strip(),
            "signed_off_role": self.role.strip(),
            "signed_off_on": self.signed_off_on,
            "declared_by": user,
        }


def declaration_refused(declaration: Declaration | None) -> str | None:
    """Why a return cannot be submitted with ``declaration``; ``None`` when it can."""
    if declaration is None:
        return (
            "Before submitting, confirm the declaration: name who signed the return off at the "
            "trust, their role and the date."
        )
    if problems := declaration.problems():
        return "Before submitting, complete the declaration: give " + "; ".join(problems) + "."
    return None


def take_action(
    *,
    ret: QuarterlyReturn,
    action: str,
    user,
    expected_version: int,
    comment: str = "",
    agreed: dict[int, tuple[Decimal | None, str]] | None = None,
    declaration: Declaration | None = None,
) -> Transition:
    """Move a return one step of :data:`RETURN_WORKFLOW`, recording who, when and why.

    The caller has checked the role with ``RETURN_WORKFLOW.may_take``. Raises
    :class:`ReturnError` when the rules refuse (the wrong state, a missing comment, submitting
    without a complete ``declaration`` of who signed the return off at the trust),
    :class:`IncompleteReturn` when submitting an incomplete return, and
    :class:`lmns.workflow.StaleRecord` when someone else moved it first. ``agreed`` (assure
    only) maps section id to (agreed per cent, reason for the change).
    """
    declared = {}
    if action == Action.SUBMIT and ret.status in EDITABLE_STATUSES:
        missing = missing_items(answers_for_return(ret))
        if missing:
            raise IncompleteReturn(missing)
        if reason := declaration_refused(declaration):
            raise ReturnError(reason)
        declared = declaration.fields(user)

    def write_ratings(record: QuarterlyReturn) -> None:
        _write_agreed_ratings(record, agreed or {}, user)

    try:
        return RETURN_WORKFLOW.take(
            record=ret,
            action=action,
            user=user,
            expected_version=expected_version,
            comment=comment,
            during=write_ratings if action == Action.ASSURE else None,
            updated_by=user,
            updated_at=timezone.now(),
            **declared,
        )
    except StaleRecord:
        raise
    except Refusal as refusal:
        raise ReturnError(str(refusal)) from refusal


def _write_agreed_ratings(
    ret: QuarterlyReturn, agreed: dict[int, tuple[Decimal | None, str]], user
) -> None:
    """Agreed = derived unless the team changed it; a change needs a reason."""
    ratings = list(SectionRating.objects.filter(quarterly_return=ret).select_related("section"))
    for rating in ratings:
        percent, reason = agreed.get(rating.section_id, (rating.derived_percent, ""))
        if percent != rating.derived_percent and not reason.strip():
            raise ReturnError(
                f"{rating.section.code}: give a reason for changing the agreed per cent."
            )
        rating.agreed_percent = percent
        rating.change_reason = reason.strip() if percent != rating.derived_percent else ""
    bulk_update_with_history(
        ratings, SectionRating, ["agreed_percent", "change_reason"], default_user=user
    )


# -- change requests -------------------------------------------------------------------------

# A request is raised, answered and judged while the return is with the LMNS or sent back.
REQUEST_RETURN_STATUSES = (ReturnStatus.SUBMITTED, ReturnStatus.UNDER_REVIEW, ReturnStatus.RETURNED)


def may_raise_request(access: Access, ret: QuarterlyReturn) -> bool:
    """The LMNS programme team asks for changes."""
    return may_review(access, ret)


def may_answer_request(access: Access, request: ChangeRequest) -> bool:
    """The trust's leads answer a request and mark it addressed."""
    return may_enter_for_trust(access, request.quarterly_return)


def may_judge_request(access: Access, request: ChangeRequest) -> bool:
    """The LMNS programme team accepts a request (closing it) or reopens it."""
    return may_review(access, request.quarterly_return)


def may_reply(access: Access, request: ChangeRequest) -> bool:
    return may_answer_request(access, request) or may_judge_request(access, request)


def _request_return_live(request: ChangeRequest) -> str | None:
    ret = request.quarterly_return
    ret.refresh_from_db(fields=["status"])
    if ret.status in REQUEST_RETURN_STATUSES:
        return None
    return f"The return is {ret.get_status_display().lower()}: its change requests are settled."


CHANGE_REQUEST_WORKFLOW = Workflow(
    name="change_request",
    noun="change request",
    transition_model=ChangeRequestEntry,
    record_field="change_request",
    steps=(
        Step(
            RequestAction.ADDRESS.value,
            "Mark addressed",
            (RequestStatus.OPEN,),
            RequestStatus.ADDRESSED,
            may_answer_request,
            "Only the trust's leads mark a change request addressed.",
            blocked=_request_return_live,
        ),
        Step(
            RequestAction.ACCEPT.value,
            "Accept and close",
            (RequestStatus.OPEN, RequestStatus.ADDRESSED),
            RequestStatus.CLOSED,
            may_judge_request,
            TEAM_ONLY,
            blocked=_request_return_live,
        ),
        Step(
            RequestAction.REOPEN.value,
            "Reopen",
            (RequestStatus.ADDRESSED, RequestStatus.CLOSED),
            RequestStatus.OPEN,
            may_judge_request,
            TEAM_ONLY,
            comment_label="What is still needed",
            blocked=_request_return_live,
        ),
    ),
)


def _open_review(ret: QuarterlyReturn, user) -> None:
    """The team's first piece of review on a submitted return opens its review (implied)."""
    if ret.status == ReturnStatus.SUBMITTED:
        RETURN_WORKFLOW.take(
            record=ret,
            action=Action.START_REVIEW,
            user=user,
            updated_by=user,
            updated_at=timezone.now(),
        )


def _entry(request: ChangeRequest, *, from_status: str, user, text: str, action: str):
    entry = ChangeRequestEntry.objects.create(
        change_request=request,
        from_status=from_status,
        to_status=request.status,
        by=user,
        comment=text,
    )
    CHANGE_REQUEST_WORKFLOW.announce(action, request, entry, user)
    return entry


@transaction.atomic
def raise_request(
    *,
    ret: QuarterlyReturn,
    requirement: Requirement | None,
    text: str,
    user,
    expected_version: int,
) -> ChangeRequest:
    """Ask the trust to change something: on one requirement, or the return as a whole.

    Refused when the return is not with the LMNS or sent back, when the requirement is not
    the return's framework's, and (``StaleRecord``) when the return changed since the page
    was opened. On a submitted return it opens the review.
    """
    text = text.strip()
    if not text:
        raise ReturnError("Say what needs to change.")
    locked = QuarterlyReturn.objects.select_for_update().get(pk=ret.pk)
    if locked.version != expected_version:
        raise StaleRecord(
            "The return changed since you opened it. Your request is still below: check the "
            "latest answers and send it again."
        )
    if locked.status not in REQUEST_RETURN_STATUSES:
        raise ReturnError(
            f"The return is {locked.get_status_display().lower()}: change requests are raised "
            "while it is with the LMNS or sent back."
        )
    if requirement is not None and requirement.section.framework_id != ret.framework_id:
        raise ReturnError("That requirement is not part of this return.")
    ret.status, ret.version = locked.status, locked.version
    _open_review(ret, user)
    request = ChangeRequest.objects.create(
        quarterly_return=ret, requirement=requirement, text=text, raised_by=user
    )
    _entry(request, from_status="", user=user, text=text, action=RequestAction.RAISE)
    return request


@transaction.atomic
def reply_to_request(*, request: ChangeRequest, text: str, user, expected_version: int):
    """Add a reply to a request's thread; its status stays as it is."""
    text = text.strip()
    if not text:
        raise ReturnError("Write your reply before sending it.")
    if request.is_closed:
        raise ReturnError("This change request is closed; reopen it to continue the thread.")
    if reason := _request_return_live(request):
        raise ReturnError(reason)
    bump_version(request, expected_version)
    return _entry(
        request, from_status=request.status, user=user, text=text, action=RequestAction.REPLY
    )


def take_request_step(
    *, request: ChangeRequest, action: str, user, expected_version: int, comment: str = ""
) -> ChangeRequestEntry:
    """Mark a request addressed, accept it or reopen it (:data:`CHANGE_REQUEST_WORKFLOW`).

    The caller has checked the role with ``CHANGE_REQUEST_WORKFLOW.may_take``.
    """
    try:
        return CHANGE_REQUEST_WORKFLOW.take(
            record=request,
            action=action,
            user=user,
            expected_version=expected_version,
            comment=comment,
        )
    except StaleRecord:
        raise
    except Refusal as refusal:
        raise ReturnError(str(refusal)) from refusal


# -- evidence judged -------------------------------------------------------------------------

JUDGED_RETURN_STATUSES = (ReturnStatus.SUBMITTED, ReturnStatus.UNDER_REVIEW)


def may_judge_evidence(access: Access, ret: QuarterlyReturn) -> bool:
    """The LMNS programme team judges the evidence of a return it reviews."""
    return may_review(access, ret)


def record_verdict(
    *,
    answer: Answer,
    verdict: str,
    reason: str,
    files: Iterable[EvidenceFile],
    user,
    expected_version: int,
) -> bool:
    """Record the team's verdict on one answer's evidence, naming the files it judged.

    ``expected_version`` is the verdict's version when the page was opened (0: none yet).
    Insufficient needs a reason. Returns whether anything changed: the same verdict posted
    again writes nothing.
    """
    ret = answer.quarterly_return
    if ret.status not in JUDGED_RETURN_STATUSES:
        raise ReturnError(
            f"The return is {ret.get_status_display().lower()}: evidence is judged while the "
            "LMNS reviews it."
        )
    reason = reason.strip()
    if verdict == VerdictChoice.INSUFFICIENT and not reason:
        raise ReturnError("Say why the evidence is insufficient, so the trust can act on it.")
    if verdict != VerdictChoice.INSUFFICIENT:
        reason = ""
    files = [f for f in files if f.answer_id == answer.pk and not f.is_withdrawn]
    if verdict == VerdictChoice.NOT_SEEN:
        files = []
    with transaction.atomic():
        current = EvidenceVerdict.objects.select_for_update().filter(answer=answer).first()
        if (current.version if current else 0) != expected_version:
            raise StaleRecord(
                "Someone else recorded a verdict on this evidence since you opened the page. "
                "Your choice is still below: check it against theirs and save again."
            )
        if current is None:
            current = EvidenceVerdict(answer=answer)
        elif (
            current.verdict == verdict
            and current.reason == reason
            and set(current.files.values_list("pk", flat=True)) == {f.pk for f in files}
        ):
            return False
        _open_review(ret, user)
        current.verdict = verdict
        current.reason = reason
        current.judged_by = user
        current.judged_at = timezone.now()
        current.version = expected_version + 1
        current._history_user = user
        save_with_links(current, files=files)
        if verdict == VerdictChoice.SUFFICIENT:
            accept_delivered_actions(answer=answer, user=user)
    return True


def unjudge(*, answers: Iterable[Answer], user) -> None:
    """The evidence of these answers changed: their verdicts go back to "not yet seen"."""
    verdicts = EvidenceVerdict.objects.filter(answer__in=[a.pk for a in answers]).exclude(
        verdict=VerdictChoice.NOT_SEEN
    )
    for current in verdicts:
        current.verdict = VerdictChoice.NOT_SEEN
        current.reason = ""
        current.version += 1
        current._history_user = user
        save_with_links(current, files=[])


# -- collections: which frameworks the LMNS collects from which trusts ----------------------


def may_manage_collections(access: Access, lmns_id: int) -> bool:
    """The LMNS's programme team sets up what it collects each period."""
    return access.can_manage_lmns(lmns_id)


@transaction.atomic
def save_collection(
    *,
    lmns,
    period: ReportingPeriod,
    framework: Framework,
    trusts: Iterable[Trust],
    deadline,
    user,
) -> tuple[Collection, bool]:
    """Collect ``framework`` from ``trusts`` in ``period``, due by ``deadline`` (None: the
    period's submission deadline). Returns the collection and whether anything changed; an
    unchanged collection writes nothing. Trusts of another LMNS are refused."""
    trusts = list(trusts)
    if any(trust.lmns_id != lmns.pk for trust in trusts):
        raise ValidationError({"trusts": "Choose trusts of this LMNS only."})
    deadline = deadline or period.submission_deadline
    collection = Collection.objects.filter(lmns=lmns, period=period, framework=framework).first()
    if collection is None:
        if not trusts:
            return Collection(lmns=lmns, period=period, framework=framework), False
        collection = Collection(lmns=lmns, period=period, framework=framework, deadline=deadline)
    elif not changed_values(collection, {"trusts": trusts, "deadline": deadline}):
        return collection, False
    collection.deadline = deadline
    collection._history_user = user
    save_with_links(collection, trusts=trusts)
    return collection, True


@transaction.atomic
def copy_collections(*, lmns, period: ReportingPeriod, source: ReportingPeriod, user) -> int:
    """Collect in ``period`` what the LMNS collected in ``source``: the same frameworks from
    the same trusts, each due by ``period``'s submission deadline. Frameworks already set up
    for ``period`` are left as they are. Returns how many collections were added."""
    existing = set(
        Collection.objects.filter(lmns=lmns, period=period).values_list("framework_id", flat=True)
    )
    added = 0
    source_collections = (
        Collection.objects.filter(lmns=lmns, period=source)
        .select_related("framework")
        .prefetch_related("trusts")
    )
    for collection in source_collections:
        if collection.framework_id in existing or not collection.framework.active:
            continue
        _, changed = save_collection(
            lmns=lmns,
            period=period,
            framework=collection.framework,
            trusts=collection.trusts.all(),
            deadline=None,
            user=user,
        )
        added += changed
    return added


# -- actions to reach full compliance --------------------------------------------------------

ACTION_FIELDS = [
    "what",
    "owner",
    "owner_user",
    "due",
    "evidence_by",
    "progress",
    "delivery",
    "delivered_on",
    "evidence_location",
]
DELIVERED = (ActionDelivery.DELIVERED, ActionDelivery.EVIDENCED)


def may_raise_action(access: Access, ret: QuarterlyReturn) -> bool:
    """The trust's own leads raise actions on the answers of a return they can still edit."""
    return access.can_edit_trust(ret.trust) and ret.status in EDITABLE_STATUSES


def may_update_action(access: Access, action: ActionRecord) -> bool:
    """The trust's own leads keep its open actions up to date, in any quarter."""
    return action.is_open and access.can_edit_trust(action.trust)


def may_close_action(access: Access, action: ActionRecord) -> bool:
    """The LMNS programme team accepts an action's evidence or closes it as no longer needed."""
    return action.is_open and access.can_manage_lmns(action.trust.lmns_id)


def _check_action(values: dict) -> None:
    delivered_on = values.get("delivered_on")
    if values.get("delivery") in DELIVERED and delivered_on is None:
        raise ReturnError("Give the date the action was delivered.")
    if delivered_on and delivered_on > timezone.localdate():
        raise ReturnError("The date delivered cannot be in the future.")


@transaction.atomic
def raise_action(*, answer: Answer, values: dict, user) -> ActionRecord:
    """Add an action to an answer of a return the trust can still edit."""
    ret = answer.quarterly_return
    if ret.status not in EDITABLE_STATUSES:
        raise ReturnError(
            f"This return is {ret.get_status_display().lower()}; actions are raised on a draft."
        )
    _check_action(values)
    action = ActionRecord(
        trust_id=ret.trust_id,
        requirement_id=answer.requirement_id,
        raised_on=answer,
        updated_by=user,
        **{name: values[name] for name in ACTION_FIELDS if name in values},
    )
    action._history_user = user
    action.save()
    return action


@transaction.atomic
def update_action(*, action: ActionRecord, user, expected_version: int) -> bool:
    """Save the lead's update of an open action, ``action`` holding what was entered (as a
    model form leaves it); returns whether anything changed.

    Refused with :class:`StaleRecord` if someone saved the action since the page was opened.
    """
    if not action.is_open:
        raise ReturnError("This action is closed; it can no longer be changed.")
    changed = unsaved_fields(action, ACTION_FIELDS)
    if not changed:
        return False
    _check_action({name: getattr(action, name) for name in ACTION_FIELDS})
    changes = {name: getattr(action, name) for name in changed}
    bump_version(action, expected_version, updated_by=user, updated_at=timezone.now(), **changes)
    record_history(action, user)
    return True


@transaction.atomic
def close_action(
    *, action: ActionRecord, closure: str, reason: str, user, expected_version: int
) -> None:
    """The LMNS closes an open action: its evidence accepted (the action is then delivered and
    evidenced), or no longer needed, which needs a reason."""
    reason = reason.strip()
    if closure not in ActionClosure.values:
        raise ReturnError("Choose how the action is closed.")
    if closure == ActionClosure.NOT_NEEDED and not reason:
        raise ReturnError("Say why the action is no longer needed.")
    if not action.is_open:
        raise ReturnError("This action is already closed.")
    changes = {"closure": closure, "closure_reason": reason, "closed_by": user}
    if closure == ActionClosure.ACCEPTED:
        changes["delivery"] = ActionDelivery.EVIDENCED
        changes["delivered_on"] = action.delivered_on or timezone.localdate()
    bump_version(action, expected_version, closed_at=timezone.now(), updated_by=user, **changes)
    record_history(action, user)


def accept_delivered_actions(*, answer: Answer, user) -> int:
    """The LMNS judged an answer's evidence sufficient: the trust's open actions on that
    requirement that the trust says are delivered close as accepted. Returns how many."""
    actions = ActionRecord.objects.filter(
        trust_id=answer.quarterly_return.trust_id,
        requirement_id=answer.requirement_id,
        closure="",
        delivery__in=DELIVERED,
    )
    closed = 0
    for action in actions:
        close_action(
            action=action,
            closure=ActionClosure.ACCEPTED,
            reason=f"Evidence judged sufficient in the review of {answer.quarterly_return.period}.",
            user=user,
            expected_version=action.version,
        )
        closed += 1
    return closed


# -- frameworks cross-referenced: the lead's explicit links ----------------------------------


ALREADY_LINKED = "Something ticked already counts toward this requirement."


def may_link(access: Access, ret: QuarterlyReturn) -> bool:
    """The trust's own leads link related evidence and actions to a return they can still edit."""
    return can_edit_answers(access, ret)


def _mapped_to(requirement_id: int) -> set[int]:
    """The requirements mapped to this one, either way."""
    pairs = RequirementMapping.objects.touching([requirement_id]).values_list(
        "requirement_id", "related_id"
    )
    return {other for pair in pairs for other in pair} - {requirement_id}


def _refuse_unlinkable(answer: Answer, requirement_id: int, trust_id: int, noun: str, mapped):
    ret = answer.quarterly_return
    if trust_id != ret.trust_id:
        raise ReturnError(f"Only {ret.trust.short_name}'s own {noun}s count toward its answers.")
    if requirement_id not in mapped:
        raise ReturnError(
            f"That {noun} is on a requirement not mapped to {answer.requirement.code}."
        )


@transaction.atomic
def link_to_answer(
    *, answer: Answer, files: Iterable[EvidenceFile], actions: Iterable[ActionRecord], user
) -> int:
    """Make the trust's files and open actions recorded on mapped requirements count toward
    ``answer`` as well (a link, not a copy). Returns how many links were made."""
    ret = answer.quarterly_return
    if ret.status not in EDITABLE_STATUSES:
        raise ReturnError(
            f"This return is {ret.get_status_display().lower()}; links are made on a draft."
        )
    files, actions = list(files), list(actions)
    if not files and not actions:
        raise ReturnError("Tick at least one file or action to count toward this requirement.")
    mapped = _mapped_to(answer.requirement_id)
    for evidence in files:
        source = evidence.answer
        _refuse_unlinkable(
            answer, source.requirement_id, source.quarterly_return.trust_id, "file", mapped
        )
        if evidence.is_withdrawn or evidence.is_purged:
            raise ReturnError("A withdrawn or removed file cannot count toward a requirement.")
        if source.quarterly_return.status == ReturnStatus.DISCARDED:
            raise ReturnError("A file of a discarded return cannot count toward a requirement.")
    for action in actions:
        _refuse_unlinkable(answer, action.requirement_id, action.trust_id, "action", mapped)
        if not action.is_open:
            raise ReturnError("A closed action cannot count toward a requirement.")
    current = AnswerLink.objects.filter(answer=answer, removed_at__isnull=True)
    if current.filter(models.Q(evidence__in=files) | models.Q(action__in=actions)).exists():
        raise ReturnError(ALREADY_LINKED)
    links = [AnswerLink(answer=answer, evidence=f, linked_by=user) for f in files]
    links += [AnswerLink(answer=answer, action=a, linked_by=user) for a in actions]
    try:
        with transaction.atomic():
            for link in links:
                link._history_user = user
                link.save()
    except IntegrityError as error:  # the same link made at the same moment by someone else
        raise ReturnError(ALREADY_LINKED) from error
    if files:
        unjudge(answers=[answer], user=user)
    return len(links)


def may_unlink(access: Access, link: AnswerLink) -> bool:
    return may_link(access, link.answer.quarterly_return)


@transaction.atomic
def unlink(*, link: AnswerLink, user) -> None:
    """The file or action no longer counts toward the answer; the link's record is kept."""
    ret = link.answer.quarterly_return
    if ret.status not in EDITABLE_STATUSES:
        raise ReturnError(
            f"This return is {ret.get_status_display().lower()}; its links cannot be changed."
        )
    link = AnswerLink.objects.select_for_update(of=("self",)).get(pk=link.pk)
    if link.is_removed:
        raise ReturnError("This link was already removed.")
    link.removed_at = timezone.now()
    link.removed_by = user
    link._history_user = user
    link.save(update_fields=["removed_at", "removed_by"])
    if link.evidence_id:
        unjudge(answers=[link.answer], user=user)
