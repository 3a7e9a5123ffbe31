"""Every URL × every persona gives the expected status; no URL may be left out."""

import importlib
import importlib.util

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import PERSONAS


def _url_names(patterns, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            if ns == "admin":
                continue
            prefix = f"{namespace}{ns}:" if ns else namespace
            names |= _url_names(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def _all_cases() -> dict:
    cases = {}
    for config in apps.get_app_configs():
        module_name = f"{config.name}.tests.access_cases"
        try:
            spec = importlib.util.find_spec(module_name)
        except ModuleNotFoundError:
            spec = None
        if spec:
            cases.update(importlib.import_module(module_name).CASES)
    return cases


CASES = _all_cases()


def test_every_url_has_an_access_case():
    defined = _url_names(get_resolver().url_patterns)
    missing = sorted(defined - set(CASES))
    stale = sorted(set(CASES) - defined)
    assert not missing, f"URLs without an access case: {missing}"
    assert not stale, f"Access cases for URLs that no longer exist: {stale}"


@pytest.mark.parametrize("url_name", sorted(CASES))
def test_access_matrix(world, url_name):
    case = CASES[url_name]
    url = reverse(url_name, kwargs=case.kwargs(world)) + case.query
    got = {}
    for persona in PERSONAS:
        response = world.client_for(persona).get(url)
        got[persona] = response.status_code
    expected = {persona: case.expected(persona) for persona in PERSONAS}
    assert got == expected, f"{url_name} ({url})"


def test_anonymous_is_sent_to_sign_in(world, client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_admin_needs_staff(world):
    response = world.client_for("team").get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url
