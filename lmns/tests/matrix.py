"""The access matrix: every URL the project defines, as every persona, with the expected status.

Each app declares its URLs in ``<app>/tests/access_cases.py`` as ``CASES = {url_name: Case}``.
``tests/test_access_matrix.py`` discovers every named URL from the resolver and fails if one
has no case, so a new view cannot escape the matrix.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

OK, REDIRECT, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 403, 404, 405


@dataclass
class Case:
    """Expected GET statuses by persona for one URL name.

    ``kwargs`` builds the URL's arguments from the test world (creating objects as needed).
    ``expect`` maps persona to status; the anonymous visitor is redirected to sign in unless
    stated otherwise.
    """

    kwargs: Callable = field(default=lambda world: {})
    expect: dict[str, int] = field(default_factory=dict)
    query: str = ""

    def expected(self, persona: str) -> int:
        if persona == "anonymous":
            return self.expect.get("anonymous", REDIRECT)
        return self.expect[persona]


def everyone(status: int, **overrides: int) -> dict[str, int]:
    """Expectations where every signed-in persona gets ``status`` except the overrides."""
    base = {p: status for p in ["lead", "sibling_lead", "team", "board", "other_team"]}
    base.update(overrides)
    return base


# An LMNS-wide page (every trust at once): its programme team and board read it, its trust leads
# are refused with the reason (403), and another LMNS's people are told nothing (404).
LMNS_WIDE = everyone(OK, lead=FORBIDDEN, sibling_lead=FORBIDDEN, other_team=NOT_FOUND)
