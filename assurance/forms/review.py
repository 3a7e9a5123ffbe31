"""Forms of the LMNS's review: change requests and their threads, verdicts on evidence."""

from django import forms

from lmns import text
from lmns.forms import ModelChoiceField, ModelMultipleChoiceField

from ..models import EvidenceFile, QuarterlyReturn, Requirement, VerdictChoice
from .returns import VersionForm


class ChangeRequestForm(VersionForm):
    """Raise a change request on one requirement, or on the return as a whole."""

    requirement = ModelChoiceField(
        queryset=Requirement.objects.none(),
        required=False,
        empty_label="The return as a whole",
        label="About",
    )
    text = text.short_text_field(
        label="What needs to change",
        rows=3,
        help_text="One change per request, so the trust can answer and tick off each.",
    )

    def __init__(self, *args, ret: QuarterlyReturn, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = Requirement.objects.filter(
            section__framework_id=ret.framework_id
        ).order_by("section__order", "order", "code")
        self.fields["requirement"].widget.attrs["class"] = "form-select"
        self.fields["text"].widget.attrs["class"] = "form-control"


class ReplyForm(VersionForm):
    """A reply in a change request's thread (the request's version, not the return's)."""

    text = text.short_text_field(label="Your reply", rows=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].widget.attrs["class"] = "form-control"


class VerdictForm(forms.Form):
    """The LMNS's verdict on one answer's evidence, naming the files it judged."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    verdict = forms.ChoiceField(
        choices=VerdictChoice.choices, widget=forms.RadioSelect, label="The evidence is"
    )
    reason = text.short_text_field(
        label="Why it is insufficient",
        rows=2,
        required=False,
        help_text="Needed when the evidence is insufficient; the trust sees it.",
    )
    files = ModelMultipleChoiceField(
        queryset=EvidenceFile.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Files judged",
    )

    def __init__(self, *args, files, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].queryset = EvidenceFile.objects.filter(
            pk__in=[f.pk for f in files if not f.is_withdrawn and not f.is_purged]
        )
        self.fields["reason"].widget.attrs["class"] = "form-control"

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("verdict") == VerdictChoice.INSUFFICIENT
            and not cleaned.get("reason", "").strip()
        ):
            self.add_error("reason", "Say why the evidence is insufficient.")
        return cleaned
