"""The core's notifications and work queue never name a feature app: apps register with them."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

from tests.project import project_app_configs

CORE_MODULES = [
    "lmns/access.py",
    "lmns/notifications.py",
    "lmns/queue.py",
    "lmns/context_processors.py",
    "lmns/views.py",
    "lmns/selectors.py",
]


def _imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("module", CORE_MODULES)
def test_the_core_imports_no_feature_app(module):
    features = {config.name for config in project_app_configs()} - {"lmns"}
    path = Path(settings.BASE_DIR) / module
    assert not _imported(path) & features
    text = path.read_text()
    assert not [name for name in features if f'"{name}' in text or f"'{name}" in text]
