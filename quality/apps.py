from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = "Perinatal quality surveillance"

    def ready(self) -> None:
        from django.db.models import Q

        from lmns.access import Scope
        from lmns.audit import register_history
        from lmns.backup import register_reference_data
        from lmns.menus import OrgLink, register_link
        from lmns.models import Role

        from .models import AccreditationStep, AmbitionActual, MonthlyFigure, Rebase

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
        wide = frozenset({Role.PROGRAMME_TEAM, Role.BOARD_MEMBER})
        for link in (
            OrgLink(
                "Perinatal quality surveillance",
                "quality:surveillance",
                org="lmns",
                roles=wide,
                description="Each trust's monthly quality and safety measures as SPC charts, "
                "exceptions first",
                order=15,
            ),
            OrgLink(
                "Quality measures",
                "quality:trust",
                org="trust",
                roles=frozenset({Role.TRUST_LEAD, *wide}),
                description="This trust's monthly measures and charts; trust leads enter the figures",
                order=15,
            ),
            OrgLink(
                "Ambitions and targets",
                "quality:ambitions",
                org="lmns",
                roles=wide,
                description="National ambitions and plans' trajectories on the quality measures, "
                "with their baselines, sources and the target in force",
                order=16,
            ),
            OrgLink(
                "Accreditations (Baby Friendly)",
                "quality:accreditations",
                org="lmns",
                roles=frozenset({Role.TRUST_LEAD, *wide}),
                description="Each provider's UNICEF UK Baby Friendly stages, achieved and planned",
                order=17,
            ),
            OrgLink(
                "Import quality figures (CSV)",
                "quality:import",
                org="lmns",
                roles=frozenset({Role.PROGRAMME_TEAM}),
                description="NHS England's monthly MSDS file or this product's template",
                order=85,
            ),
        ):
            register_link(link)
