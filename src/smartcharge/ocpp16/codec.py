"""OCPP 1.6 JSON <-> model: charging profiles in the camelCase shape of SetChargingProfile's
`csChargingProfiles` (§6.43, §7.8, §7.13, §7.14), and the replay script's charge point configuration (§9.4 keys).

The field tables `PERIOD_FIELDS`, `SCHEDULE_FIELDS` and `profile_fields` are the one description of these objects'
fields (as in the OCPP 1.6 JSON schemas, which say `additionalProperties: false`): which exist, which are
required, how each value is read. Reading follows them with the readers of `smartcharge._json`, which raise
`DocumentError` for a shape problem; the *rules* a well-formed profile must obey (R4, R11-R13) are the model's,
whose constructor raises `ProfileValidationError`.

The mapping from a shape problem to OCPP 1.6's CALLERROR lives here, in `call_error_from` (R14, R5, E§3.38): a
missing required field, a wrong JSON type, an unknown field or a timestamp that is not ISO 8601 with an offset is
``FormatViolation``; a string outside an enumeration is ``PropertyConstraintViolation``. The OCPP entry points
`profile_from_ocpp` and `purpose_from_ocpp` (and the `handlers`) answer with it; `read_profile` leaves the
`DocumentError` to documents that are not OCPP messages (saved states, replay scripts) and to the handlers.

Numbers: `limit` and `minChargingRate` accept JSON integers and floats and `decimal.Decimal` (what Python OCPP
stacks decode floats to); integer fields accept only real integers (not bool, not 1.0). Writing gives times as
``YYYY-MM-DDTHH:MM:SSZ`` and leaves absent optional fields out, so reading what was written gives the same value.

This module knows payload shapes only: not the charge point's state, connectors or transactions.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from smartcharge._json import (
    SHARED_CONFIG_SETTINGS,
    Field,
    Fields,
    Settings,
    child_path,
    outlets_to_json,
    read_array,
    read_enum,
    read_field,
    read_instant,
    read_int,
    read_mapping,
    read_number,
    read_object,
    read_outlets,
    read_purpose,
    read_settings,
    read_unit,
    without_none,
)
from smartcharge.engine.instants import format_optional_instant
from smartcharge.engine.model import (
    ChargePointConfig,
    ChargingProfile,
    ChargingProfileKind,
    ChargingSchedule,
    ChargingSchedulePeriod,
    Purpose,
    RecurrencyKind,
)
from smartcharge.errors import DocumentError, DocumentProblem, OcppCallError
from smartcharge.ocpp16.purposes import PURPOSES

__all__ = [
    "CONFIG_SETTINGS",
    "FORMAT_VIOLATION",
    "PERIOD_FIELDS",
    "PROPERTY_CONSTRAINT_VIOLATION",
    "SCHEDULE_FIELDS",
    "call_error_from",
    "config_from_ocpp",
    "config_to_ocpp",
    "profile_fields",
    "profile_from_ocpp",
    "profile_to_ocpp",
    "purpose_from_ocpp",
    "read_profile",
]

#: The CALLERROR code of a payload with a required field missing or a field of the wrong JSON type (R14).
FORMAT_VIOLATION = "FormatViolation"
#: The CALLERROR code of a payload with a value a field may not take, such as an unknown enum value (R14).
PROPERTY_CONSTRAINT_VIOLATION = "PropertyConstraintViolation"


def call_error_from(error: DocumentError) -> OcppCallError:
    """The CALLERROR an OCPP 1.6 charge point answers a payload whose shape has `error` with (R14, R5, E§3.38):
    ``PropertyConstraintViolation`` for a value outside the allowed ones, ``FormatViolation`` for anything else.
    The description is the error's path (``payload`` for the payload itself) and message."""
    code = PROPERTY_CONSTRAINT_VIOLATION if error.problem is DocumentProblem.NOT_ALLOWED_VALUE else FORMAT_VIOLATION
    return OcppCallError(code, f"{error.path or 'payload'} {error.message}")


# --- the field tables -------------------------------------------------------------------------------------------



def _kind(value: Any, path: str) -> ChargingProfileKind:
    return read_enum(value, path, ChargingProfileKind)


def _recurrency(value: Any, path: str) -> RecurrencyKind:
    return read_enum(value, path, RecurrencyKind)


#: ChargingSchedulePeriod (§7.14).
PERIOD_FIELDS: Fields = {
    "startPeriod": Field(True, read_int),
    "limit": Field(True, read_number),
    "numberPhases": Field(False, read_int),
}
#: ChargingSchedule (§7.13); each item of `chargingSchedulePeriod` has `PERIOD_FIELDS`.
SCHEDULE_FIELDS: Fields = {
    "duration": Field(False, read_int),
    "startSchedule": Field(False, read_instant),
    "chargingRateUnit": Field(True, read_unit),
    "chargingSchedulePeriod": Field(True, read_array),
    "minChargingRate": Field(False, read_number),
}


