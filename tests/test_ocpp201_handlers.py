"""The OCPP 2.0.1 handlers and external constraints, one test per rule and decision of SPEC-201 (S1-S17, E1-E9;
S18 is in test_ocpp201_codec.py), and RequestStopTransaction (F03.FR.07/08). Every response a test produces is
checked against the official 2.0.1 response schema, every message the station sends against its request schema, and
a refused CALL must return the very same state object (R16)."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from schema import assert_valid_request_201, assert_valid_response_201
from test_ocpp201_codec import JSON, _jsonschema_valid, mutated

from smartcharge import (
    ChargePointConfig,
    ChargePointState,
    InvalidArgumentError,
    OcppCallError,
    OutletConfig,
    ProfileValidationError,
    PurposeRole,
    Transaction,
)
from smartcharge.engine.store import end_transaction, start_transaction
from smartcharge.ocpp201 import (
    OutgoingMessage,
    SchemaViolation,
    external_limit,
    handle_clear_charging_profile,
    handle_get_charging_profiles,
    handle_get_composite_schedule,
    handle_request_start_transaction,
    handle_request_stop_transaction,
    handle_set_charging_profile,
    release_external_constraints,
    set_external_constraints,
    transaction_by_id,
)
from smartcharge.strategies import charge_point_states_201, transaction_ids_201

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
START = "2026-03-02T10:00:00Z"
TOKEN = {"idToken": "04A2B3C4D5E6F7", "type": "ISO14443"}
REFUSED = ("Rejected", "Unknown", "NoProfiles")


def station(evses: int = 2, **config: Any) -> ChargePointState:
    return ChargePointState(ChargePointConfig(outlet_count=evses, **config))


def at(seconds: int) -> datetime:
    return NOW + timedelta(seconds=seconds)


def prof(
    id: int = 1,
    purpose: str = "TxDefaultProfile",
    *,
    kind: str = "Absolute",
    stack: int = 0,
    periods: tuple[tuple[float, ...], ...] = ((0, 16),),
    unit: str = "A",
    **fields: Any,
) -> dict[str, Any]:
    """A ChargingProfileType object; `periods` (startPeriod, limit[, numberPhases[, phaseToUse]])."""
    keys = ("startPeriod", "limit", "numberPhases", "phaseToUse")
    schedule: dict[str, Any] = {
        "id": 1,
        "chargingRateUnit": unit,
        "chargingSchedulePeriod": [dict(zip(keys, p, strict=False)) for p in periods],
    }
    if kind != "Relative":
        schedule["startSchedule"] = START
    schedule.update(fields.pop("schedule", {}))
    return {
        "id": id,
        "stackLevel": stack,
        "chargingProfilePurpose": purpose,
        "chargingProfileKind": kind,
        "chargingSchedule": [schedule],
        **fields,
    }


def _check_messages(messages: tuple[OutgoingMessage, ...]) -> None:
    for message in messages:
        assert_valid_request_201(message.action, message.payload)


def set_profile(state: ChargePointState, evse: int, body: dict[str, Any], now: datetime = NOW) -> Any:
    new, response = handle_set_charging_profile(state, {"evseId": evse, "chargingProfile": body}, now)
    return _answered("SetChargingProfile", state, new, response)


def _answered(action: str, state: ChargePointState, new: ChargePointState, response: dict[str, Any]) -> Any:
    assert_valid_response_201(action, response)
    if response["status"] in REFUSED:
        assert new is state
    return new, response


def installed(state: ChargePointState, *placements: tuple[int, dict[str, Any]]) -> ChargePointState:
    for evse, body in placements:
        state, response = set_profile(state, evse, body)
        assert response == {"status": "Accepted"}, response
    return state


def reason(response: dict[str, Any]) -> str | None:
    return response.get("statusInfo", {}).get("reasonCode")


def composite(state: ChargePointState, evse: int, duration: int = 600, unit: str | None = "A", now: datetime = NOW):
    payload: dict[str, Any] = {"evseId": evse, "duration": duration}
    if unit is not None:
        payload["chargingRateUnit"] = unit
    new, response = handle_get_composite_schedule(state, payload, now)
    _answered("GetCompositeSchedule", state, new, response)
    return response


def periods(state: ChargePointState, evse: int, **kw: Any) -> list[tuple[Any, ...]]:
    response = composite(state, evse, **kw)
    assert response["status"] == "Accepted", response
    return [tuple(p.values()) for p in response["schedule"]["chargingSchedulePeriod"]]


def clear(state: ChargePointState, payload: dict[str, Any]) -> Any:
    new, response = handle_clear_charging_profile(state, payload, NOW)
    return _answered("ClearChargingProfile", state, new, response)


def get_profiles(state: ChargePointState, payload: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    new, response, messages = handle_get_charging_profiles(state, {"requestId": 7, **payload}, NOW)
    _answered("GetChargingProfiles", state, new, response)
    assert new is state
    _check_messages(messages)
    assert all(m.action == "ReportChargingProfiles" for m in messages)
    return response, [m.payload for m in messages]


def reported_ids(state: ChargePointState, payload: dict[str, Any]) -> list[tuple[int, str, list[int]]]:
    _, reports = get_profiles(state, payload)
    return [(r["evseId"], r["chargingLimitSource"], [p["id"] for p in r["chargingProfile"]]) for r in reports]


def start(state: ChargePointState, payload: dict[str, Any], tx: str, now: datetime = NOW) -> Any:
    new, response = handle_request_start_transaction(state, {"remoteStartId": 1, "idToken": TOKEN, **payload}, now, tx)
    return _answered("RequestStartTransaction", state, new, response)


def external(state: ChargePointState, evse: int, body: dict[str, Any], source: str = "EMS", now: datetime = NOW):
    new, messages = set_external_constraints(state, evse, source, body, now)
    _check_messages(messages)
    return new, [(m.action, m.payload) for m in messages]


def ext(id: int = -1, **kw: Any) -> dict[str, Any]:
    return prof(id, "ChargingStationExternalConstraints", **kw)


# --- S1-S17 ---------------------------------------------------------------------------------------------------------


def test_s01_unknown_evse_is_rejected_everywhere_and_matches_nothing() -> None:
    state = installed(station(), (1, prof(1)))
    for evse in (3, -1):
        _, response = set_profile(state, evse, prof(2))
        assert (response["status"], reason(response)) == ("Rejected", "UnknownEvse")
        assert composite(state, evse)["status"] == "Rejected"
    _, response = clear(state, {"chargingProfileCriteria": {"evseId": 3}})
    assert response == {"status": "Unknown"}
    assert get_profiles(state, {"evseId": 3, "chargingProfile": {}})[0] == {"status": "NoProfiles"}


@pytest.mark.parametrize(
    ("evse", "body"),
    [
        (1, prof(2, "ChargingStationMaxProfile")),
        (0, prof(2, "ChargingStationMaxProfile", kind="Relative")),
        (0, prof(2, "TxProfile", kind="Relative", transactionId="tx-1")),
        (1, prof(2, "ChargingStationExternalConstraints")),
    ],
)
def test_s02_purposes_only_where_they_belong(evse: int, body: dict[str, Any]) -> None:
    state = start_transaction(station(), 1, "tx-1", NOW)
    _, response = set_profile(state, evse, body)
    assert (response["status"], reason(response)) == ("Rejected", "InvalidProfile")


def test_s02_the_station_max_caps_each_evse() -> None:
    state = installed(station(), (0, prof(1, "ChargingStationMaxProfile", periods=((0, 10),))), (1, prof(2)))
    assert periods(state, 1) == [(0, 10.0, 3)]


@pytest.mark.parametrize(
    "body",
    [
        prof(2, kind="Absolute", schedule={"startSchedule": None}),
        prof(2, kind="Recurring", recurrencyKind="Daily", schedule={"startSchedule": None}),
        prof(2, kind="Relative", schedule={"startSchedule": START}),
        prof(2, kind="Recurring"),
    ],
)
def test_s03_kind_and_start_schedule_rules(body: dict[str, Any]) -> None:
    schedule = body["chargingSchedule"][0]
    if schedule.get("startSchedule", "") is None:
        del schedule["startSchedule"]
    _, response = set_profile(station(), 1, body)
    assert (response["status"], reason(response)) == ("Rejected", "InvalidProfile")


def test_s03_recurrency_kind_on_an_absolute_profile_is_ignored_and_reported() -> None:
    state = installed(station(), (1, prof(1, recurrencyKind="Weekly")))
    assert periods(state, 1) == [(0, 16.0, 3)]
    _, reports = get_profiles(state, {"chargingProfile": {}})
    assert reports[0]["chargingProfile"][0]["recurrencyKind"] == "Weekly"


def test_s04_min_charging_rate_is_checked_and_never_changes_the_composite() -> None:
    _, response = set_profile(station(), 1, prof(1, schedule={"minChargingRate": -1}))
    assert (response["status"], reason(response)) == ("Rejected", "InvalidSchedule")
    state = installed(station(), (1, prof(1, schedule={"minChargingRate": 20})))
    assert periods(state, 1) == [(0, 16.0, 3)]


def test_s05_transaction_ids() -> None:
    state = start_transaction(start_transaction(station(), 1, "Tx-One", NOW), 2, "tx-two", NOW)
    tx = {"kind": "Relative"}
    for body, code in [
        (prof(1, "TxProfile", **tx), "MissingParam"),
        (prof(1, "TxProfile", transactionId="tx-two", **tx), "TxNotFound"),
        (prof(1, "TxProfile", transactionId="nobody", **tx), "TxNotFound"),
    ]:
        _, response = set_profile(state, 1, body)
        assert (response["status"], reason(response)) == ("Rejected", code)
    state = installed(state, (1, prof(1, "TxProfile", transactionId="TX-ONE", **tx)), (2, prof(2, transactionId="x")))
    assert transaction_by_id(state, "tx-one") is state.transaction_on(1)
    _, reports = get_profiles(state, {"evseId": 1, "chargingProfile": {}})
    assert reports[0]["chargingProfile"][0]["transactionId"] == "TX-ONE"
    assert periods(state, 1) == [(0, 16.0, 3)]
    state = end_transaction(state, "Tx-One")
    assert [ip.profile.charging_profile_id for ip in state.profiles] == [2]


def test_s06_configuration_limits() -> None:
    state = station(max_stack_level=3, max_periods=2, max_profiles=2, allowed_rate_units=("A",))
    for body, code in [
        (prof(1, stack=4), "InvalidStackLevel"),
        (prof(1, stack=-1), "InvalidStackLevel"),
        (prof(1, periods=((0, 6), (60, 7), (120, 8))), "InvalidSchedule"),
        (prof(1, unit="W", periods=((0, 4140),)), "UnsupportedRateUnit"),
    ]:
        _, response = set_profile(state, 1, body)
        assert (response["status"], reason(response)) == ("Rejected", code)
    state = installed(state, (1, prof(1, stack=3)), (2, prof(2)))
    _, response = set_profile(state, 1, prof(3, stack=1))
    assert (response["status"], reason(response)) == ("Rejected", "TooManyElements")
    installed(state, (2, prof(1, stack=2)))  # a replacement at capacity (D3)


@pytest.mark.parametrize(
    ("handler", "payload"),
    [
        (handle_set_charging_profile, {"evseId": 1, "chargingProfile": prof(1)}),
        (handle_get_composite_schedule, {"evseId": 1, "duration": 60}),
        (handle_clear_charging_profile, {}),
        (handle_get_charging_profiles, {"requestId": 1, "chargingProfile": {}}),
    ],
)
def test_s06_smart_charging_not_available_is_not_supported(handler: Any, payload: dict[str, Any]) -> None:
    with pytest.raises(OcppCallError) as info:
        handler(station(smart_charging_available=False), payload, NOW)
    assert info.value.code == "NotSupported"


def test_s07_replacement_is_by_id_only() -> None:
    state = installed(station(), (1, prof(1)), (2, prof(1, "TxDefaultProfile", periods=((0, 8),))))
    assert [(ip.outlet_id, ip.profile.charging_profile_id) for ip in state.profiles] == [(2, 1)]
    windows = ({"validTo": "2026-03-02T11:00:00Z"}, {"validFrom": "2026-03-02T11:00:00Z"})
    state = installed(station(), (1, prof(1, **windows[0])), (1, prof(2, **windows[1])))
    assert len(state.profiles) == 2
    state, _ = external(state, 1, ext(-1))
    _, response = set_profile(state, 1, prof(-1))
    assert (response["status"], reason(response)) == ("Rejected", "DuplicateProfile")


def test_s08_conflicts_of_tx_profiles_and_evse0_defaults() -> None:
    state = start_transaction(station(), 1, "tx-1", NOW)
    state = installed(state, (1, prof(1, "TxProfile", kind="Relative", transactionId="tx-1", validTo=START)))
    _, response = set_profile(state, 1, prof(2, "TxProfile", kind="Relative", transactionId="tx-1", validFrom=START))
    assert reason(response) == "DuplicateProfile"
    installed(state, (1, prof(2, "TxProfile", kind="Relative", transactionId="tx-1", stack=1)))
    state = installed(station(), (1, prof(1, validTo=START)))
    _, response = set_profile(state, 0, prof(2, validFrom="2026-03-03T10:00:00Z"))
    assert reason(response) == "DuplicateProfile"
    state = installed(station(), (0, prof(1)))
    _, response = set_profile(state, 2, prof(2))
    assert reason(response) == "DuplicateProfile"
    installed(state, (2, prof(2, stack=1)), (0, prof(1, periods=((0, 8),))))


def test_s09_phases_on_ac_and_dc_evses() -> None:
    config = ChargePointConfig(
        outlet_count=2,
        outlets=(OutletConfig(1, supply_phases=1), OutletConfig(2, max_current=200, supply_phases=0)),
    )
    state = ChargePointState(config)
    for body in (prof(1, periods=((0, 16, 3),)), prof(1), prof(1, periods=((0, 16, 1, 1),))):
        _, response = set_profile(state, 1, body)
        assert (response["status"], reason(response)) == ("Rejected", "InvalidSchedule")
    state = installed(state, (1, prof(1, periods=((0, 16, 1),))), (2, prof(2, periods=((0, 100, 3, 2),))))
    assert periods(state, 1, unit="W") == [(0, 3680.0, 1)]
    assert composite(state, 2)["schedule"]["chargingSchedulePeriod"] == [{"startPeriod": 0, "limit": 100.0}]


def test_s09_an_absent_number_phases_is_three_whatever_the_station_default() -> None:
    # K01.FR.49: 6900 W on the 3 phases an absent numberPhases means is 6900 / (230 x 3) = 10 A, not 30 A on the
    # one phase of defaultNumberPhases 1 (the supply of EVSEs the configuration does not list).
    config = ChargePointConfig(outlet_count=1, default_number_phases=1, outlets=[OutletConfig(1, supply_phases=3)])
    state = installed(ChargePointState(config), (1, prof(1, periods=((0, 6900),), unit="W")))
    assert periods(state, 1, unit="A") == [(0, 10.0, 3)]
    _, response = set_profile(ChargePointState(ChargePointConfig(outlet_count=1, default_number_phases=1)), 1, prof(2))
    assert (response["status"], reason(response)) == ("Rejected", "InvalidSchedule")  # 3 phases on a 1-phase EVSE


def test_s10_external_constraints_notify_and_clear() -> None:
    state, sent = external(station(), 0, ext(-1, periods=((0, 20),)))
    assert sent == [("NotifyChargingLimit", {"chargingLimit": {"chargingLimitSource": "EMS"}})]
    assert periods(state, 1) == [(0, 20.0, 3)]
    state, sent = external(state, 2, ext(-2, periods=((0, 10),)), source="SO")
    assert sent == [("NotifyChargingLimit", {"chargingLimit": {"chargingLimitSource": "SO"}, "evseId": 2})]
    state, messages = release_external_constraints(state, -2, NOW)
    assert messages == (OutgoingMessage("ClearedChargingLimit", {"chargingLimitSource": "SO", "evseId": 2}),)
    assert periods(state, 2) == [(0, 20.0, 3)]


def test_s10_schedules_and_limit_change_significance() -> None:
    state = station(notify_charging_limit_with_schedules=True, limit_change_significance=10)
    state, sent = external(state, 1, ext(-5, periods=((0, 16),)))
    assert sent[0][1]["chargingSchedule"] == ext(-5, periods=((0, 16),))["chargingSchedule"]
    state, sent = external(state, 1, ext(-5, periods=((0, 15.5),)), now=at(60))
    assert sent == []
    assert external_limit(state, 1, at(60)) == 15.5
    state, sent = external(state, 1, ext(-5, periods=((0, 8),)), now=at(120))
    assert [action for action, _ in sent] == ["NotifyChargingLimit"]


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda s: set_external_constraints(s, 1, "CSO", ext(), NOW), InvalidArgumentError),
        (lambda s: set_external_constraints(s, 3, "EMS", ext(), NOW), InvalidArgumentError),
        (lambda s: set_external_constraints(s, 1, "EMS", prof(1), NOW), InvalidArgumentError),
        (lambda s: set_external_constraints(s, 1, "EMS", {**ext(), "stackLevel": "0"}, NOW), SchemaViolation),
        (
            lambda s: set_external_constraints(s, 1, "EMS", ext(kind="Relative", validFrom=START, validTo=START), NOW),
            ProfileValidationError,
        ),
        (lambda s: set_external_constraints(s, 1, "EMS", ext(-1), datetime(2026, 3, 2)), InvalidArgumentError),
        (lambda s: release_external_constraints(s, 1, NOW), InvalidArgumentError),
    ],
)
def test_s10_bad_input_is_the_callers_error_not_a_callerror(call: Any, error: type[Exception]) -> None:
    state = installed(station(), (1, prof(1)))
    with pytest.raises(error):
        call(state)


def test_s11_relative_anchors_at_the_transaction_start_or_the_window() -> None:
    state = start_transaction(station(), 1, "tx-1", at(-600))
    state = installed(state, (0, prof(1, kind="Relative", periods=((0, 10), (900, 16)))))
    assert periods(state, 1) == [(0, 10.0, 3), (300, 16.0, 3)]
    assert periods(state, 2) == [(0, 10.0, 3)]


def test_s12_evse0_reads_the_sum_of_its_evses() -> None:
    state = installed(station(), (0, prof(1, periods=((0, 6),))))
    assert periods(state, 0) == [(0, 12.0, 3)]
    assert periods(station(), 0) == [(0, 64.0, 3)]


def test_s13_composite_window_unit_and_refusals() -> None:
    state = installed(station(allowed_rate_units=("W", "A")), (1, prof(1)))
    response = composite(state, 1, duration=0, unit=None, now=NOW + timedelta(microseconds=900))
    assert response["schedule"] == {
        "evseId": 1,
        "duration": 0,
        "scheduleStart": START,
        "chargingRateUnit": "W",
        "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 11040.0, "numberPhases": 3}],
    }
    for duration, unit, code in [(-1, "A", "InvalidValue"), (31 * 86_400 + 1, "A", "InvalidValue")]:
        assert reason(composite(state, 1, duration=duration, unit=unit)) == code
    assert reason(composite(station(allowed_rate_units=("A",)), 1, unit="W")) == "UnsupportedRateUnit"


def test_s13_a_window_past_year_9999_is_an_invalid_value_saying_so() -> None:
    """D13 through S13: a window ending after year 9999 is Rejected with InvalidValue, and the additionalInfo says
    why (not that an allowed duration is out of range); with a unit not allowed as well, InvalidValue comes first
    (E9)."""
    late = datetime(9999, 12, 31, 23, 0, tzinfo=timezone.utc)
    assert composite(station(), 1, duration=3599, now=late)["status"] == "Accepted"
    response = composite(station(allowed_rate_units=("A",)), 1, duration=7200, unit="W", now=late)
    assert reason(response) == "InvalidValue"
    info = response["statusInfo"]["additionalInfo"]
    assert "year 9999" in info and "is not 0.." not in info


def test_s14_clear_by_id_or_by_criteria() -> None:
    state = installed(station(), (0, prof(1)), (1, prof(2, stack=1)), (2, prof(3, stack=1)))
    new, response = clear(state, {"chargingProfileId": 1, "chargingProfileCriteria": {"evseId": 2}})
    assert response == {"status": "Accepted"}
    assert [ip.profile.charging_profile_id for ip in new.profiles] == [2, 3]
    new, _ = clear(state, {"chargingProfileCriteria": {"evseId": 1, "stackLevel": 1}})
    assert [ip.profile.charging_profile_id for ip in new.profiles] == [1, 3]
    _, response = clear(state, {"chargingProfileCriteria": {"evseId": 1, "stackLevel": 0}})
    assert response == {"status": "Unknown"}


def test_s15_get_charging_profiles_matching() -> None:
    state = installed(station(), (0, prof(1, "ChargingStationMaxProfile")), (1, prof(2)), (1, prof(3, stack=1)))
    assert reported_ids(state, {"evseId": 1, "chargingProfile": {}}) == [(1, "CSO", [2, 3])]
    assert reported_ids(state, {"evseId": 0, "chargingProfile": {}}) == [(0, "CSO", [1])]
    assert reported_ids(state, {"chargingProfile": {"chargingProfileId": [1, 3], "stackLevel": 5}}) == [
        (0, "CSO", [1]),
        (1, "CSO", [3]),
    ]
    assert reported_ids(state, {"chargingProfile": {"stackLevel": 1, "chargingLimitSource": ["CSO"]}}) == [
        (1, "CSO", [3])
    ]
    response, reports = get_profiles(state, {"chargingProfile": {"chargingLimitSource": ["EMS"]}})
    assert (response, reports) == ({"status": "NoProfiles"}, [])


def test_s16_a_profile_is_reported_exactly_as_accepted() -> None:
    body = {"customData": {"vendorId": "V", "note": 1}, **prof(1, validTo="2026-03-02T11:00:00.500+01:00")}
    state = installed(station(), (1, body))
    _, reports = get_profiles(state, {"chargingProfile": {}})
    assert reports == [
        {"requestId": 7, "chargingLimitSource": "CSO", "evseId": 1, "chargingProfile": [body], "tbc": False}
    ]


def test_s17_request_start_transaction_with_a_profile() -> None:
    body = prof(1, "TxProfile", kind="Relative", periods=((0, 6),))
    state, response = start(station(), {"evseId": 1, "chargingProfile": body}, "tx-a")
    assert response == {"status": "Accepted"}
    assert state.transaction_on(1) is not None
    assert periods(state, 1) == [(0, 6.0, 3)]
    _, reports = get_profiles(state, {"chargingProfile": {}})
    assert reports[0]["chargingProfile"] == [{**body, "transactionId": "tx-a"}]
    for payload, code in [
        ({"evseId": 1, "chargingProfile": prof(2, "TxProfile", kind="Relative")}, "TxInProgress"),
        ({"evseId": 3, "chargingProfile": prof(2, "TxProfile", kind="Relative")}, "UnknownEvse"),
        ({"evseId": 2, "chargingProfile": prof(2, kind="Relative")}, "InvalidProfile"),
        ({"evseId": 2, "chargingProfile": prof(2, "TxProfile", kind="Relative", transactionId="b")}, "InvalidProfile"),
        ({"chargingProfile": prof(2, "TxProfile", kind="Relative")}, "MissingParam"),
        ({"evseId": 2, "chargingProfile": prof(2, "TxProfile", stack=11)}, "InvalidStackLevel"),
    ]:
        _, response = start(state, payload, "tx-b")
        assert (response["status"], reason(response)) == ("Rejected", code)
    state, response = start(state, {}, "tx-c")
    assert state.transaction_on(2).transaction_id == "tx-c"
    assert response == {"status": "Accepted"}
    _, response = start(state, {}, "tx-d")
    assert reason(response) == "TxInProgress"
    assert [ip.profile.charging_profile_id for ip in end_transaction(state, "tx-a").profiles] == []


def test_s17_without_smart_charging_the_profile_is_ignored() -> None:
    state, response = start(station(smart_charging_available=False), {"chargingProfile": prof(1)}, "tx-a")
    assert response == {"status": "Accepted"}
    assert (state.transaction_on(1) is not None, state.profiles) == (True, ())


def test_s17_the_transaction_id_is_the_callers() -> None:
    state = start_transaction(station(), 1, "TX-A", NOW)
    for tx in ("", "x" * 37, "tx-a", 5):
        with pytest.raises(InvalidArgumentError):
            handle_request_start_transaction(state, {"remoteStartId": 1, "idToken": TOKEN}, NOW, tx)  # type: ignore[arg-type]


# --- RequestStopTransaction (F03, S5, S17) ----------------------------------------------------------------------------

#: The CALLERROR codes of S18: the only ones RequestStopTransaction answers with (it is no smart-charging CALL, so
#: not even NotSupported, K01.FR.29).
S18_CODES = (
    "FormatViolation",
    "TypeConstraintViolation",
    "OccurrenceConstraintViolation",
    "PropertyConstraintViolation",
)


def stop(state: ChargePointState, payload: Any) -> Any:
    new, response = handle_request_stop_transaction(state, payload)
    return _answered("RequestStopTransaction", state, new, response)


def assert_ended_exactly(state: ChargePointState, new: ChargePointState, ended: Transaction) -> None:
    """`new` is `state` without the transaction `ended` and the TxProfiles that name it in any case (S5, S17), all of
    them on its EVSE; the configuration, every other transaction and every other profile (annotations included) are
    as they were."""
    wanted = str(ended.transaction_id).casefold()

    def bound(ip: Any) -> bool:
        tx = ip.profile.charging_profile_purpose.role is PurposeRole.TRANSACTION
        return tx and str(ip.profile.transaction_id).casefold() == wanted

    assert new.config == state.config
    assert new.transactions == tuple(t for t in state.transactions if t is not ended)
    assert all(ip.outlet_id == ended.outlet_id for ip in state.profiles if bound(ip))
    assert new.profiles == tuple(ip for ip in state.profiles if not bound(ip))


def two_sessions() -> ChargePointState:
    """Transactions "Tx-One" on EVSE 1 and "tx-two" on EVSE 2, each with a TxProfile (the first naming its
    transaction in another case); TxDefaultProfiles on evse 0 and EVSE 1, a ChargingStationMaxProfile, and an
    external constraint on EVSE 1."""
    state = start_transaction(start_transaction(station(), 1, "Tx-One", at(-600)), 2, "tx-two", at(-300))
    state = installed(
        state,
        (0, prof(1, stack=1, periods=((0, 20),))),
        (1, prof(2, stack=2, periods=((0, 12),))),
        (0, prof(3, "ChargingStationMaxProfile", periods=((0, 30),))),
        (1, prof(4, "TxProfile", kind="Relative", periods=((0, 6),), transactionId="TX-ONE")),
        (2, prof(5, "TxProfile", kind="Relative", periods=((0, 8),), transactionId="tx-two")),
    )
    state, _ = external(state, 1, ext(-1, periods=((0, 25),)))
    return state


def test_s17_request_stop_ends_that_transaction_and_only_its_tx_profiles() -> None:
    """F03.FR.07: Accepted; K02.FR.05: its TxProfile is deleted, nothing else is."""
    state = two_sessions()
    assert periods(state, 1) == [(0, 6.0, 3)]
    new, response = stop(state, {"transactionId": "Tx-One"})
    assert response == {"status": "Accepted"}
    assert [t.transaction_id for t in new.transactions] == ["tx-two"]
    assert sorted(ip.profile.charging_profile_id for ip in new.profiles) == [-1, 1, 2, 3, 5]
    assert_ended_exactly(state, new, state.transactions[0])
    assert periods(new, 1) == [(0, 12.0, 3)]  # EVSE 1's TxDefaultProfile governs again
    assert periods(new, 2) == [(0, 8.0, 3)]
    assert reported_ids(new, {"chargingProfile": {}}) == [
        (0, "CSO", [1, 3]),
        (1, "CSO", [2]),
        (1, "EMS", [-1]),
        (2, "CSO", [5]),
    ]


@pytest.mark.parametrize("named", ["tx-one", "TX-ONE", "tX-oNE"])
def test_s05_request_stop_matches_the_transaction_id_ignoring_case(named: str) -> None:
    state = two_sessions()
    new, response = stop(state, {"transactionId": named})
    assert response == {"status": "Accepted"}
    assert [t.transaction_id for t in new.transactions] == ["tx-two"]


@pytest.mark.parametrize("named", ["nobody", "", "Tx-One ", " Tx-One", "Tx-On", "Tx_One", "x" * 36])
def test_r16_request_stop_of_a_transaction_not_running_is_rejected_with_the_very_same_state(named: str) -> None:
    """F03.FR.08: Rejected; nothing ends."""
    state = two_sessions()
    new, response = stop(state, {"transactionId": named})
    assert response == {"status": "Rejected"}
    assert new is state


def test_r16_a_second_request_stop_of_the_same_transaction_is_rejected() -> None:
    stopped, _ = stop(two_sessions(), {"transactionId": "tx-two"})
    again, response = stop(stopped, {"transactionId": "TX-TWO"})
    assert (response, again) == ({"status": "Rejected"}, stopped)


def test_s06_request_stop_is_answered_without_smart_charging() -> None:
    """RequestStopTransaction is F03, no smart-charging CALL: K01.FR.29's NotSupported does not apply."""
    state = start_transaction(station(smart_charging_available=False), 1, "tx-1", NOW)
    new, response = stop(state, {"transactionId": "TX-1"})
    assert (response, new.transactions) == ({"status": "Accepted"}, ())


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({}, "OccurrenceConstraintViolation"),
        ({"customData": {"vendorId": "v"}}, "OccurrenceConstraintViolation"),
        ({"transactionId": "Tx-One", "customData": {}}, "OccurrenceConstraintViolation"),  # vendorId missing
        ({"transactionId": 7}, "TypeConstraintViolation"),
        ({"transactionId": None}, "TypeConstraintViolation"),
        ({"transactionId": ["Tx-One"]}, "TypeConstraintViolation"),
        ({"transactionId": "x" * 37}, "PropertyConstraintViolation"),  # identifierString[0..36]
        ({"transactionId": "Tx-One", "customData": {"vendorId": "v" * 256}}, "PropertyConstraintViolation"),
        ({"transactionId": "Tx-One", "evseId": 1}, "FormatViolation"),  # a property the schema does not know
        ([], "FormatViolation"),
        (None, "FormatViolation"),
        ("Tx-One", "FormatViolation"),
    ],
    ids=repr,
)
def test_s18_a_malformed_request_stop_is_the_callerror_s18_names_and_stops_nothing(payload: Any, code: str) -> None:
    state = two_sessions()
    with pytest.raises(OcppCallError) as info:
        handle_request_stop_transaction(state, payload)
    assert info.value.code == code
    assert len(state.transactions) == 2


