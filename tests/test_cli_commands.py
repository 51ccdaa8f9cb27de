"""`smartcharge composite`, `limit`, `explain` and `validate` end to end: text and JSON output, SVG, exit codes,
one-line usage errors, time options with any offset and their default (a replay script's last event), and an
example in every `--help`."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from smartcharge.documents.persistence import save_state
from smartcharge.documents.state_document import state_to_json
from smartcharge.tools.cli import load_station, main

EVENING = str(Path(__file__).parent.parent / "docs" / "examples" / "evening.json")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Exit status, standard output and standard error of `smartcharge ARGV` (argparse's exits included)."""
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def saved_state(tmp_path: Path) -> str:
    path = tmp_path / "state.json"
    path.write_text(json.dumps(state_to_json(load_station(EVENING))))
    return str(path)


def write(tmp_path: Path, document: object, name: str = "doc.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return str(path)


# --- composite ---------------------------------------------------------------------------------------------------


def test_r31_composite_json_is_the_get_composite_schedule_answer_with_offset_times(capsys):
    code, out, _ = run(
        capsys, "composite", EVENING, "--connector", "1", "--start", "2026-01-08T17:00:00+01:00",
        "--duration", "7200", "--format", "json",
    )  # fmt: skip
    assert code == 0
    assert json.loads(out) == {
        "status": "Accepted",
        "connectorId": 1,
        "scheduleStart": "2026-01-08T16:00:00Z",
        "chargingSchedule": {
            "duration": 7200,
            "chargingRateUnit": "A",
            "chargingSchedulePeriod": [
                {"startPeriod": 0, "limit": 15.9, "numberPhases": 3},
                {"startPeriod": 1800, "limit": 24.0, "numberPhases": 3},
                {"startPeriod": 3600, "limit": 20.0, "numberPhases": 3},
            ],
        },
    }


def test_composite_text_has_table_and_chart_and_defaults_to_the_scripts_last_event(capsys):
    code, out, _ = run(capsys, "composite", EVENING, "--connector", "1", "--duration", "3600", "--unit", "W")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Composite schedule of connector 1 from 2026-01-08T16:30:05Z for 3600 s, in W"
    assert "16:30:05Z 17:00:00Z     16560.0 W  3" in lines
    assert any(line.endswith("17:30:05Z") for line in lines)  # the chart's time axis
    assert any("█" in line for line in lines)


def test_composite_svg_parses(capsys):
    code, out, _ = run(capsys, "composite", EVENING, "--connector", "0", "--duration", "3600", "--format", "svg")
    assert code == 0
    assert ET.fromstring(out).tag == "{http://www.w3.org/2000/svg}svg"


def test_a_saved_state_needs_a_start(capsys, saved_state):
    code, out, err = run(capsys, "composite", saved_state, "--connector", "1", "--duration", "60")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "--start is required" in err


def test_a_file_written_by_save_state_is_read_by_every_command_and_a_tampered_one_refused(capsys, tmp_path):
    path = tmp_path / "saved.json"
    save_state(path, load_station(EVENING))
    argv = ["--connector", "1", "--start", "2026-01-08T17:00:00+01:00", "--duration", "7200", "--format", "json"]
    assert run(capsys, "composite", EVENING, *argv)[:2] == run(capsys, "composite", str(path), *argv)[:2]
    document = json.loads(path.read_text())
    document["state"]["profiles"] = []
    code, out, err = run(capsys, "composite", write(tmp_path, document), *argv)
    assert (code, out) == (2, "") and "checksum mismatch" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--connector", "9", "--duration", "60"], "outlet_id 9"),
        (["--connector", "1", "--duration", "-1"], "--duration"),
        (["--connector", "1", "--duration", "60", "--start", "2026-01-08T10:00:00"], "no UTC offset"),
        (["--connector", "1", "--duration", "60", "--start", "tomorrow"], "--start 'tomorrow'"),
        (["--connector", "x", "--duration", "60"], "--connector"),
        (["--duration", "60"], "--connector"),
        (["--connector", "1", "--duration", "60", "--unit", "kW"], "--unit"),
    ],
)
def test_usage_errors_are_one_line_on_stderr_with_exit_2(capsys, argv, message):
    code, out, err = run(capsys, "composite", EVENING, *argv)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and message in err and err.startswith("smartcharge composite: ")


def test_an_unreadable_file_exits_2(capsys, tmp_path):
    code, _, err = run(capsys, "composite", str(tmp_path / "missing.json"), "--connector", "1", "--duration", "1")
    assert code == 2 and "cannot read" in err and err.count("\n") == 1


# --- limit -------------------------------------------------------------------------------------------------------


