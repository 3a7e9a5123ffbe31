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


VIEW_LINES_LIMIT = 30
# Views still longer than the limit, each with the change that shortens it (none left).
LONG_VIEWS_ALLOWED: set[str] = set()


def _view_functions():
    """Every module-level function of every app's views (``views.py`` or a ``views/`` package),
    with its length in lines from ``def`` to its last line."""
    for app in APPS:
        for path in app.rglob("*.py"):
            parts = path.relative_to(app).parts
            if parts[0] in ("tests", "migrations"):
                continue
            if path.name != "views.py" and "views" not in parts[:-1]:
                continue
            for node in ast.parse(path.read_text()).body:
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    name = f"{path.relative_to(ROOT).as_posix()}:{node.name}"
                    yield name, node.end_lineno - node.lineno + 1


def test_views_check_access_call_a_service_and_render_in_thirty_lines():
    """Transactions, version checks and form parsing live in services and forms, not views."""
    lengths = dict(_view_functions())
    assert len(lengths) > 50  # the views were found
    too_long = {
        name: lines
        for name, lines in lengths.items()
        if lines > VIEW_LINES_LIMIT and name not in LONG_VIEWS_ALLOWED
    }
    assert not too_long, f"views over {VIEW_LINES_LIMIT} lines: {too_long}"
    shortened = {name for name in LONG_VIEWS_ALLOWED if lengths.get(name, 0) <= VIEW_LINES_LIMIT}
    assert not shortened, f"no longer long: remove from LONG_VIEWS_ALLOWED: {shortened}"


def _url_callbacks(patterns):
    from django.urls import URLResolver

    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                yield from _url_callbacks(pattern.url_patterns)
        else:
            yield pattern.callback


def test_every_project_page_is_a_view_the_length_check_reads():
    """A page served from another module would escape the thirty-line check."""
    from django.urls import get_resolver

    apps = {config.name for config in project_app_configs()}
    elsewhere = sorted(
        f"{callback.__module__}.{callback.__name__}"
        for callback in _url_callbacks(get_resolver().url_patterns)
        if callback.__module__.partition(".")[0] in apps
        and not (callback.__module__.endswith(".views") or ".views." in callback.__module__)
    )
    assert not elsewhere
