"""Stylesheets of the apps whose sections appear in a pack.

A section's template is styled by its own app's CSS (for example the compliance heatmap's bands),
which the pack page does not otherwise load. The pack links every stylesheet in
``<app>/static/<app>/`` of each app that drew a section, found from the section's template path.
"""

import functools
from pathlib import Path

from django.apps import apps


@functools.cache
def app_stylesheets(label: str) -> tuple[str, ...]:
    """Static paths such as ``assurance/dashboard.css`` of one installed app, sorted."""
    try:
        config = apps.get_app_config(label)
    except LookupError:
        return ()
    folder = Path(config.path) / "static" / label
    return tuple(sorted(f"{label}/{css.name}" for css in folder.glob("*.css")))


def section_stylesheets(pack: dict) -> list[str]:
    found: list[str] = []
    for entry in pack["sections"]:
        label = entry["template"].split("/", 1)[0]
        if label == "boardpack":
            continue
        for path in app_stylesheets(label):
            if path not in found:
                found.append(path)
    return found
