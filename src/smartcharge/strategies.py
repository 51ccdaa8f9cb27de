"""Hypothesis strategies for smartcharge values, for your own property tests (needs the `testing` extra).

The strategies come in two families, one per protocol: the plain names are OCPP 1.6's (`charging_profiles`,
`charge_point_configs`, `charge_point_states`, ...), the same names ending in ``_201`` are OCPP 2.0.1's
(`charging_profiles_201`, `charge_point_configs_201`, `charge_point_states_201`, with `outlet_configs`; SPEC-201).

Every strategy here produces values the library accepts: profiles that pass validation (R4, R5, R11-R13),
configurations a charge point may have, SetChargingProfile payloads that parse (answered ``Accepted`` or a
rule-based ``Rejected``, never a CALLERROR), whole charge point states built through the real store operations,
and replay scripts that replay without a `ScriptError`. Times cluster around `BASE` (Monday 2026-01-05 00:00 UTC)
so that generated profiles overlap, stack and recur into each other instead of missing each other by years.

Every strategy is built once (at import or on the first call with given arguments, then cached), never inside a
draw, so using them costs no more than Hypothesis' own.

    >>> from hypothesis import given
    >>> from smartcharge.strategies import charging_profiles
    >>> @given(charging_profiles())
    ... def test_profile_round_trips(profile): ...
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError("smartcharge.strategies needs Hypothesis: pip install 'smartcharge[testing]'") from exc

import attrs

from smartcharge.engine.model import (
    ChargePointConfig,
    ChargingProfile,
    ChargingProfileKind,
    ChargingRateUnit,
    ChargingSchedule,
    ChargingSchedulePeriod,
    OutletConfig,
    Purpose,
    PurposeRole,
    RecurrencyKind,
    TransactionId,
)
from smartcharge.engine.store import ChargePointState, install_profile, start_transaction
from smartcharge.errors import InvalidArgumentError, ProfileValidationError
from smartcharge.ocpp16.codec import config_to_ocpp, profile_to_ocpp
from smartcharge.ocpp16.purposes import PURPOSES, ChargingProfilePurpose
from smartcharge.ocpp201.codec import profile_to_ocpp as profile_to_ocpp_201
from smartcharge.ocpp201.external import set_external_constraints
from smartcharge.ocpp201.handlers import MAX_TRANSACTION_ID_LENGTH, handle_set_charging_profile
from smartcharge.ocpp201.purposes import PURPOSES as PURPOSES_201
from smartcharge.ocpp201.rules import transaction_by_id

__all__ = [
    "BASE",
    "charge_point_configs",
    "charge_point_configs_201",
    "charge_point_states",
    "charge_point_states_201",
    "charging_profiles",
    "charging_profiles_201",
    "charging_schedule_periods",
    "charging_schedules",
    "instants",
    "limits",
    "outlet_configs",
    "replay_scripts",
    "set_charging_profile_payloads",
    "transaction_ids_201",
]

#: The instant generated times cluster around: Monday 2026-01-05 00:00:00 UTC.
BASE = datetime(2026, 1, 5, tzinfo=timezone.utc)


@functools.cache
def instants(span_seconds: int = 3 * 86_400, around: datetime = BASE) -> st.SearchStrategy[datetime]:
    """UTC instants within `span_seconds` of `around`, often on round minutes and quarter hours."""
    offsets = st.one_of(
        st.integers(-span_seconds // 900, span_seconds // 900).map(lambda q: q * 900),
        st.integers(-span_seconds // 60, span_seconds // 60).map(lambda m: m * 60),
        st.integers(-span_seconds, span_seconds),
    )
    return offsets.map(lambda s: around + timedelta(seconds=s))


@functools.cache
def limits(unit: ChargingRateUnit | None = None) -> st.SearchStrategy[float]:
    """Limits as central systems send them: whole numbers, one decimal, now and then 0 or any float."""
    top = 80.0 if unit is ChargingRateUnit.A else 60_000.0
    return st.one_of(
        st.integers(0, int(top)).map(float),
        st.integers(0, int(top * 10)).map(lambda x: x / 10),
        st.just(0.0),
        st.floats(0.0, top, allow_nan=False, allow_infinity=False),
    )


# Strategies built once: building them inside a draw would make Hypothesis validate them on every draw.
_PHASES = st.one_of(st.none(), st.integers(1, 3))
_UNITS = st.sampled_from(ChargingRateUnit)
_KINDS = st.sampled_from(ChargingProfileKind)
_PURPOSES = st.sampled_from(PURPOSES)
_RECURRENCY = st.sampled_from(RecurrencyKind)
_SENT_ANYWAY = st.one_of(st.none(), _RECURRENCY)  # D11: recurrencyKind on other kinds is ignored, but sent
_IDS = st.integers(1, 50)
_DURATION_KIND = st.sampled_from(["none", "any", "past-last-period", "round"])
_ROUND_DURATIONS = st.sampled_from([3_600, 86_400, 604_800])


@functools.cache
def _later_starts(max_periods: int, horizon: int) -> st.SearchStrategy[list[int]]:
    return st.lists(
        st.one_of(st.integers(1, horizon // 300).map(lambda k: k * 300), st.integers(1, horizon)),
        max_size=max(0, max_periods - 1),
        unique=True,
    )


@functools.cache
def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


@functools.cache
def _stack_levels(max_stack_level: int) -> st.SearchStrategy[int]:
    return st.integers(0, max_stack_level)


def charging_schedule_periods(
    unit: ChargingRateUnit | None = None, max_periods: int = 6, horizon: int = 86_400
) -> st.SearchStrategy[tuple[ChargingSchedulePeriod, ...]]:
    """Valid period lists (R4): first at 0, strictly increasing starts below `horizon` seconds."""
    return _periods(unit, max_periods, horizon)


@st.composite
def _periods(
    draw: st.DrawFn, unit: ChargingRateUnit | None, max_periods: int, horizon: int
) -> tuple[ChargingSchedulePeriod, ...]:
    starts = [0, *sorted(draw(_later_starts(max_periods, horizon)))]
    return tuple(ChargingSchedulePeriod(s, draw(limits(unit)), draw(_PHASES)) for s in starts)


def charging_schedules(
    unit: ChargingRateUnit | None = None, max_periods: int = 6, with_start: bool | None = None
) -> st.SearchStrategy[ChargingSchedule]:
    """Valid schedules; `with_start` forces startSchedule present (True) or absent (False)."""
    return _schedules(unit, max_periods, with_start)


@st.composite
def _schedules(
    draw: st.DrawFn, unit: ChargingRateUnit | None, max_periods: int, with_start: bool | None
) -> ChargingSchedule:
    rate_unit = unit or draw(_UNITS)
    periods = draw(_periods(rate_unit, max_periods, 86_400))
    duration = _duration(draw, periods)
    present = draw(st.booleans()) if with_start is None else with_start
    start = draw(instants()) if present else None
    min_rate = draw(_maybe(limits(rate_unit)))
    return ChargingSchedule(rate_unit, periods, duration, start, min_rate)


def charging_profiles(
    purpose: Purpose | None = None,
    kind: ChargingProfileKind | None = None,
    max_stack_level: int = 10,
    max_periods: int = 6,
    ids: st.SearchStrategy[int] | None = None,
) -> st.SearchStrategy[ChargingProfile]:
    """Valid OCPP 1.6 charging profiles (they pass every rule of a single profile: R4, R5, R11-R13, D4)."""
    return _profiles(purpose, kind, max_stack_level, max_periods, ids)


@st.composite
def _validity(draw: st.DrawFn) -> tuple[datetime | None, datetime | None]:
    """A validity window (validFrom, validTo), either bound absent or both present in order (R11)."""
    valid_from = draw(_maybe(instants()))
    valid_to = draw(_maybe(instants()))
    if valid_from is not None and valid_to is not None and valid_from >= valid_to:
        valid_from, valid_to = (valid_to, valid_from) if valid_to < valid_from else (valid_from, None)
    return valid_from, valid_to


@st.composite
def _profiles(
    draw: st.DrawFn,
    purpose: Purpose | None,
    kind: ChargingProfileKind | None,
    max_stack_level: int,
    max_periods: int,
    ids: st.SearchStrategy[int] | None,
) -> ChargingProfile:
    the_purpose = purpose or draw(_PURPOSES)
    the_kind = kind or draw(_KINDS)
    recurring = the_kind is ChargingProfileKind.RECURRING
    with_start: bool | None = True if recurring else None
    schedule = draw(_schedules(None, max_periods, with_start))
    recurrency = draw(_RECURRENCY if recurring else _SENT_ANYWAY)
    valid_from, valid_to = draw(_validity())
    return ChargingProfile(
        charging_profile_id=draw(ids if ids is not None else _IDS),
        stack_level=draw(_stack_levels(max_stack_level)),
        charging_profile_purpose=the_purpose,
        charging_profile_kind=the_kind,
        charging_schedules=schedule,
        transaction_id=None,
        recurrency_kind=recurrency,
        valid_from=valid_from,
        valid_to=valid_to,
    )


@functools.cache
def charge_point_configs(max_outlets: int = 3) -> st.SearchStrategy[ChargePointConfig]:
    """Charge point configurations with 1..`max_outlets` connectors and ordinary electrical values."""
    units: Any = st.sampled_from([(ChargingRateUnit.A, ChargingRateUnit.W), (ChargingRateUnit.W, ChargingRateUnit.A)])
    return st.builds(
        ChargePointConfig,
        outlet_count=st.integers(1, max_outlets),
        voltage=st.sampled_from([230.0, 220.0, 120.0, 240.0]),
        max_stack_level=st.integers(3, 10),
        allowed_rate_units=units,
        max_periods=st.integers(6, 48),
        max_profiles=st.integers(4, 64),
        outlet_max_current=st.sampled_from([16.0, 32.0, 48.0, 63.0]),
        default_number_phases=st.just(3),
    )


# --- payloads, states and scripts: values a charge point meets -------------------------------------------------

_BOOLEANS = st.booleans()
_PICK = st.integers(0, 255)  # an index into a list known only inside a draw: choice = items[k % len(items)]
_SMALL_STACK = 3  # every generated configuration allows stack levels 0..3 (charge_point_configs)
_TX_PROFILES = charging_profiles(purpose=ChargingProfilePurpose.TX_PROFILE, max_stack_level=_SMALL_STACK)
_ANY_PROFILES = charging_profiles()
_STEPS = st.one_of(st.just(0), st.integers(1, 3_600), st.sampled_from([60, 900, 1_800, 3_600]))
_EVENTS = st.sampled_from(["set", "set", "set", "get", "clear", "start", "start", "stop"])
_DURATIONS = st.one_of(st.integers(0, 2 * 86_400), st.sampled_from([0, 900, 3_600, 86_400]))
_REQUESTED_UNITS = st.sampled_from([None, "A", "W"])
_TRANSACTION_OFFSETS = st.integers(0, 99)


@functools.cache
def _up_to(n: int) -> st.SearchStrategy[int]:
    return st.integers(0, n)


def _outlet_for(purpose: Purpose, outlet_count: int, charging: list[int], pick: int) -> int:
    """An outlet `purpose` may go on (R7-R9): 0 for a cap, a charging outlet for a TxProfile when there is one
    (else any outlet: the profile is then Rejected by R9), 0..N for a TxDefaultProfile."""
    if purpose.role.is_cap:
        return 0
    if purpose.role is PurposeRole.TRANSACTION:
        choices = charging or list(range(1, outlet_count + 1))
        return choices[pick % len(choices)]
    return pick % (outlet_count + 1)


@functools.cache
def set_charging_profile_payloads(outlet_count: int = 3) -> st.SearchStrategy[dict[str, Any]]:
    """SetChargingProfile.req payloads (§6.43) for a charge point with `outlet_count` connectors: a valid
    profile (`charging_profiles`) on a connector its purpose may use (R6-R8). A handler answers each one
    ``Accepted`` or ``Rejected`` for a rule of the charge point (a TxProfile without a transaction, R9; the
    configuration's limits, R10), never a CALLERROR."""
    if not isinstance(outlet_count, int) or outlet_count < 1:
        raise InvalidArgumentError(
            f"outlet_count must be 1 or more (a charge point with payloads to receive has a connector), "
            f"not {outlet_count!r}"
        )
    return _payloads(outlet_count)


@st.composite
def _payloads(draw: st.DrawFn, outlet_count: int) -> dict[str, Any]:
    profile = draw(_ANY_PROFILES)
    outlet_id = _outlet_for(profile.charging_profile_purpose, outlet_count, [], draw(_PICK))
    return {"connectorId": outlet_id, "csChargingProfiles": profile_to_ocpp(profile)}


@functools.cache
def charge_point_states(max_outlets: int = 3, max_profiles: int = 6) -> st.SearchStrategy[ChargePointState]:
    """Whole charge point states, built through the real API: a configuration (`charge_point_configs`), a
    transaction on some connectors (`start_transaction`), then up to `max_profiles` profiles offered to
    `install_profile` at instants near `BASE` (the rejected ones leave the state as it was, R16). Every state is
    one a charge point can reach, and it survives `state_to_json` / `state_from_json` unchanged (R17)."""
    return _states(max_outlets, max_profiles)


def _start_some(
    draw: st.DrawFn, state: ChargePointState, new_id: Callable[[int], TransactionId]
) -> ChargePointState:
    """`state` with a transaction started at a drawn instant on some of its outlets, outlet c's under `new_id(c)`
    unless a running transaction has that id already (2.0.1 ids compare ignoring case, S5)."""
    for outlet_id in state.config.outlet_ids:
        if draw(_BOOLEANS):
            transaction_id = new_id(outlet_id)
            if transaction_by_id(state, transaction_id) is None:
                state = start_transaction(state, outlet_id, transaction_id, draw(instants()))
    return state


@st.composite
def _states(draw: st.DrawFn, max_outlets: int, max_profiles: int) -> ChargePointState:
    config = draw(charge_point_configs(max_outlets))
    state = _start_some(draw, ChargePointState(config), lambda c: 100 * c + draw(_TRANSACTION_OFFSETS))
    charging = [t.outlet_id for t in state.transactions]
    for _ in range(draw(_up_to(max_profiles))):
        profile = draw(_ANY_PROFILES)
        outlet_id = _outlet_for(profile.charging_profile_purpose, config.outlet_count, charging, draw(_PICK))
        state = install_profile(state, outlet_id, profile, draw(instants())).state
    return state


@functools.cache
def replay_scripts(max_outlets: int = 3, max_events: int = 12) -> st.SearchStrategy[dict[str, Any]]:
    """Replay scripts (`smartcharge replay`, DESIGN "The command line") that replay without a `ScriptError`:
    a ``config``, then up to `max_events` events in time order: SetChargingProfile (`set_charging_profile_payloads`),
    GetCompositeSchedule, ClearChargingProfile, and transactions that start (sometimes with RemoteStartTransaction's
    TxProfile, R19) on a free connector and stop. Calls may be answered ``Rejected`` (a rule says no), never with a
    CALLERROR."""
    return _scripts(max_outlets, max_events)


def _clear_payload(draw: st.DrawFn, outlet_count: int) -> dict[str, Any]:
    payload: dict[str, Any] = {}
    if draw(_BOOLEANS):
        payload["id"] = draw(_IDS)
    elif draw(_BOOLEANS):
        payload["connectorId"] = draw(_PICK) % (outlet_count + 1)
        if draw(_BOOLEANS):
            payload["chargingProfilePurpose"] = draw(_PURPOSES).name
        if draw(_BOOLEANS):
            payload["stackLevel"] = draw(_stack_levels(_SMALL_STACK))
    return payload


@st.composite
def _scripts(draw: st.DrawFn, max_outlets: int, max_events: int) -> dict[str, Any]:
    config = draw(charge_point_configs(max_outlets))
    count = config.outlet_count
    at = BASE + timedelta(seconds=draw(_STEPS))
    events: list[dict[str, Any]] = []
    active: dict[int, int] = {}  # connector -> transaction id
    next_transaction, offered = 1, 0
    for _ in range(draw(_up_to(max_events))):
        at += timedelta(seconds=draw(_STEPS))
        event: dict[str, Any] = {"at": at.strftime("%Y-%m-%dT%H:%M:%SZ")}
        kind = draw(_EVENTS)
        free = [c for c in config.outlet_ids if c not in active]
        if kind == "start" and free:
            outlet_id = free[draw(_PICK) % len(free)]
            body: dict[str, Any] = {"connectorId": outlet_id, "transactionId": next_transaction}
            # RemoteStart's profile must be accepted, else the script is invalid: room is left for it (R10).
            if offered + 1 < config.max_profiles and draw(_BOOLEANS):
                body["chargingProfile"] = profile_to_ocpp(draw(_TX_PROFILES))
                offered += 1
            event["startTransaction"] = body
            active[outlet_id] = next_transaction
            next_transaction += 1
        elif kind == "stop" and active:
            outlet_id = sorted(active)[draw(_PICK) % len(active)]
            event["stopTransaction"] = {"transactionId": active.pop(outlet_id)}
        elif kind == "get":
            payload: dict[str, Any] = {"connectorId": draw(_PICK) % (count + 1), "duration": draw(_DURATIONS)}
            unit = draw(_REQUESTED_UNITS)
            if unit is not None:
                payload["chargingRateUnit"] = unit
            event.update(call="GetCompositeSchedule", payload=payload)
        elif kind == "clear":
            event.update(call="ClearChargingProfile", payload=_clear_payload(draw, count))
        else:
            profile = draw(_ANY_PROFILES)
            outlet_id = _outlet_for(profile.charging_profile_purpose, count, sorted(active), draw(_PICK))
            payload = {"connectorId": outlet_id, "csChargingProfiles": profile_to_ocpp(profile)}
            event.update(call="SetChargingProfile", payload=payload)
            offered += 1
        events.append(event)
    return {"config": config_to_ocpp(config), "events": events}


# --- OCPP 2.0.1 (SPEC-201): the same values under 2.0.1's rules -----------------------------------------------------

#: The characters of an identifierString (OCPP 2.0.1 Part 2, primitive datatypes), which transaction ids are.
_IDENTIFIER_CHARACTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789*-_=:+|@."
_TRANSACTION_IDS_201 = st.one_of(
    st.text(_IDENTIFIER_CHARACTERS, min_size=1, max_size=MAX_TRANSACTION_ID_LENGTH),
    st.uuids().map(str),  # what most stations send: exactly 36 characters
)
_PURPOSES_201 = st.sampled_from(PURPOSES_201)
_PHASE_TO_USE = st.one_of(st.none(), st.integers(1, 3))
_PHASE_STYLES = st.sampled_from([None, 0, 1, 1, 3])  # None: each period its own; 0: numberPhases absent
_SCHEDULE_IDS = st.integers(0, 50)
_NOT_RELATIVE = st.sampled_from([ChargingProfileKind.ABSOLUTE, ChargingProfileKind.RECURRING])
_MAX_CURRENTS_201 = st.sampled_from([None, 6.0, 10.0, 16.0, 32.0, 63.0, 125.0, 400.0])
_SUPPLY_PHASES = st.sampled_from([None, 0, 1, 1, 3])
_SIGNIFICANCE = st.sampled_from([0.0, 5.0, 25.0])
_EXTERNAL_SOURCES = st.sampled_from(["EMS", "SO", "Other"])


@functools.cache
def transaction_ids_201() -> st.SearchStrategy[str]:
    """OCPP 2.0.1 transaction ids: identifierStrings of 1 to 36 characters (SPEC-201 S5), UUIDs among them."""
    return _TRANSACTION_IDS_201


@functools.cache
def _limits_201(unit: ChargingRateUnit) -> st.SearchStrategy[float]:
    """Limits with at most one fraction digit, as 2.0.1's ChargingSchedulePeriodType accepts them."""
    top = 80 if unit is ChargingRateUnit.A else 60_000
    return st.one_of(st.integers(0, top).map(float), st.integers(0, top * 10).map(lambda x: x / 10))


@st.composite
def _periods_201(
    draw: st.DrawFn, unit: ChargingRateUnit, max_periods: int, horizon: int
) -> tuple[ChargingSchedulePeriod, ...]:
    starts = [0, *sorted(draw(_later_starts(max_periods, horizon)))]
    # One number of phases for the whole schedule more often than not, so that schedules on one phase (which a
    # single-phase EVSE takes, E3, and which phaseToUse needs) are common.
    style = draw(_PHASE_STYLES)
    periods = []
    for start in starts:
        phases = draw(_PHASES) if style is None else style or None
        phase_to_use = draw(_PHASE_TO_USE) if phases == 1 else None  # K01.FR.19: only with numberPhases 1
        periods.append(ChargingSchedulePeriod(start, draw(_limits_201(unit)), phases, phase_to_use))
    return tuple(periods)


def _duration(draw: st.DrawFn, periods: tuple[ChargingSchedulePeriod, ...]) -> int | None:
    duration_kind = draw(_DURATION_KIND)
    if duration_kind == "any":
        return draw(st.integers(1, 2 * 86_400))
    if duration_kind == "past-last-period":
        return periods[-1].start_period + draw(st.integers(0, 7_200))
    if duration_kind == "round":
        return draw(_ROUND_DURATIONS)
    return None


@st.composite
def _schedules_201(draw: st.DrawFn, max_periods: int, with_start: bool) -> ChargingSchedule:
    unit = draw(_UNITS)
    periods = draw(_periods_201(unit, max_periods, 86_400))
    start = draw(instants()) if with_start else None
    min_rate = draw(_maybe(_limits_201(unit)))
    return ChargingSchedule(unit, periods, _duration(draw, periods), start, min_rate, draw(_SCHEDULE_IDS))


def charging_profiles_201(
    purpose: Purpose | None = None,
    kind: ChargingProfileKind | None = None,
    max_stack_level: int = 10,
    max_periods: int = 6,
    ids: st.SearchStrategy[int] | None = None,
) -> st.SearchStrategy[ChargingProfile]:
    """Valid OCPP 2.0.1 charging profiles of the four purposes of `smartcharge.ocpp201.PURPOSES` (or `purpose`,
    one of them), as a central system or (ChargingStationExternalConstraints) the station's energy management
    sends them (SPEC-201 S2-S5): one schedule with its own `id`; Absolute and Recurring with startSchedule,
    Relative without (K01.FR.40/41), a ChargingStationMaxProfile never Relative (K01.FR.38); limits with at most
    one fraction digit; `phase_to_use` only on periods with numberPhases 1 (K01.FR.19); a TxProfile carries a
    string `transaction_id` (`transaction_ids_201`). Whether an EVSE takes one (its phases, its transaction, the
    profiles installed) is the station's business: `charge_point_states_201` installs them through it."""
    if purpose is not None and purpose not in PURPOSES_201:
        names = ", ".join(p.name for p in PURPOSES_201)
        raise InvalidArgumentError(f"purpose must be one of the OCPP 2.0.1 purposes {names}, not {purpose!r}")
    if kind is not None and not isinstance(kind, ChargingProfileKind):
        raise InvalidArgumentError(f"kind must be a ChargingProfileKind, not {kind!r}")
    if purpose is not None and purpose.role is PurposeRole.CAP and kind is ChargingProfileKind.RELATIVE:
        raise InvalidArgumentError(f"a {purpose.name} is never Relative (K01.FR.38)")
    return _profiles_201(purpose, kind, max_stack_level, max_periods, ids)


@st.composite
def _profiles_201(
    draw: st.DrawFn,
    purpose: Purpose | None,
    kind: ChargingProfileKind | None,
    max_stack_level: int,
    max_periods: int,
    ids: st.SearchStrategy[int] | None,
) -> ChargingProfile:
    the_purpose = purpose or draw(_PURPOSES_201)
    the_kind = kind or draw(_NOT_RELATIVE if the_purpose.role is PurposeRole.CAP else _KINDS)
    recurring = the_kind is ChargingProfileKind.RECURRING
    schedule = draw(_schedules_201(max_periods, the_kind is not ChargingProfileKind.RELATIVE))
    valid_from, valid_to = draw(_validity())
    transactional = the_purpose.role is PurposeRole.TRANSACTION
    return ChargingProfile(
        charging_profile_id=draw(ids if ids is not None else _IDS),
        stack_level=draw(_stack_levels(max_stack_level)),
        charging_profile_purpose=the_purpose,
        charging_profile_kind=the_kind,
        charging_schedules=schedule,
        transaction_id=draw(_TRANSACTION_IDS_201) if transactional else None,
        recurrency_kind=draw(_RECURRENCY if recurring else _SENT_ANYWAY),
        valid_from=valid_from,
        valid_to=valid_to,
    )


def _check_count(name: str, value: object, minimum: int = 1) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidArgumentError(f"{name} must be an integer of {minimum} or more, not {value!r}")


@functools.cache
def outlet_configs(outlet_id: int = 1) -> st.SearchStrategy[OutletConfig]:
    """The electrical facts of EVSE `outlet_id` (SPEC-201 S9): AC on 1 or 3 phases or DC (`supply_phases` 0), or
    the charge point's default (None); its own hardware maximum (from 6 A to 400 A) or the default; phase
    switching or not."""
    _check_count("outlet_id", outlet_id)
    return st.builds(
        OutletConfig,
        outlet_id=st.just(outlet_id),
        max_current=_MAX_CURRENTS_201,
        supply_phases=_SUPPLY_PHASES,
        phase_switching=_BOOLEANS,
    )


@functools.cache
def charge_point_configs_201(max_outlets: int = 3) -> st.SearchStrategy[ChargePointConfig]:
    """OCPP 2.0.1 station configurations: those of `charge_point_configs` (1..`max_outlets` EVSEs) with an
    `OutletConfig` (`outlet_configs`) on some EVSEs, and the SmartChargingCtrlr variables of external limits
    (NotifyChargingLimitWithSchedules, LimitChangeSignificance)."""
    _check_count("max_outlets", max_outlets)
    return _configs_201(max_outlets)


@st.composite
def _configs_201(draw: st.DrawFn, max_outlets: int) -> ChargePointConfig:
    config = draw(charge_point_configs(max_outlets))
    outlets = [draw(outlet_configs(outlet_id)) for outlet_id in config.outlet_ids if draw(_BOOLEANS)]
    return attrs.evolve(
        config,
        outlets=outlets,
        notify_charging_limit_with_schedules=draw(_BOOLEANS),
        limit_change_significance=draw(_SIGNIFICANCE),
    )


_ANY_PROFILES_201 = charging_profiles_201(max_stack_level=_SMALL_STACK + 1)


def _evse_for(profile: ChargingProfile, outlet_count: int, charging: list[int], pick: int) -> int:
    """An EVSE `profile`'s purpose may go on (S2): 0 for the station maximum, a charging EVSE for a TxProfile
    when there is one, 0..N for a TxDefaultProfile and for external constraints (E5)."""
    if profile.charging_profile_purpose.role is PurposeRole.EXTERNAL_CAP:
        return pick % (outlet_count + 1)
    return _outlet_for(profile.charging_profile_purpose, outlet_count, charging, pick)


@functools.cache
def charge_point_states_201(max_outlets: int = 3, max_profiles: int = 6) -> st.SearchStrategy[ChargePointState]:
    """Whole OCPP 2.0.1 station states, built through the real 2.0.1 API: a configuration
    (`charge_point_configs_201`), a transaction with a string id (`transaction_ids_201`) on some EVSEs, then up
    to `max_profiles` profiles (`charging_profiles_201`) at instants near `BASE`, each on an EVSE its purpose may
    use: sent in a SetChargingProfile (`ocpp201.handle_set_charging_profile`, a TxProfile naming the EVSE's
    transaction, sometimes in another case, S5), or, for ChargingStationExternalConstraints, set by the energy
    management on evse 0 or an EVSE (`ocpp201.set_external_constraints`, S10, E5). What the station refuses
    (S1-S9, E1-E4) leaves the state as it was, so every state is one a station can reach."""
    _check_count("max_outlets", max_outlets)
    _check_count("max_profiles", max_profiles, minimum=0)
    return _states_201(max_outlets, max_profiles)


@st.composite
def _states_201(draw: st.DrawFn, max_outlets: int, max_profiles: int) -> ChargePointState:
    config = draw(charge_point_configs_201(max_outlets))
    state = _start_some(draw, ChargePointState(config), lambda c: draw(_TRANSACTION_IDS_201))
    charging = [t.outlet_id for t in state.transactions]
    for _ in range(draw(_up_to(max_profiles))):
        profile = draw(_ANY_PROFILES_201)
        evse_id = _evse_for(profile, config.outlet_count, charging, draw(_PICK))
        active = state.transaction_on(evse_id) if evse_id else None
        if profile.charging_profile_purpose.role is PurposeRole.TRANSACTION and active is not None:
            named = str(active.transaction_id)
            profile = attrs.evolve(profile, transaction_id=named.swapcase() if draw(_BOOLEANS) else named)
        payload = profile_to_ocpp_201(profile)
        now = draw(instants())
        if profile.charging_profile_purpose.role is PurposeRole.EXTERNAL_CAP:
            source = draw(_EXTERNAL_SOURCES)
            with contextlib.suppress(ProfileValidationError):  # refused by the rules a CSMS's profile obeys (S10)
                state, _ = set_external_constraints(state, evse_id, source, payload, now)
        else:
            state, _ = handle_set_charging_profile(state, {"evseId": evse_id, "chargingProfile": payload}, now)
    return state
