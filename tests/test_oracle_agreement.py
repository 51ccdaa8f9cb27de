"""The fast engine (`smartcharge.engine.composite`) agrees with the slow oracle (`tests/oracle.py`) on random states.

States are built through the real store operations (installs, rejected ones included, clears, transactions
starting and ending) from the public Hypothesis strategies, so they are states a charge point can reach: OCPP 1.6
ones, and OCPP 2.0.1 ones with per-outlet configurations (AC on 1 or 3 phases, DC, own maximum currents),
external caps on outlet 0 and on outlets, and periods with a phaseToUse (SPEC-201 S9, E5), from a random walk of
store operations and from `charge_point_states_201`. The properties, the phase to use compared with the rest:
`composite_schedule` equals the oracle at every second of a window (R21-R27), `limit_at` equals the composite's
value (D8), `next_change` finds the first instant where the value changes, and no composite exceeds a cap that
contributes to it (R25, R26, R27). When the two disagree, SPEC.md and SPEC-201.md decide which one is wrong.
"""

from __future__ import annotations

import contextlib
import functools
import math
from datetime import datetime, timedelta
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import (
    OracleLimit,
    cap_contributors,
    combine,
    oracle_limit,
)

from smartcharge.engine.composite import composite_schedule, limit_at
from smartcharge.engine.limits import CompositeSchedule
from smartcharge.engine.model import (
    ChargePointConfig,
    ChargingProfile,
    ChargingRateUnit,
    ChargingSchedule,
    ChargingSchedulePeriod,
    OutletConfig,
)
from smartcharge.engine.next_change import next_change
from smartcharge.engine.store import (
    ChargePointState,
    clear_profiles,
    end_transaction,
    install_profile,
    start_transaction,
)
from smartcharge.errors import TransactionError
from smartcharge.ocpp16 import PURPOSES, ChargingProfilePurpose
from smartcharge.ocpp201 import ChargingProfilePurpose as Purpose201
from smartcharge.strategies import (
    BASE,
    charge_point_configs,
    charge_point_configs_201,
    charge_point_states_201,
    charging_profiles,
    charging_profiles_201,
    instants,
)

SPAN = 6 * 3600  # operations and windows happen within six hours of BASE
CAPS = (
    ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE,
    Purpose201.CHARGING_STATION_MAX_PROFILE,
    Purpose201.CHARGING_STATION_EXTERNAL_CONSTRAINTS,
)
EXTERNAL = Purpose201.CHARGING_STATION_EXTERNAL_CONSTRAINTS

#: (limit, numberPhases, phaseToUse)
Value = tuple[float | None, int, int | None]


NEAR = instants(SPAN)
IDS = st.integers(1, 12)
OPERATIONS = st.sampled_from(["install", "install", "install", "install", "start", "start", "end", "clear"])


@functools.cache
def profiles_up_to(max_stack_level: int) -> st.SearchStrategy[ChargingProfile]:
    """Profiles of OCPP 1.6 and 2.0.1 (with phaseToUse on single-phase periods) with stackLevel up to one above
    the configured maximum, so some installs are Rejected (R10)."""
    profiles_201 = charging_profiles_201(max_stack_level=max_stack_level + 1, ids=IDS)
    return st.one_of(charging_profiles(max_stack_level=max_stack_level + 1, ids=IDS), profiles_201, profiles_201)


CONFIGS = st.one_of(charge_point_configs(), charge_point_configs_201())


@functools.cache
def remote_start_profiles(max_stack_level: int) -> st.SearchStrategy[ChargingProfile | None]:
    """RemoteStartTransaction's optional TxProfile (R19)."""
    tx_profiles = charging_profiles(purpose=ChargingProfilePurpose.TX_PROFILE, max_stack_level=max_stack_level, ids=IDS)
    return st.one_of(st.none(), tx_profiles)


@functools.cache
def clear_criteria(outlet_count: int, max_stack_level: int) -> st.SearchStrategy[dict[str, Any]]:
    """ClearChargingProfile's criteria, each one present or not (R32)."""
    return st.fixed_dictionaries(
        {},
        optional={
            "id": IDS,
            "outlet_id": st.integers(0, outlet_count),
            "purpose": st.sampled_from((*PURPOSES, Purpose201.CHARGING_STATION_EXTERNAL_CONSTRAINTS)),
            "stack_level": st.integers(0, max_stack_level),
        },
    )


def fitting_connector(state: ChargePointState, profile: ChargingProfile) -> st.SearchStrategy[int]:
    """A connector the profile may go on (R7-R9): 0 for a cap, any for an external cap (E5), a charging
    connector for a TxProfile."""
    purpose = profile.charging_profile_purpose
    if purpose == EXTERNAL:
        return st.integers(0, state.config.outlet_count)
    if purpose in CAPS:
        return st.just(0)
    if purpose is ChargingProfilePurpose.TX_PROFILE and state.transactions:
        return st.sampled_from([t.outlet_id for t in state.transactions])
    return st.integers(0, state.config.outlet_count)


