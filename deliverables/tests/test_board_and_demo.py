"""Board sections (counts, exceptions, messages, fixed queries) and the demo data."""

import datetime
import json

import pytest
from django.core.management import call_command

from deliverables import board
from deliverables.board import SECTIONS
from deliverables.models import Deliverable, DeliverableUpdate, Risk
from lmns.board import Section, date, read_cell, text
from lmns.models import Lmns, RagStatus, ReportingPeriod
from quality.models import AmbitionActual

from .factories import (
    DeliverableFactory,
    DeliverableUpdateFactory,
    MitigationFactory,
    PlanFactory,
    RiskFactory,
    RiskScoreFactory,
)


def _json(section: Section) -> dict:
    """The section as the pack's snapshot holds it."""
    assert isinstance(section, Section)
    return section.to_json()


def build_deliverables(lmns, period) -> dict:
    return _json(board.build_deliverables(lmns, period))


def build_risks(lmns, period) -> dict:
    return _json(board.build_risks(lmns, period))


RECOVERY = {"recovery_action": "Recover", "recovery_date": datetime.date(2023, 1, 31)}


def _deliverable(plan, status, period, due=None, narrative="Progress"):
    d = DeliverableFactory(plan=plan, due_date=due)
    extra = RECOVERY if status in (RagStatus.AT_RISK, RagStatus.OFF_TRACK) else {}
    u = DeliverableUpdateFactory(
        deliverable=d, status=status, period=period, narrative=narrative, **extra
    )
    Deliverable.objects.filter(pk=d.pk).update(status=status, latest_update=u)
    return d


def test_deliverables_section_counts_exceptions_and_messages(world):
    plan = PlanFactory(lmns=world.lmns)
    period = world.period
    _deliverable(plan, RagStatus.OFF_TRACK, period, narrative="Board approval slipped")
    _deliverable(plan, RagStatus.OFF_TRACK, period)
    _deliverable(plan, RagStatus.AT_RISK, period)
    _deliverable(plan, RagStatus.ON_TRACK, period, due=datetime.date(2022, 5, 1))
    _deliverable(plan, RagStatus.COMPLETE, period, due=datetime.date(2022, 5, 1))
    DeliverableFactory(plan=plan)
    PlanFactory(
        lmns=world.lmns,
        period_start=datetime.date(2019, 4, 1),
        period_end=datetime.date(2020, 3, 31),
    )
    section = build_deliverables(world.lmns, period)
    json.dumps(section)
    counts = {c["status"]: c["count"] for c in section["counts"]}
    assert counts == {"not_started": 1, "on_track": 1, "at_risk": 1, "off_track": 2, "complete": 1}
    texts = [m["text"] for m in section["messages"]]
    assert texts == ["2 deliverables off track", "1 deliverable overdue", "1 deliverable at risk"]
    assert len(section["exceptions"]) == 4
    assert "Board approval slipped" in [e["narrative"] for e in section["exceptions"]]
    assert any(e["overdue"] and e["status"] == "on_track" for e in section["exceptions"])
    row = [read_cell(c) for c in section["tables"][1]["rows"][0]]
    assert row[5:] == [text("Recover"), date(datetime.date(2023, 1, 31))]
    assert "31 Jan 2023" in [e["recovery_date"] for e in section["exceptions"]]


def test_deliverables_section_reads_the_status_as_it_was_in_that_quarter(world):
    plan = PlanFactory(lmns=world.lmns, period_start=datetime.date(2021, 4, 1))
    d = _deliverable(plan, RagStatus.OFF_TRACK, world.previous_period)
    DeliverableUpdateFactory(deliverable=d, status=RagStatus.COMPLETE, period=world.period)
    old = build_deliverables(world.lmns, world.previous_period)
    assert {c["status"]: c["count"] for c in old["counts"]}["off_track"] == 1
    new = build_deliverables(world.lmns, world.period)
    assert {c["status"]: c["count"] for c in new["counts"]}["complete"] == 1


def test_deliverables_section_has_fixed_queries(world, django_assert_max_num_queries):
    plan = PlanFactory(lmns=world.lmns)
    for n in range(40):
        _deliverable(plan, list(RagStatus)[n % 5], world.period, due=datetime.date(2022, 5, 1))
    with django_assert_max_num_queries(3):
        section = build_deliverables(world.lmns, world.period)
    assert section["total"] == 40


def test_risks_section_top_risks_movement_and_message(world):
    finance = RiskFactory(lmns=world.lmns, title="Finance", likelihood=4, impact=5)
    RiskScoreFactory(risk=finance, likelihood=3, impact=5, scored_on=datetime.date(2022, 1, 10))
    RiskScoreFactory(risk=finance, likelihood=4, impact=5, scored_on=datetime.date(2022, 5, 1))
    MitigationFactory(risk=finance, action="Finance Sub-group")
    RiskFactory(lmns=world.lmns, title="Low one", likelihood=1, impact=2)
    RiskFactory(lmns=world.other_lmns, title="Elsewhere", likelihood=5, impact=5)
    section = build_risks(world.lmns, world.period)
    json.dumps(section)
    assert [r["title"] for r in section["risks"]] == ["Finance", "Low one"]
    top = section["risks"][0]
    assert top["rating"] == "Extreme" and top["movement"] == "Up from 15 (▲ 5)"
    assert top["mitigations"][0]["action"] == "Finance Sub-group"
    assert section["messages"] == [{"text": "Finance risk rated extreme (20)", "priority": 75}]


