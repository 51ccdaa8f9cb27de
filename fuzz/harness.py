"""What the fuzzers check, without the fuzzer: `exercise(data)` runs one input and raises on a finding.

An input is UTF-8 JSON text (anything else is skipped). A JSON *array* ``[action, payload]`` (or
``[action, payload, at]``) is sent to that OCPP 1.6 handler (`HANDLERS`) against `RICH_STATE`, a charge point
with profiles of every purpose and an active transaction; an array
``["2.0.1", [action, payload], [action, payload, at], ...]`` sends its calls one after the other to the OCPP 2.0.1
handlers (`HANDLERS_201`), starting from `RICH_STATE_201` (a station with EVSEs of 3 and 1 phases and DC,
transactions with string ids, profiles of every purpose, external constraints), each on the state the one before
returned; any other JSON value is a replay script for `replay_script`.

The properties of OCPP 1.6 (issue "Robustness"):

- `replay_script` raises nothing but `ScriptError`; a handler raises nothing but `OcppCallError` with a
  FormatViolation or PropertyConstraintViolation code;
- every handler response validates against the official OCPP 1.6 response schema;
- on ``Rejected`` or ``Unknown`` (and for every GetCompositeSchedule) the handler returns the very state it got;
- RemoteStopTransaction is ``Rejected`` exactly when its transactionId is not active, and after ``Accepted`` the
  state is the one it got without that transaction and the TxProfiles bound to it, nothing else changed (R18,
  `assert_stopped`);
- after ``Accepted`` the new state, and the final state of a replay, round-trip through `serialize`'s JSON;
- every replay answer is JSON text (no NaN, no infinity).

Inside a replay the handlers are checked call by call: `exercise` swaps `replay.CALLS` for checking wrappers
while it runs (and puts the originals back).

The properties of OCPP 2.0.1 (`check_handler_201`; SPEC-201 S18, R16):

- a handler raises nothing but `OcppCallError` with an S18 code (FormatViolation, TypeConstraintViolation,
  OccurrenceConstraintViolation, PropertyConstraintViolation), or NotSupported while smart charging is not
  available (a smart-charging CALL: not RequestStartTransaction or RequestStopTransaction), and the CALLERROR can
  be sent as JSON;
- every response validates against the official OCPP 2.0.1 response schema, every message the station is to send
  (ReportChargingProfiles) against the official request schema of its action;
- no call changes the state it was given; on ``Rejected``, ``Unknown``, ``NoProfiles`` or a CALLERROR (and for
  every GetCompositeSchedule and GetChargingProfiles) the handler returns that very state;
- RequestStopTransaction is ``Rejected`` exactly when no running transaction has its transactionId, ignoring case
  (S5, F03.FR.08), and after ``Accepted`` the state is the one it got without that transaction and the TxProfiles
  naming it (F03.FR.07, S17);
- after ``Accepted`` the new state is consistent (`assert_consistent_201`) and answers a valid
  GetCompositeSchedule on every EVSE.

Used by ``fuzz/fuzz_replay.py`` (atheris) and by ``tests/test_fuzz_messages.py``, which replays every input kept
in ``tests/fuzz_regressions/``.
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

from schema import assert_valid_request_201, assert_valid_response, assert_valid_response_201

from smartcharge.documents import replay
from smartcharge.documents.state_document import state_from_json, state_to_json
from smartcharge.engine.instants import parse_instant
from smartcharge.engine.model import ChargePointConfig, ChargingProfile, OutletConfig, PurposeRole
from smartcharge.engine.store import ChargePointState, Transaction, start_transaction
from smartcharge.errors import InvalidArgumentError, OcppCallError, ScriptError
from smartcharge.ocpp16 import codec, handle_remote_stop_transaction
from smartcharge.ocpp201 import (
    EXTERNAL_SOURCES,
    OutgoingMessage,
    handle_clear_charging_profile,
    handle_get_charging_profiles,
    handle_get_composite_schedule,
    handle_request_start_transaction,
    handle_request_stop_transaction,
    handle_set_charging_profile,
    set_external_constraints,
    transaction_by_id,
)
from smartcharge.ocpp201 import codec as codec201

__all__ = [
    "ACTIONS_201",
    "HANDLERS",
    "NOW",
    "RICH_STATE",
    "RICH_STATE_201",
    "VERSION_201",
    "assert_consistent_201",
    "assert_stopped",
    "check_handler",
    "check_handler_201",
    "exercise",
    "snapshot",
]

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


def _remote_stop(state: ChargePointState, payload: Any, now: datetime) -> tuple[ChargePointState, dict[str, Any]]:
    return handle_remote_stop_transaction(state, payload)


#: Every OCPP 1.6 handler as ``(state, payload, now) -> (new_state, response)``: the CALLs a replay script may hold,
#: and RemoteStopTransaction (which takes no instant).
HANDLERS: dict[str, Handler] = {**replay.CALLS, "RemoteStopTransaction": _remote_stop}


def _running_ignoring_case(state: ChargePointState, transaction_id: Any) -> Transaction | None:
    """The running transaction whose id is `transaction_id` but for case (S5), written here apart from the library's
    `transaction_by_id` so that the check does not take the handler's word for it."""
    named = str(transaction_id).casefold()
    return next((t for t in state.transactions if str(t.transaction_id).casefold() == named), None)


