"""Setting up what an LMNS collects: the period page, one framework's form, copying the last
period's collection."""

import datetime

import pytest
from django.urls import reverse

from assurance.models import Collection
from assurance.tests.factories import CollectionFactory, ockenden_interim
from lmns.tests.factories import ReportingPeriodFactory

pytestmark = pytest.mark.django_db


def _edit_url(w, period, framework):
    return reverse("assurance:collection_edit", args=[w.lmns.pk, period.pk, framework.pk])


def test_the_menu_opens_on_the_working_period(world, as_team):
    response = as_team.get(reverse("assurance:collections", args=[world.lmns.pk]))
    assert response.url == reverse(
        "assurance:collection_period", args=[world.lmns.pk, world.period.pk]
    )


def test_period_page_lists_frameworks_and_trusts_asked(world, as_team):
    CollectionFactory(
        lmns=world.lmns, period=world.period, framework=ockenden_interim(), trusts=[world.trust]
    )
    page = as_team.get(
        reverse("assurance:collection_period", args=[world.lmns.pk, world.period.pk])
    ).content.decode()
    assert "Ockenden interim" in page and "NUH" in page
    assert "Not collected" in page  # the other active frameworks
    # Future periods are not offered.
    ReportingPeriodFactory(start_year=2099, quarter=1)
    page = as_team.get(
        reverse("assurance:collection_period", args=[world.lmns.pk, world.period.pk])
    ).content.decode()
    assert "2099/00" not in page


def test_a_new_collection_starts_from_every_trust_and_saves(world, as_team):
    framework = ockenden_interim()
    url = _edit_url(world, world.period, framework)
    form = as_team.get(url).context["form"]
    assert {t.pk for t in form.initial["trusts"]} == {world.trust.pk, world.sibling_trust.pk}
    response = as_team.post(url, {"trusts": [world.sibling_trust.pk], "deadline": ""})
    assert response.status_code == 302
    collection = Collection.objects.get(lmns=world.lmns, period=world.period, framework=framework)
    assert list(collection.trusts.all()) == [world.sibling_trust]
    assert collection.deadline == world.period.submission_deadline


def test_own_deadline_and_unchanged_resave_writes_nothing(world, as_team):
    framework = ockenden_interim()
    url = _edit_url(world, world.period, framework)
    as_team.post(url, {"trusts": [world.trust.pk], "deadline": "2022-07-15"})
    collection = Collection.objects.get(lmns=world.lmns, period=world.period)
    assert collection.deadline == datetime.date(2022, 7, 15)
    rows = collection.history.count()
    response = as_team.post(
        url, {"trusts": [world.trust.pk], "deadline": "2022-07-15"}, follow=True
    )
    assert "Nothing had changed" in response.content.decode()
    assert collection.history.count() == rows


def test_another_lmns_trust_is_refused(world, as_team):
    url = _edit_url(world, world.period, ockenden_interim())
    response = as_team.post(url, {"trusts": [world.other_trust.pk]})
    assert response.status_code == 200
    assert not Collection.objects.exists()


def test_copy_last_periods_collection(world, as_team):
    framework = ockenden_interim()
    CollectionFactory(
        lmns=world.lmns,
        period=world.previous_period,
        framework=framework,
        trusts=[world.trust],
        deadline=datetime.date(2022, 4, 10),
    )
    page = as_team.get(
        reverse("assurance:collection_period", args=[world.lmns.pk, world.period.pk])
    ).content.decode()
    assert f"Copy {world.previous_period}" in page
    response = as_team.post(
        reverse("assurance:collection_copy", args=[world.lmns.pk, world.period.pk]), follow=True
    )
    assert "Copied 1 framework" in response.content.decode()
    copied = Collection.objects.get(period=world.period)
    assert list(copied.trusts.all()) == [world.trust]
    assert copied.deadline == world.period.submission_deadline
    # The new form for that framework in a later period starts from the last collection.
    later = ReportingPeriodFactory(start_year=2022, quarter=2)
    form = as_team.get(_edit_url(world, later, framework)).context["form"]
    assert list(form.initial["trusts"]) == [world.trust]
