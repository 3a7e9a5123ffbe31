"""URLs of what an LMNS collects (included by assurance/urls.py)."""

from django.urls import path

from . import collections

urlpatterns = [
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
