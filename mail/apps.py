from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "mail"
    verbose_name = "Mail and reminders"

    def ready(self) -> None:
        from lmns.notifications import register_listener
        from lmns.retention import register_retention

        from . import checks  # noqa: F401  (registers the SITE_URL check)
        from .outbox import on_notified

        register_listener(on_notified)
        # Mail queued and sent is a transitory record (RECORD_RETENTION["mail_outbox"]).
        register_retention("mail_outbox", "mail.Delivery", date_field="created_at")
