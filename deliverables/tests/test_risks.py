"""The risk register: raising, re-scoring with movement, mitigations, and who may do what."""

import datetime

import pytest
from django.urls import reverse

from deliverables.models import Risk, RiskScore
from lmns.models import RagStatus

from .factories import (
    DeliverableFactory,
    MitigationFactory,
    PlanFactory,
    RiskFactory,
    RiskScoreFactory,
)

RISK_FORM = {
    "title": "Finance",
    "description": "The financial implications of the plans are not yet fully detailed.",
    "cause": "",
    "consequence": "An incomplete financial case for change.",
    "owner_name": "LMS SRO",
    "likelihood": "4",
    "impact": "5",
    "review_date": "2030-03-31",
    "status": "open",
}


def test_programme_team_raises_a_risk_linked_to_a_deliverable(world):
    deliverable = DeliverableFactory(plan=PlanFactory(lmns=world.lmns), title="Continuity of carer")
    client = world.client_for("team")
    response = client.post(
        reverse("deliverables:risk_create", args=[world.lmns.pk]),
        {**RISK_FORM, "deliverables": [deliverable.pk]},
    )
    risk = Risk.objects.get()
    assert response.status_code == 302 and response.url == risk.get_absolute_url()
    assert risk.lmns == world.lmns and risk.score == 20
    assert list(risk.deliverables.all()) == [deliverable]
    assert risk.scores.get().score == 20
    page = client.get(risk.get_absolute_url()).content.decode()
    assert "Extreme" in page and "Continuity of carer" in page and "New" in page


def test_a_risk_form_with_a_score_out_of_range_keeps_input(world):
    response = world.client_for("team").post(
        reverse("deliverables:risk_create", args=[world.lmns.pk]),
        {**RISK_FORM, "likelihood": "6"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "less than or equal to 5" in html
    assert "An incomplete financial case for change." in html
    assert not Risk.objects.exists()


def test_a_risk_cannot_link_another_lmns_deliverable(world):
    foreign = DeliverableFactory(plan=PlanFactory(lmns=world.other_lmns))
    response = world.client_for("team").post(
        reverse("deliverables:risk_create", args=[world.lmns.pk]),
        {**RISK_FORM, "deliverables": [foreign.pk]},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_rescoring_keeps_history_and_shows_movement_on_the_register(world):
    risk = RiskFactory(lmns=world.lmns, title="Programme management", likelihood=4, impact=4)
    RiskScoreFactory(risk=risk, scored_on=datetime.date(2022, 1, 1))
    client = world.client_for("team")
    response = client.post(
        reverse("deliverables:risk_rescore", args=[risk.pk]),
        {"likelihood": "3", "impact": "4", "note": "Succession plans confirmed.", "version": "1"},
    )
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.score == 12 and risk.version == 2
    assert [s.score for s in risk.scores.order_by("scored_on", "pk")] == [16, 12]
    register = client.get(reverse("deliverables:risk_register", args=[world.lmns.pk]))
    html = register.content.decode()
    assert "Down from 16 (▼ 4)" in html
    assert "High" in html


def test_a_stale_rescore_is_refused_and_the_input_kept(world):
    risk = RiskFactory(lmns=world.lmns)
    Risk.objects.filter(pk=risk.pk).update(version=3)
    response = world.client_for("team").post(
        reverse("deliverables:risk_rescore", args=[risk.pk]),
        {"likelihood": "5", "impact": "5", "note": "Worse.", "version": "1"},
    )
    assert response.status_code == 200
    assert "Someone else saved this" in response.content.decode()
    assert not RiskScore.objects.filter(risk=risk).exists()


def test_editing_a_risk_cannot_change_its_score(world):
    risk = RiskFactory(lmns=world.lmns, likelihood=2, impact=2)
    response = world.client_for("team").post(
        reverse("deliverables:risk_edit", args=[risk.pk]),
        {**RISK_FORM, "likelihood": "5", "impact": "5", "version": "1"},
    )
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.title == "Finance" and risk.score == 4


def test_overdue_review_is_shown_in_words(world):
    RiskFactory(lmns=world.lmns, review_date=datetime.date(2020, 1, 1))
    html = (
        world.client_for("board")
        .get(reverse("deliverables:risk_register", args=[world.lmns.pk]))
        .content.decode()
    )
    assert "Review overdue" in html
    assert "Add a risk" not in html


def test_mitigations_are_added_and_changed_by_the_programme_team(world):
    risk = RiskFactory(lmns=world.lmns)
    client = world.client_for("team")
    response = client.post(
        reverse("deliverables:mitigation_create", args=[risk.pk]),
        {"action": "Pilot schemes", "owner_name": "Head of Midwifery", "status": "on_track"},
    )
    assert response.status_code == 302
    mitigation = risk.mitigations.get()
    response = client.post(
        reverse("deliverables:mitigation_edit", args=[mitigation.pk]),
        {"action": "Pilot schemes", "owner_name": "Head of Midwifery", "status": "complete"},
    )
    mitigation.refresh_from_db()
    assert mitigation.status == RagStatus.COMPLETE
    page = client.get(risk.get_absolute_url()).content.decode()
    assert "Pilot schemes" in page and "Complete" in page


@pytest.mark.parametrize("persona", ["board", "lead"])
def test_readers_cannot_change_risks(world, persona):
    mitigation = MitigationFactory(risk__lmns=world.lmns)
    client = world.client_for(persona)
    response = client.post(
        reverse("deliverables:risk_rescore", args=[mitigation.risk.pk]),
        {"likelihood": "1", "impact": "1", "version": "1"},
    )
    assert response.status_code == 403
    assert (
        client.post(
            reverse("deliverables:mitigation_edit", args=[mitigation.pk]),
            {"action": "x", "owner_name": "y", "status": "complete"},
        ).status_code
        == 403
    )
    assert not RiskScore.objects.exists()


def test_register_queries_do_not_grow_with_risks(world, django_assert_max_num_queries):
    for n in range(30):
        risk = RiskFactory(lmns=world.lmns, title=f"Risk {n}")
        RiskScoreFactory(risk=risk, scored_on=datetime.date(2022, 1, 1))
        RiskScoreFactory(risk=risk, scored_on=datetime.date(2022, 4, 1), likelihood=1)
        MitigationFactory(risk=risk)
    client = world.client_for("board")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("deliverables:risk_register", args=[world.lmns.pk]))
    assert len(response.context["rows"]) == 30
