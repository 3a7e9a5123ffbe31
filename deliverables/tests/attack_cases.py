"""Attack cases for the deliverables forms (see ``tests/attacks``): how each is used validly."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from deliverables.forms import MappingForm
from deliverables.tests.factories import (
    DeliverableFactory,
    PlanFactory,
    RiskFactory,
    WorkstreamFactory,
    with_trajectory,
)
from tests.attacks import AttackCase, Resave, Target

PERIOD = frozenset({"period"})


def _plans(w):
    return PlanFactory(lmns=w.lmns), PlanFactory(lmns=w.other_lmns)


def _deliverable_update(w) -> Target:
    plan, other_plan = _plans(w)
    deliverable = DeliverableFactory(plan=plan)
    other = DeliverableFactory(plan=other_plan)
    return Target(
        url=reverse("deliverables:deliverable_update", args=[deliverable.pk]),
        data={
            "period": w.period.pk,
            "status": "on_track",
            "narrative": "Continuity of carer teams launched at QMC.",
            "recovery_action": "",
            "recovery_date": "",
            "version": deliverable.version,
        },
        show_url=reverse("deliverables:deliverable_detail", args=[deliverable.pk]),
        foreign_url=reverse("deliverables:deliverable_update", args=[other.pk]),
    )


def _period_update(w) -> Target:
    plan, other_plan = _plans(w)
    deliverable = DeliverableFactory(plan=plan)
    other = DeliverableFactory(plan=other_plan)
    return Target(
        url=reverse("deliverables:period_update", args=[plan.pk]),
        data={
            "p-period": w.period.pk,
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-deliverable": deliverable.pk,
            "form-0-version": deliverable.version,
            "form-0-status": "on_track",
            "form-0-narrative": "Recruitment to the continuity teams complete.",
            "form-0-recovery_action": "",
            "form-0-recovery_date": "",
        },
        show_url=reverse("deliverables:deliverable_detail", args=[deliverable.pk]),
        foreign={"deliverable": other.pk},
        foreign_url=reverse("deliverables:period_update", args=[other_plan.pk]),
    )


def _period_choice(w) -> Target:
    """The period chosen on the period update page (its rows carry the deliverables)."""
    target = _period_update(w)
    target.foreign = {}
    return target


def _actual(w) -> Target:
    plan, other_plan = _plans(w)
    deliverable = DeliverableFactory(plan=plan)
    other = DeliverableFactory(plan=other_plan)
    with_trajectory(deliverable)
    with_trajectory(other)
    return Target(
        url=reverse("deliverables:deliverable_actual", args=[deliverable.pk]),
        data={"period": w.period.pk, "value": "38.5", "note": "From the MSDS return."},
        show_url=reverse("deliverables:deliverable_detail", args=[deliverable.pk]),
        foreign_url=reverse("deliverables:deliverable_actual", args=[other.pk]),
    )


def _risk_create(w) -> Target:
    plan, other_plan = _plans(w)
    deliverable = DeliverableFactory(plan=plan)
    other = DeliverableFactory(plan=other_plan)
    return Target(
        url=reverse("deliverables:risk_create", args=[w.lmns.pk]),
        data={
            "title": "Midwifery vacancies",
            "description": "Vacancies delay continuity of carer.",
            "cause": "Recruitment lag",
            "consequence": "Fewer women on a continuity pathway",
            "owner_name": "Director of Midwifery",
            "likelihood": "4",
            "impact": "4",
            "review_date": "2022-09-30",
            "status": "open",
            "deliverables": [deliverable.pk],
        },
        show_url=reverse("deliverables:risk_register", args=[w.lmns.pk]),
        foreign={"deliverables": [other.pk]},
        foreign_url=reverse("deliverables:risk_create", args=[w.other_lmns.pk]),
    )


def _risk_edit(w) -> Target:
    from deliverables.forms import RiskForm
    from deliverables.models import Deliverable

    plan, other_plan = _plans(w)
    deliverable = DeliverableFactory(plan=plan)
    other = DeliverableFactory(plan=other_plan)
    risk = RiskFactory(lmns=w.lmns)
    other_risk = RiskFactory(lmns=w.other_lmns)
    return Target(
        url=reverse("deliverables:risk_edit", args=[risk.pk]),
        data={
            "title": "Midwifery vacancies",
            "description": "Vacancies delay continuity of carer.",
            "cause": "Recruitment lag",
            "consequence": "Fewer women on a continuity pathway",
            "owner_name": "Director of Midwifery",
            "review_date": "2022-09-30",
            "status": "open",
            "deliverables": [deliverable.pk],
            "version": risk.version,
        },
        show_url=reverse("deliverables:risk_detail", args=[risk.pk]),
        foreign={"deliverables": [other.pk]},
        foreign_url=reverse("deliverables:risk_edit", args=[other_risk.pk]),
        form=RiskForm(instance=risk, deliverables=Deliverable.objects.none(), editing=True),
    )


def _rescore(w) -> Target:
    risk = RiskFactory(lmns=w.lmns)
    other = RiskFactory(lmns=w.other_lmns)
    return Target(
        url=reverse("deliverables:risk_rescore", args=[risk.pk]),
        data={
            "likelihood": "5",
            "impact": "4",
            "note": "Two more vacancies this quarter.",
            "review_date": "2022-12-31",
            "version": risk.version,
        },
        show_url=reverse("deliverables:risk_detail", args=[risk.pk]),
        foreign_url=reverse("deliverables:risk_rescore", args=[other.pk]),
    )


def _mitigation(w) -> Target:
    risk = RiskFactory(lmns=w.lmns)
    other = RiskFactory(lmns=w.other_lmns)
    return Target(
        url=reverse("deliverables:mitigation_create", args=[risk.pk]),
        data={"action": "International recruitment", "owner_name": "HR lead", "status": "on_track"},
        show_url=reverse("deliverables:risk_detail", args=[risk.pk]),
        foreign_url=reverse("deliverables:mitigation_create", args=[other.pk]),
    )


def _mitigation_edit(w) -> Target:
    from deliverables.models import Mitigation

    risk = RiskFactory(lmns=w.lmns)
    mitigation = Mitigation.objects.create(risk=risk, action="Agency cover", owner_name="HR")
    other = Mitigation.objects.create(
        risk=RiskFactory(lmns=w.other_lmns), action="Agency cover", owner_name="HR"
    )
    return Target(
        url=reverse("deliverables:mitigation_edit", args=[mitigation.pk]),
        data={"action": "International recruitment", "owner_name": "HR lead", "status": "at_risk"},
        show_url=reverse("deliverables:risk_detail", args=[risk.pk]),
        foreign_url=reverse("deliverables:mitigation_edit", args=[other.pk]),
    )


def _plan_create(w) -> Target:
    from deliverables.forms import PlanForm

    return Target(
        url=reverse("deliverables:plan_create", args=[w.lmns.pk]),
        data={
            "title": "NUH maternity improvement plan",
            "trust": w.trust.pk,
            "period_start": "2022-04-01",
            "period_end": "2023-03-31",
        },
        show_url=reverse("deliverables:plan_list", args=[w.lmns.pk]),
        foreign={"trust": w.other_trust.pk},
        foreign_url=reverse("deliverables:plan_create", args=[w.other_lmns.pk]),
        form=PlanForm(trusts=w.lmns.trusts.all()),
    )


def _deliverable_edit(w) -> Target:
    from deliverables.forms import DeliverableForm

    plan, other_plan = _plans(w)
    workstream = WorkstreamFactory(plan=plan)
    other_workstream = WorkstreamFactory(plan=other_plan)
    deliverable = DeliverableFactory(plan=plan)
    other = DeliverableFactory(plan=other_plan)
    return Target(
        url=reverse("deliverables:deliverable_edit", args=[deliverable.pk]),
        data={
            "number": "4",
            "part": "a",
            "title": "Continuity of carer for Black, Asian and mixed ethnicity women",
            "text": "75% by March 2024.",
            "actions": "Teams launched at every trust.",
            "for_families": "Women know the midwife who cares for them.",
            "workstream": workstream.pk,
            "owner_name": "Director of Midwifery",
            "due_date": "2024-03-31",
            "trusts": [w.trust.pk],
            "version": deliverable.version,
        },
        show_url=reverse("deliverables:deliverable_detail", args=[deliverable.pk]),
        foreign={"workstream": other_workstream.pk, "trusts": [w.other_trust.pk]},
        foreign_url=reverse("deliverables:deliverable_edit", args=[other.pk]),
        form=DeliverableForm(
            instance=deliverable, workstreams=plan.workstreams.all(), trusts=w.lmns.trusts.all()
        ),
    )


IMPORT_CSV = (
    "number,title,text,status,narrative\n"
    "1,Continuity of carer,Roll out teams,On track,Teams launched\n"
    "2,Perinatal mental health,Expand service,Plans submitted June 22,Bid made\n"
)


def _csv():
    return SimpleUploadedFile("plan.csv", IMPORT_CSV.encode(), content_type="text/csv")


def _import_upload(w) -> Target:
    plan, other_plan = _plans(w)
    return Target(
        url=reverse("deliverables:import_upload", args=[plan.pk]),
        data={"file": _csv, "period": w.period.pk},
        foreign_url=reverse("deliverables:import_upload", args=[other_plan.pk]),
    )


def _import_preview(w) -> Target:
    plan, other_plan = _plans(w)
    upload = reverse("deliverables:import_upload", args=[plan.pk])

    def prepare(client):
        client.post(upload, {"file": _csv(), "period": w.period.pk})

    return Target(
        url=reverse("deliverables:import_preview", args=[plan.pk]),
        data={"word_0": "on_track"},
        show_url=reverse("deliverables:plan_detail", args=[plan.pk]),
        foreign_url=reverse("deliverables:import_preview", args=[other_plan.pk]),
        form=MappingForm(words=["Plans submitted June 22"]),
        prepare=prepare,
    )


def _plan_filter(w) -> Target:
    """The plan page's filters, read from the query string."""
    from deliverables.filters import DeliverableFilter
    from deliverables.models import Deliverable

    plan, other_plan = _plans(w)
    workstream = WorkstreamFactory(plan=plan)
    DeliverableFactory(plan=plan, workstream=workstream)
    return Target(
        url=reverse("deliverables:plan_detail", args=[plan.pk]),
        data={"workstream": workstream.pk, "status": ["on_track"], "overdue": "no"},
        foreign={
            "workstream": WorkstreamFactory(plan=other_plan).pk,
            "trust": w.other_trust.pk,
        },
        form=DeliverableFilter(queryset=Deliverable.objects.none(), plan=plan).form,
    )


