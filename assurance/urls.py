from django.urls import path

from .views import actions, collections, crossrefs, dashboard, returns, review, whole

app_name = "assurance"

urlpatterns = [
    # Returns: entry, evidence and workflow.
    path("trusts/<int:pk>/returns/", returns.trust_returns, name="trust_returns"),
    path("trusts/<int:pk>/returns/start/", returns.return_start, name="return_start"),
    path("returns/<int:pk>/", returns.return_detail, name="return_detail"),
    path(
        "returns/<int:pk>/sections/<int:section_pk>/",
        returns.section_edit,
        name="section_edit",
    ),
    # The whole return on one page, as a PDF, and its evidence as a ZIP.
    path("returns/<int:pk>/whole/", whole.return_whole, name="return_whole"),
    path("returns/<int:pk>/whole.pdf", whole.return_pdf, name="return_pdf"),
    path("returns/<int:pk>/evidence.zip", whole.return_evidence_zip, name="return_evidence_zip"),
    path("returns/<int:pk>/steps/<slug:action>/", returns.return_action, name="return_action"),
    # The LMNS's review: change requests and their threads, verdicts on evidence.
    path("returns/<int:pk>/requests/new/", review.request_new, name="request_new"),
    path("requests/<int:pk>/", review.request_thread, name="request_thread"),
    path("requests/<int:pk>/steps/<slug:action>/", review.request_step, name="request_step"),
    path("answers/<int:pk>/verdict/", review.answer_verdict, name="answer_verdict"),
    # Actions to reach full compliance, followed across quarters.
    path("answers/<int:pk>/actions/new/", actions.action_new, name="action_new"),
    path("actions/<int:pk>/", actions.action_edit, name="action_edit"),
    path("actions/<int:pk>/close/", actions.action_close, name="action_close"),
    # Frameworks cross-referenced: related evidence and actions counted toward an answer.
    path("answers/<int:pk>/links/", crossrefs.answer_links, name="answer_links"),
    path("links/<int:pk>/remove/", crossrefs.link_remove, name="link_remove"),
    path("lmns/<int:pk>/actions/", actions.lmns_actions, name="lmns_actions"),
    path(
        "lmns/<int:pk>/actions/export/<slug:fmt>/",
        actions.lmns_actions_export,
        name="lmns_actions_export",
    ),
    path("trusts/<int:pk>/actions/", actions.trust_actions, name="trust_actions"),
    path(
        "trusts/<int:pk>/actions/export/<slug:fmt>/",
        actions.trust_actions_export,
        name="trust_actions_export",
    ),
    path("evidence/<int:pk>/", returns.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/withdraw/", returns.evidence_withdraw, name="evidence_withdraw"),
    # Compliance dashboard, trends and import.
    path("dashboard/lmns/<int:pk>/", dashboard.dashboard, name="dashboard"),
    path("dashboard/lmns/<int:pk>/import/", dashboard.import_upload, name="import_compliance"),
    path("dashboard/trusts/<int:pk>/trend/", dashboard.trust_trend, name="trust_trend"),
    # What the LMNS collects, period by period.
    path("lmns/<int:pk>/collections/", collections.collections, name="collections"),
    path(
        "lmns/<int:pk>/collections/<int:period_pk>/",
        collections.collection_period,
        name="collection_period",
    ),
    path(
        "lmns/<int:pk>/collections/<int:period_pk>/frameworks/<int:framework_pk>/",
        collections.collection_edit,
        name="collection_edit",
    ),
    path(
        "lmns/<int:pk>/collections/<int:period_pk>/copy/",
        collections.collection_copy,
        name="collection_copy",
    ),
]
