"""Board sections show at most 600 characters of a text, with a link to the record holding all of
it, so a pack reads (and its PDF renders) the same however long what was written is."""

import datetime

from django.urls import reverse

from boardpack.services import build_pack
from deliverables.tests.factories import (
    DeliverableFactory,
    DeliverableUpdateFactory,
    MitigationFactory,
    PlanFactory,
    RiskFactory,
)
from lmns.board import read_cell, text
from lmns.models import RagStatus
from lmns.text import EXCERPT, NARRATIVE, ONE_LINE, SHORT_TEXT


def _words(n: int) -> str:
    return ("Midwifery staffing review " * (n // 26 + 1))[:n]


def _strings(value, key=""):
    """Every text the sections show. Table rows repeat them for the downloads (a mitigations
    cell joins several), so they are checked through what they repeat."""
    if key == "tables":
        return
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, key)
    elif isinstance(value, str) and not key.endswith("_svg"):
        yield key, value


def _texts_at_their_limits(world):
    plan = PlanFactory(lmns=world.lmns, title=_words(ONE_LINE))
    deliverable = DeliverableFactory(plan=plan, number=4, title=_words(ONE_LINE))
    DeliverableUpdateFactory(
        deliverable=deliverable,
        period=world.period,
        status=RagStatus.OFF_TRACK,
        narrative=_words(NARRATIVE),
        recovery_action=_words(SHORT_TEXT),
        recovery_date=datetime.date(2022, 9, 30),
    )
    risk = RiskFactory(lmns=world.lmns, title=_words(ONE_LINE), description=_words(NARRATIVE))
    MitigationFactory(risk=risk, action=_words(SHORT_TEXT), owner_name=_words(ONE_LINE))
    return deliverable, risk


def test_no_text_in_the_pack_is_longer_than_600_characters(world):
    _texts_at_their_limits(world)

    pack = build_pack(world.lmns, world.period)

    longest = max(_strings(pack["sections"]), key=lambda item: len(item[1]))
    assert len(longest[1]) <= EXCERPT, longest[0]
    deliverables = next(s for s in pack["sections"] if s["key"] == "deliverables")
    row = deliverables["data"]["exceptions"][0]
    assert row["cut"] and row["narrative"].endswith("…")
    exceptions = next(
        t for t in deliverables["data"]["tables"] if t["key"] == "deliverable_exceptions"
    )
    cells = [read_cell(c) for c in exceptions["rows"][0][4:6]]
    assert cells == [text(row["narrative"]), text(row["recovery_action"])]


def test_a_cut_text_links_to_the_whole_record(world):
    deliverable, risk = _texts_at_their_limits(world)

    page = world.client_for("team").get(
        reverse("boardpack:pack", args=[world.lmns.pk, world.period.pk])
    )

    html = page.content.decode()
    assert (
        f'<a href="{deliverable.get_absolute_url()}" class="full-text">Read all of 4’s update</a>'
        in html
    )
    assert (
        f'<a href="{risk.get_absolute_url()}" class="full-text">Read the whole mitigation</a>'
        in html
    )
    assert _words(NARRATIVE) not in html
