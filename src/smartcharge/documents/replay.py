"""Replaying a script of OCPP messages against one charge point: the engine of `smartcharge replay` and the
reference-implementation interface the shared scenarios are written in (DESIGN "The command line", SPEC-201
"Replay scripts").

A script is a JSON object: an optional ``"ocppVersion"`` (``"1.6"``, the default, or ``"2.0.1"``), an optional
``"config"`` (that version's replay-script config keys, all optional) or ``"state"`` (a `state_document` document
to start from), and ``"events"`` in time order (equal times allowed). Each event has ``"at"`` (ISO 8601 with
offset, R5) and exactly one of:

- ``"call"`` with ``"payload"``: a CALL from the central system (`CALLS` for 1.6, `CALLS_201` for 2.0.1; a 1.6
  RemoteStartTransaction (D12) or a 2.0.1 RequestStartTransaction also names the ``"transactionId"`` the started
  transaction gets; a RemoteStopTransaction / RequestStopTransaction ends the transaction it names when accepted);
- ``"startTransaction"``: 1.6 ``{connectorId, transactionId, chargingProfile?}`` (the profile as in
  RemoteStartTransaction, R19), 2.0.1 ``{evseId, transactionId}``;
- ``"stopTransaction"`` ``{transactionId}`` (R18; 2.0.1 ids compared case-insensitively, S5);
- 2.0.1 only: ``"externalConstraints"`` ``{evseId, chargingLimitSource, chargingProfile}`` and
  ``"releaseExternalConstraints"`` ``{chargingProfileId}``, the station's energy management (S10);
- ``"restart"`` ``{}``: the state is saved as a state document and loaded back (R17).

Every call gives one answer line, ``{"call", "response"}`` or ``{"call", "error": {"code", "description"}}``,
followed by a ``{"send", "payload"}`` line for each message the station sends because of it (2.0.1:
ReportChargingProfiles); external-constraint events give the NotifyChargingLimit / ClearedChargingLimit they
cause; other events give none. ``name``, ``about`` and ``expected`` are the scenario's own and are ignored here. A
malformed script raises `ScriptError` naming the event index (a shape problem found by the JSON readers is its
cause, a `DocumentError`).

This module strings handlers together over time; it knows no rule itself and does no I/O (the `cli` reads files).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs

from smartcharge._json import read_instant, read_int, read_mapping, read_object, read_optional, read_required, read_text
from smartcharge.documents.state_document import StateDocumentError, ocpp_version_of, state_from_json, state_to_json
from smartcharge.engine.store import ChargePointState, end_transaction, start_transaction
from smartcharge.errors import (
    InvalidArgumentError,
    OcppCallError,
    ProfileValidationError,
    ScriptError,
    SmartChargingError,
)
from smartcharge.ocpp16 import codec as codec16
from smartcharge.ocpp16 import handlers as handlers16
from smartcharge.ocpp201 import codec as codec201
from smartcharge.ocpp201 import handlers as handlers201
from smartcharge.ocpp201.external import release_external_constraints, set_external_constraints
from smartcharge.ocpp201.handlers import OutgoingMessage
from smartcharge.ocpp201.rules import transaction_by_id

__all__ = ["CALLS", "CALLS_201", "ReplayResult", "replay_script"]

Answer = dict[str, Any]
Handler = Callable[[ChargePointState, Any, datetime], tuple[ChargePointState, dict[str, Any]]]
#: What an event does: the new state and the output lines it gives.
Outcome = tuple[ChargePointState, list[Answer]]

#: The OCPP 1.6 CALLs a script may replay, by action name.
CALLS: Mapping[str, Handler] = {
    "SetChargingProfile": handlers16.handle_set_charging_profile,
    "GetCompositeSchedule": handlers16.handle_get_composite_schedule,
    "ClearChargingProfile": handlers16.handle_clear_charging_profile,
}
#: The OCPP 2.0.1 CALLs a script may replay, by action name; GetChargingProfiles and RequestStartTransaction, which
#: also send messages or start a transaction, are `_get_charging_profiles` and `_request_start` below.
CALLS_201: Mapping[str, Handler] = {
    "SetChargingProfile": handlers201.handle_set_charging_profile,
    "GetCompositeSchedule": handlers201.handle_get_composite_schedule,
    "ClearChargingProfile": handlers201.handle_clear_charging_profile,
}

_SCRIPT_KEYS = ("ocppVersion", "config", "state", "events", "name", "about", "expected")


@attrs.frozen
class ReplayResult:
    """The charge point's state after the last event, and every output line in order: the answer to each call
    event and each message the station sent."""

    state: ChargePointState
    answers: tuple[Answer, ...]


def _sent(messages: Sequence[OutgoingMessage]) -> list[Answer]:
    return [{"send": message.action, "payload": message.payload} for message in messages]


# --- calls ----------------------------------------------------------------------------------------------------------


def _answered(
    name: str, state: ChargePointState, run: Callable[[], tuple[ChargePointState, Answer, Sequence[OutgoingMessage]]]
) -> Outcome:
    """The lines of call `name`: its response and the messages sent, or its CALLERROR (the state unchanged)."""
    try:
        new_state, response, messages = run()
    except OcppCallError as exc:
        return state, [{"call": name, "error": exc.to_ocpp()}]
    return new_state, [{"call": name, "response": response}, *_sent(messages)]


def _call_with(calls: Mapping[str, Handler]) -> Callable[[ChargePointState, Mapping[str, Any], datetime], Outcome]:
    """A call event's runner over the handlers `calls` (which answer without sending anything)."""

    def call(state: ChargePointState, event: Mapping[str, Any], at: datetime) -> Outcome:
        name = event["call"]
        handler = calls[name]
        return _answered(name, state, lambda: (*handler(state, event["payload"], at), ()))

    return call


