from django.apps import AppConfig


class DeliverablesConfig(AppConfig):
    name = "deliverables"
    verbose_name = "Plans, deliverables and risks"

    def ready(self) -> None:
        from lmns.access import Scope
        from lmns.audit import register_history
        from lmns.menus import OrgLink, register_link
        from lmns.models import Role
        from lmns.purges import register_purgeable

        from . import queue
        from .models import Deliverable, DeliverableUpdate, Mitigation, Risk
        from .selectors import (
            describe_deliverable,
            describe_mitigation,
            describe_risk,
            describe_update,
            visible_deliverables,
        )

        queue.register()

        register_history(Deliverable, Scope.lmns("plan__lmns"), readable=visible_deliverables)
        register_history(
            DeliverableUpdate,
            Scope.lmns("deliverable__plan__lmns"),
            readable=lambda access: DeliverableUpdate.objects.filter(
                deliverable__in=visible_deliverables(access)
            ),
        )
        register_history(Risk, Scope.lmns("lmns"))
        register_history(Mitigation, Scope.lmns("risk__lmns"))
        # Free texts that may carry patient data by mistake (lmns.purges).
        register_purgeable(
            "deliverables.Deliverable",
            {"text": (), "actions": (), "for_families": ()},
            describe=describe_deliverable,
        )
        register_purgeable(
            "deliverables.DeliverableUpdate",
            {"narrative": (), "recovery_action": ()},
            describe=describe_update,
        )
        register_purgeable(
            "deliverables.Risk",
            {"description": (), "cause": (), "consequence": ()},
            describe=describe_risk,
        )
        register_purgeable("deliverables.Mitigation", {"action": ()}, describe=describe_mitigation)
        readers = frozenset({Role.PROGRAMME_TEAM, Role.BOARD_MEMBER, Role.TRUST_LEAD})
        register_link(
            OrgLink(
                "Plans and deliverables",
                "deliverables:plan_list",
                org="lmns",
                roles=readers,
                description="The LMNS's plans, deliverables and their status each quarter.",
                order=30,
            )
        )
        register_link(
            OrgLink(
                "Risk register",
                "deliverables:risk_register",
                org="lmns",
                roles=readers,
                description="Risks to delivery, their scores, movement and mitigations.",
                order=50,
            )
        )