@st.composite
def states(draw: st.DrawFn) -> ChargePointState:
    """A charge point state reached by a random sequence of operations through the real store API."""
    config = draw(CONFIGS)
    state = ChargePointState(config=config)
    connectors = st.integers(1, config.outlet_count)
    for _ in range(draw(st.integers(1, 10))):
        operation = draw(OPERATIONS)
        if operation == "install":
            profile = draw(profiles_up_to(config.max_stack_level))
            if isinstance(profile.transaction_id, str):  # a 2.0.1 TxProfile: bound to the outlet's transaction
                profile = attrs.evolve(profile, transaction_id=None)
            outlet_id = draw(st.one_of(fitting_connector(state, profile), st.integers(0, config.outlet_count)))
            state = install_profile(state, outlet_id, profile, draw(NEAR)).state
        elif operation == "start":
            remote = draw(remote_start_profiles(config.max_stack_level))
            with contextlib.suppress(TransactionError):  # a busy connector or a reused transaction id
                state = start_transaction(state, draw(connectors), draw(st.integers(1, 5)), draw(NEAR), remote)
        elif operation == "end" and state.transactions:
            ending = draw(st.sampled_from(state.transactions))
            state = end_transaction(state, ending.transaction_id)
        elif operation == "clear":
            criteria = draw(clear_criteria(config.outlet_count, config.max_stack_level))
            state = clear_profiles(state, **criteria).state
    return state


#: Random walks of store operations, and 2.0.1 states built through the 2.0.1 handlers.
STATES = st.one_of(states(), charge_point_states_201())


def interesting_instants(state: ChargePointState) -> list[datetime]:
    """Instants where something starts or ends: schedule starts and ends (and recurrences near BASE), validity
    bounds, installs, transaction starts."""
    found = {BASE}
    for installed in state.profiles:
        profile = installed.profile
        schedule = profile.charging_schedule
        found.add(installed.installed_at)
        for instant in (schedule.start_schedule, profile.valid_from, profile.valid_to):
            if instant is not None:
                found.add(instant)
        starts = [] if schedule.start_schedule is None else [schedule.start_schedule]
        length = profile.recurrence_seconds
        if length is not None and starts and starts[0] < BASE:
            k = (BASE - starts[0]) // timedelta(seconds=length)
            starts += [starts[0] + timedelta(seconds=(k + j) * length) for j in (-1, 0, 1)]
        if schedule.duration is not None:
            found.update(start + timedelta(seconds=schedule.duration) for start in starts)
        found.update(starts)
    found.update(t.start for t in state.transactions)
    return sorted(found)


@st.composite
def instant_near_something(draw: st.DrawFn, state: ChargePointState) -> datetime:
    """An instant close to where something happens in `state`, or anywhere near BASE."""
    base = draw(st.sampled_from(interesting_instants(state)))
    return draw(st.one_of(NEAR, st.integers(-3600, 3600).map(lambda s: base + timedelta(seconds=s))))


def value_at(schedule: CompositeSchedule, second: int) -> Value:
    """The composite's (limit, numberPhases, phaseToUse) at `second` seconds into its window."""
    current = None
    for period in schedule.periods:
        if period.start_period <= second:
            current = period
    assert current is not None, "a composite schedule's first period starts at 0"
    return current.limit, current.number_phases, current.phase_to_use


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def same(a: Value, b: Value) -> bool:
    return close(a[0], b[0]) and a[1:] == b[1:]


def window_independent(state: ChargePointState, outlet_id: int) -> bool:
    """D8: the value at t does not depend on where the window starts — every connector evaluated (all of them for
    connector 0) has a transaction, or no profile anchored at the start of charging reaches it (caps are anchored
    at their install instead, D9)."""
    connectors = list(state.config.outlet_ids) if outlet_id == 0 else [outlet_id]
    for c in connectors:
        if state.transaction_on(c) is not None:
            continue
        for installed in state.profiles:
            if installed.profile.charging_profile_purpose in CAPS:  # D9: anchored at their install
                continue
            if installed.outlet_id in (0, c) and installed.profile.anchored_at_start_of_charging:
                return False
    return True


