"""Reading decoded JSON (dicts, lists, strings, numbers) field by field, with the path of every problem.

One reader per kind of JSON value (`read_int`, `read_number`, `read_text`, `read_instant`, `read_enum`,
`read_purpose`, `read_array`, `read_mapping`, `read_object`), `read_required` / `read_optional` for one field of
an object, and `Field` tables that say which fields an object has, which are required and how each is read
(`read_field`); `without_none` leaves absent optional fields out of what a writer builds. Every problem raises
`DocumentError` with the path of the offending value and a `DocumentProblem`: a wrong JSON type, a missing field,
an unknown field, a string outside the allowed values, a timestamp that is not ISO 8601 with an offset (R5).

Shared by the protocol adapters (`ocpp16`, `ocpp201`) and the documents (saved states, replay scripts). This
module must not know any protocol: not which fields a message has (the adapters' field tables and schemas say
that) nor how a protocol answers a malformed message (each adapter's `codec.call_error_from` maps a `DocumentError`
to its CALLERROR).

Numbers: `read_number` accepts JSON integers and floats and `decimal.Decimal` (what Python OCPP stacks decode
floats to); `read_int` accepts only real integers (not bool, not 1.0).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

import attrs

from smartcharge.engine.instants import parse_instant
from smartcharge.engine.model import ChargingRateUnit, OutletConfig, Purpose
from smartcharge.errors import DocumentError, DocumentProblem, InvalidArgumentError

__all__ = [
    "OUTLET_SETTINGS",
    "SHARED_CONFIG_SETTINGS",
    "Field",
    "Fields",
    "Reader",
    "Settings",
    "child_path",
    "outlets_to_json",
    "read_array",
    "read_bool",
    "read_enum",
    "read_field",
    "read_instant",
    "read_int",
    "read_mapping",
    "read_number",
    "read_object",
    "read_optional",
    "read_outlets",
    "read_purpose",
    "read_required",
    "read_settings",
    "read_text",
    "read_unit",
    "read_units",
    "without_none",
]

_T = TypeVar("_T")
_E = TypeVar("_E", bound=Enum)

#: A reader: the value at a path, and the path (for errors) -> the value read. Raises `DocumentError`.
Reader = Callable[[Any, str], _T]


@attrs.frozen
class Field:
    """One field of a JSON object: whether it is `required`, and the reader of its value."""

    required: bool
    read: Reader[Any]


#: An object's fields by name: every field it may have (any other is unknown).
Fields = Mapping[str, Field]


def child_path(path: str, key: str) -> str:
    """The path of field `key` inside the object at `path` ("" is the document itself)."""
    return f"{path}.{key}" if path else key


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


def _wrong_type(
    value: object, path: str, wanted: str, problem: DocumentProblem = DocumentProblem.WRONG_TYPE
) -> DocumentError:
    return DocumentError(path, problem, f"must be {wanted}, not {_json_type(value)}")


# --- one value ----------------------------------------------------------------------------------------------------


def read_mapping(value: Any, path: str) -> Mapping[str, Any]:
    """A JSON object, whatever its fields (its own table checks them where it is read)."""
    if not isinstance(value, Mapping):
        raise _wrong_type(value, path, "an object")
    return value


def read_object(value: Any, path: str, allowed: Collection[str]) -> Mapping[str, Any]:
    """A JSON object with no field outside `allowed` (UNKNOWN_FIELD names every other one)."""
    obj = read_mapping(value, path)
    unknown = sorted(repr(k) for k in obj if k not in allowed)
    if unknown:
        raise DocumentError(path, DocumentProblem.UNKNOWN_FIELD, f"has unknown field(s) {', '.join(unknown)}")
    return obj


def read_array(value: Any, path: str) -> Sequence[Any]:
    """A JSON array (a list or a tuple)."""
    if not isinstance(value, (list, tuple)):
        raise _wrong_type(value, path, "an array")
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


def read_bool(value: Any, path: str) -> bool:
    """A JSON boolean (not 0 or 1)."""
    if not isinstance(value, bool):
        raise _wrong_type(value, path, "a boolean")
    return value


def read_text(value: Any, path: str) -> str:
    """A JSON string."""
    if not isinstance(value, str):
        raise _wrong_type(value, path, "a string")
    return value


def read_instant(value: Any, path: str) -> datetime:
    """An ISO 8601 timestamp with offset (R5) as a UTC instant; anything else, a non-string too, is a
    BAD_TIMESTAMP."""
    if not isinstance(value, str):
        raise _wrong_type(value, path, "a string", DocumentProblem.BAD_TIMESTAMP)
    try:
        return parse_instant(value)
    except InvalidArgumentError as exc:  # NaiveDatetimeError is one
        raise DocumentError(
            path, DocumentProblem.BAD_TIMESTAMP, f"is not an ISO 8601 timestamp with UTC offset: {exc}"
        ) from None


def _not_one_of(path: str, text: str, names: Sequence[str]) -> DocumentError:
    return DocumentError(path, DocumentProblem.NOT_ALLOWED_VALUE, f"{text!r} is not one of {', '.join(names)}")


def read_enum(value: Any, path: str, enum: type[_E], allowed: Collection[_E] | None = None) -> _E:
    """A string naming a member of `enum` (limited to `allowed`): another string is NOT_ALLOWED_VALUE, a
    non-string WRONG_TYPE."""
    text = read_text(value, path)
    members = list(enum) if allowed is None else list(allowed)
    for member in members:
        if member.value == text:
            return member
    raise _not_one_of(path, text, [str(m.value) for m in members])


def read_unit(value: Any, path: str) -> ChargingRateUnit:
    """A charging rate unit, ``"A"`` or ``"W"`` (R3): another string is NOT_ALLOWED_VALUE, a non-string
    WRONG_TYPE."""
    return read_enum(value, path, ChargingRateUnit)


def read_units(value: Any, path: str) -> tuple[ChargingRateUnit, ...]:
    """An array of charging rate units (a ChargingScheduleAllowedChargingRateUnit setting)."""
    return tuple(read_unit(item, f"{path}[{i}]") for i, item in enumerate(read_array(value, path)))


def read_purpose(value: Any, path: str, purposes: Collection[Purpose]) -> Purpose:
    """The purpose of `purposes` that a string names: another string is NOT_ALLOWED_VALUE, a non-string
    WRONG_TYPE."""
    text = read_text(value, path)
    for purpose in purposes:
        if purpose.name == text:
            return purpose
    raise _not_one_of(path, text, [p.name for p in purposes])


def without_none(fields: Mapping[str, Any]) -> dict[str, Any]:
    """`fields` without the ones whose value is None: how a writer leaves absent optional fields out."""
    return {key: value for key, value in fields.items() if value is not None}


# --- one field of an object ---------------------------------------------------------------------------------------


def read_required(obj: Mapping[str, Any], key: str, path: str, reader: Reader[_T]) -> _T:
    """`obj[key]` read by `reader`; MISSING when it is absent."""
    if key not in obj:
        raise DocumentError(child_path(path, key), DocumentProblem.MISSING, "is required")
    return reader(obj[key], child_path(path, key))


def read_optional(obj: Mapping[str, Any], key: str, path: str, reader: Reader[_T]) -> _T | None:
    """`obj[key]` read by `reader`, None when absent (a JSON null is a wrong type, not absence)."""
    if key not in obj:
        return None
    return reader(obj[key], child_path(path, key))


def read_field(obj: Mapping[str, Any], key: str, path: str, fields: Fields) -> Any:
    """Field `key` of the object `obj` at `path`, read as `fields` says (required, or None when absent)."""
    field = fields[key]
    if field.required:
        return read_required(obj, key, path, field.read)
    return read_optional(obj, key, path, field.read)


#: A table of settings: JSON key -> (the attribute it sets, the reader of its value).
Settings = Mapping[str, tuple[str, Reader[Any]]]


def read_settings(value: Any, path: str, settings: Settings) -> dict[str, Any]:
    """The object at `path` as attribute -> value for the keys it has, each read as `settings` says; a key
    `settings` does not know is UNKNOWN_FIELD. (The protocol adapters' charge point configurations.)"""
    obj = read_object(value, path, settings)
    return {
        attribute: reader(obj[key], child_path(path, key))
        for key, (attribute, reader) in settings.items()
        if key in obj
    }


#: One entry of a configuration's per-outlet list (1.6 ``"connectors"``, 2.0.1 ``"evses"``): an outlet's electrical
#: facts (`OutletConfig`, SPEC-201 S9).
OUTLET_SETTINGS: Settings = {
    "id": ("outlet_id", read_int),
    "maxCurrent": ("max_current", read_number),
    "supplyPhases": ("supply_phases", read_int),
    "acPhaseSwitchingSupported": ("phase_switching", read_bool),
}


def read_outlets(value: Any, path: str) -> tuple[OutletConfig, ...]:
    """A configuration's per-outlet list: an array of `OUTLET_SETTINGS` objects, each with its ``id``."""
    outlets = []
    for i, item in enumerate(read_array(value, path)):
        where = f"{path}[{i}]"
        read_required(read_mapping(item, where), "id", where, read_int)
        outlets.append(OutletConfig(**read_settings(item, where, OUTLET_SETTINGS)))
    return tuple(outlets)


def outlets_to_json(outlets: Sequence[OutletConfig]) -> list[dict[str, Any]]:
    """`outlets` as `read_outlets` reads them back (absent facts left out)."""
    return [
        without_none(
            {
                "id": outlet.outlet_id,
                "maxCurrent": outlet.max_current,
                "supplyPhases": outlet.supply_phases,
                "acPhaseSwitchingSupported": outlet.phase_switching,
            }
        )
        for outlet in outlets
    ]


#: The configuration keys both protocols' replay scripts and state documents share (their smart-charging settings;
#: each protocol adds its words for the outlet count, the hardware maximum and the per-outlet list).
SHARED_CONFIG_SETTINGS: Settings = {
    "voltage": ("voltage", read_number),
    "chargeProfileMaxStackLevel": ("max_stack_level", read_int),
    "chargingScheduleAllowedChargingRateUnit": ("allowed_rate_units", read_units),
    "chargingScheduleMaxPeriods": ("max_periods", read_int),
    "maxChargingProfilesInstalled": ("max_profiles", read_int),
    "defaultNumberPhases": ("default_number_phases", read_int),
    "smartChargingAvailable": ("smart_charging_available", read_bool),
    "notifyChargingLimitWithSchedules": ("notify_charging_limit_with_schedules", read_bool),
    "limitChangeSignificance": ("limit_change_significance", read_number),
}
