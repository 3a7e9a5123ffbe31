from lmns.tests.matrix import NOT_ALLOWED, OK, Case, everyone
from mail import tokens


def _unsubscribe(world) -> dict:
    return {"token": tokens.make(world.users["lead"].pk, "return.sent_back")}


CASES = {
    "mail:preferences": Case(expect=everyone(OK)),
    # The signed token is the credential: anyone holding the link sees the page (a GET changes
    # nothing), signed in or not.
    "mail:unsubscribe": Case(kwargs=_unsubscribe, expect=everyone(OK, anonymous=OK)),
    # RFC 8058's one-click address: POST only.
    "mail:one_click": Case(
        kwargs=_unsubscribe, expect=everyone(NOT_ALLOWED, anonymous=NOT_ALLOWED)
    ),
}