def test_s18_custom_data_may_carry_anything_beside_its_vendor() -> None:
    custom = {"vendorId": "com.example", "reason": {"code": 7}}
    _, response = stop(two_sessions(), {"transactionId": "tx-two", "customData": custom})
    assert response == {"status": "Accepted"}


@st.composite
def states_and_request_stops(draw: st.DrawFn) -> tuple[ChargePointState, Any]:
    """A reachable station state (`charge_point_states_201`) and a payload for it: mostly ``{transactionId}`` naming
    a running transaction (in its case, or another), or another id; else any JSON value or such a payload
    mutated."""
    state = draw(charge_point_states_201())
    running = [str(t.transaction_id) for t in state.transactions]
    recased = st.sampled_from(running).flatmap(lambda t: st.sampled_from([t, t.upper(), t.lower(), t.swapcase()]))
    others = transaction_ids_201() | st.text(max_size=40) | st.sampled_from(["", "x" * 36, "x" * 37])
    running_id = st.fixed_dictionaries({"transactionId": recased}) if running else st.nothing()
    other_id = st.fixed_dictionaries({"transactionId": others})
    mutations = (running_id | other_id).flatmap(mutated)
    payload = draw(st.one_of(running_id, running_id, other_id, mutations, JSON))
    return state, payload


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(states_and_request_stops())
def test_s05_s17_s18_any_request_stop_is_a_callerror_a_rejection_that_keeps_the_state_or_ends_one_transaction(
    state_and_payload: tuple[ChargePointState, Any],
) -> None:
    """A CALLERROR (with an S18 code) exactly when the official schema refuses the payload; otherwise Rejected with
    the very same state when no running transaction has the id (ignoring case), else Accepted with one transaction
    and its TxProfiles fewer."""
    state, payload = state_and_payload
    try:
        new, response = stop(state, payload)
    except OcppCallError as error:
        assert error.code in S18_CODES
        assert not _jsonschema_valid("RequestStopTransactionRequest", payload)
        event("CALLERROR")
        return
    assert _jsonschema_valid("RequestStopTransactionRequest", payload)
    event(response["status"])
    ended = transaction_by_id(state, payload["transactionId"])
    if response["status"] == "Rejected":
        assert ended is None
        return
    assert ended is not None
    assert len(new.transactions) == len(state.transactions) - 1
    assert_ended_exactly(state, new, ended)


