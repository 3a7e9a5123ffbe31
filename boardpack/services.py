"""Building a quarter's board pack from the sections, and issuing it to the board."""

import hashlib
import json
import logging

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from lmns.board import TABLE_CELLS_TYPED, BoardSection, Section
from lmns.models import Lmns, ReportingPeriod
from lmns.people import full_name
from lmns.text import ONE_LINE

from . import section_cache
from .models import BoardPack, IssuedPackPdf, IssuedPackXlsx
from .notifications import pack_issued
from .sections import discover_sections

logger = logging.getLogger(__name__)

KEY_MESSAGES_SHOWN = 5
# 2: table cells are typed (lmns.board.Cell); packs issued with 1 keep their text.
SNAPSHOT_SCHEMA = TABLE_CELLS_TYPED


def _normalise(data: Section) -> dict:
    """The section exactly as a snapshot will hold it (typed cells, Decimals and dates as
    strings). Drafts go through the same round trip, so a draft and its issued pack render alike.
    """
    if not isinstance(data, Section):
        raise TypeError("A board section must build an lmns.board.Section.")
    return json.loads(json.dumps(data.to_json(), cls=DjangoJSONEncoder))


def _entry(section: BoardSection) -> dict:
    return {
        "key": section.key,
        "title": section.title,
        "order": section.order,
        "template": section.template,
        "error": "",
    }


def build_section(section: BoardSection, lmns: Lmns, period: ReportingPeriod) -> dict:
    """One section of the pack. A section that fails is reported in the pack, not a 500."""
    entry = _entry(section)
    try:
        entry["data"] = _normalise(section.build(lmns, period))
    except Exception:
        logger.exception("Board section %r failed for %s %s", section.key, lmns, period)
        entry["error"] = (
            f"The {section.title} section could not be produced. The figures are not shown; "
            "the technical team has the details in the error log."
        )
        entry["data"] = _normalise(Section(has_data=False))
    return entry


def empty_message(title: str, period: ReportingPeriod) -> str:
    """What the pack says for a section with no data, e.g. "No deliverables data for 2022/23 Q1".

    A one-word title is a common noun and is lower-cased; longer titles may start with a
    name (Ockenden) and are kept as they are.
    """
    noun = title.lower() if " " not in title.strip() else title
    return f"No {noun} data for {period}"


def key_messages(sections: list[dict], limit: int = KEY_MESSAGES_SHOWN) -> list[dict]:
    """The top messages across sections: highest priority first, then in section order."""
    candidates = [
        (
            -message["priority"],
            position,
            index,
            {**message, "section": entry["title"], "section_key": entry["key"]},
        )
        for position, entry in enumerate(sections)
        for index, message in enumerate(entry["data"]["messages"])
    ]
    candidates.sort(key=lambda c: c[:3])
    return [c[3] for c in candidates[:limit]]


def build_sections(lmns: Lmns, period: ReportingPeriod, *, cached: bool) -> list[dict]:
    """Every section of the pack; with ``cached``, each one kept in the shared cache while its
    source data stays the same (:mod:`boardpack.section_cache`), else built afresh."""
    found = discover_sections()
    # A section that does not say what it reads cannot be kept: it is built every time.
    keepable = [section for section in found if section.sources] if cached else []
    if not keepable:
        return [build_section(section, lmns, period) for section in found]
    kept, keys, generation = section_cache.cached_sections(keepable, lmns.pk, period.pk)
    entries, built = [], {}
    for section in found:
        if section.key in kept:
            entries.append({**_entry(section), "data": kept[section.key]})
            continue
        entry = build_section(section, lmns, period)
        if section.key in keys and not entry["error"]:
            built[section.key] = (keys[section.key], entry["data"])
        entries.append(entry)
    section_cache.keep(built, generation)
    return entries


def build_pack(lmns: Lmns, period: ReportingPeriod, *, cached: bool = False) -> dict:
    """The live (draft) pack: everything the pack page and the downloads need, JSON-ready.
    ``cached`` reads each section kept since its data last changed (the draft's pages);
    issuing builds every section afresh."""
    sections = build_sections(lmns, period, cached=cached)
    for entry in sections:
        entry["empty_message"] = entry["data"].get("empty_message") or empty_message(
            entry["title"], period
        )
    return {
        "schema": SNAPSHOT_SCHEMA,
        "lmns": {"pk": lmns.pk, "name": lmns.name, "short_name": lmns.short_name},
        "period": {"pk": period.pk, "label": str(period), "slug": period.slug},
        "produced_at": timezone.now().isoformat(),
        # A section with nothing to show cannot make the pack's figures provisional.
        "provisional": any(s["data"]["provisional"] and s["data"]["has_data"] for s in sections),
        "messages": key_messages(sections),
        "sections": sections,
    }


