"""Access cases for sign-in, password reset, second factor, single sign-on and invitations.

allauth's pages answer signed-in people on the entrance pages with a redirect home, and the
second-factor pages that need a fresh password with a redirect to confirm it first.
"""

from lmns.tests.matrix import FORBIDDEN, NOT_FOUND, OK, REDIRECT, Case, everyone

from .factories import invitation_with_token

UNAUTHORIZED = 401

CASES = {
    "account_login": Case(expect=everyone(REDIRECT, anonymous=OK)),
    # Signing out is a POST; its GET asks "Sign out?" and changes nothing.
    "account_logout": Case(expect=everyone(OK)),
    "account_inactive": Case(expect=everyone(OK, anonymous=OK)),
    "account_signup": Case(expect=everyone(OK, anonymous=OK)),  # "accounts come by invitation"
    "account_reauthenticate": Case(expect=everyone(OK)),
    "account_email": Case(expect=everyone(OK)),
    "account_change_password": Case(expect=everyone(OK)),
    "account_set_password": Case(expect=everyone(REDIRECT)),  # has one: change it instead
    "account_reset_password": Case(expect=everyone(OK, anonymous=OK)),
    "account_reset_password_done": Case(expect=everyone(OK, anonymous=OK)),
    "account_reset_password_from_key": Case(
        kwargs=lambda w: {"uidb36": "1", "key": "x"}, expect=everyone(OK, anonymous=OK)
    ),
    "account_reset_password_from_key_done": Case(expect=everyone(OK, anonymous=OK)),
    "mfa_index": Case(expect=everyone(OK)),
    "mfa_authenticate": Case(expect=everyone(REDIRECT)),
    "mfa_reauthenticate": Case(expect=everyone(REDIRECT)),
    "mfa_activate_totp": Case(expect=everyone(REDIRECT)),  # confirm the password first
    "mfa_deactivate_totp": Case(expect=everyone(NOT_FOUND)),  # nothing to deactivate
    "mfa_generate_recovery_codes": Case(expect=everyone(REDIRECT)),
    "mfa_view_recovery_codes": Case(expect=everyone(NOT_FOUND)),
    "mfa_download_recovery_codes": Case(expect=everyone(NOT_FOUND)),
    "openid_connect_login": Case(
        kwargs=lambda w: {"provider_id": "unknown"},
        expect=everyone(NOT_FOUND, anonymous=NOT_FOUND),
    ),
    "openid_connect_callback": Case(
        kwargs=lambda w: {"provider_id": "unknown"},
        expect=everyone(NOT_FOUND, anonymous=NOT_FOUND),
    ),
    "socialaccount_connections": Case(expect=everyone(OK)),  # read-only: shows the address
    "socialaccount_login_cancelled": Case(expect=everyone(OK, anonymous=OK)),
    "socialaccount_login_error": Case(expect=everyone(UNAUTHORIZED)),
    "socialaccount_signup": Case(expect=everyone(FORBIDDEN, anonymous=FORBIDDEN)),  # nobody
    "sso_not_invited": Case(expect=everyone(FORBIDDEN, anonymous=FORBIDDEN)),
    "sso_refused": Case(expect=everyone(FORBIDDEN, anonymous=FORBIDDEN)),
    # An invitation's page shows it and changes nothing, whoever opens it.
    "invitation": Case(
        kwargs=lambda w: {"token": invitation_with_token(lmns=w.lmns)[1]},
        expect=everyone(OK, anonymous=OK),
    ),
}
