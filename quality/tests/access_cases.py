"""Access cases of the quality pages (see lmns/tests/matrix.py)."""

from lmns.tests.matrix import FORBIDDEN, LMNS_WIDE, NOT_FOUND, OK, Case, everyone

LMNS = {"kwargs": lambda w: {"pk": w.lmns.pk}}
TRUST = {"kwargs": lambda w: {"pk": w.trust.pk}}
# Every trust of the LMNS at once: the programme team and the board; trust leads see their own
# trust's page instead.
WIDE = LMNS_WIDE
TEAM_ONLY = everyone(FORBIDDEN, team=OK, other_team=NOT_FOUND)

CASES = {
    "quality:surveillance": Case(**LMNS, expect=WIDE),
    "quality:surveillance_xlsx": Case(**LMNS, expect=WIDE),
    "quality:ambitions": Case(**LMNS, expect=WIDE),
    # Baby Friendly stages are read by everyone of the LMNS, trust leads included.
    "quality:accreditations": Case(**LMNS, expect=everyone(OK, other_team=NOT_FOUND)),
    "quality:import": Case(**LMNS, expect=TEAM_ONLY),
    "quality:import_template": Case(**LMNS, expect=TEAM_ONLY),
    # With nothing uploaded the preview sends the programme team back to the upload page.
    "quality:import_preview": Case(
        **LMNS, expect=everyone(FORBIDDEN, team=302, other_team=NOT_FOUND)
    ),
    "quality:trust": Case(
        **TRUST, expect=everyone(OK, sibling_lead=NOT_FOUND, other_team=NOT_FOUND)
    ),
    "quality:chart": Case(
        kwargs=lambda w: {"pk": w.trust.pk, "code": "TRAIN-PROMPT"},
        expect=everyone(OK, sibling_lead=NOT_FOUND, other_team=NOT_FOUND),
    ),
    # Figures are entered by the trust's own leads; the LMNS reads them.
    "quality:entry": Case(
        **TRUST,
        expect=everyone(FORBIDDEN, lead=OK, sibling_lead=NOT_FOUND, other_team=NOT_FOUND),
    ),
}
