"""The PDF kit: a page rendered to an A4 PDF with WeasyPrint, which needs the system's Pango.

Without Pango the import fails; callers ask :func:`unavailable_reason` first and explain how to
install it instead of failing. A PDF fetches nothing: its stylesheets are read from the static
files and any other URL it names is refused.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from pathlib import Path

from django.contrib.staticfiles import finders

PANGO_HELP = (
    "PDF downloads need the Pango text library on the server. Install it and restart the app: "
    "on Debian or Ubuntu, sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0; on macOS, "
    "brew install pango. Running make check-pdf tells you whether it is found. Meanwhile, "
    "print this page from your browser (it prints cleanly on A4) or download the spreadsheet."
)


@functools.cache
def import_weasyprint():
    """The weasyprint module, or the reason it cannot be loaded (as a string)."""
    try:
        import weasyprint
    except (OSError, ImportError) as exc:
        return str(exc) or exc.__class__.__name__
    return weasyprint


def unavailable_reason(loader: Callable | None = None) -> str | None:
    """None when PDFs can be made; otherwise what to do about it."""
    loaded = (loader or import_weasyprint)()
    return PANGO_HELP if isinstance(loaded, str) else None


def render_pdf(html: str, stylesheets: Iterable[str], loader: Callable | None = None) -> bytes:
    """An A4 PDF of ``html`` styled by ``stylesheets`` (static paths, in order); ``loader``
    gives the weasyprint module (or why it cannot be loaded)."""
    weasyprint = (loader or import_weasyprint)()
    if isinstance(weasyprint, str):
        raise RuntimeError(PANGO_HELP)

    class NoFetching(weasyprint.urls.URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"A PDF loads no external resources ({url}).")

    css = [
        weasyprint.CSS(string=Path(found).read_text(encoding="utf-8"))
        for found in (finders.find(name) for name in stylesheets)
        if found
    ]
    return weasyprint.HTML(string=html, url_fetcher=NoFetching()).write_pdf(stylesheets=css)
