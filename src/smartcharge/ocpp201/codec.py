"""OCPP 2.0.1 JSON <-> model: reading a CALL's payload against its official schema with the CALLERROR code of
SPEC-201 S18, charging profiles (Part 2 §2.10 ChargingProfileType) to and from the engine's model.

Reading happens in two steps. `read_request` checks a payload against the shipped request schema
(`schema`) and turns the first problem into the OCPP-J 2.0.1 CALLERROR (`call_error_from`):

=================================  ==================================  =========================================
problem                            example                             CALLERROR code
=================================  ==================================  =========================================
the payload is no JSON object      ``[]``                              ``FormatViolation``
a value of the wrong JSON type     ``"evseId": "1"``                   ``TypeConstraintViolation``
a required property missing        no ``chargingProfile``              ``OccurrenceConstraintViolation``
too many / too few items           four chargingSchedules              ``OccurrenceConstraintViolation``
outside an enum, length or range   ``"chargingRateUnit": "kW"``        ``PropertyConstraintViolation``
a property the schema lacks        ``"connectorId": 1``                ``FormatViolation``
a date-time that does not parse    ``"validFrom": "tomorrow"``         ``FormatViolation``
=================================  ==================================  =========================================

A date-time is a string of the right JSON type whose text is not RFC 3339 with an offset: the message is
"syntactically incorrect" (OCPP-J 2.0.1 §4.3, FormatViolation), as OCPP 1.6 answers it (E§3.38).

Then `ReceivedProfile.read` takes a profile object that passed its schema field by field, without judging it; the
rules (SPEC-201 S2-S9, E1-E4) are `rules`', and `ReceivedProfile.to_model` builds the engine's `ChargingProfile`,
whose constructor raises `ProfileValidationError` for what a profile breaks on its own (R4).

This module knows payload shapes only: not the station's state, EVSEs or transactions.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from smartcharge._json import (
    SHARED_CONFIG_SETTINGS,
    Settings,
    outlets_to_json,
    read_int,
    read_number,
    read_outlets,
    read_settings,
    without_none,
)
from smartcharge.engine.instants import format_optional_instant, parse_instant
from smartcharge.engine.model import (
    ChargePointConfig,
    ChargingProfile,
    ChargingProfileKind,
    ChargingRateUnit,
    ChargingSchedule,
    ChargingSchedulePeriod,
    Purpose,
    RecurrencyKind,
    TransactionId,
)
from smartcharge.errors import InvalidArgumentError, OcppCallError
from smartcharge.ocpp201.purposes import PURPOSES
from smartcharge.ocpp201.schema import SchemaViolation, Violation, check, load_schema

__all__ = [
    "CONFIG_SETTINGS",
    "FORMAT_VIOLATION",
    "NOT_SUPPORTED",
    "OCCURRENCE_CONSTRAINT_VIOLATION",
    "PROPERTY_CONSTRAINT_VIOLATION",
    "TYPE_CONSTRAINT_VIOLATION",
    "ReceivedProfile",
    "call_error_from",
    "config_from_ocpp",
    "config_to_ocpp",
    "profile_to_ocpp",
    "read_profile",
    "read_request",
]

#: The payload is no JSON object, has a property its schema lacks, or a date-time that does not parse (S18).
FORMAT_VIOLATION = "FormatViolation"
#: A value of the wrong JSON type (S18).
TYPE_CONSTRAINT_VIOLATION = "TypeConstraintViolation"
#: A required property missing, or a list with too many or too few items (S18).
OCCURRENCE_CONSTRAINT_VIOLATION = "OccurrenceConstraintViolation"
#: A value outside its enumeration, length or range (S18).
PROPERTY_CONSTRAINT_VIOLATION = "PropertyConstraintViolation"
#: The CALLERROR of every smart-charging CALL while SmartChargingCtrlr.Available is false (K01.FR.29).
NOT_SUPPORTED = "NotSupported"

_CODES = {
    Violation.NOT_AN_OBJECT: FORMAT_VIOLATION,
    Violation.WRONG_TYPE: TYPE_CONSTRAINT_VIOLATION,
    Violation.MISSING: OCCURRENCE_CONSTRAINT_VIOLATION,
    Violation.TOO_MANY_ITEMS: OCCURRENCE_CONSTRAINT_VIOLATION,
    Violation.TOO_FEW_ITEMS: OCCURRENCE_CONSTRAINT_VIOLATION,
    Violation.NOT_IN_ENUM: PROPERTY_CONSTRAINT_VIOLATION,
    Violation.TOO_LONG: PROPERTY_CONSTRAINT_VIOLATION,
    Violation.OUT_OF_RANGE: PROPERTY_CONSTRAINT_VIOLATION,
    Violation.UNKNOWN_PROPERTY: FORMAT_VIOLATION,
    Violation.BAD_DATE_TIME: FORMAT_VIOLATION,
}


def call_error_from(error: SchemaViolation) -> OcppCallError:
    """The CALLERROR a payload breaking its schema as `error` says is answered with (S18, table above); the
    description is the path (``payload`` for the payload itself) and what is wrong there."""
    return OcppCallError(_CODES[error.violation], f"{error.path or 'payload'} {error.message}")


def read_request(action: str, payload: Any) -> Mapping[str, Any]:
    """`payload`, checked against the official schema of the request of `action` (e.g. ``"SetChargingProfile"``);
    `OcppCallError` with the S18 code for the first problem."""
    try:
        check(payload, load_schema(f"{action}Request"))
    except SchemaViolation as exc:
        raise call_error_from(exc) from None
    result: Mapping[str, Any] = payload
    return result


def read_profile(value: Any) -> ReceivedProfile:
    """The profile in `value`, a ``ChargingProfileType`` object: `SchemaViolation` (a `DocumentError`) for the
    first problem, else its fields (`ReceivedProfile.read`). For profiles that do not arrive in a CALL (external
    constraints, S10)."""
    root = load_schema("SetChargingProfileRequest")
    check(value, {"definitions": root["definitions"], "$ref": "#/definitions/ChargingProfileType"})
    return ReceivedProfile.read(value)


def _instant(value: str | None) -> datetime | None:
    return None if value is None else parse_instant(value)


def purpose_named(name: str) -> Purpose:
    """The OCPP 2.0.1 purpose `name` names, a ChargingProfilePurposeEnumType value its schema let through."""
    for purpose in PURPOSES:
        if purpose.name == name:
            return purpose
    raise InvalidArgumentError(f"chargingProfilePurpose {name!r} is not an OCPP 2.0.1 purpose")


@attrs.frozen
class ReceivedProfile:
    """A ``ChargingProfileType`` object that passed its schema (`read_request`): `json` as received and its fields
    read, not yet judged. `schedules` are the ``chargingSchedule`` objects as received (S4: one to three)."""

    json: Mapping[str, Any]
    id: int
    stack_level: int
    purpose: Purpose
    kind: ChargingProfileKind
    recurrency_kind: RecurrencyKind | None
    valid_from: datetime | None
    valid_to: datetime | None
    transaction_id: str | None
    schedules: tuple[Mapping[str, Any], ...]

    @classmethod
    def read(cls, obj: Mapping[str, Any]) -> ReceivedProfile:
        """The fields of `obj`, a profile object that passed the schema (every value there has its JSON type)."""
        recurrency = obj.get("recurrencyKind")
        return cls(
            json=obj,
            id=obj["id"],
            stack_level=obj["stackLevel"],
            purpose=purpose_named(obj["chargingProfilePurpose"]),
            kind=ChargingProfileKind(obj["chargingProfileKind"]),
            recurrency_kind=None if recurrency is None else RecurrencyKind(recurrency),
            valid_from=_instant(obj.get("validFrom")),
            valid_to=_instant(obj.get("validTo")),
            transaction_id=obj.get("transactionId"),
            schedules=tuple(obj["chargingSchedule"]),
        )

    @property
    def units(self) -> tuple[ChargingRateUnit, ...]:
        """The chargingRateUnit of each schedule."""
        return tuple(ChargingRateUnit(s["chargingRateUnit"]) for s in self.schedules)

    @property
    def periods(self) -> tuple[Mapping[str, Any], ...]:
        """The period objects of every schedule, in order."""
        return tuple(p for s in self.schedules for p in s["chargingSchedulePeriod"])

    def to_model(self, transaction_id: TransactionId | None = None, *, dc: bool = False) -> ChargingProfile:
        """The engine's profile, bound to `transaction_id` (the profile's own is not used: S5 matches it
        case-insensitively and binds the running transaction's id); an absent numberPhases is 3 (K01.FR.49,
        whatever the station's default for 1.6-style periods), and on a `dc` EVSE there is neither numberPhases nor
        phaseToUse (K01.FR.44). Raises `ProfileValidationError` for what the model refuses (R4)."""
        return ChargingProfile(
            charging_profile_id=self.id,
            stack_level=self.stack_level,
            charging_profile_purpose=self.purpose,
            charging_profile_kind=self.kind,
            charging_schedules=tuple(_schedule(s, dc) for s in self.schedules),
            transaction_id=transaction_id,
            recurrency_kind=self.recurrency_kind,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
        )

    def document(self, transaction_id: str | None = None) -> str:
        """The profile as received, as compact JSON text, with `transaction_id` added when given (S16)."""
        obj = dict(self.json)
        if transaction_id is not None:
            obj["transactionId"] = transaction_id
        return document_text(obj)


def _period(obj: Mapping[str, Any], dc: bool) -> ChargingSchedulePeriod:
    return ChargingSchedulePeriod(
        start_period=obj["startPeriod"],
        limit=obj["limit"],
        number_phases=None if dc else obj.get("numberPhases", 3),  # K01.FR.49: absent on AC means 3
        phase_to_use=None if dc else obj.get("phaseToUse"),
    )


def _schedule(obj: Mapping[str, Any], dc: bool) -> ChargingSchedule:
    return ChargingSchedule(
        charging_rate_unit=obj["chargingRateUnit"],
        charging_schedule_period=tuple(_period(p, dc) for p in obj["chargingSchedulePeriod"]),
        duration=obj.get("duration"),
        start_schedule=_instant(obj.get("startSchedule")),
        min_charging_rate=obj.get("minChargingRate"),
        id=obj["id"],
    )


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def document_text(value: Any) -> str:
    """`value` (decoded JSON; `Decimal` numbers and any `Mapping` allowed) as compact JSON text."""
    return json.dumps(value, separators=(",", ":"), default=_json_default)


def _period_to_ocpp(period: ChargingSchedulePeriod) -> dict[str, Any]:
    return without_none(
        {
            "startPeriod": period.start_period,
            "limit": period.limit,
            "numberPhases": period.number_phases,
            "phaseToUse": period.phase_to_use,
        }
    )


def _schedule_to_ocpp(schedule: ChargingSchedule, index: int) -> dict[str, Any]:
    return without_none(
        {
            "id": index if schedule.id is None else schedule.id,
            "startSchedule": format_optional_instant(schedule.start_schedule),
            "duration": schedule.duration,
            "chargingRateUnit": schedule.charging_rate_unit.value,
            "chargingSchedulePeriod": [_period_to_ocpp(p) for p in schedule.charging_schedule_period],
            "minChargingRate": schedule.min_charging_rate,
        }
    )


def profile_to_ocpp(profile: ChargingProfile) -> dict[str, Any]:
    """`profile` as an OCPP 2.0.1 ``ChargingProfileType`` object: times as ``YYYY-MM-DDTHH:MM:SSZ``, absent
    optional fields left out, a transaction id as a string, a schedule without id numbered by its position. For
    profiles installed without the document they arrived in (S16 reports that document where there is one)."""
    tx = profile.transaction_id
    return without_none(
        {
            "id": profile.charging_profile_id,
            "stackLevel": profile.stack_level,
            "chargingProfilePurpose": profile.charging_profile_purpose.name,
            "chargingProfileKind": profile.charging_profile_kind.value,
            "recurrencyKind": None if profile.recurrency_kind is None else profile.recurrency_kind.value,
            "validFrom": format_optional_instant(profile.valid_from),
            "validTo": format_optional_instant(profile.valid_to),
            "transactionId": None if tx is None else str(tx),
            "chargingSchedule": [_schedule_to_ocpp(s, i + 1) for i, s in enumerate(profile.charging_schedules)],
        }
    )


# --- station configuration ---------------------------------------------------------------------------------------

#: Replay-script config key -> (ChargePointConfig attribute, reader): OCPP 1.6's keys with "evse" for
#: "connector", and the SmartChargingCtrlr settings of 2.0.1 (SPEC-201 "Replay scripts").
CONFIG_SETTINGS: Settings = {
    "evseCount": ("outlet_count", read_int),
    "evseMaxCurrent": ("outlet_max_current", read_number),
    "evses": ("outlets", read_outlets),
    **SHARED_CONFIG_SETTINGS,
}


def config_from_ocpp(document: Mapping[str, Any]) -> ChargePointConfig:
    """A `ChargePointConfig` from a 2.0.1 replay script's ``"config"`` object; every key is optional (defaults as
    in `ChargePointConfig`). Raises a `ValueError` naming the key: `DocumentError` for an unknown key or a wrong
    type, the configuration's own error for a bad value."""
    return ChargePointConfig(**read_settings(document, "config", CONFIG_SETTINGS))


def config_to_ocpp(config: ChargePointConfig) -> dict[str, Any]:
    """`config` as a 2.0.1 replay script's ``"config"`` object, every key present; `config_from_ocpp` reads it
    back."""
    return {
        "evseCount": config.outlet_count,
        "voltage": config.voltage,
        "chargeProfileMaxStackLevel": config.max_stack_level,
        "chargingScheduleAllowedChargingRateUnit": [unit.value for unit in config.allowed_rate_units],
        "chargingScheduleMaxPeriods": config.max_periods,
        "maxChargingProfilesInstalled": config.max_profiles,
        "evseMaxCurrent": config.outlet_max_current,
        "defaultNumberPhases": config.default_number_phases,
        "smartChargingAvailable": config.smart_charging_available,
        "notifyChargingLimitWithSchedules": config.notify_charging_limit_with_schedules,
        "limitChangeSignificance": config.limit_change_significance,
        "evses": outlets_to_json(config.outlets),
    }