@settings(max_examples=500, deadline=None)
@given(data=st.data())
def test_r21_r27_engine_agrees_with_oracle_every_second(data: st.DataObject) -> None:
    state = data.draw(STATES, label="state")
    outlet_id = data.draw(st.integers(0, state.config.outlet_count), label="outlet_id")
    unit = data.draw(st.sampled_from(ChargingRateUnit), label="unit")
    start = data.draw(instant_near_something(state), label="start")
    duration = data.draw(st.one_of(st.integers(0, 120), st.integers(0, 3600)), label="duration")
    schedule = composite_schedule(state, outlet_id, start, duration, unit)
    assert schedule.unit is unit
    assert schedule.periods[0].start_period == 0
    for second in range(max(duration, 1)):
        t = start + timedelta(seconds=second)
        want = oracle_limit(state, outlet_id, t, start, unit)
        got = value_at(schedule, second)
        assert same(got, want), f"second {second}: engine {got}, oracle {want}"


@settings(max_examples=500, deadline=None)
@given(data=st.data())
def test_r22_r23_engine_agrees_with_oracle_over_a_day(data: st.DataObject) -> None:
    state = data.draw(STATES, label="state")
    outlet_id = data.draw(st.integers(0, state.config.outlet_count), label="outlet_id")
    unit = data.draw(st.sampled_from(ChargingRateUnit), label="unit")
    start = data.draw(instant_near_something(state), label="start")
    duration = data.draw(st.integers(3600, 2 * 86_400), label="duration")
    schedule = composite_schedule(state, outlet_id, start, duration, unit)
    # The engine's own boundaries, the seconds either side of them, and random seconds.
    seconds = set(data.draw(st.lists(st.integers(0, duration - 1), max_size=100), label="seconds"))
    for period in schedule.periods:
        seconds.update(s for s in (period.start_period - 1, period.start_period) if 0 <= s < duration)
    for second in sorted(seconds):
        t = start + timedelta(seconds=second)
        want = oracle_limit(state, outlet_id, t, start, unit)
        got = value_at(schedule, second)
        assert same(got, want), f"second {second}: engine {got}, oracle {want}"


@settings(max_examples=500, deadline=None)
@given(data=st.data())
def test_d8_limit_at_agrees_with_oracle_and_composite(data: st.DataObject) -> None:
    state = data.draw(STATES, label="state")
    outlet_id = data.draw(st.integers(0, state.config.outlet_count), label="outlet_id")
    unit = data.draw(st.sampled_from(ChargingRateUnit), label="unit")
    at = data.draw(instant_near_something(state), label="at")
    limit = limit_at(state, outlet_id, at, unit)
    assert limit.unit is unit
    got = (limit.value, limit.number_phases, limit.phase_to_use)
    # D8: for limit_at(t) the window starts at t.
    want = oracle_limit(state, outlet_id, at, at, unit)
    assert same(got, want), f"limit_at {got}, oracle {want}"
    if window_independent(state, outlet_id):
        window_start = at - timedelta(seconds=data.draw(st.integers(0, 7200), label="seconds into the window"))
        schedule = composite_schedule(state, outlet_id, window_start, 7201, unit)
        in_composite = value_at(schedule, int((at - window_start).total_seconds()))
        assert same(got, in_composite), f"limit_at {got}, composite {in_composite}"


SEARCH = 3 * 3600  # how far past `after` next_change is checked second by second


@settings(max_examples=500, deadline=None)
@given(data=st.data())
def test_r24_r25_d8_next_change_is_the_first_change(data: st.DataObject) -> None:
    state = data.draw(STATES, label="state")
    outlet_id = data.draw(st.integers(0, state.config.outlet_count), label="outlet_id")
    after = data.draw(instant_near_something(state), label="after")
    W = ChargingRateUnit.W
    found = next_change(state, outlet_id, after)

    def value(t: datetime) -> OracleLimit:
        return oracle_limit(state, outlet_id, t, after, W)

    first = value(after)
    if found is not None:
        assert found > after
    horizon = after + timedelta(seconds=SEARCH)
    end = horizon if found is None else min(found, horizon)
    t = after + timedelta(seconds=1)
    # A change is any change, however small (5.7e-127 W after 0 W is one): compared exactly, not within tolerance.
    while t < end:
        assert value(t) == first, f"the value changes at {t}, before next_change {found}"
        t += timedelta(seconds=1)
    if found is not None:
        assert value(found) != first, f"next_change {found} but the value there is still {first}"
        assert value(found - timedelta(seconds=1)) == first
    if found is not None and window_independent(state, outlet_id):
        before = limit_at(state, outlet_id, found - timedelta(seconds=1), W)
        at_change = limit_at(state, outlet_id, found, W)
        assert (before.value, before.number_phases, before.phase_to_use) != (
            at_change.value,
            at_change.number_phases,
            at_change.phase_to_use,
        )