#: The calls that end the transaction their payload's transactionId names (1.6 and 2.0.1), and how they find it:
#: 1.6 ids are integers compared as such, 2.0.1 ids strings compared ignoring case.
STOPS: dict[str, Callable[[ChargePointState, Any], Transaction | None]] = {
    "RemoteStopTransaction": lambda state, transaction_id: state.find_transaction(transaction_id),
    "RequestStopTransaction": _running_ignoring_case,
}


def assert_stopped(
    action: str, state: ChargePointState, payload: Any, new_state: ChargePointState, response: dict[str, Any]
) -> None:
    """Raises `Finding` unless the stop `action` answered `response` and `new_state` as its contract says: ``Rejected``
    exactly when no running transaction has the payload's transactionId (as `STOPS` finds it), and after
    ``Accepted`` `state` without that transaction and the TxProfiles naming it (2.0.1: in any case, S5), which were
    all on its outlet, and nothing else changed (R18, S17)."""
    ended = STOPS[action](state, payload["transactionId"])
    if response["status"] != "Accepted":
        if ended is not None:
            raise Finding(f"{action} answered {response['status']} for the running transaction {ended}")
        return
    if ended is None:
        raise Finding(f"{action} accepted {payload['transactionId']!r}, which is not running")
    named = str(ended.transaction_id).casefold()

    def bound(ip: Any) -> bool:
        tx = ip.profile.charging_profile_purpose.role is PurposeRole.TRANSACTION
        return tx and str(ip.profile.transaction_id).casefold() == named

    if any(ip.outlet_id != ended.outlet_id for ip in state.profiles if bound(ip)):
        raise Finding(f"a TxProfile for {ended} was not on its outlet")
    if (
        new_state.config != state.config
        or new_state.transactions != tuple(t for t in state.transactions if t is not ended)
        or new_state.profiles != tuple(ip for ip in state.profiles if not bound(ip))
    ):
        raise Finding(f"{action} accepted for {ended} but did not end exactly it and its TxProfiles")


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
    if action in STOPS:
        assert_stopped(action, state, payload, new_state, response)
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
    if not isinstance(action, str) or action not in HANDLERS or len(rest) > 1:
        return
    now = NOW
    if rest:
        try:
            now = parse_instant(rest[0])
        except InvalidArgumentError:
            return
    with suppress(OcppCallError):
        check_handler(action, HANDLERS[action], RICH_STATE, payload, now)


# --- OCPP 2.0.1 ----------------------------------------------------------------------------------------------------

#: The first element of an input array that holds OCPP 2.0.1 calls.
VERSION_201 = "2.0.1"
CALL_ERROR_CODES_201 = (
    codec201.FORMAT_VIOLATION,
    codec201.TYPE_CONSTRAINT_VIOLATION,
    codec201.OCCURRENCE_CONSTRAINT_VIOLATION,
    codec201.PROPERTY_CONSTRAINT_VIOLATION,
)
#: The answers after which the state must be the very state given (R16).
REFUSED_201 = ("Rejected", "Unknown", "NoProfiles")
#: The calls that never change the state.
READ_ONLY_201 = ("GetCompositeSchedule", "GetChargingProfiles")
#: The calls that are no smart-charging CALL (block F, remote transaction control): K01.FR.29's NotSupported does
#: not apply to them.
REMOTE_CONTROL_201 = ("RequestStartTransaction", "RequestStopTransaction")

Handler201 = Callable[
    [ChargePointState, Any, datetime], tuple[ChargePointState, dict[str, Any], tuple[OutgoingMessage, ...]]
]