def test_s18_a_callerror_installs_nothing() -> None:
    state = station()
    for payload in ({"evseId": 1}, {"evseId": 1, "chargingProfile": {**prof(1), "stackLevel": "0"}}, []):
        with pytest.raises(OcppCallError):
            handle_set_charging_profile(state, payload, NOW)
    assert state.profiles == ()


# --- E1-E9 ----------------------------------------------------------------------------------------------------------


def test_e1_more_than_one_schedule_is_an_invalid_schedule() -> None:
    body = prof(1)
    body["chargingSchedule"].append({**body["chargingSchedule"][0], "id": 2})
    _, response = set_profile(station(), 1, body)
    assert (response["status"], reason(response)) == ("Rejected", "InvalidSchedule")


def test_e2_validity_windows_overlap_half_open() -> None:
    state = installed(station(), (1, prof(1, validFrom=START, validTo="2026-03-02T11:00:00Z")))
    _, response = set_profile(state, 1, prof(2, validFrom="2026-03-02T10:30:00Z"))
    assert reason(response) == "DuplicateProfile"
    _, response = set_profile(state, 1, prof(2))
    assert reason(response) == "DuplicateProfile"
    installed(state, (1, prof(2, validFrom="2026-03-02T11:00:00Z")), (1, prof(3, validTo=START)), (2, prof(4)))


