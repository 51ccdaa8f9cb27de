"""`validate_document` on OCPP 2.0.1 documents (SPEC-201): payloads ``{evseId, chargingProfile}`` (also in a CALL
frame), bare ChargingProfileType objects, saved states and replay scripts with ``"ocppVersion": "2.0.1"``. A schema
problem is the first one, S18 with its CALLERROR code; the rules' refusals carry the SPEC-201 rule
(`Refusal.spec_rule`), the reason code (E9) and the requirement; the configured limits are each reported besides
(S6). The command line's output is at the end."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from smartcharge.documents.replay import replay_script
from smartcharge.documents.state_document import state_to_json
from smartcharge.engine.store import ChargePointState
from smartcharge.tools.cli import main
from smartcharge.tools.validate import Problem, document_kind, document_ocpp_version, validate_document

T0 = "2026-03-02T10:00:00Z"
CONFIG: dict[str, Any] = {
    "evseCount": 2,
    "chargeProfileMaxStackLevel": 3,
    "chargingScheduleAllowedChargingRateUnit": ["A"],
    "chargingScheduleMaxPeriods": 2,
    "evses": [
        {"id": 1, "supplyPhases": 1, "acPhaseSwitchingSupported": False},
        {"id": 2, "supplyPhases": 3, "acPhaseSwitchingSupported": True},
    ],
}


def profile(**fields: Any) -> dict[str, Any]:
    """A valid Absolute TxDefaultProfile of 16 A on one phase, with `fields` set (None removes one)."""
    document: dict[str, Any] = {
        "id": 1,
        "stackLevel": 0,
        "chargingProfilePurpose": "TxDefaultProfile",
        "chargingProfileKind": "Absolute",
        "chargingSchedule": [
            {
                "id": 1,
                "startSchedule": T0,
                "chargingRateUnit": "A",
                "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16, "numberPhases": 1}],
            }
        ],
        **fields,
    }
    return {key: value for key, value in document.items() if value is not None}


def periods(*items: dict[str, Any], unit: str = "A") -> list[dict[str, Any]]:
    return [{"id": 1, "startSchedule": T0, "chargingRateUnit": unit, "chargingSchedulePeriod": list(items)}]


def station(*events: dict[str, Any]) -> ChargePointState:
    """The station CONFIG describes after `events` (all at T0)."""
    script = {"ocppVersion": "2.0.1", "config": CONFIG, "events": [{"at": T0, **e} for e in events]}
    return replay_script(script).state


def set_profile(evse_id: int, charging_profile: dict[str, Any]) -> dict[str, Any]:
    return {"call": "SetChargingProfile", "payload": {"evseId": evse_id, "chargingProfile": charging_profile}}


def shown(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]


# --- recognising 2.0.1 documents -------------------------------------------------------------------------------------


def test_document_kinds_and_versions() -> None:
    payload = {"evseId": 1, "chargingProfile": profile()}
    state = state_to_json(station(), "2.0.1")
    documents = {
        "payload": payload,
        "frame": [2, "42", "SetChargingProfile", payload],
        "profile": profile(),
        "state": state,
        "script": {"ocppVersion": "2.0.1", "events": []},
    }
    assert {name: (document_kind(d), document_ocpp_version(d)) for name, d in documents.items()} == {
        "payload": ("payload", "2.0.1"),
        "frame": ("payload", "2.0.1"),
        "profile": ("profile", "2.0.1"),
        "state": ("state", "2.0.1"),
        "script": ("script", "2.0.1"),
    }
    assert document_ocpp_version({"connectorId": 1, "csChargingProfiles": {}}) == "1.6"
    assert document_ocpp_version({"chargingProfileId": 1, "chargingSchedule": {}}) == "1.6"
    assert document_ocpp_version({"events": []}) == "1.6"
    assert document_ocpp_version(5) == "1.6"
    # a 2.0.1 profile without schedules is known by its id or by a purpose only 2.0.1 has
    assert document_ocpp_version({"id": 1, "chargingProfilePurpose": "TxProfile"}) == "2.0.1"
    assert document_ocpp_version({"chargingProfilePurpose": "ChargingStationMaxProfile"}) == "2.0.1"


def test_a_valid_payload_profile_state_and_script_have_no_problems() -> None:
    state = station(set_profile(2, profile()))
    assert validate_document({"evseId": 2, "chargingProfile": profile(id=2, stackLevel=1)}, state) == []
    assert validate_document(profile()) == []
    assert validate_document(state_to_json(state, "2.0.1")) == []
    assert validate_document({"ocppVersion": "2.0.1", "config": CONFIG, "events": []}) == []


# --- S18: the schema -------------------------------------------------------------------------------------------------


def test_s18_validate_reports_the_first_schema_problem_with_its_callerror_code() -> None:
    bad_unit = profile(chargingSchedule=periods({"startPeriod": 0, "limit": 8}, unit="kW"))
    assert shown(validate_document({"evseId": 1, "chargingProfile": bad_unit})) == [
        "S18: chargingProfile.chargingSchedule[0].chargingRateUnit: PropertyConstraintViolation: "
        "'kW' is not one of W, A"
    ]
    framed = [2, "7", "SetChargingProfile", {"evseId": "1", "chargingProfile": bad_unit}]
    assert shown(validate_document(framed)) == [
        "S18: evseId: TypeConstraintViolation: must be of type integer, not string"
    ]
    assert shown(validate_document({"evseId": 1})) == [
        "S18: chargingProfile: OccurrenceConstraintViolation: is required"
    ]
    assert shown(validate_document({"evseId": 1, "connectorId": 1, "chargingProfile": profile()})) == [
        "S18: FormatViolation: has unknown propert(ies) 'connectorId'"
    ]


def test_s18_validate_a_bare_profile_breaking_its_schema() -> None:
    four = profile(chargingSchedule=periods({"startPeriod": 0, "limit": 8}) * 4)
    assert shown(validate_document(four)) == [
        "S18: chargingSchedule: OccurrenceConstraintViolation: has 4 items, more than 3"
    ]
    assert shown(validate_document(profile(transactionId="x" * 37, chargingProfilePurpose="TxProfile"))) == [
        "S18: transactionId: PropertyConstraintViolation: has 37 characters, more than 36"
    ]


# --- the rules: S1-S9, E1-E4 -----------------------------------------------------------------------------------------


def test_s01_validate_an_unknown_evse_and_still_the_configured_limits() -> None:
    payload = {"evseId": 3, "chargingProfile": profile(stackLevel=4)}
    assert shown(validate_document(payload, station())) == [
        "S1: evseId: Rejected, UnknownEvse: K01.FR.28: evseId 3 is not 0..2",
        "S6: chargingProfile: Rejected, InvalidStackLevel: S6: stackLevel 4 is not 0..3 (ProfileStackLevel)",
    ]
    assert shown(validate_document({"evseId": 1001, "chargingProfile": profile()})) == [
        "S1: evseId: Rejected, UnknownEvse: K01.FR.28: evseId 1001 is not 0..1000 (D14)"
    ]


def test_s02_s03_validate_purpose_placement_and_kinds() -> None:
    cap = profile(chargingProfilePurpose="ChargingStationMaxProfile")
    assert shown(validate_document({"evseId": 1, "chargingProfile": cap})) == [
        "S2: chargingProfile: Rejected, InvalidProfile: K04.FR.03: a ChargingStationMaxProfile goes on evseId 0, not 1"
    ]
    external = profile(chargingProfilePurpose="ChargingStationExternalConstraints")
    assert shown(validate_document({"evseId": 0, "chargingProfile": external})) == [
        "S2: chargingProfile: Rejected, InvalidProfile: K01.FR.22: a CSMS may not set "
        "ChargingStationExternalConstraints"
    ]
    relative = profile(chargingProfileKind="Relative")
    assert shown(validate_document(relative)) == [
        "S3: Rejected, InvalidProfile: K01.FR.41: a Relative profile has no startSchedule"
    ]


def test_s04_e1_validate_schedules() -> None:
    two = profile(chargingSchedule=periods({"startPeriod": 0, "limit": 8}) * 2)
    assert shown(validate_document({"evseId": 0, "chargingProfile": two})) == [
        "E1: chargingProfile: Rejected, InvalidSchedule: K01.FR.34: 2 chargingSchedules outside ISO 15118 (E1)"
    ]
    unordered = profile(chargingSchedule=periods({"startPeriod": 0, "limit": 8}, {"startPeriod": 0, "limit": 6}))
    assert shown(validate_document({"evseId": 0, "chargingProfile": unordered})) == [
        "S4: chargingProfile: Rejected, InvalidSchedule: R4: chargingSchedulePeriod[1].startPeriod 0 is not after 0"
    ]


def test_s05_validate_transaction_ids() -> None:
    tx = profile(chargingProfilePurpose="TxProfile")
    assert shown(validate_document({"evseId": 1, "chargingProfile": tx})) == [
        "S5: chargingProfile: Rejected, MissingParam: K01.FR.03: a TxProfile needs a transactionId"
    ]
    # without a state, the transaction a TxProfile names runs on its EVSE; on a state it must be there
    named = {"evseId": 1, "chargingProfile": {**tx, "transactionId": "TX-1"}}
    assert validate_document(named) == []
    running = station({"startTransaction": {"evseId": 2, "transactionId": "tx-1"}})
    assert shown(validate_document(named, running)) == [
        "S5: chargingProfile: Rejected, TxNotFound: K01.FR.33: transaction 'TX-1' is not running on evseId 1"
    ]
    assert validate_document({**named, "evseId": 2}, running) == []  # compared ignoring case (S5)


def test_s06_validate_every_configured_limit_besides_another_problem() -> None:
    schedule = periods(*({"startPeriod": 60 * i, "limit": 1000, "numberPhases": 1} for i in range(3)), unit="W")
    payload = {"evseId": 1, "chargingProfile": profile(stackLevel=4, chargingProfileKind="Relative",
                                                       chargingSchedule=schedule)}  # fmt: skip
    assert shown(validate_document(payload, station())) == [
        "S3: chargingProfile: Rejected, InvalidProfile: K01.FR.41: a Relative profile has no startSchedule",
        "S6: chargingProfile: Rejected, UnsupportedRateUnit: K01.FR.26: unit W is not in A",
        "S6: chargingProfile: Rejected, InvalidStackLevel: S6: stackLevel 4 is not 0..3 (ProfileStackLevel)",
        "S6: chargingProfile: Rejected, InvalidSchedule: S6: 3 periods exceed PeriodsPerSchedule 2",
    ]


def test_s06_validate_a_full_station() -> None:
    full = copy.deepcopy(CONFIG)
    full["maxChargingProfilesInstalled"] = 1
    script = {"ocppVersion": "2.0.1", "config": full, "events": [{"at": T0, **set_profile(2, profile())}]}
    state = replay_script(script).state
    assert shown(validate_document({"evseId": 1, "chargingProfile": profile(id=2)}, state)) == [
        "S6: chargingProfile: Rejected, TooManyElements: S6: 1 profiles installed, the maximum"
    ]


def test_e02_s07_s08_validate_conflicts_with_installed_profiles() -> None:
    state = station(
        set_profile(2, profile(validTo="2026-03-03T00:00:00Z")),
        {"at": T0, "externalConstraints": {"evseId": 0, "chargingLimitSource": "EMS", "chargingProfile": profile(
            id=-1, chargingProfilePurpose="ChargingStationExternalConstraints")}},
    )  # fmt: skip
    overlapping = {"evseId": 2, "chargingProfile": profile(id=2, validFrom="2026-03-02T12:00:00Z")}
    assert shown(validate_document(overlapping, state)) == [
        "E2: chargingProfile: Rejected, DuplicateProfile: K01.FR.06: same purpose and stackLevel on this EVSE, "
        "validity overlapping (profile 1)"
    ]
    touching = {"evseId": 2, "chargingProfile": profile(id=2, validFrom="2026-03-03T00:00:00Z")}
    assert validate_document(touching, state) == []
    on_evse_0 = {"evseId": 0, "chargingProfile": profile(id=2)}
    assert shown(validate_document(on_evse_0, state)) == [
        "S8: chargingProfile: Rejected, DuplicateProfile: K01.FR.52: an EVSE has a TxDefaultProfile at this "
        "stackLevel (profile 1)"
    ]
    external_id = {"evseId": 2, "chargingProfile": profile(id=-1, stackLevel=1)}
    assert shown(validate_document(external_id, state)) == [
        "S7: chargingProfile: Rejected, DuplicateProfile: S7: id -1 belongs to a profile set by another party"
    ]


def test_s09_e3_validate_phases() -> None:
    three = profile(chargingSchedule=periods({"startPeriod": 0, "limit": 16}))  # absent numberPhases: 3
    assert shown(validate_document({"evseId": 1, "chargingProfile": three}, station())) == [
        "E3: chargingProfile: Rejected, InvalidSchedule: E3: numberPhases 3 exceeds the 1 phase(s) evseId 1 supplies"
    ]
    phase = profile(chargingSchedule=periods({"startPeriod": 0, "limit": 16, "numberPhases": 1, "phaseToUse": 2}))
    assert shown(validate_document({"evseId": 1, "chargingProfile": phase}, station())) == [
        "S9: chargingProfile: Rejected, InvalidSchedule: K01.FR.48: phaseToUse needs an EVSE that switches phases"
    ]
    assert validate_document({"evseId": 2, "chargingProfile": phase}, station()) == []
    # without a state the EVSEs switch phases, so only the payload's own phase problems show
    assert validate_document({"evseId": 1, "chargingProfile": phase}) == []
    three_on_one = profile(chargingSchedule=periods({"startPeriod": 0, "limit": 16, "phaseToUse": 2}))
    assert shown(validate_document({"evseId": 1, "chargingProfile": three_on_one})) == [
        "S9: chargingProfile: Rejected, InvalidSchedule: K01.FR.19: phaseToUse needs numberPhases 1"
    ]


def test_e04_validate_a_phase_to_use_conflict() -> None:
    cap = profile(
        id=-1,
        chargingProfilePurpose="ChargingStationExternalConstraints",
        chargingSchedule=periods({"startPeriod": 0, "limit": 16, "numberPhases": 1, "phaseToUse": 1}),
    )
    state = station({"externalConstraints": {"evseId": 2, "chargingLimitSource": "EMS", "chargingProfile": cap}})
    other = profile(chargingSchedule=periods({"startPeriod": 0, "limit": 16, "numberPhases": 1, "phaseToUse": 3}))
    assert shown(validate_document({"evseId": 2, "chargingProfile": other}, state)) == [
        "E4: chargingProfile: Rejected, InvalidSchedule: E4: phaseToUse conflicts with profile -1"
    ]


def test_s10_validate_a_bare_external_constraints_profile_as_the_energy_management_s() -> None:
    external = profile(id=-1, chargingProfilePurpose="ChargingStationExternalConstraints")
    assert validate_document(external) == []
    assert shown(validate_document({**external, "stackLevel": -1})) == [
        "S6: Rejected, InvalidStackLevel: S6: stackLevel -1 is not 0..10 (ProfileStackLevel)"
    ]


# --- saved states and scripts ----------------------------------------------------------------------------------------


def test_s18_validate_a_2_0_1_state_whose_profile_breaks_its_schema() -> None:
    document = state_to_json(station(set_profile(2, profile())), "2.0.1")
    document["profiles"][0]["chargingProfile"]["chargingSchedule"][0]["chargingRateUnit"] = "kW"
    problems = validate_document(document)
    assert [(p.rule, p.where) for p in problems] == [("S18", "")]
    assert "chargingRateUnit" in problems[0].message and "'kW' is not one of W, A" in problems[0].message


def test_e02_s07_validate_a_2_0_1_state_the_rules_could_not_have_built() -> None:
    document = state_to_json(station(set_profile(2, profile())), "2.0.1")
    second = copy.deepcopy(document["profiles"][0])
    second["chargingProfile"]["id"] = 2
    second["installedAt"] = "2026-03-02T10:05:00Z"
    document["profiles"].append(second)
    assert shown(validate_document(document)) == [
        "E2: profile 2 on EVSE 2: Rejected, DuplicateProfile: K01.FR.06: same purpose and stackLevel on this EVSE, "
        "validity overlapping (profile 1)"
    ]
    again = copy.deepcopy(document["profiles"][0])
    again["evseId"] = 0
    again["installedAt"] = "2026-03-02T10:05:00Z"
    document["profiles"][1] = again
    assert shown(validate_document(document)) == ["S7: profile 1 on EVSE 0: would replace profile 1: the same id"]


def test_s13_s18_s06_validate_a_2_0_1_script_reports_refused_calls_with_their_event() -> None:
    events = [
        set_profile(1, profile(stackLevel=5)),
        {"call": "GetCompositeSchedule", "payload": {"evseId": 5, "duration": 60}},
        {"call": "ClearChargingProfile", "payload": {"chargingProfileId": "1"}},
        {"externalConstraints": {"evseId": 0, "chargingLimitSource": "EMS", "chargingProfile": profile(
            id=-1, chargingProfilePurpose="ChargingStationExternalConstraints")}},
        {"call": "RequestStartTransaction", "transactionId": "t1", "payload": {
            "evseId": 3, "remoteStartId": 1, "idToken": {"idToken": "A", "type": "ISO14443"}}},
    ]  # fmt: skip
    script = {"ocppVersion": "2.0.1", "config": CONFIG, "events": [{"at": T0, **e} for e in events]}
    assert shown(validate_document(script)) == [
        "S6: event 0 chargingProfile: Rejected, InvalidStackLevel: S6: stackLevel 5 is not 0..3 (ProfileStackLevel)",
        "S13: event 1: Rejected, UnknownEvse: K08.FR.05: evseId 5 is not 0..2",
        "S18: event 2: CALLERROR TypeConstraintViolation: chargingProfileId must be of type integer, not string",
        "S17: event 4: Rejected, UnknownEvse: S17: evseId 3 is not 1..2",
    ]
    unavailable = {**script, "config": {**CONFIG, "smartChargingAvailable": False}, "events": script["events"][:1]}
    assert shown(validate_document(unavailable)) == [
        "S6: event 0: CALLERROR NotSupported: SetChargingProfile: smart charging is not available (SmartChargingCtrlr)"
    ]


# --- the command line ------------------------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, document: object, name: str = "doc.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return str(path)


def test_s09_validate_command_places_a_2_0_1_payload_on_the_given_state(capsys, tmp_path: Path):
    phase = profile(chargingSchedule=periods({"startPeriod": 0, "limit": 16, "numberPhases": 1, "phaseToUse": 2}))
    payload = write(tmp_path, {"evseId": 1, "chargingProfile": phase})
    state = write(tmp_path, state_to_json(station(), "2.0.1"), "state.json")
    assert run(capsys, "validate", payload) == (0, "no problems (OCPP 2.0.1 payload)\n", "")
    code, out, _ = run(capsys, "validate", payload, "--state", state)
    assert (code, out) == (
        1,
        "S9: chargingProfile: Rejected, InvalidSchedule: K01.FR.48: phaseToUse needs an EVSE that switches phases\n",
    )
    code, out, _ = run(capsys, "validate", payload, "--state", state, "--format", "json")
    assert (code, json.loads(out)) == (
        1,
        {
            "document": "payload",
            "ocppVersion": "2.0.1",
            "problems": [
                {
                    "rule": "S9",
                    "where": "chargingProfile",
                    "message": "Rejected, InvalidSchedule: K01.FR.48: phaseToUse needs an EVSE that switches phases",
                }
            ],
        },
    )


def test_s18_validate_command_on_a_2_0_1_call_frame(capsys, tmp_path: Path):
    frame = [2, "1", "SetChargingProfile", {"evseId": 1, "chargingProfile": profile(stackLevel="0")}]
    code, out, _ = run(capsys, "validate", write(tmp_path, frame))
    assert (code, out) == (1, "S18: chargingProfile.stackLevel: TypeConstraintViolation: must be of type integer, "
                              "not string\n")  # fmt: skip


def test_validate_command_clean_2_0_1_script_and_help(capsys, tmp_path: Path):
    script = write(tmp_path, {"ocppVersion": "2.0.1", "config": CONFIG, "events": [{"at": T0, **set_profile(
        2, profile())}]})  # fmt: skip
    assert run(capsys, "validate", script) == (0, "no problems (OCPP 2.0.1 script)\n", "")
    code, out, _ = run(capsys, "validate", "--help")
    assert code == 0
    assert 'OCPP 2.0.1 documents (SPEC-201) are a payload {"evseId", "chargingProfile"}' in out
    assert "the first (the schema\nreader stops there), S18 with its CALLERROR code" in out
