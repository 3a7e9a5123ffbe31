"""Period pickers ask for "today" with each request, never when the server started: a long-running
server lists a quarter from the day it begins. The test moves the clock on after every form was
imported (as a server that started last quarter would have them), then asks again."""

import pytest
from django import forms
from django.urls import get_resolver, reverse
from django.utils import timezone

from assurance.forms.dashboard import ComplianceImportForm, DashboardFilterForm, TrendFilterForm
from assurance.forms.returns import StartReturnForm
from deliverables.forms import ImportUploadForm, PeriodChoiceForm
from lmns.forms import PeriodChoiceField
from lmns.models import ReportingPeriod
from lmns.tests.factories import ReportingPeriodFactory

pytestmark = pytest.mark.django_db

PICKERS = [
    DashboardFilterForm,
    TrendFilterForm,
    ComplianceImportForm,
    StartReturnForm,
    PeriodChoiceForm,
    ImportUploadForm,
]


def _next_quarter() -> ReportingPeriod:
    """The quarter after today's, open for returns: not begun yet."""
    today = timezone.localdate()
    start_year = today.year if today.month >= 4 else today.year - 1
    quarter = (today.month - 4) % 12 // 3 + 1
    start_year, quarter = (start_year + 1, 1) if quarter == 4 else (start_year, quarter + 1)
    return ReportingPeriodFactory(start_year=start_year, quarter=quarter, is_open=True)


def _listed(form_class) -> list[ReportingPeriod]:
    return list(form_class().fields["period"].queryset)


def test_a_quarter_that_begins_while_the_server_runs_is_listed_from_its_first_day(
    world, monkeypatch
):
    upcoming = _next_quarter()
    dashboard = reverse("assurance:dashboard", args=[world.lmns.pk])
    team = world.client_for("team")
    for picker in PICKERS:
        assert upcoming not in _listed(picker), picker  # a future quarter is not offered
    assert f">{upcoming}</option>" not in team.get(dashboard).content.decode()

    # The quarter begins; the forms were imported (the server started) before it did.
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: upcoming.start_date)
    for picker in PICKERS:
        assert upcoming in _listed(picker), picker
    assert f">{upcoming}</option>" in team.get(dashboard).content.decode()


def _project_forms() -> list[type[forms.BaseForm]]:
    assert get_resolver().url_patterns  # every view, so every form, is imported
    found, todo = set(), [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    ours = {
        "accounts",
        "assurance",
        "boardpack",
        "deliverables",
        "funding",
        "lmns",
        "mail",
        "quality",
    }
    return [form for form in found if form.__module__.split(".")[0] in ours]


def test_every_period_picker_builds_its_list_for_each_form():
    pickers = [
        (form, name)
        for form in _project_forms()
        for name, field in getattr(form, "base_fields", {}).items()
        if isinstance(field, forms.ModelChoiceField)
        and field.queryset is not None
        and field.queryset.model is ReportingPeriod
    ]
    assert pickers  # the discovery finds them
    for form, name in pickers:
        assert isinstance(form.base_fields[name], PeriodChoiceField), (form, name)
