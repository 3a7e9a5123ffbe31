"""The form of information governance: asking for a purge (``lmns.purges``)."""

from django import forms

from . import text


class PurgeRequestForm(forms.Form):
    """Which field of the record holds patient-identifiable data, and why it must go."""

    field = forms.ChoiceField(label="What holds the patient-identifiable data")
    reason = text.short_text_field(
        label="Why it must be removed",
        help_text="Say what kind of data it is (for example NHS numbers in an incident report), "
        "never the data itself.",
    )

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = choices
