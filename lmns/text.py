"""Free text in: one validator and three length classes for every form, importer and model.

Every free-text field of the product belongs to one length class:

* **one line** (:data:`ONE_LINE`, 300 characters): titles, names, owners, notes;
* **short text** (:data:`SHORT_TEXT`, 2,000): actions, mitigations, reasons, comments;
* **narrative** (:data:`NARRATIVE`, 10,000): progress narratives, evidence, descriptions.

A model declares its text with :class:`OneLineTextField`, :class:`ShortTextField` or
:class:`NarrativeField` and lists them in one :func:`text_lengths` check constraint, so the
database refuses longer text whatever wrote it. Forms get :class:`FreeTextField` (from the model
field, or from :func:`one_line_field`, :func:`short_text_field`, :func:`narrative_field`);
importers check each cell with :func:`cell_problem`. All of them apply :func:`validate_free_text`:

* a vertical tab or form feed, which Word and Excel paste for a line break, is refused with
  :data:`PASTED_LINE_BREAK`, and the form shows the text back with a real line break instead;
* any other control character (NUL included) is refused the same way, with its code named;
* tab, carriage return and line feed are ordinary text.

Refusing rather than silently cleaning lets the person see what will be kept. Text that breaks a
spreadsheet can therefore not be typed or imported; the export kit still replaces such
characters when writing, for records saved before this rule.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.utils.deconstruct import deconstructible

ONE_LINE = 300
SHORT_TEXT = 2_000
NARRATIVE = 10_000

# Board sections show at most this much of a text, with a link to the full record.
EXCERPT = 600

PASTED_LINE_BREAK = (
    "We removed an invisible line break pasted from Word or Excel: check the text and save again"
)
CONTROL_CHARACTER = (
    "We removed an invisible control character ({codes}) that cannot be saved: check the text "
    "and save again"
)
TOO_LONG = "This is %(show_value)s characters long; the limit is %(limit_value)s. Shorten it."

# Vertical tab and form feed: a line break pasted from Word or Excel.
PASTED_BREAK_RE = re.compile("[\x0b\x0c]")
# Every other C0 control but tab, line feed and carriage return; DEL; the C1 controls.
CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def clean_pasted_text(value: str, line_break: str = "\n") -> str:
    """The text as it will be accepted: pasted line breaks made real (a space on one line),
    other control characters removed."""
    return CONTROL_RE.sub("", PASTED_BREAK_RE.sub(line_break, value))


def _control_characters(value: str) -> tuple[bool, str]:
    """Whether the text holds a pasted line break, and the codes of its other controls."""
    others = dict.fromkeys(f"U+{ord(c):04X}" for c in CONTROL_RE.findall(value))
    return bool(PASTED_BREAK_RE.search(value)), ", ".join(others)


@deconstructible
class FreeTextValidator:
    """Refuse pasted line breaks (vertical tab, form feed) and every other control character."""

    def __call__(self, value) -> None:
        if not isinstance(value, str):
            return
        pasted, others = _control_characters(value)
        errors = []
        if pasted:
            errors.append(ValidationError(PASTED_LINE_BREAK, code="pasted_line_break"))
        if others:
            errors.append(
                ValidationError(CONTROL_CHARACTER.format(codes=others), code="control_character")
            )
        if errors:
            raise ValidationError(errors)

    def __eq__(self, other) -> bool:
        return isinstance(other, FreeTextValidator)

    def __hash__(self) -> int:
        return hash(FreeTextValidator)


validate_free_text = FreeTextValidator()


@deconstructible
class TextLengthValidator(MaxLengthValidator):
    """The length limit, with the counts written as people read them (10,000, not 10000)."""

    message = TOO_LONG

    def __call__(self, value) -> None:
        length = len(value)
        if length > self.limit_value:
            params = {"limit_value": f"{self.limit_value:,}", "show_value": f"{length:,}"}
            raise ValidationError(self.message, code="max_length", params=params)


def cell_problem(value: str, limit: int) -> str | None:
    """What is wrong with one imported cell that fills a field of ``limit`` characters, or None.

    The file's row and column are named by the caller; a file cannot show the cleaned text
    back, so a pasted line break is described rather than removed.
    """
    pasted, others = _control_characters(value)
    problems = []
    if pasted:
        problems.append(
            "it holds an invisible line break pasted from Word or Excel (a vertical tab or form "
            "feed); retype the line break, or remove it, and import again"
        )
    if others:
        problems.append(f"it holds an invisible control character ({others}) that cannot be saved")
    if len(value) > limit:
        problems.append(f"it is {len(value):,} characters long; the limit is {limit:,}")
    return "; ".join(problems) or None


# -- forms ------------------------------------------------------------------------------------
class FreeTextField(forms.CharField):
    """A form field for free text: its length class's limit and :data:`validate_free_text`.

    When the rule refuses a text the field is shown again with the cleaned text (pasted line
    breaks made real, other control characters removed), so the person checks it and saves
    again. No ``maxlength`` attribute is set: a browser would silently cut a pasted text at the
    limit, whereas the server says by how much it is too long and keeps every character.
    """

    def __init__(self, *, max_length: int = ONE_LINE, **kwargs):
        super().__init__(max_length=max_length, **kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, MaxLengthValidator | FreeTextValidator)
        ]
        self.validators += [TextLengthValidator(max_length), validate_free_text]

    def bound_data(self, data, initial):
        data = super().bound_data(data, initial)
        if not isinstance(data, str):
            return data
        return clean_pasted_text(data, "\n" if isinstance(self.widget, forms.Textarea) else " ")

    def widget_attrs(self, widget) -> dict:
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


def one_line_field(*, max_length: int = ONE_LINE, **kwargs) -> FreeTextField:
    """A one-line text input (titles, names, owners)."""
    return FreeTextField(max_length=max_length, **kwargs)


def short_text_field(*, rows: int = 2, **kwargs) -> FreeTextField:
    """A text area for an action, a mitigation, a reason or a comment."""
    kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
    return FreeTextField(max_length=SHORT_TEXT, **kwargs)


def narrative_field(*, rows: int = 3, **kwargs) -> FreeTextField:
    """A text area for a narrative, evidence or a description."""
    kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
    return FreeTextField(max_length=NARRATIVE, **kwargs)


# -- models -----------------------------------------------------------------------------------
class _FreeTextModelField:
    """What the three model fields share: the limit, the rule, and the form field they make."""

    limit: int

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", self.limit)
        if kwargs["max_length"] > self.limit:
            raise ValueError(f"{type(self).__name__} holds at most {self.limit} characters.")
        super().__init__(*args, **kwargs)

    @property
    def validators(self) -> list:
        kept = [v for v in super().validators if not isinstance(v, MaxLengthValidator)]
        return [*kept, TextLengthValidator(self.max_length), validate_free_text]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": FreeTextField, **kwargs})


class OneLineTextField(_FreeTextModelField, models.CharField):
    """One line of text, at most :data:`ONE_LINE` characters (a code may set a lower limit)."""

    limit = ONE_LINE


class ShortTextField(_FreeTextModelField, models.TextField):
    """An action, a mitigation, a reason or a comment: at most :data:`SHORT_TEXT` characters."""

    limit = SHORT_TEXT


class NarrativeField(_FreeTextModelField, models.TextField):
    """A narrative, evidence or a description: at most :data:`NARRATIVE` characters."""

    limit = NARRATIVE


FREE_TEXT_MODEL_FIELDS = (OneLineTextField, ShortTextField, NarrativeField)
for _field_class in FREE_TEXT_MODEL_FIELDS:
    _field_class.register_lookup(Length)


def text_lengths(prefix: str, **limits: int) -> models.CheckConstraint:
    """One check constraint holding every free-text field of a model to its limit.

    ``text_lengths("risk", title=ONE_LINE, description=NARRATIVE)``: the limits are the fields'
    own (``tests/test_free_text.py`` checks that they agree and that no text field is left out).
    """
    condition = Q()
    for name, limit in limits.items():
        condition &= Q(**{f"{name}__length__lte": limit})
    return models.CheckConstraint(
        condition=condition,
        name=f"{prefix}_text_lengths",
        violation_error_message="A text is longer than its limit.",
    )


def excerpt(value: str, limit: int = EXCERPT) -> tuple[str, bool]:
    """At most ``limit`` characters of a text, cut at a word, and whether it was cut."""
    if len(value) <= limit:
        return value, False
    cut = value[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…", True


# -- migrations -------------------------------------------------------------------------------
LISTED = 50


class LongerTextFound(Exception):
    """Existing text is longer than the limit a migration is about to add; nothing was changed."""


def longer_texts(app_config) -> list[str]:
    """Every stored text of the app's models longer than its field's limit, described."""
    found = []
    for model in app_config.get_models():
        if model.__name__.startswith("Historical"):
            continue  # the audit trail keeps what was; only current records get the limit
        for field in model._meta.concrete_fields:
            limit = getattr(field, "max_length", None)
            if not isinstance(field, models.CharField | models.TextField) or not limit:
                continue
            rows = (
                model._default_manager.annotate(_length=Length(field.attname))
                .filter(_length__gt=limit)
                .values_list("pk", "_length")
                .order_by("pk")
            )
            found += [
                f"{model._meta.label} {pk} {field.name}: {length:,} characters (limit {limit:,})"
                for pk, length in rows
            ]
    return found


def refuse_longer_text(app_label: str):
    """A migration step that lists stored text over the new limits and stops; it never cuts.

    Put it after the fields' new limits and before the constraints that enforce them: the
    migration is one transaction, so when it stops nothing has changed.
    """
    from django.db import migrations

    def check(apps, schema_editor) -> None:
        found = longer_texts(apps.get_app_config(app_label))
        if not found:
            return
        shown = "\n".join(f"  {line}" for line in found[:LISTED])
        more = f"\n  … and {len(found) - LISTED:,} more" if len(found) > LISTED else ""
        raise LongerTextFound(
            f"{len(found):,} stored text(s) of {app_label} are longer than the limits this "
            "release adds, so the migration stopped and changed nothing. Shorten each (for "
            "example in the admin site), then run migrate again (docs/operations.md, "
            f"'Free text'):\n{shown}{more}"
        )

    return migrations.RunPython(check, migrations.RunPython.noop, elidable=False)
