"""The live pack keeps each section in the shared cache, and never serves one stale.

With every app's demo data, each real section is built once and then read from the cache; each
change to what a section shows (through ``save()``, a bulk write with history, a model without
history, a many-to-many link) shows on the next request, while the other sections stay kept.
"""

import io
import json
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from simple_history.utils import bulk_update_with_history

from assurance.models import Answer, ComplianceStatus
from boardpack import section_cache
from boardpack.sections import discover_sections
from boardpack.services import build_pack
from deliverables.models import Deliverable, Risk
from funding.models import FundingStream
from lmns.models import Lmns, ReportingPeriod
from quality.models import Measure


@pytest.fixture
def demo(db):
    call_command("load_demo", force=True, stdout=io.StringIO())


def _tables(sql: str) -> set[str]:
    return set(re.findall(r'(?:FROM|JOIN)\s+"?([a-z0-9_]+)"?', sql, flags=re.IGNORECASE))


def _declared(section) -> set[str]:
    tables = set()
    for label in section.sources:
        model = apps.get_model(label)
        tables.add(model._meta.db_table)
    return tables


def _sections(lmns, period, *, cached: bool) -> dict[str, dict]:
    pack = build_pack(lmns, period, cached=cached)
    return {entry["key"]: json.dumps(entry["data"], sort_keys=True) for entry in pack["sections"]}


# Where the demo shows a section's rows by name (seed 001's amber and red deliverables).
SHOWN_AT = {"deliverables": ("NWLMNS", 2022, 3)}


def _with_data(key: str) -> tuple[Lmns, ReportingPeriod]:
    """The first LMNS and quarter of the demo for which section ``key`` has something to show."""
    if key in SHOWN_AT:
        name, year, quarter = SHOWN_AT[key]
        return (
            Lmns.objects.get(short_name=name),
            ReportingPeriod.objects.get(start_year=year, quarter=quarter),
        )
    section = next(s for s in discover_sections() if s.key == key)
    for period in ReportingPeriod.objects.order_by("-start_date"):
        for lmns in Lmns.objects.order_by("pk"):
            if section.build(lmns, period).has_data:
                return lmns, period
    raise AssertionError(f"the demo has no data for the {key} section")


def test_each_section_declares_every_table_it_reads(demo):
    for section in discover_sections():
        assert section.sources, f"{section.key} does not say what it reads"
        lmns, period = _with_data(section.key)
        with CaptureQueriesContext(connection) as queries:
            section.build(lmns, period)
        read = set().union(*(_tables(q["sql"]) for q in queries))
        assert read <= _declared(section), f"{section.key} reads {read - _declared(section)}"


def _rename(rows, field: str) -> None:
    for row in rows:
        setattr(row, field, f"{getattr(row, field)} (renamed)"[:250])
        row.save()


def _answers_not_met(lmns, period) -> None:
    """A bulk write with history, as saving a return's answers does."""
    answers = list(
        Answer.objects.filter(quarterly_return__trust__lmns=lmns, quarterly_return__period=period)
    )
    for answer in answers:
        answer.status = ComplianceStatus.NOT_MET
    bulk_update_with_history(answers, Answer, ["status"])


def _renamed_deliverables(lmns, period) -> None:
    _rename(Deliverable.objects.filter(plan__lmns=lmns), "title")


def _more_funding(lmns, period) -> None:
    for stream in FundingStream.objects.filter(lmns=lmns):
        stream.amount += 1000
        stream.save()


CHANGES = {
    "compliance": _answers_not_met,
    "deliverables": _renamed_deliverables,
    "risks": lambda lmns, period: _rename(Risk.objects.filter(lmns=lmns), "title"),
    "funding": _more_funding,
    # a model without history
    "quality": lambda lmns, period: _rename(Measure.objects.all(), "short_name"),
}


@pytest.mark.parametrize("key", sorted(CHANGES))
def test_the_pack_shows_each_sections_new_data_at_once(demo, key):
    lmns, period = _with_data(key)
    before = _sections(lmns, period, cached=True)
    assert _sections(lmns, period, cached=True) == before, "kept as it was built"

    CHANGES[key](lmns, period)

    after = _sections(lmns, period, cached=True)
    assert after[key] != before[key], f"the {key} section did not show the change"
    assert after == _sections(lmns, period, cached=False)


def test_a_many_to_many_link_shows_at_once(demo):
    from django.core.cache import cache

    lmns, period = _with_data("risks")
    assert _sections(lmns, period, cached=True)
    generation = cache.get(section_cache.GENERATION_KEY)
    risk = Risk.objects.filter(lmns=lmns).first()
    risk.deliverables.clear()
    assert cache.get(section_cache.GENERATION_KEY) != generation, "a new generation"
    assert _sections(lmns, period, cached=True) == _sections(lmns, period, cached=False)


def test_a_second_request_reads_the_kept_sections(demo, django_assert_max_num_queries):
    lmns, period = _with_data("compliance")
    client = _team_client(lmns)
    url = reverse("boardpack:pack", args=[lmns.pk, period.pk])
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as second:
        second_html = client.get(url).content.decode()
    assert len(second) < len(first) - 10
    # The session, the person, the LMNS and quarter, the versions, the fingerprints, the cache.
    assert len(second) <= 14
    assert "Draft – not issued" in second_html


def test_each_lmns_and_quarter_is_kept_apart(demo):
    lmns, period = _with_data("compliance")
    other = Lmns.objects.exclude(pk=lmns.pk).order_by("pk").first()
    _sections(lmns, period, cached=True)
    assert _sections(other, period, cached=True) == _sections(other, period, cached=False)
    earlier = ReportingPeriod.objects.filter(start_date__lt=period.start_date).first()
    assert _sections(lmns, earlier, cached=True) == _sections(lmns, earlier, cached=False)


def _team_client(lmns):
    from django.test import Client

    from lmns.models import Membership, Role

    member = Membership.objects.filter(lmns=lmns, role=Role.PROGRAMME_TEAM).first().user
    client = Client()
    client.force_login(member)
    return client
