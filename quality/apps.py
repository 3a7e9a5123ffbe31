from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = "Perinatal quality surveillance"

    def ready(self) -> None:
        from lmns.audit import register_history
        from lmns.backup import register_reference_data

        from .models import MonthlyFigure, Rebase
        from .views import register_links

        register_reference_data("quality.measure")
        register_history(MonthlyFigure, "trust:trust")
        register_history(Rebase, "trust:trust")
        register_links()
