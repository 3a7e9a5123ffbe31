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
                f"answers-{i}-action": "Train the remaining staff",
                f"answers-{i}-action_owner": "Practice development midwife",
                f"answers-{i}-action_due": "2022-09-30",
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
