"""Replaying a script of OCPP 1.6 messages against one charge point: the engine of `smartcharge replay` and the
reference-implementation interface the shared scenarios are written in (DESIGN "The command line").

A script is a JSON object: an optional ``"config"`` (replay-script config keys, all optional) or ``"state"`` (a
`state_document` document to start from), and ``"events"`` in time order (equal times allowed). Each event has
``"at"`` (ISO 8601 with offset, R5) and exactly one of ``"call"`` (with ``"payload"``), ``"startTransaction"``
``{connectorId, transactionId, chargingProfile?}`` (the profile as in RemoteStartTransaction, R19) or
``"stopTransaction"`` ``{transactionId}`` (R18). Every call gives one answer, ``{"call", "response"}`` or
``{"call", "error": {"code", "description"}}``; transactions give none. ``name``, ``about`` and ``expected``
are the scenario's own and are ignored here. A malformed script raises `ScriptError` naming the event index (a
shape problem found by the JSON readers is its cause, a `DocumentError`).

This module strings handlers together over time; it knows no rule itself and does no I/O (the `cli` reads files).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs

from smartcharge._json import read_instant, read_int, read_object, read_optional, read_required
from smartcharge.documents.state_document import StateDocumentError, state_from_json
from smartcharge.engine.store import ChargePointState, end_transaction, start_transaction
from smartcharge.errors import (
    InvalidArgumentError,
    OcppCallError,
    ProfileValidationError,
    ScriptError,
    SmartChargingError,
)
from smartcharge.ocpp16.codec import config_from_ocpp, read_profile
from smartcharge.ocpp16.handlers import (
    handle_clear_charging_profile,
    handle_get_composite_schedule,
    handle_set_charging_profile,
)

__all__ = ["CALLS", "ReplayResult", "replay_script"]

Answer = dict[str, Any]
Handler = Callable[[ChargePointState, Any, datetime], tuple[ChargePointState, dict[str, Any]]]

#: The CALLs a script may replay, by OCPP action name.
CALLS: Mapping[str, Handler] = {
    "SetChargingProfile": handle_set_charging_profile,
    "GetCompositeSchedule": handle_get_composite_schedule,
    "ClearChargingProfile": handle_clear_charging_profile,
}

_SCRIPT_KEYS = ("config", "state", "events", "name", "about", "expected")
_EVENT_KINDS = ("call", "startTransaction", "stopTransaction")


@attrs.frozen
class ReplayResult:
    """The charge point's state after the last event, and the answer to every call event, in order."""

    state: ChargePointState
    answers: tuple[Answer, ...]


def _initial_state(script: Mapping[str, Any]) -> ChargePointState:
    """The state the script starts from: its saved ``"state"``, else a fresh one with its ``"config"``."""
    if "state" in script and "config" in script:
        raise ScriptError(None, 'give "config" or "state", not both (a saved state carries its configuration)')
    if "state" in script:
        try:
            return state_from_json(script["state"])
        except StateDocumentError as exc:
            raise ScriptError(None, f"state: {exc}") from exc
    try:
        return ChargePointState(config=config_from_ocpp(script.get("config", {})))
    except SmartChargingError as exc:  # a malformed configuration (DocumentError) or a value out of range
        raise ScriptError(None, str(exc)) from exc


def _check_script(script: Any) -> Sequence[Any]:
    """The script's event list, after checking the script's own keys."""
    if not isinstance(script, Mapping):
        raise ScriptError(None, f"a script is a JSON object, not {type(script).__name__}")
    unknown = sorted(str(k) for k in script if k not in _SCRIPT_KEYS)
    if unknown:
        raise ScriptError(None, f"unknown key(s) {', '.join(unknown)} (known: {', '.join(_SCRIPT_KEYS)})")
    events = script.get("events")
    if not isinstance(events, list):
        raise ScriptError(None, '"events" must be a list of events')
    return events


