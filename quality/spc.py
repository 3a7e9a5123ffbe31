"""Statistical process control the NHS way: XmR charts following NHS England's "Making Data Count".

One module, no database: values in, a :class:`SpcResult` out. The rules are those of NHS-R's
NHSRplotthedots (``ptd_spc``), the reference implementation, and the tests in
``quality/tests/test_spc.py`` check this module against its published examples.

Limits (each rebase group on its own)
    mean of the values (of the first ``fix_after_n_points`` only when a baseline is fixed);
    moving ranges |x[i] - x[i-1]| and their mean; with ``screen_outliers`` (the reference's
    default) moving ranges of 3.267 × that mean or more are left out and the mean moving range is
    taken again; process limits at mean ± 2.66 × mean moving range, "two sigma" at two thirds
    of that distance (mean ± 1.773 × mean moving range).

Special cause (a point is flagged by the first rule that catches it, in this order)
    1. beyond a process limit (strictly above the upper or below the lower);
    2. part of a trend: 7 points in a row each strictly higher (or lower) than the one before;
       two equal consecutive values break a trend;
    3. two of three: of three consecutive points, two or more lie between two sigma and the
       process limit and all three lie on the same side of the mean; only those beyond two
       sigma are flagged (a point beyond the process limit is caught by rule 1 instead);
    4. a run: 7 points in a row on the same side of the mean; a point exactly on the mean
       breaks a run.
    A flagged point is high (above the mean, or in a rising trend) or low; with a better
    direction that is "improving" or "concerning", without one it stays high or low.

Too few points
    Limits need ``minimum_points`` values in a group (15 by default, as Making Data Count
    advises). With fewer the group is a run chart: the points and their mean, no limits, no
    special-cause flags, and :attr:`SpcResult.run_chart_reason` says why. (The reference
    draws limits from any number of points and only warns below 12.)

Icons describe the latest point
    variation: common cause, special cause improving or concerning, or high / low when the
    measure has no better direction; assurance against a target, from the latest limits:
    a target outside the limits on the good side is consistently passed, on the bad side
    consistently failed, inside them hit and miss (neither when there is no better direction).

Months without a value (not available, suppressed) are left out of the calculation, as the
reference expects series without gaps; they stay in the result with no flags.

Rare events (a handful a month per trust: stillbirths, neonatal deaths, referrals to MNSI) get
no XmR chart on a monthly rate: :func:`rolling_rate` gives the rolling 12-month rate per 1,000.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

LIMIT = 2.66
NEAR_LIMIT = 2 * LIMIT / 3
MR_SCREEN = 3.267
MINIMUM_POINTS = 15
RUN_LENGTH = 7
TREND_LENGTH = 7


class Direction(StrEnum):
    """Which way is better."""

    HIGHER = "higher"
    LOWER = "lower"
    NONE = "none"


class Variation(StrEnum):
    COMMON_CAUSE = "common_cause"
    IMPROVING = "improving"
    CONCERNING = "concerning"
    HIGH = "high"
    LOW = "low"

    @property
    def label(self) -> str:
        return VARIATION_LABELS[self]

    @property
    def is_special(self) -> bool:
        return self is not Variation.COMMON_CAUSE


VARIATION_LABELS = {
    Variation.COMMON_CAUSE: "Common cause variation",
    Variation.IMPROVING: "Special cause variation – improving",
    Variation.CONCERNING: "Special cause variation – concerning",
    Variation.HIGH: "Special cause variation – higher (no better direction)",
    Variation.LOW: "Special cause variation – lower (no better direction)",
}


class Assurance(StrEnum):
    PASSING = "passing"
    FAILING = "failing"
    HIT_AND_MISS = "hit_and_miss"

    @property
    def label(self) -> str:
        return ASSURANCE_LABELS[self]


ASSURANCE_LABELS = {
    Assurance.PASSING: "Consistently passing the target",
    Assurance.FAILING: "Consistently failing the target",
    Assurance.HIT_AND_MISS: "Hit and miss: the target lies within the limits",
}


class Rule(StrEnum):
    """Why a point is special cause (empty: common cause)."""

    NONE = ""
    BEYOND_LIMITS = "beyond_limits"
    TREND = "trend"
    TWO_OF_THREE = "two_of_three"
    RUN = "run"

    @property
    def label(self) -> str:
        return RULE_LABELS[self]


RULE_LABELS = {
    Rule.NONE: "",
    Rule.BEYOND_LIMITS: "beyond a process limit",
    Rule.TREND: f"a trend of {TREND_LENGTH} rising or falling",
    Rule.TWO_OF_THREE: "two of three beyond two sigma",
    Rule.RUN: f"a run of {RUN_LENGTH} on one side of the mean",
}


@dataclass(frozen=True)
class Limits:
    mean: float
    lower: float | None = None
    upper: float | None = None
    lower_two_sigma: float | None = None
    upper_two_sigma: float | None = None

    @property
    def drawn(self) -> bool:
        return self.upper is not None


@dataclass(slots=True)
class SpcPoint:
    index: int
    value: float | None
    group: int
    limits: Limits | None = None
    rule: Rule = Rule.NONE
    variation: Variation | None = None

    @property
    def special(self) -> bool:
        return self.rule is not Rule.NONE


@dataclass
class SpcResult:
    points: list[SpcPoint]
    direction: Direction
    target: float | None = None
    run_chart_reason: str = ""
    groups: list[tuple[int, int]] = field(default_factory=list)  # (first index, last index)

    @cached_property
    def latest(self) -> SpcPoint | None:
        return next((p for p in reversed(self.points) if p.value is not None), None)

    @cached_property
    def has_limits(self) -> bool:
        latest = self.latest
        return bool(latest and latest.limits and latest.limits.drawn)

    @cached_property
    def variation(self) -> Variation | None:
        """The variation icon: the latest point's, when its group has limits."""
        latest = self.latest
        return latest.variation if latest is not None and self.has_limits else None

    @cached_property
    def assurance(self) -> Assurance | None:
        latest = self.latest
        if self.target is None or self.direction is Direction.NONE or not self.has_limits:
            return None
        limits = latest.limits
        higher_is_better = self.direction is Direction.HIGHER
        if self.target > limits.upper:
            return Assurance.FAILING if higher_is_better else Assurance.PASSING
        if self.target < limits.lower:
            return Assurance.PASSING if higher_is_better else Assurance.FAILING
        return Assurance.HIT_AND_MISS

    @property
    def latest_limits(self) -> Limits | None:
        latest = self.latest
        return latest.limits if latest is not None else None


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def limits_of(values: Sequence[float], *, screen_outliers: bool = True) -> Limits:
    """Mean and XmR limits of a baseline (at least two values for limits)."""
    mean = _mean(values)
    ranges = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
    if not ranges:
        return Limits(mean=mean)
    amr = _mean(ranges)
    if screen_outliers and amr > 0:
        # A series that never moves (100% every month) has no moving range to screen: its
        # limits are its mean, never "NaN".
        amr = _mean([r for r in ranges if r < MR_SCREEN * amr])
    return Limits(
        mean=mean,
        lower=mean - LIMIT * amr,
        upper=mean + LIMIT * amr,
        lower_two_sigma=mean - NEAR_LIMIT * amr,
        upper_two_sigma=mean + NEAR_LIMIT * amr,
    )


