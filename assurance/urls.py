from django.urls import path

from . import dashboard_urls, review_views, views

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
    # The LMNS's review: change requests and their threads, verdicts on evidence.
    path("returns/<int:pk>/requests/new/", review_views.request_new, name="request_new"),
    path("requests/<int:pk>/", review_views.request_thread, name="request_thread"),
    path(
        "requests/<int:pk>/steps/<slug:action>/",
        review_views.request_step,
        name="request_step",
    ),
    path("answers/<int:pk>/verdict/", review_views.answer_verdict, name="answer_verdict"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/withdraw/", views.evidence_withdraw, name="evidence_withdraw"),
]
urlpatterns += dashboard_urls.urlpatterns
