"""Board pack pages: the pack (draft or issued), the list of issued packs, issuing, downloads.

An issued pack's PDF is rendered once, when it is issued, and kept with its SHA-256
(``IssuedPackPdf``); every later download sends those bytes. A pack issued before PDFs were kept
gets its PDF at its first download, rendered from its frozen snapshot exactly as it would have
been at issue (see docs/boardpack.md). The spreadsheet is kept the same way. The team's draft
is rendered at each download.

An issued pack never changes, so its page, PDF and spreadsheet carry an ETag and its
Last-Modified, and a browser that already holds them is answered "304 Not Modified" (after
the access check, never before). They are marked ``private``: a shared cache (a proxy) never
keeps them, so one person's pack cannot be served to another; the page's ETag names the
person and their session as well, since its navigation is theirs.
"""

import hashlib
import logging
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from django.views.decorators.http import require_GET, require_http_methods

from lmns import notifications
from lmns.access import Access, get_access
from lmns.downloads import record_download
from lmns.models import Lmns, ReportingPeriod
from lmns.notifications import event_key
from lmns.selectors import working_period

from . import exports, pdf
from .forms import IssueForm
from .models import BoardPack, IssuedPackPdf, IssuedPackXlsx
from .notifications import ISSUED
from .selectors import (
    current_draft_period,
    draft_periods,
    issued_packs,
    issued_version,
    issued_versions,
    latest_issued,
)
from .services import (
    build_pack,
    is_intact,
    issue_pack,
    keep_pdf,
    keep_xlsx,
    latest_version,
    not_agreed,
)
from .styles import section_stylesheets

logger = logging.getLogger(__name__)

READERS_ONLY = "The board pack is for the LMNS programme team and board members."
TEAM_ONLY = "Only the LMNS programme team can issue a board pack."


@dataclass
class ChosenPack:
    """The pack a person asked for: the live draft (``issued`` None) or an issued version."""

    pack: dict
    issued: BoardPack | None

    @property
    def status(self) -> str:
        if self.issued is None:
            return "Draft – not issued"
        issued_at = timezone.localtime(self.issued.issued_at)
        return (
            f"Issued to the board on {issued_at:%d %b %Y at %H:%M} "
            f"by {self.issued.issued_by_name} (version {self.issued.version})"
        )


def _readable_lmns(request: HttpRequest, pk: int) -> tuple[Access, Lmns]:
    """The LMNS if the person is its programme team or board; 404 elsewhere, 403 for leads."""
    access = get_access(request)
    return access, access.lmns_page(pk, wide=True, reason=READERS_ONLY)


def _requested_version(request: HttpRequest) -> int | None:
    raw = request.GET.get("version")
    if raw in (None, ""):
        return None
    # Digits only and a sane length: a huge number must not reach the database (it would
    # overflow the integer column on PostgreSQL).
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9):
        raise Http404("No such version of this pack.")
    return int(raw)


def _choose(
    request: HttpRequest, access: Access, lmns: Lmns, period: ReportingPeriod
) -> ChosenPack | None:
    """An asked-for version; else the draft for the team and the latest issued for the board."""
    version = _requested_version(request)
    if version is not None:
        issued = issued_version(lmns, period, version)
        if issued is None:
            raise Http404("No such version of this pack.")
        return ChosenPack(issued.snapshot, issued)
    if access.can_manage_lmns(lmns.pk):
        return ChosenPack(build_pack(lmns, period, cached=True), None)
    issued = issued_version(lmns, period)
    return ChosenPack(issued.snapshot, issued) if issued else None


def _filename(chosen: ChosenPack, extension: str, suffix: str = "") -> str:
    lmns, period = chosen.pack["lmns"], chosen.pack["period"]
    return f"{lmns['short_name']}-{period['slug']}-board-pack{suffix}.{extension}"


FALLBACK_SECTION_TEMPLATE = "boardpack/section_tables.html"


def _renderable(pack: dict) -> dict:
    """The pack with each section's template checked: an issued pack must stay readable even
    if the app that drew a section has since changed or been removed, so a missing template
    falls back to plain tables of the frozen figures."""
    sections = []
    for entry in pack["sections"]:
        try:
            get_template(entry["template"])
        except TemplateDoesNotExist:
            entry = {**entry, "template": FALLBACK_SECTION_TEMPLATE}
        sections.append(entry)
    return {**pack, "sections": sections}


