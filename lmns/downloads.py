"""The download log: who downloaded which evidence file, export or board pack, and when.

Every view that hands out a file calls :func:`record_download` before answering; the LMNS's
programme team and administrators read the log (``lmns.views.download_log``). Rows are kept for
``RECORD_RETENTION["downloads"]`` and then removed by ``manage.py apply_retention``.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest

from .models import Download, Lmns, Trust


def record_download(
    request: HttpRequest, *, kind: str, name: str, lmns: Lmns | int, trust: Trust | None = None
) -> Download:
    """Record that the signed-in person is downloading ``name`` (a ``kind`` of file)."""
    return Download.objects.create(
        person=request.user,
        kind=kind[:60],
        name=name[:255],
        path=request.get_full_path()[:300],
        lmns_id=lmns if isinstance(lmns, int) else lmns.pk,
        trust=trust,
    )


def downloads_of(lmns: Lmns) -> QuerySet[Download]:
    """The LMNS's download log, newest first, with the people and trusts it names."""
    return Download.objects.filter(lmns=lmns).select_related("person", "trust")


def scrub_download_names(replacements: list[tuple[str, str]]) -> int:
    """A purge's copies in the log: file names that were the removed data (``lmns.purges``)."""
    changed = 0
    for old, new in replacements:
        changed += Download.objects.filter(name=old[:255]).update(name=new)
    return changed