def test_e3_more_phases_than_the_evse_supplies() -> None:
    state = ChargePointState(ChargePointConfig(outlet_count=1, outlets=(OutletConfig(1, supply_phases=2),)))
    _, response = set_profile(state, 1, prof(1, periods=((0, 16, 3),)))
    assert reason(response) == "InvalidSchedule"
    installed(state, (1, prof(1, periods=((0, 16, 2),))))


def test_e4_phase_to_use_conflicts_across_caps_and_defaults() -> None:
    switching = tuple(OutletConfig(i, phase_switching=True) for i in (1, 2))
    state = ChargePointState(ChargePointConfig(outlet_count=2, outlets=switching))
    state, _ = external(state, 1, ext(-1, periods=((0, 16, 1, 1),)))
    week_later = "2026-03-09T10:00:00Z"
    for evse, body in [
        (1, prof(1, periods=((0, 10, 1, 2),), validFrom=week_later)),
        (0, prof(1, periods=((0, 10, 1, 3),))),
    ]:
        _, response = set_profile(state, evse, body)
        assert (response["status"], reason(response)) == ("Rejected", "InvalidSchedule")
    installed(state, (1, prof(1, periods=((0, 10, 1, 1),))), (2, prof(2, periods=((0, 10, 1, 2),))))


