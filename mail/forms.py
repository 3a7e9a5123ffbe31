from django import forms

from lmns.notifications import kinds

from .models import Choice


class PreferencesForm(forms.Form):
    """One choice per kind of notification: email at once, the daily digest, or the app only."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind in kinds():
            self.fields[kind.code] = forms.ChoiceField(
                label=kind.label, choices=Choice.choices, widget=forms.RadioSelect
            )


class UnsubscribeForm(forms.Form):
    """The button of the unsubscribe page: the signed token in the address says who and what."""
