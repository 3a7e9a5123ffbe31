"""The dashboard's reads: agreed figures only, change since last quarter, highlights, awaiting."""

from decimal import Decimal

import pytest

from assurance.models import ReturnStatus
from assurance.selectors import dashboard as selectors
from assurance.tests.factories import ockenden_interim, rated_return
from lmns.tests.factories import ReportingPeriodFactory


@pytest.fixture
def framework(db):
    return ockenden_interim()


def _row(grid, trust):
    return next(row for row in grid.rows if row.trust == trust)


def _cell(row, code):
    return next(cell for cell in row.cells if cell.section.code == code)


def test_grid_shows_agreed_figures_and_the_change_since_last_quarter(world, framework):
    rated_return(world.trust, world.previous_period, {"IEA3": 53, "IEA7": 54, "WF": 80})
    rated_return(world.trust, world.period, {"IEA3": 65, "IEA7": 50, "WF": 80, "IEA1": 100})

    grid = selectors.compliance_grid(world.lmns, framework, world.period)

    assert grid.previous_period == world.previous_period
    row = _row(grid, world.trust)
    iea3, iea7, wf, iea1 = (_cell(row, c) for c in ["IEA3", "IEA7", "WF", "IEA1"])
    assert (iea3.percent, iea3.change, iea3.change_text) == (Decimal(65), Decimal(12), "▲ 12")
    assert (iea7.change, iea7.change_text) == (Decimal(-4), "▼ 4")
    assert (wf.change_text, wf.changed) == ("no change", False)
    assert iea3.changed and iea7.changed
    assert (iea1.is_new, iea1.change_text, iea1.changed) == (True, "new", False)
    assert row.changed_count == 2


def test_agreed_figure_wins_over_the_derived_one(world, framework):
    quarterly_return = rated_return(world.trust, world.period, {"IEA2": 90})
    quarterly_return.section_ratings.update(agreed_percent=Decimal("80"))

    grid = selectors.compliance_grid(world.lmns, framework, world.period)

    assert _cell(_row(grid, world.trust), "IEA2").percent == Decimal("80")


def test_a_return_not_yet_assured_shows_its_state_and_no_figures(world, framework):
    rated_return(world.trust, world.period, {"IEA1": 70}, status=ReturnStatus.SUBMITTED)

    grid = selectors.compliance_grid(world.lmns, framework, world.period)

    row = _row(grid, world.trust)
    assert not row.assured
    assert row.awaiting_text == "awaiting assurance: Submitted"
    assert all(cell.percent is None for cell in row.cells)
    sibling = _row(grid, world.sibling_trust)
    assert sibling.awaiting_text == "no return yet"
    assert grid.provisional


def test_last_quarters_unassured_figure_does_not_count_as_previous(world, framework):
    rated_return(world.trust, world.previous_period, {"IEA1": 40}, status=ReturnStatus.DRAFT)
    rated_return(world.trust, world.period, {"IEA1": 70})

    cell = _cell(
        _row(selectors.compliance_grid(world.lmns, framework, world.period), world.trust), "IEA1"
    )

    assert cell.previous is None and cell.change_text == "new"


def test_grid_leaves_out_other_lmnss_trusts(world, framework):
    rated_return(world.other_trust, world.period, {"IEA1": 10})

    grid = selectors.compliance_grid(world.lmns, framework, world.period)

    assert {row.trust for row in grid.rows} == {world.trust, world.sibling_trust}


def test_the_previous_quarter_crosses_the_financial_year(world):
    assert selectors.previous_period(world.period) == world.previous_period
    q2 = ReportingPeriodFactory(start_year=2022, quarter=2)
    assert selectors.previous_period(q2) == world.period


@pytest.mark.parametrize(
    "percent, band",
    [
        ("100", "high"),
        ("95", "high"),
        ("94.5", "high"),
        ("94.4", "medium"),
        ("75", "medium"),
        ("74.4", "low"),
        ("0", "low"),
    ],
)
def test_bands_follow_the_whole_per_cent_shown(percent, band):
    assert selectors.band_for(Decimal(percent)) == band