def new_transaction_id(state: ChargePointState) -> str:
    """The transaction id the station gives a RequestStartTransaction: the first ``fuzz-tx-N`` not running."""
    return next(
        f"fuzz-tx-{n}"
        for n in range(1, len(state.transactions) + 2)
        if transaction_by_id(state, f"fuzz-tx-{n}") is None
    )


def _no_messages(
    handler: Callable[[ChargePointState, Any, datetime], tuple[ChargePointState, dict[str, Any]]],
) -> Handler201:
    def call(state: ChargePointState, payload: Any, now: datetime) -> Any:
        return (*handler(state, payload, now), ())

    return call


def _start_201(state: ChargePointState, payload: Any, now: datetime) -> Any:
    return (*handle_request_start_transaction(state, payload, now, new_transaction_id(state)), ())


def _stop_201(state: ChargePointState, payload: Any, now: datetime) -> Any:
    return (*handle_request_stop_transaction(state, payload), ())


#: Every OCPP 2.0.1 handler as ``(state, payload, now) -> (new_state, response, messages)``.
HANDLERS_201: dict[str, Handler201] = {
    "SetChargingProfile": _no_messages(handle_set_charging_profile),
    "GetCompositeSchedule": _no_messages(handle_get_composite_schedule),
    "ClearChargingProfile": _no_messages(handle_clear_charging_profile),
    "GetChargingProfiles": handle_get_charging_profiles,
    "RequestStartTransaction": _start_201,
    "RequestStopTransaction": _stop_201,
}
ACTIONS_201 = tuple(sorted(HANDLERS_201))


def _profile_201(
    id: int, purpose: str, kind: str, stack: int, unit: str, periods: list[dict[str, Any]], **fields: Any
) -> dict[str, Any]:
    schedule = {"id": 1, "chargingRateUnit": unit, "chargingSchedulePeriod": periods, **fields.pop("schedule", {})}
    return {
        "id": id,
        "stackLevel": stack,
        "chargingProfilePurpose": purpose,
        "chargingProfileKind": kind,
        "chargingSchedule": [schedule],
        **fields,
    }


_RICH_CONFIG_201 = ChargePointConfig(
    outlet_count=3,
    outlets=(OutletConfig(1, 32, 3, phase_switching=True), OutletConfig(2, 16, 1), OutletConfig(3, 125, 0)),
    max_periods=48,
    max_profiles=16,
    notify_charging_limit_with_schedules=True,
    limit_change_significance=5,
)

#: (evseId, chargingProfile) of the profiles the CSMS set on `RICH_STATE_201`.
_RICH_PROFILES_201 = [
    (0, _profile_201(1, "ChargingStationMaxProfile", "Absolute", 0, "W",
                     [{"startPeriod": 0, "limit": 40000}, {"startPeriod": 3600, "limit": 30000.5}],
                     schedule={"startSchedule": "2026-01-08T00:00:00Z"})),
    (0, _profile_201(2, "TxDefaultProfile", "Recurring", 1, "A",
                     [{"startPeriod": 0, "limit": 20}, {"startPeriod": 900, "limit": 10, "numberPhases": 1}],
                     recurrencyKind="Daily",
                     schedule={"startSchedule": "2026-01-05T06:00:00+01:00", "duration": 43200})),
    (2, _profile_201(3, "TxDefaultProfile", "Relative", 2, "A", [{"startPeriod": 0, "limit": 16, "numberPhases": 1}],
                     validTo="2027-01-01T00:00:00Z", schedule={"duration": 7200})),
    (1, _profile_201(4, "TxProfile", "Absolute", 3, "A",
                     [{"startPeriod": 0, "limit": 24, "numberPhases": 3},
                      {"startPeriod": 1800, "limit": 13.5, "numberPhases": 1, "phaseToUse": 2}],
                     transactionId="tx-77A", schedule={"startSchedule": "2026-01-08T09:50:00Z", "minChargingRate": 6})),
]  # fmt: skip
#: (evseId, chargingLimitSource, chargingProfile) of the external constraints on `RICH_STATE_201`.
_RICH_EXTERNAL_201 = [
    (0, "EMS", _profile_201(-1, "ChargingStationExternalConstraints", "Absolute", 0, "W",
                            [{"startPeriod": 0, "limit": 60000}], schedule={"startSchedule": "2026-01-08T00:00:00Z"})),
    (2, "SO", _profile_201(900, "ChargingStationExternalConstraints", "Absolute", 1, "A",
                           [{"startPeriod": 0, "limit": 12, "numberPhases": 1},
                            {"startPeriod": 7200, "limit": 8, "numberPhases": 1}],
                           schedule={"startSchedule": "2026-01-08T09:00:00Z"})),
]  # fmt: skip


