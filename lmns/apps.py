from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class LmnsConfig(AppConfig):
    name = "lmns"
    verbose_name = "Organisations and people"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import pre_delete

        from .access import Scope
        from .audit import register_history
        from .downloads import scrub_download_names
        from .menus import OrgLink, register_link
        from .models import Lmns, Purge, Role, Trust
        from .people import refuse_deleting_people
        from .purges import register_copy_scrubber
        from .retention import register_retention
        from .security import clear_failures_on_sign_in
        from .sessions import drop_input_kept_for_someone_else

        register_history(Lmns, Scope.lmns(""))
        register_history(Trust, Scope.trust(""))
        register_history(Purge, Scope.lmns("lmns", wide=True))
        register_retention("sessions", "sessions.Session", date_field="expire_date")
        register_retention("import_previews", "lmns.ImportPreview", date_field="expires_at")
        register_retention("downloads", "lmns.Download", date_field="at")
        register_copy_scrubber(scrub_download_names)
        register_link(
            OrgLink(
                "Who downloaded what",
                "download_log",
                org="lmns",
                roles=frozenset({Role.PROGRAMME_TEAM}),
                description="Every download of evidence, exports and board packs.",
                order=95,
            )
        )
        pre_delete.connect(
            refuse_deleting_people, sender=get_user_model(), dispatch_uid="refuse_deleting_people"
        )
        user_logged_in.connect(clear_failures_on_sign_in, dispatch_uid="clear_failures_on_sign_in")
        user_logged_in.connect(
            drop_input_kept_for_someone_else, dispatch_uid="drop_input_kept_for_someone_else"
        )


class LmnsAdminConfig(AdminConfig):
    """Django's admin with the project's site, which never deletes records."""

    default_site = "lmns.admin_site.LmnsAdminSite"
