"""Forms of the dashboard pages: the GET filters and the CSV upload."""

from django import forms

from lmns import text
from lmns.forms import CsvFileField, ModelChoiceField, PeriodChoiceField

from ..importer import MAX_BYTES, ON_BEHALF_REASON_LIMIT
from ..models import Framework


class FrameworkChoiceField(ModelChoiceField):
    def label_from_instance(self, obj: Framework) -> str:
        return f"{obj.short_name} (v{obj.version})"


def _frameworks():
    return Framework.objects.filter(active=True).order_by("name", "-version")


class _FilterForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def chosen(self) -> dict:
        """The framework and quarter chosen, when the query string is valid; else nothing, and
        the page shows its defaults."""
        return self.cleaned_data if self.is_bound and self.is_valid() else {}


class DashboardFilterForm(_FilterForm):
    """Framework and quarter; both optional (the page picks sensible defaults)."""

    framework = FrameworkChoiceField(queryset=_frameworks(), required=False, empty_label=None)
    period = PeriodChoiceField(label="Quarter", required=False, empty_label=None)


class TrendFilterForm(_FilterForm):
    framework = FrameworkChoiceField(queryset=_frameworks(), required=False, empty_label=None)
    period = PeriodChoiceField(label="Up to quarter", required=False, empty_label=None)


class ComplianceImportForm(forms.Form):
    framework = FrameworkChoiceField(queryset=_frameworks(), empty_label=None)
    period = PeriodChoiceField(label="Quarter", empty_label=None)
    file = CsvFileField(
        max_bytes=MAX_BYTES,
        label="CSV file",
        help_text="A header row (trust, then section codes), then one row per trust. Up to 1 MB.",
    )
    on_behalf_reason = text.FreeTextField(
        max_length=ON_BEHALF_REASON_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Only if a trust's return is still a draft: why you are entering its figures on "
        "the trust's behalf",
        help_text="A draft the trust has not submitted is not overwritten without a reason. "
        "The reason is kept in the return's history.",
    )
