"""Sans-IO handlers of OCPP 1.6's smart-charging CALLs: SetChargingProfile (§5.16, §6.43), GetCompositeSchedule
(§5.7, §6.22) and ClearChargingProfile (§5.5, §6.13).

Each handler takes the charge point's state, the CALL's payload (decoded JSON) and the instant it was received,
and returns ``(new_state, response_payload)``. A payload that cannot be processed raises `OcppCallError` (the
caller sends it as a CALLERROR); nothing else escapes for any JSON-like input, and on ``Rejected``, ``Unknown``
or a CALLERROR the state is returned unchanged (R16). The rules themselves live in `state` and `composite`; this
module only maps payloads to them and outcomes back. It knows nothing of sockets, message ids or OCPP-J framing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from smartcharge.engine.composite import composite_schedule
from smartcharge.engine.instants import format_instant, utc_instant
from smartcharge.engine.model import ChargingProfile, ChargingRateUnit
from smartcharge.engine.store import ChargePointState, clear_profiles, install_profile
from smartcharge.errors import InvalidArgumentError, OcppCallError, ProfileValidationError
from smartcharge.ocpp16.codec import (
    PROPERTY_CONSTRAINT_VIOLATION,
    profile_from_ocpp,
    read_enum,
    read_int,
    read_object,
    read_optional,
    read_purpose,
    read_required,
)

__all__ = [
    "MAX_COMPOSITE_DURATION",
    "handle_clear_charging_profile",
    "handle_get_composite_schedule",
    "handle_set_charging_profile",
]

Response = dict[str, Any]

#: The longest GetCompositeSchedule window answered, in seconds (31 days); a longer one is ``Rejected``. The answer
#: has a period for every change of limit in the window, so without a bound a Daily profile asked about for 2^31 s
#: would cost over a million periods (time, memory and a message of tens of megabytes).
MAX_COMPOSITE_DURATION = 31 * 86_400


def _rejected() -> Response:
    return {"status": "Rejected"}


def _unit(value: Any, path: str) -> ChargingRateUnit:
    return read_enum(value, path, ChargingRateUnit)


def _is_connector(state: ChargePointState, outlet_id: int) -> bool:
    """0 (the whole charge point) or one of the connectors 1..N (R6)."""
    return 0 <= outlet_id <= state.config.outlet_count


def _profile_or_rule_violation(value: Any, path: str) -> ChargingProfile | ProfileValidationError:
    """The profile in `value`, or the rule it breaks (R4, R11-R13); shape problems raise `OcppCallError`."""
    try:
        return profile_from_ocpp(value, path=path)
    except ProfileValidationError as exc:
        return exc


def handle_set_charging_profile(
    state: ChargePointState, payload: Any, now: datetime
) -> tuple[ChargePointState, Response]:
    """SetChargingProfile.req received at `now` (§5.16, §6.43).

    Shape problems are CALLERRORs (FormatViolation; an enum value outside the schema is
    PropertyConstraintViolation, R14), and so is a connectorId outside 0..N (R6, E§3.39). A profile breaking a
    rule on its own (R4, R11-R13) or on this charge point (R7-R10, D1-D3) is ``Rejected``; otherwise it is
    installed, replacing what R15 says it replaces.
    """
    obj = read_object(payload, "", ("connectorId", "csChargingProfiles"))
    outlet_id = read_required(obj, "connectorId", "", read_int)
    parsed = read_required(obj, "csChargingProfiles", "", _profile_or_rule_violation)
    if not _is_connector(state, outlet_id):
        raise OcppCallError(
            PROPERTY_CONSTRAINT_VIOLATION, f"connectorId {outlet_id} is not 0..{state.config.outlet_count}"
        )
    if isinstance(parsed, ProfileValidationError):
        return state, _rejected()
    outcome = install_profile(state, outlet_id, parsed, now)
    return outcome.state, {"status": outcome.status.value}


def _window_fits(start: datetime, duration: int) -> bool:
    """Whether `[start, start + duration)` is a representable window of instants."""
    try:
        start + timedelta(seconds=duration)
    except OverflowError:
        return False
    return True


def handle_get_composite_schedule(
    state: ChargePointState, payload: Any, now: datetime, *, max_duration: int = MAX_COMPOSITE_DURATION
) -> tuple[ChargePointState, Response]:
    """GetCompositeSchedule.req received at `now` (§5.7, §6.22, R29-R31).

    The window is ``[X, X + duration)`` with X = `now` floored to the second (R29). An unknown connector, a
    negative duration, a duration above `max_duration` (default `MAX_COMPOSITE_DURATION`, 31 days), or a unit the
    configuration does not allow is ``Rejected``; a unit other than A or W is a CALLERROR
    PropertyConstraintViolation (R30, E§3.24, K08.FR.07). No unit: the first allowed one. The answer carries
    `scheduleStart` = X and the composite schedule without startSchedule (R31, E§3.57).
    """
    if not isinstance(max_duration, int) or isinstance(max_duration, bool):
        raise InvalidArgumentError(f"max_duration must be a whole number of seconds, not {max_duration!r}")
    obj = read_object(payload, "", ("connectorId", "duration", "chargingRateUnit"))
    outlet_id = read_required(obj, "connectorId", "", read_int)
    duration = read_required(obj, "duration", "", read_int)
    unit = read_optional(obj, "chargingRateUnit", "", _unit)
    start = utc_instant(now, "now")
    allowed = state.config.allowed_rate_units
    if not _is_connector(state, outlet_id) or not 0 <= duration <= max_duration:
        return state, _rejected()
    if unit is not None and unit not in allowed:
        return state, _rejected()
    if not _window_fits(start, duration):
        return state, _rejected()
    schedule = composite_schedule(state, outlet_id, start, duration, unit or allowed[0])
    return state, {
        "status": "Accepted",
        "connectorId": outlet_id,
        "scheduleStart": format_instant(start),
        "chargingSchedule": schedule.to_ocpp(),
    }


def handle_clear_charging_profile(
    state: ChargePointState, payload: Any, now: datetime
) -> tuple[ChargePointState, Response]:
    """ClearChargingProfile.req (§5.5, §6.13, R32): with `id`, that profile; with no field, every profile;
    otherwise the profiles matching every given field. ``Unknown`` when nothing matched. `now` is unused (kept
    so the three handlers share one signature)."""
    obj = read_object(payload, "", ("id", "connectorId", "chargingProfilePurpose", "stackLevel"))
    outcome = clear_profiles(
        state,
        id=read_optional(obj, "id", "", read_int),
        outlet_id=read_optional(obj, "connectorId", "", read_int),
        purpose=read_optional(obj, "chargingProfilePurpose", "", read_purpose),
        stack_level=read_optional(obj, "stackLevel", "", read_int),
    )
    return outcome.state, {"status": outcome.status.value}
