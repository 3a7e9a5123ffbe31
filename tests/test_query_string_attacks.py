"""Every page, opened with hostile query strings (filters, sorting, paging): never a server
error, and nothing typed into the address bar comes back as live markup.

Pages and their readers come from the access matrix (``<app>/tests/access_cases.py``), so a new
page is attacked as soon as it has its access case.
"""

import pytest
from django.urls import reverse

from tests.attacks import SCRIPT
from tests.test_access_matrix import CASES

HOSTILE = {
    name: value
    for name in (
        "period",
        "framework",
        "status",
        "workstream",
        "overdue",
        "trust",
        "to",
        "version",
        "year",
        "quarter",
        "page",
        "q",
        "next",
    )
    for value in [SCRIPT]
}
NUMBERS = ["abc", "1e309", "-1", str(10**20), "9" * 40, "NaN"]
SORT = ["-" + SCRIPT, "title;drop table x", "__class__"]


def _reader(case) -> str | None:
    return next((p for p, status in case.expect.items() if status == 200), None)


READABLE = sorted(name for name, case in CASES.items() if _reader(case))


@pytest.mark.parametrize("url_name", READABLE)
def test_hostile_query_strings_never_break_a_page(world, url_name):
    case = CASES[url_name]
    url = reverse(url_name, kwargs=case.kwargs(world))
    client = world.client_for(_reader(case))
    attempts = [HOSTILE, *({name: n for name in HOSTILE} for n in NUMBERS)]
    attempts += [{"sort": s} for s in SORT]
    for params in attempts:
        response = client.get(url, params)
        assert response.status_code < 500, params
        if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
            assert SCRIPT not in response.content.decode(), params
