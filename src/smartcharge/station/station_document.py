"""The file behind ``smartcharge station --state FILE``: everything the simulated charge point must find again
after a restart, written atomically after every change (`persistence.write_atomically`).

One JSON object::

    {"format": "smartcharge-station", "version": 1, "chargePointId": "CP1", "ocppVersion": "1.6",
     "state": {...},                  # the smart-charging state: a state document (profiles, transactions)
     "meters": {"1": 1250.0, ...},    # each connector's Energy.Active.Import.Register (Wh)
     "sessions": [...],               # the transactions in progress, with their steps and energy
     "sessionsStarted": 3,
     "transactionIds": [[-3, 41]],    # 1.6: provisional id -> the central system's
     "outbox": [...]}                 # the transaction messages not yet answered, in order

``state`` is the document `state_document.state_to_json` writes, in the dialect of ``ocppVersion``, so
``smartcharge composite`` and the other commands read it once taken out of the file. Reading refuses anything
else with `PersistenceError`, naming the problem; a refused file loads nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smartcharge.documents.persistence import PersistenceError, write_atomically
from smartcharge.documents.state_document import StateDocumentError, state_from_json, state_to_json
from smartcharge.engine.instants import format_instant, parse_instant
from smartcharge.errors import SmartChargingError
from smartcharge.station.records import QueuedMessage, Session

if TYPE_CHECKING:
    from smartcharge.station.simulator import Station

__all__ = ["FORMAT", "VERSION", "load_into", "save"]

#: The document's ``"format"``.
FORMAT = "smartcharge-station"
#: The version this module writes and reads.
VERSION = 1


def _session_to_json(session: Session) -> dict[str, Any]:
    return {
        "connectorId": session.connector_id,
        "transactionId": session.transaction_id,
        "localId": session.local_id,
        "idTag": session.id_tag,
        "startedAt": format_instant(session.started_at),
        "number": session.number,
        "stepsDone": session.steps_done,
        "deliveredWh": session.delivered_wh,
        "seqNo": session.seq_no,
        "remoteStartId": session.remote_start_id,
    }


def to_json(station: Station) -> dict[str, Any]:
    """`station` as the document of this module."""
    version = station.settings.ocpp_version
    return {
        "format": FORMAT,
        "version": VERSION,
        "chargePointId": station.settings.charge_point_id,
        "ocppVersion": version,
        "state": state_to_json(station.state, version),
        "meters": {str(c): wh for c, wh in station.meters.items()},
        "sessions": [_session_to_json(s) for s in station.sessions.values()],
        "sessionsStarted": station.sessions_started,
        "transactionIds": [[local, csms] for local, csms in station.csms_ids.items()],
        "outbox": [
            {"uniqueId": m.unique_id, "action": m.action, "payload": m.payload, "transaction": m.transaction}
            for m in station.outbox
            if m.transactional
        ],
    }


def save(station: Station, path: str | os.PathLike[str]) -> None:
    """Writes `station` to `path` atomically: the old file or the new one, never a mix."""
    write_atomically(path, json.dumps(to_json(station), indent=1).encode("utf-8"))


def _started(text: Any) -> datetime:
    if not isinstance(text, str):
        raise ValueError(f"startedAt must be a time, not {text!r}")
    return parse_instant(text)


def _apply(station: Station, document: Mapping[str, Any]) -> None:
    if document.get("format") != FORMAT or document.get("version") != VERSION:
        raise ValueError(f"not a {FORMAT} document of version {VERSION}")
    if document["ocppVersion"] != station.settings.ocpp_version:
        raise ValueError(f"it is for OCPP {document['ocppVersion']}, the station runs {station.settings.ocpp_version}")
    state = state_from_json(document["state"])
    wanted = station.settings.connectors
    if wanted is not None and wanted != state.config.outlet_count:
        raise ValueError(f"it holds {state.config.outlet_count} connectors, the station is started with {wanted}")
    meters = {int(c): float(wh) for c, wh in document["meters"].items()}
    if set(meters) != set(state.config.outlet_ids):
        raise ValueError(f"meters are for connectors {sorted(meters)}, not {list(state.config.outlet_ids)}")
    sessions = {}
    for s in document["sessions"]:
        session = Session(
            s["connectorId"],
            s["transactionId"],
            s["localId"],
            str(s["idTag"]),
            _started(s["startedAt"]),
            int(s["number"]),
            int(s["stepsDone"]),
            float(s["deliveredWh"]),
            int(s["seqNo"]),
            s["remoteStartId"],
        )
        if state.transaction_on(session.connector_id) != state.find_transaction(session.transaction_id) or (
            state.find_transaction(session.transaction_id) is None
        ):
            raise ValueError(f"session on connector {session.connector_id} has no transaction in the state")
        sessions[session.connector_id] = session
    outbox = [
        QueuedMessage(m["action"], dict(m["payload"]), str(m["uniqueId"]), m["transaction"]) for m in document["outbox"]
    ]
    station.state, station.meters, station.sessions, station.outbox = state, meters, sessions, outbox
    station.sessions_started = int(document["sessionsStarted"])
    station.csms_ids = {local: csms for local, csms in document["transactionIds"]}


def load_into(station: Station, path: str | os.PathLike[str]) -> None:
    """Makes `station` what the file at `path` says; `PersistenceError` naming the problem (nothing loaded)."""
    source = Path(path)
    try:
        document = json.loads(source.read_text(encoding="utf-8"))
        if not isinstance(document, Mapping):
            raise ValueError("it is not a JSON object")
        _apply(station, document)
    except (ValueError, KeyError, TypeError, AttributeError, StateDocumentError, SmartChargingError) as exc:
        problem = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
        raise PersistenceError(f"{source}: not a station state this simulator can resume: {problem}") from None