def test_limit_text_and_json_name_the_profiles_that_produced_it(capsys):
    code, out, _ = run(capsys, "limit", EVENING, "--connector", "1", "--at", "2026-01-08T18:15:00+01:00")
    assert code == 0
    assert out.splitlines() == [
        "Connector 1 at 2026-01-08T17:15:00Z: 20 A on 3 phases",
        "  ChargePointMaxProfile 1 (stack level 0, on connector 0): 20 A, 3 phases",
        "  TxProfile 4 (stack level 0, on connector 1): 24 A, 3 phases",
    ]
    code, out, _ = run(capsys, "limit", EVENING, "--connector", "2", "--unit", "W", "--format", "json")
    answer = json.loads(out)
    assert (code, answer["at"], answer["unit"], answer["limit"]) == (0, "2026-01-08T16:30:05Z", "W", 11000.0)
    assert [s["profileId"] for s in answer["sources"]] == [1, 2]


def test_limit_without_profiles_reports_the_hardware_maximum(capsys, tmp_path):
    empty = write(tmp_path, {"config": {"connectorCount": 1}, "events": []})
    code, out, _ = run(capsys, "limit", empty, "--connector", "1", "--at", "2026-01-08T10:00:00Z", "--format", "json")
    answer = json.loads(out)
    assert (code, answer["limit"], answer["effectiveLimit"], answer["sources"]) == (0, None, 32.0, [])


# --- explain -----------------------------------------------------------------------------------------------------


def test_explain_json_lists_governing_and_overridden_profiles(capsys):
    code, out, _ = run(
        capsys, "explain", EVENING, "--connector", "1", "--start", "2026-01-08T16:00:00Z", "--duration", "21600",
        "--format", "json",
    )  # fmt: skip
    assert code == 0
    document = json.loads(out)
    spans = [(i["start"][11:16], i["end"][11:16], i["limit"]) for i in document["intervals"]]
    assert spans == [
        ("16:00", "16:30", pytest.approx(15.942, abs=1e-3)),
        ("16:30", "17:00", 24.0),
        ("17:00", "18:00", 20.0),
        ("18:00", "20:00", 16.0),
        ("20:00", "21:00", 16.0),
        ("21:00", "22:00", pytest.approx(15.942, abs=1e-3)),
    ]
    cap_binds = document["intervals"][2]
    assert [(g["profileId"], g["binds"]) for g in cap_binds["governing"]] == [(1, True), (4, False)]
    assert [o["profileId"] for o in cap_binds["overridden"]] == [2]
    assert "TxProfile 4" in cap_binds["overridden"][0]["reason"]


def test_d10_explain_says_the_connector_specific_profile_governs_on_equal_stack_level(capsys, tmp_path):
    def default(profile_id: int, outlet_id: int, limit: float) -> dict:
        return {
            "at": "2026-01-08T09:00:00Z",
            "call": "SetChargingProfile",
            "payload": {"connectorId": outlet_id, "csChargingProfiles": {
                "chargingProfileId": profile_id, "stackLevel": 2, "chargingProfilePurpose": "TxDefaultProfile",
                "chargingProfileKind": "Relative",
                "chargingSchedule": {"chargingRateUnit": "A", "chargingSchedulePeriod": [{"startPeriod": 0,
                                                                                          "limit": limit}]}}},
        }  # fmt: skip

    script = write(tmp_path, {"config": {"connectorCount": 2}, "events": [default(1, 0, 10), default(2, 1, 20)]})
    code, out, _ = run(capsys, "explain", script, "--connector", "1", "--duration", "60")
    assert code == 0
    assert "sets the limit    TxDefaultProfile 2 (stack level 2, on connector 1): 20 A" in out
    assert "overridden        TxDefaultProfile 1 (stack level 2, on connector 0): 10 A, 3 phases: by profile 2: " in out
    assert "(D10)" in out


# --- validate ----------------------------------------------------------------------------------------------------

BAD_PAYLOAD = {
    "connectorId": 1,
    "csChargingProfiles": {
        "chargingProfileId": 3,
        "stackLevel": 2,
        "chargingProfilePurpose": "TxProfile",
        "chargingProfileKind": "Absolute",
        "validFrom": "2026-01-08T10:00:00",
        "chargingSchedule": {
            "chargingRateUnit": "kW",
            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": -1}, {"startPeriod": 60, "limit": 6}],
        },
    },
}


def test_validate_lists_every_problem_with_its_rule_and_exits_1(capsys, tmp_path):
    code, out, _ = run(capsys, "validate", write(tmp_path, BAD_PAYLOAD))
    assert code == 1
    assert out.splitlines() == [
        "R5: csChargingProfiles.validFrom: FormatViolation: is not an ISO 8601 timestamp with UTC offset: "
        "timestamp '2026-01-08T10:00:00' 2026-01-08T10:00:00 has no UTC offset; pass an aware datetime "
        "(e.g. datetime(..., tzinfo=timezone.utc))",
        "R14: csChargingProfiles.chargingSchedule.chargingRateUnit: PropertyConstraintViolation: 'kW' is not one "
        "of A, W",
        "R4: csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0]: limit -1.0 is negative",
    ]
    code, out, _ = run(capsys, "validate", write(tmp_path, [2, "19223201", "SetChargingProfile", BAD_PAYLOAD]),
                       "--format", "json")  # fmt: skip
    answer = json.loads(out)
    assert (code, answer["document"]) == (1, "payload")
    assert [p["rule"] for p in answer["problems"]] == ["R5", "R14", "R4"]


