"""A sign-in lockout nobody can abuse: it locks a guesser, never the person they pretend to be.

Production runs behind one TLS proxy, so every request arrives from the proxy's address
(127.0.0.1 here) and the client's address is in X-Forwarded-For, appended by the proxy.
"""

import pytest
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse

from lmns.security import client_address

PROXY = "127.0.0.1"
LEAD_AT_WORK = "198.51.100.7"
GUESSER = "203.0.113.9"
PASSWORD = "test-password-123"


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def _sign_in(address: str, username: str, password: str, forged: str = "") -> int:
    """One sign-in through the proxy, which appends the address it was reached from."""
    forwarded = f"{forged}, {address}" if forged else address
    response = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded).post(
        reverse("account_login"), {"login": username, "password": password}
    )
    return response.status_code


@pytest.mark.parametrize(
    "count, forwarded, expected",
    [
        (0, "", PROXY),
        (0, "203.0.113.9", PROXY),  # no trusted proxy: the header is the client's own words
        (1, "", PROXY),
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.7, 203.0.113.9", "203.0.113.9"),  # the left entry is forged
        (1, "198.51.100.7,203.0.113.9:51234", "203.0.113.9"),
        (1, "not-an-address, 2001:db8::1", "2001:db8::1"),
        (1, "[2001:db8::2]:443", "2001:db8::2"),
        (1, "198.51.100.7, junk", PROXY),  # the proxy wrote nonsense: trust the connection
        (2, "192.0.2.5, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "203.0.113.9"),
    ],
)
def test_the_client_address_is_read_right_to_left_past_the_trusted_proxies(
    settings, count, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = count
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, **extra)
    assert client_address(request) == expected


def test_production_trusts_one_proxy_and_development_none():
    import os
    import subprocess
    import sys

    from django.conf import settings

    def count(debug: str) -> str:
        env = {**os.environ, "DEBUG": debug, "SECRET_KEY": "x" * 50, "MFA_ENCRYPTION_KEY": "k"}
        env.pop("TRUSTED_PROXY_COUNT", None)
        code = "from lmns import settings; print(settings.TRUSTED_PROXY_COUNT)"
        run = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            capture_output=True,
            text=True,
            cwd=settings.BASE_DIR,
        )
        return run.stdout.strip()

    assert (count("0"), count("1")) == ("1", "0")


@pytest.mark.django_db
def test_a_guesser_cannot_lock_the_real_person_out(world, behind_one_proxy):
    outcomes = [_sign_in(GUESSER, "nuh-lead", "guess", forged=LEAD_AT_WORK) for _ in range(5)]

    assert outcomes == [200, 200, 200, 200, 429]  # the fifth failure locks the guesser out
    assert _sign_in(GUESSER, "nuh-lead", PASSWORD) == 429
    assert _sign_in(LEAD_AT_WORK, "nuh-lead", PASSWORD) == 302  # the lead is not


@pytest.mark.django_db
def test_an_account_is_locked_from_an_address_after_five_failures_there(world, behind_one_proxy):
    for _ in range(4):
        _sign_in(LEAD_AT_WORK, "nuh-lead", "typo")
    assert _sign_in(LEAD_AT_WORK, "nuh-lead", PASSWORD) == 302  # four typos and then right

    for _ in range(5):
        _sign_in(LEAD_AT_WORK, "nuh-lead", "typo")
    assert _sign_in(LEAD_AT_WORK, "nuh-lead", PASSWORD) == 429
    assert _sign_in(LEAD_AT_WORK, "sfh-lead", PASSWORD) == 302  # a colleague at the same desk


@pytest.mark.django_db
def test_an_address_is_locked_after_twenty_failures_across_accounts(world, behind_one_proxy):
    for n in range(19):
        _sign_in(GUESSER, f"someone-{n}", "guess")
    # 19 failures: not yet; and signing in to one's own account does not clear them.
    assert _sign_in(GUESSER, "sfh-lead", PASSWORD) == 302
    _sign_in(GUESSER, "someone-19", "guess")

    assert _sign_in(GUESSER, "sfh-lead", PASSWORD) == 429  # 20: every account from there
    assert _sign_in(LEAD_AT_WORK, "sfh-lead", PASSWORD) == 302  # the accounts themselves: not


@pytest.mark.django_db
def test_an_administrator_unlocks_an_account_with_axes_reset_username(world, behind_one_proxy):
    for _ in range(5):
        _sign_in(LEAD_AT_WORK, "nuh-lead", "typo")
    assert _sign_in(LEAD_AT_WORK, "nuh-lead", PASSWORD) == 429

    call_command("axes_reset_username", "nuh-lead", verbosity=0)

    assert _sign_in(LEAD_AT_WORK, "nuh-lead", PASSWORD) == 302
