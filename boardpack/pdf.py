"""PDF rendering with WeasyPrint, which needs the system's Pango library.

Without Pango the import fails; the pack then explains how to install it instead of failing.
"""

import functools
from pathlib import Path

from django.contrib.staticfiles import finders

PANGO_HELP = (
    "PDF downloads need the Pango text library on the server. Install it and restart the app: "
    "on Debian or Ubuntu, sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0; on macOS, "
    "brew install pango. Running make check-pdf tells you whether it is found. Meanwhile, "
    "print this page from your browser (it prints cleanly on A4) or download the spreadsheet."
)

PDF_STYLESHEETS = ["css/app.css", "boardpack/boardpack.css", "boardpack/pdf.css"]


@functools.cache
def _import_weasyprint():
    """The weasyprint module, or the reason it cannot be loaded (as a string)."""
    try:
        import weasyprint
    except (OSError, ImportError) as exc:
        return str(exc) or exc.__class__.__name__
    return weasyprint


def unavailable_reason() -> str | None:
    """None when PDFs can be made; otherwise what to do about it."""
    loaded = _import_weasyprint()
    return PANGO_HELP if isinstance(loaded, str) else None


def render_pdf(html: str, extra_stylesheets: list[str] | tuple[str, ...] = ()) -> bytes:
    """A4 PDF of a pack page rendered with ``pdf=True``. Fetches nothing from anywhere.

    ``extra_stylesheets`` are static paths (the sections' apps' CSS), applied before the
    PDF's own rules so that page layout stays the pack's.
    """
    weasyprint = _import_weasyprint()
    if isinstance(weasyprint, str):
        raise RuntimeError(PANGO_HELP)

    class NoFetching(weasyprint.urls.URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"The board pack PDF loads no external resources ({url}).")

    stylesheets = [
        weasyprint.CSS(string=Path(finders.find(name)).read_text(encoding="utf-8"))
        for name in [*PDF_STYLESHEETS[:-1], *extra_stylesheets, PDF_STYLESHEETS[-1]]
        if finders.find(name)
    ]
    return weasyprint.HTML(string=html, url_fetcher=NoFetching()).write_pdf(stylesheets=stylesheets)
