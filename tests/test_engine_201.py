"""The engine on OCPP 2.0.1's facts, one named case each, values computed by hand: per-outlet hardware maxima and
DC outlets (SPEC-201 S9), external caps on an outlet and its share of the outlet-0 sum (S10/E5, S12), phaseToUse
in limits and composite periods (S9, E6), and 1.6 states answered as before."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from smartcharge import (
    ChargePointConfig,
    ChargePointState,
    ChargingProfile,
    ChargingRateUnit,
    ChargingSchedule,
    ChargingSchedulePeriod,
    OutletConfig,
    composite_schedule,
    install_profile,
    limit_at,
    start_transaction,
)
from smartcharge.engine.next_change import next_change
from smartcharge.ocpp16 import ChargingProfilePurpose as Purpose16
from smartcharge.ocpp201 import ChargingProfilePurpose as Purpose201
from smartcharge.ocpp201.external import set_external_constraints

A, W = ChargingRateUnit.A, ChargingRateUnit.W
T = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
TX_DEFAULT = Purpose201.TX_DEFAULT_PROFILE
STATION_MAX = Purpose201.CHARGING_STATION_MAX_PROFILE
EXTERNAL = Purpose201.CHARGING_STATION_EXTERNAL_CONSTRAINTS

#: Outlet 1: AC on 1 phase, 16 A; outlet 2: AC on 3 phases, 32 A (the default); outlet 3: DC, 200 A. 230 V.
MIXED = ChargePointConfig(
    outlet_count=3,
    voltage=230,
    outlet_max_current=32,
    outlets=(OutletConfig(1, max_current=16, supply_phases=1), OutletConfig(3, max_current=200, supply_phases=0)),
)


def period(start: int, limit: float, phases: int | None = None, phase_to_use: int | None = None):
    return ChargingSchedulePeriod(start, limit, phases, phase_to_use)


def absolute(id: int, purpose, unit: ChargingRateUnit, *periods: ChargingSchedulePeriod, **fields) -> ChargingProfile:
    """An Absolute profile starting at T with `periods`."""
    return ChargingProfile(
        id, fields.pop("stack", 0), purpose, "Absolute", ChargingSchedule(unit, periods, None, T), **fields
    )


def with_profiles(config: ChargePointConfig, *placements: tuple[int, ChargingProfile]) -> ChargePointState:
    state = ChargePointState(config)
    for outlet_id, profile in placements:
        outcome = install_profile(state, outlet_id, profile, T, replace_same_slot=False)
        assert outcome.accepted, outcome.reason
        state = outcome.state
    return state


def values(state: ChargePointState, outlet_id: int, unit: ChargingRateUnit, duration: int = 600):
    """The composite's periods as (startPeriod, limit, numberPhases, phaseToUse)."""
    schedule = composite_schedule(state, outlet_id, T, duration, unit)
    return [(p.start_period, p.limit, p.number_phases, p.phase_to_use) for p in schedule.periods]


# --- S9: each outlet's own hardware maximum, drawn on its own supply phases ----------------------------------------


@pytest.mark.parametrize(
    ("outlet_id", "amps", "watts", "phases"),
    [
        (1, 16.0, 3_680.0, 1),  # AC 1 phase: 16 A x 230 V x 1
        (2, 32.0, 22_080.0, 3),  # AC 3 phases (the defaults): 32 A x 230 V x 3
        (3, 200.0, 46_000.0, 1),  # DC: P = U x I = 200 A x 230 V
    ],
)
def test_s09_each_outlet_has_its_own_hardware_maximum_in_a_and_w(outlet_id, amps, watts, phases):
    state = ChargePointState(MIXED)
    in_amps, in_watts = limit_at(state, outlet_id, T, A), limit_at(state, outlet_id, T, W)
    assert (in_amps.value, in_amps.hardware_limit) == (None, amps)
    assert in_watts.hardware_limit == pytest.approx(watts)
    assert composite_schedule(state, outlet_id, T, 60, W).hardware_limit == pytest.approx(watts)


def test_s12_outlet_0_hardware_is_the_sum_of_the_outlets():
    state = ChargePointState(MIXED)
    # A: 16 + 32 + 200 = 248; W: 3,680 + 22,080 + 46,000 = 71,760
    assert limit_at(state, 0, T, A).hardware_limit == 248.0
    assert limit_at(state, 0, T, W).hardware_limit == pytest.approx(71_760.0)


