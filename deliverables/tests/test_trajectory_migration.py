"""The migration that turns each deliverable's trajectory into a quality ambition keeps every
target (date, value, qualifier, population), every actual (period, value, note, who recorded it)
and the deliverable it belongs to, so the plan page shows it where it was.

Run on the real test database: deliverables is migrated back to before the move, Kent and
Medway's continuity of carer trajectory is stored the old way, and migrating forward must
carry all of it across.
"""

import datetime
from decimal import Decimal

import pytest

from lmns.models import quarter_dates
from tests.migrating import migrate_app_to, migrate_to_latest

BEFORE = ("deliverables", "0005_plan_kpis_governance_ambitions")
MOVE = ("deliverables", "0006_trajectories_become_ambitions")


def _old_world(old):
    region = old.get_model("lmns", "Region").objects.create(name="South East")
    lmns = old.get_model("lmns", "Lmns").objects.create(
        name="Kent and Medway LMNS", short_name="KMLMNS", icb="Kent and Medway ICB", region=region
    )
    plan = old.get_model("deliverables", "Plan").objects.create(
        lmns=lmns,
        title="LMS Transformation Plan 2019/20–2023/24",
        period_start=datetime.date(2019, 4, 1),
        period_end=datetime.date(2024, 3, 31),
    )
    deliverable = old.get_model("deliverables", "Deliverable").objects.create(
        plan=plan, number=1, title="Enhanced and targeted continuity of carer"
    )
    user = old.get_model("auth", "User").objects.create(username="km-team")
    Period = old.get_model("lmns", "ReportingPeriod")
    periods = []
    for year, quarter in [(2019, 4), (2020, 2), (2020, 4), (2021, 2)]:
        start, end = quarter_dates(year, quarter)
        periods.append(
            Period.objects.get_or_create(
                start_year=year,
                quarter=quarter,
                defaults={"start_date": start, "end_date": end, "submission_deadline": end},
            )[0]
        )
    trajectory = old.get_model("deliverables", "Trajectory").objects.create(
        deliverable=deliverable,
        metric="Women receiving continuity of carer",
        unit="%",
        data_source="Trust data",
    )
    Target = old.get_model("deliverables", "TrajectoryTarget")
    Target.objects.create(trajectory=trajectory, due=datetime.date(2020, 3, 31), value=35)
    Target.objects.create(
        trajectory=trajectory, due=datetime.date(2021, 3, 31), value=51, qualifier=">"
    )
    Target.objects.create(
        trajectory=trajectory,
        due=datetime.date(2024, 3, 31),
        value=75,
        population="Black, Asian and mixed ethnicity women",
    )
    Actual = old.get_model("deliverables", "TrajectoryActual")
    for period, value in zip(periods, [18, 24, 31, Decimal("29.5")], strict=True):
        Actual.objects.create(
            trajectory=trajectory, period=period, value=value, note="Illustrative figure",
            recorded_by=user,
        )  # fmt: skip
    # A trajectory whose metric names a measure of the library is linked to it.
    named = old.get_model("deliverables", "Deliverable").objects.create(
        plan=plan, number=2, title="Smoke-free pregnancy"
    )
    old.get_model("deliverables", "Trajectory").objects.create(
        deliverable=named, metric="Smoking at time of delivery", unit="%"
    )
    return deliverable, named, periods, user


# Serialised rollback: the data that migrations ship comes back for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_continuity_of_carer_trajectory_keeps_every_target_population_and_actual():
    try:
        old = migrate_app_to(BEFORE)
        deliverable, named, periods, user = _old_world(old)

        new = migrate_app_to(MOVE)

        moved = new.get_model("deliverables", "Deliverable").objects.get(pk=deliverable.pk)
        ambition = new.get_model("quality", "Ambition").objects.get(pk=moved.ambition_id)
        assert (ambition.metric, ambition.unit, ambition.data_source, ambition.kind) == (
            "Women receiving continuity of carer",
            "%",
            "Trust data",
            "plan",
        )
        assert ambition.lmns_id == deliverable.plan.lmns_id and ambition.trust_id is None
        assert ambition.source == "LMS Transformation Plan 2019/20–2023/24"
        assert ambition.in_force_until == datetime.date(2024, 3, 31)
        assert ambition.measure_id is None  # no measure of the library is named
        targets = [
            (t.due, t.value, t.qualifier, t.population)
            for t in ambition.targets.order_by("due", "pk")
        ]
        assert targets == [
            (datetime.date(2020, 3, 31), 35, "", ""),
            (datetime.date(2021, 3, 31), 51, ">", ""),
            (datetime.date(2024, 3, 31), 75, "", "Black, Asian and mixed ethnicity women"),
        ]
        actuals = [
            (a.period_id, a.value, a.note, a.recorded_by_id)
            for a in ambition.actuals.order_by("period__start_date")
        ]
        assert actuals == [
            (p.pk, v, "Illustrative figure", user.pk)
            for p, v in zip(periods, [18, 24, 31, Decimal("29.5")], strict=True)
        ]
        linked = new.get_model("deliverables", "Deliverable").objects.get(pk=named.pk)
        smoking = new.get_model("quality", "Ambition").objects.get(pk=linked.ambition_id)
        assert smoking.measure.code == "SMOKE-DELIVERY"
    finally:
        migrate_to_latest()


@pytest.mark.django_db
def test_the_plan_page_shows_the_targets_where_the_trajectory_was(world):
    from deliverables.tests.factories import DeliverableFactory, PlanFactory, with_trajectory
    from quality.tests.factories import AmbitionActualFactory, AmbitionTargetFactory

    plan = PlanFactory(lmns=world.lmns, title="LMS Transformation Plan 2019/20–2023/24")
    deliverable = DeliverableFactory(plan=plan, title="Enhanced and targeted continuity of carer")
    ambition = with_trajectory(deliverable, metric="Women receiving continuity of carer")
    AmbitionTargetFactory(ambition=ambition, due=datetime.date(2020, 3, 31), value=35)
    AmbitionTargetFactory(
        ambition=ambition, due=datetime.date(2021, 3, 31), value=51, qualifier=">"
    )
    AmbitionTargetFactory(
        ambition=ambition,
        due=datetime.date(2024, 3, 31),
        value=75,
        population="Black, Asian and mixed ethnicity women",
    )
    AmbitionActualFactory(ambition=ambition, period=world.previous_period, value=29)
    html = world.client_for("board").get(plan.get_absolute_url()).content.decode()
    assert "Women receiving continuity of carer" in html
    assert "35% by March 2020" in html
    assert "&gt;51% by March 2021" in html
    assert "75% by March 2024 for Black, Asian and mixed ethnicity women" in html
