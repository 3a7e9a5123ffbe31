"""Browser test harness: Playwright driving the machine's headless Chromium.

Use the ``page`` fixture and ``sign_in(page, live_server, username)``. Tests here are marked
``browser``; they need Debian's ``chromium`` package. Without it they skip locally and fail on
CI (``CI=true``), where the browser is required.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls that the tests make
# to set up data are ordinary blocking calls and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "test-password-123"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}: apt-get install chromium chromium-driver"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def declare(page, name: str = "Jo Bright", role: str = "Director of Midwifery") -> None:
    """On a return's submit page: who signed the return off at the trust, and the tick."""
    page.get_by_label("Signed off at the trust by").fill(name)
    page.get_by_label("Their role").fill(role)
    page.get_by_label("Date they signed it off").fill("2022-07-15")
    page.get_by_label("I confirm that the person named above").check()


# Reference data the migrations ship, which the transactional browser tests flush between them.
REFERENCE_DATA_MIGRATIONS = {
    "assurance.Framework": "assurance.migrations.0002_load_frameworks",
    "assurance.RequirementMapping": "assurance.migrations.0018_requirement_mappings",
    "quality.Measure": "quality.migrations.0002_starter_library",
    "quality.AccreditationStage": "quality.migrations.0005_baby_friendly_stages",
}


@pytest.fixture
def demo():
    """The demo as `make run` loads it, on the reference data the migrations ship."""
    import importlib
    import io

    from django.apps import apps
    from django.core.management import call_command

    for label, migration in REFERENCE_DATA_MIGRATIONS.items():
        if not apps.get_model(label).objects.exists():
            importlib.import_module(migration).load(apps, None)
    call_command("load_demo", force=True, stdout=io.StringIO())
