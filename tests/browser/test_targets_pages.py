"""The pages of ambitions, accreditations and James Paget's plan, at 390×844 in Chromium, with
the demo loaded: nothing wider than the phone, no serious or critical axe violation, and what
each person came for is on the page."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from deliverables.models import Plan
from lmns.models import Lmns, Trust

from .test_every_page import PHONE, _serious, _wider_than

pytestmark = pytest.mark.django_db(transaction=True)


def _pages_for(username: str) -> dict[str, str]:
    if username == "km-team":
        km = Lmns.objects.get(short_name="KMLMNS")
        ekhuft = Trust.objects.get(ods_code="RVV")
        return {
            reverse("quality:ambitions", args=[km.pk]): "Halve the stillbirth rate by 2025",
            reverse("quality:accreditations", args=[km.pk]): "Assessment due March 2020",
            reverse("quality:chart", args=[ekhuft.pk, "PRETERM"]): "Target in force",
            reverse("quality:chart", args=[ekhuft.pk, "STILLBIRTH"]): "Illustrative baseline",
        }
    plan = Plan.objects.get(trust__ods_code="RGP")
    item = plan.deliverables.get(number=1, part="b")
    return {
        plan.get_absolute_url(): "Escalates to the Board of Directors",
        item.get_absolute_url(): "What it means for families",
    }


@pytest.mark.parametrize("username", ["km-team", "nw-team"])
def test_the_targets_pages_fit_a_phone_and_pass_axe(demo, live_server, browser, username):
    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=PHONE, locale="en-GB", timezone_id="Europe/London")
    problems = []
    try:
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        page = context.new_page()
        for path, expected in _pages_for(username).items():
            page.goto(live_server.url + path)
            assert expected in page.content(), path
            if problem := _wider_than(page, PHONE):
                problems.append(f"{path}: {problem}")
            problems += [f"{path}: {v}" for v in _serious(page)]
    finally:
        context.close()
    assert problems == []
