"""Forms of the quality pages: the month chooser, a trust's monthly figures, the CSV import."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms

from lmns import text
from lmns.forms import CsvFileField

from .importer import MAX_BYTES, MSDS, TEMPLATE
from .models import FigureStatus, Measure, MonthlyFigure
from .selectors import last_complete_month, months_ending
from .services import FigureInput

NUMBER_ERRORS = {
    "invalid": "Enter a number, for example 42 or 37.5.",
    "min_value": "Figures cannot be negative.",
    "max_digits": "That number is too large.",
    "max_whole_digits": "That number is too large.",
    "max_decimal_places": "Use at most two decimal places.",
}
CHOOSABLE_MONTHS = 60


def month_choices(n: int = CHOOSABLE_MONTHS) -> list[tuple[str, str]]:
    return [(f"{m:%Y-%m}", f"{m:%B %Y}") for m in reversed(months_ending(last_complete_month(), n))]


class MonthForm(forms.Form):
    """The month a page shows (GET)."""

    month = forms.ChoiceField(label="Month", choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = month_choices()
        self.fields["month"].widget.attrs["class"] = "form-select"

    def chosen(self) -> datetime.date:
        if self.is_bound and self.is_valid():
            year, month = self.cleaned_data["month"].split("-")
            return datetime.date(int(year), int(month), 1)
        return last_complete_month()


def _number_field(label: str) -> forms.DecimalField:
    field = forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        error_messages=NUMBER_ERRORS,
    )
    field.widget.input_type = "text"
    field.widget.attrs.update({"inputmode": "decimal", "class": "form-control figure"})
    return field


class MonthEntryForm(forms.Form):
    """A trust's numerator and denominator for every active measure of one month."""

    status = forms.ChoiceField(
        label="These figures are",
        choices=FigureStatus.choices,
        initial=FigureStatus.PROVISIONAL,
        widget=forms.RadioSelect,
    )
    reason = text.FreeTextField(
        label="Reason for a correction",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when you change figures already recorded; kept in the history. "
        "You may also leave a note with new figures.",
    )

    def __init__(self, *args, measures: list[Measure], figures: dict[int, MonthlyFigure], **kwargs):
        super().__init__(*args, **kwargs)
        self.measures = measures
        statuses = {f.status for f in figures.values()}
        if len(statuses) == 1:
            self.fields["status"].initial = statuses.pop()
        for m in measures:
            figure = figures.get(m.pk)
            self.fields[f"num_{m.code}"] = _number_field("Count" if m.is_count else "Numerator")
            if not m.is_count:
                self.fields[f"den_{m.code}"] = _number_field("Denominator")
            self.fields[f"na_{m.code}"] = forms.BooleanField(label="Not available", required=False)
            self.fields[f"v_{m.code}"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1
            )
            if figure is not None:
                self.initial.update(
                    {
                        f"num_{m.code}": figure.numerator,
                        f"den_{m.code}": figure.denominator,
                        f"na_{m.code}": figure.not_available,
                        f"v_{m.code}": figure.version,
                    }
                )
            else:
                self.initial[f"v_{m.code}"] = 0

    def rows(self) -> list[FigureInput]:
        data = self.cleaned_data
        return [
            FigureInput(
                measure=m,
                numerator=None if data.get(f"na_{m.code}") else data.get(f"num_{m.code}"),
                denominator=None if data.get(f"na_{m.code}") else data.get(f"den_{m.code}"),
                not_available=bool(data.get(f"na_{m.code}")),
                version=data.get(f"v_{m.code}") or 0,
            )
            for m in self.measures
        ]

    def measure_rows(self) -> list[dict]:
        """Each measure with its bound fields, for the template."""
        return [
            {
                "measure": m,
                "num": self[f"num_{m.code}"],
                "den": None if m.is_count else self[f"den_{m.code}"],
                "na": self[f"na_{m.code}"],
                "version": self[f"v_{m.code}"],
            }
            for m in self.measures
        ]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="The file is",
        choices=[
            (MSDS, "NHS England's monthly MSDS measures file (msds-…-exp-data.csv)"),
            (
                TEMPLATE,
                "This product's template (month, ods_code, measure_id, numerator, denominator)",
            ),
        ],
        widget=forms.RadioSelect,
    )
    status = forms.ChoiceField(
        label="Record the figures as",
        choices=FigureStatus.choices,
        initial=FigureStatus.PROVISIONAL,
        widget=forms.RadioSelect,
    )
    file = CsvFileField(max_bytes=MAX_BYTES, label="CSV file", help_text="Up to 5 MB.")


class ConfirmImportForm(forms.Form):
    """Confirms the previewed file; carries nothing but the person's decision."""

    confirm = forms.BooleanField(
        label="I have checked the figures above: import them", required=True
    )
