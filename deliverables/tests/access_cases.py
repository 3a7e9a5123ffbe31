"""Every deliverables URL, as every persona.

The world's plan belongs to the Nottingham and Nottinghamshire LMNS (the team's, board's and both
trust leads'); "other_team" is Norfolk and Waveney's programme team and sees none of it.
"""

from lmns.tests.matrix import FORBIDDEN, NOT_FOUND, OK, Case, everyone

from .factories import (
    DeliverableFactory,
    MitigationFactory,
    PlanFactory,
    RiskFactory,
    with_trajectory,
)

# Readers: everyone of the LMNS; changers: its programme team only.
READ = everyone(OK, other_team=NOT_FOUND)
CHANGE = everyone(FORBIDDEN, team=OK, other_team=NOT_FOUND)


def _plan(w):
    return PlanFactory(lmns=w.lmns, title="Notts LMNS plan 2022/23")


def _deliverable(w):
    return DeliverableFactory(plan=_plan(w))


def _with_trajectory(w):
    deliverable = _deliverable(w)
    with_trajectory(deliverable)
    return deliverable


CASES = {
    "deliverables:plan_list": Case(kwargs=lambda w: {"pk": w.lmns.pk}, expect=READ),
    "deliverables:plan_create": Case(kwargs=lambda w: {"pk": w.lmns.pk}, expect=CHANGE),
    "deliverables:plan_detail": Case(kwargs=lambda w: {"pk": _plan(w).pk}, expect=READ),
    "deliverables:plan_export": Case(
        kwargs=lambda w: {"pk": _plan(w).pk, "fmt": "xlsx"}, expect=READ
    ),
    "deliverables:period_update": Case(kwargs=lambda w: {"pk": _plan(w).pk}, expect=CHANGE),
    "deliverables:import_upload": Case(kwargs=lambda w: {"pk": _plan(w).pk}, expect=CHANGE),
    # With nothing uploaded the preview sends the programme team back to the upload page.
    "deliverables:import_preview": Case(
        kwargs=lambda w: {"pk": _plan(w).pk},
        expect=everyone(FORBIDDEN, team=302, other_team=NOT_FOUND),
    ),
    "deliverables:deliverable_detail": Case(
        kwargs=lambda w: {"pk": _deliverable(w).pk}, expect=READ
    ),
    "deliverables:deliverable_update": Case(
        kwargs=lambda w: {"pk": _deliverable(w).pk}, expect=CHANGE
    ),
    "deliverables:deliverable_edit": Case(
        kwargs=lambda w: {"pk": _deliverable(w).pk}, expect=CHANGE
    ),
    "deliverables:deliverable_actual": Case(
        kwargs=lambda w: {"pk": _with_trajectory(w).pk}, expect=CHANGE
    ),
    "deliverables:risk_register": Case(kwargs=lambda w: {"pk": w.lmns.pk}, expect=READ),
    "deliverables:risk_create": Case(kwargs=lambda w: {"pk": w.lmns.pk}, expect=CHANGE),
    "deliverables:risk_detail": Case(
        kwargs=lambda w: {"pk": RiskFactory(lmns=w.lmns).pk}, expect=READ
    ),
    "deliverables:risk_edit": Case(
        kwargs=lambda w: {"pk": RiskFactory(lmns=w.lmns).pk}, expect=CHANGE
    ),
    "deliverables:risk_rescore": Case(
        kwargs=lambda w: {"pk": RiskFactory(lmns=w.lmns).pk}, expect=CHANGE
    ),
    "deliverables:mitigation_create": Case(
        kwargs=lambda w: {"pk": RiskFactory(lmns=w.lmns).pk}, expect=CHANGE
    ),
    "deliverables:mitigation_edit": Case(
        kwargs=lambda w: {"pk": MitigationFactory(risk__lmns=w.lmns).pk}, expect=CHANGE
    ),
}
