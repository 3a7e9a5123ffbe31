"""The SPC module against worked examples with known answers.

Where an example comes from NHS-R's NHSRplotthedots (the reference implementation of NHS
England's "Making Data Count"), its source is named: the package's repository
nhs-r-community/NHSRplotthedots, file and commit. Figures of the integration snapshots were read
from the serialised data frames stored in ``tests/testthat/_snaps/integration_tests.md``
(commit 0c096d8): the input series (the NHSRdatasets ``ae_attendances`` data summed over every
organisation per month, April 2016 to March 2019) and ``ptd_spc``'s output for it.
"""

import pytest

from quality.spc import (
    Assurance,
    Direction,
    Rule,
    Variation,
    limits_of,
    rolling_rate,
    run_ends,
    trend_ends,
    two_of_three,
    xmr,
)

# R: set.seed(123); rnorm(20). Source: tests/testthat/test-ptd_spc_standard.R and its snapshot
# tests/testthat/_snaps/ptd_spc_standard.md (commit ea2177d), which prints the values.
RNORM_123 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774,
    1.71506499, 0.46091621, -1.26506123, -0.68685285, -0.44566197,
    1.22408180, 0.35981383, 0.40077145, 0.11068272, -0.55584113,
    1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141,
]  # fmt: skip

# ae_all(): monthly A&E attendances in England, April 2016 to March 2019 (NHSRdatasets).
AE_ATTENDANCES = [
    1867781, 2070340, 1958802, 2079034, 1932901, 1952464, 2001816, 1907871, 1944567,
    1895272, 1735619, 2015834, 1949762, 2066789, 1994056, 2073944, 1924663, 1925961,
    2044137, 1976971, 2003954, 2000086, 1820012, 2049785, 1984369, 2164458, 2093942,
    2179896, 1997854, 2005695, 2079492, 2037847, 2047518, 2113413, 1954947, 2167550,
]  # fmt: skip

# ae_all(): performance = 1 - breaches / attendances, the same months.
AE_PERFORMANCE = [
    0.9003512724457525, 0.9027555860390081, 0.9055994429248081, 0.9028524786030435,
    0.909763097023593, 0.9064786853944554, 0.8905308979446662, 0.8837903610883545,
    0.8617594559611471, 0.851413411900772, 0.8753090395991286, 0.9000949482943537,
    0.9051525263083392, 0.8970035160821932, 0.9072518525056468, 0.9034785895858326,
    0.9029928875860346, 0.8966609396555797, 0.8994186788850258, 0.8876655246839736,
    0.8498503458662225, 0.8529918213516818, 0.8504476893558943, 0.8462121637147311,
    0.8857248828216929, 0.9039011151983545, 0.9076297242234981, 0.8931949047110505,
    0.8972702710007838, 0.8894368286304747, 0.8900933497219513, 0.8760446687116353,
    0.8644632183941728, 0.843525141560121, 0.8422525009629417, 0.8660427671795345,
]  # fmt: skip

EXACT = {"rel": 1e-12}


def test_limits_of_the_reference_random_series():
    """ptd_spc_standard snapshot r1: mean 0.1416238, limits −3.01138 and 3.294627."""
    limits = limits_of(RNORM_123)
    assert limits.mean == pytest.approx(0.1416238, abs=5e-8)
    assert limits.lower == pytest.approx(-3.01138, abs=5e-6)
    assert limits.upper == pytest.approx(3.294627, abs=5e-7)
    # Two sigma lies two thirds of the way from the mean to each limit.
    assert limits.upper_two_sigma - limits.mean == pytest.approx(
        (limits.upper - limits.mean) * 2 / 3
    )


def test_a_series_that_never_moves_has_its_mean_for_limits():
    """PMRT reviews started: 100% every month. Every moving range is 0, none is screened out."""
    limits = limits_of([100.0] * 24)
    assert (limits.lower, limits.mean, limits.upper) == (100.0, 100.0, 100.0)
    assert (limits.lower_two_sigma, limits.upper_two_sigma) == (100.0, 100.0)


def test_an_outlying_moving_range_is_screened_out_of_the_limits():
    """Snapshots r2 and r3: the 15th value set to 10, with and without screening outliers."""
    values = list(RNORM_123)
    values[14] = 10
    screened = limits_of(values)
    unscreened = limits_of(values, screen_outliers=False)
    assert screened.mean == unscreened.mean == pytest.approx(0.6694159, abs=5e-8)
    assert (screened.lower, screened.upper) == (
        pytest.approx(-2.383666, abs=5e-7),
        pytest.approx(3.722497, abs=5e-7),
    )
    assert (unscreened.lower, unscreened.upper) == (
        pytest.approx(-4.596625, abs=5e-7),
        pytest.approx(5.935457, abs=5e-7),
    )


