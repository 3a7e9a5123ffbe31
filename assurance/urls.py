from . import dashboard_urls

app_name = "assurance"

urlpatterns: list = []
urlpatterns += dashboard_urls.urlpatterns
