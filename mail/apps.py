from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "mail"
    verbose_name = "Mail and reminders"

    def ready(self) -> None:
        from lmns.notifications import register_listener

        from . import checks  # noqa: F401  (registers the SITE_URL check)
        from .outbox import on_notified

        register_listener(on_notified)