def _extend_back(ends: list[int], length: int) -> list[bool]:
    """Mark every point of a run of ``length`` that ends where ``ends`` is non-zero."""
    marked = [False] * len(ends)
    for i, end in enumerate(ends):
        if end:
            for j in range(max(0, i - length + 1), i + 1):
                marked[j] = True
    return marked


def run_ends(relative: Sequence[int], length: int = RUN_LENGTH) -> list[int]:
    """1 where a point ends ``length`` in a row on one side of the mean (0 on the mean)."""
    out, count, side = [], 0, 0
    for s in relative:
        count = count + 1 if s != 0 and s == side else (1 if s != 0 else 0)
        side = s
        out.append(int(count >= length))
    return out


def trend_ends(values: Sequence[float], length: int = TREND_LENGTH) -> list[int]:
    """+1 / -1 where a point ends ``length`` points each strictly above / below the one before."""
    out, steps, direction = [0] * len(values), 0, 0
    for i in range(1, len(values)):
        step = _sign(values[i] - values[i - 1])
        steps = steps + 1 if step != 0 and step == direction else (1 if step != 0 else 0)
        direction = step
        if steps >= length - 1:
            out[i] = step
    return out


def two_of_three(near: Sequence[bool], relative: Sequence[int]) -> list[bool]:
    """Points beyond two sigma (``near``) in three consecutive points, two or more of them so,
    all three on the same side of the mean."""
    n = len(near)
    in_window = [False] * n
    for start in range(n - 2):
        window = range(start, start + 3)
        if sum(near[i] for i in window) >= 2 and abs(sum(relative[i] for i in window)) == 3:
            for i in window:
                in_window[i] = True
    return [in_window[i] and near[i] for i in range(n)]


