"""The whole return on one page, its PDF and a ZIP of its evidence: for whoever reads the return.

The PDF and the ZIP are recorded in the LMNS's download log (``lmns.downloads``)."""

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from lmns import pdf
from lmns.access import Scope, get_access
from lmns.downloads import record_download

from ..models import QuarterlyReturn
from ..selectors import returns as return_selectors
from ..selectors.whole import evidence_archive, whole_return, zipped_evidence

PDF_STYLESHEETS = ["css/app.css", "assurance/assurance.css", "assurance/pdf/whole.css"]


def _context(ret: QuarterlyReturn, *, pdf_mode: bool) -> dict:
    whole = whole_return(ret)
    return {
        "ret": ret,
        "whole": whole,
        "what_changed": whole.what_changed,
        "pdf": pdf_mode,
        "base_template": "lmns/pdf_base.html" if pdf_mode else "base.html",
    }


def _filename(ret: QuarterlyReturn, extension: str) -> str:
    name = f"{ret.trust.short_name} {ret.framework.short_name} {ret.period} return"
    return "".join(c if c.isalnum() else "-" for c in name).strip("-") + f".{extension}"


@require_GET
def return_whole(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    ret = access.get_or_404(return_selectors.readable_returns(), Scope.trust(), pk=pk)
    return render(request, "assurance/return_whole.html", _context(ret, pdf_mode=False))


@require_GET
def return_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_access(request)
    ret = access.get_or_404(return_selectors.readable_returns(), Scope.trust(), pk=pk)
    if problem := pdf.unavailable_reason():
        context = {"ret": ret, "problem": problem}
        return render(request, "assurance/pdf_unavailable.html", context, status=503)
    html = render_to_string("assurance/return_whole.html", _context(ret, pdf_mode=True), request)
    body = pdf.render_pdf(html, PDF_STYLESHEETS)
    filename = _filename(ret, "pdf")
    record_download(
        request, kind="Return PDF", name=filename, lmns=ret.trust.lmns_id, trust=ret.trust
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def return_evidence_zip(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    access = get_access(request)
    ret = access.get_or_404(return_selectors.readable_returns(), Scope.trust(), pk=pk)
    files = zipped_evidence(ret)
    filename = _filename(ret, "zip").replace("-return.zip", "-evidence.zip")
    record_download(
        request, kind="Return evidence ZIP", name=filename, lmns=ret.trust.lmns_id, trust=ret.trust
    )
    response = StreamingHttpResponse(evidence_archive(files), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
