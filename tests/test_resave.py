"""Nothing typed is ever lost: every form's page, posted back as a browser reads it, changes nothing.

The forms come from the attack module exactly as ``tests/test_attacks.py`` finds them (every
form and every use of it has an attack case), so a new form cannot escape. For each posted use:

1. the valid payload is saved first, so the record holds a value in every field (dates,
   numbers, choices, many-to-many, files): for a page that edits a saved record the test fails
   if the payload leaves a field blank;
2. the page is opened as the case's persona and every ``<form method=post>`` posting back to
   it is read as a browser submits it (``tests/form_submission.py``: a date the browser cannot
   parse is sent blank, a select whose saved value is not an option sends its first option,
   disabled and unchecked controls and file inputs send nothing);
3. it is posted back with each button a person presses to save (the one Enter presses, and
   every "Save…" button), and no stored field may change and no history row be written.

A page that edits a saved record must also show every saved value and accept the re-save
without an error. Each case says what its page is with ``AttackCase.resave``; a workflow step,
whose button is itself the change, is not posted back.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django import forms as django_forms
from django.apps import apps
from django.db import transaction
from django.urls import resolve, reverse

from conftest import PERSONAS
from lmns.forms import (
    DateInput,
    FilterModelChoiceField,
    FilterModelMultipleChoiceField,
    ModelChoiceField,
    ModelMultipleChoiceField,
)
from tests.attacks import (
    FORMS,
    USES,
    Armed,
    Resave,
    changed_tables,
    form_fields,
    has_error_message,
    stored_data,
)
from tests.form_submission import PageForm, page_forms, same_page
from tests.project import BASE, project_app_configs

POSTED = sorted(name for name, case in USES.items() if case.method == "post")
RESAVED = [name for name in POSTED if USES[name].resave in (Resave.EDIT, Resave.ADD)]
RECORD_CHOICES = (
    ModelChoiceField,
    ModelMultipleChoiceField,
    FilterModelChoiceField,
    FilterModelMultipleChoiceField,
)
SAVE_LABEL = re.compile(r"^save\b", re.IGNORECASE)


def _history_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model.__name__.startswith("Historical") and hasattr(model, "history_id")
    }


def _save_buttons(form: PageForm) -> list:
    default = form.default_button()
    buttons = [default] if default else []
    buttons += [b for b in form.submitters() if SAVE_LABEL.match(b.label) and b is not default]
    return buttons


def _own_forms(response) -> list[PageForm]:
    """The page's forms that post back to the page itself (not sign-out, not other actions)."""
    url = response.wsgi_request.get_full_path()
    page = f"http://testserver{url}"
    return [
        form
        for form in page_forms(response.content.decode(), page)
        if form.method == "post" and same_page(form.action(), page)
    ]


def _payload_value(armed: Armed, name: str):
    return armed.target.data.get(name)


def _check_every_field_shows_its_value(armed: Armed, form: PageForm) -> None:
    """An edit page: the payload filled every field, and the page gives each value back."""
    unused = {armed.case.key(name) for name in armed.case.unused}
    sent = form.data(form.default_button())
    for control in form.controls:
        if not control.visible or not control.name or control.name in unused:
            continue
        given = _payload_value(armed, control.name)
        if given in (None, "", []):
            pytest.fail(
                f"the valid payload leaves {control.name} blank: give every field a value so "
                "its round trip is tested"
            )
        # Files, and what goes with each new file, in every form of a formset alike.
        if control.type == "file" or control.name.rpartition("-")[2] in armed.case.with_upload:
            continue
        shown = [value for value in sent.get(control.name, []) if value != ""]
        assert shown, (
            f"{control.name} was saved as {given!r}, but a browser reads it back from the page "
            "as blank"
        )


def test_every_posted_form_says_what_its_page_is():
    unsaid = [name for name in POSTED if USES[name].resave is None]
    assert not unsaid, (
        f"Say in the attack case whether posting the page back is an EDIT, an ADD or a STEP: "
        f"{unsaid}"
    )


