"""Free text in: one rule for every form, model and importer (``lmns/text.py``).

Forms and models are discovered, so a new text field cannot escape: every text field of every
project form carries the rule and a length limit of its class; every text field of every
project model is one of the three length classes and is held to its limit by the database.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.forms import BaseForm

from lmns import text
from tests.attacks import all_cases, discover_forms, form_fields
from tests.project import project_app_configs

PROJECT_APPS = {config.name for config in project_app_configs()}
# The project's own forms. Filters (GET, nothing stored) are left out.
FORMS = {
    name: form_class
    for name, form_class in discover_forms().items()
    if form_class.__module__.split(".")[0] in PROJECT_APPS and issubclass(form_class, BaseForm)
}
CASES = all_cases()

# Text columns of project models that are not free text, and why.
NOT_FREE_TEXT = {
    "assurance.EvidenceFile.content_type": "set by the server from the file's kind, never typed",
    "lmns.ImportPreview.purpose": "set by the importer (which upload the rows are for)",
    "lmns.ImportPreview.file_sha256": "computed from the file",
    "lmns.Notification.kind": "a code an app registers",
    "lmns.Notification.url": "the page's address, made by reverse()",
    "lmns.Notification.key": "the event's key (kind and transition id)",
    "mail.MailPreference.kind": "a notification kind's code",
    "mail.MailPreference.choice": "one of three choices",
    "mail.Delivery.channel": "the channel's code (email)",
    "mail.Delivery.kind": "a notification kind's code",
    "mail.Delivery.key": "the notification's key, or the digest's day",
    "mail.Delivery.line": "copied from the notification's text, made by the app, held to its limit",
    "mail.Delivery.url": "the page's address, made by reverse()",
    "mail.Delivery.status": "one of the outbox's states",
    "lmns.Download.kind": "set by the view that hands out the file",
    "lmns.Download.path": "the address requested, cut to its length",
    "lmns.Purge.label": "the kind of record, from the purge registry",
    "lmns.Purge.field": "a field name, from the purge registry",
    "lmns.Purge.removed_sha256": "computed from what was removed",
    "boardpack.IssuedPackPdf.sha256": "computed from the rendered PDF",
    "boardpack.IssuedPackXlsx.sha256": "computed from the written spreadsheet",
    "assurance.Requirement.guidance_url": "a link, which the URL validator holds to a URL's form",
    "assurance.RequirementMapping.source_url": "a link, which the URL validator holds to a URL's form",
    "quality.Measure.publication_url": "a link, which the URL validator holds to a URL's form",
    "quality.Ambition.source_url": "a link, which the URL validator holds to a URL's form",
    "quality.AccreditationScheme.url": "a link, which the URL validator holds to a URL's form",
    "accounts.Invitation.email": "an address, which the email validator holds to an address's form",
    "accounts.Invitation.token_hash": "computed from the invitation's token",
}


def _project_models():
    return [
        model
        for config in project_app_configs()
        for model in config.get_models()
        if not model.__name__.startswith("Historical")
    ]


def _text_fields(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField) and not field.choices
    ]


def _lengths_constraint(model) -> dict[str, int]:
    """{field: limit} of the model's ``text_lengths`` constraint."""
    for constraint in model._meta.constraints:
        if constraint.name.endswith("_text_lengths"):
            return {
                lookup.removesuffix("__length__lte"): n
                for lookup, n in constraint.condition.children
            }
    return {}


# -- the rule ---------------------------------------------------------------------------------
@pytest.mark.parametrize("pasted", ["Line one\x0bLine two", "Page one\x0cPage two"])
def test_a_line_break_pasted_from_word_or_excel_is_refused_with_the_message(pasted):
    with pytest.raises(ValidationError) as refused:
        text.validate_free_text(pasted)
    assert refused.value.messages == [text.PASTED_LINE_BREAK]
    assert text.clean_pasted_text(pasted) == pasted[:8] + "\n" + pasted[9:]


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85"])
def test_other_control_characters_are_refused_with_their_code(char):
    with pytest.raises(ValidationError) as refused:
        text.validate_free_text(f"Audit{char} done")
    assert f"U+{ord(char):04X}" in refused.value.messages[0]
    assert text.clean_pasted_text(f"Audit{char} done") == "Audit done"


def test_tab_carriage_return_and_line_feed_are_ordinary_text():
    text.validate_free_text("Staffing:\tbands 5–7\r\nRecruiting\n“quoted” £1,000 – done ✓")


def test_a_cell_problem_names_each_fault_and_the_limit():
    assert text.cell_problem("fine", 300) is None
    assert "pasted from Word or Excel" in text.cell_problem("a\x0bb", 300)
    assert "U+0000" in text.cell_problem("a\x00b", 300)
    assert text.cell_problem("A" * 2001, text.SHORT_TEXT) == (
        "it is 2,001 characters long; the limit is 2,000"
    )


