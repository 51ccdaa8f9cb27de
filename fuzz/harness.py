"""What the fuzzers check, without the fuzzer: `exercise(data)` runs one input and raises on a finding.

An input is UTF-8 JSON text (anything else is skipped). A JSON *array* ``[action, payload]`` (or
``[action, payload, at]``) is sent to that handler against `RICH_STATE`, a charge point with profiles of every
purpose and an active transaction; any other JSON value is a replay script for `replay_script`.

The properties (issue "Robustness"):

- `replay_script` raises nothing but `ScriptError`; a handler raises nothing but `OcppCallError` with a
  FormatViolation or PropertyConstraintViolation code;
- every handler response validates against the official OCPP 1.6 response schema;
- on ``Rejected`` or ``Unknown`` (and for every GetCompositeSchedule) the handler returns the very state it got;
- after ``Accepted`` the new state, and the final state of a replay, round-trip through `serialize`'s JSON;
- every replay answer is JSON text (no NaN, no infinity).

Inside a replay the handlers are checked call by call: `exercise` swaps `replay.CALLS` for checking wrappers
while it runs (and puts the originals back). Used by ``fuzz/fuzz_replay.py`` (atheris) and by
``tests/test_fuzz_messages.py``, which replays every input kept in ``tests/fuzz_regressions/``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from schema import assert_valid_response

from smartcharge.documents import replay
from smartcharge.documents.state_document import state_from_json, state_to_json
from smartcharge.engine.instants import parse_instant
from smartcharge.engine.store import ChargePointState
from smartcharge.errors import OcppCallError, ScriptError
from smartcharge.ocpp16 import codec

__all__ = ["NOW", "RICH_STATE", "check_handler", "exercise"]

Handler = Callable[[ChargePointState, Any, datetime], tuple[ChargePointState, dict[str, Any]]]

NOW = datetime(2026, 1, 8, 10, 0, tzinfo=timezone.utc)
CALL_ERROR_CODES = (codec.FORMAT_VIOLATION, codec.PROPERTY_CONSTRAINT_VIOLATION)

_RICH_SCRIPT: dict[str, Any] = {
    "config": {"connectorCount": 2, "chargingScheduleMaxPeriods": 48, "maxChargingProfilesInstalled": 16},
    "events": [
        {"at": "2026-01-08T09:50:00Z", "startTransaction": {"connectorId": 1, "transactionId": 77}},
        *(
            {"at": "2026-01-08T09:55:00Z", "call": "SetChargingProfile", "payload": payload}
            for payload in (
                {
                    "connectorId": 0,
                    "csChargingProfiles": {
                        "chargingProfileId": 1, "stackLevel": 1, "chargingProfilePurpose": "TxDefaultProfile",
                        "chargingProfileKind": "Absolute",
                        "chargingSchedule": {
                            "startSchedule": "2026-01-08T10:00:00Z", "chargingRateUnit": "A",
                            "chargingSchedulePeriod": [
                                {"startPeriod": 0, "limit": 20}, {"startPeriod": 900, "limit": 10, "numberPhases": 1}
                            ],
                        },
                    },
                },
                {
                    "connectorId": 0,
                    "csChargingProfiles": {
                        "chargingProfileId": 2, "stackLevel": 0, "chargingProfilePurpose": "ChargePointMaxProfile",
                        "chargingProfileKind": "Relative",
                        "chargingSchedule": {
                            "chargingRateUnit": "W", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 30000}]
                        },
                    },
                },
                {
                    "connectorId": 2,
                    "csChargingProfiles": {
                        "chargingProfileId": 3, "stackLevel": 2, "chargingProfilePurpose": "TxDefaultProfile",
                        "chargingProfileKind": "Recurring", "recurrencyKind": "Weekly",
                        "validTo": "2027-01-01T00:00:00Z",
                        "chargingSchedule": {
                            "startSchedule": "2026-01-05T00:00:00Z", "chargingRateUnit": "A", "duration": 86400,
                            "chargingSchedulePeriod": [
                                {"startPeriod": 0, "limit": 8}, {"startPeriod": 7200, "limit": 16}
                            ],
                        },
                    },
                },
                {
                    "connectorId": 1,
                    "csChargingProfiles": {
                        "chargingProfileId": 4, "stackLevel": 3, "chargingProfilePurpose": "TxProfile",
                        "chargingProfileKind": "Relative",
                        "chargingSchedule": {
                            "chargingRateUnit": "W", "duration": 3600, "minChargingRate": 1.5,
                            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 7400.5, "numberPhases": 2}],
                        },
                    },
                },
            )
        ),
    ],
}  # fmt: skip


def _rich_state() -> ChargePointState:
    result = replay.replay_script(_RICH_SCRIPT)
    assert all(a.get("response") == {"status": "Accepted"} for a in result.answers), result.answers
    return result.state


RICH_STATE = _rich_state()


class Finding(AssertionError):
    """A property of the module docstring does not hold for an input."""


def assert_round_trips(state: ChargePointState) -> None:
    """`state` -> serialize document -> JSON text -> document -> an equal state (R17)."""
    text = json.dumps(state_to_json(state), allow_nan=False)
    again = state_from_json(json.loads(text))
    if again != state:
        raise Finding(f"state does not round-trip through JSON: {text[:500]}")


def check_handler(action: str, handler: Handler, state: ChargePointState, payload: Any, now: datetime) -> Any:
    """`handler(state, payload, now)` with every property checked; returns what the handler returned (or raises
    the `OcppCallError` it raised)."""
    try:
        new_state, response = handler(state, payload, now)
    except OcppCallError as error:
        if error.code not in CALL_ERROR_CODES or not isinstance(error.description, str):
            raise Finding(f"{action}: unexpected CALLERROR {error.code!r}") from error
        raise
    assert_valid_response(action, response)
    if response["status"] in ("Rejected", "Unknown") or action == "GetCompositeSchedule":
        if new_state is not state:
            raise Finding(f"{action} answered {response['status']} but changed the state")
    else:
        assert_round_trips(new_state)
    return new_state, response


def _checking(action: str, handler: Handler) -> Handler:
    def checked(state: ChargePointState, payload: Any, now: datetime) -> tuple[ChargePointState, dict[str, Any]]:
        result: tuple[ChargePointState, dict[str, Any]] = check_handler(action, handler, state, payload, now)
        return result

    return checked


@contextmanager
def _checked_calls() -> Iterator[None]:
    originals = replay.CALLS
    replay.CALLS = {name: _checking(name, handler) for name, handler in originals.items()}  # type: ignore[misc]
    try:
        yield
    finally:
        replay.CALLS = originals  # type: ignore[misc]


def _run_script(document: Any) -> None:
    try:
        with _checked_calls():
            result = replay.replay_script(document)
    except ScriptError:
        return
    json.dumps(list(result.answers), allow_nan=False)  # ValueError if an answer is not JSON
    assert_round_trips(result.state)


def _run_handler(document: list[Any]) -> None:
    action, payload, *rest = document
    if not isinstance(action, str) or action not in replay.CALLS or len(rest) > 1:
        return
    now = NOW
    if rest:
        try:
            now = parse_instant(rest[0])
        except (TypeError, ValueError):
            return
    with suppress(OcppCallError):
        check_handler(action, replay.CALLS[action], RICH_STATE, payload, now)


def exercise(data: bytes) -> None:
    """Runs one fuzz input (module docstring); raises on a finding, returns quietly otherwise."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return  # not JSON: nothing of ours ran
    if isinstance(document, list) and len(document) >= 2:
        _run_handler(document)
    else:
        _run_script(document)
