from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = "Perinatal quality surveillance"

    def ready(self) -> None:
        from lmns.audit import register_history

        from .models import MonthlyFigure, Rebase
        from .views import register_links

        register_history(MonthlyFigure, "trust:trust")
        register_history(Rebase, "trust:trust")
        register_links()