def _pack_context(
    request: HttpRequest,
    access: Access,
    lmns: Lmns,
    period: ReportingPeriod,
    chosen: ChosenPack,
    *,
    pdf_mode: bool = False,
    versions: list[BoardPack] | None = None,
) -> dict:
    query = f"?version={chosen.issued.version}" if chosen.issued else ""
    return {
        "base_template": "lmns/pdf_base.html" if pdf_mode else "base.html",
        "pdf": pdf_mode,
        "lmns": lmns,
        "period": period,
        "pack": _renderable(chosen.pack),
        "section_css": section_stylesheets(chosen.pack),
        "issued": chosen.issued,
        "status": chosen.status,
        "produced_at": parse_datetime(chosen.pack["produced_at"]),
        "tables": exports.pack_tables(chosen.pack),
        "versions": [] if pdf_mode else (versions or issued_versions(lmns, period)),
        "can_issue": access.can_manage_lmns(lmns.pk),
        "pdf_problem": pdf.unavailable_reason(),
        "query": query,
        "site_root": request.build_absolute_uri("/").rstrip("/"),
    }


def _cache_headers(response: HttpResponse, issued: BoardPack, etag: str) -> HttpResponse:
    """An issued pack's headers: the browser may keep it but asks each time (no-cache) whether
    it changed; no shared cache may keep it (private)."""
    response["ETag"] = etag
    response["Last-Modified"] = http_date(issued.issued_at.timestamp())
    patch_cache_control(response, private=True, no_cache=True)
    return response


def _not_modified(request: HttpRequest, issued: BoardPack, etag: str) -> HttpResponse | None:
    """304 when the browser already holds this issued pack's ``etag``; None otherwise."""
    found = get_conditional_response(
        request, etag=etag, last_modified=int(issued.issued_at.timestamp())
    )
    return _cache_headers(found, issued, etag) if found is not None else None


def _page_etag(request: HttpRequest, issued: BoardPack, versions: list[BoardPack]) -> str:
    """The issued page for this person in this session, with the versions it links to."""
    session = hashlib.sha256((request.session.session_key or "").encode()).hexdigest()[:16]
    newest = max((v.version for v in versions), default=0)
    return f'W/"pack-{issued.pk}-{newest}-{request.user.pk}-{session}"'


def _render_pack(
    request: HttpRequest, access: Access, lmns: Lmns, period: ReportingPeriod, chosen: ChosenPack
) -> HttpResponse:
    if chosen.issued is None:
        context = _pack_context(request, access, lmns, period, chosen)
        return render(request, "boardpack/pack.html", context)
    # Opening an issued pack reads its notification: the home page stops marking it new.
    notifications.seen(user=request.user, key=event_key(ISSUED.code, chosen.issued.pk))
    versions = issued_versions(lmns, period)
    etag = _page_etag(request, chosen.issued, versions)
    # A message waiting to be shown (after issuing, say) must reach the page: render it.
    if not len(get_messages(request)):
        if (not_modified := _not_modified(request, chosen.issued, etag)) is not None:
            return not_modified
    context = _pack_context(request, access, lmns, period, chosen, versions=versions)
    return _cache_headers(render(request, "boardpack/pack.html", context), chosen.issued, etag)


@require_GET
def latest(request: HttpRequest, pk: int) -> HttpResponse:
    """What the board reads by default: the latest issued pack. The programme team, who prepare
    the packs, get the draft for the LMNS's working period instead, the period their home page
    names (the issued packs are listed on it); with no period open, the quarter after the last
    issued pack."""
    access, lmns = _readable_lmns(request, pk)
    if access.can_manage_lmns(lmns.pk) and (
        period := working_period(lmns) or current_draft_period(lmns)
    ):
        return redirect("boardpack:pack", lmns.pk, period.pk)
    issued = latest_issued(lmns)
    if issued is None:
        context = {
            "lmns": lmns,
            "can_issue": access.can_manage_lmns(lmns.pk),
            "draft_periods": draft_periods() if access.can_manage_lmns(lmns.pk) else [],
        }
        return render(request, "boardpack/none_issued.html", context)
    return _render_pack(request, access, lmns, issued.period, ChosenPack(issued.snapshot, issued))