def test_e5_an_evse0_external_limit_caps_every_evse() -> None:
    state, _ = external(station(), 0, ext(-1, periods=((0, 20), (300, 50))))
    assert periods(state, 0) == [(0, 20.0, 3), (300, 50.0, 3)]
    assert periods(state, 2) == [(0, 20.0, 3), (300, 50.0, 3)]  # a cap alone is the limit (R25)
    state, _ = external(state, 2, ext(-2, periods=((0, 10),)), source="SO")
    assert periods(state, 2) == [(0, 10.0, 3)]
    assert periods(state, 1) == [(0, 20.0, 3), (300, 50.0, 3)]


def test_e6_floor_to_a_tenth_merge_after_rounding() -> None:
    state = installed(station(), (1, prof(1, periods=((0, 10.04), (60, 10.01), (120, 14.49)))))
    assert periods(state, 1) == [(0, 10.0, 3), (120, 14.4, 3)]


def test_e6_an_evse_nothing_limits_reports_its_hardware_on_its_own_supply_phases() -> None:
    single = [OutletConfig(1, supply_phases=1), OutletConfig(2, supply_phases=1)]
    state = ChargePointState(ChargePointConfig(outlet_count=2, outlets=single))
    # 32 A on one phase: 32 x 230 x 1 = 7360 W; evse 0 sums both single-phase EVSEs.
    assert periods(state, 1, unit="A") == [(0, 32.0, 1)]
    assert periods(state, 1, unit="W") == [(0, 7360.0, 1)]
    assert periods(state, 0, unit="W") == [(0, 14720.0, 1)]
    assert periods(ChargePointState(ChargePointConfig(outlet_count=1)), 1, unit="W") == [(0, 22080.0, 3)]


