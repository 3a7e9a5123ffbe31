"""Access matrix cases for the assurance returns pages (GET as every persona)."""

from assurance.models import ReturnStatus
from assurance.tests.dashboard_access_cases import DASHBOARD_CASES
from assurance.tests.factories import (
    ActionFactory,
    AnswerLinkFactory,
    ChangeRequestFactory,
    EvidenceFileFactory,
    QuarterlyReturnFactory,
)
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


def _return(w):
    return QuarterlyReturnFactory(trust=w.trust, period=w.period)


def _section_kwargs(w):
    ret = _return(w)
    return {"pk": ret.pk, "section_pk": ret.framework.sections.first().pk}


def _evidence(w):
    ret = _return(w)
    return EvidenceFileFactory(answer=ret.answers.first())


def _reviewed(w):
    return QuarterlyReturnFactory(trust=w.trust, period=w.period, status=ReturnStatus.UNDER_REVIEW)


def _request(w):
    return ChangeRequestFactory(quarterly_return=_reviewed(w))


def _action(w):
    return ActionFactory(raised_on=_return(w).answers.first())


def _link(w):
    return AnswerLinkFactory(answer=_return(w).answers.first())


TRUST_READERS = everyone(OK, sibling_lead=NOT_FOUND, other_team=NOT_FOUND)
# The LMNS's review: its programme team only; the trust's own people are told why (403).
REVIEWERS = everyone(FORBIDDEN, team=OK, sibling_lead=NOT_FOUND, other_team=NOT_FOUND)
# What the trust's own leads do: others who can read the trust are told why (403).
LEAD_ONLY = everyone(FORBIDDEN, lead=OK, sibling_lead=NOT_FOUND, other_team=NOT_FOUND)

CASES = {
    "assurance:trust_returns": Case(kwargs=lambda w: {"pk": w.trust.pk}, expect=TRUST_READERS),
    "assurance:return_start": Case(
        kwargs=lambda w: {"pk": w.trust.pk},
        expect=everyone(FORBIDDEN, lead=OK, sibling_lead=NOT_FOUND, other_team=NOT_FOUND),
    ),
    "assurance:return_detail": Case(kwargs=lambda w: {"pk": _return(w).pk}, expect=TRUST_READERS),
    "assurance:return_whole": Case(kwargs=lambda w: {"pk": _return(w).pk}, expect=TRUST_READERS),
    "assurance:return_pdf": Case(kwargs=lambda w: {"pk": _return(w).pk}, expect=TRUST_READERS),
    "assurance:return_evidence_zip": Case(
        kwargs=lambda w: {"pk": _evidence(w).answer.quarterly_return_id}, expect=TRUST_READERS
    ),
    "assurance:section_edit": Case(kwargs=_section_kwargs, expect=TRUST_READERS),
    "assurance:return_action": Case(
        kwargs=lambda w: {"pk": _return(w).pk, "action": "submit"},
        expect=everyone(FORBIDDEN, lead=OK, sibling_lead=NOT_FOUND, other_team=NOT_FOUND),
    ),
    "assurance:evidence_download": Case(
        kwargs=lambda w: {"pk": _evidence(w).pk}, expect=TRUST_READERS
    ),
    "assurance:evidence_withdraw": Case(
        kwargs=lambda w: {"pk": _evidence(w).pk}, expect=everyone(NOT_ALLOWED)
    ),
    "assurance:request_new": Case(kwargs=lambda w: {"pk": _reviewed(w).pk}, expect=REVIEWERS),
    "assurance:request_thread": Case(kwargs=lambda w: {"pk": _request(w).pk}, expect=TRUST_READERS),
    "assurance:request_step": Case(
        kwargs=lambda w: {"pk": _request(w).pk, "action": "accept"}, expect=REVIEWERS
    ),
    "assurance:answer_verdict": Case(
        kwargs=lambda w: {"pk": _reviewed(w).answers.first().pk},
        expect=REVIEWERS,
    ),
    # Actions: the trust's leads raise and update them, the LMNS programme team closes them.
    "assurance:action_new": Case(
        kwargs=lambda w: {"pk": _return(w).answers.first().pk}, expect=LEAD_ONLY
    ),
    "assurance:action_edit": Case(kwargs=lambda w: {"pk": _action(w).pk}, expect=LEAD_ONLY),
    "assurance:action_close": Case(kwargs=lambda w: {"pk": _action(w).pk}, expect=REVIEWERS),
    # Frameworks cross-referenced: the trust's leads link related evidence and actions, on a
    # draft; removing a link is a POST only.
    "assurance:answer_links": Case(
        kwargs=lambda w: {"pk": _return(w).answers.first().pk}, expect=LEAD_ONLY
    ),
    "assurance:link_remove": Case(
        kwargs=lambda w: {"pk": _link(w).pk}, expect=everyone(NOT_ALLOWED)
    ),
    # The actions register: the LMNS's (programme team and board) and each trust's.
    "assurance:lmns_actions": Case(kwargs=lambda w: {"pk": w.lmns.pk}, expect=LMNS_WIDE),
    "assurance:lmns_actions_export": Case(
        kwargs=lambda w: {"pk": w.lmns.pk, "fmt": "csv"}, expect=LMNS_WIDE
    ),
    "assurance:trust_actions": Case(kwargs=lambda w: {"pk": w.trust.pk}, expect=TRUST_READERS),
    "assurance:trust_actions_export": Case(
        kwargs=lambda w: {"pk": w.trust.pk, "fmt": "xlsx"}, expect=TRUST_READERS
    ),
    # Reporting patient data in a trust's evidence: its leads and the programme team.
    "purge_request": Case(
        kwargs=lambda w: {"label": "assurance.evidencefile", "pk": _evidence(w).pk},
        expect=everyone(OK, sibling_lead=NOT_FOUND, board=FORBIDDEN, other_team=NOT_FOUND),
    ),
}
# What the LMNS collects: its programme team only; others who can read the LMNS get 403.
TEAM_ONLY = everyone(FORBIDDEN, team=OK, other_team=NOT_FOUND)


def _framework_kwargs(w):
    from assurance.tests.factories import ockenden_interim

    return {"pk": w.lmns.pk, "period_pk": w.period.pk, "framework_pk": ockenden_interim().pk}


CASES.update(
    {
        # Opens on the working period's page.
        "assurance:collections": Case(
            kwargs=lambda w: {"pk": w.lmns.pk}, expect={**TEAM_ONLY, "team": REDIRECT}
        ),
        "assurance:collection_period": Case(
            kwargs=lambda w: {"pk": w.lmns.pk, "period_pk": w.period.pk}, expect=TEAM_ONLY
        ),
        "assurance:collection_edit": Case(kwargs=_framework_kwargs, expect=TEAM_ONLY),
        "assurance:collection_copy": Case(
            kwargs=lambda w: {"pk": w.lmns.pk, "period_pk": w.period.pk},
            expect=everyone(NOT_ALLOWED),
        ),
    }
)
CASES.update(DASHBOARD_CASES)
