"""The attack harness: every form the project defines, attacked the same common ways.

Forms are discovered, not listed: every module of every project app is imported and each
``django.forms.BaseForm`` and ``django_filters.FilterSet`` subclass defined there is collected,
together with the forms that the project's class-based views post to (sign-in, password change).
Each app describes how to use its forms in ``<app>/tests/attack_cases.py``::

    CASES = {"assurance.forms.returns.AnswerForm": AttackCase(build=..., persona="lead", prefix="form-0")}

A form used on several pages maps to a list of cases, one per use.

``build(world)`` creates what the form needs and returns a :class:`Target`: the URL to POST to,
a valid payload, the page that shows what was saved, and another trust's or LMNS's ids for the
form's object fields (IDOR). ``tests/test_attacks.py`` then runs every attack on every case.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import django_filters
from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import PERSONAS
from tests.project import project_app_configs

SCRIPT = "<script>alert(1)</script>"
SCRIPT_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
BAD_NUMBERS = ["abc", "1e309", "-1", str(10**20), "NaN", "Infinity"]
# Ids no record can have: beyond any primary key's range, negative, zero, not a whole number.
BAD_IDS = ["9" * 40, str(2**63), "-1", "0", "abc", "1.5", "1e3", "\u0661"]
ERROR_MARKERS = ("invalid-feedback", "errorlist", "alert-danger", "alert-warning", 'role="alert"')
# The admin site is Django's, outside the product's pages (its URLs are skipped below too).
SKIPPED_MODULE_PARTS = {"tests", "migrations", "settings", "wsgi", "asgi", "management", "admin"}


@dataclass
class Target:
    """One concrete use of a form, built inside the test world."""

    url: str
    data: dict
    # The page that shows what the form saved (for the escaping check).
    show_url: str | None = None
    # Values belonging to another trust or LMNS for the form's object fields: {field: value}.
    foreign: dict = field(default_factory=dict)
    # The same form's URL for an object of another trust or LMNS (IDOR in the URL).
    foreign_url: str | None = None
    # The form as the view builds it, when its fields depend on the object (dynamic fields);
    # for a filter, its ``.form``.
    form: forms.BaseForm | None = None
    # Steps each persona's client takes first (e.g. uploading the file a preview form confirms).
    prepare: Callable | None = None


class Resave(StrEnum):
    """What posting a form's page back unchanged means (``tests/test_resave.py``)."""

    # The page shows a saved record: every field holds a value, and posted back unchanged the
    # save is accepted and changes nothing.
    EDIT = "edit"
    # The page adds a record, starting blank or from defaults: posted back unchanged it adds
    # nothing.
    ADD = "add"
    # Pressing the button is itself the change (a workflow step, a confirmation): the page is
    # not posted back.
    STEP = "step"


@dataclass
class AttackCase:
    """How the ``persona`` allowed to use a form uses it validly."""

    build: Callable[..., Target]
    persona: str
    # Prefix of the form's fields in the POST, e.g. "form-0" inside a formset.
    prefix: str = ""
    # Personas who must be refused (403/404, anonymous sent to sign in); None = all others.
    refused: tuple[str, ...] | None = None
    # Whether the valid payload changes stored data (the positive control of every attack).
    saves: bool = True
    # Object fields whose choices are reference data shared by everybody (no IDOR possible).
    unscoped: frozenset[str] = frozenset()
    # Numeric fields where a negative number is a legitimate value.
    allow_negative: frozenset[str] = frozenset()
    # Fields left out of the generic text attacks, with the reason (e.g. a code with a pattern).
    skip_text: frozenset[str] = frozenset()
    # Fields that go with a file upload (a declaration about the file): like a file input,
    # they are sent with each new file and never shown back (tests/test_resave.py).
    with_upload: frozenset[str] = frozenset()
    # Fields this use of the form ignores (e.g. a version before the record exists).
    unused: frozenset[str] = frozenset()
    # "get" for filter forms: attacked through the query string; they never change data.
    method: str = "post"
    # What posting the page back unchanged means; every posted form must say.
    resave: Resave | None = None

    def key(self, name: str) -> str:
        return f"{self.prefix}-{name}" if self.prefix else name