def not_agreed(pack: dict) -> list[str]:
    """The returns behind the pack's figures that are not yet assured or signed off."""
    return [
        f"{entry['title']}: {item}"
        for entry in pack["sections"]
        for item in entry["data"].get("not_agreed", [])
    ]


def latest_version(lmns: Lmns, period: ReportingPeriod) -> int:
    """The number of the latest issued version of this quarter's pack, 0 if none."""
    found = BoardPack.objects.filter(lmns=lmns, period=period).aggregate(v=Max("version"))["v"]
    return found or 0


@transaction.atomic
def issue_pack(*, lmns: Lmns, period: ReportingPeriod, user, expected_version: int) -> BoardPack:
    """Freeze the quarter's pack as the next issued version.

    ``expected_version`` is the latest version the person saw when confirming; if someone
    issued in the meantime the request is refused rather than issuing twice. A pack with a
    section that could not be produced is refused too: the board must not get a gap.
    """
    if period.start_date > timezone.localdate():
        raise ValidationError(
            f"{period} has not started yet: a pack can be issued once its quarter has begun."
        )
    current = latest_version(lmns, period)
    if current != expected_version:
        raise ValidationError(
            "Someone issued this quarter's pack while you were confirming. "
            "Check the latest issued version before issuing again."
        )
    snapshot = build_pack(lmns, period)
    failed = [s["title"] for s in snapshot["sections"] if s["error"]]
    if failed:
        raise ValidationError(
            "The pack cannot be issued because these sections could not be produced: "
            + ", ".join(failed)
            + "."
        )
    issued_at = timezone.now()
    snapshot["produced_at"] = issued_at.isoformat()
    name = full_name(user)[:ONE_LINE]
    try:
        with transaction.atomic():
            pack = BoardPack.objects.create(
                lmns=lmns,
                period=period,
                version=current + 1,
                issued_at=issued_at,
                issued_by=user,
                issued_by_name=name,
                snapshot=snapshot,
            )
            pack_issued(pack)
            return pack
    except IntegrityError as exc:
        raise ValidationError(
            "Someone issued this quarter's pack at the same moment. Reload to see it."
        ) from exc


def _keep(model, pack: BoardPack, content: bytes):
    try:
        with transaction.atomic():
            return model.objects.create(
                pack=pack, content=content, sha256=hashlib.sha256(content).hexdigest()
            )
    except IntegrityError:
        return model.objects.get(pack=pack)


def keep_pdf(*, pack: BoardPack, content: bytes) -> IssuedPackPdf:
    """Keep an issued pack's PDF with its SHA-256, once: if another request kept it first (two
    downloads of a pack issued before PDFs were kept), that one is the pack's PDF."""
    return _keep(IssuedPackPdf, pack, content)


def keep_xlsx(*, pack: BoardPack, content: bytes) -> IssuedPackXlsx:
    """Keep an issued pack's spreadsheet with its SHA-256, once (as ``keep_pdf``)."""
    return _keep(IssuedPackXlsx, pack, content)


def is_intact(kept: IssuedPackPdf | IssuedPackXlsx) -> bool:
    """Whether the kept file still has the SHA-256 it was stored with."""
    return hashlib.sha256(bytes(kept.content)).hexdigest() == kept.sha256


def scrub_purged_text(replacements: list[tuple[str, str]]) -> int:
    """A purge (``lmns.purges``): issued packs' snapshots lose the removed text for its
    tombstone, and their kept PDF and spreadsheet go, to be made again from the scrubbed
    snapshot.

    The one change an issued pack ever takes: removing patient data uploaded by mistake.
    """
    from lmns.purges import replace_in

    changed = 0
    for pk, snapshot in BoardPack.objects.values_list("pk", "snapshot").iterator():
        scrubbed = replace_in(snapshot, replacements)
        if scrubbed != snapshot:
            BoardPack.objects.filter(pk=pk).update(snapshot=scrubbed)
            IssuedPackPdf.objects.filter(pack_id=pk).delete()
            IssuedPackXlsx.objects.filter(pack_id=pk).delete()
            changed += 1
    return changed
