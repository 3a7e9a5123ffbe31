"""URLs of the compliance dashboard, trends and import (included by assurance/urls.py)."""

from django.urls import path

from . import dashboard

urlpatterns = [
    path("dashboard/lmns/<int:pk>/", dashboard.dashboard, name="dashboard"),
    path("dashboard/lmns/<int:pk>/import/", dashboard.import_upload, name="import_compliance"),
    path("dashboard/trusts/<int:pk>/trend/", dashboard.trust_trend, name="trust_trend"),
]
