from django import forms


class IssueForm(forms.Form):
    expected_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label="I have read the draft and want to issue it to the board as it stands now",
        error_messages={"required": "Tick the box to confirm you want to issue the pack."},
    )