def test_a_small_change_keeps_its_decimal_rather_than_saying_no_change():
    assert selectors.change_text(Decimal("0.3")) == "▲ 0.3"
    assert selectors.change_text(Decimal("-0.2")) == "▼ 0.2"
    assert selectors.change_text(Decimal("0")) == "no change"


def test_default_period_is_the_latest_with_agreed_figures(world, framework):
    later = ReportingPeriodFactory(start_year=2022, quarter=2)
    rated_return(world.trust, world.period, {"IEA1": 90})
    rated_return(world.trust, later, {}, status=ReturnStatus.DRAFT)

    assert selectors.default_period(world.lmns, framework) == world.period


def test_default_period_without_agreed_figures_is_the_latest_with_a_return(world, framework):
    later = ReportingPeriodFactory(start_year=2022, quarter=2, is_open=False)
    rated_return(world.trust, later, {}, status=ReturnStatus.DRAFT)

    assert selectors.default_period(world.lmns, framework) == later


def test_returns_status_lists_every_trust_and_framework(world, framework):
    rated_return(world.trust, world.period, {}, status=ReturnStatus.UNDER_REVIEW)
    frameworks = selectors.active_frameworks()

    result = selectors.returns_status(world.lmns, world.period, frameworks)

    assert [item.trust for item in result] == [world.trust, world.sibling_trust]
    nuh = {state.framework.short_name: state for state in result[0].states}
    assert nuh["Ockenden interim"].status_label == "Under review"
    assert nuh["Ockenden interim"].submitted and nuh["Ockenden interim"].last_change
    assert nuh["Ockenden final"].status_label == "Not started"
    assert not nuh["Ockenden final"].submitted
    assert len(result[1].states) == len(frameworks)


def test_trend_covers_eight_quarters_with_gaps(world, framework):
    periods = [
        ReportingPeriodFactory(start_year=y, quarter=q) for y in (2020, 2021) for q in (1, 2, 3, 4)
    ]
    for period, figure in zip(periods[3:], [40, 48, 53, 60, 65], strict=True):
        rated_return(world.trust, period, {"IEA3": figure})
    rated_return(world.trust, world.period, {"IEA3": 70}, status=ReturnStatus.SUBMITTED)

    shown, trends = selectors.trust_trend(world.trust, framework, world.period)

    assert len(shown) == 8 and shown[-1] == world.period and shown[0] == periods[1]
    iea3 = next(t for t in trends if t.section.code == "IEA3")
    values = [v for _, v in iea3.points]
    assert values == [
        None,
        None,
        Decimal(40),
        Decimal(48),
        Decimal(53),
        Decimal(60),
        Decimal(65),
        None,
    ]
    assert len(trends) == 8


def test_mean_compliance_is_computed_per_trust_and_quarter(world, framework):
    rated_return(world.trust, world.period, {"IEA1": 100, "IEA2": 65, "IEA3": 57})
    means = selectors.mean_compliance_by_trust(world.lmns, framework, [world.period])
    assert means == {(world.trust.pk, world.period.pk): Decimal("74.0")}


def test_a_new_framework_version_still_lines_up_with_last_quarter(world, framework):
    from assurance.models import Framework, Section

    new_version = Framework.objects.create(
        name=framework.name, short_name=framework.short_name, version="2099"
    )
    Section.objects.create(framework=new_version, code="IEA3", title="Staff training", order=3)
    rated_return(world.trust, world.previous_period, {"IEA3": 50})
    rated_return(world.trust, world.period, {"IEA3": 60}, framework=new_version)

    grid = selectors.compliance_grid(world.lmns, new_version, world.period)

    assert _cell(_row(grid, world.trust), "IEA3").change == Decimal(10)


def test_last_change_is_the_latest_workflow_step(world, framework):
    import datetime

    from django.utils import timezone

    from assurance.models import Transition
    from assurance.tests.factories import TransitionFactory

    quarterly_return = rated_return(world.trust, world.period, {"IEA1": 90})
    step = TransitionFactory(quarterly_return=quarterly_return, assured=True)
    when = timezone.make_aware(datetime.datetime(2022, 8, 9, 10, 0))
    Transition.objects.filter(pk=step.pk).update(at=when)

    result = selectors.returns_status(world.lmns, world.period, [framework])

    assert result[0].states[0].last_change == when
