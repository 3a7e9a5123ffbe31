"""The board pack part of ``manage.py benchmark``: every LMNS's pack issued for the last complete
quarter, the pack page live and issued, and (``benchmark --pdf``) the largest LMNS's pack PDF
with every text at its limit.

For the PDF, inside one transaction that is rolled back afterwards, every long free-text field
of the LMNS with the most trusts is filled to its limit (``lmns.perf.texts``); then, as that
LMNS's programme team and board member:

* the draft pack's PDF is downloaded ``repeat`` times (rendered at each download);
* the pack is issued through the issue page (built, rendered once and kept);
* the issued pack's PDF is downloaded as the board reads it (the kept bytes).

Found by ``lmns.perf.dataset.app_builders`` and ``lmns.perf.pages.all_pages`` like ``demo.py``.
"""

from __future__ import annotations

import io
import statistics
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.test import Client
from django.urls import reverse

from lmns.models import Lmns, Membership, Role
from lmns.perf.dataset import AppBuilder, BenchWorld
from lmns.perf.pages import Page, RawSql, table
from lmns.perf.texts import fill_texts_at_limits, largest_lmns

from .models import BoardPack
from .services import issue_pack

BUDGET_MS = 10_000


def build_boardpack(world: BenchWorld) -> None:
    """Issue every LMNS's pack for the last complete quarter, as its programme team would."""
    teams = {
        m.lmns_id: m.user
        for m in Membership.objects.filter(role=Role.PROGRAMME_TEAM).select_related("user")
    }
    for lmns in world.lmnss:
        issue_pack(lmns=lmns, period=world.previous_period, user=teams[lmns.pk], expected_version=0)
    world.counts["boardpack.BoardPack"] = len(world.lmnss)


def _pack_sql(w: BenchWorld) -> RawSql:
    """The issued pack's stored snapshot."""
    return (
        f"SELECT p.snapshot FROM {table('boardpack.BoardPack')} p "
        f"WHERE p.lmns_id = %s AND p.period_id = %s ORDER BY p.version DESC LIMIT 1",
        [w.lmns.pk, w.previous_period.pk],
    )


def _pack_url(w: BenchWorld) -> str:
    return reverse("boardpack:pack", args=[w.lmns.pk, w.previous_period.pk])


@dataclass
class PdfMeasurement:
    key: str = "pack_pdf"
    lmns: str = ""
    trusts: int = 0
    period: str = ""
    texts_filled: int = 0
    draft_ms: list[float] = field(default_factory=list)
    draft_cpu_ms: list[float] = field(default_factory=list)
    issue_ms: float | None = None
    kept_ms: float | None = None
    pages: int | None = None
    size_bytes: int = 0
    status: str = ""

    @property
    def median_ms(self) -> float | None:
        return statistics.median(self.draft_ms) if self.draft_ms else None

    @property
    def median_cpu_ms(self) -> float | None:
        return statistics.median(self.draft_cpu_ms) if self.draft_cpu_ms else None

    def summary(self) -> str:
        """The report's line."""
        if not self.draft_ms:
            return f"Board pack PDF: {self.status}."
        runs = ", ".join(f"{ms / 1000:.1f}" for ms in self.draft_ms)
        return (
            f"Board pack PDF of {self.lmns} ({self.trusts} trusts), {self.period}, every text at "
            f"its limit ({self.texts_filled:,} texts): {self.pages or '–'} pages, "
            f"{self.size_bytes / 1000:,.0f} kB. Draft rendered in {runs} s (median "
            f"{self.median_ms / 1000:.1f} s, CPU {self.median_cpu_ms / 1000:.1f} s); issued "
            f"(built, rendered and kept) in {self.issue_ms / 1000:.1f} s; the kept PDF sent in "
            f"{self.kept_ms:.0f} ms. Budget {BUDGET_MS / 1000:.0f} s: {self.status}."
        )

    def as_dict(self) -> dict:
        return {
            "lmns": self.lmns,
            "trusts": self.trusts,
            "period": self.period,
            "texts_filled": self.texts_filled,
            "draft_ms": self.draft_ms,
            "median_ms": self.median_ms,
            "draft_cpu_ms": self.draft_cpu_ms,
            "median_cpu_ms": self.median_cpu_ms,
            "issue_ms": self.issue_ms,
            "kept_ms": self.kept_ms,
            "pages": self.pages,
            "size_bytes": self.size_bytes,
            "budget_ms": BUDGET_MS,
            "status": self.status,
        }


def _page_count(body: bytes) -> int | None:
    """Pages of the PDF, read with pypdf (a development requirement, as the benchmark is)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    return len(PdfReader(io.BytesIO(body)).pages)


def _client(lmns: Lmns, role: str) -> Client:
    member = Membership.objects.filter(lmns=lmns, role=role).select_related("user").first()
    client = Client()
    client.force_login(member.user)
    return client


def _timed(send, url: str, data=None) -> tuple[float, object]:
    start = time.perf_counter()
    response = send(url, data, secure=True) if data is not None else send(url, secure=True)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code not in (200, 302):
        raise RuntimeError(f"{url} answered {response.status_code}")
    return elapsed, response


def measure_pack_pdf(world: BenchWorld, repeat: int = 3) -> PdfMeasurement:
    """Time the largest LMNS's pack PDF with every text at its limit; nothing is kept."""
    result = PdfMeasurement()
    lmns, period = largest_lmns(), world.previous_period
    result.lmns, result.trusts, result.period = str(lmns), lmns.trusts.count(), str(period)
    pdf_url = reverse("boardpack:pdf", args=[lmns.pk, period.pk])
    with transaction.atomic():
        result.texts_filled = fill_texts_at_limits(lmns)
        team, board = _client(lmns, Role.PROGRAMME_TEAM), _client(lmns, Role.BOARD_MEMBER)
        for _ in range(repeat):
            cpu = time.process_time()
            elapsed, response = _timed(team.get, pdf_url)
            result.draft_ms.append(elapsed)
            result.draft_cpu_ms.append((time.process_time() - cpu) * 1000)
        body = response.content
        result.size_bytes = len(body)
        result.pages = _page_count(body)
        packs = BoardPack.objects.filter(lmns=lmns, period=period)
        issue = reverse("boardpack:issue", args=[lmns.pk, period.pk])
        data = {"expected_version": packs.count(), "confirm": "on"}
        result.issue_ms, _ = _timed(team.post, issue, data)
        result.kept_ms, _ = _timed(board.get, pdf_url)
        transaction.set_rollback(True)
    # CPU time: on a busy shared machine the wall clock includes waiting for a core.
    result.status = "ok" if result.median_cpu_ms < BUDGET_MS else "over budget"
    return result


BUILDERS = [
    AppBuilder("boardpack", "packs issued for the last quarter", ("BoardPack",), build_boardpack)
]

PAGES = [
    Page(
        key="board_pack_live",
        label="Board pack (live, as the team sees it)",
        persona="team",
        app="boardpack",
        url=_pack_url,
        raw_sql=_pack_sql,
        budget_ms=300,
    ),
    Page(
        key="board_pack",
        label="Board pack (issued, as the board reads it)",
        persona="board",
        app="boardpack",
        url=_pack_url,
        raw_sql=_pack_sql,
        budget_ms=300,
    ),
]

PDF_MEASURES = [measure_pack_pdf]
"""Run by ``benchmark --pdf``."""
