"""`smartcharge replay`, `composite`, `limit` and `explain` on OCPP 2.0.1 documents (SPEC-201): replay scripts and
saved states with ``"ocppVersion": "2.0.1"`` are answered in 2.0.1's words ("EVSE", ``evseId``, the 2.0.1
GetCompositeSchedule answer of S13/E6), external constraints on an EVSE (S10, E5), a DC EVSE without phases
(K01.FR.44) and phaseToUse (S9); ``--evse`` is another name for ``--connector``. 1.6 documents keep their words
(test_cli_commands.py)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from smartcharge.documents.state_document import state_to_json
from smartcharge.tools.cli import load_station, main

T0 = "2026-03-02T10:00:00Z"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit status, standard output and standard error of `smartcharge ARGV` (argparse's exits included)."""
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def schedule(unit: str, *periods: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"id": 1, "startSchedule": T0, "chargingRateUnit": unit, "chargingSchedulePeriod": list(periods)}]


def tx_default(profile_id: int, unit: str, *periods: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": profile_id,
        "stackLevel": 0,
        "chargingProfilePurpose": "TxDefaultProfile",
        "chargingProfileKind": "Absolute",
        "chargingSchedule": schedule(unit, *periods),
    }


#: EVSE 1: AC, three phases, switching phases, an EMS limit of 16 A on it (E5) and a TxDefaultProfile of 10 A on
#: phase 2 for 30 minutes, then 24 A on three phases. EVSE 2: DC, 100 A, a TxDefaultProfile of 11.5 kW (50 A at
#: 230 V, K01.FR.44).
SCRIPT: dict[str, Any] = {
    "ocppVersion": "2.0.1",
    "config": {
        "evseCount": 2,
        "voltage": 230,
        "evses": [
            {"id": 1, "supplyPhases": 3, "maxCurrent": 32, "acPhaseSwitchingSupported": True},
            {"id": 2, "supplyPhases": 0, "maxCurrent": 100},
        ],
    },
    "events": [
        {
            "at": T0,
            "externalConstraints": {
                "evseId": 1,
                "chargingLimitSource": "EMS",
                "chargingProfile": {
                    "id": -1,
                    "stackLevel": 0,
                    "chargingProfilePurpose": "ChargingStationExternalConstraints",
                    "chargingProfileKind": "Absolute",
                    "chargingSchedule": schedule("A", {"startPeriod": 0, "limit": 16}),
                },
            },
        },
        {
            "at": T0,
            "call": "SetChargingProfile",
            "payload": {
                "evseId": 1,
                "chargingProfile": tx_default(
                    1,
                    "A",
                    {"startPeriod": 0, "limit": 10, "numberPhases": 1, "phaseToUse": 2},
                    {"startPeriod": 1800, "limit": 24},
                ),
            },
        },
        {
            "at": T0,
            "call": "SetChargingProfile",
            "payload": {"evseId": 2, "chargingProfile": tx_default(2, "W", {"startPeriod": 0, "limit": 11500})},
        },
    ],
}


@pytest.fixture
def script(tmp_path: Path) -> str:
    path = tmp_path / "script201.json"
    path.write_text(json.dumps(SCRIPT))
    return str(path)


@pytest.fixture
def saved_state(tmp_path: Path, script: str) -> str:
    path = tmp_path / "state201.json"
    path.write_text(json.dumps(state_to_json(load_station(script), "2.0.1")))
    return str(path)


# --- replay ----------------------------------------------------------------------------------------------------


