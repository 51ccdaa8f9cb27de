"""OCPP 1.6 JSON <-> model: charging profiles in the camelCase shape of SetChargingProfile's
`csChargingProfiles` (§6.43, §7.8, §7.13, §7.14), and the replay script's charge point configuration (§9.4 keys).

Reading checks the payload's *shape* the way the OCPP 1.6 JSON schemas do and answers problems as the CALLERROR
the handler must send (R14): a missing required field, a wrong JSON type, an unknown field (the schemas say
`additionalProperties: false`) or a timestamp that is not ISO 8601 with an offset (R5) is an `OcppCallError`
``FormatViolation``; a string outside an enumeration is ``PropertyConstraintViolation`` (E§3.38). The *rules* a
well-formed profile must obey (R4, R11-R13) are the model's: its constructor raises `ProfileValidationError`,
which this module lets through so the handler can answer ``Rejected``.

Numbers: `limit` and `minChargingRate` accept JSON integers and floats and `decimal.Decimal` (what Python OCPP
stacks decode floats to); integer fields accept only real integers (not bool, not 1.0). Writing gives times as
``YYYY-MM-DDTHH:MM:SSZ`` and leaves absent optional fields out, so reading what was written gives the same value.

This module knows payload shapes only: not the charge point's state, connectors or transactions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

from smartcharge.engine.instants import format_instant, parse_instant
from smartcharge.engine.model import (
    ChargePointConfig,
    ChargingProfile,
    ChargingProfileKind,
    ChargingRateUnit,
    ChargingSchedule,
    ChargingSchedulePeriod,
    Purpose,
    RecurrencyKind,
)
from smartcharge.errors import InvalidArgumentError, OcppCallError
from smartcharge.ocpp16.purposes import PURPOSES

__all__ = [
    "FORMAT_VIOLATION",
    "PROPERTY_CONSTRAINT_VIOLATION",
    "child_path",
    "config_from_ocpp",
    "config_to_ocpp",
    "profile_from_ocpp",
    "profile_to_ocpp",
    "read_enum",
    "read_instant",
    "read_int",
    "read_number",
    "read_object",
    "read_optional",
    "read_purpose",
    "read_required",
    "read_text",
]

#: The CALLERROR code of a payload with a required field missing or a field of the wrong JSON type (R14).
FORMAT_VIOLATION = "FormatViolation"
#: The CALLERROR code of a payload with a value a field may not take, such as an unknown enum value (R14).
PROPERTY_CONSTRAINT_VIOLATION = "PropertyConstraintViolation"


_T = TypeVar("_T")
_E = TypeVar("_E", bound=Enum)
Reader = Callable[[Any, str], _T]

_PROFILE_FIELDS = {
    "chargingProfileId",
    "transactionId",
    "stackLevel",
    "chargingProfilePurpose",
    "chargingProfileKind",
    "recurrencyKind",
    "validFrom",
    "validTo",
    "chargingSchedule",
}
_SCHEDULE_FIELDS = {"duration", "startSchedule", "chargingRateUnit", "chargingSchedulePeriod", "minChargingRate"}
_PERIOD_FIELDS = {"startPeriod", "limit", "numberPhases"}


def child_path(path: str, key: str) -> str:
    """The path of field `key` inside the object at `path` ("" is the payload itself)."""
    return f"{path}.{key}" if path else key


def _format_violation(path: str, message: str) -> OcppCallError:
    return OcppCallError(FORMAT_VIOLATION, f"{path or 'payload'} {message}")


def _json_type(value: object) -> str:
    """The JSON name of `value`'s type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, (float, Decimal)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    return type(value).__name__


def _wrong_type(value: object, path: str, wanted: str) -> OcppCallError:
    return _format_violation(path, f"must be {wanted}, not {_json_type(value)}")


# --- reading one value ------------------------------------------------------------------------------------------


def read_object(value: Any, path: str, allowed: Collection[str]) -> Mapping[str, Any]:
    """`value` as a JSON object with no field outside `allowed` (FormatViolation otherwise: the OCPP 1.6 schemas
    say `additionalProperties: false`)."""
    if not isinstance(value, Mapping):
        raise _wrong_type(value, path, "an object")
    unknown = sorted(repr(k) for k in value if k not in allowed)
    if unknown:
        raise _format_violation(path, f"has unknown field(s) {', '.join(unknown)}")
    return value


def read_int(value: Any, path: str) -> int:
    """A JSON integer: an `int` that is not a bool (1.0 is not an integer here)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong_type(value, path, "an integer")
    return value


def read_number(value: Any, path: str) -> float:
    """A JSON number (int, float or Decimal, not bool) as a float. Values beyond float's range become infinite
    and a NaN stays NaN, so the model rejects them (R4) as it rejects any non-finite limit."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise _wrong_type(value, path, "a number")
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf
    except ValueError:  # Decimal('sNaN')
        return math.nan


def read_text(value: Any, path: str) -> str:
    """A JSON string."""
    if not isinstance(value, str):
        raise _wrong_type(value, path, "a string")
    return value


