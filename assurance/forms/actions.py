"""Forms of the actions to reach full compliance: raising or updating one, and closing one."""

from django import forms

from lmns import text
from lmns.forms import ModelForm
from lmns.people import active_people, person_name

from ..models import Action, ActionClosure
from ..services import ACTION_FIELDS


class ActionEntryForm(ModelForm):
    """What the trust lead writes and updates: the action, its owner, dates and statuses."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = Action
        fields = ACTION_FIELDS
        widgets = {
            "what": forms.Textarea(attrs={"rows": 2}),
            "evidence_location": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, trust, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due"].required = True
        self.fields["owner_user"].queryset = (
            active_people().filter(memberships__trust=trust).distinct().order_by("username")
        )
        self.fields["owner_user"].label_from_instance = person_name
        self.fields["owner_user"].empty_label = "No account (the owner is named above)"
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def values(self) -> dict:
        return self.entered("version")

    def expected_version(self) -> int:
        return self.cleaned_data.get("version") or 0


class ActionCloseForm(forms.Form):
    """The LMNS closes an action: evidence accepted, or no longer needed with a reason."""

    closure = forms.ChoiceField(
        label="How is the action closed?",
        choices=ActionClosure.choices,
        widget=forms.RadioSelect,
    )
    reason = text.short_text_field(
        label="Reason",
        required=False,
        help_text="Needed when the action is no longer needed; a note otherwise.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("closure") == ActionClosure.NOT_NEEDED
            and not cleaned.get("reason", "").strip()
        ):
            self.add_error("reason", "Say why the action is no longer needed.")
        return cleaned

    def service_arguments(self) -> dict:
        return {
            "closure": self.cleaned_data["closure"],
            "reason": self.cleaned_data.get("reason", ""),
            "expected_version": self.cleaned_data["version"],
        }
