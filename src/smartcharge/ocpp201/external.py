"""External constraints: the limits the station's own energy management sets (SPEC-201 S10, E5; K11-K13).

A ChargingStationExternalConstraints profile never comes from the CSMS: the embedding application installs,
replaces (by id) and releases it through `set_external_constraints` and `release_external_constraints`, naming
who set it (chargingLimitSource ``EMS``, ``SO`` or ``Other``; never ``CSO``, K11.FR.05). Each returns the new
state and the messages the station sends the CSMS about it: NotifyChargingLimit when a limit is set or changed
(K11.FR.02/03, K12; with the schedules when NotifyChargingLimitWithSchedules is true, and only for a change of at
least LimitChangeSignificance percent), ClearedChargingLimit when it is released (K13.FR.02).

Bad input here is the library user's mistake, not the CSMS's: it raises `InvalidArgumentError`, a
`SchemaViolation` (a `DocumentError`) for a profile breaking its schema, or `ProfileValidationError` naming the
rule a profile breaks (with E9's reason code in its message) — never an `OcppCallError`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from smartcharge.engine.composite import limit_at
from smartcharge.engine.instants import utc_instant
from smartcharge.engine.model import ChargingRateUnit, PurposeRole
from smartcharge.engine.store import ChargePointState, InstalledProfile, clear_profiles
from smartcharge.engine.units import convert
from smartcharge.errors import InvalidArgumentError, ProfileValidationError
from smartcharge.ocpp201.codec import read_profile
from smartcharge.ocpp201.handlers import OutgoingMessage, install_judged
from smartcharge.ocpp201.rules import Refusal, judge_profile

__all__ = ["EXTERNAL_SOURCES", "external_limit", "release_external_constraints", "set_external_constraints"]

#: The chargingLimitSource values of external constraints (K11.FR.05: not CSO).
EXTERNAL_SOURCES = ("EMS", "SO", "Other")


def _is_external(installed: InstalledProfile) -> bool:
    return installed.profile.charging_profile_purpose.role is PurposeRole.EXTERNAL_CAP


def external_limit(state: ChargePointState, evse_id: int, at: datetime) -> float | None:
    """The external constraints' limit on `evse_id` at `at`, in A (None: none in force): the lowest governing
    period of the external profiles installed on `evse_id` (S10's measure of LimitChangeSignificance)."""
    limit = limit_at(state, evse_id, at, ChargingRateUnit.A)
    voltage = state.config.voltage
    amps = [
        convert(source.limit, source.unit, ChargingRateUnit.A, voltage, source.number_phases)
        for source in limit.sources
        if source.purpose.role is PurposeRole.EXTERNAL_CAP and source.outlet_id == evse_id
    ]
    return min(amps, default=None)


def _significant(before: float | None, after: float | None, percent: float) -> bool:
    """S10: a change is notified unless it moved the limit by less than `percent` percent (0: always); a first
    limit, where none was in force, always is."""
    if before is None or after is None or percent <= 0:
        return True
    if before == 0:
        return after != 0
    return abs(after - before) / before * 100 >= percent


def _evse_field(evse_id: int) -> dict[str, Any]:
    return {"evseId": evse_id} if evse_id > 0 else {}


def _notify(state: ChargePointState, evse_id: int, source: str, document: str) -> OutgoingMessage:
    payload: dict[str, Any] = {"chargingLimit": {"chargingLimitSource": source}, **_evse_field(evse_id)}
    if state.config.notify_charging_limit_with_schedules:
        payload["chargingSchedule"] = json.loads(document)["chargingSchedule"]
    return OutgoingMessage("NotifyChargingLimit", payload)


def _check_arguments(state: ChargePointState, evse_id: int, limit_source: str) -> None:
    if limit_source not in EXTERNAL_SOURCES:
        raise InvalidArgumentError(f"limit_source must be one of {', '.join(EXTERNAL_SOURCES)}, not {limit_source!r}")
    if isinstance(evse_id, bool) or not isinstance(evse_id, int) or not 0 <= evse_id <= state.config.outlet_count:
        raise InvalidArgumentError(f"evse_id must be 0..{state.config.outlet_count}, not {evse_id!r}")


def set_external_constraints(
    state: ChargePointState, evse_id: int, limit_source: str, profile_payload: Mapping[str, Any], now: datetime
) -> tuple[ChargePointState, tuple[OutgoingMessage, ...]]:
    """The energy management sets `profile_payload` (a ChargingStationExternalConstraints ``ChargingProfileType``
    object) on `evse_id` at `now`, replacing the external profile with its id (S10, E5).

    The profile obeys the rules a CSMS's would (`rules.judge_profile`), but for its purpose; a Relative one runs
    from `now` (D9). Returns the new state and the NotifyChargingLimit to send, if the change is significant.
    """
    now = utc_instant(now, "now")
    _check_arguments(state, evse_id, limit_source)
    received = read_profile(profile_payload)
    if received.purpose.role is not PurposeRole.EXTERNAL_CAP:
        raise InvalidArgumentError(
            f"an external constraint's purpose is ChargingStationExternalConstraints, not {received.purpose.name}"
        )
    verdict = judge_profile(state, evse_id, received, from_csms=False)
    if isinstance(verdict, Refusal):
        raise ProfileValidationError(verdict.rule, f"{verdict.reason.value}: {verdict.info}")
    document = received.document()
    new_state = install_judged(state, evse_id, verdict, now, source=limit_source, document=document)
    before, after = external_limit(state, evse_id, now), external_limit(new_state, evse_id, now)
    if not _significant(before, after, state.config.limit_change_significance):
        return new_state, ()
    return new_state, (_notify(new_state, evse_id, limit_source, document),)


def release_external_constraints(
    state: ChargePointState, profile_id: int, now: datetime
) -> tuple[ChargePointState, tuple[OutgoingMessage, ...]]:
    """The energy management releases its external-constraints profile `profile_id` at `now` (S10, K13): the
    profile is removed and the station sends ClearedChargingLimit with its source and EVSE (K13.FR.02). An id
    that is no installed external-constraints profile raises `InvalidArgumentError`."""
    utc_instant(now, "now")
    found = next(
        (ip for ip in state.profiles if ip.profile.charging_profile_id == profile_id and _is_external(ip)), None
    )
    if found is None:
        raise InvalidArgumentError(f"profile_id {profile_id!r} is no installed external-constraints profile")
    outcome = clear_profiles(state, id=profile_id)
    payload = {"chargingLimitSource": found.source or "Other", **_evse_field(found.outlet_id)}
    return outcome.state, (OutgoingMessage("ClearedChargingLimit", payload),)
