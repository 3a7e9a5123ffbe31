"""Every funding URL as every persona. NUH's lead leads ``w.trust``; SFH's lead the sibling trust."""

from funding.tests.factories import make_funded
from lmns.tests.matrix import (
    FORBIDDEN,
    LMNS_WIDE,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    Case,
    everyone,
)


def _year(w) -> dict:
    make_funded(w)
    return {"pk": w.lmns.pk, "start_year": 2022}


# The LMNS-wide pages: programme team and board read; the LMNS's trust leads are refused (403,
# their trust's page is "Funding held"); another LMNS's team gets 404.
WIDE_READ = LMNS_WIDE
# Changing LMNS-wide data: the programme team only.
# The LMNS's funding page and its years: its trust leads are sent to their trust's view.
WIDE_READ_OR_TRUST = everyone(OK, lead=REDIRECT, sibling_lead=REDIRECT, other_team=NOT_FOUND)
MANAGE = everyone(FORBIDDEN, team=OK, other_team=NOT_FOUND)

CASES = {
    "funding:lmns": Case(kwargs=lambda w: {"pk": w.lmns.pk}, expect=WIDE_READ_OR_TRUST),
    "funding:year": Case(kwargs=_year, expect=WIDE_READ_OR_TRUST),
    "funding:month6": Case(kwargs=_year, expect=WIDE_READ),
    "funding:export": Case(kwargs=_year, expect=WIDE_READ),
    "funding:stream_add": Case(kwargs=_year, expect=MANAGE),
    "funding:line_add": Case(kwargs=_year, expect=MANAGE),
    "funding:stream_change": Case(
        kwargs=lambda w: {"pk": make_funded(w).stream.pk},
        expect=MANAGE,
    ),
    "funding:return_detail": Case(
        kwargs=lambda w: {**_year(w), "quarter": 1},
        expect=everyone(OK, other_team=NOT_FOUND),
    ),
    "funding:return_transition": Case(
        kwargs=lambda w: {**_year(w), "quarter": 1, "action": "submit"},
        expect=everyone(NOT_ALLOWED),
    ),
    # Steps are POST only: a GET changes nothing, whoever asks.
    "funding:trust_step": Case(
        kwargs=lambda w: {**_year(w), "quarter": 1, "trust_pk": w.trust.pk, "action": "complete"},
        expect=everyone(NOT_ALLOWED),
    ),
    "funding:line_detail": Case(
        kwargs=lambda w: {"pk": make_funded(w).nuh_line.pk},
        expect=everyone(OK, sibling_lead=NOT_FOUND, other_team=NOT_FOUND),
    ),
    "funding:line_edit": Case(
        kwargs=lambda w: {"pk": make_funded(w).nuh_line.pk},
        expect=MANAGE,
    ),
    "funding:entry_edit": Case(
        kwargs=lambda w: {"line_pk": make_funded(w).nuh_line.pk, "quarter": 1},
        # The lead of the holding trust, and the programme team on a late trust's behalf.
        expect=everyone(FORBIDDEN, lead=OK, team=OK, sibling_lead=NOT_FOUND, other_team=NOT_FOUND),
    ),
    "funding:trust": Case(
        kwargs=lambda w: {"pk": w.trust.pk},
        expect=everyone(OK, sibling_lead=NOT_FOUND, other_team=NOT_FOUND),
    ),
}
