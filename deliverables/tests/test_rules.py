"""The rules: risk rating matrix, the At risk / Off track rule, overdue, database constraints."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from deliverables.models import RiskRating, risk_rating
from deliverables.services import check_update_rule
from lmns.models import RagStatus

from .factories import DeliverableFactory, DeliverableUpdateFactory, RiskFactory


@pytest.mark.parametrize(
    ("score", "rating"),
    [
        (1, RiskRating.LOW),
        (2, RiskRating.LOW),
        (3, RiskRating.LOW),
        (4, RiskRating.MODERATE),
        (5, RiskRating.MODERATE),
        (6, RiskRating.MODERATE),
        (8, RiskRating.HIGH),
        (9, RiskRating.HIGH),
        (10, RiskRating.HIGH),
        (12, RiskRating.HIGH),
        (15, RiskRating.EXTREME),
        (16, RiskRating.EXTREME),
        (20, RiskRating.EXTREME),
        (25, RiskRating.EXTREME),
    ],
)
def test_nhs_five_by_five_matrix(score, rating):
    assert risk_rating(score) == rating


@pytest.mark.parametrize("score", [0, 26, -3])
def test_scores_outside_the_matrix_are_refused(score):
    with pytest.raises(ValueError, match="from 1 to 25"):
        risk_rating(score)


def test_every_product_of_likelihood_and_impact_has_a_rating():
    ratings = {risk_rating(li * im) for li in range(1, 6) for im in range(1, 6)}
    assert ratings == set(RiskRating)


@pytest.mark.parametrize("status", [RagStatus.AT_RISK, RagStatus.OFF_TRACK])
def test_at_risk_and_off_track_need_narrative_and_recovery(status):
    errors = check_update_rule(status, "", "", None)
    assert set(errors) == {"narrative", "recovery_action", "recovery_date"}
    assert "needs a recovery action" in errors["recovery_action"]
    assert not check_update_rule(status, "Late", "Escalate", datetime.date(2023, 1, 1))


@pytest.mark.parametrize("status", [RagStatus.NOT_STARTED, RagStatus.ON_TRACK, RagStatus.COMPLETE])
def test_other_statuses_need_nothing_more(status):
    assert check_update_rule(status, "", "", None) == {}


def test_the_database_refuses_an_at_risk_update_without_recovery(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        DeliverableUpdateFactory(status=RagStatus.OFF_TRACK, recovery_action="")


@pytest.mark.parametrize(("likelihood", "impact"), [(0, 3), (6, 3), (3, 0), (3, 6)])
def test_the_database_refuses_scores_outside_one_to_five(db, likelihood, impact):
    with pytest.raises(IntegrityError), transaction.atomic():
        RiskFactory(likelihood=likelihood, impact=impact)


def test_overdue_is_past_due_and_not_complete(db):
    today = datetime.date(2023, 1, 10)
    late = DeliverableFactory(due_date=datetime.date(2023, 1, 9), status=RagStatus.ON_TRACK)
    done = DeliverableFactory(due_date=datetime.date(2023, 1, 9), status=RagStatus.COMPLETE)
    due_today = DeliverableFactory(due_date=today, status=RagStatus.AT_RISK)
    undated = DeliverableFactory(due_date=None)
    assert late.is_overdue(today)
    assert not done.is_overdue(today)
    assert not due_today.is_overdue(today)
    assert not undated.is_overdue(today)
    from deliverables.models import Deliverable

    flagged = {d.pk for d in Deliverable.objects.with_overdue(today) if d.overdue}
    assert flagged == {late.pk}