def test_s10_replay_text_shows_what_the_station_sends_and_e9_reason_codes(capsys, tmp_path: Path):
    rejected = {"evseId": 2, "chargingProfile": tx_default(3, "A", {"startPeriod": 0, "limit": 8, "phaseToUse": 1})}
    events = [
        *SCRIPT["events"],
        {"at": T0, "call": "SetChargingProfile", "payload": rejected},
        {"at": T0, "call": "GetCompositeSchedule", "payload": {"evseId": 2, "duration": 60, "chargingRateUnit": "A"}},
        {"at": T0, "call": "GetCompositeSchedule", "payload": {"evseId": 1, "duration": 60, "chargingRateUnit": "A"}},
        {"at": T0, "call": "GetCompositeSchedule", "payload": {"evseId": 3, "duration": 60}},
        {"at": T0, "call": "GetCompositeSchedule", "payload": {"evseId": "1", "duration": 60}},
    ]
    path = tmp_path / "replay.json"
    path.write_text(json.dumps({**SCRIPT, "events": events}))
    code, out, _ = run(capsys, "replay", str(path))
    assert code == 0
    assert out.splitlines() == [
        'sent NotifyChargingLimit: {"chargingLimit":{"chargingLimitSource":"EMS"},"evseId":1}',
        "SetChargingProfile: Accepted",
        "SetChargingProfile: Accepted",
        "SetChargingProfile: Rejected (DuplicateProfile: K01.FR.06: same purpose and stackLevel on this EVSE, "
        "validity overlapping (profile 2))",
        "GetCompositeSchedule: Accepted, EVSE 2 from 2026-03-02T10:00:00Z for 60 s: +0 s 50.0 A",
        "GetCompositeSchedule: Accepted, EVSE 1 from 2026-03-02T10:00:00Z for 60 s: "
        "+0 s 10.0 A (1 phase, phaseToUse 2)",
        "GetCompositeSchedule: Rejected (UnknownEvse: K08.FR.05: evseId 3 is not 0..2)",
        "GetCompositeSchedule: CALLERROR TypeConstraintViolation (evseId must be of type integer, not string)",
    ]


def test_replay_help_says_2_0_1_scripts_are_accepted(capsys):
    code, out, _ = run(capsys, "replay", "--help")
    assert code == 0
    assert "Replay OCPP 1.6 or 2.0.1 messages" in out
    assert '"ocppVersion" ("1.6", the default, or "2.0.1")' in out


# --- composite ----------------------------------------------------------------------------------------------------


def test_s13_composite_json_is_the_2_0_1_answer_with_phase_to_use(capsys, script: str):
    code, out, _ = run(capsys, "composite", script, "--evse", "1", "--duration", "3600", "--format", "json")
    assert code == 0
    assert json.loads(out) == {
        "status": "Accepted",
        "schedule": {
            "evseId": 1,
            "duration": 3600,
            "scheduleStart": T0,
            "chargingRateUnit": "A",
            "chargingSchedulePeriod": [
                {"startPeriod": 0, "limit": 10.0, "numberPhases": 1, "phaseToUse": 2},
                {"startPeriod": 1800, "limit": 16.0, "numberPhases": 3},
            ],
        },
    }


def test_e6_composite_json_of_a_dc_evse_has_no_number_phases(capsys, script: str):
    code, out, _ = run(capsys, "composite", script, "--connector", "2", "--duration", "600", "--format", "json")
    assert code == 0
    assert json.loads(out)["schedule"] == {
        "evseId": 2,
        "duration": 600,
        "scheduleStart": T0,
        "chargingRateUnit": "A",
        "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 50.0}],
    }


def test_s12_composite_json_of_evse_0_sums_the_evses_each_capped_by_its_own_external_limit(capsys, script: str):
    code, out, _ = run(capsys, "composite", script, "--evse", "0", "--duration", "3600", "--format", "json")
    assert code == 0
    assert json.loads(out)["schedule"]["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 60.0, "numberPhases": 1},
        {"startPeriod": 1800, "limit": 66.0, "numberPhases": 3},
    ]


def test_composite_text_says_evse_and_dc(capsys, script: str):
    code, out, _ = run(capsys, "composite", script, "--evse", "2", "--duration", "600")
    assert code == 0
    lines = out.splitlines()
    assert lines[:5] == [
        "Composite schedule of EVSE 2 from 2026-03-02T10:00:00Z for 600 s, in A",
        "",
        "     from        to         limit  phases",
        "--------- ---------  ------------  ------",
        "10:00:00Z 10:10:00Z        50.0 A  DC",
    ]
    _, out, _ = run(capsys, "composite", script, "--evse", "1", "--duration", "3600")
    assert out.splitlines()[4:6] == [
        "10:00:00Z 10:30:00Z        10.0 A  1 (phaseToUse 2)",
        "10:30:00Z 11:00:00Z        16.0 A  3",
    ]


def test_composite_on_a_2_0_1_saved_state_answers_as_on_its_script(capsys, script: str, saved_state: str):
    argv = ("--evse", "1", "--start", T0, "--duration", "3600", "--format", "json")
    assert run(capsys, "composite", saved_state, *argv)[1] == run(capsys, "composite", script, *argv)[1]
    _, out, _ = run(capsys, "composite", saved_state, "--evse", "0", "--start", T0, "--duration", "60")
    assert out.splitlines()[0] == "Composite schedule of EVSE 0 from 2026-03-02T10:00:00Z for 60 s, in A"


