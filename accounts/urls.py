"""The account pages: allauth's views that the product uses, and its own.

allauth's URL module is not included whole: sign-up, managing addresses, sign-in codes and
connecting provider accounts by hand are not part of the product, so their names lead to the
product's own pages (which say how it is done here) and their forms are not reachable.
"""

from allauth.account import views as account_views
from allauth.socialaccount import views as social_views
from allauth.urls import build_provider_urlpatterns
from django.urls import include, path, re_path

from . import views

urlpatterns = [
    path("login/", account_views.login, name="account_login"),
    path("logout/", account_views.logout, name="account_logout"),
    path("inactive/", account_views.account_inactive, name="account_inactive"),
    path("reauthenticate/", account_views.reauthenticate, name="account_reauthenticate"),
    path("password/change/", account_views.password_change, name="account_change_password"),
    path("password/set/", account_views.password_set, name="account_set_password"),
    path("password/reset/", account_views.password_reset, name="account_reset_password"),
    path(
        "password/reset/done/",
        account_views.password_reset_done,
        name="account_reset_password_done",
    ),
    re_path(
        r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        account_views.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    path(
        "password/reset/key/done/",
        account_views.password_reset_from_key_done,
        name="account_reset_password_from_key_done",
    ),
    path("2fa/", include("allauth.mfa.urls")),
    path(
        "sso/cancelled/",
        social_views.login_cancelled,
        name="socialaccount_login_cancelled",
    ),
    path("sso/error/", social_views.login_error, name="socialaccount_login_error"),
    *build_provider_urlpatterns(),
    # The product's own pages, some under the names allauth links to.
    path("signup/", views.no_sign_up, name="account_signup"),
    path("email/", views.email_address, name="account_email"),
    path("sso/accounts/", views.email_address, name="socialaccount_connections"),
    path("sso/signup/", views.sso_not_invited, name="socialaccount_signup"),
    path("sso/not-invited/", views.sso_not_invited, name="sso_not_invited"),
    path("sso/refused/", views.sso_refused, name="sso_refused"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
]
