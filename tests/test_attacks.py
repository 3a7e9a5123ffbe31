"""The common attacks against every form and filter the project defines (they are discovered).

For every form: another organisation's ids in the POST or the URL (IDOR), the form posted by
every persona who may not use it (forged workflow steps included), a post without the CSRF
token, over-long strings, script in text fields, control characters in text fields (a line
break pasted from Word or Excel, NUL), non-numeric or extreme numbers, and ids no record can
have (beyond the key's range, negative, not numeric) in every choice field, single or multiple.
Each attack must be refused without a server error, without changing any stored row and without
revealing another organisation's data. Each case first proves that its valid payload is
accepted, so a refusal means something.
"""

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from conftest import PERSONAS
from lmns.text import PASTED_LINE_BREAK
from tests.attacks import (
    BAD_IDS,
    BAD_NUMBERS,
    CASES,
    FORMS,
    SCRIPT,
    SCRIPT_ESCAPED,
    USES,
    Abstract,
    Armed,
    attacked_fields,
    changed_tables,
    choice_fields,
    has_error_message,
    is_multiple,
    numeric_fields,
    object_fields,
    stored_data,
    text_fields,
)

ATTACKED = sorted(USES)
POSTED = [name for name in ATTACKED if USES[name].method == "post"]
# The project's own forms (the rule on free text is the project's, not the account library's).
OWN_POSTED = [name for name in POSTED if not name.startswith(("django.", "allauth."))]
OVER_LONG_UNBOUNDED = 20_000


def _refused(response, persona: str) -> bool:
    if persona == "anonymous":
        return response.status_code == 302 and response.url.startswith(reverse("account_login"))
    return response.status_code in (403, 404)


def test_every_form_has_an_attack_case():
    missing = sorted(set(FORMS) - set(CASES))
    stale = sorted(set(CASES) - set(FORMS))
    assert not missing, (
        f"Forms without an attack case (add them to <app>/tests/attack_cases.py): {missing}"
    )
    assert not stale, f"Attack cases for forms that no longer exist: {stale}"


def test_abstract_forms_are_only_bases_of_attacked_forms():
    for name, entry in CASES.items():
        if isinstance(entry, Abstract) and name in FORMS:
            subclasses = [
                other
                for other in ATTACKED
                if issubclass(FORMS[other.partition("#")[0]], FORMS[name]) and other != name
            ]
            assert subclasses, f"{name} is marked abstract but no attacked form builds on it"


def test_the_core_forms_are_discovered():
    assert "accounts.forms.SignInForm" in FORMS
    assert "allauth.account.forms.ChangePasswordForm" in FORMS


@pytest.mark.parametrize("name", ATTACKED)
def test_the_valid_payload_is_accepted(world, name):
    armed = Armed(world, name)
    response = armed.post(armed.data())
    assert response.status_code in (200, 302)
    if armed.case.saves:
        assert changed_tables(armed.before, stored_data()), "the valid payload saved nothing"


@pytest.mark.parametrize("name", POSTED)
def test_a_post_without_the_csrf_token_is_refused(world, name):
    armed = Armed(world, name)
    client = Client(enforce_csrf_checks=True)
    if armed.case.persona != "anonymous":
        client.force_login(world.users[armed.case.persona])
    if armed.target.prepare:
        armed.target.prepare(client)
    armed.before = stored_data()
    response = client.post(armed.target.url, armed.data())
    assert response.status_code == 403, response.status_code
    armed.assert_unchanged("a post without the CSRF token")


@pytest.mark.parametrize("name", ATTACKED)
def test_people_who_may_not_use_the_form_are_refused(world, name):
    armed = Armed(world, name)
    case = armed.case
    refused = (
        case.refused if case.refused is not None else [p for p in PERSONAS if p != case.persona]
    )
    if not refused:
        pytest.skip("everybody may use this form")
    for persona in refused:
        response = armed.post(armed.data(), persona=persona)
        assert _refused(response, persona), f"{persona} got {response.status_code}"
        armed.assert_unchanged(f"a post by {persona}")


@pytest.mark.parametrize("name", ATTACKED)
def test_another_organisations_ids_change_nothing(world, name):
    armed = Armed(world, name)
    fields = object_fields(armed.form_class, armed.target)
    unattacked = set(fields) - set(armed.target.foreign) - armed.case.unscoped
    assert not unattacked, (
        f"give another organisation's ids for {sorted(unattacked)} in Target.foreign"
    )
    if not armed.target.foreign and not armed.target.foreign_url:
        pytest.skip("the form carries no organisation's object ids")
    for field_name, value in armed.target.foreign.items():
        response = armed.post(armed.data(**{field_name: value}))
        # Refused, or sent back with a message ("the page was out of date"), or a form error.
        assert response.status_code in (200, 302, 403, 404), field_name
        if response.status_code == 200:
            assert has_error_message(response), f"no error shown for {field_name}"
        armed.assert_unchanged(f"another organisation's id in {field_name}")
    if armed.target.foreign_url:
        response = armed.post(armed.data(), url=armed.target.foreign_url)
        assert response.status_code in (403, 404)
        armed.assert_unchanged("posting to another organisation's URL")


