"""`validate_profile`, `validate_payload` and `validate_document`: every problem of a document, each with its place
and rule (R4-R14, D1-D4), several in one part too; the command line's output is in test_cli_commands.py."""

from __future__ import annotations

import copy
from typing import Any

from smartcharge import ChargePointConfig, ChargePointState
from smartcharge.documents.state_document import state_to_json
from smartcharge.tools.validate import Problem, validate_document, validate_payload, validate_profile

SCHEDULE = "csChargingProfiles.chargingSchedule"


def profile(**fields: Any) -> dict[str, Any]:
    """A valid TxDefaultProfile, with `fields` set (None removes one)."""
    document: dict[str, Any] = {
        "chargingProfileId": 1,
        "stackLevel": 0,
        "chargingProfilePurpose": "TxDefaultProfile",
        "chargingProfileKind": "Absolute",
        "chargingSchedule": {"chargingRateUnit": "A", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16}]},
        **fields,
    }
    return {key: value for key, value in document.items() if value is not None}


def shown(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]


def test_r4_r11_r12_every_rule_a_profile_breaks_on_its_own_is_reported() -> None:
    schedule = {
        "chargingRateUnit": "A",
        "duration": -1,
        "minChargingRate": -2,
        "chargingSchedulePeriod": [{"startPeriod": 0, "limit": -1, "numberPhases": 5}, {"startPeriod": 0, "limit": 6}],
    }
    document = profile(
        stackLevel=-1,
        chargingProfileKind="Recurring",
        validFrom="2026-02-01T00:00:00Z",
        validTo="2026-01-01T00:00:00Z",
        chargingSchedule=schedule,
    )
    assert shown(validate_profile(document)) == [
        f"R4: {SCHEDULE}.chargingSchedulePeriod[0]: limit -1.0 is negative",
        f"R4: {SCHEDULE}.chargingSchedulePeriod[0]: numberPhases 5 is not in 1..3",
        f"R4: {SCHEDULE}: chargingSchedulePeriod[1].startPeriod 0 is not after 0",
        f"R4: {SCHEDULE}: duration -1 is below 0",
        f"R4: {SCHEDULE}: minChargingRate -2.0 is negative",
        "R4: csChargingProfiles: stackLevel -1 is below 0",
        "R11: csChargingProfiles: a Recurring profile needs recurrencyKind (Daily or Weekly)",
        "R12: csChargingProfiles: a Recurring profile needs chargingSchedule.startSchedule (D4)",
        "R11: csChargingProfiles: validFrom 2026-02-01T00:00:00+00:00 is not before validTo 2026-01-01T00:00:00+00:00",
    ]


def test_r4_one_mistake_is_reported_once() -> None:
    """A period whose start is invalid is not asked about again for the periods' order."""
    periods = [{"startPeriod": 0, "limit": 1}, {"startPeriod": -5, "limit": 6}, {"startPeriod": 3, "limit": 6}]
    document = profile(chargingSchedule={"chargingRateUnit": "A", "chargingSchedulePeriod": periods})
    assert shown(validate_profile(document)) == [f"R4: {SCHEDULE}.chargingSchedulePeriod[1]: startPeriod -5 is below 0"]


def test_r14_r5_every_shape_problem_of_every_object_is_reported() -> None:
    schedule = {"chargingRateUnit": "kW", "startSchedule": 5, "chargingSchedulePeriod": [{"limit": "6", "x": 1}]}
    document = profile(chargingProfileId="1", transactionId=None, validTo="noon", chargingSchedule=schedule)
    problems = validate_profile(document)
    assert [(p.rule, p.where) for p in problems] == [
        ("R14", "csChargingProfiles.chargingProfileId"),
        ("R5", "csChargingProfiles.validTo"),
        ("R5", f"{SCHEDULE}.startSchedule"),
        ("R14", f"{SCHEDULE}.chargingRateUnit"),
        ("R14", f"{SCHEDULE}.chargingSchedulePeriod[0]"),
        ("R14", f"{SCHEDULE}.chargingSchedulePeriod[0].startPeriod"),
        ("R14", f"{SCHEDULE}.chargingSchedulePeriod[0].limit"),
    ]
    assert problems[4].message == "FormatViolation: has unknown field(s) 'x'"
    assert problems[5].message == "FormatViolation: is required"