def _get_charging_profiles(state: ChargePointState, event: Mapping[str, Any], at: datetime) -> Outcome:
    return _answered(
        "GetChargingProfiles", state, lambda: handlers201.handle_get_charging_profiles(state, event["payload"], at)
    )


def _remote_start(state: ChargePointState, event: Mapping[str, Any], at: datetime) -> Outcome:
    """RemoteStartTransaction (D12): answered, and when accepted the transaction named by the event's
    ``"transactionId"`` starts at `at` with the profile bound to it."""
    transaction_id = read_required(event, "transactionId", "", read_int)
    return _answered(
        "RemoteStartTransaction",
        state,
        lambda: (*handlers16.handle_remote_start_transaction(state, event["payload"], at, transaction_id), ()),
    )


def _request_start(state: ChargePointState, event: Mapping[str, Any], at: datetime) -> Outcome:
    """RequestStartTransaction (S17): answered, and when accepted the transaction named by the event's
    ``"transactionId"`` starts at `at`."""
    transaction_id = read_required(event, "transactionId", "", read_text)
    return _answered(
        "RequestStartTransaction",
        state,
        lambda: (*handlers201.handle_request_start_transaction(state, event["payload"], at, transaction_id), ()),
    )


def _remote_stop(name: str, handler: Callable[[ChargePointState, Any], tuple[ChargePointState, Answer]]) -> CallRunner:
    """RemoteStopTransaction (§5.12) / RequestStopTransaction (F03): answered, and when accepted the transaction
    it names ends (with its TxProfiles, R18)."""

    def call(state: ChargePointState, event: Mapping[str, Any], at: datetime) -> Outcome:
        return _answered(name, state, lambda: (*handler(state, event["payload"]), ()))

    return call


# --- other events ---------------------------------------------------------------------------------------------------


def _start16(state: ChargePointState, body: Any, at: datetime) -> Outcome:
    """startTransaction: a transaction starts at `at`, maybe with RemoteStartTransaction's profile (R19)."""
    path = "startTransaction"
    obj = read_object(body, path, ("connectorId", "transactionId", "chargingProfile"))
    profile = read_optional(obj, "chargingProfile", path, codec16.read_profile)
    outlet_id = read_required(obj, "connectorId", path, read_int)
    transaction_id = read_required(obj, "transactionId", path, read_int)
    return start_transaction(state, outlet_id, transaction_id, at, profile), []


