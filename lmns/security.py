"""Who is asking: the client's address behind trusted proxies, and the sign-in lockout limits.

Behind a TLS proxy every request reaches the app from the proxy's address, so an address read
from the connection would lump everybody together: five wrong passwords typed by anyone would
lock the real person out. :func:`client_address` reads the address the trusted proxies vouch
for instead; the sign-in lockout (django-axes, ``AXES_CLIENT_IP_CALLABLE``) and any later rate
limiter take the address from it, and from nowhere else.

Sign-in lockout (``AXES_LOCKOUT_PARAMETERS = ["ip_address", ["username", "ip_address"]]`` with
:func:`sign_in_failure_limit`):

* an account is locked **from one address** after ``SIGN_IN_LOCKOUT_PER_ACCOUNT_AND_ADDRESS``
  (5) failures from that address: the same person signing in from anywhere else is not affected,
  so nobody can lock someone out without knowing their password;
* an address is locked for every account after ``SIGN_IN_LOCKOUT_PER_ADDRESS`` (20) failures
  across accounts, which stops one machine guessing a few passwords of many people.

Both last ``AXES_COOLOFF_TIME`` (30 minutes) from the last failure. A successful sign-in clears
that account's failures from that address, and only those (:func:`clear_failures_on_sign_in`;
axes' own ``AXES_RESET_ON_SUCCESS`` would clear the whole address's, so anyone with an account
could reset the per-address count by signing in to it between guesses).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def _address(entry: str) -> str | None:
    """A valid IP address from one X-Forwarded-For entry ("1.2.3.4", "1.2.3.4:5678", "[::1]")."""
    entry = entry.strip()
    candidates = [entry]
    if entry.startswith("["):
        candidates.append(entry[1:].partition("]")[0])
    elif entry.count(":") == 1:
        candidates.append(entry.partition(":")[0])
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def client_address(request: HttpRequest) -> str | None:
    """The address of the person making the request, as far as the trusted proxies vouch for it.

    Each of the ``TRUSTED_PROXY_COUNT`` proxies in front of the app appends the address it was
    reached from to ``X-Forwarded-For``. Entries further left were written by the client and are
    not believed, so the header is read right to left: the client's address is the entry
    ``TRUSTED_PROXY_COUNT`` places from the right (the leftmost, if there are fewer). With no
    trusted proxy, no header, or an entry that is not an address, it is the address that
    connected (``REMOTE_ADDR``).
    """
    connected = _address(request.META.get("REMOTE_ADDR", ""))
    count = settings.TRUSTED_PROXY_COUNT
    entries = [e for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
    if count <= 0 or not entries:
        return connected
    return _address(entries[-min(count, len(entries))]) or connected


def sign_in_failure_limit(request: HttpRequest, credentials: dict | None) -> int:
    """django-axes' ``AXES_FAILURE_LIMIT``: the limit that applies to this attempt.

    axes compares one limit with the most failures counted by any lockout parameter, which is
    the address's count across accounts (it includes the account's). So the limit is the
    per-account one once this account has reached it from this address, and the per-address
    one otherwise: locked exactly when either limit is reached.
    """
    from axes.attempts import get_cool_off_threshold
    from axes.helpers import get_client_username
    from axes.models import AccessAttempt

    per_account = settings.SIGN_IN_LOCKOUT_PER_ACCOUNT_AND_ADDRESS
    username = get_client_username(request, credentials)
    if username is None:
        return settings.SIGN_IN_LOCKOUT_PER_ADDRESS
    failures = AccessAttempt.objects.filter(
        username=username,
        ip_address=request.axes_ip_address,
        attempt_time__gte=get_cool_off_threshold(request),
    ).aggregate(total=Sum("failures_since_start"))["total"]
    if (failures or 0) >= per_account:
        return per_account
    return settings.SIGN_IN_LOCKOUT_PER_ADDRESS


def clear_failures_on_sign_in(sender, request, user, **kwargs) -> None:
    """``user_logged_in``: clear this account's failed attempts from this address, no others."""
    from axes.models import AccessAttempt

    if request is None:
        return
    AccessAttempt.objects.filter(
        username=user.get_username(), ip_address=client_address(request)
    ).delete()


def sign_in_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the account a sign-in attempt names.

    The user name allauth passes to ``authenticate`` (``username``), else the sign-in form's
    ``login`` field; a wrong second-factor code is reported with the person's user name.
    """
    if credentials:
        name = credentials.get("username") or credentials.get(settings.AXES_USERNAME_FORM_FIELD)
        if name:
            return str(name)
    value = request.POST.get(settings.AXES_USERNAME_FORM_FIELD) if request is not None else None
    return value or None
