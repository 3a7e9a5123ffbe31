"""The codebase keeps one way per problem: checks that fail when a second way creeps in."""

import ast
from collections import Counter
from pathlib import Path

import factory

from tests.project import project_app_configs

ROOT = Path(__file__).resolve().parents[1]
APPS = [Path(config.path) for config in project_app_configs()]


def _factory_modules():
    for app in APPS:
        yield from (app / "tests").glob("*factor*.py")


def test_one_factory_per_model_in_the_app_that_owns_it():
    import importlib

    owners: Counter = Counter()
    misplaced = []
    for path in _factory_modules():
        module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, factory.django.DjangoModelFactory)
                and value.__module__ == module.__name__
                and value._meta.model is not None
            ):
                model = value._meta.model
                owners[model] += 1
                if model._meta.app_label != path.parts[-3] and model._meta.app_label not in (
                    "auth",
                ):
                    misplaced.append(f"{value.__name__} in {path.relative_to(ROOT)}")
    assert not [m for m, n in owners.items() if n > 1], owners.most_common(5)
    assert not misplaced


def test_workflow_steps_are_declared_in_one_module():
    """No app moves a status with its own conditional UPDATE: steps go through lmns.workflow."""
    offenders = []
    for app in APPS:
        for path in app.rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts or path.name == "workflow.py":
                continue
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module == "lmns.workflow":
                    if any(alias.name == "advance" for alias in node.names):
                        offenders.append(str(path.relative_to(ROOT)))
    assert not offenders
