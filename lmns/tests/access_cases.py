from .matrix import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Case, everyone

CASES = {
    "home": Case(expect=everyone(OK)),
    "help": Case(expect=everyone(OK)),
    "accessibility": Case(expect=everyone(OK, anonymous=OK)),
    "privacy": Case(expect=everyone(OK, anonymous=OK)),
    "session_keep_alive": Case(expect=everyone(NOT_ALLOWED, anonymous=NOT_ALLOWED)),
    "lmns_detail": Case(
        kwargs=lambda w: {"pk": w.lmns.pk},
        expect=everyone(OK, other_team=NOT_FOUND),
    ),
    "trust_detail": Case(
        kwargs=lambda w: {"pk": w.trust.pk},
        expect=everyone(OK, sibling_lead=NOT_FOUND, other_team=NOT_FOUND),
    ),
    "notifications": Case(expect=everyone(OK)),
    "notifications_read": Case(expect=everyone(NOT_ALLOWED)),
    "record_history": Case(
        kwargs=lambda w: {"label": "lmns.trust", "pk": w.trust.pk},
        expect=everyone(OK, sibling_lead=NOT_FOUND, other_team=NOT_FOUND),
    ),
    "download_log": Case(
        kwargs=lambda w: {"pk": w.lmns.pk},
        expect=everyone(FORBIDDEN, team=OK, other_team=NOT_FOUND),
    ),
    "purge_list": Case(expect=everyone(FORBIDDEN, team=OK, other_team=OK)),
    "purge_approve": Case(kwargs=lambda w: {"pk": 1}, expect=everyone(NOT_ALLOWED)),
    "purge_reject": Case(kwargs=lambda w: {"pk": 1}, expect=everyone(NOT_ALLOWED)),
}

__all__ = ["CASES", "FORBIDDEN", "REDIRECT"]
