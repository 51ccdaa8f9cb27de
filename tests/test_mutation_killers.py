"""Tests written to kill the mutants that survived the rule tests (docs/testing.md, "Mutation testing").

Each pins down an edge the rule tests left loose: a boundary (``>=`` against ``>``), a default argument, the
exact wording of a reason or error message (reasons are part of the API: DESIGN "decisions return their
reasons"), or a guard that only a non-finite value reaches.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from builders import T0, at, installed, profile

from smartcharge import (
    ChargePointConfig,
    ChargePointState,
    ChargingRateUnit,
    NaiveDatetimeError,
    composite_schedule,
    limit_at,
    next_change,
    start_transaction,
)
from smartcharge.engine.store import InstalledProfile

NAIVE = datetime(2026, 1, 8, 10, 0)

# --- timeline and composite (R21-R31): anchors, far-ahead changes, merging after rounding -------------------------

DAY = 86_400


def _epoch(instant: datetime) -> int:
    return int(instant.timestamp())


def test_next_change_finds_period_starts_weeks_ahead() -> None:
    start = at(30 * DAY)
    later = installed(None, (0, profile(1, start=start, periods=((0, 10.0), (10 * DAY, 20.0)))))
    assert next_change(later, 1, T0) == start
    assert next_change(later, 1, start) == start + timedelta(days=10)
    assert next_change(later, 1, start + timedelta(days=10)) is None


def test_next_change_finds_the_end_of_a_long_duration() -> None:
    state = installed(None, (0, profile(1, duration=30 * DAY)))
    assert next_change(state, 1, T0) == at(30 * DAY)


def test_next_change_finds_a_recurrence_starting_weeks_ahead() -> None:
    start = at(40 * DAY)
    state = installed(None, (0, profile(1, kind="Recurring", recurrency="Daily", start=start, periods=((0, 6.0),))))
    assert next_change(state, 1, T0) == start


def test_next_change_of_a_relative_profile_counts_from_the_transaction() -> None:
    charging = start_transaction(installed(None), 1, 7, at(-DAY))
    tx = profile(1, purpose="TxProfile", kind="Relative", start=None, periods=((0, 10.0), (30 * DAY, 20.0)))
    state = installed(charging, (1, tx))
    assert next_change(state, 1, T0) == at(29 * DAY)


def test_r31_every_run_of_neighbours_equal_after_rounding_is_merged() -> None:
    periods = ((0, 10.01), (60, 10.04), (120, 16.0), (180, 16.02), (240, 6.0), (300, 6.05))
    state = installed(None, (1, profile(1, periods=periods)))
    schedule = composite_schedule(state, 1, T0, 600, "A").to_ocpp()["chargingSchedulePeriod"]
    assert [(p["startPeriod"], p["limit"]) for p in schedule] == [(0, 10.0), (120, 16.0), (240, 6.0)]


def test_r5_naive_instants_in_queries_are_named() -> None:
    state = installed(None, (0, profile(1)))
    with pytest.raises(NaiveDatetimeError, match=r"^after 2026-01-08T10:00:00 has no UTC offset"):
        next_change(state, 1, NAIVE)


def test_d8_a_relative_profile_of_duration_zero_never_limits() -> None:
    zero = profile(1, kind="Relative", start=None, periods=((0, 6.0), (60, 8.0)), duration=0)
    state = installed(None, (0, zero))
    assert limit_at(state, 1, T0, "A").value is None
    assert composite_schedule(state, 1, T0, 600, "A").periods[0].limit is None


def test_r23_a_recurrence_stops_covering_at_the_end_of_its_duration() -> None:
    hour = profile(1, kind="Recurring", recurrency="Daily", periods=((0, 6.0),), duration=3_600)
    state = installed(None, (0, hour))
    assert limit_at(state, 1, at(3_599), "A").value == 6.0
    assert limit_at(state, 1, at(3_600), "A").value is None
    assert next_change(state, 1, at(3_600)) == at(DAY)
    assert next_change(state, 1, at(3_599)) == at(3_600)


def test_r5_naive_instants_of_limit_at_and_composite_schedule_are_named() -> None:
    state = installed(None, (0, profile(1)))
    with pytest.raises(NaiveDatetimeError, match=r"^at 2026-01-08T10:00:00 has no UTC offset"):
        limit_at(state, 1, NAIVE)
    with pytest.raises(NaiveDatetimeError, match=r"^start 2026-01-08T10:00:00 has no UTC offset"):
        composite_schedule(state, 1, NAIVE, 60)


@pytest.mark.parametrize("duration", [True, False, 1.5, 60.0, -1, "60"])
def test_a_composite_duration_must_be_a_whole_number_of_seconds_not_below_zero(duration: Any) -> None:
    state = installed(None, (0, profile(1)))
    with pytest.raises((ValueError, TypeError)):
        composite_schedule(state, 1, T0, duration)


def test_a_composite_without_unit_is_in_the_first_allowed_unit() -> None:
    state = installed(None, (0, profile(1)))
    assert composite_schedule(state, 1, T0, 60).unit is ChargingRateUnit.A
    w_first = ChargePointState(ChargePointConfig(allowed_rate_units=(ChargingRateUnit.W, ChargingRateUnit.A)))
    assert composite_schedule(w_first, 1, T0, 60).unit is ChargingRateUnit.W
    only_w = ChargePointState(ChargePointConfig(allowed_rate_units=(ChargingRateUnit.W,)))
    assert composite_schedule(only_w, 1, T0, 60).unit is ChargingRateUnit.W


@pytest.mark.parametrize(
    "offset",
    [1, 3_599, 3_600, 3_601, DAY - 1, DAY, DAY + 1, 8 * DAY - 1, 8 * DAY, 8 * DAY + 1, 15 * DAY, 22 * DAY + 1],
)
def test_next_change_finds_a_change_on_either_side_of_every_search_chunk_boundary(offset: int) -> None:
    """`next_change` searches the first hour, then the day, then fortnights: a change one second before, at or
    after each of those boundaries is found exactly where it is."""
    state = installed(None, (1, profile(1, periods=((0, 6.0), (offset, 8.0)))))
    assert next_change(state, 1, T0) == at(offset)
    assert next_change(state, 1, at(offset)) is None


# --- limit_at's answers: kept per span, looked up in any order, bounded ----------------------------------------


def _many_spans() -> ChargePointState:
    """A charging connector whose limit changes every half hour, every day: 48 spans a day."""
    periods = tuple((1_800 * k, 6.0 + k % 7) for k in range(48))
    daily = profile(1, kind="Recurring", recurrency="Daily", periods=periods)
    return start_transaction(installed(None, (1, daily)), 1, 1, T0)


def test_limit_at_answers_instants_in_any_order_as_a_new_state_does() -> None:
    state = installed(None, (1, profile(1, periods=((0, 6.0), (600, 8.0), (1_200, 10.0), (1_800, 12.0)))))
    state = start_transaction(state, 1, 1, T0)
    order = [1_900, 1_300, 700, 100, 1_250, 650, 50, 2_000, 1_200, 600, 1_799]
    answers = [limit_at(state, 1, at(offset), "A") for offset in order]
    assert answers == [limit_at(start_transaction(ChargePointState(state.config, state.profiles), 1, 1, T0), 1,
                                at(offset), "A") for offset in order]  # fmt: skip
    assert [a.value for a in answers] == [12.0, 10.0, 8.0, 6.0, 10.0, 8.0, 6.0, 12.0, 10.0, 8.0, 10.0]


def test_limit_at_keeps_an_answer_for_its_span_and_looks_it_up_again() -> None:
    from unittest import mock

    from smartcharge.engine.composite import _Target

    state = start_transaction(installed(None, (1, profile(1, periods=((0, 6.0), (600, 8.0))))), 1, 1, T0)
    with mock.patch.object(_Target, "governing_at", autospec=True, side_effect=_Target.governing_at) as computed:
        assert [limit_at(state, 1, at(offset), "A").value for offset in (0, 1, 300, 599, 600, 601, 3_600)] == [
            6.0, 6.0, 6.0, 6.0, 8.0, 8.0, 8.0
        ]  # fmt: skip
    assert computed.call_count == 2  # one per span: [0, 600) and [600, ...)


def test_limit_at_keeps_at_most_its_bound_of_answers_and_stays_right_past_it() -> None:
    from smartcharge.engine.composite import _MAX_ANSWERS, _engine

    state = _many_spans()
    for k in range(12 * 48):  # more spans than the bound
        assert limit_at(state, 1, at(1_800 * k + 900), "A").value == 6.0 + k % 48 % 7
        for answers in _engine(state).target(1)._answers:  # in W and in A
            starts, ends, limits = answers.table
            assert len(starts) == len(ends) == len(limits) <= _MAX_ANSWERS
    assert len(_engine(state).target(1)._answers[1].table[0]) == 12 * 48 - _MAX_ANSWERS  # emptied once, refilled
    assert limit_at(state, 1, at(900), "A").value == 6.0


def test_a_composite_schedule_names_its_connector() -> None:
    state = installed(None, (0, profile(1)))
    assert [composite_schedule(state, c, T0, 60).outlet_id for c in (0, 1, 2)] == [0, 1, 2]


@pytest.mark.parametrize("connector", [1, 2])
@pytest.mark.parametrize(("station_id", "own_id"), [(1, 2), (2, 1)])
def test_d10_on_equal_stack_level_the_connectors_own_profile_governs_whatever_the_ids(
    connector: int, station_id: int, own_id: int
) -> None:
    state = installed(
        None,
        (0, profile(station_id, stack=3, periods=((0, 10.0),))),
        (connector, profile(own_id, stack=3, periods=((0, 12.0),))),
    )
    limit = limit_at(state, connector, T0, "A")
    assert (limit.value, [s.profile_id for s in limit.sources]) == (12.0, [own_id])
    other = 3 - connector
    assert limit_at(state, other, T0, "A").value == 10.0


@pytest.mark.parametrize("ids", [(4, 7), (7, 4)])
def test_a_hand_built_tie_is_evaluated_with_the_higher_profile_id_on_top(ids: tuple[int, int]) -> None:
    placed = [InstalledProfile(1, profile(i, stack=2, periods=((0, float(i)),)), T0) for i in ids]
    state = ChargePointState(ChargePointConfig(outlet_count=2), placed)
    assert limit_at(state, 1, T0, "A").value == 7.0


def test_the_hardware_maximum_uses_the_default_number_of_phases() -> None:
    one_phase = ChargePointState(ChargePointConfig(outlet_count=1, default_number_phases=1))
    assert limit_at(one_phase, 1, T0, "W").hardware_limit == 32 * 230 * 1
    assert limit_at(ChargePointState(ChargePointConfig(outlet_count=1)), 1, T0, "W").hardware_limit == 32 * 230 * 3
