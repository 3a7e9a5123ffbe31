"""The core app names no feature app: feature apps depend on ``lmns``, never the reverse.

Every Python module and template under ``lmns/`` (its tests included) other than
``settings.py`` and ``urls.py`` is read for an import of a feature app, a model label, URL
name or module path of one (``assurance.Answer``, ``"boardpack:pack"``) or its label as a
string of its own (``apps.is_installed("funding")``). Each app reaches the core through a
registry the core offers (menus, board sections, history, reference data, its
``benchmark.py`` and ``demo.py``) instead.
"""

import re
from pathlib import Path

from django.conf import settings

from tests.project import project_app_configs

CORE = Path(settings.BASE_DIR) / "lmns"
ALLOWED = {CORE / "settings.py", CORE / "urls.py"}


def feature_apps() -> list[str]:
    """The project's own apps other than the core, by label and by module name."""
    names = set()
    for config in project_app_configs():
        if config.name != "lmns":
            names.update({config.label, config.name})
    return sorted(names)


def offences(text: str, names: list[str]) -> list[str]:
    alternatives = "|".join(re.escape(n) for n in names)
    patterns = [
        rf"\b(?:from|import)\s+(?:{alternatives})\b",
        rf"\b(?:{alternatives})[.:][A-Za-z_]",
        rf"""["'](?:{alternatives})["']""",
    ]
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        for pattern in patterns:
            if match := re.search(pattern, line):
                found.append(f"{number}: {match.group(0)}")
    return found


def test_the_feature_apps_are_found():
    assert {"assurance", "deliverables", "funding", "quality", "boardpack"} <= set(feature_apps())


def test_the_check_catches_each_way_of_naming_an_app():
    names = ["funding"]
    assert offences("from funding.models import BudgetLine", names)
    assert offences("    import funding", names)
    assert offences('apps.get_model("funding.BudgetLine")', names)
    assert offences("{% url 'funding:year' lmns.pk year %}", names)
    assert offences('apps.is_installed("funding")', names)
    assert not offences("LMS funding and spend: the money an LMNS receives.", names)


def test_no_module_of_the_core_names_a_feature_app():
    names = feature_apps()
    found = {}
    for path in sorted([*CORE.rglob("*.py"), *CORE.rglob("*.html"), *CORE.rglob("*.txt")]):
        if path in ALLOWED:
            continue
        if hits := offences(path.read_text(), names):
            found[str(path.relative_to(settings.BASE_DIR))] = hits
    assert not found, f"the core names feature apps: {found}"
