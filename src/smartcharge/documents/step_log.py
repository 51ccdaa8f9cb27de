"""The step log: one JSON line per charging step, written by ``smartcharge simulate``, ``fleet`` and ``station``
with ``--log FILE`` and read by ``smartcharge analyze`` (`StepLogWriter`, `read_step_log`, `FleetPartLog`).

The format (``smartcharge-steps``, version 1) is a header line, then state lines and step lines in the order they
happened::

    {"format": "smartcharge-steps", "version": 1}
    {"at": "2026-01-08T09:00:00Z", "chargePoint": "cp1", "state": {...a state document (state_to_json)...}}
    {"at": "2026-01-08T09:00:00Z", "chargePoint": "cp1", "connector": 1, "transaction": 7, "intervalS": 60,
     "requestedWh": 250.0, "deliveredWh": 116.67, "limitW": 7000.0, "shareW": null,
     "bound": {"kind": "profile", "id": 1, "purpose": "TxDefaultProfile", "stackLevel": 0, "connector": 1}}

A state line holds a charge point's profiles and transactions; the writer writes one before the first step of a
charge point and again before the next step whenever the state changed (a profile set or cleared, a transaction
started or ended), so every step is preceded by the state it was decided on. ``bound`` is what bound the step
(`step_record.Bound`: ``profile``, ``balancer``, ``localPolicy`` or ``none``); ``limitW`` and ``shareW`` are null
when there was no OCPP limit or no balancer share; the last step of a session carries ``stopReason``.

This module knows the format and files; what the records mean is `smartcharge.charging.step_record`'s, and how
they add up `smartcharge.charging.analysis`'s.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TextIO

import attrs

from smartcharge.charging.fleet import FleetPart, FleetTotals, simulate_part
from smartcharge.charging.step_record import Bound, BoundKind, StateRecord, StepRecord
from smartcharge.documents.state_document import StateDocumentError, state_from_json, state_to_json
from smartcharge.engine.instants import format_instant, from_epoch, parse_instant, to_epoch
from smartcharge.engine.store import ChargePointState
from smartcharge.errors import InvalidArgumentError

__all__ = ["FORMAT", "VERSION", "FleetPartLog", "StepLogError", "StepLogWriter", "read_step_log"]

#: The ``format`` of a step log's header line.
FORMAT = "smartcharge-steps"
#: The ``version`` of the format this module writes and reads.
VERSION = 1

_HEADER = json.dumps({"format": FORMAT, "version": VERSION})


class StepLogError(InvalidArgumentError):
    """A step log cannot be read: the message names the line and the field at fault."""


def bound_to_json(bound: Bound) -> dict[str, Any]:
    """`bound` as the log writes it."""
    if bound.kind is BoundKind.PROFILE:
        return {
            "kind": "profile",
            "id": bound.profile_id,
            "purpose": bound.purpose,
            "stackLevel": bound.stack_level,
            "connector": bound.outlet_id,
        }
    return {"kind": bound.kind.value}


def _state_document(state: ChargePointState) -> dict[str, Any]:
    """`state` as a state document, in the OCPP version its profiles speak (1.6 where it can be written so)."""
    try:
        return state_to_json(state, "1.6")
    except (InvalidArgumentError, KeyError, ValueError):
        return state_to_json(state, "2.0.1")


class StepLogWriter:
    """Writes a step log to `stream`: the header at once (unless `header` is false: appending to a log), then
    `write` (or calling the writer: it is a `step_record.StepSink`) for every step. It keeps only the last state it
    wrote."""

    def __init__(self, stream: TextIO, *, header: bool = True) -> None:
        self.stream = stream
        self._last: tuple[str, ChargePointState] | None = None
        if header:
            stream.write(_HEADER + "\n")

    def write(self, charge_point: str, state: ChargePointState, record: StepRecord) -> None:
        """Writes `record`, after a state line when `state` is not the last one written for `charge_point`."""
        last = self._last
        if last is None or last[0] != charge_point or last[1] is not state:
            if last is None or last[0] != charge_point or last[1] != state:
                line = {"at": format_instant(from_epoch(record.at)), "chargePoint": charge_point}
                self.stream.write(json.dumps({**line, "state": _state_document(state)}) + "\n")
            self._last = (charge_point, state)
        self.stream.write(json.dumps(step_to_json(record)) + "\n")

    __call__ = write


def step_to_json(record: StepRecord) -> dict[str, Any]:
    """`record` as a step line."""
    line: dict[str, Any] = {
        "at": format_instant(from_epoch(record.at)),
        "chargePoint": record.charge_point,
        "connector": record.outlet_id,
        "transaction": record.transaction_id,
        "intervalS": record.interval_s,
        "requestedWh": record.requested_wh,
        "deliveredWh": record.delivered_wh,
        "limitW": record.limit_w,
        "shareW": record.share_w,
        "bound": bound_to_json(record.bound),
    }
    if record.stop_reason is not None:
        line["stopReason"] = record.stop_reason
    return line


# --- reading ------------------------------------------------------------------------------------------------------


def _field(line: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str, optional: bool = False) -> Any:
    value = line.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, kind) or isinstance(value, bool):
        raise StepLogError(f"{where}: {key} must be {_kind_name(kind)}, not {value!r}")
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {int: "a whole number", float: "a number", str: "a string", dict: "an object"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if kinds == (int, float):
        return "a number"
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _number(line: Mapping[str, Any], key: str, where: str, optional: bool = False) -> float | None:
    value = _field(line, key, (int, float), where, optional)
    if value is not None and not (math.isfinite(value) and value >= 0):
        raise StepLogError(f"{where}: {key} must be a finite number >= 0, not {value!r}")
    return None if value is None else float(value)


def _instant(line: Mapping[str, Any], where: str) -> int:
    text = _field(line, "at", str, where)
    try:
        return to_epoch(parse_instant(text))
    except InvalidArgumentError as exc:
        raise StepLogError(f"{where}: at: {exc}") from None


def _bound(value: Any, where: str) -> Bound:
    if not isinstance(value, dict):
        raise StepLogError(f"{where}: bound must be an object, not {value!r}")
    try:
        kind = BoundKind(value.get("kind"))
    except ValueError:
        kinds = ", ".join(k.value for k in BoundKind)
        raise StepLogError(f"{where}: bound.kind must be one of {kinds}, not {value.get('kind')!r}") from None
    if kind is not BoundKind.PROFILE:
        return Bound(kind)
    where = f"{where}: bound"
    return Bound(
        kind,
        _field(value, "id", int, where),
        _field(value, "purpose", str, where),
        _field(value, "stackLevel", int, where),
        _field(value, "connector", int, where),
    )


def _step(line: Mapping[str, Any], where: str) -> StepRecord:
    requested = _number(line, "requestedWh", where)
    delivered = _number(line, "deliveredWh", where)
    interval = _field(line, "intervalS", int, where)
    if interval < 1:
        raise StepLogError(f"{where}: intervalS must be a whole number >= 1, not {interval!r}")
    transaction = line.get("transaction")
    if transaction is not None and (isinstance(transaction, bool) or not isinstance(transaction, (int, str))):
        raise StepLogError(f"{where}: transaction must be a whole number, a string or null, not {transaction!r}")
    assert requested is not None and delivered is not None
    return StepRecord(
        _instant(line, where),
        _field(line, "chargePoint", str, where),
        _field(line, "connector", int, where),
        transaction,
        interval,
        requested,
        delivered,
        _number(line, "limitW", where, optional=True),
        _number(line, "shareW", where, optional=True),
        _bound(line.get("bound"), where),
        _field(line, "stopReason", str, where, optional=True),
    )


def read_step_log(lines: Iterable[str], name: str = "step log") -> Iterator[StepRecord | StateRecord]:
    """The records of a step log, one by one (`lines`: an open file or any iterable of its lines; `name` names
    it in errors). `StepLogError` naming the line and field of the first problem: a missing or unknown header,
    a line that is no JSON object, a field of the wrong type."""
    header = True
    for number, text in enumerate(lines, 1):
        where = f"{name} line {number}"
        if not text.strip():
            continue
        try:
            line = json.loads(text)
        except ValueError as exc:
            raise StepLogError(f"{where}: not JSON: {exc}") from None
        if not isinstance(line, dict):
            raise StepLogError(f"{where}: a line must be a JSON object, not {type(line).__name__}")
        if header:
            if line.get("format") != FORMAT or line.get("version") != VERSION:
                raise StepLogError(
                    f"{where}: not a step log: the first line must be {_HEADER}, not "
                    f"format {line.get('format')!r} version {line.get('version')!r}"
                )
            header = False
            continue
        if "state" in line:
            try:
                state = state_from_json(line["state"])
            except StateDocumentError as exc:
                raise StepLogError(f"{where}: state: {exc}") from None
            yield StateRecord(_instant(line, where), _field(line, "chargePoint", str, where), state)
        else:
            yield _step(line, where)
    if header:
        raise StepLogError(f"{name}: empty: a step log starts with {_HEADER}")


# --- a fleet's parts ----------------------------------------------------------------------------------------------


@attrs.frozen
class FleetPartLog:
    """Runs a fleet part (`simulate_part`) writing its steps to a log file of its own, `path` plus the index of
    its first charge point (``steps.jsonl.part000064``): the `task` that `smartcharge.fleet.simulate_fleet` runs
    for ``smartcharge fleet --log``. Each worker writes its shards as it steps them; nothing is held."""

    path: str

    def part_path(self, part: FleetPart) -> str:
        """The file the steps of `part` go to."""
        first = min((offset + lo for offset, _, lo, _ in part.pieces), default=0)
        return f"{self.path}.part{first:06d}"

    def __call__(self, part: FleetPart) -> FleetTotals:
        with open(self.part_path(part), "w", encoding="utf-8") as stream:
            return simulate_part(part, log=StepLogWriter(stream))
