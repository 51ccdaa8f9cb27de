"""Equal values built separately share their objects (flyweights), and an installed profile's compiled form is
shared by every state that keeps it: what lets 10,000 charge points fit in memory (docs/performance.md). Sharing
must never change an answer, keep anything alive, or make two unequal values one."""

from __future__ import annotations

import copy
import gc
import pickle

import attrs
import pytest
from builders import T0, at, installed, profile
from hypothesis import given
from hypothesis import strategies as st

from smartcharge import (
    ChargePointConfig,
    ChargePointState,
    ChargingSchedule,
    ChargingSchedulePeriod,
    InstalledProfile,
    install_profile,
    limit_at,
    start_transaction,
)
from smartcharge._cache import _SHARED, compiled

periods = st.tuples(st.integers(1, 86_400), st.floats(0, 1e6, allow_nan=False), st.none() | st.integers(1, 3))


@given(first=periods, second=periods)
def test_schedules_share_equal_periods_and_only_equal_ones(first, second):
    a = ChargingSchedule("W", [ChargingSchedulePeriod(0, 1.0), ChargingSchedulePeriod(*first)])
    b = ChargingSchedule("W", [ChargingSchedulePeriod(0, 1.0), ChargingSchedulePeriod(*second)])
    (a0, pa), (b0, pb) = a.charging_schedule_period, b.charging_schedule_period
    assert a0 is b0
    assert (pa.start_period, pa.limit, pa.number_phases) == (first[0], float(first[1]), first[2])
    assert (pb.start_period, pb.limit, pb.number_phases) == (second[0], float(second[1]), second[2])
    assert (pa is pb) == (pa == pb)


def test_a_period_of_a_subclass_is_kept_as_given():
    class Labelled(ChargingSchedulePeriod):
        pass

    own = Labelled(0, 16.0)
    ChargingSchedule("A", [ChargingSchedulePeriod(0, 16.0)])
    (kept,) = ChargingSchedule("A", [own]).charging_schedule_period
    assert kept is own


def test_the_shared_periods_forget_a_period_no_schedule_holds():
    fields = (0, 123_456.7, 2, 1)
    key = (ChargingSchedulePeriod, *fields)
    schedule = ChargingSchedule("W", [ChargingSchedulePeriod(*fields)])
    assert _SHARED.get(key) is schedule.charging_schedule_period[0]
    del schedule
    gc.collect()
    assert _SHARED.get(key) is None


def fleet_state(config: ChargePointConfig | None = None) -> ChargePointState:
    """A charge point that built its own profile objects: equal to every other one, sharing no object."""
    cap = profile(1, purpose="ChargePointMaxProfile", unit="A", periods=[(0, 32.0), (3600, 20.0)], start=T0)
    txdefault = profile(2, unit="W", periods=[(0, 7000.0), (1800, 11000.0)], start=T0)
    empty = ChargePointState(config or ChargePointConfig(outlet_count=2))
    return start_transaction(installed(empty, (0, cap), (1, txdefault)), 1, 7, T0)


def test_equal_charge_points_share_their_answers_but_not_their_states():
    first, second = fleet_state(), fleet_state()
    assert first == second and first is not second
    assert first.profiles[0] is not second.profiles[0]
    for offset in (0, 1800, 3600, 7200):
        a, b = limit_at(first, 1, at(offset)), limit_at(second, 1, at(offset))
        assert a is b
        assert all(x is y for x, y in zip(a.sources, b.sources, strict=True))


@given(offset=st.integers(0, 86_400), connector=st.sampled_from([0, 1, 2]), unit=st.sampled_from(["A", "W"]))
def test_a_shared_answer_is_the_answer_of_a_charge_point_that_shares_nothing(offset, connector, unit):
    shared = fleet_state()
    limit_at(fleet_state(), connector, at(offset), unit)  # another charge point answers first
    alone = limit_at(shared, connector, at(offset), unit)
    assert alone == limit_at(fleet_state(), connector, at(offset), unit)
    assert alone.value is None or alone.value >= 0


def test_the_shared_answers_forget_answers_no_state_keeps():
    state = start_transaction(installed(None, (1, profile(9, unit="W", periods=[(0, 4321.5)]))), 1, 1, T0)
    answer = limit_at(state, 1, at(0))
    assert answer.value == 4321.5
    assert any(value is answer for value in _SHARED.values())
    del state, answer
    gc.collect()
    assert not any(getattr(value, "value", None) == 4321.5 for value in _SHARED.values())


def test_a_state_derived_by_an_install_keeps_the_compiled_form_of_the_profiles_it_keeps():
    state = fleet_state()
    limit_at(state, 1, at(0))  # compiles every profile

    def must_not_build(_: InstalledProfile) -> object:
        raise AssertionError("compiled again")

    kept = {id(ip): compiled(ip, must_not_build) for ip in state.profiles}
    outcome = install_profile(state, 2, profile(3, periods=[(0, 10.0)]), at(60))
    assert outcome.accepted
    derived = outcome.state
    assert limit_at(derived, 1, at(0)) == limit_at(state, 1, at(0))
    for ip in derived.profiles:
        if id(ip) in kept:
            assert compiled(ip, must_not_build) is kept[id(ip)]
    assert sum(id(ip) in kept for ip in derived.profiles) == len(state.profiles)


def test_compiling_an_installed_profile_changes_neither_its_equality_nor_its_hash_nor_its_repr():
    first, second = (InstalledProfile(1, profile(5), T0) for _ in range(2))
    before = (hash(first), repr(first))
    compiled(first, lambda ip: "compiled")
    assert first == second and (hash(first), repr(first)) == before == (hash(second), repr(second))
    assert compiled(first, lambda ip: "again") == "compiled"
    with pytest.raises(AttributeError):
        first.outlet_id = 2  # type: ignore[misc]


def test_charge_points_that_differ_only_in_configuration_do_not_share_an_answer():
    small = fleet_state(ChargePointConfig(outlet_count=2, outlet_max_current=16.0))
    a, b = limit_at(small, 1, at(0)), limit_at(fleet_state(), 1, at(0))
    assert (a.value, a.sources) == (b.value, b.sources)
    assert a.hardware_limit != b.hardware_limit
    assert a is not b


def test_a_compiled_state_pickles_and_copies_as_its_fields_only_and_answers_the_same_afterwards():
    state = fleet_state()
    before = pickle.dumps(state)
    answers = [limit_at(state, c, at(offset)) for c in (0, 1, 2) for offset in (0, 1800, 3600)]
    assert pickle.dumps(state) == before  # the compiled engine and its answers are not part of the value
    for other in (pickle.loads(before), copy.copy(state), copy.deepcopy(state)):
        assert other == state and hash(other) == hash(state) and repr(other) == repr(state)
        assert [limit_at(other, c, at(offset)) for c in (0, 1, 2) for offset in (0, 1800, 3600)] == answers


def test_a_state_derived_by_evolve_compiles_its_own_engine():
    state = fleet_state()
    limit_at(state, 1, at(0))
    derived = attrs.evolve(state, transactions=())
    assert compiled(derived, lambda s: "its own") == "its own"
    assert compiled(state, lambda s: "not again") != "not again"
