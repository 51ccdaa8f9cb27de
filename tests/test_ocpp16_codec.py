"""The OCPP 1.6 codec: profiles and configuration between camelCase JSON and the model (SPEC R4, R5, R11-R14,
D11; §7.8, §7.13, §7.14, E§3.38)."""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from datetime import datetime, timezone
from decimal import Decimal
from importlib import resources
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from schema import assert_valid_request

from smartcharge import (
    ChargePointConfig,
    ChargingProfile,
    ChargingProfileKind,
    ChargingProfilePurpose,
    ChargingRateUnit,
    ChargingSchedule,
    ChargingSchedulePeriod,
    OcppCallError,
    ProfileValidationError,
    RecurrencyKind,
)
from smartcharge.documents.state_document import STATE_PURPOSES
from smartcharge.errors import DocumentError, DocumentProblem
from smartcharge.ocpp16 import config_from_ocpp, config_to_ocpp, profile_from_ocpp, profile_to_ocpp
from smartcharge.ocpp16.codec import (
    PERIOD_FIELDS,
    SCHEDULE_FIELDS,
    call_error_from,
    profile_fields,
    purpose_from_ocpp,
    read_profile,
)
from smartcharge.ocpp201 import ChargingProfilePurpose as Purpose201
from smartcharge.strategies import charge_point_configs, charging_profiles

Path = Sequence[str | int]


def payload() -> dict[str, Any]:
    """A csChargingProfiles object using every field."""
    return {
        "chargingProfileId": 7,
        "transactionId": 42,
        "stackLevel": 2,
        "chargingProfilePurpose": "TxProfile",
        "chargingProfileKind": "Recurring",
        "recurrencyKind": "Daily",
        "validFrom": "2026-01-01T00:00:00Z",
        "validTo": "2026-02-01T00:00:00Z",
        "chargingSchedule": {
            "duration": 86400,
            "startSchedule": "2026-01-05T06:00:00Z",
            "chargingRateUnit": "W",
            "chargingSchedulePeriod": [
                {"startPeriod": 0, "limit": 11000.0, "numberPhases": 3},
                {"startPeriod": 3600, "limit": 6000.5},
            ],
            "minChargingRate": 1380.0,
        },
    }


def replaced(document: dict[str, Any], path: Path, value: Any) -> dict[str, Any]:
    """A deep copy of `document` with the field at `path` set to `value`."""
    out = copy.deepcopy(document)
    target: Any = out
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return out


def removed(document: dict[str, Any], path: Path) -> dict[str, Any]:
    """A deep copy of `document` without the field at `path`."""
    out = copy.deepcopy(document)
    target: Any = out
    for step in path[:-1]:
        target = target[step]
    del target[path[-1]]
    return out


def call_error(code: str, document: Any, *words: str) -> OcppCallError:
    with pytest.raises(OcppCallError) as info:
        profile_from_ocpp(document)
    assert info.value.code == code, info.value
    for word in words:
        assert word in info.value.description, (word, info.value.description)
    return info.value


SCHEDULE = ("chargingSchedule",)
PERIOD_0 = ("chargingSchedule", "chargingSchedulePeriod", 0)


# --- reading -----------------------------------------------------------------------------------------------


def test_reads_every_field() -> None:
    profile = profile_from_ocpp(payload())
    assert profile == ChargingProfile(
        charging_profile_id=7,
        stack_level=2,
        charging_profile_purpose=ChargingProfilePurpose.TX_PROFILE,
        charging_profile_kind=ChargingProfileKind.RECURRING,
        charging_schedules=ChargingSchedule(
            charging_rate_unit=ChargingRateUnit.W,
            charging_schedule_period=(ChargingSchedulePeriod(0, 11000.0, 3), ChargingSchedulePeriod(3600, 6000.5)),
            duration=86400,
            start_schedule=datetime(2026, 1, 5, 6, tzinfo=timezone.utc),
            min_charging_rate=1380.0,
        ),
        transaction_id=42,
        recurrency_kind=RecurrencyKind.DAILY,
        valid_from=datetime(2026, 1, 1, tzinfo=timezone.utc),
        valid_to=datetime(2026, 2, 1, tzinfo=timezone.utc),
    )


def test_r5_offsets_and_fractions_are_read_as_utc_floored_to_the_second() -> None:
    document = replaced(payload(), (*SCHEDULE, "startSchedule"), "2026-01-05T07:00:00.999+01:00")
    assert profile_from_ocpp(document).charging_schedule.start_schedule == datetime(2026, 1, 5, 6, tzinfo=timezone.utc)


