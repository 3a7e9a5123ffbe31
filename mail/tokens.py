"""The unsubscribe token: who and which kind of email, signed, with no sign-in needed."""

from django.core import signing

SALT = "mail.unsubscribe"


def make(user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=SALT, compress=True)


def read(token: str) -> tuple[int, str] | None:
    """The person and kind a token names, or ``None`` for a token that was not ours."""
    try:
        data = signing.loads(token, salt=SALT)
        return int(data["u"]), str(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
