"""The form of what an LMNS collects."""

from django import forms

from lmns.forms import DateField, ModelMultipleChoiceField
from lmns.models import Trust


class CollectionForm(forms.Form):
    """Which of the LMNS's trusts are asked for one framework's return in one period, and by
    when (blank: the period's submission deadline)."""

    trusts = ModelMultipleChoiceField(
        queryset=Trust.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Trusts asked for this return",
        help_text="Leave every trust unticked to stop collecting this framework this period.",
    )
    deadline = DateField(
        required=False,
        label="Deadline",
        help_text="Leave blank for the period's submission deadline.",
    )

    def __init__(self, *args, lmns, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["trusts"].queryset = Trust.objects.filter(lmns=lmns).order_by("name")