def read_instant(value: Any, path: str) -> datetime:
    """An ISO 8601 timestamp with offset (R5) as a UTC instant; anything else is a FormatViolation."""
    text = read_text(value, path)
    try:
        return parse_instant(text)
    except InvalidArgumentError as exc:  # NaiveDatetimeError is one
        raise _format_violation(path, f"is not an ISO 8601 timestamp with UTC offset: {exc}") from None


def read_enum(value: Any, path: str, enum: type[_E], allowed: Collection[_E] | None = None) -> _E:
    """A string naming a member of `enum` (limited to `allowed`); a string outside it is a
    PropertyConstraintViolation (R14, E§3.38), a non-string a FormatViolation."""
    text = read_text(value, path)
    members = list(enum) if allowed is None else list(allowed)
    for member in members:
        if member.value == text:
            return member
    names = ", ".join(str(m.value) for m in members)
    raise OcppCallError(PROPERTY_CONSTRAINT_VIOLATION, f"{path or 'value'} {text!r} is not one of {names}")


def read_purpose(value: Any, path: str, purposes: Collection[Purpose] = PURPOSES) -> Purpose:
    """The purpose of `purposes` that a string names; another string is a PropertyConstraintViolation (R14,
    E§3.38), a non-string a FormatViolation."""
    text = read_text(value, path)
    for purpose in purposes:
        if purpose.name == text:
            return purpose
    names = ", ".join(p.name for p in purposes)
    raise OcppCallError(PROPERTY_CONSTRAINT_VIOLATION, f"{path or 'value'} {text!r} is not one of {names}")


def read_required(obj: Mapping[str, Any], key: str, path: str, reader: Reader[_T]) -> _T:
    """`obj[key]` read by `reader`; FormatViolation when it is missing."""
    if key not in obj:
        raise _format_violation(child_path(path, key), "is required")
    return reader(obj[key], child_path(path, key))


def read_optional(obj: Mapping[str, Any], key: str, path: str, reader: Reader[_T]) -> _T | None:
    """`obj[key]` read by `reader`, None when absent (a JSON null is a wrong type, not absence)."""
    if key not in obj:
        return None
    return reader(obj[key], child_path(path, key))


def _array(value: Any, path: str) -> Sequence[Any]:
    if not isinstance(value, (list, tuple)):
        raise _wrong_type(value, path, "an array")
    return value


# --- profiles ---------------------------------------------------------------------------------------------------


def _period_from_ocpp(value: Any, path: str) -> ChargingSchedulePeriod:
    obj = read_object(value, path, _PERIOD_FIELDS)
    return ChargingSchedulePeriod(
        start_period=read_required(obj, "startPeriod", path, read_int),
        limit=read_required(obj, "limit", path, read_number),
        number_phases=read_optional(obj, "numberPhases", path, read_int),
    )


def _periods_from_ocpp(value: Any, path: str) -> tuple[ChargingSchedulePeriod, ...]:
    return tuple(_period_from_ocpp(item, f"{path}[{i}]") for i, item in enumerate(_array(value, path)))


def _unit(value: Any, path: str) -> ChargingRateUnit:
    return read_enum(value, path, ChargingRateUnit)


def _kind(value: Any, path: str) -> ChargingProfileKind:
    return read_enum(value, path, ChargingProfileKind)


def _recurrency(value: Any, path: str) -> RecurrencyKind:
    return read_enum(value, path, RecurrencyKind)


def _schedule_from_ocpp(value: Any, path: str) -> ChargingSchedule:
    obj = read_object(value, path, _SCHEDULE_FIELDS)
    unit = read_required(obj, "chargingRateUnit", path, _unit)
    periods = read_required(obj, "chargingSchedulePeriod", path, _periods_from_ocpp)
    return ChargingSchedule(
        charging_rate_unit=unit,
        charging_schedule_period=periods,
        duration=read_optional(obj, "duration", path, read_int),
        start_schedule=read_optional(obj, "startSchedule", path, read_instant),
        min_charging_rate=read_optional(obj, "minChargingRate", path, read_number),
    )


def profile_from_ocpp(
    payload: Mapping[str, Any], *, path: str = "chargingProfile", purposes: Collection[Purpose] = PURPOSES
) -> ChargingProfile:
    """The `ChargingProfile` in an OCPP 1.6 `csChargingProfiles` (or RemoteStartTransaction `chargingProfile`)
    object (§7.8).

    Raises `OcppCallError` for shape problems (FormatViolation) and enum values outside the schema
    (PropertyConstraintViolation, R14), and lets the model's `ProfileValidationError` through for rule violations
    (R4, R11-R13: the handler answers those with Rejected). `path` names the object in error descriptions.
    `purposes` are the purposes it may name: OCPP 1.6's three unless the caller says otherwise (a saved state may
    also hold OCPP 2.0.1's ChargingStationExternalConstraints).
    """
    obj = read_object(payload, path, _PROFILE_FIELDS)

    def purpose(value: Any, where: str) -> Purpose:
        return read_purpose(value, where, purposes)

    profile_id = read_required(obj, "chargingProfileId", path, read_int)
    stack_level = read_required(obj, "stackLevel", path, read_int)
    the_purpose = read_required(obj, "chargingProfilePurpose", path, purpose)
    kind = read_required(obj, "chargingProfileKind", path, _kind)
    schedule = read_required(obj, "chargingSchedule", path, _schedule_from_ocpp)
    return ChargingProfile(
        charging_profile_id=profile_id,
        stack_level=stack_level,
        charging_profile_purpose=the_purpose,
        charging_profile_kind=kind,
        charging_schedules=schedule,
        transaction_id=read_optional(obj, "transactionId", path, read_int),
        recurrency_kind=read_optional(obj, "recurrencyKind", path, _recurrency),
        valid_from=read_optional(obj, "validFrom", path, read_instant),
        valid_to=read_optional(obj, "validTo", path, read_instant),
    )