def test_e7_clearing_everything_keeps_external_constraints() -> None:
    state, _ = external(installed(station(), (1, prof(1))), 0, ext(-1))
    for payload in ({}, {"chargingProfileCriteria": {}}):
        new, response = clear(state, payload)
        assert response == {"status": "Accepted"}
        assert [ip.profile.charging_profile_id for ip in new.profiles] == [-1]
        _, response = clear(new, payload)
        assert response == {"status": "Unknown"}
    for payload in (
        {"chargingProfileId": -1},
        {"chargingProfileCriteria": {"chargingProfilePurpose": ext()["chargingProfilePurpose"]}},
    ):
        _, response = clear(state, payload)
        assert (response["status"], reason(response)) == ("Unknown", "InvalidValue")


def test_e8_reports_grouped_by_evse_then_source_with_tbc() -> None:
    state = installed(station(), (2, prof(5)), (1, prof(4)), (1, prof(2, stack=1)))
    state, _ = external(state, 1, ext(-3, stack=1), source="SO")
    state, _ = external(state, 1, ext(-9, stack=2), source="EMS")
    _, reports = get_profiles(state, {"chargingProfile": {}})
    assert [(r["evseId"], r["chargingLimitSource"], [p["id"] for p in r["chargingProfile"]]) for r in reports] == [
        (1, "CSO", [2, 4]),
        (1, "EMS", [-9]),
        (1, "SO", [-3]),
        (2, "CSO", [5]),
    ]
    assert [r["tbc"] for r in reports] == [True, True, True, False]
    assert {r["requestId"] for r in reports} == {7}


