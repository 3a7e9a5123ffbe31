"""The project's form parts: one date widget and one way to choose records, for every form.

Every form and filter in the project builds on these instead of Django's or django-filter's own:

* :class:`DateInput` (and :class:`DateField`, which uses it) always renders a saved date as
  ``2027-03-31``, the only format a browser's date control accepts. With ``LANGUAGE_CODE =
  "en-gb"`` Django's own widget renders ``31/03/2027``: the browser then shows the control empty
  and a re-save sends the date blank, erasing it.
* :class:`ModelChoiceField` and :class:`ModelMultipleChoiceField` refuse an id that no record
  can have (non-numeric, negative, zero, or beyond the primary key's range) as an invalid choice
  before asking the database: forty nines in a POST otherwise raise ``OverflowError`` on SQLite.
  :class:`ModelChoiceFilter` and :class:`ModelMultipleChoiceFilter` do the same for filters.
* :class:`ModelForm` and :class:`FilterSet` are the bases that make a model's foreign keys,
  many-to-many fields and dates use the parts above, so a new form cannot forget them;
  :class:`DateFilter` is the date filter.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import QuerySet
from django.db.models.fields.related import ManyToManyRel, ManyToOneRel, OneToOneRel
from django.forms.models import ModelFormMetaclass
from django_filters import fields as filter_fields
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS

from .models import ReportingPeriod
from .uploads import UploadError, check_declared_size

DATE_FORMAT = "%Y-%m-%d"
# Browsers draw their own date control (in the reader's locale), so the hint names no format.
DATE_HINT = "Choose the date from the calendar, or type the day, month and year."

INTEGER_KEYS = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}
AUTO_KEYS = {"AutoField", "BigAutoField", "SmallAutoField"}


class CsvFileField(forms.FileField):
    """A CSV file to import: refused by its name's ending and its declared size (at most
    ``max_bytes``) before anything reads it."""

    def __init__(self, *, max_bytes: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.max_bytes = max_bytes

    def validate(self, value) -> None:
        super().validate(value)
        if not value:
            return
        if PurePath(value.name).suffix.lower() not in {".csv", ".txt"}:
            raise ValidationError("Choose a .csv file (comma-separated values).")
        try:
            check_declared_size(value.size, self.max_bytes)
        except UploadError as exc:
            raise ValidationError(str(exc)) from exc


class DateInput(forms.DateInput):
    """The browser's date control, always given an ISO date (``2027-03-31``) to show."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format=DATE_FORMAT)


class DateField(forms.DateField):
    """A date typed in the browser's own control; the hint never contradicts that control."""

    widget = DateInput

    def __init__(self, **kwargs) -> None:
        if not kwargs.get("help_text"):
            kwargs["help_text"] = DATE_HINT
        super().__init__(**kwargs)


def key_in_range(queryset: models.QuerySet, to_field_name: str | None, value) -> bool:
    """Whether ``value`` could be a key of a record in ``queryset`` without asking the database.

    For integer keys: ASCII digits (an optional minus sign for keys that are not automatic)
    within the range the database stores, and at least 1 for automatic ids. Other kinds of
    key are left to the database.
    """
    model = queryset.model
    if isinstance(value, model):
        return True
    field = model._meta.get_field(to_field_name) if to_field_name else model._meta.pk
    kind = field.get_internal_type()
    if kind not in INTEGER_KEYS:
        return True
    text = str(value).strip()
    digits = text[1:] if text.startswith("-") and kind not in AUTO_KEYS else text
    if not (digits.isascii() and digits.isdigit()):
        return False
    low, high = connections[queryset.db].ops.integer_field_range(kind)
    if kind in AUTO_KEYS:
        low = 1
    return (low is None or int(text) >= low) and (high is None or int(text) <= high)


class _KeyCheck:
    """Refuses impossible ids as an invalid choice before any query is made."""

    def _refuse_impossible(self, value) -> None:
        if value in self.empty_values:
            return
        # django-filter's "no value" choice ("null") is not an id.
        null_label = getattr(self, "null_label", None)
        if null_label is not None and value == getattr(self, "null_value", None):
            return
        if not key_in_range(self.queryset, self.to_field_name, value):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )


