"""Forms of the dashboard pages: the GET filters and the CSV upload."""

from pathlib import Path

from django import forms

from lmns import text
from lmns.forms import ModelChoiceField
from lmns.models import ReportingPeriod
from lmns.uploads import UploadError, check_declared_size

from ..importer import MAX_BYTES, ON_BEHALF_REASON_LIMIT
from ..models import Framework


class PeriodChoiceField(ModelChoiceField):
    def label_from_instance(self, obj: ReportingPeriod) -> str:
        return str(obj)


class FrameworkChoiceField(ModelChoiceField):
    def label_from_instance(self, obj: Framework) -> str:
        return f"{obj.short_name} (v{obj.version})"


def _frameworks():
    return Framework.objects.filter(active=True).order_by("name", "-version")


def _periods():
    return ReportingPeriod.objects.started().order_by("-start_date")


class _FilterForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


class DashboardFilterForm(_FilterForm):
    """Framework and quarter; both optional (the page picks sensible defaults)."""

    framework = FrameworkChoiceField(queryset=_frameworks(), required=False, empty_label=None)
    period = PeriodChoiceField(
        label="Quarter", queryset=_periods(), required=False, empty_label=None
    )


class TrendFilterForm(_FilterForm):
    framework = FrameworkChoiceField(queryset=_frameworks(), required=False, empty_label=None)
    period = PeriodChoiceField(
        label="Up to quarter", queryset=_periods(), required=False, empty_label=None
    )


class ComplianceImportForm(forms.Form):
    framework = FrameworkChoiceField(queryset=_frameworks(), empty_label=None)
    period = PeriodChoiceField(label="Quarter", queryset=_periods(), empty_label=None)
    file = forms.FileField(
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

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in {".csv", ".txt"}:
            raise forms.ValidationError("Choose a .csv file (comma-separated values).")
        try:
            check_declared_size(upload.size, MAX_BYTES)
        except UploadError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload
