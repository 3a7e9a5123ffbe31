from django.apps import AppConfig


class AssuranceConfig(AppConfig):
    name = "assurance"
    verbose_name = "Assurance"

    def ready(self) -> None:
        from lmns.access import Scope
        from lmns.audit import register_history
        from lmns.backup import register_reference_data
        from lmns.menus import OrgLink, register_link
        from lmns.models import Role
        from lmns.purges import register_purgeable
        from lmns.retention import register_retention
        from lmns.selectors import register_outstanding

        from . import notifications, queue, reminders
        from .models import (
            Action,
            Answer,
            AnswerLink,
            Collection,
            EvidenceFile,
            EvidenceVerdict,
            QuarterlyReturn,
            SectionRating,
        )
        from .selectors.collections import outstanding_collected
        from .selectors.dashboard import describe_answer, describe_evidence
        from .selectors.returns import history_parts, history_steps

        register_reference_data(
            "assurance.framework",
            "assurance.section",
            "assurance.requirement",
            "assurance.requirementmapping",
        )
        register_history(
            QuarterlyReturn,
            Scope.trust("trust"),
            readable=lambda access: QuarterlyReturn.with_discarded.all(),
            parts=history_parts,
            steps=history_steps,
        )
        register_history(Collection, Scope.lmns("lmns", wide=True))
        register_outstanding(outstanding_collected)
        register_history(Answer, Scope.trust("quarterly_return__trust"))
        register_history(SectionRating, Scope.trust("quarterly_return__trust"))
        register_history(EvidenceFile, Scope.trust("answer__quarterly_return__trust"))
        register_history(EvidenceVerdict, Scope.trust("answer__quarterly_return__trust"))
        register_history(Action, Scope.trust("trust"))
        register_history(AnswerLink, Scope.trust("answer__quarterly_return__trust"))
        register_retention(
            "returns", "assurance.QuarterlyReturn", date_field="period__end_date", describe=str
        )
        register_retention("evidence", "assurance.EvidenceFile", date_field="uploaded_at")
        register_purgeable(
            "assurance.EvidenceFile", {"file": ("original_name",)}, describe=describe_evidence
        )
        register_purgeable(
            "assurance.Answer",
            {"narrative": (), "evidence": ()},
            describe=describe_answer,
        )
        register_purgeable("assurance.Action", {"what": (), "evidence_location": ()})
        for link in (
            OrgLink(
                "Actions register",
                "assurance:trust_actions",
                org="trust",
                roles=frozenset({Role.TRUST_LEAD, Role.PROGRAMME_TEAM, Role.BOARD_MEMBER}),
                description="Actions to reach full compliance, followed to closure.",
                order=15,
            ),
            OrgLink(
                "Actions register",
                "assurance:lmns_actions",
                org="lmns",
                roles=frozenset({Role.PROGRAMME_TEAM, Role.BOARD_MEMBER}),
                description="Every trust's actions to reach full compliance, overdue ones first.",
                order=25,
            ),
            OrgLink(
                "Quarterly returns",
                "assurance:trust_returns",
                org="trust",
                roles=frozenset({Role.TRUST_LEAD, Role.PROGRAMME_TEAM, Role.BOARD_MEMBER}),
                description="Ockenden, Saving Babies' Lives and MIS compliance returns.",
                order=10,
            ),
            OrgLink(
                "Compliance dashboard",
                "assurance:dashboard",
                org="lmns",
                roles=frozenset({Role.PROGRAMME_TEAM, Role.BOARD_MEMBER}),
                description="Agreed compliance per trust and section, changes since last quarter, "
                "and who has submitted",
                order=20,
            ),
            OrgLink(
                "Returns collected",
                "assurance:collections",
                org="lmns",
                roles=frozenset({Role.PROGRAMME_TEAM}),
                description="Which frameworks each trust is asked for, period by period, "
                "and by when",
                order=22,
            ),
            OrgLink(
                "Compliance trend",
                "assurance:trust_trend",
                org="trust",
                roles=frozenset({Role.TRUST_LEAD, Role.PROGRAMME_TEAM, Role.BOARD_MEMBER}),
                description="Each section's agreed per cent over the last eight quarters",
                order=25,
            ),
            OrgLink(
                "Import compliance (CSV)",
                "assurance:import_compliance",
                org="lmns",
                roles=frozenset({Role.PROGRAMME_TEAM}),
                description="Load agreed figures for a quarter from a spreadsheet",
                order=80,
            ),
        ):
            register_link(link)
        notifications.register()
        reminders.register()
        queue.register()
