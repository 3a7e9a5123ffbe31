from django.urls import path

from . import views

app_name = "boardpack"

urlpatterns = [
    path("<int:pk>/", views.latest, name="latest"),
    path("<int:pk>/packs/", views.pack_list, name="packs"),
    path("<int:pk>/<int:period_pk>/", views.pack, name="pack"),
    path("<int:pk>/<int:period_pk>/issue/", views.issue, name="issue"),
    path("<int:pk>/<int:period_pk>/pdf/", views.pack_pdf, name="pdf"),
    path("<int:pk>/<int:period_pk>/xlsx/", views.pack_xlsx, name="xlsx"),
    path("<int:pk>/<int:period_pk>/csv/<slug:table>/", views.pack_csv, name="csv"),
]