def _flag_group(values: list[float], limits: Limits) -> list[tuple[Rule, int]]:
    """(rule, +1 high / -1 low) for each value of one group with limits."""
    relative = [_sign(v - limits.mean) for v in values]
    outside = [v > limits.upper or v < limits.lower for v in values]
    near = [
        not out and (v < limits.lower_two_sigma or v > limits.upper_two_sigma)
        for v, out in zip(values, outside, strict=True)
    ]
    trend = _extend_back(trend_ends(values), TREND_LENGTH)
    pairs = two_of_three(near, relative)
    run = _extend_back(run_ends(relative), RUN_LENGTH)
    flags = []
    for i, v in enumerate(values):
        if outside[i]:
            flags.append((Rule.BEYOND_LIMITS, relative[i]))
        elif trend[i]:
            # A point in a trend takes the trend's direction: the step to the next point when
            # that point is in the trend too, else the step from the one before.
            if i + 1 < len(values) and trend[i + 1]:
                step = _sign(values[i + 1] - v)
            else:
                step = _sign(v - values[i - 1]) if i else 0
            flags.append((Rule.TREND, 1 if step == 1 else -1))
        elif pairs[i]:
            flags.append((Rule.TWO_OF_THREE, relative[i]))
        elif run[i]:
            flags.append((Rule.RUN, relative[i]))
        else:
            flags.append((Rule.NONE, 0))
    return flags


def _variation(rule: Rule, side: int, direction: Direction) -> Variation:
    if rule is Rule.NONE or side == 0:
        return Variation.COMMON_CAUSE
    if direction is Direction.NONE:
        return Variation.HIGH if side > 0 else Variation.LOW
    good = 1 if direction is Direction.HIGHER else -1
    return Variation.IMPROVING if side == good else Variation.CONCERNING


def xmr(
    values: Sequence[float | None],
    *,
    direction: Direction | str = Direction.HIGHER,
    target: float | None = None,
    rebase_at: Iterable[int] = (),
    minimum_points: int = MINIMUM_POINTS,
    fix_after_n_points: int | None = None,
    screen_outliers: bool = True,
) -> SpcResult:
    """An XmR chart of ``values`` (oldest first; None for a month without a value).

    ``rebase_at`` holds the indices where new limits start; ``fix_after_n_points`` computes each
    group's limits from its first n values only (a fixed baseline).
    """
    direction = Direction(direction)
    starts = sorted({i for i in rebase_at if 0 < i < len(values)})
    bounds = list(zip([0, *starts], [*starts, len(values)], strict=True))
    points = [SpcPoint(index=i, value=v, group=0) for i, v in enumerate(values)]
    result = SpcResult(
        points=points,
        direction=direction,
        target=target,
        groups=[(a, b - 1) for a, b in bounds],
    )
    for group, (start, end) in enumerate(bounds):
        members = [p for p in points[start:end] if p.value is not None]
        for p in points[start:end]:
            p.group = group
        if not members:
            continue
        present = [float(p.value) for p in members]
        baseline = present[:fix_after_n_points] if fix_after_n_points else present
        if len(present) < minimum_points or len(baseline) < 2:
            limits = Limits(mean=_mean(present))
            for p in members:
                p.limits = limits
            result.run_chart_reason = (
                f"A run chart, without limits: limits need at least {minimum_points} "
                f"months of figures{' since the limits were rebased' if group else ''}, "
                f"and there {'is' if len(present) == 1 else 'are'} {len(present)}."
            )
            continue
        limits = limits_of(baseline, screen_outliers=screen_outliers)
        for p, (rule, side) in zip(members, _flag_group(present, limits), strict=True):
            p.limits = limits
            p.rule = rule
            p.variation = _variation(rule, side, direction)
        if group == len(bounds) - 1:
            result.run_chart_reason = ""
    return result


def rolling_rate(
    counts: Sequence[float | None],
    denominators: Sequence[float | None],
    *,
    window: int = 12,
    per: int = 1000,
) -> list[float | None]:
    """The rate per ``per`` over the ``window`` months ending at each month.

    None until ``window`` months are there, and whenever a month of the window has no figures or
    the window's denominator is 0: a rate over fewer months would not be a 12-month rate.
    """
    rates: list[float | None] = []
    for i in range(len(counts)):
        lo = i - window + 1
        if lo < 0:
            rates.append(None)
            continue
        c, d = counts[lo : i + 1], denominators[lo : i + 1]
        if any(x is None for x in c) or any(x is None for x in d) or not sum(d):
            rates.append(None)
            continue
        rates.append(sum(c) / sum(d) * per)
    return rates
