"""Posture checks over the whole code base: what a reviewer would otherwise check by hand.

Every view keeps CSRF protection; no template or module marks text as safe HTML except the
reviewed places listed here (each with why it is safe); templates carry no inline script, style
or event handler (the Content Security Policy would block them); uploaded files are never
reachable from a public media URL.
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.project import BASE, project_app_configs

# Reviewed uses of safe-marking, as {"path": "why it cannot carry unescaped user input"}.
REVIEWED_SAFE_MARKING: dict[str, str] = {
    "assurance/templates/assurance/trend.html": (
        "chart.svg is assurance.charts.trend_svg: numbers, and text escaped with xml escape "
        "(title, labels, and the id inside attributes)"
    ),
    "assurance/templates/assurance/board_section.html": (
        "trust.trend_svg is assurance.charts.trend_svg, escaped as above"
    ),
    "quality/templatetags/quality_tags.py": (
        "spc_icon marks quality.charts.icon safe: fixed markup, a letter from a fixed table and "
        "the enum's label, xml-escaped"
    ),
    "quality/templates/quality/chart.html": (
        "svg is quality.charts.spc_svg: numbers, and text (measure, trust, months, the "
        "description) escaped with xml escape, the id escaped for its attribute"
    ),
    "quality/templates/quality/board_section.html": (
        "e.chart_svg is quality.charts.spc_svg, escaped as above"
    ),
    "deliverables/tables.py": (
        "the plan page's headings, rows and targets are written in one pass: every text in them "
        "(titles, references, owners, workstreams, periods, metrics, targets, notes, links) "
        "passes html.escape or conditional_escape, the badges are rag_badge's format_html, the "
        "rest fixed markup (deliverables/tests/test_plan_pages.py compares the page with the "
        "templates' markup and checks a hostile title and note come out escaped)"
    ),
    "lmns/form_renderer.py": (
        "FastWidgetRenderer marks its own widget markup safe: every name, value, label and "
        "attribute in it passes conditional_escape (compared with Django's templates by "
        "lmns/tests/test_form_renderer.py)"
    ),
}

SAFE_MARKING_PY = {"mark_safe", "SafeString", "SafeText"}
SAFE_MARKING_TEMPLATE = re.compile(r"\|\s*safe(seq)?\b|{%\s*autoescape\s+off\s*%}")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)
JS_URL = re.compile(r"href\s*=\s*[\"']\s*javascript:", re.IGNORECASE)


def _project_dirs() -> list[Path]:
    return [BASE / "templates"] + [Path(c.path).resolve() for c in project_app_configs()]


def _project_files(suffix: str) -> list[Path]:
    files = []
    for root in _project_dirs():
        for path in root.rglob(f"*{suffix}"):
            parts = set(path.relative_to(BASE).parts)
            if parts & {"tests", "migrations"}:
                continue
            files.append(path)
    return sorted(set(files))


def _rel(path: Path) -> str:
    return str(path.relative_to(BASE))


def _views(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            yield from _views(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


# Views exempt from CSRF protection, each reviewed, with the reason. A view here must read no
# session and no signed-in person (its test proves it).
REVIEWED_CSRF_EXEMPT = {
    "mail/unsubscribe/<str:token>/one-click/": (
        "RFC 8058 one-click unsubscribe: the mail client POSTs with no cookie, so no CSRF token; "
        "the signed token in the address is the only credential (mail/tests/test_unsubscribe.py)"
    ),
}


def test_no_view_is_exempt_from_csrf_protection():
    exempt = [
        route
        for route, view in _views(get_resolver().url_patterns)
        if getattr(view, "csrf_exempt", False) and route not in REVIEWED_CSRF_EXEMPT
    ]
    assert not exempt, f"CSRF-exempt views: {exempt}"


def _callee(node: ast.Call) -> str | None:
    return getattr(node.func, "id", None) or getattr(node.func, "attr", None)


def test_python_marks_nothing_safe_outside_reviewed_places():
    """mark_safe of fixed text is harmless; of anything computed it needs a review entry."""
    found = set()
    for path in _project_files(".py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and _callee(node) in SAFE_MARKING_PY
                and not (len(node.args) == 1 and isinstance(node.args[0], ast.Constant))
            ):
                found.add(f"{_rel(path)}:{node.lineno}")
    unreviewed = sorted(f for f in found if f.partition(":")[0] not in REVIEWED_SAFE_MARKING)
    assert not unreviewed, f"mark_safe/SafeString of computed text, unreviewed: {unreviewed}"


def test_format_html_is_always_given_a_literal_template():
    """format_html escapes its arguments but not its first one: that must be fixed text."""
    offenders = []
    for path in _project_files(".py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if (
                isinstance(node, ast.Call)
                and _callee(node) == "format_html"
                and not (node.args and isinstance(node.args[0], ast.Constant))
            ):
                offenders.append(f"{_rel(path)}:{node.lineno}")
    assert not offenders, f"format_html with a computed template: {offenders}"


def test_templates_never_switch_escaping_off():
    offenders = [
        _rel(path)
        for path in _project_files(".html")
        if SAFE_MARKING_TEMPLATE.search(path.read_text())
        and _rel(path) not in REVIEWED_SAFE_MARKING
    ]
    assert not offenders, f"|safe or autoescape off in: {offenders}"


@pytest.mark.parametrize(
    "pattern, what",
    [
        (INLINE_SCRIPT, "inline <script>"),
        (INLINE_STYLE, "inline style"),
        (INLINE_HANDLER, "inline event handler"),
        (JS_URL, "javascript: link"),
    ],
    ids=["script", "style", "handler", "javascript-url"],
)
def test_templates_hold_nothing_the_content_security_policy_blocks(pattern, what):
    offenders = [
        f"{_rel(path)}: {match.group(0)}"
        for path in _project_files(".html")
        for match in [pattern.search(path.read_text())]
        if match
    ]
    assert not offenders, f"{what} in templates: {offenders}"


def test_uploaded_files_live_outside_every_public_folder():
    media = Path(settings.MEDIA_ROOT).resolve()
    public = [
        Path(settings.STATIC_ROOT).resolve(),
        *(Path(d).resolve() for d in settings.STATICFILES_DIRS),
    ]
    for folder in public:
        assert not media.is_relative_to(folder) and not folder.is_relative_to(media)
    routes = [route for route, _ in _views(get_resolver().url_patterns)]
    media_prefix = settings.MEDIA_URL.strip("/")
    assert not any(route.startswith(media_prefix) or route.startswith("media") for route in routes)


@pytest.mark.django_db
def test_a_stored_file_is_not_served_from_a_media_url(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "audit.pdf").write_bytes(b"%PDF-1.4 NUH evidence")
    client = world.client_for("team")
    for url in (
        f"{settings.MEDIA_URL}evidence/audit.pdf",
        "/media/evidence/audit.pdf",
        "/evidence/audit.pdf",
        "/static/../media/evidence/audit.pdf",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"NUH evidence" not in b"".join(
            getattr(response, "streaming_content", [response.content])
        )


def test_trend_charts_escape_every_text_they_carry():
    from xml.etree import ElementTree

    from assurance.charts import trend_svg

    svg = trend_svg(
        [("2022/23 Q1", 57), ("<b>Q2</b>", None)],
        title='NUH <script>alert(1)</script> "IEA7"',
        chart_id='iea7" onload="alert(1)',
    )
    assert "<script>" not in svg and 'onload="' not in svg
    root = ElementTree.fromstring(svg)
    assert root.find("{http://www.w3.org/2000/svg}title").text.startswith("NUH <script>")
    assert set(root.attrib) == {"class", "width", "height", "viewBox", "role", "aria-labelledby"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_signing_in_never_redirects_to_another_site(world, client, target):
    response = client.post(
        reverse("account_login") + f"?next={target}",
        {"login": "nuh-lead", "password": "test-password-123", "next": target},
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