@pytest.mark.parametrize("limit", [16, 16.0, Decimal("16"), Decimal("16.0")])
def test_limit_accepts_int_float_and_decimal(limit: Any) -> None:
    document = replaced(payload(), (*PERIOD_0, "limit"), limit)
    period = profile_from_ocpp(document).charging_schedule.charging_schedule_period[0]
    assert period.limit == 16.0 and type(period.limit) is float


def test_decimal_min_charging_rate_and_fractional_limits() -> None:
    document = json.loads(json.dumps(payload()), parse_float=Decimal)
    assert profile_from_ocpp(document) == profile_from_ocpp(payload())
    document = replaced(payload(), (*SCHEDULE, "minChargingRate"), Decimal("0.1"))
    assert profile_from_ocpp(document).charging_schedule.min_charging_rate == 0.1


def test_d11_recurrency_kind_on_absolute_is_read_and_ignored() -> None:
    document = replaced(payload(), ("chargingProfileKind",), "Absolute")
    profile = profile_from_ocpp(document)
    assert profile.recurrency_kind is RecurrencyKind.DAILY
    assert profile.recurrence_seconds is None


# --- writing and the round trip ------------------------------------------------------------------------------


def test_writes_camel_case_with_z_times() -> None:
    assert profile_to_ocpp(profile_from_ocpp(payload())) == payload()


def test_written_profile_is_a_valid_set_charging_profile_request() -> None:
    assert_valid_request(
        "SetChargingProfile", {"connectorId": 1, "csChargingProfiles": profile_to_ocpp(profile_from_ocpp(payload()))}
    )


def test_absent_optionals_are_left_out() -> None:
    minimal = {
        "chargingProfileId": 1,
        "stackLevel": 0,
        "chargingProfilePurpose": "TxDefaultProfile",
        "chargingProfileKind": "Relative",
        "chargingSchedule": {"chargingRateUnit": "A", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 6.0}]},
    }
    assert profile_to_ocpp(profile_from_ocpp(minimal)) == minimal


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00Z", "0999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"])
def test_r5_round_trip_at_the_ends_of_time(stamp: str) -> None:
    document = replaced(payload(), ("validFrom",), stamp)
    del document["validTo"]
    written = profile_to_ocpp(profile_from_ocpp(document))
    assert written["validFrom"] == stamp
    assert profile_from_ocpp(written) == profile_from_ocpp(document)


@given(charging_profiles(max_periods=8))
def test_round_trip_every_valid_profile(profile: ChargingProfile) -> None:
    assert profile_from_ocpp(profile_to_ocpp(profile)) == profile


@given(charging_profiles(), st.integers(1, 2**31 - 1))
def test_round_trip_through_json_text_with_decimals(profile: ChargingProfile, transaction_id: int) -> None:
    profile = attrs.evolve(profile, transaction_id=transaction_id)
    text = json.dumps(profile_to_ocpp(profile))
    assert profile_from_ocpp(json.loads(text)) == profile
    assert profile_from_ocpp(json.loads(text, parse_float=Decimal)) == profile


# --- FormatViolation: shape ---------------------------------------------------------------------------------

REQUIRED = [
    ("chargingProfileId",),
    ("stackLevel",),
    ("chargingProfilePurpose",),
    ("chargingProfileKind",),
    ("chargingSchedule",),
    (*SCHEDULE, "chargingRateUnit"),
    (*SCHEDULE, "chargingSchedulePeriod"),
    (*PERIOD_0, "startPeriod"),
    (*PERIOD_0, "limit"),
]


@pytest.mark.parametrize("path", REQUIRED, ids=lambda p: ".".join(map(str, p)))
def test_r14_missing_required_field_is_format_violation(path: Path) -> None:
    call_error("FormatViolation", removed(payload(), path), str(path[-1]), "required")


