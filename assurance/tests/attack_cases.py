"""Attack cases for the assurance forms (see ``tests/attacks``): how each is used validly."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assurance.forms.returns import AssureForm
from assurance.models import Framework, Requirement, ReturnStatus, SectionRating
from assurance.tests.factories import (
    DECLARATION_POST,
    ChangeRequestFactory,
    EvidenceFileFactory,
    QuarterlyReturnFactory,
    fill_answers,
    framework_with,
)
from tests.attacks import Abstract, AttackCase, Resave, Target

TEAM_ONLY = ("anonymous", "lead", "sibling_lead", "board", "other_team")


def _interim() -> Framework:
    return Framework.objects.get(short_name="Ockenden interim")


def _start(w) -> Target:
    return Target(
        url=reverse("assurance:return_start", args=[w.trust.pk]),
        data={"framework": _interim().pk, "period": w.period.pk},
        show_url=reverse("assurance:trust_returns", args=[w.trust.pk]),
        foreign_url=reverse("assurance:return_start", args=[w.sibling_trust.pk]),
    )


def _evidence(name: str):
    return lambda: SimpleUploadedFile(name, b"%PDF-1.4 audit", content_type="application/pdf")


def _section(w) -> Target:
    framework = framework_with(sections=2, requirements=2, reports_percent=True)
    ret = QuarterlyReturnFactory(trust=w.trust, period=w.period, framework=framework)
    section = framework.sections.order_by("order").first()
    sibling = QuarterlyReturnFactory(trust=w.sibling_trust, period=w.period, framework=framework)
    data = {
        "version": ret.version,
        "answers-TOTAL_FORMS": "2",
        "answers-INITIAL_FORMS": "0",
        "answers-MIN_NUM_FORMS": "2",
        "answers-MAX_NUM_FORMS": "2",
    }
    for i in range(2):
        data.update(
            {
                f"answers-{i}-status": "partially_met",
                f"answers-{i}-percent": "80",
                f"answers-{i}-narrative": "Audit shows most staff trained.",
                f"answers-{i}-evidence": "Training records, June 2022",
                f"answers-{i}-new_file": _evidence(f"training-audit-{i}.pdf"),
                f"answers-{i}-no_patient_data": "on",
                f"answers-{i}-new_file_date": "2022-06-30",
            }
        )
    url = reverse("assurance:section_edit", args=[ret.pk, section.pk])
    return Target(
        url=url,
        data=data,
        show_url=url,
        foreign_url=reverse("assurance:section_edit", args=[sibling.pk, section.pk]),
    )


def _under_review(trust, period):
    ret = QuarterlyReturnFactory(trust=trust, period=period, status=ReturnStatus.UNDER_REVIEW)
    fill_answers(ret)
    return ret


def _submit(w) -> Target:
    ret = QuarterlyReturnFactory(trust=w.trust, period=w.period)
    other = QuarterlyReturnFactory(trust=w.other_trust, period=w.period)
    for draft in (ret, other):
        fill_answers(draft)
    return Target(
        url=reverse("assurance:return_action", args=[ret.pk, "submit"]),
        data={"version": ret.version, "comment": "Ready for the panel.", **DECLARATION_POST},
        show_url=reverse("assurance:return_whole", args=[ret.pk]),
        foreign_url=reverse("assurance:return_action", args=[other.pk, "submit"]),
    )


def _send_back(w) -> Target:
    ret = _under_review(w.trust, w.period)
    other = _under_review(w.other_trust, w.period)
    for under_review in (ret, other):  # sending back needs an open change request
        ChangeRequestFactory(quarterly_return=under_review)
    return Target(
        url=reverse("assurance:return_action", args=[ret.pk, "send_back"]),
        data={"version": ret.version, "comment": "Add the audit of fetal monitoring training."},
        show_url=reverse("assurance:return_detail", args=[ret.pk]),
        foreign_url=reverse("assurance:return_action", args=[other.pk, "send_back"]),
    )


def _assure(w) -> Target:
    ret = _under_review(w.trust, w.period)
    other = _under_review(w.other_trust, w.period)
    ratings = list(SectionRating.objects.filter(quarterly_return=ret).select_related("section"))
    data = {"version": ret.version, "comment": "Agreed at the assurance panel."}
    for rating in ratings:
        data[f"agreed_{rating.section_id}"] = str(rating.derived_percent or Decimal("100.0"))
        data[f"reason_{rating.section_id}"] = ""
    return Target(
        url=reverse("assurance:return_action", args=[ret.pk, "assure"]),
        data=data,
        show_url=reverse("assurance:return_detail", args=[ret.pk]),
        foreign_url=reverse("assurance:return_action", args=[other.pk, "assure"]),
        form=AssureForm(initial={"version": ret.version}, ratings=ratings),
    )


def _csv(rows: str):
    return lambda: SimpleUploadedFile(
        "compliance.csv", f"trust,IEA1,IEA2\n{rows}\n".encode(), content_type="text/csv"
    )


def _import(w) -> Target:
    # NUH's return is a draft it has not submitted: the figures are entered on its behalf, and
    # the reason shows in the return's history.
    draft = QuarterlyReturnFactory(
        trust=w.trust, period=w.period, framework=_interim(), status=ReturnStatus.DRAFT
    )
    return Target(
        url=reverse("assurance:import_compliance", args=[w.lmns.pk]),
        data={
            "framework": _interim().pk,
            "period": w.period.pk,
            "file": _csv("RX1,100,99"),
            "on_behalf_reason": "Figures agreed at the LMNS board",
        },
        show_url=reverse("assurance:return_detail", args=[draft.pk]),
        # Another LMNS's trust inside the file, and another LMNS's import page.
        foreign={"file": _csv("RGP,100,99")},
        foreign_url=reverse("assurance:import_compliance", args=[w.other_lmns.pk]),
    )


def _dashboard(w) -> Target:
    return Target(
        url=reverse("assurance:dashboard", args=[w.lmns.pk]),
        data={"framework": _interim().pk, "period": w.period.pk},
    )


def _trend(w) -> Target:
    return Target(
        url=reverse("assurance:trust_trend", args=[w.trust.pk]),
        data={"framework": _interim().pk, "period": w.period.pk},
    )


def _purge_request(w) -> Target:
    from lmns.governance_forms import PurgeRequestForm
    from lmns.purges import purgeable

    mine = EvidenceFileFactory(answer__quarterly_return__trust=w.trust)
    theirs = EvidenceFileFactory(answer__quarterly_return__trust=w.other_trust)
    choices = purgeable("assurance.evidencefile").field_choices()
    return Target(
        url=reverse("purge_request", args=["assurance.evidencefile", mine.pk]),
        data={"field": "file", "reason": "NHS numbers in the incident report"},
        show_url=reverse("purge_list"),
        foreign_url=reverse("purge_request", args=["assurance.evidencefile", theirs.pk]),
        form=PurgeRequestForm(choices=choices),
    )


def _reviewed(trust, period):
    return QuarterlyReturnFactory(trust=trust, period=period, status=ReturnStatus.UNDER_REVIEW)


def _raise(w) -> Target:
    ret, other = _reviewed(w.trust, w.period), _reviewed(w.other_trust, w.period)
    requirement = Requirement.objects.filter(section__framework=ret.framework).first()
    elsewhere = Requirement.objects.filter(section__framework=other.framework).first()
    return Target(
        url=reverse("assurance:request_new", args=[ret.pk]),
        data={"version": ret.version, "requirement": requirement.pk, "text": "Attach the audit."},
        show_url=reverse("assurance:return_detail", args=[ret.pk]),
        # A requirement of another return's framework, and another LMNS's return.
        foreign={"requirement": elsewhere.pk},
        foreign_url=reverse("assurance:request_new", args=[other.pk]),
    )


def _request(trust, period, **kwargs):
    return ChangeRequestFactory(quarterly_return=_reviewed(trust, period), **kwargs)


def _reply(w) -> Target:
    mine, theirs = _request(w.trust, w.period), _request(w.other_trust, w.period)
    url = reverse("assurance:request_thread", args=[mine.pk])
    return Target(
        url=url,
        data={"version": mine.version, "text": "The audit is attached to IEA1.1 now."},
        show_url=url,
        foreign_url=reverse("assurance:request_thread", args=[theirs.pk]),
    )


def _address(w) -> Target:
    mine, theirs = _request(w.trust, w.period), _request(w.other_trust, w.period)
    return Target(
        url=reverse("assurance:request_step", args=[mine.pk, "address"]),
        data={"version": mine.version, "comment": "Audit attached."},
        show_url=reverse("assurance:request_thread", args=[mine.pk]),
        foreign_url=reverse("assurance:request_step", args=[theirs.pk, "address"]),
    )


def _verdict(w) -> Target:
    mine = _reviewed(w.trust, w.period).answers.first()
    theirs = _reviewed(w.other_trust, w.period).answers.first()
    judged = EvidenceFileFactory(answer=mine)
    foreign_file = EvidenceFileFactory(answer=theirs)
    section = mine.requirement.section_id
    return Target(
        url=reverse("assurance:answer_verdict", args=[mine.pk]),
        data={
            "version": 0,
            "verdict": "insufficient",
            "reason": "The audit is from last year.",
            "files": [judged.pk],
        },
        show_url=reverse("assurance:section_edit", args=[mine.quarterly_return_id, section]),
        foreign={"files": [foreign_file.pk]},
        foreign_url=reverse("assurance:answer_verdict", args=[theirs.pk]),
    )


def _collection(w) -> Target:
    from assurance.forms.collections import CollectionForm
    from assurance.tests.factories import CollectionFactory

    framework = _interim()
    CollectionFactory(lmns=w.lmns, period=w.period, framework=framework)
    return Target(
        url=reverse("assurance:collection_edit", args=[w.lmns.pk, w.period.pk, framework.pk]),
        data={"trusts": [w.trust.pk], "deadline": "2022-08-15"},
        show_url=reverse("assurance:collection_period", args=[w.lmns.pk, w.period.pk]),
        foreign={"trusts": w.other_trust.pk},
        foreign_url=reverse(
            "assurance:collection_edit", args=[w.other_lmns.pk, w.period.pk, framework.pk]
        ),
        form=CollectionForm(lmns=w.lmns),
    )


def _action_values(w) -> dict:
    return {
        "what": "Audit consent conversations monthly against 20 records",
        "owner": "Consultant midwife",
        "owner_user": w.users["lead"].pk,
        "due": "2022-09-30",
        "evidence_by": "2022-10-31",
        "progress": "at_risk",
        "delivery": "delivered",
        "delivered_on": "2022-09-15",
        "evidence_location": "Consent audit, maternity governance group minutes of September",
    }


def _action_new(w) -> Target:
    from assurance.forms.actions import ActionEntryForm

    mine = QuarterlyReturnFactory(trust=w.trust, period=w.period).answers.first()
    theirs = QuarterlyReturnFactory(trust=w.other_trust, period=w.period).answers.first()
    return Target(
        url=reverse("assurance:action_new", args=[mine.pk]),
        data=_action_values(w),
        show_url=reverse(
            "assurance:section_edit", args=[mine.quarterly_return_id, mine.requirement.section_id]
        ),
        # Another trust's person as the owner's account, and another LMNS's answer.
        foreign={"owner_user": w.users["sibling_lead"].pk},
        foreign_url=reverse("assurance:action_new", args=[theirs.pk]),
        form=ActionEntryForm(trust=w.trust),
    )


def _action_edit(w) -> Target:
    from assurance.forms.actions import ActionEntryForm
    from assurance.tests.factories import ActionFactory

    mine = ActionFactory(
        raised_on=QuarterlyReturnFactory(trust=w.trust, period=w.period).answers.first()
    )
    theirs = ActionFactory(
        raised_on=QuarterlyReturnFactory(trust=w.other_trust, period=w.period).answers.first()
    )
    answer = mine.raised_on
    return Target(
        url=reverse("assurance:action_edit", args=[mine.pk]),
        data={**_action_values(w), "version": mine.version},
        show_url=reverse(
            "assurance:section_edit",
            args=[answer.quarterly_return_id, answer.requirement.section_id],
        ),
        foreign={"owner_user": w.users["other_lead"].pk},
        foreign_url=reverse("assurance:action_edit", args=[theirs.pk]),
        form=ActionEntryForm(trust=w.trust, instance=mine),
    )


def _action_close(w) -> Target:
    from assurance.tests.factories import ActionFactory

    mine = ActionFactory(
        raised_on=QuarterlyReturnFactory(trust=w.trust, period=w.period).answers.first()
    )
    theirs = ActionFactory(
        raised_on=QuarterlyReturnFactory(trust=w.other_trust, period=w.period).answers.first()
    )
    answer = mine.raised_on
    return Target(
        url=reverse("assurance:action_close", args=[mine.pk]),
        data={
            "closure": "not_needed",
            "reason": "Replaced by the regional pathway.",
            "version": mine.version,
        },
        show_url=reverse(
            "assurance:section_edit",
            args=[answer.quarterly_return_id, answer.requirement.section_id],
        ),
        foreign_url=reverse("assurance:action_close", args=[theirs.pk]),
    )


def _mapped_pair(w, trust):
    """A draft return's first answer, and the trust's answer on a requirement of another
    framework mapped to it, holding a file and an open action."""
    from assurance.tests.factories import ActionFactory, RequirementMappingFactory

    mine = QuarterlyReturnFactory(trust=trust, period=w.period).answers.first()
    source = QuarterlyReturnFactory(trust=trust, period=w.period).answers.first()
    RequirementMappingFactory(requirement=mine.requirement, related=source.requirement)
    evidence = EvidenceFileFactory(answer=source, effective_date=w.period.end_date)
    # One more file, so the page still offers something once the payload is linked.
    EvidenceFileFactory(answer=source, effective_date=w.period.end_date)
    return mine, evidence, ActionFactory(raised_on=source)


def _answer_links(w) -> Target:
    from assurance.forms.crossrefs import AnswerLinkForm
    from assurance.selectors.crossrefs import related_by_answer

    mine, evidence, action = _mapped_pair(w, w.trust)
    theirs, foreign_file, foreign_action = _mapped_pair(w, w.other_trust)
    related = related_by_answer(mine.quarterly_return, [mine])[mine.pk]
    return Target(
        url=reverse("assurance:answer_links", args=[mine.pk]),
        data={"files": [evidence.pk], "actions": [action.pk]},
        show_url=reverse(
            "assurance:section_edit", args=[mine.quarterly_return_id, mine.requirement.section_id]
        ),
        # Another LMNS's trust's action on a mapped requirement, and its answer's page.
        foreign={"files": foreign_file.pk, "actions": foreign_action.pk},
        foreign_url=reverse("assurance:answer_links", args=[theirs.pk]),
        form=AnswerLinkForm(related=related),
    )


def _register(w) -> Target:
    """The LMNS register's filters, read from the query string."""
    from assurance.filters import ActionFilter
    from assurance.models import Action
    from assurance.tests.factories import ActionFactory

    ActionFactory(raised_on=QuarterlyReturnFactory(trust=w.trust, period=w.period).answers.first())
    return Target(
        url=reverse("assurance:lmns_actions", args=[w.lmns.pk]),
        data={
            "trust": w.trust.pk,
            "framework": _interim().pk,
            "status": "open",
            "overdue": "no",
            "owner": "Director",
        },
        foreign={"trust": w.other_trust.pk},
        form=ActionFilter(
            queryset=Action.objects.none(), trusts=w.lmns.trusts.all(), today=w.period.end_date
        ).form,
    )