def _start201(state: ChargePointState, body: Any, at: datetime) -> Outcome:
    """startTransaction: a transaction starts on an EVSE at `at` (Relative profiles run from it, S11)."""
    path = "startTransaction"
    obj = read_object(body, path, ("evseId", "transactionId"))
    transaction_id = read_required(obj, "transactionId", path, read_text)
    if len(transaction_id) > handlers201.MAX_TRANSACTION_ID_LENGTH:  # S5: an identifierString of 36 at most
        raise InvalidArgumentError(
            f"{path}.transactionId has {len(transaction_id)} characters, more than "
            f"{handlers201.MAX_TRANSACTION_ID_LENGTH} (SPEC-201 S5)"
        )
    if transaction_by_id(state, transaction_id) is not None:
        raise InvalidArgumentError(f"transaction {transaction_id!r} is already active")
    return start_transaction(state, read_required(obj, "evseId", path, read_int), transaction_id, at), []


def _stop16(state: ChargePointState, body: Any, at: datetime) -> Outcome:
    """stopTransaction: the transaction ends, and its TxProfiles with it (R18)."""
    obj = read_object(body, "stopTransaction", ("transactionId",))
    return end_transaction(state, read_required(obj, "transactionId", "stopTransaction", read_int)), []


def _stop201(state: ChargePointState, body: Any, at: datetime) -> Outcome:
    """stopTransaction: the transaction, named in any case (S5), ends and its TxProfiles with it (R18)."""
    obj = read_object(body, "stopTransaction", ("transactionId",))
    named = read_required(obj, "transactionId", "stopTransaction", read_text)
    running = transaction_by_id(state, named)
    return end_transaction(state, named if running is None else running.transaction_id), []


def _external(state: ChargePointState, body: Any, at: datetime) -> Outcome:
    """externalConstraints: the energy management sets a ChargingStationExternalConstraints profile (S10)."""
    path = "externalConstraints"
    obj = read_object(body, path, ("evseId", "chargingLimitSource", "chargingProfile"))
    new_state, messages = set_external_constraints(
        state,
        read_required(obj, "evseId", path, read_int),
        read_required(obj, "chargingLimitSource", path, read_text),
        read_required(obj, "chargingProfile", path, read_mapping),
        at,
    )
    return new_state, _sent(messages)


def _release(state: ChargePointState, body: Any, at: datetime) -> Outcome:
    """releaseExternalConstraints: the energy management releases its profile (S10, K13)."""
    path = "releaseExternalConstraints"
    obj = read_object(body, path, ("chargingProfileId",))
    new_state, messages = release_external_constraints(
        state, read_required(obj, "chargingProfileId", path, read_int), at
    )
    return new_state, _sent(messages)


def _restart_as(ocpp_version: str) -> Callable[[ChargePointState, Any, datetime], Outcome]:
    """restart: the state goes through its document and back, as a charge point's storage would keep it (R17)."""

    def restart(state: ChargePointState, body: Any, at: datetime) -> Outcome:
        read_object(body, "restart", ())
        return state_from_json(state_to_json(state, ocpp_version)), []

    return restart


# --- the two protocols ----------------------------------------------------------------------------------------------

EventRunner = Callable[[ChargePointState, Any, datetime], Outcome]
CallRunner = Callable[[ChargePointState, Mapping[str, Any], datetime], Outcome]


@attrs.frozen
class _Protocol:
    """What a script of one OCPP version may hold: its configuration reader, its calls and its other events."""

    config_from_json: Callable[[Mapping[str, Any]], Any]
    calls: Mapping[str, CallRunner]
    events: Mapping[str, EventRunner]


_CALL_16 = _call_with(CALLS)
_CALL_201 = _call_with(CALLS_201)
_PROTOCOLS = {
    "1.6": _Protocol(
        codec16.config_from_ocpp,
        {
            **{name: _CALL_16 for name in CALLS},
            "RemoteStartTransaction": _remote_start,
            "RemoteStopTransaction": _remote_stop("RemoteStopTransaction", handlers16.handle_remote_stop_transaction),
        },
        {"startTransaction": _start16, "stopTransaction": _stop16, "restart": _restart_as("1.6")},
    ),
    "2.0.1": _Protocol(
        codec201.config_from_ocpp,
        {
            **{name: _CALL_201 for name in CALLS_201},
            "GetChargingProfiles": _get_charging_profiles,
            "RequestStartTransaction": _request_start,
            "RequestStopTransaction": _remote_stop(
                "RequestStopTransaction", handlers201.handle_request_stop_transaction
            ),
        },
        {
            "startTransaction": _start201,
            "stopTransaction": _stop201,
            "externalConstraints": _external,
            "releaseExternalConstraints": _release,
            "restart": _restart_as("2.0.1"),
        },
    ),
}


