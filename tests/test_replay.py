"""Replaying OCPP 1.6 scripts (DESIGN "The command line") and the `smartcharge` command around it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from builders import profile

from smartcharge import ScriptError
from smartcharge.documents.replay import replay_script
from smartcharge.documents.state_document import state_to_json
from smartcharge.errors import DocumentError, DocumentProblem
from smartcharge.ocpp16 import profile_to_ocpp
from smartcharge.tools.cli import main

TX_DEFAULT = profile_to_ocpp(profile(1, periods=((0, 16.0), (1800, 10.0))))
REMOTE = profile_to_ocpp(profile(9, purpose="TxProfile", kind="Relative", start=None, unit="W", periods=((0, 4000.0),)))
NEGATIVE = {
    **REMOTE,
    "chargingSchedule": {**REMOTE["chargingSchedule"], "chargingSchedulePeriod": [{"startPeriod": 0, "limit": -1}]},
}


def event(at: str, **body: Any) -> dict[str, Any]:
    return {"at": f"2026-01-08T{at}Z", **body}


def script(*events: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"config": {"connectorCount": 2}, "events": list(events), **extra}


SET = event("10:00:00", call="SetChargingProfile", payload={"connectorId": 0, "csChargingProfiles": TX_DEFAULT})
GET = event(
    "10:00:00", call="GetCompositeSchedule", payload={"connectorId": 1, "duration": 3600, "chargingRateUnit": "A"}
)


def test_answers_every_call_in_order_and_keeps_the_state() -> None:
    result = replay_script(
        script(
            SET,
            GET,
            event("10:01:00", startTransaction={"connectorId": 2, "transactionId": 77, "chargingProfile": REMOTE}),
            event("10:01:00", call="SetChargingProfile", payload={"connectorId": 5, "csChargingProfiles": TX_DEFAULT}),
            event("10:02:00", stopTransaction={"transactionId": 77}),
            event("10:02:00", call="ClearChargingProfile", payload={"id": 9}),
        )
    )
    assert [a["call"] for a in result.answers] == [
        "SetChargingProfile",
        "GetCompositeSchedule",
        "SetChargingProfile",
        "ClearChargingProfile",
    ]
    assert result.answers[0] == {"call": "SetChargingProfile", "response": {"status": "Accepted"}}
    assert result.answers[1]["response"]["chargingSchedule"]["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 16.0, "numberPhases": 3},
        {"startPeriod": 1800, "limit": 10.0, "numberPhases": 3},
    ]
    assert result.answers[2]["error"]["code"] == "PropertyConstraintViolation"
    assert set(result.answers[2]["error"]) == {"code", "description"}
    assert result.answers[3] == {"call": "ClearChargingProfile", "response": {"status": "Unknown"}}  # R18
    assert [ip.profile.charging_profile_id for ip in result.state.profiles] == [1]
    assert result.state.transactions == ()


def test_r19_remote_start_profile_binds_to_the_new_transaction() -> None:
    result = replay_script(
        script(event("10:00:00", startTransaction={"connectorId": 1, "transactionId": 5, "chargingProfile": REMOTE}))
    )
    assert result.answers == ()
    assert result.state.profiles[0].profile.transaction_id == 5
    assert result.state.transactions[0].transaction_id == 5


def test_config_is_optional_and_scenario_keys_are_ignored() -> None:
    result = replay_script({"name": "n", "about": "a", "expected": [], "events": [GET]})
    assert result.state.config.outlet_count == 1
    assert result.answers[0]["response"]["status"] == "Accepted"


def test_a_saved_state_can_start_the_script() -> None:
    first = replay_script(script(SET))
    second = replay_script({"state": state_to_json(first.state), "events": [GET]})
    assert second.state == first.state
    assert second.answers[0]["response"]["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"] == 16.0


def test_equal_times_are_allowed() -> None:
    assert len(replay_script(script(SET, SET, GET)).answers) == 3


def test_time_with_offset_and_fraction_is_the_receipt_time() -> None:
    late = dict(GET, at="2026-01-08T11:00:30.900+01:00")
    answer = replay_script(script(late)).answers[0]
    assert answer["response"]["scheduleStart"] == "2026-01-08T10:00:30Z"


@pytest.mark.parametrize(
    ("events", "index", "words"),
    [
        ([SET, {"at": "2026-01-08T10:00:00Z", "meterValues": {}}], 1, "exactly one"),
        ([SET, GET, dict(GET, stopTransaction={"transactionId": 1})], 2, "exactly one"),
        ([dict(SET, payload2={})], 0, "payload2"),
        ([dict(SET, call="GetChargingProfiles")], 0, "GetChargingProfiles"),  # a 2.0.1 call in a 1.6 script
        ([dict(SET, call="RemoteStartTransaction")], 0, "transactionId is required"),
        ([{"at": "2026-01-08T10:00:00Z", "call": "GetCompositeSchedule"}], 0, "payload"),
        ([SET, {"call": "ClearChargingProfile", "payload": {}}], 1, "at"),
        ([SET, dict(GET, at="tomorrow")], 1, "at"),
        ([dict(SET, at="2026-01-08T10:00:00")], 0, "at"),
        ([dict(SET, at=1767866400)], 0, "at"),
        ([event("10:00:01", **{"call": "ClearChargingProfile", "payload": {}}), SET], 1, "earlier"),
        ([SET, event("10:00:00", startTransaction={"connectorId": 3, "transactionId": 1})], 1, "outlet 3"),
        ([event("10:00:00", startTransaction={"connectorId": 1})], 0, "transactionId"),
        ([event("10:00:00", startTransaction={"connectorId": 1, "transactionId": "7"})], 0, "transactionId"),
        ([event("10:00:00", stopTransaction={"transactionId": 7})], 0, "transaction 7"),
        ([event("10:00:00", stopTransaction=[7])], 0, "stopTransaction"),
        (
            [event("10:00:00", startTransaction={"connectorId": 1, "transactionId": 7, "chargingProfile": TX_DEFAULT})],
            0,
            "TxProfile",
        ),
        (
            [event("10:00:00", startTransaction={"connectorId": 1, "transactionId": 7, "chargingProfile": {}})],
            0,
            "chargingProfileId",
        ),
        (
            [event("10:00:00", startTransaction={"connectorId": 1, "transactionId": 7, "chargingProfile": NEGATIVE})],
            0,
            "R4",
        ),
        ([SET, "SetChargingProfile"], 1, "object"),
    ],
    ids=lambda x: x if isinstance(x, str) else None,
)
def test_bad_event_is_a_script_error_naming_its_index(events: list[Any], index: int, words: str) -> None:
    with pytest.raises(ScriptError) as info:
        replay_script(script(*events))
    assert info.value.index == index
    assert f"event {index}" in str(info.value)
    assert words in info.value.message


def test_a_malformed_event_field_is_a_script_error_caused_by_its_document_error() -> None:
    started = event("10:00:00", startTransaction={"connectorId": 1, "transactionId": 7, "chargingProfile": []})
    with pytest.raises(ScriptError) as info:
        replay_script(script(SET, started))
    cause = info.value.__cause__
    assert isinstance(cause, DocumentError)
    assert (cause.path, cause.problem) == ("startTransaction.chargingProfile", DocumentProblem.WRONG_TYPE)
    assert info.value.index == 1
    assert info.value.message == "startTransaction.chargingProfile must be an object, not array"


@pytest.mark.parametrize(
    ("document", "words"),
    [
        ([], "JSON object"),
        ({"config": {}}, "events"),
        ({"events": {}}, "events"),
        ({"events": [], "evnets": []}, "evnets"),
        ({"events": [], "config": {"connectorCount": "2"}}, "connectorCount"),
        ({"events": [], "config": {}, "state": {}}, "not both"),
        ({"events": [], "state": {"format": "x"}}, "format"),
    ],
    ids=repr,
)
def test_bad_script_is_a_script_error_without_index(document: Any, words: str) -> None:
    with pytest.raises(ScriptError) as info:
        replay_script(document)
    assert info.value.index is None
    assert words in str(info.value)


# --- the command line ---------------------------------------------------------------------------------------


def write(tmp_path: Path, document: Any) -> str:
    path = tmp_path / "script.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def test_cli_replay_json_prints_one_answer_a_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", write(tmp_path, script(SET, GET)), "--format", "json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line) for line in lines] == list(replay_script(script(SET, GET)).answers)


def test_cli_replay_text_is_readable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = dict(SET, payload={"connectorId": 9, "csChargingProfiles": TX_DEFAULT})
    assert main(["replay", write(tmp_path, script(SET, GET, bad))]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "SetChargingProfile: Accepted",
        "GetCompositeSchedule: Accepted, connector 1 from 2026-01-08T10:00:00Z for 3600 s: "
        "+0 s 16.0 A (3 phases), +1800 s 10.0 A (3 phases)",
        "SetChargingProfile: CALLERROR PropertyConstraintViolation (connectorId 9 is not 0..2)",
    ]


def test_cli_bad_script_exits_2_naming_the_event(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, script(SET, GET, dict(GET, at="2026-01-08T09:00:00Z")))
    assert main(["replay", path]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert "event 2" in captured.err and "earlier" in captured.err


@pytest.mark.parametrize("content", ["{not json", None])
def test_cli_unreadable_script_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None) -> None:
    path = tmp_path / "script.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["replay", str(path)]) == 2
    assert "script.json" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--help"], ["replay", "--help"], ["demo", "--help"], ["simulate", "--help"]])
def test_cli_help_everywhere_with_an_example(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 0
    assert "example" in capsys.readouterr().out


def test_python_m_smartcharge_runs_the_command(tmp_path: Path) -> None:
    path = write(tmp_path, script(SET, dict(GET, at="bad")))
    proc = subprocess.run([sys.executable, "-m", "smartcharge", "replay", path], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "event 1" in proc.stderr


# --- OCPP 2.0.1 scripts (SPEC-201 "Replay scripts") -----------------------------------------------------------------


def script201(*events: dict[str, Any]) -> dict[str, Any]:
    return {"ocppVersion": "2.0.1", "config": {"evseCount": 2}, "events": list(events)}


def test_s05_a_started_transaction_id_has_at_most_36_characters() -> None:
    """S5: transaction ids are identifierStrings of at most 36 characters; a startTransaction event naming a longer
    one is a script error, as RequestStartTransaction's transactionId is (no TxProfile could ever name it)."""
    longest = event("10:00:00", startTransaction={"evseId": 1, "transactionId": "x" * 36})
    assert replay_script(script201(longest)).state.transaction_on(1) is not None
    with pytest.raises(ScriptError) as info:
        replay_script(script201(event("10:00:00", startTransaction={"evseId": 1, "transactionId": "x" * 37})))
    assert info.value.index == 0
    assert "37 characters" in info.value.message