WRONG_TYPES = [
    (("chargingProfileId",), "7"),
    (("chargingProfileId",), 7.0),
    (("chargingProfileId",), True),
    (("chargingProfileId",), None),
    (("chargingProfileId",), Decimal("7")),
    (("transactionId",), "42"),
    (("stackLevel",), 1.5),
    (("chargingProfilePurpose",), 1),
    (("chargingProfileKind",), None),
    (("recurrencyKind",), ["Daily"]),
    (("validFrom",), 1767225600),
    (("validTo",), None),
    (SCHEDULE, []),
    (SCHEDULE, "schedule"),
    ((*SCHEDULE, "duration"), "86400"),
    ((*SCHEDULE, "duration"), 86400.0),
    ((*SCHEDULE, "startSchedule"), {"at": 0}),
    ((*SCHEDULE, "chargingRateUnit"), 0),
    ((*SCHEDULE, "chargingSchedulePeriod"), {"startPeriod": 0, "limit": 1}),
    ((*SCHEDULE, "chargingSchedulePeriod"), None),
    ((*SCHEDULE, "minChargingRate"), "1"),
    ((*SCHEDULE, "minChargingRate"), False),
    ((*SCHEDULE, "chargingSchedulePeriod", 0), 16),
    ((*PERIOD_0, "startPeriod"), 0.0),
    ((*PERIOD_0, "startPeriod"), False),
    ((*PERIOD_0, "limit"), "16"),
    ((*PERIOD_0, "limit"), True),
    ((*PERIOD_0, "limit"), None),
    ((*PERIOD_0, "numberPhases"), 3.0),
    ((*PERIOD_0, "numberPhases"), "3"),
]


@pytest.mark.parametrize(("path", "value"), WRONG_TYPES, ids=lambda x: repr(x))
def test_r14_wrong_json_type_is_format_violation(path: Path, value: Any) -> None:
    call_error("FormatViolation", replaced(payload(), path, value), str(path[-1]))


@pytest.mark.parametrize("where", [(), SCHEDULE, PERIOD_0], ids=["profile", "schedule", "period"])
def test_unknown_field_is_format_violation(where: Path) -> None:
    call_error("FormatViolation", replaced(payload(), (*where, "colour"), "red"), "unknown", "colour")


@pytest.mark.parametrize("document", [None, [], "profile", 3, 2.5, True])
def test_payload_that_is_not_an_object_is_format_violation(document: Any) -> None:
    call_error("FormatViolation", document, "object")


@pytest.mark.parametrize(
    "stamp",
    ["yesterday", "", "2026-01-05T06:00:00", "2026-01-05", "2026-13-05T06:00:00Z", "2026-01-05T25:00:00Z"],
)
@pytest.mark.parametrize("path", [("validFrom",), ("validTo",), (*SCHEDULE, "startSchedule")], ids=str)
def test_r5_unparsable_or_offsetless_timestamp_is_format_violation(stamp: str, path: Path) -> None:
    call_error("FormatViolation", replaced(payload(), path, stamp), str(path[-1]))


# --- PropertyConstraintViolation: enums (R14) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("chargingProfilePurpose",), "DefaultProfile"),
        (("chargingProfilePurpose",), "txprofile"),
        (("chargingProfilePurpose",), "ChargingStationExternalConstraints"),
        (("chargingProfileKind",), "Periodic"),
        (("recurrencyKind",), "Monthly"),
        ((*SCHEDULE, "chargingRateUnit"), "kW"),
    ],
    ids=lambda x: repr(x),
)
def test_r14_value_outside_enum_is_property_constraint_violation(path: Path, value: str) -> None:
    call_error("PropertyConstraintViolation", replaced(payload(), path, value), str(path[-1]), value)


def test_r1_external_constraints_purpose_is_read_when_the_caller_allows_it() -> None:
    document = replaced(payload(), ("chargingProfilePurpose",), "ChargingStationExternalConstraints")
    profile = profile_from_ocpp(document, purposes=STATE_PURPOSES)
    assert profile.charging_profile_purpose is Purpose201.CHARGING_STATION_EXTERNAL_CONSTRAINTS


def test_error_descriptions_use_the_given_path() -> None:
    with pytest.raises(OcppCallError) as info:
        profile_from_ocpp(removed(payload(), (*PERIOD_0, "limit")), path="csChargingProfiles")
    assert "csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit" in info.value.description


# --- rule violations of a well-formed payload pass through as ProfileValidationError ------------------------