def test_evse_is_another_name_for_connector(capsys, script: str):
    by_evse = run(capsys, "composite", script, "--evse", "1", "--duration", "600", "--format", "json")
    by_connector = run(capsys, "composite", script, "--connector", "1", "--duration", "600", "--format", "json")
    assert by_evse == by_connector
    for command in ("composite", "limit", "explain", "simulate"):
        code, out, _ = run(capsys, command, "--help")
        assert code == 0 and "--connector ID, --evse ID" in out.replace("ID[,ID...]", "ID")


# --- limit --------------------------------------------------------------------------------------------------------


def test_s09_limit_json_names_the_evse_and_phase_to_use(capsys, script: str):
    code, out, _ = run(capsys, "limit", script, "--evse", "1", "--format", "json")
    assert code == 0
    assert json.loads(out) == {
        "evseId": 1,
        "at": T0,
        "unit": "A",
        "limit": 10.0,
        "numberPhases": 1,
        "phaseToUse": 2,
        "hardwareLimit": 32.0,
        "effectiveLimit": 10.0,
        "sources": [
            {
                "profileId": -1,
                "purpose": "ChargingStationExternalConstraints",
                "stackLevel": 0,
                "evseId": 1,
                "limit": 16.0,
                "unit": "A",
                "numberPhases": 3,
            },
            {
                "profileId": 1,
                "purpose": "TxDefaultProfile",
                "stackLevel": 0,
                "evseId": 1,
                "limit": 10.0,
                "unit": "A",
                "numberPhases": 1,
            },
        ],
    }