def test_s12_outlet_0_sums_each_outlets_limit_or_its_own_hardware():
    state = with_profiles(MIXED, (2, absolute(1, TX_DEFAULT, A, period(0, 10.0))))
    # A: 16 (outlet 1, hardware) + 10 (outlet 2, its TxDefault) + 200 (outlet 3, hardware) = 226 A; the phases are
    # the largest among the outlets: 3 (outlet 2).
    assert values(state, 0, A) == [(0, 226.0, 3, None)]
    # W: 3,680 + 10 x 230 x 3 = 6,900 + 46,000 = 56,580 W
    [(_, watts, phases, _)] = values(state, 0, W)
    assert (watts, phases) == (pytest.approx(56_580.0), 3)


# --- S9, K01.FR.44: a DC outlet converts A <-> W on one "phase" (P = U x I) ----------------------------------------


def test_s09_dc_outlet_converts_watts_to_amps_on_one_phase():
    # 23,000 W "on 3 phases": on DC 23,000 / 230 = 100 A (on AC 3 phases it would be 23,000 / 690 = 33.3 A).
    state = with_profiles(MIXED, (3, absolute(1, TX_DEFAULT, W, period(0, 23_000.0, 3))))
    limit = limit_at(state, 3, T, A)
    assert (limit.value, limit.number_phases) == (pytest.approx(100.0), 1)


def test_s09_dc_outlet_converts_amps_to_watts_on_one_phase():
    # 50 A "on 3 phases": on DC 50 x 230 = 11,500 W (AC 3 phases: 34,500 W).
    state = with_profiles(MIXED, (3, absolute(1, TX_DEFAULT, A, period(0, 50.0, 3))))
    assert values(state, 3, W) == [(0, pytest.approx(11_500.0), 1, None)]
    # ... and so it enters outlet 0's sum in W: 3,680 + 22,080 + 11,500 = 37,260 W.
    assert limit_at(state, 0, T, W).value == pytest.approx(37_260.0)


# --- S10/E5: an external cap on one outlet caps it, and its share of the outlet-0 sum ------------------------------


def _external(id: int, *periods: dict) -> dict:
    return {
        "id": id,
        "stackLevel": 0,
        "chargingProfilePurpose": "ChargingStationExternalConstraints",
        "chargingProfileKind": "Absolute",
        "chargingSchedule": [
            {
                "id": 1,
                "startSchedule": "2026-03-02T10:00:00Z",
                "chargingRateUnit": "A",
                "chargingSchedulePeriod": list(periods),
            }
        ],
    }


def test_e5_external_cap_on_outlet_2_caps_it_and_its_share_of_the_outlet_0_sum():
    # The example of the shared scenario s10_e5_external_constraints: two EVSEs of 32 A, 230 V.
    state = ChargePointState(ChargePointConfig(outlet_count=2, voltage=230, outlet_max_current=32))
    evse0 = _external(
        -1, {"startPeriod": 0, "limit": 20, "numberPhases": 3}, {"startPeriod": 300, "limit": 50, "numberPhases": 3}
    )
    state, _ = set_external_constraints(state, 0, "EMS", evse0, T)
    # Evse 0 alone: 20 A, then 50 A, below the hardware sum 32 + 32 = 64 A.
    assert values(state, 0, A) == [(0, 20.0, 3, None), (300, 50.0, 3, None)]
    state, _ = set_external_constraints(
        state, 2, "SO", _external(-2, {"startPeriod": 0, "limit": 10, "numberPhases": 3}), T
    )
    # Evse 2 reads its own cap, 10 A (below evse 0's 20 and 50).
    assert values(state, 2, A) == [(0, 10.0, 3, None)]
    # Evse 1 reads evse 0's cap, as a station max (R25): no hardware bound on a profile's limit.
    assert values(state, 1, A) == [(0, 20.0, 3, None), (300, 50.0, 3, None)]
    # Evse 0: the sum is 32 (evse 1, hardware) + 10 (evse 2, its share capped) = 42; evse 0's cap 20 binds first,
    # then 50 does not: 42.
    assert values(state, 0, A) == [(0, 20.0, 3, None), (300, 42.0, 3, None)]
    # In W: 42 x 230 x 3 = 28,980 W after 300 s.
    assert limit_at(state, 0, T + timedelta(seconds=300), W).value == pytest.approx(28_980.0)


