from django.apps import AppConfig


class AssuranceConfig(AppConfig):
    name = "assurance"
    verbose_name = "Assurance"

    def ready(self) -> None:
        from lmns.access import Scope
        from lmns.audit import register_history
        from lmns.menus import OrgLink, register_link
        from lmns.models import Role

        from . import notifications, queue
        from .dashboard import register_links
        from .models import Answer, EvidenceFile, QuarterlyReturn, SectionRating

        register_history(QuarterlyReturn, Scope.trust("trust"))
        register_history(Answer, Scope.trust("quarterly_return__trust"))
        register_history(SectionRating, Scope.trust("quarterly_return__trust"))
        register_history(EvidenceFile, Scope.trust("answer__quarterly_return__trust"))
        register_link(
            OrgLink(
                "Quarterly returns",
                "assurance:trust_returns",
                org="trust",
                roles=frozenset({Role.TRUST_LEAD, Role.PROGRAMME_TEAM, Role.BOARD_MEMBER}),
                description="Ockenden, Saving Babies' Lives and MIS compliance returns.",
                order=10,
            )
        )
        register_links()
        notifications.register()
        queue.register()