@require_GET
def pack_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Every issued pack of the LMNS; for the team, also the quarters to prepare drafts of."""
    access, lmns = _readable_lmns(request, pk)
    can_issue = access.can_manage_lmns(lmns.pk)
    context = {
        "lmns": lmns,
        "packs": issued_packs(lmns),
        "can_issue": can_issue,
        "draft_periods": draft_periods() if can_issue else [],
    }
    return render(request, "boardpack/pack_list.html", context)


@require_GET
def pack(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    access, lmns = _readable_lmns(request, pk)
    period = get_object_or_404(ReportingPeriod, pk=period_pk)
    chosen = _choose(request, access, lmns, period)
    if chosen is None:
        context = {"lmns": lmns, "period": period, "can_issue": False, "draft_periods": []}
        return render(request, "boardpack/none_issued.html", context)
    return _render_pack(request, access, lmns, period, chosen)


@require_http_methods(["GET", "POST"])
def issue(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    """Issue the quarter's pack to the board, after a confirmation."""
    access, lmns = _readable_lmns(request, pk)
    access.require(access.can_manage_lmns(lmns.pk), TEAM_ONLY)
    period = get_object_or_404(ReportingPeriod, pk=period_pk)
    current = latest_version(lmns, period)
    form = IssueForm(request.POST or None, initial={"expected_version": current})
    if request.method == "POST" and form.is_valid():
        try:
            issued = issue_pack(
                lmns=lmns,
                period=period,
                user=request.user,
                expected_version=form.cleaned_data["expected_version"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _issued(request, access, lmns, period, issued)
    context = {
        "lmns": lmns,
        "period": period,
        "form": form,
        "versions": issued_versions(lmns, period),
        "not_agreed": not_agreed(build_pack(lmns, period, cached=True)),
    }
    return render(request, "boardpack/issue.html", context)


def _issued(
    request: HttpRequest,
    access: Access,
    lmns: Lmns,
    period: ReportingPeriod,
    issued: BoardPack,
) -> HttpResponse:
    """Keep the issued pack's PDF and spreadsheet, then show the issued version."""
    _keep_issued_pdf(request, access, lmns, period, issued)
    _kept_xlsx(ChosenPack(issued.snapshot, issued))
    messages.success(
        request,
        f"The {period} board pack was issued to the board (version {issued.version}). "
        "Its figures are now frozen.",
    )
    url = reverse("boardpack:pack", args=[lmns.pk, period.pk])
    return redirect(f"{url}?version={issued.version}")


def _chosen_or_404(request: HttpRequest, pk: int, period_pk: int):
    access, lmns = _readable_lmns(request, pk)
    period = get_object_or_404(ReportingPeriod, pk=period_pk)
    chosen = _choose(request, access, lmns, period)
    if chosen is None:
        raise Http404("No board pack has been issued for this quarter yet.")
    return access, lmns, period, chosen


def _attachment(
    request: HttpRequest, lmns: Lmns, chosen, body, content_type: str, filename: str
) -> HttpResponse:
    """The file, its download recorded (``lmns.downloads``): issued or still a draft."""
    state = f"issued version {chosen.issued.version}" if chosen.issued else "not yet issued"
    fmt = filename.rpartition(".")[2].upper()
    record_download(request, kind=f"Board pack {fmt}, {state}"[:60], name=filename, lmns=lmns)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _rendered_pdf(
    request: HttpRequest, access: Access, lmns: Lmns, period: ReportingPeriod, chosen: ChosenPack
) -> bytes:
    context = _pack_context(request, access, lmns, period, chosen, pdf_mode=True)
    html = render_to_string("boardpack/pack.html", context, request=request)
    return pdf.render_pdf(html, extra_stylesheets=context["section_css"])


def _keep_issued_pdf(
    request: HttpRequest, access: Access, lmns: Lmns, period: ReportingPeriod, issued: BoardPack
) -> None:
    """Render a newly issued pack's PDF and keep it. The pack is issued whatever happens here:
    without Pango, or if rendering fails, its first download renders and keeps it instead."""
    if pdf.unavailable_reason():
        return
    try:
        body = _rendered_pdf(request, access, lmns, period, ChosenPack(issued.snapshot, issued))
    except Exception:
        logger.exception("The PDF of %s could not be rendered at issue", issued)
        return
    keep_pdf(pack=issued, content=body)


def _kept_pdf(issued: BoardPack) -> IssuedPackPdf | None:
    kept = IssuedPackPdf.objects.filter(pack=issued).first()
    if kept is not None and not is_intact(kept):
        logger.error("The kept PDF of %s does not match its SHA-256; rendering it again", issued)
        return None
    return kept


def _kept_etag(model, issued: BoardPack | None) -> str | None:
    """The ETag of an issued pack's kept file (its SHA-256), without loading the file."""
    if issued is None:
        return None
    sha256 = model.objects.filter(pack=issued).values_list("sha256", flat=True).first()
    return f'"{sha256}"' if sha256 else None


@require_GET
def pack_pdf(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    access, lmns, period, chosen = _chosen_or_404(request, pk, period_pk)
    etag = _kept_etag(IssuedPackPdf, chosen.issued)
    if etag and (not_modified := _not_modified(request, chosen.issued, etag)) is not None:
        return not_modified
    kept = _kept_pdf(chosen.issued) if chosen.issued else None
    if kept is None:
        problem = pdf.unavailable_reason()
        if problem:
            context = {"lmns": lmns, "period": period, "problem": problem, "query": request.GET}
            return render(request, "boardpack/pdf_unavailable.html", context, status=503)
        body = _rendered_pdf(request, access, lmns, period, chosen)
        if chosen.issued and not IssuedPackPdf.objects.filter(pack=chosen.issued).exists():
            kept = keep_pdf(pack=chosen.issued, content=body)
    response = _attachment(
        request,
        lmns,
        chosen,
        bytes(kept.content) if kept else body,
        "application/pdf",
        _filename(chosen, "pdf"),
    )
    if kept:
        _cache_headers(response, chosen.issued, f'"{kept.sha256}"')
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _kept_xlsx(chosen: ChosenPack) -> bytes:
    """The issued pack's kept spreadsheet, written and kept at its first download if it was
    issued before spreadsheets were kept. Kept bytes that no longer match their SHA-256 are
    not sent: the spreadsheet is written again from the frozen snapshot."""
    kept = IssuedPackXlsx.objects.filter(pack=chosen.issued).first()
    if kept is not None and is_intact(kept):
        return bytes(kept.content)
    body = exports.pack_xlsx(chosen.pack, chosen.status)
    if kept is None:
        keep_xlsx(pack=chosen.issued, content=body)
    else:
        logger.error("The kept spreadsheet of %s does not match its SHA-256", chosen.issued)
    return body


@require_GET
def pack_xlsx(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    """The draft's spreadsheet is written at each download; an issued pack's is kept."""
    _access, lmns, _period, chosen = _chosen_or_404(request, pk, period_pk)
    filename = _filename(chosen, "xlsx")
    if chosen.issued is None:
        body = exports.pack_xlsx(chosen.pack, chosen.status)
        return _attachment(request, lmns, chosen, body, XLSX, filename)
    etag = _kept_etag(IssuedPackXlsx, chosen.issued)
    if etag and (not_modified := _not_modified(request, chosen.issued, etag)) is not None:
        return not_modified
    body = _kept_xlsx(chosen)
    response = _attachment(request, lmns, chosen, body, XLSX, filename)
    return _cache_headers(response, chosen.issued, f'"{hashlib.sha256(body).hexdigest()}"')


@require_GET
def pack_csv(request: HttpRequest, pk: int, period_pk: int, table: str) -> HttpResponse:
    _access, lmns, _period, chosen = _chosen_or_404(request, pk, period_pk)
    found = exports.find_table(chosen.pack, table)
    if found is None:
        raise Http404("This pack has no such table.")
    body = exports.table_csv(found)
    filename = _filename(chosen, "csv", f"-{table}")
    return _attachment(request, lmns, chosen, body, "text/csv; charset=utf-8", filename)