def test_an_over_long_text_is_refused_saying_by_how_much():
    field = text.short_text_field()
    with pytest.raises(ValidationError) as refused:
        field.clean("A" * 2345)
    assert refused.value.messages == [
        "This is 2,345 characters long; the limit is 2,000. Shorten it."
    ]


def test_a_refused_text_is_shown_back_cleaned_and_no_character_is_cut_by_the_browser():
    from django import forms

    class Form(forms.Form):
        title = text.one_line_field()
        narrative = text.narrative_field()

    form = Form({"title": "Midwifery\x0bstaffing", "narrative": "Recruited\x0b12 WTE\x00"})
    assert not form.is_valid()
    assert form["title"].value() == "Midwifery staffing"
    assert form["narrative"].value() == "Recruited\n12 WTE"
    assert text.PASTED_LINE_BREAK in form.errors["narrative"]
    assert "maxlength" not in str(form["title"]) + str(form["narrative"])


def test_an_excerpt_keeps_600_characters_at_most_cut_at_a_word():
    long = "word " * 200
    shown, cut = text.excerpt(long)
    assert cut and len(shown) <= text.EXCERPT and shown.endswith("word…")
    assert text.excerpt("short") == ("short", False)


# -- every model ------------------------------------------------------------------------------
def test_every_text_field_of_every_model_is_one_of_the_three_length_classes():
    wrong = [
        f"{model._meta.label}.{field.name} ({type(field).__name__})"
        for model in _project_models()
        for field in _text_fields(model)
        if not isinstance(field, text.FREE_TEXT_MODEL_FIELDS)
        and f"{model._meta.label}.{field.name}" not in NOT_FREE_TEXT
    ]
    assert not wrong, f"use OneLineTextField, ShortTextField or NarrativeField: {wrong}"


def test_every_free_text_field_is_held_to_its_limit_by_one_check_constraint():
    for model in _project_models():
        fields = {
            f.name: f.max_length
            for f in _text_fields(model)
            if isinstance(f, text.FREE_TEXT_MODEL_FIELDS)
        }
        assert _lengths_constraint(model) == fields, (
            f"{model._meta.label}: list every free-text field with its own limit in "
            "text_lengths(...)"
        )


@pytest.mark.django_db
def test_the_length_constraints_are_in_the_database():
    with connection.cursor() as cursor:
        for model in _project_models():
            if not _lengths_constraint(model):
                continue
            names = connection.introspection.get_constraints(cursor, model._meta.db_table)
            assert any(name.endswith("_text_lengths") for name in names), model._meta.label


@pytest.mark.django_db
def test_the_database_refuses_longer_text_whatever_writes_it(world):
    from deliverables.tests.factories import RiskFactory

    risk = RiskFactory(lmns=world.lmns)
    for field, limit in [("description", text.NARRATIVE), ("cause", text.SHORT_TEXT)]:
        with pytest.raises(IntegrityError), transaction.atomic():
            type(risk).objects.filter(pk=risk.pk).update(**{field: "A" * (limit + 1)})
    type(risk).objects.filter(pk=risk.pk).update(description="A" * text.NARRATIVE)


# -- every form -------------------------------------------------------------------------------
def _assert_carries_the_rule(name: str, fields: dict) -> None:
    from django import forms

    for field_name, field in fields.items():
        if not isinstance(field, forms.CharField):
            continue
        assert text.validate_free_text in field.validators, f"{name}.{field_name}: no text rule"
        limits = [v.limit_value for v in field.validators if hasattr(v, "limit_value")]
        assert limits and max(limits) <= text.NARRATIVE, f"{name}.{field_name}: no length limit"


def test_every_form_the_project_defines_is_checked():
    assert "deliverables.forms.RiskForm" in FORMS
    assert "assurance.forms.returns.AnswerForm" in FORMS


@pytest.mark.parametrize("name", sorted(FORMS))
def test_every_text_field_of_every_form_carries_the_rule_and_a_limit(name):
    _assert_carries_the_rule(name, form_fields(FORMS[name]))


# Forms whose fields are made when the view builds them (one per section, one per word).
BUILT = {
    f"{name}#{i + 1}": case
    for name in sorted(set(FORMS) & set(CASES))
    for i, case in enumerate(CASES[name] if isinstance(CASES[name], list) else [CASES[name]])
    if hasattr(case, "build")
}


@pytest.mark.parametrize("use", sorted(BUILT))
def test_fields_made_by_the_view_carry_the_rule_too(world, use):
    target = BUILT[use].build(world)
    if target.form is None:
        pytest.skip("the form's fields are all declared")
    _assert_carries_the_rule(use, dict(target.form.fields))