def test_limit_json_of_a_dc_evse_has_no_number_phases(capsys, script: str):
    code, out, _ = run(capsys, "limit", script, "--evse", "2", "--unit", "W", "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["limit"] == 11500.0 and "numberPhases" not in document
    assert [sorted(s) for s in document["sources"]] == [
        ["evseId", "limit", "profileId", "purpose", "stackLevel", "unit"]
    ]


def test_s10_limit_text_says_evse(capsys, script: str):
    code, out, _ = run(capsys, "limit", script, "--evse", "1", "--at", "2026-03-02T11:45:00+01:00")
    assert code == 0
    assert out.splitlines() == [
        "EVSE 1 at 2026-03-02T10:45:00Z: 16 A on 3 phases",
        "  ChargingStationExternalConstraints -1 (stack level 0, on EVSE 1): 16 A, 3 phases",
        "  TxDefaultProfile 1 (stack level 0, on EVSE 1): 24 A, 3 phases",
    ]
    code, out, _ = run(capsys, "limit", script, "--evse", "2")
    assert out.splitlines() == [
        "EVSE 2 at 2026-03-02T10:00:00Z: 50 A DC",
        "  TxDefaultProfile 2 (stack level 0, on EVSE 2): 11.5 kW, DC",
    ]


# --- explain ------------------------------------------------------------------------------------------------------


def test_s10_explain_text_of_an_evse_with_external_constraints(capsys, script: str):
    code, out, _ = run(capsys, "explain", script, "--evse", "1", "--duration", "3600")
    assert code == 0
    assert out.splitlines() == [
        "EVSE 1 from 2026-03-02T10:00:00Z to 2026-03-02T11:00:00Z, limits in A (hardware maximum 32 A)",
        "",
        "10:00:00Z - 10:30:00Z  10 A on 1 phase (phaseToUse 2)",
        "  sets the limit    TxDefaultProfile 1 (stack level 0, on EVSE 1): 10 A, 1 phase: the limit (R24, R25)",
        "  caps, not binding ChargingStationExternalConstraints -1 (stack level 0, on EVSE 1): 16 A, 3 phases: "
        "above the Tx limit (R25)",
        "",
        "10:30:00Z - 11:00:00Z  16 A on 3 phases",
        "  sets the limit    ChargingStationExternalConstraints -1 (stack level 0, on EVSE 1): 16 A, 3 phases: "
        "the cap is the limit (R25)",
        "  capped            TxDefaultProfile 1 (stack level 0, on EVSE 1): 24 A, 3 phases: a cap is lower (R25, R26)",
    ]


def test_e5_explain_text_of_evse_0_shows_an_evse_s_own_cap_in_its_share(capsys, script: str):
    code, out, _ = run(capsys, "explain", script, "--evse", "0", "--duration", "3600")
    assert code == 0
    assert out.splitlines() == [
        "EVSE 0 from 2026-03-02T10:00:00Z to 2026-03-02T11:00:00Z, limits in A (hardware maximum 132 A)",
        "",
        "10:00:00Z - 10:30:00Z  60 A on 1 phase",
        "  sets the limit    TxDefaultProfile 1 (stack level 0, on EVSE 1) for EVSE 1: 10 A, 1 phase: "
        "added to the charge point's sum (R27)",
        "  sets the limit    TxDefaultProfile 2 (stack level 0, on EVSE 2) for EVSE 2: 11.5 kW, DC: "
        "added to the charge point's sum (R27)",
        "  caps, not binding ChargingStationExternalConstraints -1 (stack level 0, on EVSE 1) for EVSE 1: 16 A, "
        "3 phases: above its outlet's Tx limit (E5)",
        "",
        "10:30:00Z - 11:00:00Z  66 A on 3 phases",
        "  sets the limit    ChargingStationExternalConstraints -1 (stack level 0, on EVSE 1) for EVSE 1: 16 A, "
        "3 phases: its outlet's share of the sum (E5)",
        "  sets the limit    TxDefaultProfile 2 (stack level 0, on EVSE 2) for EVSE 2: 11.5 kW, DC: "
        "added to the charge point's sum (R27)",
        "  capped            TxDefaultProfile 1 (stack level 0, on EVSE 1) for EVSE 1: 24 A, 3 phases: "
        "added to the sum, but a cap on its outlet is lower (E5)",
    ]


def test_explain_text_of_a_dc_evse_has_no_phases(capsys, script: str):
    code, out, _ = run(capsys, "explain", script, "--evse", "2", "--duration", "3600")
    assert code == 0
    assert out.splitlines()[2:] == [
        "10:00:00Z - 11:00:00Z  50 A DC",
        "  sets the limit    TxDefaultProfile 2 (stack level 0, on EVSE 2): 11.5 kW, DC: the limit (R24, R25)",
    ]


def test_explain_json_names_evses_phase_to_use_and_dc(capsys, script: str):
    code, out, _ = run(capsys, "explain", script, "--evse", "1", "--duration", "3600", "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["evseId"] == 1 and "connectorId" not in document
    first = document["intervals"][0]
    assert (first["limit"], first["numberPhases"], first["phaseToUse"]) == (10.0, 1, 2)
    assert first["governing"][0] == {
        "profileId": 1,
        "purpose": "TxDefaultProfile",
        "stackLevel": 0,
        "evseId": 1,
        "forEvse": 1,
        "limit": 10.0,
        "unit": "A",
        "numberPhases": 1,
        "value": 10.0,
        "binds": True,
        "reason": "the limit (R24, R25)",
    }
    code, out, _ = run(capsys, "explain", script, "--evse", "2", "--duration", "60", "--format", "json")
    document = json.loads(out)
    assert document["dc"] is True
    assert "numberPhases" not in document["intervals"][0]
    assert document["intervals"][0]["governing"][0]["dc"] is True


SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("evse", ["0", "1", "2"])
def test_explain_svg_of_a_2_0_1_script_parses_and_says_evse(capsys, script: str, evse: str):
    code, out, _ = run(capsys, "explain", script, "--evse", evse, "--duration", "3600", "--format", "svg")
    assert code == 0
    root = ET.fromstring(out)
    title = root.find(f"{SVG}title")
    assert title is not None
    what = "the whole charging station" if evse == "0" else f"EVSE {evse}"
    assert title.text == f"Profile stack of {what}, 2026-03-02T10:00:00Z to 2026-03-02T11:00:00Z"
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "connector" not in texts and "charge point" not in texts
    lanes = [g for g in root.iter(f"{SVG}g") if g.get("data-purpose")]
    assert lanes and all(g.get("data-evse") is not None and g.get("data-connector") is None for g in lanes)


def test_e5_explain_svg_of_evse_0_has_a_lane_for_the_external_limit_on_evse_1(capsys, script: str):
    code, out, _ = run(capsys, "composite", script, "--evse", "0", "--duration", "3600", "--format", "svg")
    assert code == 0
    lanes = [
        (g.get("data-purpose"), g.get("data-evse")) for g in ET.fromstring(out).iter(f"{SVG}g") if g.get("data-purpose")
    ]
    assert lanes == [
        ("ChargingStationExternalConstraints", "1"),
        ("TxDefaultProfile", "1"),
        ("TxDefaultProfile", "2"),
    ]
