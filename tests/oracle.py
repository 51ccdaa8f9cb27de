"""The oracle: a slow, plain re-statement of the evaluation rules R21-R27 (SPEC.md), with OCPP 2.0.1's facts
(SPEC-201 S9, S10/E5, S12, E6), one instant at a time.

Property tests compare the fast engine (`smartcharge.engine.composite`) with this module on random states. To be a
fair judge it shares no code with the engine: it reads only the data classes of `smartcharge.engine.model` and
`smartcharge.engine.store` (their fields, not their helpers) and does its own time arithmetic and unit conversion.
Every function names the rule it restates; nothing here is clever or fast. `oracle_limit` answers one instant with
the phase to use, `oracle_value` the same without it, `oracle_schedule` one value per second of a window.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from smartcharge.engine.model import (
    ChargePointConfig,
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

__all__ = ["OracleLimit", "oracle_limit", "oracle_schedule", "oracle_value"]

#: The caps, in the order the phase to use is looked for among them (the central system's before the external
#: ones; E4 keeps installed caps and Tx/TxDefault profiles from naming different phases anyway).
CAP_PURPOSES = (
    ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE,
    Purpose201.CHARGING_STATION_MAX_PROFILE,
    Purpose201.CHARGING_STATION_EXTERNAL_CONSTRAINTS,
)
TX_PROFILE = ChargingProfilePurpose.TX_PROFILE
TX_DEFAULT = ChargingProfilePurpose.TX_DEFAULT_PROFILE


class Contributor(NamedTuple):
    """A governing period: its limit, the unit of its schedule ("A" | "W"), numberPhases and phaseToUse as given
    (None where absent)."""

    limit: float
    unit: str
    phases: int | None
    phase_to_use: int | None


class OracleLimit(NamedTuple):
    """The oracle's answer: the limit (None: no profile imposes one), numberPhases, phaseToUse (None: any)."""

    value: float | None
    phases: int
    phase_to_use: int | None


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
    """Which installed profiles of `purpose` apply to outlet `outlet_id` (R7, R8, R9, D10, SPEC-201 E5): a cap on
    outlet 0 applies to every outlet, an external cap on outlet N to N as well; for outlet 0 itself only the caps
    installed there (the caps on an outlet cap its share instead, `outlet_share`). A TxDefaultProfile on 0 or on
    the outlet itself; a TxProfile on the outlet itself."""
    if installed.profile.charging_profile_purpose != purpose:
        return False
    if purpose in CAP_PURPOSES:
        return installed.outlet_id in (0, outlet_id)
    if purpose == TX_DEFAULT:
        return installed.outlet_id in (0, outlet_id)
    return installed.outlet_id == outlet_id


def stack_winner(
    state: ChargePointState,
    purpose: Purpose,
    outlet_id: int,
    t: datetime,
    window_start: datetime,
    installed_on: tuple[int, ...] | None = None,
) -> Contributor | None:
    """R24 + D10: among the profiles of `purpose` that apply to the outlet (and, when given, are installed on one
    of `installed_on`) and cover t, the one with the highest stackLevel governs; on equal stackLevel a profile on
    the outlet itself beats one on outlet 0. Returns its governing period, or None when nothing of this purpose
    covers t."""
    best_rank = None
    best = None
    for installed in state.profiles:
        if not applies_to(installed, purpose, outlet_id):
            continue
        if installed_on is not None and installed.outlet_id not in installed_on:
            continue
        period = governing_period(state, installed, outlet_id, t, window_start)
        if period is None:
            continue
        on_the_outlet_itself = 1 if installed.outlet_id == outlet_id else 0
        rank = (installed.profile.stack_level, on_the_outlet_itself)
        if best_rank is None or rank > best_rank:
            best_rank = rank
            unit = _unit_name(installed.profile.charging_schedule.charging_rate_unit)
            best = Contributor(period.limit, unit, period.number_phases, period.phase_to_use)
    return best


def tx_contributor(state: ChargePointState, outlet_id: int, t: datetime, window_start: datetime) -> Contributor | None:
    """R25: the TxProfile stack if it covers t, else the TxDefaultProfile stack (None if neither covers t)."""
    found = stack_winner(state, TX_PROFILE, outlet_id, t, window_start)
    if found is None:
        found = stack_winner(state, TX_DEFAULT, outlet_id, t, window_start)
    return found