def test_ae_attendances_match_the_reference():
    """test-integration_tests.R "ae_all attendances spc": limits, two-sigma points, no signal."""
    result = xmr(AE_ATTENDANCES, direction="higher")
    limits = result.latest_limits
    assert limits.mean == pytest.approx(2000538.9444444445, **EXACT)
    assert limits.lower == pytest.approx(1731844.3644444444, **EXACT)
    assert limits.upper == pytest.approx(2269233.5244444446, **EXACT)
    near = [
        p.index + 1
        for p in result.points
        if not (limits.lower <= p.value <= limits.upper)
        or not (limits.lower_two_sigma <= p.value <= limits.upper_two_sigma)
    ]
    assert near == [11, 23, 28]  # the reference's close_to_limits
    assert all(p.variation is Variation.COMMON_CAUSE for p in result.points)
    assert result.variation is Variation.COMMON_CAUSE


def test_ae_attendances_rebased_in_april_2017_match_the_reference():
    """ "ae_all attendances spc with rebase": new limits from April 2017 (the 13th month).

    The reference draws limits from 12 points; this product asks for 15, so the comparison
    lowers the minimum.
    """
    result = xmr(AE_ATTENDANCES, rebase_at=[12], minimum_points=12)
    first, second = result.points[0].limits, result.points[12].limits
    assert result.points[11].group == 0 and result.points[12].group == 1
    assert (first.mean, first.lower, first.upper) == (
        pytest.approx(1946858.4166666667, **EXACT),
        pytest.approx(1639947.374848485, **EXACT),
        pytest.approx(2253769.4584848485, **EXACT),
    )
    assert (second.mean, second.lower, second.upper) == (
        pytest.approx(2027379.2083333333, **EXACT),
        pytest.approx(1772921.0639855072, **EXACT),
        pytest.approx(2281837.3526811595, **EXACT),
    )
    assert not any(p.special for p in result.points)


def test_ae_performance_with_a_fixed_baseline_matches_the_reference_point_by_point():
    """ "ae_all performance spc" with fix_after_n_points = 12: every point's type."""
    result = xmr(AE_PERFORMANCE, direction="higher", fix_after_n_points=12)
    limits = result.latest_limits
    assert limits.mean == pytest.approx(0.8908915564349236, **EXACT)
    assert limits.lower == pytest.approx(0.8614049789074258, **EXACT)
    assert limits.upper == pytest.approx(0.9203781339624213, **EXACT)
    beyond = [p.index + 1 for p in result.points if p.rule is Rule.BEYOND_LIMITS]
    assert beyond == [10, 21, 22, 23, 24, 34, 35]
    concerning = [p.index + 1 for p in result.points if p.variation is Variation.CONCERNING]
    improving = [p.index + 1 for p in result.points if p.variation is Variation.IMPROVING]
    assert concerning == [10, 21, 22, 23, 24, 30, 31, 32, 33, 34, 35, 36]
    assert improving == [12, 13, 14, 15, 16, 17, 18, 19]
    # Month 9 lies beyond two sigma, its neighbour beyond the limit: not two of three.
    assert result.points[8].variation is Variation.COMMON_CAUSE
    assert result.variation is Variation.CONCERNING


# -- each rule and its edges (tests/testthat/test-ptd_calculate_point_type.R, commit 8aac323) --


def test_a_run_needs_seven_on_one_side():
    assert run_ends([1] * 6) == [0] * 6
    assert run_ends([1] * 6 + [-1]) == [0] * 7
    assert run_ends([1] * 8 + [-1]) == [0] * 6 + [1, 1, 0]
    assert run_ends([-1] * 8 + [1]) == [0] * 6 + [1, 1, 0]


def test_a_point_on_the_mean_breaks_a_run():
    # Mean exactly 5: seven points above it but the fourth on it, then seven below.
    values = [7, 8, 7, 5, 8, 7, 8, 3, 2, 3, 2, 3, 2, 3, 7]
    result = xmr(values)
    assert result.latest_limits.mean == 5
    assert run_ends([1, 1, 1, 0, 1, 1, 1]) == [0] * 7
    assert [p.rule for p in result.points[:7]] == [Rule.NONE] * 7
    assert [p.rule for p in result.points[7:14]] == [Rule.RUN] * 7
    assert result.points[7].variation is Variation.CONCERNING


def test_a_trend_needs_seven_rising_or_falling_and_equal_values_break_it():
    assert trend_ends([1, 2, 3, 4, 5, 6]) == [0] * 6
    assert trend_ends([1, 2, 3, 3, 4, 5, 6]) == [0] * 7
    assert trend_ends([1, 2, 3, 4, 5, 6, 7]) == [0] * 6 + [1]
    assert trend_ends([2, 1, 2, 3, 4, 5, 6, 7, 3]) == [0] * 7 + [1, 0]
    assert trend_ends([7, 6, 5, 4, 3, 2, 1]) == [0] * 6 + [-1]