@dataclass
class Abstract:
    """A base class or mixin never posted on its own; its subclasses carry the cases."""

    reason: str


def _project_modules():
    for config in project_app_configs():
        package = importlib.import_module(config.name)
        yield package
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{config.name}."):
            if SKIPPED_MODULE_PARTS & set(info.name.split(".")):
                continue
            yield importlib.import_module(info.name)


def _view_forms(patterns) -> set[type[forms.BaseForm]]:
    found = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            found |= _view_forms(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            view_class = getattr(pattern.callback, "view_class", None)
            form_class = getattr(view_class, "form_class", None)
            if inspect.isclass(form_class) and issubclass(form_class, forms.BaseForm):
                found.add(form_class)
    return found


def label(form_class: type) -> str:
    return f"{form_class.__module__}.{form_class.__qualname__}"


FORM_KINDS = (forms.BaseForm, django_filters.FilterSet)


def discover_forms() -> dict[str, type]:
    """Every form and filter class defined in a project module, and every form a project URL
    posts to."""
    found: dict[str, type] = {}
    for module in _project_modules():
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, FORM_KINDS) and obj.__module__ == module.__name__:
                found[label(obj)] = obj
    for form_class in _view_forms(get_resolver().url_patterns):
        found[label(form_class)] = form_class
    return found


def all_cases() -> dict[str, AttackCase | list[AttackCase] | Abstract]:
    """Every app's cases: a form maps to its case, a list of cases (one per use) or Abstract."""
    cases: dict[str, AttackCase | list[AttackCase] | Abstract] = {}
    for config in apps.get_app_configs():
        name = f"{config.name}.tests.attack_cases"
        try:
            spec = importlib.util.find_spec(name)
        except ModuleNotFoundError:
            spec = None
        if spec:
            cases.update(importlib.import_module(name).CASES)
    return cases


def form_fields(form_class: type, target: Target | None = None) -> dict:
    """The form's fields: as the view built it, else as instantiated without arguments (limits
    set in ``__init__``), else as declared."""
    if target is not None and target.form is not None:
        return dict(target.form.fields)
    if issubclass(form_class, django_filters.FilterSet):
        return dict(form_class().form.fields)
    try:
        return dict(form_class().fields)
    except Exception:
        return dict(form_class.base_fields)


def text_fields(
    form_class, case: AttackCase, target: Target, passwords: bool = False
) -> dict[str, forms.CharField]:
    """Free-text fields (passwords too when asked; they are never shown back)."""
    hidden = forms.HiddenInput if passwords else forms.PasswordInput | forms.HiddenInput
    return {
        name: f
        for name, f in form_fields(form_class, target).items()
        if isinstance(f, forms.CharField)
        and not isinstance(f.widget, hidden)
        and name not in case.skip_text
    }


def numeric_fields(form_class, target: Target) -> dict[str, forms.Field]:
    return {
        name: f
        for name, f in form_fields(form_class, target).items()
        if isinstance(f, forms.IntegerField | forms.DecimalField | forms.FloatField)
    }


def attacked_fields(fields: dict, case: AttackCase) -> dict:
    return {name: f for name, f in fields.items() if name not in case.unused}


def choice_fields(form_class, target: Target) -> dict[str, forms.ChoiceField]:
    """Every field that offers choices, of records or of values, single or multiple."""
    return {
        name: f
        for name, f in form_fields(form_class, target).items()
        if isinstance(f, forms.ChoiceField)
    }


def is_multiple(field: forms.Field) -> bool:
    return isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)


def object_fields(form_class, target: Target) -> dict[str, forms.Field]:
    return {
        name: f
        for name, f in form_fields(form_class, target).items()
        if isinstance(f, forms.ModelChoiceField)
    }


# People's addresses, second factors and provider accounts (django-allauth's tables) count too.
ACCOUNT_LIBRARY_APPS = {"account", "mfa", "socialaccount"}


