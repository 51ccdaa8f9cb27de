"""The oracle: a slow, plain re-statement of the evaluation rules R21-R27 (SPEC.md), one instant at a time.

Property tests compare the fast engine (`smartcharge.engine.composite`) with this module on random states. To be a
fair judge it shares no code with the engine: it reads only the data classes of `smartcharge.engine.model` and
`smartcharge.engine.store` and does its own time arithmetic and unit conversion. Every function names the rule it
restates; nothing here is clever or fast. `oracle_value` answers one instant, `oracle_schedule` one value per
second of a window.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from smartcharge.engine.model import (
    ChargingProfile,
    ChargingProfileKind,
    ChargingRateUnit,
    ChargingSchedulePeriod,
    Purpose,
    RecurrencyKind,
)
from smartcharge.engine.store import ChargePointState, InstalledProfile
from smartcharge.ocpp16 import ChargingProfilePurpose
from smartcharge.ocpp201 import ChargingProfilePurpose as Purpose201

__all__ = ["oracle_schedule", "oracle_value"]

CAP_PURPOSES = (
    ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE,
    Purpose201.CHARGING_STATION_EXTERNAL_CONSTRAINTS,
)
TX_PROFILE = ChargingProfilePurpose.TX_PROFILE
TX_DEFAULT = ChargingProfilePurpose.TX_DEFAULT_PROFILE

#: A governing period as (limit, unit of its schedule "A" | "W", numberPhases or None).
Contributor = tuple[float, str, int | None]


def _unit_name(unit: ChargingRateUnit | str) -> str:
    """The unit as text, "A" or "W", whether given as the enum or as text."""
    return unit.value if isinstance(unit, ChargingRateUnit) else str(unit)


def is_valid_at(profile: ChargingProfile, t: datetime) -> bool:
    """R21: a profile counts at t only if validFrom <= t < validTo (an absent bound is no bound)."""
    if profile.valid_from is not None and t < profile.valid_from:
        return False
    return not (profile.valid_to is not None and t >= profile.valid_to)


def recurrence_length(profile: ChargingProfile) -> int | None:
    """R22: one recurrence lasts 86400 s (Daily) or 604800 s (Weekly); D11: only a Recurring profile recurs."""
    if profile.charging_profile_kind is not ChargingProfileKind.RECURRING:
        return None
    if profile.recurrency_kind is RecurrencyKind.DAILY:
        return 86_400
    if profile.recurrency_kind is RecurrencyKind.WEEKLY:
        return 604_800
    return None


def anchor(
    state: ChargePointState, installed: InstalledProfile, outlet_id: int, t: datetime, window_start: datetime
) -> datetime | None:
    """R22: the instant the profile's schedule starts from, as seen at t on `outlet_id`; None when the profile
    has no schedule start at t (D7: a Recurring profile before its startSchedule)."""
    profile = installed.profile
    kind = profile.charging_profile_kind
    start_schedule = profile.charging_schedule.start_schedule

    if kind is ChargingProfileKind.RECURRING:
        # R22: the latest startSchedule + k * length (k >= 0) that is <= t; D7: nothing before startSchedule.
        assert start_schedule is not None
        length = recurrence_length(profile)
        assert length is not None
        if t < start_schedule:
            return None
        k = (t - start_schedule) // timedelta(seconds=length)
        return start_schedule + timedelta(seconds=k * length)

    if kind is ChargingProfileKind.ABSOLUTE and start_schedule is not None:
        # R22: an Absolute schedule starts at its startSchedule.
        return start_schedule

    # Relative (R13: any startSchedule ignored), or Absolute without startSchedule (D4).
    if profile.charging_profile_purpose in CAP_PURPOSES:
        # D9: a cap anchored "at the start of charging" is anchored at the moment it was installed.
        return installed.installed_at
    # R22: the start of the active transaction on the connector being evaluated; D8: else the window start.
    for transaction in state.transactions:
        if transaction.outlet_id == outlet_id:
            return transaction.start
    return window_start


def governing_period(
    state: ChargePointState, installed: InstalledProfile, outlet_id: int, t: datetime, window_start: datetime
) -> ChargingSchedulePeriod | None:
    """R21 + R23: the period of this profile in force at t, or None when the profile is not valid at t or its
    schedule does not cover t."""
    profile = installed.profile
    if not is_valid_at(profile, t):
        return None
    start = anchor(state, installed, outlet_id, t, window_start)
    if start is None:
        return None
    offset = (t - start).total_seconds()
    if offset < 0:
        return None
    duration = profile.charging_schedule.duration
    if duration is not None and offset >= duration:
        return None
    length = recurrence_length(profile)
    if length is not None and offset >= length:
        return None
    chosen = None
    for period in profile.charging_schedule.charging_schedule_period:
        if period.start_period <= offset:
            chosen = period
    return chosen


def applies_to(installed: InstalledProfile, purpose: Purpose, outlet_id: int) -> bool:
    """Which installed profiles of `purpose` apply to connector `outlet_id` (R7, R8, R9, D10): caps are
    installed on connector 0 and apply to the charge point; a TxDefaultProfile on 0 or on the connector itself;
    a TxProfile on the connector itself."""
    if installed.profile.charging_profile_purpose is not purpose:
        return False
    if purpose in CAP_PURPOSES:
        return installed.outlet_id == 0
    if purpose is TX_DEFAULT:
        return installed.outlet_id in (0, outlet_id)
    return installed.outlet_id == outlet_id


def stack_winner(
    state: ChargePointState,
    purpose: Purpose,
    outlet_id: int,
    t: datetime,
    window_start: datetime,
) -> Contributor | None:
    """R24 + D10: among the profiles of `purpose` that apply to the connector and cover t, the one with the
    highest stackLevel governs; on equal stackLevel a profile on the connector itself beats one on connector 0.
    Returns its governing period as a contributor, or None when nothing of this purpose covers t."""
    best_rank = None
    best = None
    for installed in state.profiles:
        if not applies_to(installed, purpose, outlet_id):
            continue
        period = governing_period(state, installed, outlet_id, t, window_start)
        if period is None:
            continue
        on_the_connector_itself = 1 if installed.outlet_id == outlet_id else 0
        rank = (installed.profile.stack_level, on_the_connector_itself)
        if best_rank is None or rank > best_rank:
            best_rank = rank
            unit = _unit_name(installed.profile.charging_schedule.charging_rate_unit)
            best = (period.limit, unit, period.number_phases)
    return best


def tx_contributor(
    state: ChargePointState, outlet_id: int, t: datetime, window_start: datetime
) -> Contributor | None:
    """R25: the TxProfile stack if it covers t, else the TxDefaultProfile stack (None if neither covers t)."""
    found = stack_winner(state, TX_PROFILE, outlet_id, t, window_start)
    if found is None:
        found = stack_winner(state, TX_DEFAULT, outlet_id, t, window_start)
    return found


def cap_contributors(state: ChargePointState, t: datetime, window_start: datetime) -> list[Contributor]:
    """R25: the governing period of each cap purpose (ChargePointMax, ExternalConstraints) that covers t."""
    found = []
    for purpose in CAP_PURPOSES:
        winner = stack_winner(state, purpose, 0, t, window_start)
        if winner is not None:
            found.append(winner)
    return found


def combine(state: ChargePointState, contributors: list[Contributor], unit: str) -> tuple[float | None, int]:
    """R26: phases = the smallest numberPhases among the contributors (the configured default where absent);
    in A: min(min_A, min_W / (V * phases)); in W: min(min_W, min_A * V * phases).
    No contributor: (None, default phases)."""
    default_phases = state.config.default_number_phases
    if not contributors:
        return None, default_phases
    voltage = state.config.voltage
    phases = min(default_phases if p is None else p for (_, _, p) in contributors)
    amps = [limit for (limit, u, _) in contributors if u == "A"]
    watts = [limit for (limit, u, _) in contributors if u == "W"]
    if unit == "A":
        candidates = amps + [w / (voltage * phases) for w in watts]
    else:
        candidates = watts + [a * voltage * phases for a in amps]
    return min(candidates), phases


def connector_value(
    state: ChargePointState, outlet_id: int, at: datetime, window_start: datetime, unit: str
) -> tuple[float | None, int]:
    """R25 + R26 for one connector 1..N: min of the caps and the Tx/TxDefault limit, combined per R26."""
    contributors = cap_contributors(state, at, window_start)
    tx = tx_contributor(state, outlet_id, at, window_start)
    if tx is not None:
        contributors.append(tx)
    return combine(state, contributors, unit)


def hardware_maximum(state: ChargePointState, unit: str) -> float:
    """R25: a connector's hardware maximum (config.outlet_max_current, A) in `unit` with the default phases."""
    config = state.config
    if unit == "A":
        return config.outlet_max_current
    return config.outlet_max_current * config.voltage * config.default_number_phases


