"""The accessibility statement says only what was done: the screen-reader spot check, which has
not been done, is listed as not done and claimed nowhere."""

import re

from django.test import Client
from django.urls import reverse


def _sections(html: str) -> dict[str, str]:
    """The statement's text under each heading."""
    text = re.sub(r"<(?!/?h2)[^>]+>", " ", html.split('<div class="prose">', 1)[1])
    parts = re.split(r"<h2[^>]*>", text)
    return {part.split("</h2>")[0].strip(): " ".join(part.split()) for part in parts[1:]}


def test_the_statement_lists_the_screen_reader_check_as_not_done(db):
    html = Client().get(reverse("accessibility")).content.decode()
    sections = _sections(html)
    assert "A screen-reader spot check" in sections["What we have not done yet"]
    assert "Nobody has used the service with a screen reader yet" in html
    tested = sections["What we test, and how"]
    assert "screen reader" not in tested.lower()
    assert "keyboard alone" in tested and "Playwright" in tested  # how the journey was done
    assert "use the service with a screen reader" not in html