@pytest.mark.parametrize("name", ATTACKED)
def test_over_long_strings_get_a_clear_message(world, name):
    armed = Armed(world, name)
    fields = attacked_fields(
        text_fields(armed.form_class, armed.case, armed.target, passwords=True), armed.case
    )
    if not fields:
        pytest.skip("no text fields")
    # Fields with a limit first: an unlimited text field may legitimately save a long text.
    for field_name, field in sorted(fields.items(), key=lambda item: item[1].max_length is None):
        if field.max_length is None:
            armed.post(armed.data(**{field_name: "A" * OVER_LONG_UNBOUNDED}))
            continue
        response = armed.post(armed.data(**{field_name: "A" * (field.max_length + 1)}))
        assert response.status_code == 200, field_name
        assert has_error_message(response), f"no message for an over-long {field_name}"
        armed.assert_unchanged(f"an over-long {field_name}")


@pytest.mark.parametrize("name", ATTACKED)
def test_script_in_text_fields_is_shown_escaped(world, name):
    armed = Armed(world, name)
    fields = {
        field_name: field
        for field_name, field in text_fields(armed.form_class, armed.case, armed.target).items()
        if field.max_length is None or field.max_length >= len(SCRIPT)
    }
    if not fields:
        pytest.skip("no text fields long enough to hold a script")
    response = armed.post(armed.data(**dict.fromkeys(fields, SCRIPT)), follow=True)
    pages = [response.content.decode()]
    if changed_tables(armed.before, stored_data()) and armed.target.show_url:
        shown = armed.clients[armed.case.persona].get(armed.target.show_url)
        assert shown.status_code == 200
        pages.append(shown.content.decode())
    assert not any(SCRIPT in page for page in pages), "script rendered unescaped"
    assert any(SCRIPT_ESCAPED in page for page in pages), (
        "the text was neither saved and shown (escaped) nor given back in the form"
    )


def _typed_text_fields(armed: Armed) -> dict:
    fields = attacked_fields(text_fields(armed.form_class, armed.case, armed.target), armed.case)
    if not fields:
        pytest.skip("no text fields")
    return fields


@pytest.mark.parametrize("name", OWN_POSTED)
def test_a_line_break_pasted_from_word_or_excel_is_refused_and_shown_cleaned(world, name):
    armed = Armed(world, name)
    for field_name, field in _typed_text_fields(armed).items():
        pasted = "Staffing\x0bReview" if (field.max_length or 99) >= 15 else "a\x0bb"
        response = armed.post(armed.data(**{field_name: pasted}))
        assert response.status_code == 200, field_name
        page = response.content.decode()
        assert PASTED_LINE_BREAK in page, f"no message for {field_name}"
        cleaned = pasted.replace("\x0b", "\n"), pasted.replace("\x0b", " ")
        assert any(c in page for c in cleaned), f"{field_name} not shown back cleaned"
        armed.assert_unchanged(f"a pasted line break in {field_name}")


@pytest.mark.parametrize("name", OWN_POSTED)
def test_control_characters_in_text_fields_are_refused(world, name):
    armed = Armed(world, name)
    for field_name in _typed_text_fields(armed):
        for char in ("\x00", "\x1b"):
            response = armed.post(armed.data(**{field_name: f"a{char}b"}))
            assert response.status_code == 200, field_name
            page = response.content.decode()
            assert f"U+{ord(char):04X}" in page, f"no message naming {char!r} in {field_name}"
            armed.assert_unchanged(f"{char!r} in {field_name}")


@pytest.mark.parametrize("name", ATTACKED)
def test_non_numeric_and_extreme_numbers_change_nothing(world, name):
    armed = Armed(world, name)
    fields = attacked_fields(numeric_fields(armed.form_class, armed.target), armed.case)
    if not fields:
        pytest.skip("no numeric fields")
    for field_name, field in fields.items():
        for value in BAD_NUMBERS:
            if value == "-1" and field_name in armed.case.allow_negative:
                continue
            armed.assert_refused(field, {field_name: value}, f"{field_name}={value}")


@pytest.mark.parametrize("name", ATTACKED)
def test_impossible_ids_in_choice_fields_get_a_clear_message(world, name):
    armed = Armed(world, name)
    fields = attacked_fields(choice_fields(armed.form_class, armed.target), armed.case)
    if not fields:
        pytest.skip("no choice fields")
    for field_name, field in fields.items():
        valid = armed.target.data.get(armed.case.key(field_name))
        for value in BAD_IDS:
            if not isinstance(field, forms.ModelChoiceField) and field.valid_value(value):
                continue
            attempts = [value]
            if is_multiple(field):
                # Alone, and beside the valid choices (which must not hide it).
                attempts = [[value], [*(valid or []), value]]
            for sent in attempts:
                armed.assert_refused(field, {field_name: sent}, f"{field_name}={sent}")
