"""Sans-IO handlers of OCPP 2.0.1's smart-charging CALLs (Part 2 block K, SPEC-201): SetChargingProfile (K01),
GetCompositeSchedule (K08), ClearChargingProfile (K10), GetChargingProfiles (K09), and RequestStartTransaction's
charging profile (K05, F01); and RequestStopTransaction (F03), which ends a transaction with its TxProfiles.

Each handler takes the station's state, the CALL's payload (decoded JSON) and the instant it was received
(RequestStopTransaction needs none), and returns ``(new_state, response_payload)`` (GetChargingProfiles also the
ReportChargingProfiles to send, as `OutgoingMessage` s). A payload breaking its official schema raises
`OcppCallError` with the S18 code (`codec.read_request`), and so does every smart-charging CALL while
SmartChargingCtrlr.Available is false (``NotSupported``, K01.FR.29); nothing else escapes for any JSON-like payload.
A refused CALL (``Rejected``, ``Unknown``, a CALLERROR) returns the very same state object (R16); a ``Rejected``
answer carries ``statusInfo.reasonCode`` (E9), but for RequestStopTransaction's, which is no smart-charging CALL
(F03.FR.08 asks for the status only).

Whether a profile may be installed is `rules.judge_profile`'s; limits are the engine's `composite_schedule`; this
module maps payloads to them and outcomes back. It knows nothing of sockets, message ids or OCPP-J framing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from itertools import groupby
from typing import Any

import attrs

from smartcharge.engine.composite import composite_schedule
from smartcharge.engine.instants import format_instant, utc_instant
from smartcharge.engine.limits import CompositeSchedule
from smartcharge.engine.model import ChargePointConfig, ChargingProfile, ChargingRateUnit, PurposeRole
from smartcharge.engine.store import ChargePointState, InstalledProfile, clear_profiles, install_profile
from smartcharge.engine.store import end_transaction as engine_end_transaction
from smartcharge.engine.store import start_transaction as engine_start_transaction
from smartcharge.engine.window import MAX_COMPOSITE_DURATION, window_fits
from smartcharge.errors import InvalidArgumentError, OcppCallError
from smartcharge.ocpp201.codec import NOT_SUPPORTED, ReceivedProfile, profile_to_ocpp, purpose_named, read_request
from smartcharge.ocpp201.purposes import ChargingProfilePurpose
from smartcharge.ocpp201.rules import ReasonCode, Refusal, judge_profile, profile_refusal, transaction_by_id

__all__ = [
    "CSO",
    "MAX_TRANSACTION_ID_LENGTH",
    "OutgoingMessage",
    "composite_schedule_answer",
    "handle_clear_charging_profile",
    "handle_get_charging_profiles",
    "handle_get_composite_schedule",
    "handle_request_start_transaction",
    "handle_request_stop_transaction",
    "handle_set_charging_profile",
]

Response = dict[str, Any]

#: The chargingLimitSource of every profile a CSMS sets (S15).
CSO = "CSO"
#: Transaction ids are identifierStrings of at most 36 characters (S5).
MAX_TRANSACTION_ID_LENGTH = 36
_EXTERNAL = ChargingProfilePurpose.CHARGING_STATION_EXTERNAL_CONSTRAINTS


@attrs.frozen
class OutgoingMessage:
    """A CALL the station sends on its own: its `action` (``"ReportChargingProfiles"``, ``"NotifyChargingLimit"``,
    ``"ClearedChargingLimit"``) and `payload` (decoded JSON, valid against the action's official request schema)."""

    action: str
    payload: dict[str, Any]


def _smart_charging(state: ChargePointState, action: str) -> None:
    """K01.FR.29: every smart-charging CALL is NotSupported while SmartChargingCtrlr.Available is false."""
    if not state.config.smart_charging_available:
        raise OcppCallError(NOT_SUPPORTED, f"{action}: smart charging is not available (SmartChargingCtrlr)")


def _refused(state: ChargePointState, refusal: Refusal) -> tuple[ChargePointState, Response]:
    return state, refusal.answer()


def install_judged(
    state: ChargePointState,
    evse_id: int,
    profile: ChargingProfile,
    now: datetime,
    *,
    source: str,
    document: str,
) -> ChargePointState:
    """`state` with `profile`, judged installable on `evse_id` (`rules.judge_profile`), installed at `now` with
    its chargingLimitSource and the document it arrived in (S7: replacing by id only)."""
    outcome = install_profile(
        state, evse_id, profile, now, replace_same_slot=False, source=source, document=document
    )
    if not outcome.accepted:  # judge_profile checks every rule of install_profile first
        raise AssertionError(f"a judged profile was refused: {outcome.reason}")
    return outcome.state


# --- SetChargingProfile (K01) ----------------------------------------------------------------------------------------


def handle_set_charging_profile(
    state: ChargePointState, payload: Any, now: datetime
) -> tuple[ChargePointState, Response]:
    """SetChargingProfile received at `now` (K01; SPEC-201 S1-S9, E1-E4, E9).

    A profile `rules.judge_profile` refuses is ``Rejected`` with the first reason code of E9; otherwise it is
    installed on `evseId` with source CSO and the profile object as received (S16), replacing the installed
    profile with its id (S7) and answered ``Accepted``.
    """
    now = utc_instant(now, "now")
    _smart_charging(state, "SetChargingProfile")
    request = read_request("SetChargingProfile", payload)
    evse_id = request["evseId"]
    received = ReceivedProfile.read(request["chargingProfile"])
    verdict = judge_profile(state, evse_id, received)
    if isinstance(verdict, Refusal):
        return _refused(state, verdict)
    new_state = install_judged(state, evse_id, verdict, now, source=CSO, document=received.document())
    return new_state, {"status": "Accepted"}


# --- GetCompositeSchedule (K08) ------------------------------------------------------------------------------------


def _composite_refusal(
    config: ChargePointConfig, evse_id: int, duration: int, unit: ChargingRateUnit | None, start: datetime
) -> Refusal | None:
    """S13: an unknown EVSE (K08.FR.05), a negative duration or one above `MAX_COMPOSITE_DURATION` or past year
    9999 (R29, D13), a unit the configuration does not allow (K08.FR.07)."""
    if not 0 <= evse_id <= config.outlet_count:
        info = f"evseId {evse_id} is not 0..{config.outlet_count}"
        return Refusal(ReasonCode.UNKNOWN_EVSE, "K08.FR.05", info, spec_rule="S13")
    if not 0 <= duration <= MAX_COMPOSITE_DURATION:
        info = f"duration {duration} is not 0..{MAX_COMPOSITE_DURATION}"
        return Refusal(ReasonCode.INVALID_VALUE, "D13", info, spec_rule="S13")
    if not window_fits(start, duration):
        info = f"a window of {duration} s from {start} ends after year 9999"
        return Refusal(ReasonCode.INVALID_VALUE, "D13", info, spec_rule="S13")
    if unit is not None and unit not in config.allowed_rate_units:
        info = f"unit {unit.value} is not allowed (RateUnit)"
        return Refusal(ReasonCode.UNSUPPORTED_RATE_UNIT, "K08.FR.07", info, spec_rule="S13")
    return None


def composite_schedule_answer(config: ChargePointConfig, schedule: CompositeSchedule) -> Response:
    """GetCompositeSchedule's ``Accepted`` answer for `schedule` (S13, E6): ``schedule`` holds its evseId, duration,
    scheduleStart (the window's start, ``YYYY-MM-DDTHH:MM:SSZ``), unit and periods: floored to 0.1 and merged
    after rounding (R31), numberPhases on AC EVSEs and evse 0, not on a DC EVSE (K01.FR.44), phaseToUse where
    the governing period has one."""
    dc = schedule.outlet_id > 0 and config.outlet(schedule.outlet_id).is_dc
    return {
        "status": "Accepted",
        "schedule": {
            "evseId": schedule.outlet_id,
            "duration": schedule.duration,
            "scheduleStart": format_instant(schedule.start),
            "chargingRateUnit": schedule.unit.value,
            "chargingSchedulePeriod": schedule.reported_periods(number_phases=not dc, phase_to_use=not dc),
        },
    }


def handle_get_composite_schedule(
    state: ChargePointState, payload: Any, now: datetime
) -> tuple[ChargePointState, Response]:
    """GetCompositeSchedule received at `now` (K08; SPEC-201 S12, S13, E6).

    The window is ``[X, X + duration)`` with X = `now` floored to the second (R29); no unit: the first allowed
    one. Refusals (`_composite_refusal`) are ``Rejected`` with a reasonCode and no schedule.
    """
    start = utc_instant(now, "now")
    _smart_charging(state, "GetCompositeSchedule")
    request = read_request("GetCompositeSchedule", payload)
    evse_id, duration = request["evseId"], request["duration"]
    unit = None if "chargingRateUnit" not in request else ChargingRateUnit(request["chargingRateUnit"])
    refusal = _composite_refusal(state.config, evse_id, duration, unit, start)
    if refusal is not None:
        return _refused(state, refusal)
    the_unit = unit or state.config.allowed_rate_units[0]
    return state, composite_schedule_answer(state.config, composite_schedule(state, evse_id, start, duration, the_unit))


# --- ClearChargingProfile (K10) ------------------------------------------------------------------------------------


def _is_external(state: ChargePointState, profile_id: int) -> bool:
    return any(
        ip.profile.charging_profile_id == profile_id and ip.profile.charging_profile_purpose == _EXTERNAL
        for ip in state.profiles
    )


_NOT_THE_CSMS_S = "external constraints are not the CSMS's to clear"


def handle_clear_charging_profile(
    state: ChargePointState, payload: Any, now: datetime
) -> tuple[ChargePointState, Response]:
    """ClearChargingProfile received at `now` (K10; SPEC-201 S14, E7).

    With chargingProfileId: that profile, the criteria ignored (K10.FR.03); otherwise every profile matching all
    given criteria, no criteria clearing all (E7). External-constraints profiles are never cleared (K10.FR.04):
    naming one by id or by purpose is ``Unknown`` with reasonCode InvalidValue (K10.FR.06/08/09). Nothing
    cleared: ``Unknown`` (K10.FR.01). `now` only has to be an instant.
    """
    utc_instant(now, "now")
    _smart_charging(state, "ClearChargingProfile")
    request = read_request("ClearChargingProfile", payload)
    profile_id = request.get("chargingProfileId")
    criteria: Mapping[str, Any] = {} if profile_id is not None else request.get("chargingProfileCriteria", {})
    purpose = criteria.get("chargingProfilePurpose")
    if profile_id is not None and _is_external(state, profile_id):
        refusal = Refusal(ReasonCode.INVALID_VALUE, "K10.FR.09", _NOT_THE_CSMS_S, spec_rule="S14")
        return state, refusal.answer("Unknown")
    if purpose == _EXTERNAL.name:
        refusal = Refusal(ReasonCode.INVALID_VALUE, "K10.FR.06", _NOT_THE_CSMS_S, spec_rule="S14")
        return state, refusal.answer("Unknown")
    outcome = clear_profiles(
        state,
        id=profile_id,
        outlet_id=criteria.get("evseId"),
        purpose=None if purpose is None else purpose_named(purpose),
        stack_level=criteria.get("stackLevel"),
        keep_external=True,
    )
    return outcome.state, {"status": outcome.status.value}


# --- GetChargingProfiles (K09) -------------------------------------------------------------------------------------


def source_of(installed: InstalledProfile) -> str:
    """The chargingLimitSource of an installed profile: as recorded, else CSO (Other for an external one)."""
    if installed.source is not None:
        return installed.source
    return "Other" if installed.profile.charging_profile_purpose.role is PurposeRole.EXTERNAL_CAP else CSO


def _matches(installed: InstalledProfile, evse_id: int | None, criterion: Mapping[str, Any]) -> bool:
    """S15: evseId selects what is installed there (K09.FR.04-06); a chargingProfileId list makes the other
    criteria irrelevant (K09.FR.03); otherwise every given criterion must match."""
    p = installed.profile
    if evse_id is not None and installed.outlet_id != evse_id:
        return False
    if "chargingProfileId" in criterion:
        return p.charging_profile_id in criterion["chargingProfileId"]
    return (
        criterion.get("chargingProfilePurpose", p.charging_profile_purpose.name) == p.charging_profile_purpose.name
        and criterion.get("stackLevel", p.stack_level) == p.stack_level
        and source_of(installed) in criterion.get("chargingLimitSource", [source_of(installed)])
    )


def _reported(installed: InstalledProfile) -> dict[str, Any]:
    """The profile as it was accepted (S16), or as the model has it where no document was kept."""
    if installed.document is not None:
        reported: dict[str, Any] = json.loads(installed.document)
        return reported
    return profile_to_ocpp(installed.profile)


def profile_report(request_id: int, profiles: list[InstalledProfile]) -> tuple[OutgoingMessage, ...]:
    """The ReportChargingProfiles for `profiles` (E8): one per (evseId, chargingLimitSource), groups ordered by
    evseId then source, profiles by id, each with `request_id` (K09.FR.01) and tbc on all but the last
    (K09.FR.02)."""

    def group(ip: InstalledProfile) -> tuple[int, str]:
        return ip.outlet_id, source_of(ip)

    ordered = sorted(profiles, key=lambda ip: (*group(ip), ip.profile.charging_profile_id))
    groups = [(key, list(members)) for key, members in groupby(ordered, key=group)]
    return tuple(
        OutgoingMessage(
            "ReportChargingProfiles",
            {
                "requestId": request_id,
                "chargingLimitSource": source,
                "evseId": evse_id,
                "chargingProfile": [_reported(ip) for ip in members],
                "tbc": i < len(groups) - 1,
            },
        )
        for i, ((evse_id, source), members) in enumerate(groups)
    )


def handle_get_charging_profiles(
    state: ChargePointState, payload: Any, now: datetime
) -> tuple[ChargePointState, Response, tuple[OutgoingMessage, ...]]:
    """GetChargingProfiles received at `now` (K09; SPEC-201 S15, S16, E8): ``Accepted`` and the reports
    (`profile_report`) when a profile matches, else ``NoProfiles`` and none. The state never changes."""
    utc_instant(now, "now")
    _smart_charging(state, "GetChargingProfiles")
    request = read_request("GetChargingProfiles", payload)
    evse_id, criterion = request.get("evseId"), request["chargingProfile"]
    matched = [ip for ip in state.profiles if _matches(ip, evse_id, criterion)]
    if not matched:
        return state, {"status": "NoProfiles"}, ()
    return state, {"status": "Accepted"}, profile_report(request["requestId"], matched)


# --- RequestStartTransaction (K05, F01) ----------------------------------------------------------------------------


def _check_transaction_id(state: ChargePointState, transaction_id: str) -> None:
    if not isinstance(transaction_id, str) or not 0 < len(transaction_id) <= MAX_TRANSACTION_ID_LENGTH:
        raise InvalidArgumentError(
            f"transaction_id must be a string of 1..{MAX_TRANSACTION_ID_LENGTH} characters, not {transaction_id!r}"
        )
    if transaction_by_id(state, transaction_id) is not None:
        raise InvalidArgumentError(f"transaction_id {transaction_id!r} is already running")


def _free_evse(state: ChargePointState, evse_id: int | None) -> int | Refusal:
    """The EVSE to start on: `evse_id` when it is 1..N and free, else the lowest free one (S17)."""
    config = state.config
    if evse_id is not None and evse_id not in config.outlet_ids:
        info = f"evseId {evse_id} is not 1..{config.outlet_count}"
        return Refusal(ReasonCode.UNKNOWN_EVSE, "S17", info, spec_rule="S17")
    candidates = config.outlet_ids if evse_id is None else (evse_id,)
    free = next((i for i in candidates if state.transaction_on(i) is None), None)
    if free is None:
        busy = "no EVSE is free" if evse_id is None else f"evseId {evse_id} is busy"
        return Refusal(ReasonCode.TX_IN_PROGRESS, "S17", busy, spec_rule="S17")
    return free


def _start_refusal(evse_id: int | None, received: ReceivedProfile) -> Refusal | None:
    """E9's InvalidProfile and MissingParam of a RequestStartTransaction profile (S17, K05.FR.05): a TxProfile
    without transactionId, for a given evseId."""
    if received.purpose != ChargingProfilePurpose.TX_PROFILE or received.transaction_id is not None:
        info = "the profile must be a TxProfile without transactionId"
        return Refusal(ReasonCode.INVALID_PROFILE, "S17", info, spec_rule="S17")
    refusal = profile_refusal(1 if evse_id is None else evse_id, received)  # a TxProfile's rules: any EVSE alike
    if refusal is None and evse_id is None:
        return Refusal(ReasonCode.MISSING_PARAM, "S17", "a chargingProfile needs an evseId", spec_rule="S17")
    return refusal


def handle_request_start_transaction(
    state: ChargePointState, payload: Any, now: datetime, transaction_id: str
) -> tuple[ChargePointState, Response]:
    """RequestStartTransaction received at `now`, starting transaction `transaction_id` (K05; SPEC-201 S17).

    Its chargingProfile is validated as SetChargingProfile would on that EVSE with the transaction running, and
    installed bound to it (its document with the transactionId added, S16). A refused profile, an unknown or busy
    EVSE are ``Rejected`` and nothing starts (K05.FR.05). Without profile and evseId the lowest free EVSE is used.
    With smart charging not available the profile is ignored, not validated (K05.FR.04). `transaction_id` is the
    caller's (1..36 characters, not running): anything else raises `InvalidArgumentError`.
    """
    now = utc_instant(now, "now")
    _check_transaction_id(state, transaction_id)
    request = read_request("RequestStartTransaction", payload)
    evse_id = request.get("evseId")
    profile_json = request.get("chargingProfile") if state.config.smart_charging_available else None
    received = None if profile_json is None else ReceivedProfile.read(profile_json)
    first = evse_id is not None and evse_id not in state.config.outlet_ids
    refusal = None if received is None or first else _start_refusal(evse_id, received)
    where = _free_evse(state, evse_id) if refusal is None else refusal
    if isinstance(where, Refusal):
        return _refused(state, where)
    started = engine_start_transaction(state, where, transaction_id, now)
    if received is None:
        return started, {"status": "Accepted"}
    verdict = judge_profile(started, where, attrs.evolve(received, transaction_id=transaction_id))
    if isinstance(verdict, Refusal):
        return _refused(state, verdict)
    document = received.document(transaction_id)
    return install_judged(started, where, verdict, now, source=CSO, document=document), {"status": "Accepted"}


def handle_request_stop_transaction(state: ChargePointState, payload: Any) -> tuple[ChargePointState, Response]:
    """RequestStopTransaction received (F03): ``Accepted`` when its transactionId names a running transaction
    (ignoring case, S5), which then ends with its TxProfiles (F03.FR.07); ``Rejected`` and the very same state
    otherwise (F03.FR.08). The TransactionEventRequest (Ended) that follows is the caller's business. A payload
    against the schema is an `OcppCallError` (S18)."""
    request = read_request("RequestStopTransaction", payload)
    running = transaction_by_id(state, request["transactionId"])
    if running is None:
        return state, {"status": "Rejected"}
    return engine_end_transaction(state, running.transaction_id), {"status": "Accepted"}
