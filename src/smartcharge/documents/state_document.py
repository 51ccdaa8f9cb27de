"""A whole `ChargePointState` as a JSON document and back (SPEC R17, E§3.37: installed profiles survive a
restart).

The document::

    {"format": "smartcharge-state", "version": 1,
     "config": {...replay-script config keys...},
     "profiles": [{"connectorId": 1, "installedAt": "2026-01-08T09:00:00Z", "chargingProfile": {...OCPP 1.6...}}],
     "transactions": [{"connectorId": 1, "transactionId": 7, "start": "2026-01-08T09:00:00Z"}]}

Profiles are written with the OCPP 1.6 codec (camelCase, §7.8) so a saved state reads like the messages that
built it; `state_from_json(state_to_json(s)) == s` for every state. A malformed document raises
`StateDocumentError` (a `ValueError`) saying where; a shape problem found by the JSON readers is its cause (a
`DocumentError` with the path and the kind of problem). The entries' fields are in `INSTALLED_FIELDS` and
`TRANSACTION_FIELDS`. This module knows the document's shape only: it does not decide whether a profile could have
been installed (a saved state is restored as it was), and it knows no CALLERROR.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from smartcharge._json import (
    Field,
    Fields,
    child_path,
    read_field,
    read_instant,
    read_int,
    read_mapping,
    read_object,
)
from smartcharge.engine.instants import format_instant
from smartcharge.engine.model import Transaction
from smartcharge.engine.store import ChargePointState, InstalledProfile
from smartcharge.errors import DocumentError, InvalidArgumentError, ProfileValidationError, SmartChargingError
from smartcharge.ocpp16.codec import config_from_ocpp, config_to_ocpp, profile_to_ocpp, read_profile
from smartcharge.ocpp16.purposes import PURPOSES
from smartcharge.ocpp201.purposes import ChargingProfilePurpose as Purpose201

__all__ = [
    "FORMAT",
    "INSTALLED_FIELDS",
    "STATE_PURPOSES",
    "TRANSACTION_FIELDS",
    "VERSION",
    "StateDocumentError",
    "dumps",
    "loads",
    "state_from_json",
    "state_to_json",
]

#: The value of the document's ``"format"`` key.
FORMAT = "smartcharge-state"
#: The document version this module writes and reads.
VERSION = 1

#: The purposes a saved state may hold: OCPP 1.6's, and OCPP 2.0.1's external constraints, which the charge
#: point's energy management installs itself.
STATE_PURPOSES = (*PURPOSES, Purpose201.CHARGING_STATION_EXTERNAL_CONSTRAINTS)

_DOCUMENT_KEYS = ("format", "version", "config", "profiles", "transactions")

#: An entry of ``"profiles"``; its ``chargingProfile`` is an OCPP 1.6 profile of `STATE_PURPOSES`.
INSTALLED_FIELDS: Fields = {
    "connectorId": Field(True, read_int),
    "installedAt": Field(True, read_instant),
    "chargingProfile": Field(True, read_mapping),
}
#: An entry of ``"transactions"``.
TRANSACTION_FIELDS: Fields = {
    "connectorId": Field(True, read_int),
    "transactionId": Field(True, read_int),
    "start": Field(True, read_instant),
}


class StateDocumentError(SmartChargingError, ValueError):
    """A state document is malformed; the message says where (e.g. ``profiles[2].chargingProfile.stackLevel``)."""


# --- writing ----------------------------------------------------------------------------------------------------


def _installed_to_json(installed: InstalledProfile) -> dict[str, Any]:
    return {
        "connectorId": installed.outlet_id,
        "installedAt": format_instant(installed.installed_at),
        "chargingProfile": profile_to_ocpp(installed.profile),
    }


def _transaction_to_json(transaction: Transaction) -> dict[str, Any]:
    return {
        "connectorId": transaction.outlet_id,
        "transactionId": transaction.transaction_id,
        "start": format_instant(transaction.start),
    }


def state_to_json(state: ChargePointState) -> dict[str, Any]:
    """`state` as a JSON-able document (R17): configuration, installed profiles with their connector and install
    time, active transactions."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "config": config_to_ocpp(state.config),
        "profiles": [_installed_to_json(p) for p in state.profiles],
        "transactions": [_transaction_to_json(t) for t in state.transactions],
    }