def profile_fields(purposes: Collection[Purpose] = PURPOSES) -> Fields:
    """ChargingProfile (§7.8) whose purpose is one of `purposes` (OCPP 1.6's three unless the caller says
    otherwise); `chargingSchedule` has `SCHEDULE_FIELDS`."""

    def purpose(value: Any, path: str) -> Purpose:
        return read_purpose(value, path, purposes)

    return {
        "chargingProfileId": Field(True, read_int),
        "transactionId": Field(False, read_int),
        "stackLevel": Field(True, read_int),
        "chargingProfilePurpose": Field(True, purpose),
        "chargingProfileKind": Field(True, _kind),
        "recurrencyKind": Field(False, _recurrency),
        "validFrom": Field(False, read_instant),
        "validTo": Field(False, read_instant),
        "chargingSchedule": Field(True, read_mapping),
    }


# --- profiles ---------------------------------------------------------------------------------------------------


def _period(value: Any, path: str) -> ChargingSchedulePeriod:
    obj = read_object(value, path, PERIOD_FIELDS)
    return ChargingSchedulePeriod(
        start_period=read_field(obj, "startPeriod", path, PERIOD_FIELDS),
        limit=read_field(obj, "limit", path, PERIOD_FIELDS),
        number_phases=read_field(obj, "numberPhases", path, PERIOD_FIELDS),
    )


def _read_schedule(value: Any, path: str) -> ChargingSchedule:
    """The `ChargingSchedule` in an OCPP 1.6 `chargingSchedule` object (§7.13) at `path`.

    Raises `DocumentError` for a shape problem and lets the model's `ProfileValidationError` through (R4), each
    as soon as it is found: the unit, then each period, then the other fields.
    """
    obj = read_object(value, path, SCHEDULE_FIELDS)
    unit = read_field(obj, "chargingRateUnit", path, SCHEDULE_FIELDS)
    where = child_path(path, "chargingSchedulePeriod")
    items = read_field(obj, "chargingSchedulePeriod", path, SCHEDULE_FIELDS)
    return ChargingSchedule(
        charging_rate_unit=unit,
        charging_schedule_period=tuple(_period(item, f"{where}[{i}]") for i, item in enumerate(items)),
        duration=read_field(obj, "duration", path, SCHEDULE_FIELDS),
        start_schedule=read_field(obj, "startSchedule", path, SCHEDULE_FIELDS),
        min_charging_rate=read_field(obj, "minChargingRate", path, SCHEDULE_FIELDS),
    )


def read_profile(value: Any, path: str, purposes: Collection[Purpose] = PURPOSES) -> ChargingProfile:
    """The `ChargingProfile` in an OCPP 1.6 `csChargingProfiles` (or RemoteStartTransaction `chargingProfile`)
    object (§7.8) at `path`, naming one of `purposes`.

    Raises `DocumentError` for a shape problem and lets the model's `ProfileValidationError` through (R4,
    R11-R13), each as soon as it is found, in this order: unknown fields, chargingProfileId, stackLevel, the
    purpose, the kind, the whole schedule (its unit, each period, its other fields), then the optional fields.
    """
    fields = profile_fields(purposes)
    obj = read_object(value, path, fields)
    profile_id = read_field(obj, "chargingProfileId", path, fields)
    stack_level = read_field(obj, "stackLevel", path, fields)
    purpose = read_field(obj, "chargingProfilePurpose", path, fields)
    kind = read_field(obj, "chargingProfileKind", path, fields)
    schedule = _read_schedule(read_field(obj, "chargingSchedule", path, fields), child_path(path, "chargingSchedule"))
    return ChargingProfile(
        charging_profile_id=profile_id,
        stack_level=stack_level,
        charging_profile_purpose=purpose,
        charging_profile_kind=kind,
        charging_schedules=schedule,
        transaction_id=read_field(obj, "transactionId", path, fields),
        recurrency_kind=read_field(obj, "recurrencyKind", path, fields),
        valid_from=read_field(obj, "validFrom", path, fields),
        valid_to=read_field(obj, "validTo", path, fields),
    )


def profile_from_ocpp(
    payload: Mapping[str, Any], *, path: str = "chargingProfile", purposes: Collection[Purpose] = PURPOSES
) -> ChargingProfile:
    """The `ChargingProfile` in an OCPP 1.6 `csChargingProfiles` (or RemoteStartTransaction `chargingProfile`)
    object (§7.8), read as `read_profile` reads it.

    Raises `OcppCallError` for shape problems (FormatViolation) and enum values outside the schema
    (PropertyConstraintViolation, R14; `call_error_from`), and lets the model's `ProfileValidationError` through
    for rule violations (R4, R11-R13: the handler answers those with Rejected). `path` names the object in error
    descriptions. `purposes` are the purposes it may name: OCPP 1.6's three unless the caller says otherwise (a
    saved state may also hold OCPP 2.0.1's ChargingStationExternalConstraints).
    """
    try:
        return read_profile(payload, path, purposes)
    except DocumentError as exc:
        raise call_error_from(exc) from None