def test_remote_stop_calls_end_the_transaction_they_name_in_both_versions() -> None:
    """RemoteStopTransaction (1.6, §5.12) and RequestStopTransaction (2.0.1, F03.FR.07/08) replay as calls:
    Accepted ends the transaction, a second stop of it is Rejected."""
    at = "2026-01-08T10:00:00Z"
    script16 = {
        "config": {"connectorCount": 2},
        "events": [
            {
                "at": at,
                "call": "RemoteStartTransaction",
                "payload": {"idTag": "T", "connectorId": 2},
                "transactionId": 7,
            },
            {"at": at, "call": "RemoteStopTransaction", "payload": {"transactionId": 7}},
            {"at": at, "call": "RemoteStopTransaction", "payload": {"transactionId": 7}},
            {"at": at, "call": "RemoteStopTransaction", "payload": {"transactionId": "7"}},
        ],
    }
    result = replay_script(script16)
    assert [a.get("response", a.get("error")) for a in result.answers] == [
        {"status": "Accepted"},
        {"status": "Accepted"},
        {"status": "Rejected"},
        {"code": "FormatViolation", "description": "transactionId must be an integer, not string"},
    ]
    assert result.state.transactions == ()
    script201 = {
        "ocppVersion": "2.0.1",
        "events": [
            {
                "at": at,
                "call": "RequestStartTransaction",
                "payload": {"idToken": {"idToken": "T", "type": "Central"}, "remoteStartId": 1, "evseId": 1},
                "transactionId": "Tx-1",
            },
            {"at": at, "call": "RequestStopTransaction", "payload": {"transactionId": "tX-1"}},
            {"at": at, "call": "RequestStopTransaction", "payload": {"transactionId": "Tx-1"}},
        ],
    }
    result = replay_script(script201)
    assert [a["response"]["status"] for a in result.answers] == ["Accepted", "Accepted", "Rejected"]
    assert result.state.transactions == ()