def test_validate_prints_every_problem_of_one_profile(capsys, tmp_path):
    profile = dict(BAD_PAYLOAD["csChargingProfiles"], stackLevel=12, validTo="2026-01-01T00:00:00Z")
    profile["chargingSchedule"] = {
        "chargingRateUnit": "A",
        "duration": -60,
        "minChargingRate": -1,
        "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 6}],
    }
    del profile["validFrom"]
    profile["chargingProfileKind"] = "Recurring"
    code, out, _ = run(capsys, "validate", write(tmp_path, {"connectorId": 1, "csChargingProfiles": profile}))
    assert code == 1
    assert out.splitlines() == [
        "R4: csChargingProfiles.chargingSchedule: duration -60 is below 0",
        "R4: csChargingProfiles.chargingSchedule: minChargingRate -1.0 is negative",
        "R11: csChargingProfiles: a Recurring profile needs recurrencyKind (Daily or Weekly)",
        "R12: csChargingProfiles: a Recurring profile needs chargingSchedule.startSchedule (D4)",
        "R10: csChargingProfiles: stackLevel 12 exceeds ChargeProfileMaxStackLevel 10",
    ]


def test_validate_places_a_payload_on_the_given_state(capsys, tmp_path, saved_state):
    schedule = {"chargingRateUnit": "A", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 6}]}
    profile = {
        "chargingProfileId": 9,
        "stackLevel": 0,
        "chargingProfilePurpose": "TxProfile",
        "chargingProfileKind": "Relative",
        "chargingSchedule": schedule,
    }
    payload = {"connectorId": 2, "csChargingProfiles": profile}
    path = write(tmp_path, payload)
    assert run(capsys, "validate", path)[0] == 0  # on a stand-in charge point with a transaction on connector 2
    code, out, _ = run(capsys, "validate", path, "--state", saved_state)
    assert code == 1
    assert out == "R9: csChargingProfiles: a TxProfile needs an active transaction, and outlet 2 has none\n"


def test_validate_a_script_reports_rejected_calls_with_their_event(capsys, tmp_path):
    script = {
        "config": {"connectorCount": 1, "chargeProfileMaxStackLevel": 3},
        "events": [
            {"at": "2026-01-08T09:00:00Z", "call": "SetChargingProfile", "payload": {"connectorId": 1,
             "csChargingProfiles": {"chargingProfileId": 1, "stackLevel": 5, "chargingProfilePurpose":
             "TxDefaultProfile", "chargingProfileKind": "Relative", "chargingSchedule": {"chargingRateUnit": "A",
             "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 6}]}}}},
            {"at": "2026-01-08T09:00:00Z", "call": "GetCompositeSchedule", "payload": {"connectorId": 2,
                                                                                       "duration": 60}},
            {"at": "2026-01-08T09:00:00Z", "call": "ClearChargingProfile", "payload": {"id": "one"}},
        ],
    }  # fmt: skip
    code, out, _ = run(capsys, "validate", write(tmp_path, script))
    assert code == 1
    assert out.splitlines() == [
        "R10: event 0 csChargingProfiles: stackLevel 5 exceeds ChargeProfileMaxStackLevel 3",
        "R30: event 1: Rejected: connectorId 2 is not 0..1",
        "R14: event 2: ClearChargingProfile answered {'code': 'FormatViolation', 'description': 'id must be an "
        "integer, not string'}",
    ]


def test_validate_clean_documents_exit_0(capsys, saved_state):
    assert run(capsys, "validate", EVENING) == (0, "no problems (script)\n", "")
    assert run(capsys, "validate", saved_state)[:2] == (0, "no problems (state)\n")


def test_validate_a_state_that_no_install_could_have_built(capsys, tmp_path, saved_state):
    document = json.loads(Path(saved_state).read_text())
    document["transactions"] = []  # profile 4 is a TxProfile: without its transaction it cannot exist (R9, R18)
    code, out, _ = run(capsys, "validate", write(tmp_path, document))
    assert code == 1
    assert out.startswith("R9: profile 4 on connector 1: a TxProfile needs an active transaction")


@pytest.mark.parametrize("content", ["not json", '{"neither": 1}', "[1, 2]"])
def test_validate_unreadable_input_exits_2(capsys, tmp_path, content):
    path = tmp_path / "doc.json"
    path.write_text(content)
    code, out, err = run(capsys, "validate", str(path))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("smartcharge validate: ")


@pytest.mark.parametrize("command", [["replay"], ["validate"], ["composite", "--connector", "1", "--duration", "60"]])
def test_a_document_nested_too_deeply_is_one_error_line_and_exit_2(capsys, tmp_path, command):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    code, out, err = run(capsys, command[0], str(path), *command[1:])
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "nested too deeply" in err


# --- help --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["composite", "limit", "explain", "validate"])
def test_every_command_has_help_with_an_example(capsys, command):
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    assert "example" in out and f"smartcharge {command} " in out.split("example", 1)[1]
