from django.contrib import admin
from django.urls import include, path

from . import views

handler400 = "lmns.views.bad_request"
handler403 = "lmns.views.permission_denied"
handler404 = "lmns.views.not_found"

urlpatterns = [
    path("", views.home, name="home"),
    path("help/", views.help_page, name="help"),
    path("lmns/<int:pk>/", views.lmns_detail, name="lmns_detail"),
    path("trusts/<int:pk>/", views.trust_detail, name="trust_detail"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("history/<str:label>/<int:pk>/", views.record_history, name="record_history"),
    path("lmns/<int:pk>/downloads/", views.download_log, name="download_log"),
    path("governance/purges/", views.purge_list, name="purge_list"),
    path("governance/purge/<str:label>/<int:pk>/", views.purge_request, name="purge_request"),
    path("governance/purges/<int:pk>/approve/", views.purge_approve, name="purge_approve"),
    path("governance/purges/<int:pk>/reject/", views.purge_reject, name="purge_reject"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("accounts/session/keep-alive/", views.keep_alive, name="session_keep_alive"),
    # Sign-in, password reset, second factor, single sign-on, invitations (django-allauth).
    path("accounts/", include("accounts.urls")),
    path("assurance/", include("assurance.urls")),
    path("deliverables/", include("deliverables.urls")),
    path("funding/", include("funding.urls")),
    path("quality/", include("quality.urls")),
    path("board/", include("boardpack.urls")),
    path("mail/", include("mail.urls")),
    path("admin/", admin.site.urls),
]
