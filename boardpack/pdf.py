"""The board pack's PDF, through the PDF kit (``lmns.pdf``) with the pack's stylesheets."""

from lmns import pdf as kit

PANGO_HELP = kit.PANGO_HELP

PDF_STYLESHEETS = ["css/app.css", "boardpack/boardpack.css", "boardpack/pdf.css"]


def _import_weasyprint():
    return kit.import_weasyprint()


def unavailable_reason() -> str | None:
    """None when PDFs can be made; otherwise what to do about it."""
    return kit.unavailable_reason(_import_weasyprint)


def render_pdf(html: str, extra_stylesheets: list[str] | tuple[str, ...] = ()) -> bytes:
    """A4 PDF of a pack page rendered with ``pdf=True``. Fetches nothing from anywhere.

    ``extra_stylesheets`` are static paths (the sections' apps' CSS), applied before the
    PDF's own rules so that page layout stays the pack's.
    """
    stylesheets = [*PDF_STYLESHEETS[:-1], *extra_stylesheets, PDF_STYLESHEETS[-1]]
    return kit.render_pdf(html, stylesheets, lambda: _import_weasyprint())
