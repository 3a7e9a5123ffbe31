from django.urls import path

from . import views

app_name = "mail"

urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("unsubscribe/<str:token>/one-click/", views.one_click, name="one_click"),
]
