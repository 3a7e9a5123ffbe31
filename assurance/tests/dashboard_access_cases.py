"""Access cases of the dashboard's URLs (merged into access_cases.CASES)."""

from lmns.tests.matrix import FORBIDDEN, LMNS_WIDE, NOT_FOUND, OK, Case, everyone

DASHBOARD_CASES = {
    # Shows every trust of the LMNS: programme team and board only.
    "assurance:dashboard": Case(kwargs=lambda w: {"pk": w.lmns.pk}, expect=LMNS_WIDE),
    "assurance:trust_trend": Case(
        kwargs=lambda w: {"pk": w.trust.pk},
        expect=everyone(OK, sibling_lead=NOT_FOUND, other_team=NOT_FOUND),
    ),
    # Writes assured figures: programme team only; others who can read the LMNS get 403.
    "assurance:import_compliance": Case(
        kwargs=lambda w: {"pk": w.lmns.pk},
        expect=everyone(FORBIDDEN, team=OK, other_team=NOT_FOUND),
    ),
}