def test_risks_section_has_fixed_queries(world, django_assert_max_num_queries):
    for n in range(12):
        risk = RiskFactory(lmns=world.lmns, title=f"Risk {n}")
        RiskScoreFactory(risk=risk)
        MitigationFactory(risk=risk)
    with django_assert_max_num_queries(3):
        section = build_risks(world.lmns, world.period)
    assert len(section["risks"]) == 5


def test_sections_follow_the_contract():
    assert [(s.key, s.title, s.order) for s in SECTIONS] == [
        ("deliverables", "Deliverables", 30),
        ("risks", "Risks", 50),
    ]


@pytest.mark.django_db
def test_demo_loads_the_seeds_and_is_idempotent(settings):
    settings.DEBUG = True
    call_command("load_demo")
    counts = (
        Deliverable.objects.count(),
        DeliverableUpdate.objects.count(),
        Risk.objects.count(),
        AmbitionActual.objects.count(),
    )
    call_command("load_demo")
    assert counts == (
        Deliverable.objects.count(),
        DeliverableUpdate.objects.count(),
        Risk.objects.count(),
        AmbitionActual.objects.count(),
    )
    nw = Lmns.objects.get(short_name="NWLMNS")
    plan = nw.plans.get(title="2022/23 planning deliverables")
    assert plan.deliverables.get(number=8).status == RagStatus.COMPLETE
    september = ReportingPeriod.objects.get(start_year=2022, quarter=2)
    assert plan.deliverables.get(number=5, part="b").updates.get(period=september).status == (
        RagStatus.ON_TRACK
    )
    assert (
        plan.deliverables.filter(status__in=[RagStatus.AT_RISK, RagStatus.OFF_TRACK]).count() >= 3
    )
    blmk = Lmns.objects.get(short_name="BLMKLMNS")
    assert set(blmk.risks.values_list("title", flat=True)) == {
        "Continuity of carer",
        "Finance",
        "Programme management",
    }
    assert blmk.risks.get(title="Finance").score == 20
    km = Deliverable.objects.get(plan__lmns__short_name="KMLMNS")
    assert [t.value for t in km.ambition.targets.all()] == [35, 51, 75]


def test_section_templates_render_from_the_dict_alone(world, django_assert_num_queries):
    from django.template.loader import render_to_string

    plan = PlanFactory(lmns=world.lmns)
    _deliverable(plan, RagStatus.OFF_TRACK, world.period, narrative="Board approval slipped")
    risk = RiskFactory(lmns=world.lmns, title="Finance", likelihood=4, impact=5)
    MitigationFactory(risk=risk, action="Finance Sub-group")
    sections = {
        "deliverables": json.loads(json.dumps(build_deliverables(world.lmns, world.period))),
        "risks": json.loads(json.dumps(build_risks(world.lmns, world.period))),
    }
    with django_assert_num_queries(0):
        html = {s.key: render_to_string(s.template, {"section": sections[s.key]}) for s in SECTIONS}
    assert "Board approval slipped" in html["deliverables"] and "Off track" in html["deliverables"]
    assert "Finance Sub-group" in html["risks"] and "Extreme" in html["risks"]


@pytest.mark.django_db
def test_norfolk_and_waveney_see_james_pagets_plan_with_its_sros_and_governance_route(
    settings, client, django_assert_max_num_queries
):
    from django.contrib.auth import get_user_model

    settings.DEBUG = True
    call_command("load_demo")
    call_command("load_demo")  # idempotent
    plan = Deliverable.objects.filter(plan__trust__ods_code="RGP").first().plan
    assert plan.deliverables.count() == 22
    assert plan.governance.count() == 4
    users = get_user_model().objects
    client.force_login(users.get(username="nw-board"))
    # The plan page's 17 (measured): a trust plan's KPIs add the trust's figures, rebases and
    # targets in three queries whatever the number of KPIs.
    with django_assert_max_num_queries(17):
        html = client.get(plan.get_absolute_url()).content.decode()
    assert "Improvement Plan – Maternity Services" in html
    for sro in (
        "Chief Medical Officer",
        "Director of People and Culture",
        "Chief Nurse",
        "Chief Operating Officer",
    ):
        assert sro in html
    assert "Safe and Effective Service Provision" in html
    assert "Escalates to the Executive Maternity Improvement Group." in html
    assert "Escalates to the Patient Safety and Quality Committee." in html
    assert "Escalates to the Board of Directors." in html
    assert "Reviews progress: not stated in the plan." in html
    assert "Booked before 10 weeks" in html and "illustrative" in html
    item = plan.deliverables.get(title="Postnatal Care")
    page = client.get(item.get_absolute_url()).content.decode()
    assert "What it means for families" in page
    assert "within 14 hours" in page
    # A trust's own plan: other trusts' leads do not see it.
    client.force_login(users.get(username="nnuh-lead"))
    assert client.get(plan.get_absolute_url()).status_code == 404
    client.force_login(users.get(username="jpuh-lead"))
    assert client.get(plan.get_absolute_url()).status_code == 200