@pytest.mark.parametrize(
    ("path", "value", "rule"),
    [
        ((*PERIOD_0, "limit"), -1, "R4"),
        ((*PERIOD_0, "limit"), Decimal("NaN"), "R4"),
        ((*PERIOD_0, "limit"), Decimal("sNaN"), "R4"),
        ((*PERIOD_0, "limit"), Decimal("Infinity"), "R4"),
        ((*PERIOD_0, "limit"), 10**400, "R4"),
        ((*PERIOD_0, "limit"), float("inf"), "R4"),
        ((*PERIOD_0, "startPeriod"), 5, "R4"),
        ((*PERIOD_0, "numberPhases"), 4, "R4"),
        ((*SCHEDULE, "chargingSchedulePeriod"), [], "R4"),
        ((*SCHEDULE, "duration"), -1, "R4"),
        ((*SCHEDULE, "minChargingRate"), -0.5, "R4"),
        (("stackLevel",), -1, "R4"),
        (("validTo",), "2026-01-01T00:00:00Z", "R11"),
    ],
    ids=lambda x: repr(x),
)
def test_rule_violation_raises_profile_validation_error(path: Path, value: Any, rule: str) -> None:
    with pytest.raises(ProfileValidationError) as info:
        profile_from_ocpp(replaced(payload(), path, value))
    assert info.value.rule == rule


def test_r11_recurring_without_recurrency_kind_is_a_rule_violation() -> None:
    with pytest.raises(ProfileValidationError) as info:
        profile_from_ocpp(removed(payload(), ("recurrencyKind",)))
    assert info.value.rule == "R11"


def test_r12_recurring_without_start_schedule_is_a_rule_violation() -> None:
    with pytest.raises(ProfileValidationError) as info:
        profile_from_ocpp(removed(payload(), (*SCHEDULE, "startSchedule")))
    assert info.value.rule == "R12"


# --- configuration ------------------------------------------------------------------------------------------


def test_config_keys_are_all_optional() -> None:
    assert config_from_ocpp({}) == ChargePointConfig()


def test_config_reads_every_key() -> None:
    config = config_from_ocpp(
        {
            "connectorCount": 2,
            "voltage": 230,
            "chargeProfileMaxStackLevel": 8,
            "chargingScheduleAllowedChargingRateUnit": ["W"],
            "chargingScheduleMaxPeriods": 24,
            "maxChargingProfilesInstalled": 10,
            "connectorMaxCurrent": Decimal("16.5"),
            "defaultNumberPhases": 1,
        }
    )
    assert config == ChargePointConfig(
        outlet_count=2,
        voltage=230.0,
        max_stack_level=8,
        allowed_rate_units=(ChargingRateUnit.W,),
        max_periods=24,
        max_profiles=10,
        outlet_max_current=16.5,
        default_number_phases=1,
    )


@given(charge_point_configs())
def test_config_round_trip(config: ChargePointConfig) -> None:
    assert config_from_ocpp(json.loads(json.dumps(config_to_ocpp(config)))) == config


@pytest.mark.parametrize(
    ("document", "word"),
    [
        ({"connectors": 2}, "connectors"),
        ({"connectorCount": "2"}, "connectorCount"),
        ({"connectorCount": -1}, "outlet_count"),
        ({"voltage": "230"}, "voltage"),
        ({"voltage": 0}, "voltage"),
        ({"chargingScheduleAllowedChargingRateUnit": "A"}, "chargingScheduleAllowedChargingRateUnit"),
        ({"chargingScheduleAllowedChargingRateUnit": ["kW"]}, "kW"),
        ({"chargingScheduleAllowedChargingRateUnit": []}, "allowed_rate_units"),
        ({"defaultNumberPhases": 4}, "default_number_phases"),
        ([], "config"),
    ],
    ids=lambda x: repr(x),
)
def test_bad_config_is_a_value_error_naming_the_key(document: Any, word: str) -> None:
    with pytest.raises(ValueError, match=word):
        config_from_ocpp(document)


def test_config_shape_problems_are_document_errors_with_their_path() -> None:
    with pytest.raises(DocumentError) as info:
        config_from_ocpp({"connectorCount": 1, "voltage": "230"})
    assert (info.value.path, info.value.problem) == ("config.voltage", DocumentProblem.WRONG_TYPE)
    assert str(info.value) == "config.voltage must be a number, not string"


# --- one description of each object's fields (R14) -------------------------------------------------------------


def official_objects() -> list[tuple[str, dict[str, Any]]]:
    """(name, JSON schema) of csChargingProfiles, its chargingSchedule and a chargingSchedulePeriod, from the
    official SetChargingProfile.req schema."""
    text = resources.files("ocpp.v16").joinpath("schemas").joinpath("SetChargingProfile.json").read_text("utf-8")
    profile = json.loads(text)["properties"]["csChargingProfiles"]
    schedule = profile["properties"]["chargingSchedule"]
    period = schedule["properties"]["chargingSchedulePeriod"]["items"]
    return [("profile", profile), ("schedule", schedule), ("period", period)]


