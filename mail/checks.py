"""Production must say where the site is: every link in a mail starts with ``SITE_URL``."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=False)
def site_url_is_set(app_configs, **kwargs) -> list:
    url = getattr(settings, "SITE_URL", "")
    parts = urlsplit(url)
    if settings.DEBUG and url:
        return []
    if not url or parts.scheme not in ("http", "https") or not parts.netloc:
        return [
            checks.Error(
                "SITE_URL must be set to the site's address, e.g. https://lmns.example.nhs.uk: "
                "every link in a mail is built from it.",
                id="mail.E001",
            )
        ]
    if not settings.DEBUG and parts.scheme != "https":
        return [checks.Error("SITE_URL must start with https:// in production.", id="mail.E002")]
    return []
