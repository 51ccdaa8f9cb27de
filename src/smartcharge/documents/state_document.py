"""A whole `ChargePointState` as a JSON document and back (SPEC R17, E§3.37: installed profiles survive a
restart), for OCPP 1.6 and OCPP 2.0.1 charge points.

The document::

    {"format": "smartcharge-state", "version": 1,
     "config": {...replay-script config keys...},
     "profiles": [{"connectorId": 1, "installedAt": "2026-01-08T09:00:00Z", "chargingProfile": {...OCPP 1.6...}}],
     "transactions": [{"connectorId": 1, "transactionId": 7, "start": "2026-01-08T09:00:00Z"}]}

Profiles are written with the OCPP 1.6 codec (camelCase, §7.8) so a saved state reads like the messages that
built it. A 2.0.1 state (``"ocppVersion": "2.0.1"``, SPEC-201) has the 2.0.1 config keys, ``evseId`` for
``connectorId``, string transaction ids, and per profile its ``chargingLimitSource`` and the profile exactly as
it was received (``chargingProfile``, which GetChargingProfiles reports back, S16); a profile installed through
the Python API without one is written with the 2.0.1 codec and marked ``"asReceived": false``.
`state_from_json(state_to_json(s, v)) == s` for every state. A malformed document raises `StateDocumentError` (a
`ValueError`) saying where; a shape problem found by the JSON readers is its cause (a `DocumentError` with the path
and the kind of problem). The entries' fields are in `INSTALLED_FIELDS` and `TRANSACTION_FIELDS` (1.6) and
`INSTALLED_FIELDS_201` and `TRANSACTION_FIELDS_201`. This module knows the document's shape only: it does not
decide whether a profile could have been installed (a saved state is restored as it was), and it knows no
CALLERROR.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from smartcharge._json import (
    Field,
    Fields,
    child_path,
    read_bool,
    read_field,
    read_instant,
    read_int,
    read_mapping,
    read_object,
    read_text,
)
from smartcharge.engine.instants import format_instant
from smartcharge.engine.model import ChargePointConfig, Transaction
from smartcharge.engine.store import ChargePointState, InstalledProfile
from smartcharge.errors import DocumentError, InvalidArgumentError, ProfileValidationError, SmartChargingError
from smartcharge.ocpp16 import codec as codec16
from smartcharge.ocpp16.purposes import PURPOSES
from smartcharge.ocpp201 import codec as codec201
from smartcharge.ocpp201.purposes import ChargingProfilePurpose as Purpose201
from smartcharge.ocpp201.rules import model_on

__all__ = [
    "FORMAT",
    "INSTALLED_FIELDS",
    "INSTALLED_FIELDS_201",
    "OCPP_VERSIONS",
    "STATE_PURPOSES",
    "TRANSACTION_FIELDS",
    "TRANSACTION_FIELDS_201",
    "VERSION",
    "StateDocumentError",
    "dumps",
    "loads",
    "ocpp_version_of",
    "state_from_json",
    "state_to_json",
]

#: The value of the document's ``"format"`` key.
FORMAT = "smartcharge-state"
#: The document version this module writes and reads.
VERSION = 1
#: The OCPP versions a state document may be written for (``"ocppVersion"``; absent: 1.6).
OCPP_VERSIONS = ("1.6", "2.0.1")

#: The purposes a saved 1.6 state may hold: OCPP 1.6's, and OCPP 2.0.1's external constraints, which the charge
#: point's energy management installs itself.
STATE_PURPOSES = (*PURPOSES, Purpose201.CHARGING_STATION_EXTERNAL_CONSTRAINTS)

_DOCUMENT_KEYS = ("format", "version", "ocppVersion", "config", "profiles", "transactions")

#: An entry of a 1.6 state's ``"profiles"``; its ``chargingProfile`` is an OCPP 1.6 profile of `STATE_PURPOSES`.
INSTALLED_FIELDS: Fields = {
    "connectorId": Field(True, read_int),
    "installedAt": Field(True, read_instant),
    "chargingProfile": Field(True, read_mapping),
}
#: An entry of a 1.6 state's ``"transactions"``.
TRANSACTION_FIELDS: Fields = {
    "connectorId": Field(True, read_int),
    "transactionId": Field(True, read_int),
    "start": Field(True, read_instant),
}
#: An entry of a 2.0.1 state's ``"profiles"``: ``chargingProfile`` is a 2.0.1 ``ChargingProfileType`` object,
#: as received unless ``asReceived`` is false; ``chargingLimitSource`` absent: not recorded.
INSTALLED_FIELDS_201: Fields = {
    "evseId": Field(True, read_int),
    "installedAt": Field(True, read_instant),
    "chargingLimitSource": Field(False, read_text),
    "chargingProfile": Field(True, read_mapping),
    "asReceived": Field(False, read_bool),
}
#: An entry of a 2.0.1 state's ``"transactions"``.
TRANSACTION_FIELDS_201: Fields = {
    "evseId": Field(True, read_int),
    "transactionId": Field(True, read_text),
    "start": Field(True, read_instant),
}


class StateDocumentError(SmartChargingError, ValueError):
    """A state document is malformed; the message says where (e.g. ``profiles[2].chargingProfile.stackLevel``)."""


# --- the two dialects -------------------------------------------------------------------------------------------


def _profile16_to_json(installed: InstalledProfile) -> dict[str, Any]:
    return {
        "connectorId": installed.outlet_id,
        "installedAt": format_instant(installed.installed_at),
        "chargingProfile": codec16.profile_to_ocpp(installed.profile),
    }


def _profile16_from_json(obj: Mapping[str, Any], path: str, state: ChargePointState) -> InstalledProfile:
    fields = INSTALLED_FIELDS
    where = child_path(path, "chargingProfile")
    try:
        profile = codec16.read_profile(read_field(obj, "chargingProfile", path, fields), where, STATE_PURPOSES)
    except ProfileValidationError as exc:
        raise StateDocumentError(f"{where} breaks {exc}") from None
    return InstalledProfile(
        outlet_id=read_field(obj, "connectorId", path, fields),
        profile=profile,
        installed_at=read_field(obj, "installedAt", path, fields),
    )


def _profile201_to_json(installed: InstalledProfile) -> dict[str, Any]:
    entry: dict[str, Any] = {"evseId": installed.outlet_id, "installedAt": format_instant(installed.installed_at)}
    if installed.source is not None:
        entry["chargingLimitSource"] = installed.source
    if installed.document is None:
        return {**entry, "chargingProfile": codec201.profile_to_ocpp(installed.profile), "asReceived": False}
    return {**entry, "chargingProfile": json.loads(installed.document)}


def _profile201_from_json(obj: Mapping[str, Any], path: str, state: ChargePointState) -> InstalledProfile:
    """A 2.0.1 entry, its profile bound as the handlers bind it on `state` (its configuration and transactions:
    `rules.model_on`)."""
    fields = INSTALLED_FIELDS_201
    outlet_id = read_field(obj, "evseId", path, fields)
    value = read_field(obj, "chargingProfile", path, fields)
    where = child_path(path, "chargingProfile")
    if not 0 <= outlet_id <= state.config.outlet_count:
        raise StateDocumentError(f"{child_path(path, 'evseId')} {outlet_id} is not 0..{state.config.outlet_count}")
    try:
        profile = model_on(state, outlet_id, codec201.read_profile(value))
    except ProfileValidationError as exc:
        raise StateDocumentError(f"{where} breaks {exc}") from None
    except DocumentError as exc:
        raise StateDocumentError(f"{where}{exc.path and '.' + exc.path} {exc.message}") from exc
    as_received = read_field(obj, "asReceived", path, fields) is not False
    return InstalledProfile(
        outlet_id=outlet_id,
        profile=profile,
        installed_at=read_field(obj, "installedAt", path, fields),
        source=read_field(obj, "chargingLimitSource", path, fields),
        document=codec201.document_text(value) if as_received else None,
    )


@attrs.frozen
class _Dialect:
    """How one OCPP version writes a state: its config keys, the key of an outlet, its profile entries and the
    JSON type of a transaction id."""

    outlet_key: str
    config_to_json: Callable[[ChargePointConfig], dict[str, Any]]
    config_from_json: Callable[[Mapping[str, Any]], ChargePointConfig]
    profile_to_json: Callable[[InstalledProfile], dict[str, Any]]
    profile_fields: Fields
    profile_from_json: Callable[[Mapping[str, Any], str, ChargePointState], InstalledProfile]
    transaction_fields: Fields


_DIALECTS = {
    "1.6": _Dialect(
        "connectorId",
        codec16.config_to_ocpp,
        codec16.config_from_ocpp,
        _profile16_to_json,
        INSTALLED_FIELDS,
        _profile16_from_json,
        TRANSACTION_FIELDS,
    ),
    "2.0.1": _Dialect(
        "evseId",
        codec201.config_to_ocpp,
        codec201.config_from_ocpp,
        _profile201_to_json,
        INSTALLED_FIELDS_201,
        _profile201_from_json,
        TRANSACTION_FIELDS_201,
    ),
}


def _dialect(ocpp_version: Any) -> _Dialect:
    if not isinstance(ocpp_version, str) or ocpp_version not in _DIALECTS:
        raise InvalidArgumentError(f"ocppVersion must be one of {', '.join(OCPP_VERSIONS)}, not {ocpp_version!r}")
    return _DIALECTS[ocpp_version]


# --- writing ----------------------------------------------------------------------------------------------------


def state_to_json(state: ChargePointState, ocpp_version: str = "1.6") -> dict[str, Any]:
    """`state` as a JSON-able document (R17) in the words of `ocpp_version` (``"1.6"`` or ``"2.0.1"``):
    configuration, installed profiles with their outlet and install time, active transactions."""
    dialect = _dialect(ocpp_version)
    if not isinstance(state, ChargePointState):
        raise InvalidArgumentError(f"state must be a ChargePointState, not {type(state).__name__}")
    version = {} if ocpp_version == "1.6" else {"ocppVersion": ocpp_version}
    return {
        "format": FORMAT,
        "version": VERSION,
        **version,
        "config": dialect.config_to_json(state.config),
        "profiles": [dialect.profile_to_json(p) for p in state.profiles],
        "transactions": [
            {dialect.outlet_key: t.outlet_id, "transactionId": t.transaction_id, "start": format_instant(t.start)}
            for t in state.transactions
        ],
    }


def dumps(state: ChargePointState, *, indent: int | None = None, ocpp_version: str = "1.6") -> str:
    """`state_to_json(state, ocpp_version)` as a JSON string."""
    return json.dumps(state_to_json(state, ocpp_version), indent=indent)


# --- reading ----------------------------------------------------------------------------------------------------


def _transaction_from_json(value: Any, path: str, dialect: _Dialect) -> Transaction:
    fields = dialect.transaction_fields
    obj = read_object(value, path, fields)
    return Transaction(
        outlet_id=read_field(obj, dialect.outlet_key, path, fields),
        transaction_id=read_field(obj, "transactionId", path, fields),
        start=read_field(obj, "start", path, fields),
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


def ocpp_version_of(document: Any) -> str:
    """The OCPP version a state document is written for (``"1.6"`` where it names none); `StateDocumentError`
    when it is no state document or names an unknown version."""
    version = _check_header(document).get("ocppVersion", "1.6")
    if version not in _DIALECTS:
        raise StateDocumentError(f"ocppVersion must be one of {', '.join(OCPP_VERSIONS)}, not {version!r}")
    return str(version)


def state_from_json(document: Any) -> ChargePointState:
    """The `ChargePointState` a `state_to_json` document describes (R17), of either OCPP version. Raises
    `StateDocumentError` naming the offending place when the document is malformed (caused by the `DocumentError`
    of a shape problem)."""
    dialect = _DIALECTS[ocpp_version_of(document)]
    try:
        config = dialect.config_from_json(document.get("config", {}))
        transactions = [
            _transaction_from_json(v, f"transactions[{i}]", dialect)
            for i, v in enumerate(_items(document, "transactions"))
        ]
        state = ChargePointState(config=config, transactions=transactions)
        profiles = []
        for i, value in enumerate(_items(document, "profiles")):
            path = f"profiles[{i}]"
            profiles.append(dialect.profile_from_json(read_object(value, path, dialect.profile_fields), path, state))
        return attrs.evolve(state, profiles=profiles)
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
