from django.apps import AppConfig


def entered_by_words(row, name: str) -> str:
    """The "Who" of a spend entry's history row: the team's entries for a trust say so."""
    if getattr(row, "on_behalf", False):
        return f"Entered on the trust's behalf by {name}"
    return name


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "Funding"

    def ready(self) -> None:
        from lmns.access import Scope
        from lmns.audit import register_history
        from lmns.menus import OrgLink, register_link
        from lmns.models import Role
        from lmns.purges import register_purgeable

        from . import notifications, queue
        from .models import BudgetLine, FundingStream, SpendEntry, SpendReturn, TrustCompletion
        from .selectors import describe_entry

        notifications.register()
        queue.register()

        register_history(FundingStream, Scope.lmns("lmns", wide=True))
        register_history(BudgetLine, Scope.lmns("stream__lmns", wide=True))
        register_history(
            SpendEntry, Scope.lmns("spend_return__lmns", wide=True), who=entered_by_words
        )
        # The narrative may carry patient data by mistake (lmns.purges).
        register_purgeable("funding.SpendEntry", {"narrative": ()}, describe=describe_entry)
        register_history(TrustCompletion, Scope.lmns("spend_return__lmns", wide=True))
        register_history(SpendReturn, Scope.lmns("lmns", wide=True))
        register_link(
            OrgLink(
                "Funding",
                "funding:lmns",
                org="lmns",
                roles=frozenset({Role.PROGRAMME_TEAM, Role.BOARD_MEMBER}),
                description="Allocations, the spending plan, quarterly spend returns and the month-6 review.",
                order=40,
            )
        )
        register_link(
            OrgLink(
                "Funding held",
                "funding:trust",
                org="trust",
                roles=frozenset({Role.TRUST_LEAD, Role.PROGRAMME_TEAM, Role.BOARD_MEMBER}),
                description="The budget lines this trust holds and what it has spent.",
                order=40,
            )
        )
