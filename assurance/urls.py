app_name = "assurance"

urlpatterns: list = []