REFERENCE = frozenset({"framework", "period"})

CASES = {
    # What the LMNS collects of a framework in a period: the page shows the saved collection.
    "assurance.forms.collections.CollectionForm": AttackCase(
        build=_collection, persona="team", resave=Resave.EDIT
    ),
    # Starting a return is the step itself: its page only chooses the framework and quarter.
    "assurance.forms.returns.StartReturnForm": AttackCase(
        build=_start, persona="lead", unscoped=REFERENCE, resave=Resave.STEP
    ),
    "assurance.forms.returns.AnswerForm": AttackCase(
        build=_section,
        persona="lead",
        prefix="answers-0",
        resave=Resave.EDIT,
        # The confirmation goes with each new file and, like the file, is never shown back.
        with_upload=frozenset({"no_patient_data", "new_file_date"}),
    ),
    "assurance.forms.returns.VersionForm": AttackCase(
        build=_section,
        persona="lead",
        resave=Resave.EDIT,
        with_upload=frozenset({"no_patient_data", "new_file_date"}),
    ),
    "assurance.forms.returns.ActionForm": [
        AttackCase(build=_send_back, persona="team", resave=Resave.STEP),
        # A change request's steps: the trust's lead marks it addressed.
        AttackCase(build=_address, persona="lead", resave=Resave.STEP),
    ],
    "assurance.forms.actions.ActionEntryForm": [
        AttackCase(
            build=_action_new, persona="lead", resave=Resave.ADD, unused=frozenset({"version"})
        ),
        AttackCase(build=_action_edit, persona="lead", resave=Resave.EDIT),
    ],
    # Closing is the step itself: accepted, or no longer needed with a reason.
    "assurance.forms.actions.ActionCloseForm": AttackCase(
        build=_action_close, persona="team", resave=Resave.STEP
    ),
    # Linking is the step itself: an unticked page posted back links nothing.
    "assurance.forms.crossrefs.AnswerLinkForm": AttackCase(
        build=_answer_links, persona="lead", resave=Resave.ADD
    ),
    "assurance.filters.ActionFilter": AttackCase(
        build=_register,
        persona="team",
        method="get",
        saves=False,
        unscoped=frozenset({"framework"}),
        refused=("anonymous", "lead", "sibling_lead", "other_team"),
    ),
    "assurance.forms.review.ChangeRequestForm": AttackCase(
        build=_raise, persona="team", resave=Resave.ADD
    ),
    # The trust's leads and the LMNS team both reply in a request's thread.
    "assurance.forms.review.ReplyForm": AttackCase(
        build=_reply,
        persona="lead",
        refused=("anonymous", "sibling_lead", "board", "other_team"),
        resave=Resave.ADD,
    ),
    "assurance.forms.review.VerdictForm": AttackCase(
        build=_verdict, persona="team", resave=Resave.EDIT
    ),
    # Submitting: the lead declares who signed the return off at the trust.
    "assurance.forms.returns.SubmitForm": AttackCase(
        build=_submit, persona="lead", resave=Resave.STEP
    ),
    "assurance.forms.returns.AssureForm": AttackCase(
        build=_assure, persona="team", resave=Resave.STEP
    ),
    "assurance.forms.dashboard.ComplianceImportForm": AttackCase(
        build=_import, persona="team", unscoped=REFERENCE, resave=Resave.ADD
    ),
    "assurance.forms.dashboard.DashboardFilterForm": AttackCase(
        build=_dashboard,
        persona="team",
        method="get",
        saves=False,
        unscoped=REFERENCE,
        refused=("anonymous", "lead", "sibling_lead", "other_team"),
    ),
    "assurance.forms.dashboard.TrendFilterForm": AttackCase(
        build=_trend,
        persona="lead",
        method="get",
        saves=False,
        unscoped=REFERENCE,
        refused=("anonymous", "sibling_lead", "other_team"),
    ),
    "assurance.forms.dashboard._FilterForm": Abstract("the base of the two filter forms"),
    # Reporting patient data in evidence: the trust's leads or the LMNS programme team ask.
    "lmns.governance_forms.PurgeRequestForm": AttackCase(
        build=_purge_request,
        persona="team",
        refused=("anonymous", "sibling_lead", "board", "other_team"),
        resave=Resave.ADD,
    ),
}