def _protocol(script: Mapping[str, Any]) -> tuple[str, _Protocol]:
    version = script.get("ocppVersion", "1.6")
    if not isinstance(version, str) or version not in _PROTOCOLS:
        raise ScriptError(None, f"ocppVersion must be one of {', '.join(_PROTOCOLS)}, not {version!r}")
    return version, _PROTOCOLS[version]


def _initial_state(script: Mapping[str, Any], version: str, protocol: _Protocol) -> ChargePointState:
    """The state the script starts from: its saved ``"state"`` (of the script's OCPP version), else a fresh one
    with its ``"config"``."""
    if "state" in script and "config" in script:
        raise ScriptError(None, 'give "config" or "state", not both (a saved state carries its configuration)')
    if "state" in script:
        try:
            if ocpp_version_of(script["state"]) != version:
                raise ScriptError(None, f"the state is not written for OCPP {version}, as the script is")
            return state_from_json(script["state"])
        except StateDocumentError as exc:
            raise ScriptError(None, f"state: {exc}") from exc
    try:
        return ChargePointState(config=protocol.config_from_json(script.get("config", {})))
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


def _event_kind(event: Mapping[str, Any], protocol: _Protocol) -> str:
    kinds = [k for k in ("call", *protocol.events) if k in event]
    if len(kinds) != 1:
        known = ", ".join(("call", *protocol.events))
        raise InvalidArgumentError(f"an event has exactly one of {known}, this one has {len(kinds)}")
    kind = kinds[0]
    allowed = {"at", kind}
    if kind == "call":
        starts = event.get("call") in ("RequestStartTransaction", "RemoteStartTransaction")
        allowed |= {"payload", "transactionId"} if starts else {"payload"}
    unknown = sorted(str(k) for k in event if k not in allowed)
    if unknown:
        raise InvalidArgumentError(f"unknown key(s) {', '.join(unknown)} in a {kind} event")
    return kind


def _event_time(event: Any, previous: datetime | None) -> datetime:
    """The event's ``"at"``, after checking the event is an object and not earlier than the one before."""
    if not isinstance(event, Mapping):
        raise InvalidArgumentError(f"an event is a JSON object, not {type(event).__name__}")
    at = read_required(event, "at", "", read_instant)
    if previous is not None and at < previous:
        raise InvalidArgumentError(f"at {event['at']} is earlier than the event before it")
    return at


def _apply(state: ChargePointState, event: Mapping[str, Any], at: datetime, protocol: _Protocol) -> Outcome:
    """One event at `at`: the new state and its output lines."""
    kind = _event_kind(event, protocol)
    if kind != "call":
        return protocol.events[kind](state, event[kind], at)
    name = event["call"]
    if not isinstance(name, str) or name not in protocol.calls:
        raise InvalidArgumentError(f"unknown call {name!r} (known: {', '.join(protocol.calls)})")
    if "payload" not in event:
        raise InvalidArgumentError(f"the {name} call has no payload")
    return protocol.calls[name](state, event, at)


def replay_script(script: Mapping[str, Any]) -> ReplayResult:
    """Replays `script` (module docstring) and returns the final state and its output lines.

    Raises `ScriptError` naming the event index for an unknown event or call, a missing or unparsable time, an
    event earlier than the one before, a malformed event or one the charge point cannot perform (busy or unknown
    outlet, unknown transaction, a RemoteStart profile it rejects, an external constraint it refuses); and
    `ScriptError` with index None for a problem with the script's own keys, its version, config or saved state.
    """
    events = _check_script(script)
    version, protocol = _protocol(script)
    state = _initial_state(script, version, protocol)
    answers: list[Answer] = []
    previous: datetime | None = None
    for index, event in enumerate(events):
        try:
            previous = _event_time(event, previous)
            state, lines = _apply(state, event, previous, protocol)
        except SmartChargingError as exc:  # a malformed event (a DocumentError), or one the charge point cannot perform
            raise ScriptError(index, _reason(exc)) from exc
        answers.extend(lines)
    return ReplayResult(state=state, answers=tuple(answers))


def _reason(exc: Exception) -> str:
    if isinstance(exc, ProfileValidationError):
        return f"the event's chargingProfile breaks {exc}"
    return str(exc)