def _event_kind(event: Mapping[str, Any]) -> str:
    kinds = [k for k in _EVENT_KINDS if k in event]
    if len(kinds) != 1:
        raise InvalidArgumentError(f"an event has exactly one of {', '.join(_EVENT_KINDS)}, this one has {len(kinds)}")
    allowed = {"at", kinds[0], *(("payload",) if kinds[0] == "call" else ())}
    unknown = sorted(str(k) for k in event if k not in allowed)
    if unknown:
        raise InvalidArgumentError(f"unknown key(s) {', '.join(unknown)} in a {kinds[0]} event")
    return kinds[0]


def _call(state: ChargePointState, event: Mapping[str, Any], at: datetime) -> tuple[ChargePointState, Answer]:
    name = event["call"]
    if not isinstance(name, str) or name not in CALLS:
        raise InvalidArgumentError(f"unknown call {name!r} (known: {', '.join(CALLS)})")
    if "payload" not in event:
        raise InvalidArgumentError(f"the {name} call has no payload")
    try:
        new_state, response = CALLS[name](state, event["payload"], at)
    except OcppCallError as exc:
        return state, {"call": name, "error": exc.to_ocpp()}
    return new_state, {"call": name, "response": response}


def _start(state: ChargePointState, event: Mapping[str, Any], at: datetime) -> ChargePointState:
    """startTransaction: a transaction starts at `at`, maybe with RemoteStartTransaction's profile (R19)."""
    path = "startTransaction"
    body = read_object(event[path], path, ("connectorId", "transactionId", "chargingProfile"))
    profile = read_optional(body, "chargingProfile", path, read_profile)
    return start_transaction(
        state,
        read_required(body, "connectorId", path, read_int),
        read_required(body, "transactionId", path, read_int),
        at,
        profile,
    )


def _stop(state: ChargePointState, event: Mapping[str, Any]) -> ChargePointState:
    """stopTransaction: the transaction ends, and its TxProfiles with it (R18)."""
    body = read_object(event["stopTransaction"], "stopTransaction", ("transactionId",))
    return end_transaction(state, read_required(body, "transactionId", "stopTransaction", read_int))


def _event_time(event: Any, previous: datetime | None) -> datetime:
    """The event's ``"at"``, after checking the event is an object and not earlier than the one before."""
    if not isinstance(event, Mapping):
        raise InvalidArgumentError(f"an event is a JSON object, not {type(event).__name__}")
    at = read_required(event, "at", "", read_instant)
    if previous is not None and at < previous:
        raise InvalidArgumentError(f"at {event['at']} is earlier than the event before it")
    return at


def _apply(state: ChargePointState, event: Mapping[str, Any], at: datetime) -> tuple[ChargePointState, Answer | None]:
    """One event at `at`: the new state and the call's answer (None for transactions)."""
    kind = _event_kind(event)
    if kind == "call":
        return _call(state, event, at)
    if kind == "startTransaction":
        return _start(state, event, at), None
    return _stop(state, event), None


def replay_script(script: Mapping[str, Any]) -> ReplayResult:
    """Replays `script` (module docstring) and returns the final state and the answers to its calls.

    Raises `ScriptError` naming the event index for an unknown event or call, a missing or unparsable time, an
    event earlier than the one before, a malformed transaction event or one the charge point cannot perform
    (busy or unknown connector, unknown transaction, a RemoteStart profile it rejects); and `ScriptError` with
    index None for a problem with the script's own keys, its config or its saved state.
    """
    events = _check_script(script)
    state = _initial_state(script)
    answers: list[Answer] = []
    previous: datetime | None = None
    for index, event in enumerate(events):
        try:
            previous = _event_time(event, previous)
            state, answer = _apply(state, event, previous)
        except SmartChargingError as exc:  # a malformed event (a DocumentError), or one the charge point cannot perform
            raise ScriptError(index, _reason(exc)) from exc
        if answer is not None:
            answers.append(answer)
    return ReplayResult(state=state, answers=tuple(answers))


def _reason(exc: Exception) -> str:
    if isinstance(exc, ProfileValidationError):
        return f"the transaction's chargingProfile breaks {exc}"
    return str(exc)