def _rich_state_201() -> ChargePointState:
    state = start_transaction(
        ChargePointState(_RICH_CONFIG_201), 1, "TX-77a", datetime(2026, 1, 8, 9, 50, tzinfo=timezone.utc)
    )
    at = datetime(2026, 1, 8, 9, 55, tzinfo=timezone.utc)
    for evse_id, body in _RICH_PROFILES_201:
        state, response = handle_set_charging_profile(state, {"evseId": evse_id, "chargingProfile": body}, at)
        assert response == {"status": "Accepted"}, response
    dc_start = {"evseId": 3, "remoteStartId": 9, "idToken": {"idToken": "04A2B3C4", "type": "ISO14443"},
                "chargingProfile": _profile_201(5, "TxProfile", "Relative", 0, "W",
                                                [{"startPeriod": 0, "limit": 50000, "numberPhases": 3},
                                                 {"startPeriod": 600, "limit": 90000}])}  # fmt: skip
    state, response = handle_request_start_transaction(state, dc_start, at, "dc-session-9")
    assert response == {"status": "Accepted"}, response
    for evse_id, source, body in _RICH_EXTERNAL_201:
        state, _ = set_external_constraints(state, evse_id, source, body, at)
    assert_consistent_201(state)
    return state


def snapshot(state: ChargePointState) -> str:
    """Everything `state` holds, annotations (source, document) included, as text: equal before and after a call
    unless the call changed the state it was given."""
    return repr(state)


def _unchanged(action: str, state: ChargePointState, before: str) -> None:
    if snapshot(state) != before:
        raise Finding(f"{action} changed the state it was given")


def _overlap(a: ChargingProfile, b: ChargingProfile) -> bool:
    return (a.valid_from is None or b.valid_to is None or a.valid_from < b.valid_to) and (
        b.valid_from is None or a.valid_to is None or b.valid_from < a.valid_to
    )


def _conflicting(state: ChargePointState) -> str | None:
    """Two installed profiles SPEC-201 S8 forbids side by side, if any."""
    profiles = state.profiles
    for i, a in enumerate(profiles):
        for b in profiles[i + 1 :]:
            pa, pb = a.profile, b.profile
            if (pa.charging_profile_purpose, pa.stack_level) != (pb.charging_profile_purpose, pb.stack_level):
                continue
            role = pa.charging_profile_purpose.role
            same_evse = a.outlet_id == b.outlet_id
            if role is PurposeRole.TRANSACTION:
                clash = same_evse and pa.transaction_id == pb.transaction_id
            else:
                clash = (same_evse and _overlap(pa, pb)) or (
                    role is PurposeRole.DEFAULT and 0 in (a.outlet_id, b.outlet_id) and not same_evse
                )
            if clash:
                return f"profiles {pa.charging_profile_id} and {pb.charging_profile_id} conflict (S8)"
    return None


def _inconsistency(state: ChargePointState) -> str | None:
    """What makes `state` one no sequence of accepted OCPP 2.0.1 calls could have built, if anything."""
    config = state.config
    ids = [ip.profile.charging_profile_id for ip in state.profiles]
    if len(set(ids)) != len(ids):
        return f"two profiles share an id: {sorted(ids)}"
    if len(ids) > config.max_profiles:
        return f"{len(ids)} profiles installed, more than {config.max_profiles}"
    tx_ids = [str(t.transaction_id).casefold() for t in state.transactions]
    if len(set(tx_ids)) != len(tx_ids):
        return f"two transactions share an id: {tx_ids}"
    for ip in state.profiles:
        p, where = ip.profile, f"profile {ip.profile.charging_profile_id} on evseId {ip.outlet_id}"
        role = p.charging_profile_purpose.role
        running = state.transaction_on(ip.outlet_id) if ip.outlet_id > 0 else None
        if not 0 <= ip.outlet_id <= config.outlet_count or not 0 <= p.stack_level <= config.max_stack_level:
            return f"{where}: no such EVSE, or stackLevel {p.stack_level} out of range"
        if role is PurposeRole.CAP and ip.outlet_id != 0:
            return f"{where}: a ChargingStationMaxProfile off evseId 0"
        if role is PurposeRole.TRANSACTION and (running is None or p.transaction_id != running.transaction_id):
            return f"{where}: a TxProfile for {p.transaction_id!r}, not the transaction running there"
        if role is not PurposeRole.TRANSACTION and p.transaction_id is not None:
            return f"{where}: bound to transaction {p.transaction_id!r}"
        if len(p.charging_schedules) != 1 or len(p.charging_schedule.charging_schedule_period) > config.max_periods:
            return f"{where}: {len(p.charging_schedules)} schedules, or more periods than {config.max_periods}"
        if p.charging_schedule.charging_rate_unit not in config.allowed_rate_units:
            return f"{where}: unit {p.charging_schedule.charging_rate_unit} not allowed"
        expected = EXTERNAL_SOURCES if role is PurposeRole.EXTERNAL_CAP else ("CSO",)
        if ip.source not in expected:
            return f"{where}: chargingLimitSource {ip.source!r}, not one of {expected}"
        if ip.document is None:
            return f"{where}: the profile as received was not kept (S16)"
        document = json.loads(ip.document)
        assert_valid_request_201("SetChargingProfile", {"evseId": ip.outlet_id, "chargingProfile": document})
        if (document["id"], document["chargingProfilePurpose"]) != (
            p.charging_profile_id,
            p.charging_profile_purpose.name,
        ):
            return f"{where}: kept as {ip.document[:200]}"
    return _conflicting(state)