def _without_none(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


def _instant_or_none(value: datetime | None) -> str | None:
    return None if value is None else format_instant(value)


def _period_to_ocpp(period: ChargingSchedulePeriod) -> dict[str, Any]:
    return _without_none(
        {"startPeriod": period.start_period, "limit": period.limit, "numberPhases": period.number_phases}
    )


def _schedule_to_ocpp(schedule: ChargingSchedule) -> dict[str, Any]:
    return _without_none(
        {
            "duration": schedule.duration,
            "startSchedule": _instant_or_none(schedule.start_schedule),
            "chargingRateUnit": schedule.charging_rate_unit.value,
            "chargingSchedulePeriod": [_period_to_ocpp(p) for p in schedule.charging_schedule_period],
            "minChargingRate": schedule.min_charging_rate,
        }
    )


def profile_to_ocpp(profile: ChargingProfile) -> dict[str, Any]:
    """`profile` as an OCPP 1.6 `csChargingProfiles` object (§7.8): camelCase, times as
    ``YYYY-MM-DDTHH:MM:SSZ``, absent optional fields left out. `profile_from_ocpp` reads it back unchanged."""
    return _without_none(
        {
            "chargingProfileId": profile.charging_profile_id,
            "transactionId": profile.transaction_id,
            "stackLevel": profile.stack_level,
            "chargingProfilePurpose": profile.charging_profile_purpose.name,
            "chargingProfileKind": profile.charging_profile_kind.value,
            "recurrencyKind": None if profile.recurrency_kind is None else profile.recurrency_kind.value,
            "validFrom": _instant_or_none(profile.valid_from),
            "validTo": _instant_or_none(profile.valid_to),
            "chargingSchedule": _schedule_to_ocpp(profile.charging_schedule),
        }
    )


# --- charge point configuration ----------------------------------------------------------------------------------


def _units_from_ocpp(value: Any, path: str) -> tuple[ChargingRateUnit, ...]:
    return tuple(_unit(item, f"{path}[{i}]") for i, item in enumerate(_array(value, path)))


#: Replay-script config key -> (ChargePointConfig attribute, reader). Keys follow §9.4 where OCPP has one.
_CONFIG_KEYS: dict[str, tuple[str, Reader[Any]]] = {
    "connectorCount": ("outlet_count", read_int),
    "voltage": ("voltage", read_number),
    "chargeProfileMaxStackLevel": ("max_stack_level", read_int),
    "chargingScheduleAllowedChargingRateUnit": ("allowed_rate_units", _units_from_ocpp),
    "chargingScheduleMaxPeriods": ("max_periods", read_int),
    "maxChargingProfilesInstalled": ("max_profiles", read_int),
    "connectorMaxCurrent": ("outlet_max_current", read_number),
    "defaultNumberPhases": ("default_number_phases", read_int),
}


def config_from_ocpp(document: Mapping[str, Any]) -> ChargePointConfig:
    """A `ChargePointConfig` from the replay script's ``"config"`` object; every key is optional (defaults as in
    `ChargePointConfig`). Raises `InvalidArgumentError` naming the key for an unknown key, a wrong type or a bad
    value."""
    try:
        obj = read_object(document, "config", _CONFIG_KEYS)
        values = {
            attribute: reader(obj[key], f"config.{key}")
            for key, (attribute, reader) in _CONFIG_KEYS.items()
            if key in obj
        }
    except OcppCallError as exc:
        raise InvalidArgumentError(exc.description) from None
    return ChargePointConfig(**values)


def config_to_ocpp(config: ChargePointConfig) -> dict[str, Any]:
    """`config` as the replay script's ``"config"`` object, every key present; `config_from_ocpp` reads it back."""
    return {
        "connectorCount": config.outlet_count,
        "voltage": config.voltage,
        "chargeProfileMaxStackLevel": config.max_stack_level,
        "chargingScheduleAllowedChargingRateUnit": [unit.value for unit in config.allowed_rate_units],
        "chargingScheduleMaxPeriods": config.max_periods,
        "maxChargingProfilesInstalled": config.max_profiles,
        "connectorMaxCurrent": config.outlet_max_current,
        "defaultNumberPhases": config.default_number_phases,
    }