def test_e5_external_cap_on_an_outlet_caps_its_tx_default_share_where_lower():
    # Outlet 2 of MIXED: TxDefault 20 A (3 phases), external cap on outlet 2: 12 A. Its share is 12 A, so outlet 0
    # reads 16 (outlet 1) + 12 + 200 (outlet 3) = 228 A. A cap above the TxDefault (25 A) leaves the share at 20.
    low = with_profiles(
        MIXED, (2, absolute(1, TX_DEFAULT, A, period(0, 20.0))), (2, absolute(2, EXTERNAL, A, period(0, 12.0)))
    )
    assert limit_at(low, 2, T, A).value == 12.0
    assert limit_at(low, 0, T, A).value == 228.0
    high = with_profiles(
        MIXED, (2, absolute(1, TX_DEFAULT, A, period(0, 20.0))), (2, absolute(2, EXTERNAL, A, period(0, 25.0)))
    )
    assert limit_at(high, 2, T, A).value == 20.0
    assert limit_at(high, 0, T, A).value == 236.0  # 16 + 20 + 200


def test_e5_external_cap_on_an_outlet_does_not_reach_another_outlet():
    state = with_profiles(MIXED, (2, absolute(1, EXTERNAL, A, period(0, 5.0))))
    assert limit_at(state, 2, T, A).value == 5.0
    assert limit_at(state, 1, T, A).value is None  # outlet 1 has no profile: its hardware, 16 A
    assert limit_at(state, 0, T, A).value == 221.0  # 16 + 5 + 200


def test_e5_s12_external_cap_above_the_hardware_leaves_the_share_at_the_hardware_maximum():
    # One EVSE of 32 A; the energy management caps it at 40 A. Nothing else is installed. S12: its share of the
    # evse-0 sum is its hardware maximum (no Tx/TxDefault limit), 32 A, which E5's cap of 40 A does not lower:
    # evse 0 reads 32 A, not the cap's 40 A, which is more than the station's whole hardware.
    state = with_profiles(ChargePointConfig(outlet_count=1), (1, absolute(1, EXTERNAL, A, period(0, 40.0))))
    assert limit_at(state, 1, T, A).value == 40.0  # the EVSE itself: R25, a cap's limit, no hardware bound
    assert limit_at(state, 0, T, A).value == 32.0


# --- S9, E6: phaseToUse ------------------------------------------------------------------------------------------

SWITCHING = ChargePointConfig(
    outlet_count=2, outlets=(OutletConfig(1, phase_switching=True), OutletConfig(2, phase_switching=True))
)


def test_s09_phase_to_use_is_carried_into_limit_at_and_composite_periods():
    # TxDefault on outlet 1: 16 A on phase 2, from 600 s 16 A on phase 3, from 1,200 s the same again.
    profile = absolute(1, TX_DEFAULT, A, period(0, 16.0, 1, 2), period(600, 16.0, 1, 3), period(1_200, 16.0, 1, 3))
    state = with_profiles(SWITCHING, (1, profile))
    assert limit_at(state, 1, T, A).phase_to_use == 2
    assert limit_at(state, 1, T + timedelta(seconds=700), A).phase_to_use == 3
    # Neighbours differing only in phaseToUse stay apart; equal ones (600 and 1,200) merge.
    assert values(state, 1, A, 1_800) == [(0, 16.0, 1, 2), (600, 16.0, 1, 3)]


def test_s09_next_change_counts_a_change_of_phase_to_use():
    profile = absolute(1, TX_DEFAULT, A, period(0, 16.0, 1, 2), period(600, 16.0, 1, 3))
    state = with_profiles(SWITCHING, (1, profile))
    assert next_change(state, 1, T) == T + timedelta(seconds=600)  # 16 A on 1 phase throughout: only the phase moves
    assert next_change(state, 1, T + timedelta(seconds=600)) is None


def test_s09_no_phase_to_use_on_more_than_one_phase():
    # A cap naming phase 1 on 1 phase and a TxDefault on 3 phases: R26 takes the fewest phases, 1, so the cap's
    # phase holds; with the cap on 3 phases there is no phase to use.
    cap = absolute(1, STATION_MAX, A, period(0, 10.0, 1, 1))
    state = with_profiles(SWITCHING, (0, cap), (1, absolute(2, TX_DEFAULT, A, period(0, 16.0, 3))))
    assert (
        limit_at(state, 1, T, A).value,
        limit_at(state, 1, T, A).number_phases,
        limit_at(state, 1, T, A).phase_to_use,
    ) == (10.0, 1, 1)
    three = with_profiles(SWITCHING, (0, absolute(1, STATION_MAX, A, period(0, 10.0, 3))))
    assert limit_at(three, 1, T, A).phase_to_use is None


