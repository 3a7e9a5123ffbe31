from django.urls import path

from . import collection_urls, dashboard_urls, views

app_name = "assurance"

urlpatterns = [
    # Returns: entry, evidence and workflow.
    path("trusts/<int:pk>/returns/", views.trust_returns, name="trust_returns"),
    path("trusts/<int:pk>/returns/start/", views.return_start, name="return_start"),
    path("returns/<int:pk>/", views.return_detail, name="return_detail"),
    path(
        "returns/<int:pk>/sections/<int:section_pk>/",
        views.section_edit,
        name="section_edit",
    ),
    path("returns/<int:pk>/steps/<slug:action>/", views.return_action, name="return_action"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/withdraw/", views.evidence_withdraw, name="evidence_withdraw"),
]
urlpatterns += dashboard_urls.urlpatterns
urlpatterns += collection_urls.urlpatterns
