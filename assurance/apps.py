from django.apps import AppConfig


class AssuranceConfig(AppConfig):
    name = "assurance"

    def ready(self) -> None:
        from .dashboard import register_links

        register_links()
