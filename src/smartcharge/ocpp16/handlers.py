"""Sans-IO handlers of OCPP 1.6's smart-charging CALLs: SetChargingProfile (§5.16, §6.43), GetCompositeSchedule
(§5.7, §6.22) and ClearChargingProfile (§5.5, §6.13), RemoteStartTransaction's profile (§5.11, D12), and
RemoteStopTransaction (§5.12, §6.35), which ends a transaction with its TxProfiles (R18).

Each handler takes the charge point's state, the CALL's payload (decoded JSON) and the instant it was received
(RemoteStopTransaction needs none), and returns ``(new_state, response_payload)``. A payload that cannot be
processed raises `OcppCallError` (the caller sends it as a CALLERROR): the readers' `DocumentError` becomes one
through `codec.call_error_from` at the handler's edge, so nothing else escapes for any JSON-like input, and on
``Rejected``, ``Unknown`` or a CALLERROR the state is returned unchanged (R16). Each request's fields are in one
table (`SET_CHARGING_PROFILE_FIELDS`, `GET_COMPOSITE_SCHEDULE_FIELDS`, `CLEAR_CHARGING_PROFILE_FIELDS`), and the
GetCompositeSchedule.conf answer is built in one place (`composite_schedule_answer`). The rules themselves live in
the engine's `store` and `composite`; this module only maps payloads to them and outcomes back. It knows nothing of
sockets, message ids or OCPP-J framing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any, ParamSpec

from smartcharge._json import (
    Field,
    Fields,
    read_field,
    read_int,
    read_mapping,
    read_object,
    read_purpose,
    read_text,
    read_unit,
)
from smartcharge.engine.composite import composite_schedule
from smartcharge.engine.instants import format_instant, utc_instant
from smartcharge.engine.limits import CompositeSchedule
from smartcharge.engine.model import ChargingProfile, Purpose, PurposeRole
from smartcharge.engine.store import (
    ChargePointState,
    clear_profiles,
    end_transaction,
    install_profile,
    start_transaction,
)
from smartcharge.engine.window import MAX_COMPOSITE_DURATION, window_fits
from smartcharge.errors import (
    DocumentError,
    DocumentProblem,
    InvalidArgumentError,
    OcppCallError,
    ProfileValidationError,
)
from smartcharge.ocpp16.codec import PROPERTY_CONSTRAINT_VIOLATION, call_error_from, read_profile
from smartcharge.ocpp16.purposes import PURPOSES

__all__ = [
    "CLEAR_CHARGING_PROFILE_FIELDS",
    "GET_COMPOSITE_SCHEDULE_FIELDS",
    "MAX_COMPOSITE_DURATION",
    "MAX_ID_TAG_LENGTH",
    "REMOTE_START_TRANSACTION_FIELDS",
    "REMOTE_STOP_TRANSACTION_FIELDS",
    "SET_CHARGING_PROFILE_FIELDS",
    "composite_schedule_answer",
    "handle_clear_charging_profile",
    "handle_get_composite_schedule",
    "handle_remote_start_transaction",
    "handle_remote_stop_transaction",
    "handle_set_charging_profile",
]

Response = dict[str, Any]
Answer = tuple[ChargePointState, Response]
_P = ParamSpec("_P")

def _rejected() -> Response:
    return {"status": "Rejected"}



def _purpose(value: Any, path: str) -> Purpose:
    return read_purpose(value, path, PURPOSES)


#: SetChargingProfile.req (§6.43); `csChargingProfiles` has the codec's `profile_fields()`.
SET_CHARGING_PROFILE_FIELDS: Fields = {
    "connectorId": Field(True, read_int),
    "csChargingProfiles": Field(True, read_mapping),
}
#: GetCompositeSchedule.req (§6.22).
GET_COMPOSITE_SCHEDULE_FIELDS: Fields = {
    "connectorId": Field(True, read_int),
    "duration": Field(True, read_int),
    "chargingRateUnit": Field(False, read_unit),
}
#: ClearChargingProfile.req (§6.13).
CLEAR_CHARGING_PROFILE_FIELDS: Fields = {
    "id": Field(False, read_int),
    "connectorId": Field(False, read_int),
    "chargingProfilePurpose": Field(False, _purpose),
    "stackLevel": Field(False, read_int),
}


def _answers_call_errors(handler: Callable[_P, Answer]) -> Callable[_P, Answer]:
    """`handler`, with a shape problem of its payload (`DocumentError`) raised as the CALLERROR OCPP 1.6 answers
    it with (`call_error_from`: R14, R5, E§3.38)."""

    @functools.wraps(handler)
    def answering(*args: _P.args, **kwargs: _P.kwargs) -> Answer:
        try:
            return handler(*args, **kwargs)
        except DocumentError as exc:
            raise call_error_from(exc) from None

    return answering


def _is_connector(state: ChargePointState, outlet_id: int) -> bool:
    """0 (the whole charge point) or one of the connectors 1..N (R6)."""
    return 0 <= outlet_id <= state.config.outlet_count


def _profile_or_rule_violation(value: Any, path: str) -> ChargingProfile | ProfileValidationError:
    """The profile in `value`, or the rule it breaks (R4, R11-R13); shape problems raise `DocumentError`."""
    try:
        return read_profile(value, path)
    except ProfileValidationError as exc:
        return exc


@_answers_call_errors
def handle_set_charging_profile(
    state: ChargePointState, payload: Any, now: datetime
) -> tuple[ChargePointState, Response]:
    """SetChargingProfile.req received at `now` (§5.16, §6.43).

    Shape problems are CALLERRORs (FormatViolation; an enum value outside the schema is
    PropertyConstraintViolation, R14), and so is a connectorId outside 0..N (R6, E§3.39). A profile breaking a
    rule on its own (R4, R11-R13) or on this charge point (R7-R10, D1-D3) is ``Rejected``; otherwise it is
    installed, replacing what R15 says it replaces.
    """
    fields = SET_CHARGING_PROFILE_FIELDS
    obj = read_object(payload, "", fields)
    outlet_id = read_field(obj, "connectorId", "", fields)
    parsed = _profile_or_rule_violation(read_field(obj, "csChargingProfiles", "", fields), "csChargingProfiles")
    if not _is_connector(state, outlet_id):
        raise OcppCallError(
            PROPERTY_CONSTRAINT_VIOLATION, f"connectorId {outlet_id} is not 0..{state.config.outlet_count}"
        )
    if isinstance(parsed, ProfileValidationError):
        return state, _rejected()
    outcome = install_profile(state, outlet_id, parsed, now)
    return outcome.state, {"status": outcome.status.value}


def composite_schedule_answer(schedule: CompositeSchedule) -> Response:
    """GetCompositeSchedule.conf for `schedule` (§6.22, R31): ``Accepted``, its connector, `scheduleStart` (the
    window's start, ``YYYY-MM-DDTHH:MM:SSZ``) and the composite schedule without startSchedule (E§3.57)."""
    return {
        "status": "Accepted",
        "connectorId": schedule.outlet_id,
        "scheduleStart": format_instant(schedule.start),
        "chargingSchedule": schedule.to_ocpp(),
    }


@_answers_call_errors
def handle_get_composite_schedule(
    state: ChargePointState, payload: Any, now: datetime, *, max_duration: int = MAX_COMPOSITE_DURATION
) -> tuple[ChargePointState, Response]:
    """GetCompositeSchedule.req received at `now` (§5.7, §6.22, R29-R31).

    The window is ``[X, X + duration)`` with X = `now` floored to the second (R29). An unknown connector, a
    negative duration, a duration above `max_duration` (default `MAX_COMPOSITE_DURATION`, 31 days), or a unit the
    configuration does not allow is ``Rejected``; a unit other than A or W is a CALLERROR
    PropertyConstraintViolation (R30, E§3.24, K08.FR.07). No unit: the first allowed one. The answer carries
    `scheduleStart` = X and the composite schedule without startSchedule (R31, E§3.57).
    """
    if not isinstance(max_duration, int) or isinstance(max_duration, bool):
        raise InvalidArgumentError(f"max_duration must be a whole number of seconds, not {max_duration!r}")
    fields = GET_COMPOSITE_SCHEDULE_FIELDS
    obj = read_object(payload, "", fields)
    outlet_id = read_field(obj, "connectorId", "", fields)
    duration = read_field(obj, "duration", "", fields)
    unit = read_field(obj, "chargingRateUnit", "", fields)
    start = utc_instant(now, "now")
    allowed = state.config.allowed_rate_units
    if not _is_connector(state, outlet_id) or not 0 <= duration <= max_duration:
        return state, _rejected()
    if unit is not None and unit not in allowed:
        return state, _rejected()
    if not window_fits(start, duration):
        return state, _rejected()
    return state, composite_schedule_answer(composite_schedule(state, outlet_id, start, duration, unit or allowed[0]))


@_answers_call_errors
def handle_clear_charging_profile(
    state: ChargePointState, payload: Any, now: datetime
) -> tuple[ChargePointState, Response]:
    """ClearChargingProfile.req (§5.5, §6.13, R32): with `id`, that profile; with no field, every profile;
    otherwise the profiles matching every given field. ``Unknown`` when nothing matched. `now` is unused (kept
    so the three handlers share one signature)."""
    fields = CLEAR_CHARGING_PROFILE_FIELDS
    obj = read_object(payload, "", fields)
    outcome = clear_profiles(
        state,
        id=read_field(obj, "id", "", fields),
        outlet_id=read_field(obj, "connectorId", "", fields),
        purpose=read_field(obj, "chargingProfilePurpose", "", fields),
        stack_level=read_field(obj, "stackLevel", "", fields),
    )
    return outcome.state, {"status": outcome.status.value}


# --- RemoteStartTransaction (§5.11, §6.33, D12) -------------------------------------------------------------------

#: The longest idTag (§7.28 IdToken, CiString20Type).
MAX_ID_TAG_LENGTH = 20


def _id_tag(value: Any, path: str) -> str:
    text = read_text(value, path)
    if len(text) > MAX_ID_TAG_LENGTH:
        raise DocumentError(
            path, DocumentProblem.NOT_ALLOWED_VALUE, f"has {len(text)} characters, more than {MAX_ID_TAG_LENGTH}"
        )
    return text


#: RemoteStartTransaction.req (§6.33); `chargingProfile` has the codec's `profile_fields()`.
REMOTE_START_TRANSACTION_FIELDS: Fields = {
    "connectorId": Field(False, read_int),
    "idTag": Field(True, _id_tag),
    "chargingProfile": Field(False, read_mapping),
}


def _free_connector(state: ChargePointState, outlet_id: int | None) -> int | None:
    """The connector to start on: `outlet_id` when it is 1..N and free, else (none given) the lowest free one; None
    when there is none."""
    candidates = state.config.outlet_ids if outlet_id is None else (outlet_id,)
    return next((c for c in candidates if c in state.config.outlet_ids and state.transaction_on(c) is None), None)


@_answers_call_errors
def handle_remote_start_transaction(
    state: ChargePointState, payload: Any, now: datetime, transaction_id: int
) -> tuple[ChargePointState, Response]:
    """RemoteStartTransaction.req received at `now` (§5.11, D12), starting transaction `transaction_id` when
    accepted (the central system learns the id from StartTransaction.conf; the caller gives it).

    With a chargingProfile: it must be a TxProfile without transactionId, a connectorId must be given, and it is
    validated as SetChargingProfile would on that connector with the transaction about to start (R4, R10-R14); it
    then binds to the transaction (R19). Without one and without connectorId: the lowest free connector. A refused
    profile, an unknown or busy connector, or no free one is ``Rejected``: nothing starts, nothing is installed.
    Shape problems are CALLERRORs as for SetChargingProfile (R14). `transaction_id` is the caller's: an int that
    no active transaction has, else `InvalidArgumentError`.
    """
    now = utc_instant(now, "now")
    if isinstance(transaction_id, bool) or not isinstance(transaction_id, int):
        raise InvalidArgumentError(f"transaction_id must be an integer, not {transaction_id!r}")
    if state.find_transaction(transaction_id) is not None:
        raise InvalidArgumentError(f"transaction_id {transaction_id} is already active")
    fields = REMOTE_START_TRANSACTION_FIELDS
    obj = read_object(payload, "", fields)
    outlet_id = read_field(obj, "connectorId", "", fields)
    read_field(obj, "idTag", "", fields)
    raw = read_field(obj, "chargingProfile", "", fields)
    parsed = None if raw is None else _profile_or_rule_violation(raw, "chargingProfile")
    connector = _free_connector(state, outlet_id)
    if connector is None or (raw is not None and outlet_id is None):
        return state, _rejected()
    started = start_transaction(state, connector, transaction_id, now)
    if parsed is None:
        return started, {"status": "Accepted"}
    if (
        isinstance(parsed, ProfileValidationError)
        or parsed.charging_profile_purpose.role is not PurposeRole.TRANSACTION
        or parsed.transaction_id is not None
    ):
        return state, _rejected()
    outcome = install_profile(started, connector, parsed, now)
    return (outcome.state, {"status": "Accepted"}) if outcome.accepted else (state, _rejected())


# --- RemoteStopTransaction (§5.12, §6.35) -------------------------------------------------------------------------

#: RemoteStopTransaction.req (§6.35).
REMOTE_STOP_TRANSACTION_FIELDS: Fields = {"transactionId": Field(True, read_int)}


@_answers_call_errors
def handle_remote_stop_transaction(state: ChargePointState, payload: Any) -> Answer:
    """RemoteStopTransaction.req received (§5.12): ``Accepted`` when its transactionId is an active transaction,
    which then ends with its TxProfiles (R18); ``Rejected`` and the very same state otherwise. Sending the
    StopTransaction.req that follows is the caller's business. Shape problems are CALLERRORs (R14)."""
    fields = REMOTE_STOP_TRANSACTION_FIELDS
    transaction_id = read_field(read_object(payload, "", fields), "transactionId", "", fields)
    if state.find_transaction(transaction_id) is None:
        return state, _rejected()
    return end_transaction(state, transaction_id), {"status": "Accepted"}