CASES = {
    "deliverables.filters.DeliverableFilter": AttackCase(
        build=_plan_filter,
        persona="team",
        method="get",
        saves=False,
        refused=("anonymous", "other_team"),
    ),
    "deliverables.forms.PlanForm": AttackCase(
        build=_plan_create, persona="team", resave=Resave.ADD
    ),
    "deliverables.forms.DeliverableForm": AttackCase(
        build=_deliverable_edit, persona="team", resave=Resave.EDIT
    ),
    # A status update is a new record; the page starts from the deliverable's current status.
    "deliverables.forms.DeliverableUpdateForm": AttackCase(
        build=_deliverable_update, persona="team", unscoped=PERIOD, resave=Resave.ADD
    ),
    "deliverables.forms.PeriodRowForm": AttackCase(
        build=_period_update, persona="team", prefix="form-0", resave=Resave.ADD
    ),
    "deliverables.forms.PeriodChoiceForm": AttackCase(
        build=_period_choice, persona="team", prefix="p", unscoped=PERIOD, resave=Resave.ADD
    ),
    "deliverables.forms.ActualForm": AttackCase(
        build=_actual, persona="team", unscoped=PERIOD, resave=Resave.ADD
    ),
    "deliverables.forms.RiskForm": [
        # A new risk: its version field is not used yet, so any number there is ignored.
        AttackCase(
            build=_risk_create,
            persona="team",
            unused=frozenset({"version"}),
            resave=Resave.ADD,
        ),
        AttackCase(build=_risk_edit, persona="team", resave=Resave.EDIT),
    ],
    # A re-score is a new score in the risk's history; the page starts from the current one.
    "deliverables.forms.RescoreForm": AttackCase(build=_rescore, persona="team", resave=Resave.ADD),
    "deliverables.forms.MitigationForm": [
        AttackCase(build=_mitigation, persona="team", resave=Resave.ADD),
        AttackCase(build=_mitigation_edit, persona="team", resave=Resave.EDIT),
    ],
    "deliverables.forms.ImportUploadForm": AttackCase(
        # The checked file waits, as the person's import preview, for them to confirm it.
        build=_import_upload,
        persona="team",
        unscoped=PERIOD,
        resave=Resave.ADD,
    ),
    # Confirming the preview is the import itself.
    "deliverables.forms.MappingForm": AttackCase(
        build=_import_preview, persona="team", resave=Resave.STEP
    ),
}