@pytest.mark.parametrize("name", RESAVED)
def test_a_page_posted_back_as_a_browser_reads_it_changes_nothing(world, name):
    armed = Armed(world, name)
    case = armed.case
    client = armed.clients[case.persona]

    filled = armed.post(armed.data())
    assert filled.status_code in (200, 302), filled.status_code
    if case.saves:
        assert changed_tables(armed.before, stored_data()), "the valid payload saved nothing"

    page = client.get(armed.target.url, follow=True)
    assert page.status_code == 200, page.status_code
    own = _own_forms(page)
    if case.resave == Resave.EDIT:
        assert own, "the page shows no form that saves to it"
        for form in own:
            _check_every_field_shows_its_value(armed, form)

    armed.before = stored_data()
    history = _history_counts()
    for form in own:
        buttons = _save_buttons(form)
        assert buttons, "the form has no button to save it"
        for button in buttons:
            response = client.post(form.action(button), form.data(button))
            assert response.status_code < 500
            pressed = button.label or button.name
            if case.resave == Resave.EDIT:
                assert response.status_code in (200, 302), response.status_code
                if response.status_code == 200:
                    assert not has_error_message(response), (
                        f"“{pressed}” on the unchanged page was refused"
                    )
            armed.assert_unchanged(f"pressing “{pressed}” on the unchanged page")
            assert _history_counts() == history, f"“{pressed}” wrote a history row"


# -- the classes of fault, found in every form ------------------------------------------------


@pytest.mark.parametrize("name", sorted(USES))
def test_dates_and_record_choices_use_the_project_fields(world, name):
    case = USES[name]
    fields = form_fields(FORMS[name.partition("#")[0]], case.build(world))
    for field_name, field in fields.items():
        if isinstance(field, django_forms.DateField):
            assert isinstance(field.widget, DateInput), f"{field_name}: use lmns.forms.DateField"
        if isinstance(field, django_forms.ModelChoiceField):
            assert isinstance(field, RECORD_CHOICES), (
                f"{field_name}: use lmns.forms.ModelChoiceField or ModelMultipleChoiceField"
            )


ONE_WAY = {
    r"\bDateInput\b": "lmns.forms.DateInput (through lmns.forms.DateField)",
    r"\bSelectDateWidget\b": "lmns.forms.DateField",
    r"forms\.DateField\b": "lmns.forms.DateField",
    r"forms\.ModelChoiceField\b": "lmns.forms.ModelChoiceField",
    r"forms\.ModelMultipleChoiceField\b": "lmns.forms.ModelMultipleChoiceField",
    r"forms\.ModelForm\b": "lmns.forms.ModelForm",
    r"django_filters\.(FilterSet|ModelChoiceFilter|ModelMultipleChoiceFilter|DateFilter)\b": (
        "the filter parts of lmns.forms"
    ),
    r"type=[\"']date[\"']": "lmns.forms.DateField",
}


def _code_files() -> list[Path]:
    roots = [BASE / "templates"] + [Path(c.path).resolve() for c in project_app_configs()]
    files = set()
    for root in roots:
        for path in [*root.rglob("*.py"), *root.rglob("*.html")]:
            parts = set(path.relative_to(BASE).parts)
            if not parts & {"tests", "migrations"} and path != BASE / "lmns" / "forms.py":
                files.add(path)
    return sorted(files)


def test_dates_and_record_choices_have_one_way_in_the_code():
    found = []
    for path in _code_files():
        text = path.read_text()
        for pattern, instead in ONE_WAY.items():
            if re.search(pattern, text):
                found.append(f"{path.relative_to(BASE)}: use {instead}")
    assert not found, found


# Pages post to these without a form class (nothing typed is posted), so no attack case names
# them; each is covered by its own tests.
FORMLESS_ACTIONS = {
    "account_logout": "signing out posts only the CSRF token",
    "session_keep_alive": "staying signed in posts only the CSRF token",
}


def _unattacked_forms(world, url_name: str, page_case, targets: set[str]) -> set[str]:
    url = reverse(url_name, kwargs=page_case.kwargs(world)) + page_case.query
    escaped = set()
    for persona in PERSONAS:
        if page_case.expected(persona) != 200:
            continue
        response = world.client_for(persona).get(url)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        for form in page_forms(response.content.decode(), f"http://testserver{url}"):
            if form.method != "post":
                continue
            action = resolve(urlsplit(form.action()).path).view_name
            if action not in targets and action not in FORMLESS_ACTIONS:
                escaped.add(f"{action} (a form on {url_name}, as {persona})")
    return escaped


def test_every_form_on_every_page_has_an_attack_case(world):
    """A form posted from a page that no attack case uses would escape the attacks and the
    re-save: every form found on the pages of the access matrix must post to a case's URL."""
    from tests.test_access_matrix import CASES as PAGES

    targets = set()
    for name in USES:
        # Each case builds its own records: build them one at a time and roll them back.
        with transaction.atomic():
            targets.add(resolve(urlsplit(USES[name].build(world).url).path).view_name)
            transaction.set_rollback(True)
    escaped = set()
    for url_name, page_case in sorted(PAGES.items()):
        with transaction.atomic():
            escaped |= _unattacked_forms(world, url_name, page_case, targets)
            transaction.set_rollback(True)
    assert not escaped, f"Forms without an attack case for that use: {sorted(escaped)}"
