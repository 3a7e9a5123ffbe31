from django.apps import AppConfig


class LmnsConfig(AppConfig):
    name = "lmns"
    verbose_name = "Organisations and people"
