"""The OCPP 1.6 handlers: SetChargingProfile (R6, R14, R16), GetCompositeSchedule (R29-R31),
ClearChargingProfile (R32), RemoteStartTransaction (D12) and RemoteStopTransaction (§5.12, R18). Every response a
test produces is checked against the official OCPP 1.6 schema."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from importlib import resources
from typing import Any

import pytest
from builders import T0, at, installed, profile
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from schema import assert_valid_response

from smartcharge import (
    ChargePointConfig,
    ChargePointState,
    ChargingProfile,
    ChargingRateUnit,
    OcppCallError,
    PurposeRole,
    Transaction,
    composite_schedule,
    limit_at,
    start_transaction,
)
from smartcharge._json import Fields
from smartcharge.ocpp16 import (
    ChargingProfilePurpose,
    composite_schedule_answer,
    handle_clear_charging_profile,
    handle_get_composite_schedule,
    handle_remote_start_transaction,
    handle_remote_stop_transaction,
    handle_set_charging_profile,
    profile_to_ocpp,
)
from smartcharge.ocpp16.handlers import (
    CLEAR_CHARGING_PROFILE_FIELDS,
    GET_COMPOSITE_SCHEDULE_FIELDS,
    REMOTE_START_TRANSACTION_FIELDS,
    REMOTE_STOP_TRANSACTION_FIELDS,
    SET_CHARGING_PROFILE_FIELDS,
)
from smartcharge.strategies import charge_point_states

Handler = Callable[[ChargePointState, Any, datetime], tuple[ChargePointState, dict[str, Any]]]

HANDLERS: dict[str, Handler] = {
    "SetChargingProfile": handle_set_charging_profile,
    "GetCompositeSchedule": handle_get_composite_schedule,
    "ClearChargingProfile": handle_clear_charging_profile,
}


def two_connectors(**config: Any) -> ChargePointState:
    return ChargePointState(ChargePointConfig(outlet_count=2, **config))


def call(action: str, state: ChargePointState, payload: Any, now: datetime = T0) -> tuple[ChargePointState, Any]:
    """Runs the handler and checks its response against the schema; a Rejected/Unknown answer must leave the
    state as it was (R16)."""
    new_state, response = HANDLERS[action](state, payload, now)
    assert_valid_response(action, response)
    if response["status"] in ("Rejected", "Unknown"):
        assert new_state is state
    return new_state, response


def call_error(action: str, state: ChargePointState, payload: Any, now: datetime = T0) -> OcppCallError:
    with pytest.raises(OcppCallError) as info:
        HANDLERS[action](state, payload, now)
    return info.value


def set_payload(outlet_id: int, the_profile: ChargingProfile | dict[str, Any]) -> dict[str, Any]:
    body = profile_to_ocpp(the_profile) if isinstance(the_profile, ChargingProfile) else the_profile
    return {"connectorId": outlet_id, "csChargingProfiles": body}


def status(response: dict[str, Any]) -> str:
    return str(response["status"])


# --- SetChargingProfile --------------------------------------------------------------------------------------


def test_set_installs_and_answers_accepted() -> None:
    state = two_connectors()
    new_state, response = call("SetChargingProfile", state, set_payload(1, profile(1)))
    assert response == {"status": "Accepted"}
    assert [ip.profile.charging_profile_id for ip in new_state.profiles] == [1]
    assert new_state.profiles[0].installed_at == T0


@pytest.mark.parametrize("outlet_id", [0, 1, 2])
def test_r6_connector_ids_zero_to_n_are_accepted(outlet_id: int) -> None:
    _, response = call("SetChargingProfile", two_connectors(), set_payload(outlet_id, profile(1)))
    assert status(response) == "Accepted"


@pytest.mark.parametrize("outlet_id", [-1, 3, 10**6])
def test_r6_connector_outside_range_is_property_constraint_violation(outlet_id: int) -> None:
    error = call_error("SetChargingProfile", two_connectors(), set_payload(outlet_id, profile(1)))
    assert error.code == "PropertyConstraintViolation"
    assert "connectorId" in error.description


def test_r6_connector_outside_range_beats_a_rule_violation() -> None:
    bad = profile_to_ocpp(profile(1))
    bad["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"] = -1
    assert call_error("SetChargingProfile", two_connectors(), set_payload(3, bad)).code == "PropertyConstraintViolation"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("chargingProfilePurpose", "DefaultProfile"),
        ("chargingProfileKind", "Periodic"),
        ("recurrencyKind", "Hourly"),
    ],
)
def test_r14_bad_enum_is_property_constraint_violation(field: str, value: str) -> None:
    body = profile_to_ocpp(profile(1))
    body[field] = value
    assert call_error("SetChargingProfile", two_connectors(), set_payload(1, body)).code == (
        "PropertyConstraintViolation"
    )


def test_r14_bad_unit_is_property_constraint_violation() -> None:
    body = profile_to_ocpp(profile(1))
    body["chargingSchedule"]["chargingRateUnit"] = "kW"
    error = call_error("SetChargingProfile", two_connectors(), set_payload(1, body))
    assert error.code == "PropertyConstraintViolation"
    assert "chargingRateUnit" in error.description


@pytest.mark.parametrize(
    "payload",
    [
        {"connectorId": 1},
        {"csChargingProfiles": {}},
        {"connectorId": "1", "csChargingProfiles": {}},
        {"connectorId": 1.0, "csChargingProfiles": {}},
        {"connectorId": 1, "csChargingProfiles": []},
        {"connectorId": 1, "csChargingProfiles": {"chargingProfileId": 1}},
        {"connectorId": 1, "csChargingProfiles": {}, "extra": True},
        [],
        None,
        "SetChargingProfile",
    ],
    ids=repr,
)
def test_r14_missing_field_or_wrong_type_is_format_violation(payload: Any) -> None:
    assert call_error("SetChargingProfile", two_connectors(), payload).code == "FormatViolation"


@pytest.mark.parametrize(
    "mutate",
    [
        lambda b: b["chargingSchedule"]["chargingSchedulePeriod"][0].update(limit=-1),  # R4
        lambda b: b["chargingSchedule"].update(chargingSchedulePeriod=[]),  # R4
        lambda b: b.update(chargingProfileKind="Recurring"),  # R11: no recurrencyKind
        lambda b: b.update(validFrom="2026-02-01T00:00:00Z", validTo="2026-01-01T00:00:00Z"),  # R11
        lambda b: (
            b.update(chargingProfileKind="Recurring", recurrencyKind="Daily")
            or b["chargingSchedule"].pop("startSchedule")
        ),  # R12 (D4)
    ],
    ids=["R4-negative-limit", "R4-no-periods", "R11-recurrencyKind", "R11-validity", "R12-no-startSchedule"],
)
def test_rule_violation_of_a_well_formed_payload_is_rejected(mutate: Callable[[dict[str, Any]], Any]) -> None:
    state = installed(None, (1, profile(9, stack=3)))
    body = profile_to_ocpp(profile(1))
    mutate(body)
    new_state, response = call("SetChargingProfile", state, set_payload(1, body))
    assert response == {"status": "Rejected"}
    assert new_state is state


def test_r7_charge_point_max_on_a_connector_is_rejected_by_the_state() -> None:
    state = two_connectors()
    _, response = call("SetChargingProfile", state, set_payload(1, profile(1, purpose="ChargePointMaxProfile")))
    assert status(response) == "Rejected"


def test_r9_d1_tx_profile_binds_to_the_active_transaction() -> None:
    state = start_transaction(two_connectors(), 1, 77, T0)
    tx = profile(5, purpose=ChargingProfilePurpose.TX_PROFILE, kind="Relative", start=None)
    new_state, response = call("SetChargingProfile", state, set_payload(1, tx))
    assert status(response) == "Accepted"
    assert new_state.profiles[0].profile.transaction_id == 77


# --- GetCompositeSchedule ---------------------------------------------------------------------------------------


def composite_request(outlet_id: int = 1, duration: int = 3600, unit: str | None = "A") -> dict[str, Any]:
    request: dict[str, Any] = {"connectorId": outlet_id, "duration": duration}
    if unit is not None:
        request["chargingRateUnit"] = unit
    return request


def test_r29_window_starts_at_receipt_floored_to_the_second() -> None:
    state = installed(None, (1, profile(1, periods=((0, 16.0), (600, 10.0)))))
    now = at(60) + timedelta(microseconds=999_999)
    _, response = call("GetCompositeSchedule", state, composite_request(duration=1200), now)
    assert response["scheduleStart"] == "2026-01-08T10:01:00Z"
    periods = response["chargingSchedule"]["chargingSchedulePeriod"]
    assert [(p["startPeriod"], p["limit"]) for p in periods] == [(0, 16.0), (540, 10.0)]


def test_r29_receipt_time_with_an_offset_is_reported_in_utc() -> None:
    now = datetime(2026, 1, 8, 11, 0, 30, tzinfo=timezone(timedelta(hours=1)))
    _, response = call("GetCompositeSchedule", two_connectors(), composite_request(), now)
    assert response["scheduleStart"] == "2026-01-08T10:00:30Z"


@pytest.mark.parametrize("outlet_id", [3, -1, 99])
def test_r30_unknown_connector_rejected(outlet_id: int) -> None:
    _, response = call("GetCompositeSchedule", two_connectors(), composite_request(outlet_id))
    assert response == {"status": "Rejected"}


def test_r30_negative_duration_rejected() -> None:
    _, response = call("GetCompositeSchedule", two_connectors(), composite_request(duration=-1))
    assert response == {"status": "Rejected"}


@pytest.mark.parametrize("unit", ["kW", "a", "", "Wh"])
def test_r30_unit_other_than_a_or_w_is_property_constraint_violation(unit: str) -> None:
    error = call_error("GetCompositeSchedule", two_connectors(), composite_request(unit=unit))
    assert error.code == "PropertyConstraintViolation"
    assert "chargingRateUnit" in error.description


def test_r30_unit_not_allowed_by_configuration_rejected() -> None:
    state = two_connectors(allowed_rate_units=("A",))
    _, response = call("GetCompositeSchedule", state, composite_request(unit="W"))
    assert response == {"status": "Rejected"}


@pytest.mark.parametrize(("allowed", "expected"), [(("W", "A"), "W"), (("A",), "A"), (("A", "W"), "A")])
def test_r30_no_unit_means_first_allowed_unit(allowed: tuple[str, ...], expected: str) -> None:
    state = two_connectors(allowed_rate_units=allowed)
    _, response = call("GetCompositeSchedule", state, composite_request(unit=None))
    assert response["chargingSchedule"]["chargingRateUnit"] == expected


def test_r30_window_beyond_representable_time_rejected() -> None:
    _, response = call("GetCompositeSchedule", two_connectors(), composite_request(duration=10**15))
    assert response == {"status": "Rejected"}


@pytest.mark.parametrize(
    "payload",
    [
        {"connectorId": 1},
        {"duration": 60},
        {"connectorId": "1", "duration": 60},
        {"connectorId": 1, "duration": 60.0},
        {"connectorId": 1, "duration": True},
        {"connectorId": 1, "duration": 60, "chargingRateUnit": 1},
        {"connectorId": 1, "duration": 60, "chargingRateUnit": None},
        {"connectorId": 1, "duration": 60, "startSchedule": "2026-01-08T10:00:00Z"},
        [1, 60],
        None,
    ],
    ids=repr,
)
def test_get_composite_schedule_format_violation(payload: Any) -> None:
    assert call_error("GetCompositeSchedule", two_connectors(), payload).code == "FormatViolation"


def test_r31_response_shape() -> None:
    state = installed(None, (1, profile(1, unit="W", periods=((0, 11000.0), (1800, 7000.0)))))
    new_state, response = call("GetCompositeSchedule", state, composite_request(duration=3600, unit="W"))
    assert new_state is state
    assert response == {
        "status": "Accepted",
        "connectorId": 1,
        "scheduleStart": "2026-01-08T10:00:00Z",
        "chargingSchedule": {
            "duration": 3600,
            "chargingRateUnit": "W",
            "chargingSchedulePeriod": [
                {"startPeriod": 0, "limit": 11000.0, "numberPhases": 3},
                {"startPeriod": 1800, "limit": 7000.0, "numberPhases": 3},
            ],
        },
    }


def test_r31_the_answer_is_built_from_the_composite_schedule_of_the_window() -> None:
    state = installed(None, (1, profile(1, unit="W", periods=((0, 11000.0), (1800, 7000.0)))))
    now = at(30) + timedelta(microseconds=500_000)
    _, response = call("GetCompositeSchedule", state, composite_request(duration=3600, unit="W"), now)
    schedule = composite_schedule(state, 1, now, 3600, ChargingRateUnit.W)
    assert response == composite_schedule_answer(schedule)
    assert response["scheduleStart"] == "2026-01-08T10:00:30Z"
    assert_valid_response("GetCompositeSchedule", composite_schedule_answer(schedule))


def test_r31_limits_rounded_down_to_a_tenth() -> None:
    state = installed(None, (1, profile(1, unit="W", periods=((0, 11000.0),))))
    _, response = call("GetCompositeSchedule", state, composite_request(unit="A"))
    assert response["chargingSchedule"]["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 15.9, "numberPhases": 3}
    ]


def test_r31_zero_duration_gives_one_period() -> None:
    state = installed(None, (1, profile(1, periods=((0, 16.0), (1, 8.0)))))
    _, response = call("GetCompositeSchedule", state, composite_request(duration=0))
    schedule = response["chargingSchedule"]
    assert schedule["duration"] == 0
    assert schedule["chargingSchedulePeriod"] == [{"startPeriod": 0, "limit": 16.0, "numberPhases": 3}]


def test_r31_connector_zero_is_answered_for_the_whole_charge_point() -> None:
    _, response = call("GetCompositeSchedule", two_connectors(), composite_request(outlet_id=0, duration=60))
    assert response["connectorId"] == 0
    assert response["chargingSchedule"]["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 64.0, "numberPhases": 3}
    ]


# --- the requests' fields -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "fields"),
    [
        ("SetChargingProfile", SET_CHARGING_PROFILE_FIELDS),
        ("GetCompositeSchedule", GET_COMPOSITE_SCHEDULE_FIELDS),
        ("ClearChargingProfile", CLEAR_CHARGING_PROFILE_FIELDS),
        ("RemoteStartTransaction", REMOTE_START_TRANSACTION_FIELDS),
        ("RemoteStopTransaction", REMOTE_STOP_TRANSACTION_FIELDS),
    ],
)
def test_r14_each_request_table_has_the_official_schemas_fields_and_required_ones(action: str, fields: Fields) -> None:
    text = resources.files("ocpp.v16").joinpath("schemas").joinpath(f"{action}.json").read_text("utf-8")
    schema = json.loads(text)
    assert set(fields) == set(schema["properties"])
    assert {name for name, field in fields.items() if field.required} == set(schema.get("required", ()))


# --- ClearChargingProfile -----------------------------------------------------------------------------------


def clear_state() -> ChargePointState:
    return installed(
        None,
        (0, profile(1, stack=1)),
        (1, profile(2, stack=1)),
        (1, profile(3, stack=2)),
        (0, profile(4, purpose=ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE, stack=1)),
    )


def ids(state: ChargePointState) -> list[int]:
    return sorted(ip.profile.charging_profile_id for ip in state.profiles)


def test_r32_id_clears_that_profile_and_ignores_other_fields() -> None:
    payload = {"id": 3, "connectorId": 0, "chargingProfilePurpose": "ChargePointMaxProfile", "stackLevel": 9}
    new_state, response = call("ClearChargingProfile", clear_state(), payload)
    assert response == {"status": "Accepted"}
    assert ids(new_state) == [1, 2, 4]


def test_r32_no_field_clears_everything() -> None:
    new_state, response = call("ClearChargingProfile", clear_state(), {})
    assert response == {"status": "Accepted"}
    assert ids(new_state) == []


@pytest.mark.parametrize(
    ("payload", "left"),
    [
        ({"connectorId": 1}, [1, 4]),
        ({"stackLevel": 1}, [3]),
        ({"chargingProfilePurpose": "TxDefaultProfile"}, [4]),
        ({"chargingProfilePurpose": "TxDefaultProfile", "stackLevel": 1}, [3, 4]),
        ({"connectorId": 0, "stackLevel": 1}, [2, 3]),
    ],
    ids=repr,
)
def test_r32_fields_must_all_match(payload: dict[str, Any], left: list[int]) -> None:
    new_state, response = call("ClearChargingProfile", clear_state(), payload)
    assert response == {"status": "Accepted"}
    assert ids(new_state) == left


@pytest.mark.parametrize(
    "payload",
    [{"id": 99}, {"connectorId": 2}, {"chargingProfilePurpose": "TxProfile"}, {"connectorId": 1, "stackLevel": 7}],
    ids=repr,
)
def test_r32_nothing_cleared_is_unknown(payload: dict[str, Any]) -> None:
    state = clear_state()
    new_state, response = call("ClearChargingProfile", state, payload)
    assert response == {"status": "Unknown"}
    assert new_state is state


def test_r32_r14_bad_purpose_is_property_constraint_violation() -> None:
    error = call_error("ClearChargingProfile", clear_state(), {"chargingProfilePurpose": "DefaultProfile"})
    assert error.code == "PropertyConstraintViolation"


@pytest.mark.parametrize(
    "payload",
    [{"id": "3"}, {"connectorId": 1.0}, {"stackLevel": None}, {"chargingProfilePurpose": 1}, {"ID": 3}, [], 3],
    ids=repr,
)
def test_r32_wrong_type_or_field_is_format_violation(payload: Any) -> None:
    assert call_error("ClearChargingProfile", clear_state(), payload).code == "FormatViolation"


# --- fuzz: nothing but OcppCallError escapes, and refusals leave the state alone --------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)

FIELD_NAMES = st.sampled_from(
    [
        "connectorId", "csChargingProfiles", "chargingProfileId", "transactionId", "stackLevel",
        "chargingProfilePurpose", "chargingProfileKind", "recurrencyKind", "validFrom", "validTo",
        "chargingSchedule", "duration", "startSchedule", "chargingRateUnit", "chargingSchedulePeriod",
        "startPeriod", "limit", "numberPhases", "minChargingRate", "id",
    ]
)  # fmt: skip

ENUM_AND_TIME_VALUES = st.sampled_from(
    ["A", "W", "kW", "TxProfile", "TxDefaultProfile", "ChargePointMaxProfile", "Absolute", "Recurring",
     "Relative", "Daily", "Weekly", "2026-01-08T10:00:00Z", "2026-01-08T10:00:00", "9999-12-31T23:59:59Z",
     "0001-01-01T00:00:00Z", "2026-01-08T10:00:00.5+14:00"]
)  # fmt: skip


def valid_payloads() -> st.SearchStrategy[tuple[str, Any]]:
    tx = profile(20, purpose=ChargingProfilePurpose.TX_PROFILE, kind="Relative", start=None, duration=600)
    recurring = profile(21, kind="Recurring", recurrency="Daily", periods=((0, 6.0), (3600, 12.0, 1)))
    return st.sampled_from(
        [
            ("SetChargingProfile", set_payload(1, tx)),
            ("SetChargingProfile", set_payload(0, recurring)),
            ("GetCompositeSchedule", composite_request(1, 3600, "W")),
            ("GetCompositeSchedule", composite_request(0, 600, None)),
            ("ClearChargingProfile", {"connectorId": 1, "chargingProfilePurpose": "TxDefaultProfile", "stackLevel": 1}),
        ]
    )


def similar_values(value: Any) -> st.SearchStrategy[Any]:
    """Values of the same JSON type as `value`, extreme ones included, and now and then anything at all."""
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        same: st.SearchStrategy[Any] = json_values
    elif isinstance(value, int):
        same = st.integers() | st.integers(-(2**70), 2**70) | st.sampled_from([0, 1, -1, 2, 3, 4, 10**30])
    elif isinstance(value, float):
        same = st.floats() | st.integers(-(2**70), 2**70) | st.decimals() | st.sampled_from([0.0, 1e308, 5e-324])
    else:
        same = ENUM_AND_TIME_VALUES | st.text(max_size=8)
    return st.one_of(same, same, same, json_values)


@st.composite
def mutated(draw: st.DrawFn, document: Any) -> Any:
    """`document` with one nested place changed: a value replaced, a field deleted or an extra field added."""
    if isinstance(document, dict) and document:
        key = draw(st.sampled_from(sorted(document)))
        out = dict(document)
        choice = draw(st.integers(0, 9))
        if choice == 0:
            del out[key]
        elif choice == 1:
            out[draw(FIELD_NAMES)] = draw(similar_values(draw(ENUM_AND_TIME_VALUES | st.integers())))
        else:
            out[key] = draw(mutated(document[key]))
        return out
    if isinstance(document, list) and document:
        i = draw(st.integers(0, len(document) - 1))
        return [*document[:i], draw(mutated(document[i])), *document[i + 1 :]]
    return draw(similar_values(document))


@st.composite
def calls(draw: st.DrawFn) -> tuple[str, Any]:
    action, document = draw(valid_payloads())
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(sorted(HANDLERS))), draw(json_values)
    for _ in range(draw(st.integers(0, 2))):
        document = draw(mutated(document))
    return action, document


def fuzz_state() -> ChargePointState:
    state = installed(
        None,
        (0, profile(1, stack=1, periods=((0, 20.0), (900, 10.0, 1)))),
        (0, profile(2, purpose=ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE, unit="W", periods=((0, 30000.0),))),
        (2, profile(3, kind="Recurring", recurrency="Weekly", stack=2, periods=((0, 8.0), (7200, 16.0)))),
    )
    return start_transaction(state, 1, 77, at(-600))


FUZZ_STATE = fuzz_state()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calls())
def test_handlers_raise_only_call_errors_and_refusals_keep_the_state(action_and_payload: tuple[str, Any]) -> None:
    action, payload = action_and_payload
    try:
        new_state, response = HANDLERS[action](FUZZ_STATE, payload, T0)
    except OcppCallError as error:
        assert error.code in ("FormatViolation", "PropertyConstraintViolation")
        return
    assert_valid_response(action, response)
    if response["status"] in ("Rejected", "Unknown") or action == "GetCompositeSchedule":
        assert new_state == FUZZ_STATE


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calls(), st.sampled_from([0, 1, 2]), st.sampled_from(["A", "W"]))
def test_whatever_was_installed_can_be_asked_for(
    action_and_payload: tuple[str, Any], outlet_id: int, unit: str
) -> None:
    """A profile that SetChargingProfile accepts, however extreme its values, still gives a composite schedule."""
    action, payload = action_and_payload
    if action != "SetChargingProfile":
        return
    try:
        state, response = HANDLERS[action](FUZZ_STATE, payload, T0)
    except OcppCallError:
        return
    if response["status"] == "Accepted":
        call("GetCompositeSchedule", state, composite_request(outlet_id, 86_400, unit))


@pytest.mark.parametrize("limit", [1e308, 5e-324, 10**300])
@pytest.mark.parametrize("unit", ["A", "W"])
def test_r4_any_finite_limit_gives_a_composite_schedule(limit: float, unit: str) -> None:
    """R4 accepts every finite limit >= 0; the composite of such a profile is still an answer (R31)."""
    body = profile_to_ocpp(profile(1, unit=unit))
    body["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"] = limit
    state, response = call("SetChargingProfile", two_connectors(), set_payload(1, body))
    assert status(response) == "Accepted"
    for other in ("A", "W"):
        _, response = call("GetCompositeSchedule", state, composite_request(1, 60, other))
        assert status(response) == "Accepted"


# --- RemoteStartTransaction (D12) --------------------------------------------------------------------------------


def _tx_profile_json(purpose: str = "TxProfile", **fields: Any) -> dict[str, Any]:
    return {
        "chargingProfileId": 5,
        "stackLevel": 0,
        "chargingProfilePurpose": purpose,
        "chargingProfileKind": "Relative",
        "chargingSchedule": {"chargingRateUnit": "A", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 10}]},
        **fields,
    }


def test_d12_a_remote_start_with_a_tx_profile_starts_the_transaction_with_the_profile_bound() -> None:
    state = ChargePointState(ChargePointConfig(outlet_count=2))
    payload = {"idTag": "TAG", "connectorId": 2, "chargingProfile": _tx_profile_json()}
    new, response = handle_remote_start_transaction(state, payload, T0, 7)
    assert response == {"status": "Accepted"}
    running = new.transaction_on(2)
    assert running is not None and (running.transaction_id, running.start) == (7, T0)
    (installed,) = new.profiles
    assert (installed.outlet_id, installed.profile.transaction_id) == (2, 7)  # R19: bound to the transaction
    assert limit_at(new, 2, T0, "A").value == 10.0
    assert_valid_response("RemoteStartTransaction", response)


@pytest.mark.parametrize(
    "payload",
    [
        {"idTag": "T", "chargingProfile": _tx_profile_json()},  # a profile needs a connectorId
        {"idTag": "T", "connectorId": 1, "chargingProfile": _tx_profile_json("TxDefaultProfile")},
        {"idTag": "T", "connectorId": 1, "chargingProfile": _tx_profile_json(transactionId=3)},
        {"idTag": "T", "connectorId": 1, "chargingProfile": _tx_profile_json(stackLevel=11)},  # R10
        {"idTag": "T", "connectorId": 2},  # busy
        {"idTag": "T", "connectorId": 3},  # unknown
        {"idTag": "T", "connectorId": 0},  # the whole charge point is no connector to start on
    ],
)
def test_d12_a_refused_remote_start_starts_nothing_and_installs_nothing(payload: dict[str, Any]) -> None:
    state = start_transaction(ChargePointState(ChargePointConfig(outlet_count=2)), 2, 1, T0)
    new, response = handle_remote_start_transaction(state, payload, T0, 7)
    assert response == {"status": "Rejected"}
    assert new is state


def test_d12_without_connector_and_profile_the_lowest_free_connector_starts() -> None:
    state = start_transaction(ChargePointState(ChargePointConfig(outlet_count=3)), 1, 1, T0)
    new, response = handle_remote_start_transaction(state, {"idTag": "T"}, T0, 7)
    assert response == {"status": "Accepted"}
    running = new.transaction_on(2)
    assert running is not None and running.transaction_id == 7
    full = start_transaction(new, 3, 8, T0)
    assert handle_remote_start_transaction(full, {"idTag": "T"}, T0, 9)[1] == {"status": "Rejected"}


PROPERTY = "PropertyConstraintViolation"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"connectorId": 1}, "FormatViolation"),  # idTag missing
        ({"idTag": "T" * 21}, PROPERTY),  # CiString20Type
        ({"idTag": "T", "connectorId": "1"}, "FormatViolation"),
        ({"idTag": "T", "connectorId": 1, "chargingProfile": _tx_profile_json("Default")}, PROPERTY),
    ],
)
def test_d12_a_malformed_remote_start_is_a_callerror(payload: dict[str, Any], code: str) -> None:
    with pytest.raises(OcppCallError) as info:
        handle_remote_start_transaction(ChargePointState(ChargePointConfig(outlet_count=2)), payload, T0, 7)
    assert info.value.code == code


# --- RemoteStopTransaction (§5.12, §6.35, R18) --------------------------------------------------------------------

#: The CALLERROR codes an OCPP 1.6 handler answers a malformed payload with (R14).
R14_CODES = ("FormatViolation", "PropertyConstraintViolation")


def remote_stop(state: ChargePointState, payload: Any) -> tuple[ChargePointState, dict[str, Any]]:
    """RemoteStopTransaction.req: the new state and the response, checked against the official schema; a
    ``Rejected`` answer returns the very state given (R16)."""
    new, response = handle_remote_stop_transaction(state, payload)
    assert_valid_response("RemoteStopTransaction", response)
    if response["status"] == "Rejected":
        assert new is state
    return new, response


def assert_ended_exactly(state: ChargePointState, new: ChargePointState, ended: Transaction) -> None:
    """`new` is `state` without the transaction `ended` and the TxProfiles bound to it (R18), which were all on its
    connector; the configuration, every other transaction and every other profile are as they were."""

    def bound(ip: Any) -> bool:
        tx = ip.profile.charging_profile_purpose.role is PurposeRole.TRANSACTION
        return tx and ip.profile.transaction_id == ended.transaction_id

    assert new.config == state.config
    assert new.transactions == tuple(t for t in state.transactions if t is not ended)
    assert all(ip.outlet_id == ended.outlet_id for ip in state.profiles if bound(ip))
    assert new.profiles == tuple(ip for ip in state.profiles if not bound(ip))


def two_sessions() -> ChargePointState:
    """Transactions 7 on connector 1 and 8 on connector 2, each with a TxProfile; TxDefaultProfiles on 0 and 1, a
    ChargePointMaxProfile on 0."""
    tx = ChargingProfilePurpose.TX_PROFILE
    state = installed(
        None,
        (0, profile(1, stack=1, periods=((0, 20.0),))),
        (1, profile(2, stack=2, periods=((0, 12.0),))),
        (0, profile(3, purpose=ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE, periods=((0, 30.0),))),
    )
    state = start_transaction(start_transaction(state, 1, 7, at(-600)), 2, 8, at(-300))
    return installed(
        state,
        (1, profile(4, purpose=tx, kind="Relative", start=None, periods=((0, 6.0),))),
        (2, profile(5, purpose=tx, kind="Relative", start=None, periods=((0, 8.0),), transaction_id=8)),
    )


def test_r18_remote_stop_ends_that_transaction_and_only_its_tx_profiles() -> None:
    state = two_sessions()
    assert limit_at(state, 1, T0, "A").value == 6.0
    new, response = remote_stop(state, {"transactionId": 7})
    assert response == {"status": "Accepted"}
    assert [t.transaction_id for t in new.transactions] == [8]
    assert ids(new) == [1, 2, 3, 5]  # TxDefault on 0 and 1, ChargePointMax, the other transaction's TxProfile
    assert_ended_exactly(state, new, state.transactions[0])
    assert limit_at(new, 1, T0, "A").value == 12.0  # the connector's TxDefaultProfile governs again (R25)
    assert limit_at(new, 2, T0, "A").value == 8.0


@pytest.mark.parametrize("transaction_id", [9, 0, -1, 78, 2**31, 10**400], ids=repr)
def test_r16_remote_stop_of_a_transaction_not_active_is_rejected_with_the_very_same_state(transaction_id: int) -> None:
    state = two_sessions()
    new, response = remote_stop(state, {"transactionId": transaction_id})
    assert response == {"status": "Rejected"}
    assert new is state


def test_r16_a_second_remote_stop_of_the_same_transaction_is_rejected() -> None:
    stopped, _ = remote_stop(two_sessions(), {"transactionId": 8})
    again, response = remote_stop(stopped, {"transactionId": 8})
    assert (response, again) == ({"status": "Rejected"}, stopped)


@pytest.mark.parametrize(
    "payload",
    [
        {},  # transactionId missing
        {"transactionId": "7"},
        {"transactionId": 7.0},
        {"transactionId": True},
        {"transactionId": None},
        {"transactionId": [7]},
        {"transactionId": 7, "connectorId": 1},  # a field the schema does not know, as for every 1.6 handler
        {"TransactionId": 7},
        [],
        [{"transactionId": 7}],
        None,
        7,
        "RemoteStopTransaction",
    ],
    ids=repr,
)
def test_r14_a_malformed_remote_stop_is_a_format_violation_and_stops_nothing(payload: Any) -> None:
    state = two_sessions()
    with pytest.raises(OcppCallError) as info:
        handle_remote_stop_transaction(state, payload)
    assert info.value.code == "FormatViolation"
    assert len(state.transactions) == 2


@st.composite
def states_and_remote_stops(draw: st.DrawFn) -> tuple[ChargePointState, Any]:
    """A reachable charge point state (`charge_point_states`) and a payload for it: mostly ``{transactionId}`` naming
    an active transaction or another integer, else any JSON value or such a payload mutated."""
    state = draw(charge_point_states())
    running = [t.transaction_id for t in state.transactions]
    others = st.integers() | st.sampled_from([0, -1, 1, 2**31 - 1, 2**31, -(2**63), 10**30])
    named = st.sampled_from(running) | others if running else others
    plausible = st.fixed_dictionaries({"transactionId": named})
    payload = draw(st.one_of(plausible, plausible, plausible.flatmap(mutated), json_values))
    return state, payload


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(states_and_remote_stops())
def test_r14_r16_r18_any_remote_stop_is_a_callerror_a_rejection_that_keeps_the_state_or_ends_one_transaction(
    state_and_payload: tuple[ChargePointState, Any],
) -> None:
    state, payload = state_and_payload
    try:
        new, response = remote_stop(state, payload)
    except OcppCallError as error:
        assert error.code in R14_CODES
        event("CALLERROR")
        return
    event(response["status"])
    ended = state.find_transaction(payload["transactionId"])
    if response["status"] == "Rejected":
        assert ended is None
        return
    assert ended is not None
    assert len(new.transactions) == len(state.transactions) - 1
    assert_ended_exactly(state, new, ended)