def _yardstick_tables() -> list[tuple[str, str, str]]:
    project = {c.label for c in project_app_configs()} | ACCOUNT_LIBRARY_APPS
    return [
        (model._meta.label, model._meta.db_table, model._meta.pk.column)
        for model in apps.get_models()
        if model._meta.app_label in project or model is get_user_model()
    ]


def stored_data() -> dict[str, list[tuple]]:
    """Every row of the project's own tables and of users: the "nothing changed" yardstick.

    Read with plain SQL (one cheap query per table) because it is taken after every attack.
    """
    snapshot = {}
    with connection.cursor() as cursor:
        for label, table, pk in _yardstick_tables():
            cursor.execute(
                f"SELECT * FROM {connection.ops.quote_name(table)} "
                f"ORDER BY {connection.ops.quote_name(pk)}"
            )
            snapshot[label] = cursor.fetchall()
    return snapshot


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after.get(label))


def has_error_message(response) -> bool:
    content = response.content.decode()
    return any(marker in content for marker in ERROR_MARKERS)


@functools.cache
def discovered() -> tuple[dict, dict, dict]:
    """(FORMS, CASES, USES), found once, on first use: the apps' case modules import this
    module, so nothing is discovered while it is still being imported.

    USES has one entry per use of a form: "app.forms.Form" or, for its further uses, "…Form#2".
    """
    forms, cases = discover_forms(), all_cases()
    uses = {
        name if i == 0 else f"{name}#{i + 1}": case
        for name in sorted(set(forms) & set(cases))
        if not isinstance(cases[name], Abstract)
        for i, case in enumerate(cases[name] if isinstance(cases[name], list) else [cases[name]])
    }
    return forms, cases, uses


def __getattr__(name: str):
    if name in ("FORMS", "CASES", "USES"):
        return discovered()[("FORMS", "CASES", "USES").index(name)]
    raise AttributeError(name)


class Armed:
    """A case made ready in the test world: its target, a client per persona, the stored data."""

    def __init__(self, world, name: str):
        self.world = world
        forms, _, uses = discovered()
        self.case = uses[name]
        self.form_class = forms[name.partition("#")[0]]
        self.target = self.case.build(world)
        self.clients = {persona: world.client_for(persona) for persona in PERSONAS}
        if self.target.prepare:
            for client in self.clients.values():
                self.target.prepare(client)
        self.before = stored_data()

    def data(self, **overrides) -> dict:
        """The valid payload with ``overrides``; callables (fresh uploaded files) are called."""
        data = dict(self.target.data)
        data.update({self.case.key(name): value for name, value in overrides.items()})
        return {key: value() if callable(value) else value for key, value in data.items()}

    def post(self, data: dict, persona: str | None = None, url: str | None = None, follow=False):
        persona = persona or self.case.persona
        client = self.clients[persona]
        send = client.get if self.case.method == "get" else client.post
        response = send(url or self.target.url, data, follow=follow)
        assert response.status_code < 500
        self.assert_no_leak(response, persona)
        return response

    def assert_refused(self, field: forms.Field, overrides: dict, what: str) -> None:
        """Posting ``overrides`` changes nothing, and a field a person types in gets a message.

        A hidden field (a record's version) only changes by tampering: refusing is enough.
        """
        response = self.post(self.data(**overrides))
        if response.status_code == 200 and not isinstance(field.widget, forms.HiddenInput):
            assert has_error_message(response), f"no message for {what}"
        self.assert_unchanged(what)

    def assert_unchanged(self, what: str) -> None:
        changed = changed_tables(self.before, stored_data())
        assert not changed, f"{what} changed {changed}"

    def assert_no_leak(self, response, persona: str) -> None:
        w = self.world
        if persona == "other_team":
            hidden = [w.lmns.name, w.trust.name, w.sibling_trust.name]
        elif persona == "anonymous":
            hidden = [w.other_lmns.name, w.other_trust.name, w.lmns.name, w.trust.name]
        else:
            hidden = [w.other_lmns.name, w.other_trust.name]
        content = response.content.decode(errors="replace")
        leaked = [name for name in hidden if name in content]
        assert not leaked, f"{persona} was shown {leaked}"
