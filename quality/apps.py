from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = "Perinatal quality surveillance"

    def ready(self) -> None:
        from lmns.access import Scope
        from lmns.audit import register_history

        from .models import MonthlyFigure, Rebase
        from .views import register_links

        register_history(MonthlyFigure, Scope.trust("trust"))
        register_history(Rebase, Scope.trust("trust"))
        register_links()
