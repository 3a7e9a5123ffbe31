"""The fast form renderer draws exactly what Django's widget templates draw."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from lmns.form_renderer import FastWidgetRenderer


class Everything(forms.Form):
    name = forms.CharField(max_length=20, help_text="a hint")
    optional = forms.CharField(required=False, widget=forms.TextInput(attrs={"disabled": True}))
    number = forms.DecimalField(max_digits=5, decimal_places=1)
    count = forms.IntegerField(required=False, widget=forms.NumberInput(attrs={"step": "any"}))
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    email = forms.EmailField(required=False)
    link = forms.URLField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    status = forms.ChoiceField(
        choices=[("", "---------"), ("met", "Met & <b>ok</b>"), ("no", "No")]
    )
    grouped = forms.ChoiceField(
        choices=[("Group <1>", [("a", "A"), ("b", "B")]), ("c", "C")], required=False
    )
    several = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], required=False)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    flag = forms.BooleanField(required=False)


VALUES = [
    {},
    {
        "name": 'O\'Brien "quoted" <script>',
        "optional": "",
        "number": Decimal("65.5"),
        "count": 3,
        "day": datetime.date(2027, 3, 31),
        "email": "a@example.nhs.uk",
        "link": "https://example.nhs.uk/?a=1&b=2",
        "hidden": mark_safe("<safe>"),
        "status": "met",
        "grouped": "b",
        "several": ["x", "y"],
        "text": "line one\nline <two> & three",
        "flag": True,
    },
    {"text": "", "status": "no", "grouped": "c", "several": ["y"], "day": "not a date"},
]


@pytest.mark.parametrize("initial", VALUES)
@pytest.mark.parametrize("bound", [False, True])
def test_every_widget_is_drawn_as_djangos_templates_draw_it(initial, bound):
    data = {k: v for k, v in initial.items() if v is not None} if bound else None
    fast = Everything(data=data, initial=initial, renderer=FastWidgetRenderer())
    slow = Everything(data=data, initial=initial, renderer=DjangoTemplates())
    for name in Everything.base_fields:
        assert str(fast[name]) == str(slow[name]), name
    assert str(fast) == str(slow)


def test_templates_it_does_not_know_go_to_django():
    class Radios(forms.Form):
        choice = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)

    assert str(Radios(renderer=FastWidgetRenderer())) == str(Radios(renderer=DjangoTemplates()))


def test_an_option_with_its_own_template_is_drawn_by_django():
    class Own(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    class WithOwn(forms.Form):
        choice = forms.ChoiceField(choices=[("a", "A")], widget=Own)

    fast = WithOwn(renderer=FastWidgetRenderer())
    assert str(fast["choice"]) == str(WithOwn(renderer=DjangoTemplates())["choice"])


class CheckAndFile(forms.Form):
    agreed = forms.BooleanField(required=False, help_text="Tick only if it is true.")
    confirmed = forms.BooleanField(label="I confirm & agree")
    plain = forms.BooleanField(required=False, widget=forms.CheckboxInput(attrs={"class": "x"}))
    upload = forms.FileField(label="Add an <evidence> file", required=False)
    styled = forms.FileField(
        required=False, widget=forms.ClearableFileInput(attrs={"class": "form-control"})
    )


@pytest.mark.parametrize(
    "data", [None, {"agreed": "on", "confirmed": "on", "plain": "on"}, {"confirmed": "on"}]
)
def test_check_boxes_and_file_inputs_are_drawn_as_crispy_forms_draws_them(data):
    """The ``field`` filter's check boxes and optional file inputs match crispy-forms' Bootstrap 5
    markup (the section page draws two of each per requirement)."""
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
    from django.test.html import parse_html

    from lmns.templatetags.lmns_tags import field

    fast, slow = CheckAndFile(data=data), CheckAndFile(data=data)
    if data is not None:
        assert fast.is_valid() and slow.is_valid()
    for name in fast.fields:
        assert parse_html(str(field(fast[name]))) == parse_html(str(as_crispy_field(slow[name]))), (
            name
        )
