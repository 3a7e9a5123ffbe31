"""The compliance dashboard opens on the working period and shows only what is collected."""

import re

import pytest
from django.urls import reverse

from assurance.models import ReturnStatus
from assurance.tests.factories import CollectionFactory, ockenden_interim, rated_return
from lmns.tests.factories import ReportingPeriodFactory

pytestmark = pytest.mark.django_db


def _page(client, world, **params) -> str:
    return client.get(reverse("assurance:dashboard", args=[world.lmns.pk]), params).content.decode()


def test_opens_on_the_working_period_not_the_last_assured_quarter(world, as_team):
    interim = ockenden_interim()
    later = ReportingPeriodFactory(start_year=2022, quarter=2, is_open=True)
    # 2021/22 Q4 is assured; 2022/23 Q1 is collected and SFH's return waits for review.
    rated_return(world.trust, world.previous_period, {"IEA3": 53})
    CollectionFactory(lmns=world.lmns, period=world.period, framework=interim)
    waiting = rated_return(
        world.sibling_trust, world.period, {"IEA7": 71}, status=ReturnStatus.SUBMITTED
    )
    html = _page(as_team, world)
    assert f"agreed compliance, {world.period}" in html
    assert str(later) in html  # offered in the picker, but not where the page opens
    sfh = re.search(r'<tr data-trust="SFH">.*?</tr>', html, re.S).group(0)
    assert reverse("assurance:return_detail", args=[waiting.pk]) in sfh
    assert "waiting for the LMNS's review" in sfh


def test_only_collected_frameworks_and_trusts_are_shown(world, as_team):
    interim = ockenden_interim()
    CollectionFactory(lmns=world.lmns, period=world.period, framework=interim, trusts=[world.trust])
    html = _page(as_team, world)
    section = html[html.index('id="returns-heading"') :]
    head = re.search(r"<thead>.*?</thead>", section, re.S).group(0)
    assert "Ockenden interim" in head and "MIS" not in head and "Saving" not in head
    sfh = re.search(r'<th scope="row">SFH.*?</tr>', section, re.S).group(0)
    assert "Not collected" in sfh and "not yet submitted" not in sfh
    nuh = re.search(r'<th scope="row">NUH.*?</tr>', section, re.S).group(0)
    assert "Not started" in nuh and "not yet submitted" in nuh
    # The heatmap lists only the trust asked.
    assert 'data-trust="NUH"' in html and 'data-trust="SFH"' not in html


def test_future_periods_are_not_offered(world, as_team):
    ReportingPeriodFactory(start_year=2099, quarter=1, is_open=False)
    assert "2099/00" not in _page(as_team, world)
