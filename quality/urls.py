from django.urls import path

from . import views

app_name = "quality"

urlpatterns = [
    path("lmns/<int:pk>/", views.surveillance, name="surveillance"),
    path("lmns/<int:pk>/figures.xlsx", views.surveillance_xlsx, name="surveillance_xlsx"),
    path("lmns/<int:pk>/ambitions/", views.ambitions, name="ambitions"),
    path("lmns/<int:pk>/accreditations/", views.accreditations, name="accreditations"),
    path("lmns/<int:pk>/import/", views.import_upload, name="import"),
    path("lmns/<int:pk>/import/preview/", views.import_preview, name="import_preview"),
    path("lmns/<int:pk>/import/template.csv", views.import_template, name="import_template"),
    path("trusts/<int:pk>/", views.trust_measures, name="trust"),
    path("trusts/<int:pk>/enter/", views.entry, name="entry"),
    path("trusts/<int:pk>/measures/<str:code>/", views.chart, name="chart"),
]