def test_s09_phase_to_use_on_outlet_0_only_where_the_caps_bind():
    # Two outlets of 32 A, 3 phases: hardware sum 64 A on 3 phases. A station max of 10 A on 1 phase (phase 1)
    # binds: (10, 1, 1). One of 100 A on 1 phase does not: the sum, 64 A on 3 phases, no phase to use.
    binding = with_profiles(SWITCHING, (0, absolute(1, STATION_MAX, A, period(0, 10.0, 1, 1))))
    assert values(binding, 0, A) == [(0, 10.0, 1, 1)]
    loose = with_profiles(SWITCHING, (0, absolute(1, STATION_MAX, A, period(0, 100.0, 1, 1))))
    assert values(loose, 0, A) == [(0, 64.0, 3, None)]


def test_s09_dc_outlet_has_no_phase_to_use():
    # A station reachable through SetChargingProfile: evse 1 DC, evse 2 AC switching phases, so a station max of
    # 10 A on 1 phase, phase 1, is accepted on evse 0 (K01.FR.19 asks every AC EVSE to switch). On the DC evse the
    # limit is 10 A (P = U x I: one "phase"), and no phase to use.
    config = ChargePointConfig(
        outlet_count=2, outlets=(OutletConfig(1, supply_phases=0), OutletConfig(2, phase_switching=True))
    )
    state = with_profiles(config, (0, absolute(1, STATION_MAX, A, period(0, 10.0, 1, 1))))
    assert limit_at(state, 2, T, A).phase_to_use == 1  # the AC evse draws on phase 1
    limit = limit_at(state, 1, T, A)
    assert (limit.value, limit.number_phases, limit.phase_to_use) == (10.0, 1, None)


# --- 1.6 states answer as before ------------------------------------------------------------------------------------


def _state_16(config: ChargePointConfig) -> ChargePointState:
    # ChargePointMax 40 A (3 phases) on 0, TxDefault 16 A on 0, a transaction on connector 1 with a TxProfile of
    # 6,000 W (numberPhases absent: 3).
    state = with_profiles(
        config,
        (0, absolute(1, Purpose16.CHARGE_POINT_MAX_PROFILE, A, period(0, 40.0))),
        (0, absolute(2, Purpose16.TX_DEFAULT_PROFILE, A, period(0, 16.0))),
    )
    state = start_transaction(state, 1, 7, T)
    outcome = install_profile(state, 1, absolute(3, Purpose16.TX_PROFILE, W, period(0, 6_000.0)), T)
    assert outcome.accepted
    return outcome.state


def test_r25_r27_a_16_state_is_answered_as_before():
    state = _state_16(ChargePointConfig(outlet_count=2, voltage=230, outlet_max_current=32))
    # Connector 1: min(40 A, 6,000 W / (230 V x 3) = 8.6957 A) on 3 phases; connector 2: min(40, 16) = 16 A.
    assert limit_at(state, 1, T, A).value == pytest.approx(6_000 / 690)
    assert limit_at(state, 2, T, A).value == 16.0
    # Connector 0: 8.6957 + 16 = 24.6957 A below the cap 40 A; in W 6,000 + 16 x 690 = 17,040 W below 27,600 W.
    assert values(state, 0, A) == [(0, pytest.approx(6_000 / 690 + 16), 3, None)]
    assert values(state, 0, W) == [(0, pytest.approx(17_040.0), 3, None)]
    assert limit_at(state, 0, T, A).hardware_limit == 64.0
    assert all(limit_at(state, c, T, u).phase_to_use is None for c in (0, 1, 2) for u in (A, W))


def test_s09_outlet_configs_equal_to_the_defaults_change_nothing():
    plain = ChargePointConfig(outlet_count=2, voltage=230, outlet_max_current=32)
    spelled_out = ChargePointConfig(
        outlet_count=2,
        voltage=230,
        outlet_max_current=32,
        outlets=(OutletConfig(1, 32, 3), OutletConfig(2, None, None)),
    )
    a, b = _state_16(plain), _state_16(spelled_out)
    for outlet_id in (0, 1, 2):
        for unit in (A, W):
            assert (
                composite_schedule(a, outlet_id, T, 3_600, unit).periods
                == composite_schedule(b, outlet_id, T, 3_600, unit).periods
            )
            assert limit_at(a, outlet_id, T, unit).hardware_limit == limit_at(b, outlet_id, T, unit).hardware_limit