def test_r10_d2_every_configured_limit_a_payload_exceeds_is_reported() -> None:
    periods = [{"startPeriod": 60 * i, "limit": 1000} for i in range(5)]
    document = profile(stackLevel=4, chargingSchedule={"chargingRateUnit": "W", "chargingSchedulePeriod": periods})
    config = ChargePointConfig(outlet_count=2, max_stack_level=3, max_periods=4, allowed_rate_units=("A",))
    state = ChargePointState(config)
    limits = [
        "R10: csChargingProfiles: stackLevel 4 exceeds ChargeProfileMaxStackLevel 3",
        "R10: csChargingProfiles: 5 periods exceed ChargingScheduleMaxPeriods 4",
        "R10: csChargingProfiles: unit W is not in ChargingScheduleAllowedChargingRateUnit A",
    ]
    assert shown(validate_payload({"connectorId": 1, "csChargingProfiles": document}, state)) == limits
    # the connector is out of range and the profile a TxProfile there could not take: still every limit
    tx = {**document, "chargingProfilePurpose": "TxProfile"}
    assert shown(validate_payload({"connectorId": 3, "csChargingProfiles": tx}, state)) == [
        "R6: connectorId: PropertyConstraintViolation: 3 is not 0..2",
        *limits,
    ]
    assert shown(validate_payload({"connectorId": 1, "csChargingProfiles": tx}, state)) == [
        "R9: csChargingProfiles: a TxProfile needs an active transaction, and outlet 1 has none",
        *limits,
    ]
    assert shown(validate_payload({"csChargingProfiles": document}, state))[1:] == limits


def test_r10_a_full_charge_point_and_a_limit_are_both_reported() -> None:
    config = ChargePointConfig(max_stack_level=3, max_profiles=0)
    payload = {"connectorId": 0, "csChargingProfiles": profile(stackLevel=4)}
    problems = validate_payload(payload, ChargePointState(config))
    assert shown(problems) == [
        "R10: csChargingProfiles: MaxChargingProfilesInstalled 0 profiles are installed already",
        "R10: csChargingProfiles: stackLevel 4 exceeds ChargeProfileMaxStackLevel 3",
    ]


def test_r17_every_malformed_part_of_a_saved_state_is_reported() -> None:
    state = ChargePointState(ChargePointConfig(outlet_count=2))
    document: dict[str, Any] = copy.deepcopy(state_to_json(state))
    document["version"] = 2
    document["config"].update(connectorCount="2", voltage=-1)
    document["profiles"] = [
        {"connectorId": "0", "installedAt": "noon", "chargingProfile": profile(stackLevel=-1)},
        7,
    ]
    document["transactions"] = [{"connectorId": 0, "transactionId": 1, "start": "2026-01-01T00:00:00Z"}, {}]
    problems = shown(validate_document(document))
    assert problems[4].startswith("state: profiles[0].installedAt: is not an ISO 8601 timestamp with UTC offset: ")
    assert problems[:4] + problems[5:] == [
        "state: version 2 is not supported (this reads 1)",
        "state: config.connectorCount: must be an integer, not string",
        "state: config: ChargePointConfig.voltage must be a positive number, not -1.0",
        "state: profiles[0].connectorId: must be an integer, not string",
        "R4: profiles[0].chargingProfile: stackLevel -1 is below 0",
        "state: profiles[1]: must be an object, not integer",
        "state: transactions[0]: Transaction.outlet_id must be an outlet 1..N, not 0",
        "state: transactions[1].connectorId: is required",
        "state: transactions[1].transactionId: is required",
        "state: transactions[1].start: is required",
    ]


def test_r17_a_state_whose_parts_are_well_formed_reports_what_the_whole_breaks() -> None:
    document = state_to_json(ChargePointState(ChargePointConfig(outlet_count=1)))
    document["transactions"] = [{"connectorId": 2, "transactionId": 1, "start": "2026-01-01T00:00:00Z"}]
    assert shown(validate_document(document)) == ["state: transaction 1 is on unknown outlet 2"]
    document["profiles"] = "none"
    assert shown(validate_document(document)) == ["state: profiles: must be an array, not string"]