def test_two_of_three_counts_only_points_beyond_two_sigma_on_one_side():
    ones = [1] * 7
    assert two_of_three([True, False, True], [1, 1, 1]) == [True, False, True]
    assert two_of_three([False, False, True, True, False, False, False], ones) == [
        False, False, True, True, False, False, False,
    ]  # fmt: skip
    assert two_of_three([True, False, False, True], [1] * 4) == [False] * 4
    assert two_of_three([True, False, False, True, True], [1] * 5) == [
        False, False, False, True, True,
    ]  # fmt: skip
    # Opposite sides of the mean: never two of three.
    assert two_of_three([True, False, True], [1, -1, 1]) == [False] * 3
    assert two_of_three([False, True, True], [1, -1, 1]) == [False] * 3


def test_two_points_near_opposite_limits_are_common_cause():
    """test-ptd_spc_standard.R: symmetrical data, the last two at 5.5 and −5.5."""
    values = [1, -1] * 8
    values[14], values[15] = 5.5, -5.5
    result = xmr(values)
    assert [p.variation for p in result.points[-2:]] == [Variation.COMMON_CAUSE] * 2


def _flat(n: int = 20) -> list[float]:
    return [10, 11, 9, 10, 12, 8, 10, 11, 9, 10, 11, 9, 10, 12, 8, 10, 11, 9, 10, 11][:n]


def test_a_point_beyond_the_upper_limit_is_improving_when_higher_is_better():
    values = [*_flat(19), 30]
    assert xmr(values, direction="higher").variation is Variation.IMPROVING
    assert xmr(values, direction="lower").variation is Variation.CONCERNING
    assert xmr(values, direction="none").variation is Variation.HIGH
    assert xmr(values, direction="none").points[-1].rule is Rule.BEYOND_LIMITS


def test_a_falling_trend_is_low_even_above_the_mean():
    values = [*_flat(13), 13, 12.5, 12, 11.5, 11, 10.5, 10.2]
    result = xmr(values, direction="higher")
    assert [p.rule for p in result.points[-7:]] == [Rule.TREND] * 7
    assert result.points[-7].value > result.latest_limits.mean
    assert result.variation is Variation.CONCERNING


def test_a_rising_trend_broken_by_an_equal_value_is_no_trend():
    values = [*_flat(13), 4, 5, 6, 6, 7, 8, 9]
    assert not any(p.rule is Rule.TREND for p in xmr(values).points)


def test_fewer_than_fifteen_points_make_a_run_chart_that_says_why():
    result = xmr(_flat(14), direction="higher", target=10)
    assert not result.has_limits
    assert result.variation is None and result.assurance is None
    assert (
        "at least 15 months" in result.run_chart_reason
        and "there are 14" in result.run_chart_reason
    )
    assert xmr(_flat(15)).has_limits and not xmr(_flat(15)).run_chart_reason


def test_rebasing_starts_new_limits_and_a_short_new_group_is_a_run_chart():
    values = [*_flat(20), *[20] * 5]
    result = xmr(values, rebase_at=[20])
    assert result.points[19].limits.drawn
    assert not result.has_limits
    assert "since the limits were rebased" in result.run_chart_reason
    assert result.points[-1].limits.mean == 20


def test_missing_months_are_left_out_of_the_calculation():
    with_gap = [*_flat(10), None, *_flat(20)[10:]]
    without = [v for v in with_gap if v is not None]
    assert xmr(with_gap).latest_limits == xmr(without).latest_limits
    assert xmr(with_gap).points[10].variation is None


@pytest.mark.parametrize(
    "direction, target, expected",
    [
        ("higher", 5, Assurance.PASSING),  # target below the lower limit
        ("higher", 20, Assurance.FAILING),  # target above the upper limit
        ("higher", 10, Assurance.HIT_AND_MISS),
        ("lower", 5, Assurance.FAILING),
        ("lower", 20, Assurance.PASSING),
        ("lower", 10, Assurance.HIT_AND_MISS),
        ("none", 20, None),
        ("higher", None, None),
    ],
)
def test_assurance_against_a_target(direction, target, expected):
    """ptd_calculate_assurance_type: the target against the latest limits."""
    result = xmr(_flat(), direction=direction, target=target)
    assert 5 < result.latest_limits.lower and result.latest_limits.upper < 20
    assert result.assurance == expected


def test_rolling_twelve_month_rate_per_thousand():
    counts = [1, 0, 2, 0, 1, 0, 0, 1, 0, 1, 0, 0, 2]
    births = [400] * 13
    rates = rolling_rate(counts, births)
    assert rates[:11] == [None] * 11
    assert rates[11] == pytest.approx(6 / 4800 * 1000)
    assert rates[12] == pytest.approx(7 / 4800 * 1000)
    assert rolling_rate([*counts[:5], None, *counts[6:]], births)[11] is None
    assert Direction("lower") is Direction.LOWER
