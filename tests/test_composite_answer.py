"""What `composite_schedule` and `limit_at` answer: the unit, the duration and the outlet of a composite, its
periods merged after rounding, a Relative profile of duration 0, and naive instants refused by name
(SPEC R5, R23, R30, R31, D8)."""

from __future__ import annotations

import pickle
from datetime import datetime
from typing import Any

import attrs
import pytest
from builders import T0, installed, profile
from hypothesis import given
from hypothesis import strategies as st

from smartcharge import (
    ChargePointConfig,
    ChargePointState,
    ChargingRateUnit,
    NaiveDatetimeError,
    composite_schedule,
    limit_at,
    start_transaction,
)
from smartcharge.engine.limits import CompositePeriod, composite_periods

NAIVE = datetime(2026, 1, 8, 10, 0)


def test_r31_every_run_of_neighbours_equal_after_rounding_is_merged() -> None:
    periods = ((0, 10.01), (60, 10.04), (120, 16.0), (180, 16.02), (240, 6.0), (300, 6.05))
    state = installed(None, (1, profile(1, periods=periods)))
    schedule = composite_schedule(state, 1, T0, 600, "A").to_ocpp()["chargingSchedulePeriod"]
    assert [(p["startPeriod"], p["limit"]) for p in schedule] == [(0, 10.0), (120, 16.0), (240, 6.0)]


def test_d8_a_relative_profile_of_duration_zero_never_limits() -> None:
    zero = profile(1, kind="Relative", start=None, periods=((0, 6.0), (60, 8.0)), duration=0)
    state = installed(None, (0, zero))
    assert limit_at(state, 1, T0, "A").value is None
    assert composite_schedule(state, 1, T0, 600, "A").periods[0].limit is None


@pytest.mark.parametrize("duration", [True, False, 1.5, 60.0, -1, "60"])
def test_a_composite_duration_must_be_a_whole_number_of_seconds_not_below_zero(duration: Any) -> None:
    """R30: a negative duration is refused, and so is one that is not a whole number of seconds."""
    state = installed(None, (0, profile(1)))
    with pytest.raises((ValueError, TypeError)):
        composite_schedule(state, 1, T0, duration)


def test_a_composite_without_unit_is_in_the_first_allowed_unit() -> None:
    """R30: no unit requested means the first unit of ChargingScheduleAllowedChargingRateUnit."""
    state = installed(None, (0, profile(1)))
    assert composite_schedule(state, 1, T0, 60).unit is ChargingRateUnit.A
    w_first = ChargePointState(ChargePointConfig(allowed_rate_units=(ChargingRateUnit.W, ChargingRateUnit.A)))
    assert composite_schedule(w_first, 1, T0, 60).unit is ChargingRateUnit.W
    only_w = ChargePointState(ChargePointConfig(allowed_rate_units=(ChargingRateUnit.W,)))
    assert composite_schedule(only_w, 1, T0, 60).unit is ChargingRateUnit.W


def test_a_composite_schedule_names_its_outlet() -> None:
    """R31: the answer names the outlet (connectorId) it was asked for, 0 included."""
    state = installed(None, (0, profile(1)))
    assert [composite_schedule(state, c, T0, 60).outlet_id for c in (0, 1, 2)] == [0, 1, 2]


def test_r5_a_naive_instant_given_to_limit_at_or_composite_schedule_is_refused_naming_it() -> None:
    state = installed(None, (0, profile(1)))
    with pytest.raises(NaiveDatetimeError, match=r"^at 2026-01-08T10:00:00 has no UTC offset"):
        limit_at(state, 1, NAIVE)
    with pytest.raises(NaiveDatetimeError, match=r"^start 2026-01-08T10:00:00 has no UTC offset"):
        composite_schedule(state, 1, NAIVE, 60)


def test_r31_equal_neighbours_merge_and_the_periods_after_them_stay() -> None:
    """R31: where the governing period changes but the limit does not, the two spans are one period, and every
    period after them is still reported."""
    periods = ((0, 10.0), (600, 10.0), (1_200, 16.0), (1_800, 10.0))
    state = start_transaction(installed(None, (1, profile(1, periods=periods))), 1, 1, T0)
    schedule = composite_schedule(state, 1, T0, 3_600, "A")
    assert [(p.start_period, p.limit) for p in schedule.periods] == [(0, 10.0), (1_200, 16.0), (1_800, 10.0)]


# --- composite_periods: the composite's way of building its CompositePeriods ---------------------------------------


def test_composite_periods_can_only_skip_what_composite_period_does_not_have() -> None:
    """`composite_periods` sets the fields through their slots: right only while the class has no validator,
    converter or hook for attrs' __init__ to run. A new one must come with a change to `composite_periods`."""
    for field in attrs.fields(CompositePeriod):
        assert field.validator is None and field.converter is None and field.on_setattr is None
    assert not any(hasattr(CompositePeriod, hook) for hook in ("__attrs_pre_init__", "__attrs_post_init__"))


_VALUES = st.tuples(
    st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False)),
    st.integers(1, 3),
    st.one_of(st.none(), st.integers(1, 3)),
)


@given(st.integers(-(10**10), 10**10), st.lists(st.tuples(st.integers(0, 10**9), _VALUES), max_size=5))
def test_composite_periods_builds_what_the_constructor_builds(
    begin: int, spans: list[tuple[int, tuple[float | None, int, int | None]]]
) -> None:
    built = composite_periods([(begin + start, value) for start, value in spans], begin)
    expected = tuple(CompositePeriod(start, *value) for start, value in spans)
    assert type(built) is tuple and all(type(period) is CompositePeriod for period in built)
    assert built == expected and hash(built) == hash(expected) and repr(built) == repr(expected)
    assert [attrs.astuple(period) for period in built] == [(start, *value) for start, value in spans]
    assert pickle.loads(pickle.dumps(built)) == expected
    for period, (start, value) in zip(built, spans, strict=True):
        assert attrs.evolve(period, start_period=start + 1) == CompositePeriod(start + 1, *value)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            period.limit = 1.0  # type: ignore[misc]