def purpose_from_ocpp(value: Any, path: str) -> Purpose:
    """The OCPP 1.6 purpose a `chargingProfilePurpose` string names (§7.9); `OcppCallError` otherwise
    (PropertyConstraintViolation for another string, FormatViolation for a non-string: R14)."""
    try:
        return read_purpose(value, path, PURPOSES)
    except DocumentError as exc:
        raise call_error_from(exc) from None


def _period_to_ocpp(period: ChargingSchedulePeriod) -> dict[str, Any]:
    return without_none(
        {"startPeriod": period.start_period, "limit": period.limit, "numberPhases": period.number_phases}
    )


def _schedule_to_ocpp(schedule: ChargingSchedule) -> dict[str, Any]:
    return without_none(
        {
            "duration": schedule.duration,
            "startSchedule": format_optional_instant(schedule.start_schedule),
            "chargingRateUnit": schedule.charging_rate_unit.value,
            "chargingSchedulePeriod": [_period_to_ocpp(p) for p in schedule.charging_schedule_period],
            "minChargingRate": schedule.min_charging_rate,
        }
    )


def profile_to_ocpp(profile: ChargingProfile) -> dict[str, Any]:
    """`profile` as an OCPP 1.6 `csChargingProfiles` object (§7.8): camelCase, times as
    ``YYYY-MM-DDTHH:MM:SSZ``, absent optional fields left out. `profile_from_ocpp` reads it back unchanged."""
    return without_none(
        {
            "chargingProfileId": profile.charging_profile_id,
            "transactionId": profile.transaction_id,
            "stackLevel": profile.stack_level,
            "chargingProfilePurpose": profile.charging_profile_purpose.name,
            "chargingProfileKind": profile.charging_profile_kind.value,
            "recurrencyKind": None if profile.recurrency_kind is None else profile.recurrency_kind.value,
            "validFrom": format_optional_instant(profile.valid_from),
            "validTo": format_optional_instant(profile.valid_to),
            "chargingSchedule": _schedule_to_ocpp(profile.charging_schedule),
        }
    )


# --- charge point configuration ----------------------------------------------------------------------------------


#: Replay-script config key -> (ChargePointConfig attribute, reader). Keys follow §9.4 where OCPP has one.
CONFIG_SETTINGS: Settings = {
    "connectorCount": ("outlet_count", read_int),
    "connectorMaxCurrent": ("outlet_max_current", read_number),
    # The keys beyond OCPP 1.6 (per-connector facts, the 2.0.1 SmartChargingCtrlr settings) are written only where
    # they differ from the defaults, for a configuration the engine can hold.
    "connectors": ("outlets", read_outlets),
    **SHARED_CONFIG_SETTINGS,
}


def config_from_ocpp(document: Mapping[str, Any]) -> ChargePointConfig:
    """A `ChargePointConfig` from the replay script's ``"config"`` object; every key is optional (defaults as in
    `ChargePointConfig`). Raises a `ValueError` naming the key: `DocumentError` for an unknown key or a wrong
    type, the configuration's own error for a bad value."""
    return ChargePointConfig(**read_settings(document, "config", CONFIG_SETTINGS))


def config_to_ocpp(config: ChargePointConfig) -> dict[str, Any]:
    """`config` as the replay script's ``"config"`` object, every OCPP 1.6 key present and the others where they
    differ from the defaults; `config_from_ocpp` reads it back."""
    default = ChargePointConfig()
    extra = {
        "connectors": outlets_to_json(config.outlets) if config.outlets else None,
        "smartChargingAvailable": None if config.smart_charging_available else False,
        "notifyChargingLimitWithSchedules": config.notify_charging_limit_with_schedules or None,
        "limitChangeSignificance": (
            None
            if config.limit_change_significance == default.limit_change_significance
            else config.limit_change_significance
        ),
    }
    return {
        "connectorCount": config.outlet_count,
        "voltage": config.voltage,
        "chargeProfileMaxStackLevel": config.max_stack_level,
        "chargingScheduleAllowedChargingRateUnit": [unit.value for unit in config.allowed_rate_units],
        "chargingScheduleMaxPeriods": config.max_periods,
        "maxChargingProfilesInstalled": config.max_profiles,
        "connectorMaxCurrent": config.outlet_max_current,
        "defaultNumberPhases": config.default_number_phases,
        **without_none(extra),
    }
