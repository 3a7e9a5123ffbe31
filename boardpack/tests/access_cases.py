from lmns.tests.matrix import FORBIDDEN, NOT_FOUND, OK, REDIRECT, Case, everyone

from ..services import issue_pack


def _issued(w) -> dict:
    """URL arguments of the quarter's pack, issued once by the programme team."""
    issue_pack(lmns=w.lmns, period=w.period, user=w.users["team"], expected_version=0)
    return {"pk": w.lmns.pk, "period_pk": w.period.pk}


# Board pack pages: the LMNS's programme team and board only. Trust leads of the LMNS may read
# its shared pages but not the pack (403); another LMNS's people do not see it exists (404).
READERS = everyone(OK, lead=FORBIDDEN, sibling_lead=FORBIDDEN, other_team=NOT_FOUND)
TEAM_ONLY = everyone(
    FORBIDDEN, team=OK, other_team=NOT_FOUND, lead=FORBIDDEN, sibling_lead=FORBIDDEN
)

CASES = {
    # The programme team is sent on to the working period's draft; the board reads the latest
    # issued pack.
    "boardpack:latest": Case(
        kwargs=lambda w: {"pk": w.lmns.pk}, expect={**READERS, "team": REDIRECT}
    ),
    "boardpack:packs": Case(kwargs=lambda w: {"pk": w.lmns.pk}, expect=READERS),
    "boardpack:pack": Case(kwargs=_issued, expect=READERS),
    "boardpack:issue": Case(kwargs=_issued, expect=TEAM_ONLY),
    "boardpack:pdf": Case(kwargs=_issued, expect=READERS),
    "boardpack:xlsx": Case(kwargs=_issued, expect=READERS),
    "boardpack:csv": Case(kwargs=lambda w: {**_issued(w), "table": "key-messages"}, expect=READERS),
}