def cap_contributors(
    state: ChargePointState, t: datetime, window_start: datetime, outlet_id: int = 0, only_on: int | None = None
) -> list[Contributor]:
    """R25: the governing period of each cap purpose that applies to `outlet_id` (0: those installed on outlet
    0) and covers t, in the order of `CAP_PURPOSES`; `only_on`: only the caps installed on that outlet."""
    found = []
    installed_on = None if only_on is None else (only_on,)
    for purpose in CAP_PURPOSES:
        winner = stack_winner(state, purpose, outlet_id, t, window_start, installed_on)
        if winner is not None:
            found.append(winner)
    return found


# --- an outlet's electrical facts (SPEC-201 S9) ------------------------------------------------------------------


def supply_phases(config: ChargePointConfig, outlet_id: int) -> int:
    """S9: the phases outlet `outlet_id` supplies: its OutletConfig's (0 for DC), else the default phases."""
    for outlet in config.outlets:
        if outlet.outlet_id == outlet_id and outlet.supply_phases is not None:
            return outlet.supply_phases
    return config.default_number_phases


def max_current(config: ChargePointConfig, outlet_id: int) -> float:
    """S9, R25: outlet `outlet_id`'s hardware maximum in A per phase: its OutletConfig's, else the default."""
    for outlet in config.outlets:
        if outlet.outlet_id == outlet_id and outlet.max_current is not None:
            return outlet.max_current
    return config.outlet_max_current


def is_dc(config: ChargePointConfig, outlet_id: int) -> bool:
    """S9: an outlet supplying 0 phases is DC."""
    return outlet_id > 0 and supply_phases(config, outlet_id) == 0


def hardware_maximum(config: ChargePointConfig, outlet_id: int, unit: str) -> tuple[float, int]:
    """R25, S9: outlet `outlet_id`'s hardware maximum in `unit` and the phases it is drawn on: its max current
    on its supply phases (P = U x I on DC, one "phase", K01.FR.44)."""
    phases = 1 if is_dc(config, outlet_id) else supply_phases(config, outlet_id)
    amps = max_current(config, outlet_id)
    if unit == "A":
        return amps, phases
    return amps * config.voltage * phases, phases


# --- combining (R25, R26, R27) ---------------------------------------------------------------------------------


def combine(
    state: ChargePointState, contributors: list[Contributor], unit: str, dc: bool = False
) -> tuple[float | None, int]:
    """R26: phases = the smallest numberPhases among the contributors (the configured default where absent; 1 on
    a DC outlet whatever they say, K01.FR.44); in A: min(min_A, min_W / (V * phases)); in W:
    min(min_W, min_A * V * phases). No contributor: (None, default phases)."""
    default_phases = state.config.default_number_phases
    if not contributors:
        return None, default_phases
    voltage = state.config.voltage
    phases = 1 if dc else min(default_phases if c.phases is None else c.phases for c in contributors)
    amps = [c.limit for c in contributors if c.unit == "A"]
    watts = [c.limit for c in contributors if c.unit == "W"]
    if unit == "A":
        candidates = amps + [w / (voltage * phases) for w in watts]
    else:
        candidates = watts + [a * voltage * phases for a in amps]
    return min(candidates), phases


def phase_to_use(state: ChargePointState, contributors: list[Contributor], phases: int) -> int | None:
    """SPEC-201 S9, E6: a limit drawn on one phase is drawn on the phaseToUse of the first contributor on one phase
    that names one (caps first, in `CAP_PURPOSES` order, then the Tx/TxDefault limit); on more phases none."""
    if phases != 1:
        return None
    default_phases = state.config.default_number_phases
    for c in contributors:
        if c.phase_to_use is not None and (default_phases if c.phases is None else c.phases) == 1:
            return c.phase_to_use
    return None


def outlet_value(
    state: ChargePointState, outlet_id: int, at: datetime, window_start: datetime, unit: str
) -> OracleLimit:
    """R25 + R26 for one outlet 1..N: min of the caps that apply to it (on outlet 0, and external caps on the
    outlet itself, E5) and its Tx/TxDefault limit, combined per R26; on DC on one phase (S9, K01.FR.44), where
    phaseToUse means nothing (K01.FR.44: ignored)."""
    contributors = cap_contributors(state, at, window_start, outlet_id)
    tx = tx_contributor(state, outlet_id, at, window_start)
    if tx is not None:
        contributors.append(tx)
    dc = is_dc(state.config, outlet_id)
    value, phases = combine(state, contributors, unit, dc)
    if value is None:  # R25, E6: nothing limits: the hardware maximum, on the phases the outlet supplies
        return OracleLimit(None, hardware_maximum(state.config, outlet_id, unit)[1], None)
    return OracleLimit(value, phases, None if dc else phase_to_use(state, contributors, phases))


