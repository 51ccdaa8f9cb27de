"""Tests written to kill the mutants that survived the rule tests (docs/testing.md, "Mutation testing").

Each pins down an edge the rule tests left loose: a boundary (``>=`` against ``>``), a default argument, the
exact wording of a reason or error message (reasons are part of the API: DESIGN "decisions return their
reasons"), or a guard that only a non-finite value reaches.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

import pytest
from builders import T0, at, installed, profile

from smartcharge import (
    ChargePointConfig,
    ChargePointState,
    ChargingProfile,
    ChargingRateUnit,
    NaiveDatetimeError,
    Transaction,
    TransactionError,
    composite_schedule,
    end_transaction,
    install_profile,
    limit_at,
    next_change,
    start_transaction,
)
from smartcharge.charging.energy import energy_step, max_energy_wh
from smartcharge.charging.local_policy import (
    Action,
    ChargingEnvironment,
    LocalPolicy,
    SessionProgress,
    evaluate_meter_value_decision,
    is_peak_hour,
)
from smartcharge.engine.store import InstalledProfile, InstallStatus
from smartcharge.engine.timeline import Slice, change_instants, profile_anchor, profile_slices
from smartcharge.engine.units import amps_to_watts, convert, watts_to_amps
from smartcharge.ocpp16 import ChargingProfilePurpose

NAIVE = datetime(2026, 1, 8, 10, 0)

# --- energy (R34) ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("interval", [0, -1, math.inf, math.nan])
def test_r34_interval_must_be_positive_and_finite(interval: float) -> None:
    with pytest.raises(ValueError, match=r"^interval_s must be a positive number of seconds, not "):
        energy_step(100.0, 1_000.0, interval)


@pytest.mark.parametrize("base", [-1.0, math.inf, math.nan])
def test_r34_base_step_must_be_finite_and_not_negative(base: float) -> None:
    with pytest.raises(ValueError, match=r"^base_step_wh must be a finite number >= 0, not "):
        energy_step(base, 1_000.0, 60)


@pytest.mark.parametrize("limit", [-1.0, math.inf, math.nan])
def test_r34_limit_must_be_finite_and_not_negative(limit: float) -> None:
    with pytest.raises(ValueError, match=r"^limit_w must be a finite number >= 0, not "):
        energy_step(100.0, limit, 60)


def test_r34_zero_base_and_zero_limit_are_allowed() -> None:
    assert energy_step(0.0, 0.0, 60).step_wh == 0.0
    step = energy_step(100.0, 0.0, 60)
    assert (step.step_wh, step.max_step_wh, step.limited) == (0.0, 0.0, True)


def test_r34_a_step_exactly_at_the_allowance_is_not_limited() -> None:
    step = energy_step(100.0, 6_000.0, 60)  # 6 kW for a minute: exactly 100 Wh
    assert (step.step_wh, step.max_step_wh, step.limited) == (100.0, 100.0, False)


@pytest.mark.parametrize("interval", [60.0, True, "60"])
def test_r34_max_energy_wants_whole_seconds(interval: object) -> None:
    state = installed(None, (0, profile(1)))
    with pytest.raises(ValueError, match=r"^interval_s must be a whole number of seconds, not "):
        max_energy_wh(state, 1, T0, interval)  # type: ignore[arg-type]


# --- legacy policy (R35) -----------------------------------------------------------------------------------------


def decide(delivered: float, base: float, policy: LocalPolicy, hour: int = 12, price: float | None = None) -> object:
    decision = evaluate_meter_value_decision(SessionProgress(delivered, base), policy, ChargingEnvironment(hour, price))
    return decision.action, decision.energy_wh, decision.reason


@pytest.mark.parametrize("hours", [(23, 24), (22, 0), (0, 24), (5, 5)])
def test_r35_peak_ranges_at_the_bounds_are_accepted(hours: tuple[int, int]) -> None:
    assert LocalPolicy(peak_hours=[hours]).peak_hours == (hours,)


def test_r35_the_range_23_24_holds_hour_23_only() -> None:
    assert is_peak_hour(23, [(23, 24)])
    assert not is_peak_hour(22, [(23, 24)])
    assert is_peak_hour(23, [(22, 0)]) and not is_peak_hour(0, [(22, 0)])


@pytest.mark.parametrize("hours", [(0, 25), (24, 1), (-1, 5), (1, -1), (24, 30)])
def test_r35_peak_ranges_out_of_bounds_are_refused(hours: tuple[int, int]) -> None:
    start, end = hours
    message = rf"^peak hour range \({start}, {end}\) must have start 0\.\.23 and end 0\.\.24$"
    with pytest.raises(ValueError, match=message):
        LocalPolicy(peak_hours=[hours])


@pytest.mark.parametrize("field", ["energy_cap_kwh", "max_price"])
@pytest.mark.parametrize("value", [-0.5, math.inf, math.nan])
def test_r35_cap_and_price_must_be_finite_and_not_negative(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=rf"^{field} must be a finite number >= 0 or None, not "):
        LocalPolicy(**{field: value})  # type: ignore[arg-type]


@pytest.mark.parametrize("field", ["energy_delivered_wh", "base_step_wh"])
@pytest.mark.parametrize("value", [-1.0, math.inf, math.nan])
def test_r35_station_state_must_be_finite_and_not_negative(field: str, value: float) -> None:
    values = {"energy_delivered_wh": 0.0, "base_step_wh": 0.0, field: value}
    with pytest.raises(ValueError, match=rf"^{field} must be a finite number >= 0, not "):
        SessionProgress(**values)


@pytest.mark.parametrize("hour", [-1, 24])
def test_r35_hour_is_0_to_23(hour: int) -> None:
    with pytest.raises(ValueError, match=rf"^hour must be 0\.\.23, not {hour}$"):
        ChargingEnvironment(hour)
    assert ChargingEnvironment(23).hour == 23


def test_r35_cap_reached_exactly_stops_before_the_price_is_looked_at() -> None:
    policy = LocalPolicy(energy_cap_kwh=1.0, max_price=0.3)
    assert decide(1_000.0, 100.0, policy, price=0.5) == (Action.STOP, 0.0, "Energy cap reached (1.0/1.0 kWh)")


def test_r35_cap_passed_stops_with_nothing_delivered_and_says_how_much() -> None:
    assert decide(1_500.0, 100.0, LocalPolicy(energy_cap_kwh=1.0)) == (
        Action.STOP,
        0.0,
        "Energy cap reached (1.5/1.0 kWh)",
    )


def test_r35_the_last_step_is_clipped_to_the_cap() -> None:
    assert decide(950.0, 100.0, LocalPolicy(energy_cap_kwh=1.0)) == (
        Action.STOP,
        50.0,
        "Energy cap reached (1.0/1.0 kWh)",
    )


def test_r35_a_price_equal_to_the_maximum_is_not_above_it() -> None:
    assert decide(0.0, 100.0, LocalPolicy(max_price=0.3), price=0.3) == (
        Action.CONTINUE,
        100.0,
        "Within policy: full step of 100 Wh",
    )


def test_r35_price_reasons() -> None:
    assert decide(0.0, 100.0, LocalPolicy(max_price=0.3), price=0.5) == (
        Action.STOP,
        0.0,
        "Price 0.5 above maximum 0.3",
    )
    assert decide(0.0, 100.0, LocalPolicy(max_price=0.3, skip_when_expensive=True), price=0.5) == (
        Action.CONTINUE,
        0.0,
        "Price 0.5 above maximum 0.3 — skipping this step",
    )


def test_r35_peak_reasons() -> None:
    stop = LocalPolicy(peak_hours=[(17, 20)])
    assert decide(0.0, 100.0, stop, hour=18) == (Action.STOP, 0.0, "Peak hour 18:00 and peak charging not allowed")
    halve = LocalPolicy(peak_hours=[(17, 20)], allow_peak=True)
    assert decide(0.0, 100.0, halve, hour=18) == (Action.CONTINUE, 50.0, "Peak hour 18:00: step halved to 50 Wh")
    assert decide(0.0, 12.0, halve, hour=18) == (Action.CONTINUE, 10.0, "Peak hour 18:00: step halved to 10 Wh")
    assert decide(0.0, 6.0, halve, hour=18) == (Action.CONTINUE, 6.0, "Peak hour 18:00: step halved to 6 Wh")


# --- units (R3) --------------------------------------------------------------------------------------------------


def test_r3_defaults_are_230_volts_and_three_phases() -> None:
    assert amps_to_watts(10.0) == 6_900.0
    assert watts_to_amps(6_900.0) == 10.0
    assert convert(10.0, ChargingRateUnit.A, ChargingRateUnit.W) == 6_900.0
    assert convert(6_900.0, ChargingRateUnit.W, ChargingRateUnit.A) == 10.0


@pytest.mark.parametrize("phases", [1, 2, 3])
def test_r3_every_phase_count_converts(phases: int) -> None:
    assert amps_to_watts(16.0, 230.0, phases) == 16.0 * 230.0 * phases
    assert watts_to_amps(16.0 * 230.0 * phases, 230.0, phases) == 16.0
    assert convert(7.0, ChargingRateUnit.A, ChargingRateUnit.A, 230.0, phases) == 7.0


@pytest.mark.parametrize("voltage", [0.0, -230.0, math.inf, math.nan])
def test_r3_voltage_must_be_positive_and_finite(voltage: float) -> None:
    for convert_ in (amps_to_watts, watts_to_amps):
        with pytest.raises(ValueError, match=r"^voltage must be a positive number, not "):
            convert_(1.0, voltage, 3)
    with pytest.raises(ValueError, match=r"^voltage must be a positive number"):
        convert(1.0, ChargingRateUnit.W, ChargingRateUnit.W, voltage, 3)


@pytest.mark.parametrize("phases", [0, 4, -1])
def test_r3_phases_must_be_1_2_or_3(phases: int) -> None:
    with pytest.raises(ValueError, match=rf"^phases must be 1, 2 or 3, not {phases}$"):
        amps_to_watts(1.0, 230.0, phases)
    with pytest.raises(ValueError, match=r"^phases must be 1, 2 or 3"):
        convert(1.0, ChargingRateUnit.A, ChargingRateUnit.A, 230.0, phases)


def test_r3_a_small_voltage_converts() -> None:
    assert amps_to_watts(2.0, 0.5, 1) == 1.0


# --- state (R6-R20): reasons, messages and the edges of each check --------------------------------------------------


def _two() -> ChargePointState:
    return ChargePointState(ChargePointConfig(outlet_count=2, max_stack_level=3, max_periods=2, max_profiles=2))


def _reject(state: ChargePointState, outlet_id: int, candidate: ChargingProfile) -> tuple[str | None, str]:
    outcome = install_profile(state, outlet_id, candidate, T0)
    assert outcome.status is InstallStatus.REJECTED
    assert outcome.state is state
    assert outcome.replaced == ()
    return outcome.rule, outcome.reason


@pytest.mark.parametrize("outlet_id", [-1, 3, "1"])
def test_r6_reason_names_the_connector(outlet_id: object) -> None:
    assert _reject(_two(), outlet_id, profile(1)) == ("R6", f"outlet {outlet_id} is not 0..2")  # type: ignore[arg-type]


def test_r7_reason() -> None:
    assert _reject(_two(), 1, profile(1, purpose=ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE)) == (
        "R7",
        "a ChargePointMaxProfile goes on outlet 0, not outlet 1",
    )


def test_r9_reasons() -> None:
    tx = profile(1, purpose=ChargingProfilePurpose.TX_PROFILE, kind="Relative", start=None)
    assert _reject(_two(), 0, tx) == ("R9", "a TxProfile needs an outlet > 0")
    assert _reject(_two(), 2, tx) == ("R9", "a TxProfile needs an active transaction, and outlet 2 has none")
    charging = start_transaction(_two(), 2, 7, T0)
    other = profile(1, purpose=ChargingProfilePurpose.TX_PROFILE, kind="Relative", start=None, transaction_id=8)
    assert _reject(charging, 2, other) == (
        "D1",
        "transactionId 8 is not the active transaction 7 on outlet 2",
    )


def test_r10_reasons_and_their_edges() -> None:
    state = _two()
    assert _reject(state, 0, profile(1, stack=4)) == ("R10", "stackLevel 4 exceeds ChargeProfileMaxStackLevel 3")
    assert install_profile(state, 0, profile(1, stack=3), T0).accepted  # D2: the maximum itself is allowed
    three = profile(1, periods=((0, 6.0), (60, 7.0), (120, 8.0)))
    assert _reject(state, 0, three) == ("R10", "3 periods exceed ChargingScheduleMaxPeriods 2")
    assert install_profile(state, 0, profile(1, periods=((0, 6.0), (60, 7.0))), T0).accepted
    watts_only = ChargePointState(ChargePointConfig(allowed_rate_units=("W",)))
    assert _reject(watts_only, 0, profile(1, unit="A")) == (
        "R10",
        "unit A is not in ChargingScheduleAllowedChargingRateUnit W",
    )
    both = ChargePointState(ChargePointConfig(allowed_rate_units=("W", "A"), max_stack_level=10))
    assert install_profile(both, 0, profile(1, unit="A"), T0).accepted
    full = installed(_two(), (0, profile(1, stack=0)), (0, profile(2, stack=1)))
    assert _reject(full, 0, profile(3, stack=2)) == (
        "R10",
        "MaxChargingProfilesInstalled 2 profiles are installed already",
    )


def test_r15_accepted_reasons_name_what_was_replaced() -> None:
    state = installed(_two(), (0, profile(1, stack=0)), (0, profile(2, stack=1)))
    outcome = install_profile(state, 0, profile(1, stack=1), T0)  # same id as 1, same stack level as 2
    assert (outcome.status, outcome.reason, outcome.replaced, outcome.rule) == (
        InstallStatus.ACCEPTED,
        "installed, replacing 1, 2",
        (1, 2),
        None,
    )
    fresh = install_profile(_two(), 0, profile(1), T0)
    assert (fresh.reason, fresh.replaced, fresh.accepted) == ("installed", (), True)


def test_r15_same_key_on_another_connector_or_purpose_is_not_replaced() -> None:
    state = installed(_two(), (1, profile(1, stack=1)))
    for outlet_id, candidate in (
        (2, profile(2, stack=1)),
        (0, profile(3, stack=1, purpose=ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE)),
    ):
        outcome = install_profile(state, outlet_id, candidate, T0)
        assert outcome.replaced == ()
        assert len(outcome.state.profiles) == 2


def test_d3_replacing_at_capacity_works() -> None:
    full = installed(_two(), (0, profile(1, stack=0)), (0, profile(2, stack=1)))
    outcome = install_profile(full, 0, profile(2, stack=2), T0)
    assert outcome.accepted and outcome.replaced == (2,)


@pytest.mark.parametrize(("name", "call"), [
    ("now", lambda s: install_profile(s, 0, profile(1), NAIVE)),
    ("start", lambda s: start_transaction(s, 1, 7, NAIVE)),
    ("installed_at", lambda s: InstalledProfile(outlet_id=0, profile=profile(1), installed_at=NAIVE)),
])  # fmt: skip
def test_r5_naive_instants_are_named(name: str, call: Any) -> None:
    with pytest.raises(NaiveDatetimeError, match=rf"^{name} 2026-01-08T10:00:00 has no UTC offset"):
        call(_two())


def test_transaction_errors_say_why() -> None:
    state = start_transaction(_two(), 1, 7, T0)
    with pytest.raises(TransactionError, match=r"^outlet 3 is not 1\.\.2$"):
        start_transaction(state, 3, 8, T0)
    with pytest.raises(TransactionError, match=r"^outlet 0 is not 1\.\.2$"):
        start_transaction(state, 0, 8, T0)
    with pytest.raises(TransactionError, match=r"^outlet 1 already has an active transaction$"):
        start_transaction(state, 1, 8, T0)
    with pytest.raises(TransactionError, match=r"^transaction 7 is already active$"):
        start_transaction(state, 2, 7, T0)
    with pytest.raises(TransactionError, match=r"^transaction 8 is not active$"):
        end_transaction(state, 8)
    default = profile(1)
    with pytest.raises(
        TransactionError,
        match=r"^RemoteStartTransaction's profile must be a transaction profile \(TxProfile\), not TxDefaultProfile$",
    ):
        start_transaction(state, 2, 8, T0, default)
    other = profile(1, purpose=ChargingProfilePurpose.TX_PROFILE, kind="Relative", start=None, transaction_id=9)
    with pytest.raises(
        TransactionError, match=r"^RemoteStartTransaction's profile must not name another transactionId \(R19\)$"
    ):
        start_transaction(state, 2, 8, T0, other)
    too_high = profile(1, purpose=ChargingProfilePurpose.TX_PROFILE, kind="Relative", start=None, stack=9)
    with pytest.raises(TransactionError, match=r"^RemoteStartTransaction's profile was rejected: stackLevel 9 exceeds"):
        start_transaction(state, 2, 8, T0, too_high)
    same = profile(1, purpose=ChargingProfilePurpose.TX_PROFILE, kind="Relative", start=None, transaction_id=8)
    assert start_transaction(state, 2, 8, T0, same).profiles[0].profile.transaction_id == 8


def test_state_invariants_say_why() -> None:
    config = ChargePointConfig(outlet_count=2)
    with pytest.raises(ValueError, match=r"^transaction 7 is on unknown outlet 3$"):
        ChargePointState(config, transactions=[Transaction(3, 7, T0)])
    with pytest.raises(ValueError, match=r"^outlet 1 has more than one active transaction$"):
        ChargePointState(config, transactions=[Transaction(1, 7, T0), Transaction(1, 8, T0)])
    both = ChargePointState(config, transactions=[Transaction(2, 8, T0), Transaction(1, 7, T0)])
    assert [t.outlet_id for t in both.transactions] == [1, 2]


def test_states_hash_by_value() -> None:
    states = [installed(_two(), (0, profile(i, stack=1))) for i in range(1, 41)]
    assert hash(states[0]) == hash(installed(_two(), (0, profile(1, stack=1))))
    assert len({hash(s) for s in states}) > 30
    assert ChargePointState(ChargePointConfig()).__eq__(object()) is NotImplemented


def test_r10_reason_lists_every_allowed_unit() -> None:
    """The list is comma-separated (a configuration may name a unit twice)."""
    twice = ChargePointState(ChargePointConfig(allowed_rate_units=("W", "W")))
    assert _reject(twice, 0, profile(1, unit="A")) == (
        "R10",
        "unit A is not in ChargingScheduleAllowedChargingRateUnit W,W",
    )


def test_r35_cap_reason_shows_delivered_kwh() -> None:
    assert decide(1_550.0, 100.0, LocalPolicy(energy_cap_kwh=1.0))[2] == "Energy cap reached (1.6/1.0 kWh)"
    assert decide(2_049.0, 100.0, LocalPolicy(energy_cap_kwh=2.0))[2] == "Energy cap reached (2.0/2.0 kWh)"


# --- timeline and composite (R21-R31): anchors, far-ahead changes, merging after rounding -------------------------

DAY = 86_400


def _epoch(instant: datetime) -> int:
    return int(instant.timestamp())


def test_r22_d8_d9_anchors() -> None:
    """Absolute: its startSchedule; Relative: the start of charging; a Relative cap: when it was installed."""
    absolute = profile(1, start=at(3_600))
    relative = profile(2, kind="Relative", start=None)
    cap = profile(3, kind="Relative", start=None, purpose=ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE)
    assert profile_anchor(absolute, installed_at=100, session_start=500) == _epoch(at(3_600))
    assert profile_anchor(relative, installed_at=100, session_start=500) == 500
    assert profile_anchor(cap, installed_at=100, session_start=500) == 100


def test_change_instants_of_one_profile() -> None:
    one_shot = profile(1, periods=((0, 6.0), (600, 8.0)), duration=1_800, valid_from=at(-60), valid_to=at(7_200))
    t0 = _epoch(T0)
    assert sorted(change_instants(one_shot, installed_at=0, session_start=0)) == [
        t0 - 60, t0, t0 + 600, t0 + 1_800, t0 + 7_200
    ]  # fmt: skip
    relative = profile(2, kind="Relative", start=None, periods=((0, 6.0), (600, 8.0)), duration=900)
    assert sorted(change_instants(relative, installed_at=0, session_start=1_000)) == [1_000, 1_600, 1_900]
    daily = profile(3, kind="Recurring", recurrency="Daily", periods=((0, 6.0), (600, 8.0)))
    assert change_instants(daily, installed_at=0, session_start=1_000) == [t0]


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


def test_r23_slices_end_exactly_where_the_duration_ends() -> None:
    """No empty slice: not when a period starts exactly at the end of the duration, nor for a window that
    begins where the duration ends."""
    limited = profile(1, periods=((0, 6.0), (600, 8.0), (1_200, 10.0)), duration=600)
    t0 = _epoch(T0)
    assert profile_slices(limited, t0 - 60, t0 + 3_600, installed_at=0, session_start=0) == [Slice(t0, t0 + 600, 0)]
    assert profile_slices(limited, t0 + 600, t0 + 1_200, installed_at=0, session_start=0) == []
    three = profile(2, periods=((0, 6.0), (600, 8.0), (1_200, 10.0)))
    assert profile_slices(three, t0, t0 + 1_800, installed_at=0, session_start=0) == [
        Slice(t0, t0 + 600, 0), Slice(t0 + 600, t0 + 1_200, 1), Slice(t0 + 1_200, t0 + 1_800, 2)
    ]  # fmt: skip


def test_d9_a_relative_cap_runs_from_its_installation() -> None:
    cap = profile(1, kind="Relative", start=None, purpose="ChargePointMaxProfile", periods=((0, 6.0), (60, 8.0)))
    assert profile_slices(cap, 0, 10_000, installed_at=1_000, session_start=5_000) == [
        Slice(1_000, 1_060, 0), Slice(1_060, 10_000, 1)
    ]  # fmt: skip
    assert sorted(change_instants(cap, installed_at=1_000, session_start=5_000)) == [1_000, 1_060]


def test_r5_naive_instants_in_queries_are_named() -> None:
    state = installed(None, (0, profile(1)))
    with pytest.raises(NaiveDatetimeError, match=r"^after 2026-01-08T10:00:00 has no UTC offset"):
        next_change(state, 1, NAIVE)


def test_r23_a_recurrence_starting_in_the_last_second_of_the_window_is_there() -> None:
    daily = profile(1, kind="Recurring", recurrency="Daily", periods=((0, 6.0), (3_600, 8.0)))
    t0 = _epoch(T0)
    assert profile_slices(daily, t0 + DAY - 10, t0 + DAY + 1, installed_at=0, session_start=0) == [
        Slice(t0 + DAY - 10, t0 + DAY, 1), Slice(t0 + DAY, t0 + DAY + 1, 0)
    ]  # fmt: skip


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


def test_r5_a_naive_start_of_max_energy_wh_is_named() -> None:
    state = installed(None, (0, profile(1)))
    with pytest.raises(NaiveDatetimeError, match=r"^start 2026-01-08T10:00:00 has no UTC offset"):
        max_energy_wh(state, 1, NAIVE, 60)


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

    from smartcharge.engine._compiled import Target

    state = start_transaction(installed(None, (1, profile(1, periods=((0, 6.0), (600, 8.0))))), 1, 1, T0)
    with mock.patch.object(Target, "governing_at", autospec=True, side_effect=Target.governing_at) as computed:
        assert [limit_at(state, 1, at(offset), "A").value for offset in (0, 1, 300, 599, 600, 601, 3_600)] == [
            6.0, 6.0, 6.0, 6.0, 8.0, 8.0, 8.0
        ]  # fmt: skip
    assert computed.call_count == 2  # one per span: [0, 600) and [600, ...)


def test_limit_at_keeps_at_most_its_bound_of_answers_and_stays_right_past_it() -> None:
    from smartcharge._cache import SpanCache
    from smartcharge.engine._compiled import compiled_engine

    state = _many_spans()
    answers = compiled_engine(state).target(1).answers
    for k in range(12 * 48):  # more spans than the bound
        assert limit_at(state, 1, at(1_800 * k + 900), "A").value == 6.0 + k % 48 % 7
        for cache in answers.values():  # in W and in A
            starts, ends, limits = cache._table
            assert len(starts) == len(ends) == len(limits) <= SpanCache.LIMIT
    assert len(answers[ChargingRateUnit.A]._table[0]) == 12 * 48 - SpanCache.LIMIT  # emptied once, refilled
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
