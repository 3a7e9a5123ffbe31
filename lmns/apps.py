from django.apps import AppConfig


class LmnsConfig(AppConfig):
    name = "lmns"
    verbose_name = "Organisations and people"

    def ready(self) -> None:
        from . import sessions  # noqa: F401  (connects its sign-in receiver)
        from .audit import register_history
        from .models import Trust

        register_history(Trust, "trust:")