def dumps(state: ChargePointState, *, indent: int | None = None) -> str:
    """`state_to_json(state)` as a JSON string."""
    return json.dumps(state_to_json(state), indent=indent)


# --- reading ----------------------------------------------------------------------------------------------------


def _installed_from_json(value: Any, path: str) -> InstalledProfile:
    obj = read_object(value, path, INSTALLED_FIELDS)
    outlet_id = read_field(obj, "connectorId", path, INSTALLED_FIELDS)
    installed_at = read_field(obj, "installedAt", path, INSTALLED_FIELDS)
    where = child_path(path, "chargingProfile")
    try:
        profile = read_profile(read_field(obj, "chargingProfile", path, INSTALLED_FIELDS), where, STATE_PURPOSES)
    except ProfileValidationError as exc:
        raise StateDocumentError(f"{where} breaks {exc}") from None
    return InstalledProfile(outlet_id=outlet_id, profile=profile, installed_at=installed_at)


def _transaction_from_json(value: Any, path: str) -> Transaction:
    obj = read_object(value, path, TRANSACTION_FIELDS)
    return Transaction(
        outlet_id=read_field(obj, "connectorId", path, TRANSACTION_FIELDS),
        transaction_id=read_field(obj, "transactionId", path, TRANSACTION_FIELDS),
        start=read_field(obj, "start", path, TRANSACTION_FIELDS),
    )


def _items(document: Mapping[str, Any], key: str) -> list[Any]:
    value = document.get(key, [])
    if not isinstance(value, list):
        raise StateDocumentError(f"{key} must be an array, not {type(value).__name__}")
    return value


def _check_header(document: Any) -> Mapping[str, Any]:
    if not isinstance(document, Mapping):
        raise StateDocumentError(f"a state document is a JSON object, not {type(document).__name__}")
    if document.get("format") != FORMAT:
        raise StateDocumentError(f"format must be {FORMAT!r}, not {document.get('format')!r}")
    if document.get("version") != VERSION:
        raise StateDocumentError(f"version {document.get('version')!r} is not supported (this reads {VERSION})")
    unknown = sorted(str(k) for k in document if k not in _DOCUMENT_KEYS)
    if unknown:
        raise StateDocumentError(f"unknown key(s) {', '.join(unknown)}")
    return document


def state_from_json(document: Any) -> ChargePointState:
    """The `ChargePointState` a `state_to_json` document describes (R17). Raises `StateDocumentError` naming
    the offending place when the document is malformed (caused by the `DocumentError` of a shape problem)."""
    doc = _check_header(document)
    try:
        config = config_from_ocpp(doc.get("config", {}))
        profiles = [_installed_from_json(v, f"profiles[{i}]") for i, v in enumerate(_items(doc, "profiles"))]
        transactions = [
            _transaction_from_json(v, f"transactions[{i}]") for i, v in enumerate(_items(doc, "transactions"))
        ]
        return ChargePointState(config=config, profiles=profiles, transactions=transactions)
    except StateDocumentError:
        raise
    except DocumentError as exc:
        raise StateDocumentError(str(exc)) from exc
    except InvalidArgumentError as exc:  # the configuration's, a transaction's or the state's own checks
        raise StateDocumentError(str(exc)) from None


def loads(text: str) -> ChargePointState:
    """The state in a JSON string written by `dumps`; `StateDocumentError` when the text is no JSON or no state
    document, `InvalidArgumentError` when `text` is no string at all."""
    if not isinstance(text, (str, bytes, bytearray)):
        raise InvalidArgumentError(f"text must be a JSON string, not {type(text).__name__}")
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, bytes not UTF-8, an integer of 5,000 digits
        raise StateDocumentError(f"not JSON: {exc}") from None
    return state_from_json(document)
