"""``benchmark --pdf``: the largest LMNS's board pack PDF with every text at its limit.

Inside one transaction that is rolled back afterwards, every free-text field of 100 characters
or more (codes and short names are left alone) of every record of the LMNS with the most
trusts, and of the reference data, is filled to its length limit with words; then, as that
LMNS's programme team and board member:

* the draft pack's PDF is downloaded ``repeat`` times (rendered at each download);
* the pack is issued through the issue page (built, rendered once and kept);
* the issued pack's PDF is downloaded as the board reads it (the kept bytes).

Models and pages are found by label and URL name: the core imports no feature app.
"""

from __future__ import annotations

import io
import statistics
import time
from collections import deque
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import CharField, Count, Value
from django.db.models.functions import Cast, Concat, LPad
from django.test import Client
from django.urls import reverse

from lmns.models import Lmns, Membership, Role
from lmns.text import FREE_TEXT_MODEL_FIELDS

from .dataset import BenchWorld

TEXT_FIELD_MINIMUM = 100
BUDGET_MS = 10_000
WORDS = "Continuity of carer recovery plan agreed with the trust's maternity safety champions. "


@dataclass
class PdfMeasurement:
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


def path_to_lmns(model: type[models.Model], depth: int = 4) -> str | None:
    """The shortest lookup from ``model`` to its LMNS through foreign keys ("" for Lmns)."""
    if model is Lmns:
        return "pk"
    queue = deque([(model, "")])
    while queue:
        current, path = queue.popleft()
        for f in current._meta.concrete_fields:
            if not f.is_relation or f.related_model is None:
                continue
            if f.related_model._meta.label == settings.AUTH_USER_MODEL:
                continue
            step = f"{path}__{f.name}" if path else f.name
            if f.related_model is Lmns:
                return step
            if step.count("__") < depth - 1:
                queue.append((f.related_model, step))
    return None


def _project_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if not model.__name__.startswith("Historical")
        and any(isinstance(f, FREE_TEXT_MODEL_FIELDS) for f in model._meta.concrete_fields)
    ]


def _at_limit(limit: int):
    """Words up to the limit, ending with the row's id so that unique texts stay unique."""
    words = (WORDS * (limit // len(WORDS) + 1))[: limit - 12]
    return Concat(
        Value(words),
        LPad(Cast("pk", CharField(max_length=40)), 12, Value("0")),
        output_field=CharField(),
    )


def fill_texts_at_limits(lmns: Lmns) -> int:
    """Fill every long free-text field of the LMNS's records (and of reference data) to its
    limit. Returns how many texts were written."""
    written = 0
    for model in _project_models():
        fields = {
            f.attname: _at_limit(f.max_length)
            for f in model._meta.concrete_fields
            if isinstance(f, FREE_TEXT_MODEL_FIELDS) and f.max_length >= TEXT_FIELD_MINIMUM
        }
        if not fields:
            continue
        path = path_to_lmns(model)
        rows = model._default_manager.all()
        if path is not None:
            rows = rows.filter(**{path: lmns.pk})
        written += rows.update(**fields) * len(fields)
    return written


def _page_count(body: bytes) -> int | None:
    """Pages of the PDF, read with pypdf (a development requirement, as the benchmark is)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    return len(PdfReader(io.BytesIO(body)).pages)


def largest_lmns() -> Lmns:
    return Lmns.objects.annotate(n=Count("trusts")).order_by("-n", "pk").first()


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
    if not apps.is_installed("boardpack"):
        result.status = "boardpack not installed"
        return result
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
        packs = apps.get_model("boardpack", "BoardPack").objects.filter(lmns=lmns, period=period)
        issue = reverse("boardpack:issue", args=[lmns.pk, period.pk])
        data = {"expected_version": packs.count(), "confirm": "on"}
        result.issue_ms, _ = _timed(team.post, issue, data)
        result.kept_ms, _ = _timed(board.get, pdf_url)
        transaction.set_rollback(True)
    # CPU time: on a busy shared machine the wall clock includes waiting for a core.
    result.status = "ok" if result.median_cpu_ms < BUDGET_MS else "over budget"
    return result
