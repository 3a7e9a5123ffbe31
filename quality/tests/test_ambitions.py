"""Ambitions and trajectories on the measures: the target in force month by month, drawn on
the chart and judged by the assurance icon; the ambitions page; Baby Friendly stages."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lmns.board import read_cell, text
from lmns.tests.factories import TrustFactory
from quality import demo
from quality.selectors import add_months, last_complete_month
from quality.tests.factories import (
    AccreditationFactory,
    AccreditationStepFactory,
    AmbitionFactory,
    AmbitionTargetFactory,
    baby_friendly,
    fill_series,
    measure,
)

pytestmark = pytest.mark.django_db

STABLE = [92, 94, 91, 93, 95, 92, 94, 93, 91, 92, 94, 93, 95, 92, 93, 94, 92, 93]


def texts(rows: list[list[str]]) -> list[list]:
    return [[text(v) for v in row] for row in rows]


def _chart(client, trust, code):
    return client.get(reverse("quality:chart", args=[trust.pk, code])).content.decode()


def test_the_target_in_force_is_the_next_due_then_the_last_until_the_ambition_ends(world):
    ambition = AmbitionFactory(lmns=world.lmns, measure=measure("COC-BAME"))
    for due, value, population in [
        (datetime.date(2020, 3, 31), 35, ""),
        (datetime.date(2021, 3, 31), 51, ""),
        (datetime.date(2024, 3, 31), 75, "Black, Asian and mixed ethnicity women"),
    ]:
        AmbitionTargetFactory(ambition=ambition, due=due, value=value, population=population)
    # The measure is for Black, Asian and mixed ethnicity women: only their target judges it.
    assert ambition.target_in_force(datetime.date(2019, 6, 1)).value == 75
    assert ambition.target_in_force(datetime.date(2026, 6, 1)).value == 75  # the last stays
    ambition.in_force_until = datetime.date(2024, 3, 31)
    assert ambition.target_in_force(datetime.date(2024, 3, 1)).value == 75
    assert ambition.target_in_force(datetime.date(2024, 4, 1)) is None  # the plan ended
    ambition.measure = None  # without a measure every target counts
    assert ambition.target_in_force(datetime.date(2020, 6, 1)).value == 51


def test_the_assurance_icon_judges_the_latest_month_against_the_target_in_force(world, as_lead):
    fill_series(world.trust, "TRAIN-PROMPT", STABLE)
    html = _chart(as_lead, world.trust, "TRAIN-PROMPT")
    assert "Consistently passing the target" in html  # the measure's own 90%
    last = last_complete_month()
    ambition = AmbitionFactory(
        lmns=world.lmns,
        measure=measure("TRAIN-PROMPT"),
        kind="local",
        metric="Every staff group in date",
    )
    AmbitionTargetFactory(ambition=ambition, due=add_months(last, -6), value=85)
    AmbitionTargetFactory(ambition=ambition, due=add_months(last, 6), value=99)
    html = _chart(as_lead, world.trust, "TRAIN-PROMPT")
    assert "Consistently failing the target" in html  # 99% is in force for the latest month
    assert "Target in force: <strong>99%" in html
    assert html.count('class="target"') == 2  # 85% then 99%: two steps
    assert "Target 99% by" in html  # the chart's description in words, a whole per cent
    # A trust's own target wins over its LMNS's.
    own = AmbitionFactory(lmns=world.lmns, trust=world.trust, measure=measure("TRAIN-PROMPT"))
    AmbitionTargetFactory(ambition=own, due=add_months(last, 3), value=80)
    assert "Consistently passing the target" in _chart(as_lead, world.trust, "TRAIN-PROMPT")


def test_a_plan_target_that_ended_is_not_an_ambition_failed_today(world, as_team):
    fill_series(world.trust, "COC-BAME", [20 + (i % 3) for i in range(18)])
    ambition = AmbitionFactory(
        lmns=world.lmns,
        measure=measure("COC-BAME"),
        in_force_until=datetime.date(2024, 3, 31),
        note="The national target date was withdrawn in 2022.",
    )
    AmbitionTargetFactory(
        ambition=ambition,
        due=datetime.date(2024, 3, 31),
        value=75,
        population="Black, Asian and mixed ethnicity women",
    )
    response = as_team.get(reverse("quality:chart", args=[world.trust.pk, "COC-BAME"]))
    assert response.context["series"].assurance is None  # nothing judges it now
    html = response.content.decode()
    assert "No target in force now: its targets ran to March 2024." in html
    assert "The national target date was withdrawn in 2022." in html
    surveillance = as_team.get(reverse("quality:surveillance", args=[world.lmns.pk]))
    assert not [c for c in surveillance.context["data"].exceptions if c.measure.code == "COC-BAME"]


def test_the_ambitions_page_shows_baseline_source_and_target_in_force(world, as_board):
    demo_lmns = world.lmns
    ambition = AmbitionFactory(
        lmns=demo_lmns,
        measure=measure("STILLBIRTH"),
        kind="national",
        metric="Halve the stillbirth rate by 2025",
        unit="per 1,000",
        baseline_value=Decimal("5.1"),
        baseline_date=datetime.date(2010, 1, 1),
        baseline_source="England's 2010 rate",
        baseline_illustrative=True,
        source="Seed 003",
    )
    AmbitionTargetFactory(ambition=ambition, due=datetime.date(2099, 12, 31), value=Decimal("2.55"))
    html = as_board.get(reverse("quality:ambitions", args=[demo_lmns.pk])).content.decode()
    assert "Halve the stillbirth rate by 2025" in html
    assert "National ambition" in html
    assert "5.1 per 1,000 in 2010, England&#x27;s 2010 rate" in html
    assert "illustrative</span>: not checked against a published source" in html
    assert "2.55 per 1,000 by December 2099" in html


def test_the_ambitions_page_costs_the_same_with_many_ambitions(world, as_team):
    url = reverse("quality:ambitions", args=[world.lmns.pk])
    counts = []
    for n in (1, 25):
        for _ in range(n):
            ambition = AmbitionFactory(lmns=world.lmns, trust=world.trust)
            AmbitionTargetFactory.create_batch(3, ambition=ambition)
        with CaptureQueriesContext(connection) as queries:
            assert as_team.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 11  # measured: 11 on SQLite


def test_baby_friendly_stages_show_dates_planned_assessments_and_other_providers(world, as_lead):
    mch = AccreditationFactory(provider=True, lmns=world.lmns)
    stages = {s.order: s for s in baby_friendly().stages.all()}
    for order in (1, 2, 3, 4):
        AccreditationStepFactory(accreditation=mch, stage=stages[order])
    AccreditationStepFactory(accreditation=mch, stage=stages[5], on=datetime.date(2019, 6, 1))
    trust = AccreditationFactory(trust=world.trust)
    AccreditationStepFactory(accreditation=trust, stage=stages[1])
    AccreditationStepFactory(accreditation=trust, stage=stages[2], planned=True)
    html = as_lead.get(reverse("quality:accreditations", args=[world.lmns.pk])).content.decode()
    assert "UNICEF UK Baby Friendly Initiative" in html
    assert "Medway Community Healthcare (community interest company)" in html
    assert html.count("Achieved, date not stated") == 5 + 1  # and once in the caption
    assert "Achieved June 2019" in html
    assert "Assessment due March 2020" in html
    assert "Full accreditation; lasts 2 years (seed 003)." in html


def test_the_accreditations_page_costs_the_same_with_many_providers(world, as_team):
    url = reverse("quality:accreditations", args=[world.lmns.pk])
    counts = []
    for n in (1, 20):
        for _ in range(n):
            accreditation = AccreditationFactory(trust=TrustFactory(lmns=world.lmns))
            AccreditationStepFactory(accreditation=accreditation)
        with CaptureQueriesContext(connection) as queries:
            assert as_team.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 11  # measured: 11 on SQLite


def test_the_demo_loads_seed_003_ambitions_and_baby_friendly_table():
    from lmns import demo as core_demo
    from lmns.models import Lmns

    core_demo.load()
    demo.load()
    demo.load()  # idempotent
    km = Lmns.objects.get(short_name="KMLMNS")
    assert km.quality_ambitions.count() == 3
    stillbirth = km.quality_ambitions.get(measure__code="STILLBIRTH")
    assert stillbirth.baseline_illustrative and stillbirth.baseline_value == Decimal("5.1")
    preterm = km.quality_ambitions.get(measure__code="PRETERM")
    assert (preterm.baseline_value, preterm.baseline_illustrative) == (8, False)
    rows = {
        a.short_name: {s.stage.order: s.text for s in a.steps.all()}
        for a in km.accreditations.select_related("trust")
    }
    assert rows == {
        "EKHUFT": {1: "Achieved, date not stated", 2: "Achieved, date not stated"},
        "MTW": {1: "Achieved, date not stated", 2: "Achieved, date not stated"},
        "MFT": {
            1: "Achieved, date not stated",
            2: "Achieved, date not stated",
            3: "Achieved, date not stated",
            4: "Achieved December 2019",
        },
        "DGT": {
            1: "Achieved, date not stated",
            2: "Achieved, date not stated",
            3: "Achieved, date not stated",
            4: "Achieved, date not stated",
            5: "Assessment due October 2019",
        },
        "KCHFT": {
            1: "Achieved, date not stated",
            2: "Achieved, date not stated",
            3: "Achieved, date not stated",
            4: "Assessment due March 2020",
        },
        "MCH": {
            1: "Achieved, date not stated",
            2: "Achieved, date not stated",
            3: "Achieved, date not stated",
            4: "Achieved, date not stated",
            5: "Achieved June 2019",
        },
    }
    # DVH is DGT's hospital, not a second trust; MCH and KCHFT are not trusts of the product.
    assert not km.trusts.filter(short_name__in=["DVH", "MCH", "KCHFT"]).exists()


def test_the_board_section_lists_targets_in_force_and_accreditation_stages(world):
    from lmns.models import ReportingPeriod
    from quality import board

    ambition = AmbitionFactory(
        lmns=world.lmns,
        measure=measure("PRETERM"),
        kind="national",
        metric="Reduce preterm births from 8% to 6% by 2025",
        baseline_value=Decimal("8"),
        source="Seed 003",
    )
    AmbitionTargetFactory(ambition=ambition, due=datetime.date(2099, 12, 31), value=6)
    accreditation = AccreditationFactory(trust=world.trust)
    stages = {s.order: s for s in baby_friendly().stages.all()}
    AccreditationStepFactory(accreditation=accreditation, stage=stages[1])
    AccreditationStepFactory(accreditation=accreditation, stage=stages[2])
    AccreditationStepFactory(accreditation=accreditation, stage=stages[3], planned=True)
    period = ReportingPeriod.objects.create(start_year=2025, quarter=1)
    section = board.build_quality(world.lmns, period).to_json()
    tables = {
        t["key"]: [[read_cell(c) for c in row] for row in t["rows"]] for t in section["tables"]
    }
    assert tables["quality_targets"] == texts(
        [
            [
                "Reduce preterm births from 8% to 6% by 2025",
                "NottsLMNS",
                "8% (year not stated)",
                "6% by December 2099",
                "Seed 003",
            ]
        ]
    )
    assert tables["quality_accreditations"] == texts(
        [
            [
                "UNICEF UK Baby Friendly Initiative",
                "NUH",
                "Stage 1: Achieved, date not stated",
                "Stage 2: Assessment due March 2020",
            ]
        ]
    )