class _OneKeyCheck(_KeyCheck):
    def to_python(self, value):
        self._refuse_impossible(value)
        return super().to_python(value)


class _ManyKeyCheck(_KeyCheck):
    def _check_values(self, value):
        # ``clean`` has made sure ``value`` is a list or tuple.
        for item in value:
            self._refuse_impossible(item)
        return super()._check_values(value)


class ModelChoiceField(_OneKeyCheck, forms.ModelChoiceField):
    """Choose one record; an impossible id is an invalid choice, never a database error."""


class PeriodChoiceField(ModelChoiceField):
    """Choose a reporting period among those begun by today (latest first), narrowed by
    ``periods`` (for example to open ones).

    A form's fields are copied for each form; this field builds its list again then, so "today"
    is the day of the request, never the day the server started: a quarter that begins while
    the server runs is listed from its first day.
    """

    def __init__(self, *, periods: Callable[[QuerySet], QuerySet] | None = None, **kwargs) -> None:
        self.periods = periods
        super().__init__(queryset=self.begun(), **kwargs)

    def begun(self) -> QuerySet:
        begun = ReportingPeriod.objects.started()
        return (self.periods(begun) if self.periods else begun).order_by("-start_date")

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.queryset = self.begun()
        return result


class ModelMultipleChoiceField(_ManyKeyCheck, forms.ModelMultipleChoiceField):
    """Choose several records; any impossible id is an invalid choice, never a database error."""


class FilterModelChoiceField(_OneKeyCheck, filter_fields.ModelChoiceField):
    """:class:`ModelChoiceField` for django-filter (which adds its "no value" choice)."""


class FilterModelMultipleChoiceField(_ManyKeyCheck, filter_fields.ModelMultipleChoiceField):
    """:class:`ModelMultipleChoiceField` for django-filter."""


class DateFilter(django_filters.DateFilter):
    field_class = DateField


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = FilterModelChoiceField


class ModelMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = FilterModelMultipleChoiceField


def formfield_for(db_field: models.Field, **kwargs) -> forms.Field | None:
    """A model field's form field, built from this module's parts."""
    if isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
    elif isinstance(db_field, models.ForeignKey):
        kwargs.setdefault("form_class", ModelChoiceField)
    elif isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        kwargs.setdefault("form_class", DateField)
    return db_field.formfield(**kwargs)


class _ModelFormMetaclass(ModelFormMetaclass):
    def __new__(mcs, name, bases, attrs):
        meta = attrs.get("Meta")
        if meta is not None and not hasattr(meta, "formfield_callback"):
            meta.formfield_callback = staticmethod(formfield_for)
        return super().__new__(mcs, name, bases, attrs)


class ModelForm(forms.ModelForm, metaclass=_ModelFormMetaclass):
    """The base of every model form: relations and dates use this module's fields."""

    def entered(self, *apart: str) -> dict:
        """The cleaned value of each of the form's fields but those ``apart`` (links and the
        version a service takes separately), for a service's ``changes``."""
        return {name: self.cleaned_data[name] for name in self.fields if name not in apart}


def _filter_defaults() -> dict:
    defaults = {key: dict(value) for key, value in FILTER_FOR_DBFIELD_DEFAULTS.items()}
    defaults[models.DateField]["filter_class"] = DateFilter
    for key in (models.OneToOneField, models.ForeignKey, OneToOneRel):
        defaults[key]["filter_class"] = ModelChoiceFilter
    for key in (models.ManyToManyField, ManyToOneRel, ManyToManyRel):
        defaults[key]["filter_class"] = ModelMultipleChoiceFilter
    return defaults


class FilterSet(django_filters.FilterSet):
    """The base of every filter: filters on relations use this module's choice fields."""

    FILTER_DEFAULTS = _filter_defaults()


class MarkReadForm(forms.Form):
    """Mark one of the person's notifications read, or all of them when none is chosen."""

    notification = ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs) -> None:
        from .models import Notification

        super().__init__(*args, **kwargs)
        self.fields["notification"].queryset = Notification.objects.filter(recipient=user)
