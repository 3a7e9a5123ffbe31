from django.apps import AppConfig


class BoardpackConfig(AppConfig):
    name = "boardpack"
    verbose_name = "Board pack"

    def ready(self) -> None:
        from lmns.menus import OrgLink, register_link
        from lmns.models import Role
        from lmns.purges import register_copy_scrubber
        from lmns.retention import register_retention

        from .services import scrub_purged_text

        register_retention("board_packs", "boardpack.BoardPack", date_field="issued_at")
        register_copy_scrubber(scrub_purged_text)

        from . import notifications, queue, section_cache
        from .sections import discover_sections

        section_cache.watch(discover_sections())
        # A purge rewrites records without saving them: no kept section may show the text.
        register_copy_scrubber(section_cache.purged)

        notifications.register()
        queue.register()

        register_link(
            OrgLink(
                label="Board pack",
                url_name="boardpack:latest",
                org="lmns",
                roles=frozenset({Role.BOARD_MEMBER, Role.PROGRAMME_TEAM}),
                description="The quarter's board-ready summary, to read, print or download",
                order=90,
            )
        )