@pytest.mark.parametrize(
    ("evse", "body", "code"),
    [
        (3, prof(1, "ChargingStationMaxProfile", stack=99), "UnknownEvse"),
        (1, prof(1, "ChargingStationMaxProfile", stack=99), "InvalidProfile"),
        (1, prof(1, "TxProfile", kind="Relative", stack=99), "MissingParam"),
        (2, prof(1, "TxProfile", kind="Relative", transactionId="tx-1", unit="W"), "TxNotFound"),
        (1, prof(1, unit="W", stack=99), "UnsupportedRateUnit"),
        (1, prof(1, stack=99, periods=((5, -1),)), "InvalidStackLevel"),
        (1, prof(1, periods=((5, -1),)), "InvalidSchedule"),
        (1, prof(9), "DuplicateProfile"),
    ],
)
def test_e9_the_first_reason_code_in_e9_order(evse: int, body: dict[str, Any], code: str) -> None:
    state = installed(start_transaction(station(allowed_rate_units=("A",)), 1, "tx-1", NOW), (1, prof(2)))
    _, response = set_profile(state, evse, body)
    assert (response["status"], reason(response)) == ("Rejected", code)


def test_e9_an_unknown_that_matched_nothing_carries_no_status_info() -> None:
    _, response = clear(station(), {"chargingProfileId": 3})
    assert response == {"status": "Unknown"}


