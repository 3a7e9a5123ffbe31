from django.apps import AppConfig


class AssuranceConfig(AppConfig):
    name = "assurance"
    verbose_name = "Assurance"

    def ready(self) -> None:
        from lmns.audit import register_history
        from lmns.backup import register_reference_data
        from lmns.menus import OrgLink, register_link
        from lmns.models import Role

        from .dashboard import register_links
        from .models import Answer, EvidenceFile, QuarterlyReturn, SectionRating
        from .return_selectors import history_parts, history_steps

        register_reference_data("assurance.framework", "assurance.section", "assurance.requirement")
        register_history(
            QuarterlyReturn,
            "trust:trust",
            readable=lambda access: QuarterlyReturn.with_discarded.all(),
            parts=history_parts,
            steps=history_steps,
        )
        register_history(Answer, "trust:quarterly_return__trust")
        register_history(SectionRating, "trust:quarterly_return__trust")
        register_history(EvidenceFile, "trust:answer__quarterly_return__trust")
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
