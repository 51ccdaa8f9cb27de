"""`composite_schedule` keeps its answer per window (start, duration, unit) on the state's compiled form: a window
asked again (a central system polling GetCompositeSchedule) is answered as the first time, a new equal state
answers every window the same, and no more than a bounded number of windows are kept per outlet
(`smartcharge._cache.WindowCache`). Which windows are kept is not public, so two tests look at the target's
private `composites` table and its bound."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from builders import T0, at
from hypothesis import given
from hypothesis import strategies as st
from test_limit_at_cache import many_spans

from smartcharge import ChargePointState, ChargingRateUnit, InstalledProfile, composite_schedule
from smartcharge._cache import WindowCache
from smartcharge.engine import composite as composite_module
from smartcharge.engine._compiled import compiled_engine
from smartcharge.strategies import charge_point_states, charge_point_states_201


def new_equal(state: ChargePointState) -> ChargePointState:
    """A state equal to `state` that shares nothing compiled with it."""
    profiles = [
        InstalledProfile(ip.outlet_id, ip.profile, ip.installed_at, ip.source, ip.document) for ip in state.profiles
    ]
    return ChargePointState(state.config, profiles, state.transactions)


@given(
    st.one_of(charge_point_states(), charge_point_states_201()),
    st.lists(st.tuples(st.integers(-3_600, 7 * 86_400), st.integers(0, 2 * 86_400), st.sampled_from(["A", "W"])),
             min_size=1, max_size=6),
    st.data(),
)  # fmt: skip
def test_windows_asked_again_are_answered_as_a_new_equal_state_answers_them(
    state: ChargePointState, windows: list[tuple[int, int, str]], data: st.DataObject
) -> None:
    outlet_id = data.draw(st.integers(0, state.config.outlet_count))
    asked = [*windows, *windows[::-1]]
    answers = [composite_schedule(state, outlet_id, T0 + timedelta(seconds=s), d, u) for s, d, u in asked]
    expected = [composite_schedule(new_equal(state), outlet_id, T0 + timedelta(seconds=s), d, u) for s, d, u in asked]
    assert answers == expected


def test_a_window_asked_again_is_not_swept_again_and_its_answer_is_the_same_object() -> None:
    state = many_spans()
    with mock.patch.object(composite_module, "window_spans", wraps=composite_module.window_spans) as swept:
        first = composite_schedule(state, 1, at(0), 86_400, ChargingRateUnit.A)
        assert composite_schedule(state, 1, at(0), 86_400, "A") is first
        assert composite_schedule(state, 1, at(0), 86_400, "W") != first  # another unit, another window
        assert composite_schedule(state, 1, at(1), 86_400, "A").start == at(1)  # another start
        assert composite_schedule(state, 1, at(0), 3_600, "A").duration == 3_600  # another duration
        assert composite_schedule(state, 2, at(0), 86_400, "A").outlet_id == 2  # another outlet
    assert swept.call_count == 5


def test_at_most_the_bound_of_windows_is_kept_and_answers_stay_right_past_it() -> None:
    state = many_spans()
    assert compiled_engine(state).target(1).composites is None  # nothing kept before a composite is asked
    composite_schedule(state, 1, at(0), 60, "A")
    table = compiled_engine(state).target(1).composites
    assert table is not None
    for k in range(3 * WindowCache.LIMIT):
        answer = composite_schedule(state, 1, at(1_800 * k), 1_800, "A")
        assert [p.limit for p in answer.periods] == [6.0 + k % 48 % 7]
        assert len(table._table) <= WindowCache.LIMIT
