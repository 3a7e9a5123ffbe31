"""What counts as the project's own code, for tests that review all of it."""

import sys
from pathlib import Path

from django.apps import AppConfig, apps
from django.conf import settings

BASE = Path(settings.BASE_DIR).resolve()
_ENVIRONMENT = Path(sys.prefix).resolve()


def project_app_configs() -> list[AppConfig]:
    """The project's own apps: inside the project folder, not in a virtualenv kept there."""
    configs = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(BASE) and not path.is_relative_to(_ENVIRONMENT):
            configs.append(config)
    return configs