# --- properties -----------------------------------------------------------------------------------------------------

BASE = installed(start_transaction(station(), 1, "tx-1", NOW), (0, prof(1, "ChargingStationMaxProfile")), (1, prof(2)))
PAYLOADS = {
    "SetChargingProfile": {"evseId": 1, "chargingProfile": prof(3, "TxProfile", kind="Relative", transactionId="tx-1")},
    "GetCompositeSchedule": {"evseId": 0, "duration": 600, "chargingRateUnit": "W"},
    "ClearChargingProfile": {"chargingProfileCriteria": {"evseId": 1, "stackLevel": 0}},
    "GetChargingProfiles": {"requestId": 1, "evseId": 1, "chargingProfile": {"stackLevel": 0}},
    "RequestStartTransaction": {
        "evseId": 2,
        "remoteStartId": 1,
        "idToken": TOKEN,
        "chargingProfile": prof(4, "TxProfile", kind="Relative"),
    },
}


def _run(action: str, state: ChargePointState, payload: Any) -> tuple[ChargePointState, dict[str, Any]]:
    if action == "GetChargingProfiles":
        new, response, messages = handle_get_charging_profiles(state, payload, NOW)
        _check_messages(messages)
        return new, response
    if action == "RequestStartTransaction":
        return handle_request_start_transaction(state, payload, NOW, "tx-new")
    handler = {
        "SetChargingProfile": handle_set_charging_profile,
        "GetCompositeSchedule": handle_get_composite_schedule,
        "ClearChargingProfile": handle_clear_charging_profile,
    }[action]
    return handler(state, payload, NOW)


@st.composite
def any_call(draw: st.DrawFn) -> tuple[str, Any]:
    action = draw(st.sampled_from(sorted(PAYLOADS)))
    payload = draw(mutated(PAYLOADS[action]) | JSON | st.just(copy.deepcopy(PAYLOADS[action])))
    return action, payload


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(any_call())
def test_handlers_raise_only_callerrors_answer_valid_responses_and_leave_a_refused_state_as_it_was(
    call: tuple[str, Any],
) -> None:
    action, payload = call
    try:
        new, response = _run(action, BASE, payload)
    except OcppCallError:
        return
    assert_valid_response_201(action, response)
    if response["status"] in REFUSED or action in ("GetCompositeSchedule", "GetChargingProfiles"):
        assert new is BASE
