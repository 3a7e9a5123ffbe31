from django.urls import path

from . import views

app_name = "deliverables"

urlpatterns = [
    path("lmns/<int:pk>/plans/", views.plan_list, name="plan_list"),
    path("lmns/<int:pk>/plans/new/", views.plan_create, name="plan_create"),
    path("lmns/<int:pk>/risks/", views.risk_register, name="risk_register"),
    path("lmns/<int:pk>/risks/new/", views.risk_create, name="risk_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/export/<str:fmt>/", views.plan_export, name="plan_export"),
    path("plans/<int:pk>/update/", views.period_update, name="period_update"),
    path("plans/<int:pk>/import/", views.import_upload, name="import_upload"),
    path("plans/<int:pk>/import/preview/", views.import_preview, name="import_preview"),
    path("<int:pk>/", views.deliverable_detail, name="deliverable_detail"),
    path("<int:pk>/update/", views.deliverable_update, name="deliverable_update"),
    path("<int:pk>/edit/", views.deliverable_edit, name="deliverable_edit"),
    path("<int:pk>/actual/", views.deliverable_actual, name="deliverable_actual"),
    path("risks/<int:pk>/", views.risk_detail, name="risk_detail"),
    path("risks/<int:pk>/edit/", views.risk_edit, name="risk_edit"),
    path("risks/<int:pk>/rescore/", views.risk_rescore, name="risk_rescore"),
    path("risks/<int:pk>/mitigations/new/", views.mitigation_create, name="mitigation_create"),
    path("mitigations/<int:pk>/edit/", views.mitigation_edit, name="mitigation_edit"),
]
