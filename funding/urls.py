from django.urls import path

from . import views

app_name = "funding"

urlpatterns = [
    path("lmns/<int:pk>/", views.lmns_home, name="lmns"),
    path("lmns/<int:pk>/<int:start_year>/", views.year, name="year"),
    path("lmns/<int:pk>/<int:start_year>/month-6/", views.month6, name="month6"),
    path("lmns/<int:pk>/<int:start_year>/export.xlsx", views.export, name="export"),
    path("lmns/<int:pk>/<int:start_year>/streams/add/", views.stream_add, name="stream_add"),
    path("lmns/<int:pk>/<int:start_year>/lines/add/", views.line_add, name="line_add"),
    path(
        "lmns/<int:pk>/<int:start_year>/q<int:quarter>/",
        views.return_detail,
        name="return_detail",
    ),
    path(
        "lmns/<int:pk>/<int:start_year>/q<int:quarter>/<slug:action>/",
        views.return_transition,
        name="return_transition",
    ),
    path(
        "lmns/<int:pk>/<int:start_year>/q<int:quarter>/trusts/<int:trust_pk>/<slug:action>/",
        views.trust_step,
        name="trust_step",
    ),
    path("streams/<int:pk>/change/", views.stream_change, name="stream_change"),
    path("lines/<int:pk>/", views.line_detail, name="line_detail"),
    path("lines/<int:pk>/edit/", views.line_edit, name="line_edit"),
    path("lines/<int:line_pk>/q<int:quarter>/", views.entry_edit, name="entry_edit"),
    path("trusts/<int:pk>/", views.trust, name="trust"),
]
