"""What the simulated charge point says in OCPP 1.6 and in OCPP 2.0.1: the payloads of the messages it sends on
its own, and which sans-IO handler answers a remote start and a remote stop.

Everything that differs between the two versions lives here, as data and small functions; the simulator
(`simulator`) and the connection (`connection`) do not know which version they speak. This module knows nothing
of sockets or of the `ocpp` package.

- OCPP 1.6: BootNotification, StatusNotification (Available / Charging), StartTransaction, MeterValues,
  StopTransaction (§4, §6); the central system numbers a transaction in StartTransaction.conf (§4.8), so the
  simulator starts it under a provisional negative id and renumbers it when the answer comes.
- OCPP 2.0.1: BootNotification, StatusNotification (Available / Occupied), TransactionEvent Started / Updated /
  Ended (E01-E07) with the station's own transaction id, ``seqNo`` and the ``offline`` flag.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import attrs

from smartcharge import ocpp16, ocpp201
from smartcharge.engine.instants import format_instant
from smartcharge.engine.model import TransactionId
from smartcharge.engine.store import ChargePointState

__all__ = ["DIALECTS", "Dialect", "SessionFacts"]

Payload = dict[str, Any]
#: The Energy.Active.Import.Register measurand (1.6 §7.31, 2.0.1 MeasurandEnumType).
REGISTER = "Energy.Active.Import.Register"


@attrs.frozen
class SessionFacts:
    """What a transaction message says about its session: the connector (1.6) or EVSE (2.0.1), the transaction's
    id as the station knows it, the idTag / idToken, the remote start id (2.0.1) and the next ``seqNo``."""

    connector_id: int
    transaction_id: TransactionId
    id_tag: str
    remote_start_id: int | None = None
    seq_no: int = 0


def register_text(wh: float) -> str:
    """The meter register (Wh) as 1.6's sampledValue text: the float's shortest exact form, without ``.0``."""
    text = repr(float(wh))
    return text[:-2] if text.endswith(".0") else text


@attrs.frozen
class Dialect:
    """One OCPP version as the simulator speaks it.

    `boot`, `status`, `started`, `meter` and `stopped` build (action, payload) of a CALL; `remote_start` and
    `remote_stop` are the sans-IO handlers of the central system's remote start and stop (with the names of those
    CALLs in `remote_start_action` / `remote_stop_action`); `id_tag` reads the remote start's idTag / idToken;
    `numbered_by_csms` says whether the central system numbers transactions (1.6) or the station does (2.0.1).
    """

    version: str
    subprotocol: str
    remote_start_action: str
    remote_stop_action: str
    numbered_by_csms: bool
    boot: Callable[[str, str], tuple[str, Payload]]
    status: Callable[[int, bool, datetime], tuple[str, Payload]]
    started: Callable[[SessionFacts, float, datetime, bool], tuple[str, Payload]]
    meter: Callable[[SessionFacts, float, datetime, bool], tuple[str, Payload]]
    stopped: Callable[[SessionFacts, float, datetime, str, bool], tuple[str, Payload]]
    remote_start: Callable[[ChargePointState, Any, datetime, Any], tuple[ChargePointState, Payload]]
    remote_stop: Callable[[ChargePointState, Any], tuple[ChargePointState, Payload]]
    id_tag: Callable[[Mapping[str, Any]], str]
    remote_start_id: Callable[[Mapping[str, Any]], int | None]


# --- OCPP 1.6 -----------------------------------------------------------------------------------------------------

#: StopTransaction.req's reason (§7.43) for each way the simulator ends a transaction.
_REASONS_16 = {"Remote": "Remote", "LocalPolicy": "Other", "DeAuthorized": "DeAuthorized"}


def _boot16(vendor: str, model: str) -> tuple[str, Payload]:
    return "BootNotification", {"chargePointVendor": vendor, "chargePointModel": model}


def _status16(connector_id: int, charging: bool, at: datetime) -> tuple[str, Payload]:
    status = "Charging" if charging else "Available"
    payload = {"connectorId": connector_id, "errorCode": "NoError", "status": status, "timestamp": format_instant(at)}
    return "StatusNotification", payload


def _started16(session: SessionFacts, meter_wh: float, at: datetime, offline: bool) -> tuple[str, Payload]:
    payload = {
        "connectorId": session.connector_id,
        "idTag": session.id_tag,
        "meterStart": round(meter_wh),
        "timestamp": format_instant(at),
    }
    return "StartTransaction", payload


def _meter16(session: SessionFacts, meter_wh: float, at: datetime, offline: bool) -> tuple[str, Payload]:
    sampled = {"value": register_text(meter_wh), "measurand": REGISTER, "unit": "Wh", "context": "Sample.Periodic"}
    payload = {
        "connectorId": session.connector_id,
        "transactionId": session.transaction_id,
        "meterValue": [{"timestamp": format_instant(at), "sampledValue": [sampled]}],
    }
    return "MeterValues", payload


def _stopped16(session: SessionFacts, meter_wh: float, at: datetime, why: str, offline: bool) -> tuple[str, Payload]:
    payload = {
        "transactionId": session.transaction_id,
        "idTag": session.id_tag,
        "meterStop": round(meter_wh),
        "timestamp": format_instant(at),
        "reason": _REASONS_16[why],
    }
    return "StopTransaction", payload


def _id_tag16(payload: Mapping[str, Any]) -> str:
    return str(payload["idTag"])


OCPP16 = Dialect(
    version="1.6",
    subprotocol="ocpp1.6",
    remote_start_action="RemoteStartTransaction",
    remote_stop_action="RemoteStopTransaction",
    numbered_by_csms=True,
    boot=_boot16,
    status=_status16,
    started=_started16,
    meter=_meter16,
    stopped=_stopped16,
    remote_start=ocpp16.handle_remote_start_transaction,
    remote_stop=ocpp16.handle_remote_stop_transaction,
    id_tag=_id_tag16,
    remote_start_id=lambda payload: None,
)


# --- OCPP 2.0.1 ---------------------------------------------------------------------------------------------------

#: (triggerReason, stoppedReason) of TransactionEventRequest (Ended) for each way the simulator ends a transaction.
_REASONS_201 = {
    "Remote": ("RemoteStop", "Remote"),
    "LocalPolicy": ("ChargingStateChanged", "Other"),
    "DeAuthorized": ("Deauthorized", "DeAuthorized"),
}


def _boot201(vendor: str, model: str) -> tuple[str, Payload]:
    return "BootNotification", {"chargingStation": {"vendorName": vendor, "model": model}, "reason": "PowerUp"}


def _status201(evse_id: int, charging: bool, at: datetime) -> tuple[str, Payload]:
    status = "Occupied" if charging else "Available"
    payload = {"timestamp": format_instant(at), "connectorStatus": status, "evseId": evse_id, "connectorId": 1}
    return "StatusNotification", payload


def _event201(
    session: SessionFacts, meter_wh: float, at: datetime, offline: bool, event: str, trigger: str, context: str
) -> Payload:
    sampled = {"value": float(meter_wh), "measurand": REGISTER, "context": context}
    payload: Payload = {
        "eventType": event,
        "timestamp": format_instant(at),
        "triggerReason": trigger,
        "seqNo": session.seq_no,
        "transactionInfo": {"transactionId": session.transaction_id, "chargingState": "Charging"},
        "evse": {"id": session.connector_id, "connectorId": 1},
        "meterValue": [{"timestamp": format_instant(at), "sampledValue": [sampled]}],
    }
    if offline:
        payload["offline"] = True
    return payload


def _started201(session: SessionFacts, meter_wh: float, at: datetime, offline: bool) -> tuple[str, Payload]:
    payload = _event201(session, meter_wh, at, offline, "Started", "RemoteStart", "Transaction.Begin")
    payload["idToken"] = {"idToken": session.id_tag, "type": "Central"}
    if session.remote_start_id is not None:
        payload["transactionInfo"]["remoteStartId"] = session.remote_start_id
    return "TransactionEvent", payload


def _meter201(session: SessionFacts, meter_wh: float, at: datetime, offline: bool) -> tuple[str, Payload]:
    return "TransactionEvent", _event201(
        session, meter_wh, at, offline, "Updated", "MeterValuePeriodic", "Sample.Periodic"
    )


def _stopped201(session: SessionFacts, meter_wh: float, at: datetime, why: str, offline: bool) -> tuple[str, Payload]:
    trigger, stopped = _REASONS_201[why]
    payload = _event201(session, meter_wh, at, offline, "Ended", trigger, "Transaction.End")
    payload["transactionInfo"] = {
        "transactionId": session.transaction_id,
        "chargingState": "Idle",
        "stoppedReason": stopped,
    }
    return "TransactionEvent", payload


def _id_token201(payload: Mapping[str, Any]) -> str:
    return str(payload["idToken"]["idToken"])


def _remote_start_id201(payload: Mapping[str, Any]) -> int | None:
    value = payload.get("remoteStartId")
    return value if isinstance(value, int) else None


OCPP201 = Dialect(
    version="2.0.1",
    subprotocol="ocpp2.0.1",
    remote_start_action="RequestStartTransaction",
    remote_stop_action="RequestStopTransaction",
    numbered_by_csms=False,
    boot=_boot201,
    status=_status201,
    started=_started201,
    meter=_meter201,
    stopped=_stopped201,
    remote_start=ocpp201.handle_request_start_transaction,
    remote_stop=ocpp201.handle_request_stop_transaction,
    id_tag=_id_token201,
    remote_start_id=_remote_start_id201,
)

#: The dialects by OCPP version.
DIALECTS: Mapping[str, Dialect] = {d.version: d for d in (OCPP16, OCPP201)}


def new_transaction_id(dialect: Dialect, provisional: int) -> TransactionId:
    """The id a transaction starts under: 1.6's provisional `provisional` (negative, renumbered by
    StartTransaction.conf), or 2.0.1's own id, a UUID (identifierString, at most 36 characters)."""
    return provisional if dialect.numbered_by_csms else str(uuid.uuid4())
