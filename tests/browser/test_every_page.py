"""Every page each demo role can reach, found by crawling from their home page, at 390×844 in
Chromium: no page is wider than the phone's screen (nor than 320 px, a 1280 px window at 400%
zoom), axe-core (WCAG 2.0 A and AA, 2.1 AA, 2.2 AA) finds no serious or critical violation, and
no link offered leads to a page the person may not open.

The crawl takes a few minutes on a small machine, so it runs once per CI run: on PostgreSQL when
``CI=true`` (the second pass of ``.ci/run``), or whenever ``LMNS_CRAWL=1`` is set.
"""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth import get_user_model

from .crawl import crawl

ON_POSTGRES_CI = (
    os.environ.get("CI", "").lower() == "true"
    and settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
)
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (ON_POSTGRES_CI or os.environ.get("LMNS_CRAWL") == "1"),
        reason="the full crawl runs in CI's PostgreSQL pass, or with LMNS_CRAWL=1",
    ),
]

PHONE = {"width": 390, "height": 844}
# 400% zoom of a 1280 px wide window (WCAG 1.4.10 Reflow).
ZOOMED = {"width": 320, "height": 844}
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
SERIOUS = {"serious", "critical"}
# One person in each role, and the teams whose LMNS shows the features the others do not
# (quality measures in Kent and Medway, funding in BLMK, the imported plan in Norfolk and Waveney).
PERSONAS = [
    "nuh-lead",
    "notts-team",
    "notts-board",
    "nw-team",
    "km-team",
    "km-board",
    "blmk-team",
    "dgt-lead",
]


def _wider_than(page, viewport) -> str | None:
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > viewport["width"]:
        widest = page.evaluate(
            """() => {
              let worst = null, right = 0;
              for (const el of document.querySelectorAll('body *')) {
                const r = el.getBoundingClientRect().right;
                if (r > right + 1 && el.closest('[role=region], table') === null) { right = r; worst = el; }
              }
              if (!worst) return '';
              const id = worst.id ? '#' + worst.id : '';
              const cls = worst.className && typeof worst.className === 'string'
                ? '.' + worst.className.trim().split(/\\s+/).join('.') : '';
              return worst.tagName.toLowerCase() + id + cls;
            }"""
        )
        return f"{width} px wide ({widest})"
    return None


def _serious(page) -> list[str]:
    response = Axe().run(page, options=AXE_OPTIONS).response
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – "
        + "; ".join(str(node["target"][0]) for node in v["nodes"][:3])
        for v in response["violations"]
        if v["impact"] in SERIOUS
    ]


@pytest.mark.parametrize("username", PERSONAS)
def test_every_page_fits_a_phone_and_passes_axe(demo, live_server, browser, username):
    user = get_user_model().objects.get(username=username)
    found = crawl(user)
    assert found.broken == [], f"{username} is offered links that do not open:\n" + "\n".join(
        found.broken
    )
    assert len(found.pages) > 5

    context = browser.new_context(viewport=PHONE, locale="en-GB", timezone_id="Europe/London")
    try:
        from django.test import Client

        client = Client()
        client.force_login(user)
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
        too_wide, failures = [], []
        for path in found.pages:
            page.goto(live_server.url + path)
            if problem := _wider_than(page, PHONE):
                too_wide.append(f"{path}: {problem}")
            failures += [f"{path}: {v}" for v in _serious(page)]
            page.set_viewport_size(ZOOMED)
            if problem := _wider_than(page, ZOOMED):
                too_wide.append(f"{path} at 320 px: {problem}")
            page.set_viewport_size(PHONE)
    finally:
        context.close()
    print(f"{username}: {len(found.pages)} pages at 390 and 320 px, {len(found.downloads)} files")
    assert (too_wide, failures) == ([], []), (
        f"{username}: wider than a 390 px phone:\n"
        + "\n".join(too_wide)
        + "\nserious or critical axe violations:\n"
        + "\n".join(failures)
    )