def outlet_share(
    state: ChargePointState, outlet_id: int, at: datetime, window_start: datetime, unit: str
) -> tuple[float, int, bool]:
    """R27 + SPEC-201 E5, S12: outlet `outlet_id`'s share of the whole charge point's limit: its Tx/TxDefault
    limit in `unit` with its own phases, its hardware maximum where it has none; then, if the caps installed on
    the outlet itself (external constraints on one EVSE), combined among themselves with their own phases, are
    strictly lower, they. Returns (value, phases, whether a profile made it)."""
    config = state.config
    dc = is_dc(config, outlet_id)
    tx = tx_contributor(state, outlet_id, at, window_start)
    if tx is None:
        value, phases = hardware_maximum(config, outlet_id, unit)
    else:
        tx_value, phases = combine(state, [tx], unit, dc)
        assert tx_value is not None
        value = tx_value
    own_caps = cap_contributors(state, at, window_start, outlet_id, only_on=outlet_id)
    cap_value, cap_phases = combine(state, own_caps, unit, dc)
    if cap_value is not None and cap_value < value:
        return cap_value, cap_phases, True
    return value, phases, tx is not None or bool(own_caps)


def charge_point_value(state: ChargePointState, at: datetime, window_start: datetime, unit: str) -> OracleLimit:
    """R27, S12: outlet 0. Each outlet's share (`outlet_share`), summed; the caps installed on outlet 0 (combined
    per R26 among themselves, with their own phases) govern if strictly lower. numberPhases: the caps' when they
    govern (with their phaseToUse on one phase), else the largest among the outlets. None only when no profile
    limits any outlet and no cap covers `at`."""
    default_phases = state.config.default_number_phases
    limited = False
    total = 0.0
    outlet_phases = []
    hardware_phases = []
    for outlet_id in state.config.outlet_ids:
        hardware_phases.append(hardware_maximum(state.config, outlet_id, unit)[1])
        value, phases, by_a_profile = outlet_share(state, outlet_id, at, window_start, unit)
        total += value
        outlet_phases.append(phases)
        limited = limited or by_a_profile
    caps = cap_contributors(state, at, window_start)
    cap_value, cap_phases = combine(state, caps, unit)
    if cap_value is not None and cap_value < total:
        return OracleLimit(cap_value, cap_phases, phase_to_use(state, caps, cap_phases))
    if not limited and cap_value is None:  # E6: the hardware, on the most phases an outlet supplies
        return OracleLimit(None, max(hardware_phases, default=default_phases), None)
    return OracleLimit(total, max(outlet_phases, default=default_phases), None)


def oracle_limit(
    state: ChargePointState,
    outlet_id: int,
    at: datetime,
    window_start: datetime,
    unit: ChargingRateUnit | str,
) -> OracleLimit:
    """(limit in `unit`, numberPhases, phaseToUse) at instant `at` on `outlet_id` (0: the whole charge point,
    R27) for a window starting at `window_start` (the D8 anchor). None: no profile imposes a limit (then the
    phases are those the hardware is drawn on: the outlet's supply, the most among the outlets for outlet 0)."""
    name = _unit_name(unit)
    if outlet_id == 0:
        return charge_point_value(state, at, window_start, name)
    return outlet_value(state, outlet_id, at, window_start, name)


def oracle_value(
    state: ChargePointState,
    outlet_id: int,
    at: datetime,
    window_start: datetime,
    unit: ChargingRateUnit | str,
) -> tuple[float | None, int]:
    """`oracle_limit` without the phase to use: (limit, numberPhases)."""
    answer = oracle_limit(state, outlet_id, at, window_start, unit)
    return answer.value, answer.phases


def oracle_schedule(
    state: ChargePointState,
    outlet_id: int,
    start: datetime,
    duration: int,
    unit: ChargingRateUnit | str,
) -> list[tuple[float | None, int]]:
    """`oracle_value` at every second of [start, start + duration), with the window starting at `start`."""
    return [oracle_value(state, outlet_id, start + timedelta(seconds=s), start, unit) for s in range(duration)]
