from .matrix import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Case, everyone

CASES = {
    "home": Case(expect=everyone(OK)),
    "login": Case(expect=everyone(OK, anonymous=OK)),
    "logout": Case(expect=everyone(NOT_ALLOWED)),
    "session_keep_alive": Case(expect=everyone(NOT_ALLOWED, anonymous=NOT_ALLOWED)),
    "password_change": Case(expect=everyone(OK)),
    "password_change_done": Case(expect=everyone(OK)),
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
}

__all__ = ["CASES", "FORBIDDEN", "REDIRECT"]