def assert_consistent_201(state: ChargePointState) -> None:
    """Raises `Finding` if `state` breaks an invariant the OCPP 2.0.1 rules keep (`_inconsistency`): ids unique,
    every profile on an EVSE its purpose allows (a TxProfile only with its transaction running there), within the
    configuration's limits, with its chargingLimitSource and the document it arrived in (valid against the
    official schema), and no two profiles S8 forbids side by side."""
    why = _inconsistency(state)
    if why is not None:
        raise Finding(f"inconsistent state after Accepted: {why}")


def check_handler_201(
    action: str, state: ChargePointState, payload: Any, now: datetime
) -> tuple[ChargePointState, dict[str, Any], tuple[OutgoingMessage, ...]]:
    """The OCPP 2.0.1 handler of `action` called with every property of the module docstring checked; returns
    what it returned (or raises the `OcppCallError` it raised)."""
    before = snapshot(state)
    try:
        new_state, response, messages = HANDLERS_201[action](state, payload, now)
    except OcppCallError as error:
        allowed = CALL_ERROR_CODES_201
        if not state.config.smart_charging_available and action not in REMOTE_CONTROL_201:
            allowed = (codec201.NOT_SUPPORTED,)
        if error.code not in allowed or not isinstance(error.description, str):
            raise Finding(f"{action}: unexpected CALLERROR {error.code!r}: {error.description!r}") from error
        json.dumps(error.to_ocpp())  # the CALLERROR can be sent
        _unchanged(action, state, before)
        raise
    assert_valid_response_201(action, response)
    for message in messages:
        assert_valid_request_201(message.action, message.payload)
    _unchanged(action, state, before)
    if action in STOPS:
        assert_stopped(action, state, payload, new_state, response)
    if response["status"] in REFUSED_201 or action in READ_ONLY_201:
        if new_state is not state:
            raise Finding(f"{action} answered {response['status']} but returned another state")
        return new_state, response, messages
    assert_consistent_201(new_state)
    if new_state.config.smart_charging_available:
        for evse_id in range(new_state.config.outlet_count + 1):
            check_handler_201("GetCompositeSchedule", new_state, {"evseId": evse_id, "duration": 3_600}, now)
    return new_state, response, messages


def _run_calls_201(calls: list[Any]) -> None:
    """Each call ``[action, payload]`` or ``[action, payload, at]`` in turn, from `RICH_STATE_201`; a call that is
    neither is skipped."""
    state = RICH_STATE_201
    for call in calls:
        if not isinstance(call, list) or len(call) not in (2, 3) or call[0] not in ACTIONS_201:
            continue
        now = NOW
        if len(call) == 3:
            try:
                now = parse_instant(call[2])
            except InvalidArgumentError:
                continue
        with suppress(OcppCallError):
            state, _, _ = check_handler_201(call[0], state, call[1], now)


RICH_STATE_201 = _rich_state_201()


def exercise(data: bytes) -> None:
    """Runs one fuzz input (module docstring); raises on a finding, returns quietly otherwise."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return  # not JSON: nothing of ours ran
    if isinstance(document, list) and document[:1] == [VERSION_201]:
        _run_calls_201(document[1:])
    elif isinstance(document, list) and len(document) >= 2:
        _run_handler(document)
    else:
        _run_script(document)