def charge_point_value(
    state: ChargePointState, at: datetime, window_start: datetime, unit: str
) -> tuple[float | None, int]:
    """R27: connector 0. Each connector's Tx/TxDefault limit in `unit` with that connector's own phases (hardware
    maximum with default phases where it has none), summed; the caps (combined per R26 among themselves, with
    their own phases) govern if strictly lower. numberPhases: the caps' when they govern, else the largest among
    the connectors. None only when no profile at all covers `at`."""
    default_phases = state.config.default_number_phases
    any_tx = False
    total = 0.0
    connector_phases = []
    for outlet_id in state.config.outlet_ids:
        tx = tx_contributor(state, outlet_id, at, window_start)
        if tx is None:
            total += hardware_maximum(state, unit)
            connector_phases.append(default_phases)
        else:
            any_tx = True
            value, phases = combine(state, [tx], unit)
            assert value is not None
            total += value
            connector_phases.append(phases)
    cap_value, cap_phases = combine(state, cap_contributors(state, at, window_start), unit)
    if cap_value is not None and cap_value < total:
        return cap_value, cap_phases
    if not any_tx and cap_value is None:
        return None, default_phases
    return total, max(connector_phases, default=default_phases)


def oracle_value(
    state: ChargePointState,
    outlet_id: int,
    at: datetime,
    window_start: datetime,
    unit: ChargingRateUnit | str,
) -> tuple[float | None, int]:
    """(limit in `unit`, numberPhases) at instant `at` on `outlet_id` (0: the whole charge point, R27) for a
    window starting at `window_start` (the D8 anchor). None: no profile imposes a limit (then the phases are the
    configured default)."""
    name = _unit_name(unit)
    if outlet_id == 0:
        return charge_point_value(state, at, window_start, name)
    return connector_value(state, outlet_id, at, window_start, name)


def oracle_schedule(
    state: ChargePointState,
    outlet_id: int,
    start: datetime,
    duration: int,
    unit: ChargingRateUnit | str,
) -> list[tuple[float | None, int]]:
    """`oracle_value` at every second of [start, start + duration), with the window starting at `start`."""
    return [oracle_value(state, outlet_id, start + timedelta(seconds=s), start, unit) for s in range(duration)]