def test_r14_the_field_tables_have_the_official_schemas_fields_and_required_ones() -> None:
    tables = {"profile": profile_fields(), "schedule": SCHEDULE_FIELDS, "period": PERIOD_FIELDS}
    for name, schema in official_objects():
        fields = tables[name]
        assert set(fields) == set(schema["properties"]), name
        assert {key for key, field in fields.items() if field.required} == set(schema["required"]), name


def test_the_profile_table_reads_the_purposes_it_is_given() -> None:
    external = "ChargingStationExternalConstraints"
    assert profile_fields(STATE_PURPOSES)["chargingProfilePurpose"].read(external, "p").name == external
    with pytest.raises(DocumentError):
        profile_fields()["chargingProfilePurpose"].read(external, "p")


# --- shape problems: neutral when read, the CALLERROR of OCPP 1.6 when answered (R14, R5, E§3.38) --------------


@pytest.mark.parametrize(
    ("problem", "code"),
    [
        (DocumentProblem.WRONG_TYPE, "FormatViolation"),
        (DocumentProblem.MISSING, "FormatViolation"),
        (DocumentProblem.UNKNOWN_FIELD, "FormatViolation"),
        (DocumentProblem.BAD_TIMESTAMP, "FormatViolation"),
        (DocumentProblem.NOT_ALLOWED_VALUE, "PropertyConstraintViolation"),
    ],
)
def test_r14_each_kind_of_shape_problem_has_its_call_error_code(problem: DocumentProblem, code: str) -> None:
    error = call_error_from(DocumentError("chargingSchedule.duration", problem, "is odd"))
    assert (error.code, error.description) == (code, "chargingSchedule.duration is odd")
    assert call_error_from(DocumentError("", problem, "is odd")).description == "payload is odd"


@pytest.mark.parametrize(
    ("document", "path", "problem"),
    [
        (removed(payload(), (*PERIOD_0, "limit")), "p.chargingSchedule.chargingSchedulePeriod[0].limit", "MISSING"),
        (replaced(payload(), ("stackLevel",), "2"), "p.stackLevel", "WRONG_TYPE"),
        (replaced(payload(), (*SCHEDULE, "colour"), "red"), "p.chargingSchedule", "UNKNOWN_FIELD"),
        (replaced(payload(), ("validTo",), "2026-02-01"), "p.validTo", "BAD_TIMESTAMP"),
        (replaced(payload(), ("validTo",), 7), "p.validTo", "BAD_TIMESTAMP"),
        (replaced(payload(), ("chargingProfileKind",), "Periodic"), "p.chargingProfileKind", "NOT_ALLOWED_VALUE"),
        (replaced(payload(), ("chargingSchedule",), []), "p.chargingSchedule", "WRONG_TYPE"),
    ],
    ids=lambda x: x if isinstance(x, str) else None,
)
def test_read_profile_raises_a_document_error_and_profile_from_ocpp_its_call_error(
    document: Any, path: str, problem: str
) -> None:
    with pytest.raises(DocumentError) as neutral:
        read_profile(document, "p")
    assert (neutral.value.path, neutral.value.problem) == (path, DocumentProblem[problem])
    with pytest.raises(OcppCallError) as answered:
        profile_from_ocpp(document, path="p")
    assert answered.value.to_ocpp() == call_error_from(neutral.value).to_ocpp()
    assert answered.value.__cause__ is None and answered.value.__suppress_context__


def test_purpose_from_ocpp_reads_an_ocpp_16_purpose_or_answers_a_call_error() -> None:
    assert purpose_from_ocpp("TxDefaultProfile", "purpose") is ChargingProfilePurpose.TX_DEFAULT_PROFILE
    with pytest.raises(OcppCallError) as info:
        purpose_from_ocpp("ChargingStationExternalConstraints", "purpose")
    assert info.value.code == "PropertyConstraintViolation"
    assert info.value.description.startswith("purpose 'ChargingStationExternalConstraints' is not one of")
    with pytest.raises(OcppCallError) as info:
        purpose_from_ocpp(None, "purpose")
    assert info.value.to_ocpp() == {"code": "FormatViolation", "description": "purpose must be a string, not null"}
