"""The lead's link page: related files and open actions that count toward an answer too."""

from django import forms
from django.utils.text import Truncator

from lmns.forms import ModelMultipleChoiceField

from ..models import Action, EvidenceFile
from ..selectors.crossrefs import Related


def _file_label(evidence: EvidenceFile) -> str:
    answer = evidence.answer
    return (
        f"{evidence.original_name} ({answer.requirement.code}, "
        f"{answer.quarterly_return.period} return; speaks for "
        f"{evidence.effective_date:%-d %b %Y})"
    )


def _action_label(action: Action) -> str:
    due = f"due {action.due:%-d %b %Y}" if action.due else "no due date"
    return f"{Truncator(action.what).chars(120)} ({action.requirement.code}; {due})"


class AnswerLinkForm(forms.Form):
    """Tick what counts toward the answer as well: a link, not a copy."""

    files = ModelMultipleChoiceField(
        queryset=EvidenceFile.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Evidence files",
    )
    actions = ModelMultipleChoiceField(
        queryset=Action.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Open actions",
    )

    def __init__(self, *args, related: Related, **kwargs):
        super().__init__(*args, **kwargs)
        files, actions = related.candidates
        self.fields["files"].queryset = EvidenceFile.objects.filter(
            pk__in=[f.pk for f in files]
        ).select_related("answer__requirement", "answer__quarterly_return__period")
        self.fields["files"].label_from_instance = _file_label
        self.fields["actions"].queryset = Action.objects.filter(
            pk__in=[a.pk for a in actions]
        ).select_related("requirement")
        self.fields["actions"].label_from_instance = _action_label

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("files") and not cleaned.get("actions"):
            raise forms.ValidationError(
                "Tick at least one file or action to count toward this requirement."
            )
        return cleaned
