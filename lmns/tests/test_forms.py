"""The project's form parts (``lmns/forms.py``): ISO dates, and ids checked before any query."""

import datetime

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lmns.forms import (
    DATE_HINT,
    DateField,
    DateInput,
    FilterSet,
    ModelChoiceField,
    ModelForm,
    ModelMultipleChoiceField,
    key_in_range,
)
from lmns.models import Membership, Trust

FORTY_NINES = "9" * 40
IMPOSSIBLE = [FORTY_NINES, str(2**63), "-1", "0", "abc", "1.5", "1e3", "+1", "١", " ", "0x10"]


def test_the_date_widget_renders_iso_whatever_the_language(settings):
    settings.LANGUAGE_CODE = "en-gb"
    html = DateInput().render("due", datetime.date(2027, 3, 31))
    assert 'type="date"' in html
    assert 'value="2027-03-31"' in html


def test_a_date_field_hints_without_naming_a_format_and_reads_british_typing():
    field = DateField(required=False)
    assert field.help_text == DATE_HINT
    assert not any(char.isdigit() for char in DATE_HINT)
    assert field.clean("2027-03-31") == datetime.date(2027, 3, 31)
    # Browsers without a date control send what was typed: the British way is understood.
    assert field.clean("31/03/2027") == datetime.date(2027, 3, 31)


def test_a_model_form_gets_the_project_fields_for_relations_and_dates():
    class MembershipForm(ModelForm):
        class Meta:
            model = Membership
            fields = ["user", "trust"]

    class TrustForm(ModelForm):
        class Meta:
            model = Trust
            fields = ["lmns"]

    assert isinstance(MembershipForm.base_fields["user"], ModelChoiceField)
    assert isinstance(TrustForm.base_fields["lmns"], ModelChoiceField)


@pytest.mark.django_db
@pytest.mark.parametrize("value", IMPOSSIBLE)
def test_an_impossible_id_is_an_invalid_choice_before_any_query(world, value):
    one = ModelChoiceField(queryset=Trust.objects.all())
    many = ModelMultipleChoiceField(queryset=Trust.objects.all())
    with CaptureQueriesContext(connection) as queries:
        with pytest.raises(forms.ValidationError) as one_error:
            one.clean(value)
        with pytest.raises(forms.ValidationError) as many_error:
            many.clean([str(world.trust.pk), value])
    assert one_error.value.code == "invalid_choice"
    assert many_error.value.code == "invalid_choice"
    assert len(queries) == 0, [q["sql"] for q in queries]


@pytest.mark.django_db
def test_possible_ids_are_still_looked_up(world):
    many = ModelMultipleChoiceField(queryset=Trust.objects.all())
    assert set(many.clean([str(world.trust.pk), str(world.sibling_trust.pk)])) == {
        world.trust,
        world.sibling_trust,
    }
    assert ModelChoiceField(queryset=Trust.objects.all()).clean(str(world.trust.pk)) == world.trust
    with pytest.raises(forms.ValidationError):
        # In range but no such trust: the database says so, as before.
        ModelChoiceField(queryset=Trust.objects.all()).clean(str(2**62))


@pytest.mark.django_db
def test_the_range_is_the_databases():
    users = get_user_model().objects.all()
    _, high = connection.ops.integer_field_range(get_user_model()._meta.pk.get_internal_type())
    assert key_in_range(users, None, str(high))
    assert not key_in_range(users, None, str(high + 1))


@pytest.mark.django_db
def test_a_filter_refuses_impossible_ids_without_a_server_error(world):
    class TrustFilter(FilterSet):
        class Meta:
            model = Membership
            fields = ["trust"]

    for value in [FORTY_NINES, "-1", "abc"]:
        with CaptureQueriesContext(connection) as queries:
            bound = TrustFilter({"trust": value}, queryset=Membership.objects.all())
            assert not bound.is_valid()
        assert "trust" in bound.errors
        assert len(queries) == 0
