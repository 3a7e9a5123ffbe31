"""Forms for allocations, budget lines and spend entries, with plain-English money errors."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from deliverables.models import Deliverable
from lmns import text
from lmns.forms import ModelForm
from lmns.models import Lmns

from . import services
from .models import AllocationStatus, BudgetLine, FundingStream, SpendEntry
from .services import narrative_required

MONEY_ERRORS = {
    "invalid": "Enter an amount in pounds and pence, for example 1234.56.",
    "max_digits": "That amount is too large: use at most 10 digits before the decimal point.",
    "max_whole_digits": "That amount is too large: use at most 10 digits before the decimal point.",
    "max_decimal_places": "Use at most 2 decimal places (pence).",
    "min_value": "Amounts cannot be negative.",
    "required": "Enter an amount (0 if none).",
}


class MoneyField(forms.DecimalField):
    """Pounds and pence; accepts "£1,234.56" as typed and refuses negatives and huge numbers."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(**kwargs)
        self.error_messages.update(MONEY_ERRORS)
        self.widget.attrs.pop("step", None)
        self.widget.attrs.update({"inputmode": "decimal"})
        # A text input keeps whatever the person typed (even "£1,234" or "abc") on re-display.
        self.widget.input_type = "text"

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("£", "").replace(",", "")
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        if value is not None and value < 0:
            raise forms.ValidationError(MONEY_ERRORS["min_value"], code="min_value")


def _money_fields(form: forms.Form, names: list[str]) -> None:
    for name in names:
        old = form.fields[name]
        form.fields[name] = MoneyField(
            label=old.label, required=old.required, help_text=old.help_text, initial=old.initial
        )


class StreamForm(ModelForm):
    class Meta:
        model = FundingStream
        fields = ["kind", "name", "amount", "date_notified"]

    def __init__(self, *args, lmns: Lmns, start_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.lmns = lmns
        self.instance.start_year = start_year
        _money_fields(self, ["amount"])

    def clean_kind(self):
        kind = self.cleaned_data["kind"]
        taken = FundingStream.objects.filter(
            lmns=self.instance.lmns, start_year=self.instance.start_year, kind=kind
        )
        if taken.exists():
            raise forms.ValidationError(
                "This LMNS already has that line for the year: hold or adjust it instead."
            )
        return kind


class AllocationChangeForm(forms.Form):
    new_amount = MoneyField(label="New allocation (£)")
    new_status = forms.ChoiceField(
        label="What the review decided",
        choices=[
            (AllocationStatus.HELD, "Hold the allocation"),
            (AllocationStatus.ADJUSTED, "Adjust the allocation"),
            (AllocationStatus.CONFIRMED, "Confirm (release a hold)"),
        ],
    )
    reason = text.short_text_field(
        rows=3,
        help_text="For example the month-6 review's finding. Kept in the history.",
        error_messages={"required": "Give the reason for the change."},
    )


class BudgetLineForm(ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = BudgetLine
        fields = [
            "stream",
            "title",
            "deliverable",
            "holder_trust",
            "category",
            "wte",
            "band",
            "approved_amount",
            "profile_q1",
            "profile_q2",
            "profile_q3",
            "profile_q4",
        ]

    def __init__(self, *args, lmns: Lmns, start_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.lmns = lmns
        self.fields["stream"].queryset = FundingStream.objects.filter(
            lmns=lmns, start_year=start_year
        )
        self.fields["stream"].empty_label = None
        self.fields["deliverable"].queryset = Deliverable.objects.filter(
            plan__lmns=lmns
        ).select_related("plan")
        self.fields["deliverable"].label_from_instance = lambda d: (
            f"{d.plan.title}: {d.reference} {d.title}"
        )
        self.fields["holder_trust"].queryset = lmns.trusts.order_by("name")
        self.fields["holder_trust"].empty_label = "The LMNS centrally"
        _money_fields(
            self, ["approved_amount", "profile_q1", "profile_q2", "profile_q3", "profile_q4"]
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def _get_validation_exclusions(self):
        # The profile's sum is checked in clean() with a message saying by how much it differs.
        return super()._get_validation_exclusions() | {"profile_q4"}


class SpendEntryForm(ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = SpendEntry
        fields = ["actual", "accruals", "commitments", "forecast_outturn", "narrative"]
        widgets = {"narrative": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, profile: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.profile = profile
        _money_fields(self, ["actual", "accruals", "commitments", "forecast_outturn"])
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0

    def clean(self):
        from lmns.templatetags.lmns_tags import money

        data = super().clean()
        actual = data.get("actual")
        if actual is not None and narrative_required(actual, self.profile):
            if not (data.get("narrative") or "").strip():
                variance = actual - self.profile
                words = "under" if variance < 0 else "over"
                self.add_error(
                    "narrative",
                    f"Spend is {money(abs(variance))} {words} profile this quarter "
                    f"(profile {money(self.profile)}), beyond the thresholds: "
                    "explain the variance and what is being done.",
                )
        return data

    def figures(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}

    def save_figures(self, *, line, period, user, for_trust: bool) -> bool:
        """Save the figures through the service; a refusal becomes the form's error (input kept)."""
        try:
            services.enter_spend(
                line=line,
                period=period,
                figures=self.figures(),
                expected_version=self.cleaned_data["version"],
                user=user,
                for_trust=for_trust,
            )
        except forms.ValidationError as error:
            self.add_error(None, error.messages)
            return False
        return True


class TransitionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    comment = text.short_text_field(required=False)


class SignOffForm(TransitionForm):
    """Signing off asks the person to confirm they checked the figures."""

    confirm = forms.BooleanField(
        label="I have checked the figures against each line's profile and sign this return off",
        error_messages={"required": "Tick to confirm you have checked the figures."},
    )


def step_form(action: str, data=None) -> TransitionForm:
    """The form of a spend-return step: sign-off asks for confirmation."""
    return (SignOffForm if action == "sign_off" else TransitionForm)(data)