@settings(max_examples=500, deadline=None)
@given(data=st.data())
def test_r25_r26_r27_composite_never_exceeds_a_contributing_cap(data: st.DataObject) -> None:
    state = data.draw(STATES, label="state")
    outlet_id = data.draw(st.integers(0, state.config.outlet_count), label="outlet_id")
    unit = data.draw(st.sampled_from(ChargingRateUnit), label="unit")
    start = data.draw(instant_near_something(state), label="start")
    duration = data.draw(st.integers(1, 7200), label="duration")
    schedule = composite_schedule(state, outlet_id, start, duration, unit)
    voltage = state.config.voltage
    seconds = {p.start_period for p in schedule.periods} | set(
        data.draw(st.lists(st.integers(0, duration - 1), max_size=50), label="seconds")
    )
    for second in sorted(seconds):
        t = start + timedelta(seconds=second)
        caps = cap_contributors(state, t, start, outlet_id)  # outlet 0: those installed on outlet 0
        if not caps:
            continue
        limit, phases, _ = value_at(schedule, second)
        assert limit is not None, f"a cap covers second {second} but the composite has no limit"
        if outlet_id == 0:
            # R27: the caps, combined among themselves with their own phases, bound the sum.
            cap_value, _ = combine(state, caps, unit.value)
            assert cap_value is not None
            assert limit <= cap_value * (1 + 1e-9) + 1e-9
            continue
        # R26: each cap, converted with the composite's phases, bounds the connector's limit.
        for cap_limit, cap_unit, _, _ in caps:
            if cap_unit == unit.value:
                bound = cap_limit
            elif unit is ChargingRateUnit.A:
                bound = cap_limit / (voltage * phases)
            else:
                bound = cap_limit * voltage * phases
            assert limit <= bound * (1 + 1e-9) + 1e-9, f"second {second}: {limit} above cap {bound}"


# --- phaseToUse, where it matters: single-phase limits on EVSEs that switch phases (S9, E6) ------------------------

_SWITCHING = ChargePointConfig(
    outlet_count=2, outlets=(OutletConfig(1, phase_switching=True), OutletConfig(2, phase_switching=True))
)


@st.composite
def single_phase_states(draw: st.DrawFn) -> ChargePointState:
    """Two EVSEs that switch phases, with a station maximum, TxDefault and TxProfiles whose periods are mostly on
    one phase, naming a phaseToUse or not, in A or W: where phaseToUse is in play in most instants."""
    state = ChargePointState(_SWITCHING)
    if draw(st.booleans()):
        state = start_transaction(state, 1, "tx-1", BASE)
    placements = [
        (0, Purpose201.CHARGING_STATION_MAX_PROFILE),
        (0, Purpose201.TX_DEFAULT_PROFILE),
        (1, Purpose201.TX_DEFAULT_PROFILE),
        (2, Purpose201.TX_DEFAULT_PROFILE),
        (1, Purpose201.TX_PROFILE),
    ]
    for profile_id, (outlet_id, purpose) in enumerate(placements, start=1):
        if not draw(st.booleans()) or (purpose is Purpose201.TX_PROFILE and state.transaction_on(1) is None):
            continue
        unit = draw(st.sampled_from("AW"))
        starts = sorted(draw(st.sets(st.integers(1, 7200), max_size=3)) | {0})
        periods = []
        for start in starts:
            phases = draw(st.sampled_from([1, 1, 3]))
            phase = draw(st.sampled_from([None, 1, 2, 3])) if phases == 1 else None
            limit = draw(st.integers(1, 40)) * (230.0 if unit == "W" else 1.0)
            periods.append(ChargingSchedulePeriod(start, limit, phases, phase))
        schedule = ChargingSchedule(unit, periods, None, BASE)
        transaction = "tx-1" if purpose is Purpose201.TX_PROFILE else None
        profile = ChargingProfile(profile_id, draw(st.integers(0, 2)), purpose, "Absolute", schedule, transaction)
        state = install_profile(state, outlet_id, profile, BASE, replace_same_slot=False).state
    return state


@settings(max_examples=300, deadline=None)
@given(state=single_phase_states(), data=st.data())
def test_s09_e6_phase_to_use_agrees_with_the_oracle(state: ChargePointState, data: st.DataObject) -> None:
    outlet_id = data.draw(st.integers(0, 2), label="outlet_id")
    unit = data.draw(st.sampled_from(ChargingRateUnit), label="unit")
    at = BASE + timedelta(seconds=data.draw(st.integers(-60, 7300), label="seconds"))
    limit = limit_at(state, outlet_id, at, unit)
    got = (limit.value, limit.number_phases, limit.phase_to_use)
    want = oracle_limit(state, outlet_id, at, at, unit)
    assert same(got, want), f"limit_at {got}, oracle {want}"
