"""Forms of the deliverables app. Rules shared with the services are checked by both."""

from __future__ import annotations

from django import forms
from django.forms.utils import pretty_name

from lmns import text
from lmns.forms import DateField, ModelForm, PeriodChoiceField
from lmns.models import RagStatus

from .models import Deliverable, Mitigation, Plan, Risk
from .selectors import carried_forward
from .services import UpdateInput, check_update_rule


class PeriodField(PeriodChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Reporting period")
        kwargs.setdefault("empty_label", None)
        super().__init__(**kwargs)


class UpdateRuleMixin:
    def check_rule(self, cleaned: dict) -> None:
        errors = check_update_rule(
            cleaned.get("status"),
            cleaned.get("narrative", ""),
            cleaned.get("recovery_action", ""),
            cleaned.get("recovery_date"),
        )
        for field, message in errors.items():
            if field not in self.errors:
                self.add_error(field, message)


class DeliverableUpdateForm(UpdateRuleMixin, forms.Form):
    """One status update for one deliverable."""

    period = PeriodField()
    status = forms.ChoiceField(choices=RagStatus.choices)
    narrative = text.narrative_field(label="Progress narrative", required=False)
    recovery_action = text.short_text_field(required=False)
    recovery_date = DateField(required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict:
        cleaned = super().clean()
        self.check_rule(cleaned)
        return cleaned

    def update_input(self, deliverable: Deliverable) -> UpdateInput:
        data = self.cleaned_data
        return UpdateInput(
            deliverable=deliverable,
            expected_version=data["version"],
            status=data["status"],
            narrative=data["narrative"],
            recovery_action=data["recovery_action"],
            recovery_date=data["recovery_date"],
        )


class PeriodRowForm(UpdateRuleMixin, forms.Form):
    """One deliverable's row on the period update page."""

    deliverable = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(choices=RagStatus.choices)
    narrative = text.narrative_field(label="Progress narrative", rows=2, required=False)
    recovery_action = text.short_text_field(required=False)
    recovery_date = DateField(required=False)

    EDITABLE = ("status", "narrative", "recovery_action", "recovery_date")

    def __init__(self, *args, deliverable: Deliverable | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = deliverable
        ref = deliverable.reference if deliverable else ""
        for name in self.EDITABLE:
            label = self.fields[name].label or pretty_name(name)
            self.fields[name].label = f"{label} for {ref}"

    @property
    def row_changed(self) -> bool:
        return any(name in self.changed_data for name in self.EDITABLE)

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.row_changed:
            self.check_rule(cleaned)
        return cleaned


class BasePeriodFormSet(forms.BaseFormSet):
    """The period update page's rows: one form per deliverable, in the order shown."""

    def __init__(self, *args, deliverables: list[Deliverable] | None = None, **kwargs):
        self.deliverables = deliverables or []
        kwargs.setdefault("initial", [row_initial(d) for d in self.deliverables])
        super().__init__(*args, **kwargs)

    @classmethod
    def posted(cls, data, rows) -> BasePeriodFormSet | None:
        """The formset for a posted page, its rows read from ``rows`` (the deliverables the
        person may update); ``None`` when the page no longer matches them (a row was removed,
        or the ids were tampered with)."""
        try:
            total = min(int(data.get("form-TOTAL_FORMS", 0)), 1000)
            ids = [int(data.get(f"form-{i}-deliverable", "")) for i in range(total)]
        except ValueError:
            return None
        if any(not 0 < i < 2**31 for i in ids):
            return None
        found = rows.in_bulk(ids)
        if any(i not in found for i in ids):
            return None
        return cls(data, deliverables=[found[i] for i in ids])

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is not None and index < len(self.deliverables):
            kwargs["deliverable"] = self.deliverables[index]
        return kwargs

    def updates(self) -> list[UpdateInput] | None:
        """The changed rows as updates to record; ``None`` (with the rows' errors added) when
        someone else updated one of them since the page was opened."""
        changed = [form for form in self if form.row_changed]
        for form in changed:
            if form.cleaned_data["version"] != form.record.version:
                form.add_error(
                    None,
                    "Someone else updated this deliverable since you opened the page. "
                    "Its latest status is shown above; check your entry and save again.",
                )
        if any(form.errors for form in changed):
            return None
        return [
            UpdateInput(
                deliverable=form.record,
                expected_version=form.cleaned_data["version"],
                **{name: form.cleaned_data[name] for name in PeriodRowForm.EDITABLE},
            )
            for form in changed
        ]


def row_initial(deliverable: Deliverable) -> dict:
    """A row as the page opens: the deliverable's status, with its recovery action carried
    forward while it is still at risk or off track."""
    return {
        "deliverable": deliverable.pk,
        "version": deliverable.version,
        **carried_forward(deliverable),
    }


PeriodFormSet = forms.formset_factory(
    PeriodRowForm, formset=BasePeriodFormSet, extra=0, max_num=1000, validate_max=True
)


class PeriodChoiceForm(forms.Form):
    period = PeriodField()


class ActualForm(forms.Form):
    period = PeriodField()
    value = forms.DecimalField(max_digits=9, decimal_places=2, min_value=0)
    note = text.one_line_field(required=False)


class RiskForm(ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Risk
        fields = [
            "title",
            "description",
            "cause",
            "consequence",
            "owner_name",
            "likelihood",
            "impact",
            "review_date",
            "status",
            "deliverables",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "cause": forms.Textarea(attrs={"rows": 2}),
            "consequence": forms.Textarea(attrs={"rows": 2}),
            "deliverables": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, deliverables=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deliverables"].queryset = deliverables
        self.fields["deliverables"].required = False
        self.fields["likelihood"].widget = forms.NumberInput(attrs={"min": 1, "max": 5})
        self.fields["impact"].widget = forms.NumberInput(attrs={"min": 1, "max": 5})
        if editing:
            # The score changes only through a re-score, so the movement is recorded.
            del self.fields["likelihood"]
            del self.fields["impact"]


class RescoreForm(forms.Form):
    likelihood = forms.IntegerField(min_value=1, max_value=5, help_text="1 to 5")
    impact = forms.IntegerField(min_value=1, max_value=5, help_text="1 to 5")
    note = text.short_text_field(label="Why the score changed", required=False)
    review_date = DateField(label="Next review date", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    @staticmethod
    def initial_for(risk: Risk) -> dict:
        """The risk's current score and review date, and its version."""
        return {
            "likelihood": risk.likelihood,
            "impact": risk.impact,
            "review_date": risk.review_date,
            "version": risk.version,
        }


class MitigationForm(ModelForm):
    class Meta:
        model = Mitigation
        fields = ["action", "owner_name", "status"]
        widgets = {"action": forms.Textarea(attrs={"rows": 2})}


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV or Excel file",
        help_text="Columns: number, title, text, status, narrative (number may include a "
        "part, such as 4a). Optional: recovery_action, recovery_date, due_date, workstream.",
    )
    period = PeriodField(help_text="The period the statuses in the file report on.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError("Choose a .csv or .xlsx file.")
        return upload


class MappingForm(forms.Form):
    """A select per word the file uses that the product does not know: never guessed."""

    def __init__(self, *args, words: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.words = words
        choices = [("", "Choose a status…"), *RagStatus.choices]
        for index, word in enumerate(words):
            self.fields[f"word_{index}"] = forms.ChoiceField(
                label=f"“{word}” means", choices=choices
            )

    def mapping(self) -> dict[str, str]:
        return {word: self.cleaned_data[f"word_{i}"] for i, word in enumerate(self.words)}


class PlanForm(ModelForm):
    class Meta:
        model = Plan
        fields = ["title", "trust", "period_start", "period_end"]
        labels = {"trust": "Whose plan", "period_start": "Covers from", "period_end": "Covers to"}

    def __init__(self, *args, trusts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trust"].queryset = trusts
        self.fields["trust"].empty_label = "The LMNS's own plan"
        self.fields["trust"].help_text = "Choose a trust only for that trust's own plan."


class DeliverableForm(ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Deliverable
        fields = [
            "number",
            "part",
            "title",
            "text",
            "actions",
            "for_families",
            "workstream",
            "owner_name",
            "due_date",
            "trusts",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "actions": forms.Textarea(attrs={"rows": 3}),
            "for_families": forms.Textarea(attrs={"rows": 3}),
            "trusts": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, workstreams=None, trusts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workstream"].queryset = workstreams
        self.fields["trusts"].queryset = trusts

    def clean_part(self) -> str:
        return self.cleaned_data["part"].strip().lower()

    def clean(self) -> dict:
        cleaned = super().clean()
        number, part = cleaned.get("number"), cleaned.get("part", "")
        taken = (
            Deliverable.objects.filter(plan_id=self.instance.plan_id, number=number, part=part)
            .exclude(pk=self.instance.pk)
            .exists()
        )
        if number is not None and taken:
            self.add_error("number", f"Deliverable {number}{part} already exists in this plan.")
        return cleaned
