from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = "Perinatal quality surveillance"

    def ready(self) -> None:
        from django.db.models import Q

        from lmns.access import Scope
        from lmns.audit import register_history
        from lmns.backup import register_reference_data

        from .models import AccreditationStep, AmbitionActual, MonthlyFigure, Rebase
        from .views import register_links

        register_reference_data(
            "quality.measure", "quality.accreditationscheme", "quality.accreditationstage"
        )
        register_history(MonthlyFigure, Scope.trust("trust"))
        register_history(Rebase, Scope.trust("trust"))
        register_history(
            AmbitionActual,
            Scope.lmns("ambition__lmns"),
            # A trust's own target (a trust plan's) only for those who may read that trust.
            readable=lambda access: AmbitionActual.objects.filter(
                Q(ambition__trust__isnull=True) | Q(ambition__trust__in=access.trusts())
            ),
        )
        register_history(AccreditationStep, Scope.lmns("accreditation__lmns"))
        register_links()
