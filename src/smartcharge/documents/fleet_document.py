"""The fleet spec document: a JSON object describing a fleet, read into a `FleetSpec` (``smartcharge fleet
SPEC.json``).

A fleet spec names the horizon and the charge points, group by group::

    {"start": "2026-01-08T00:00:00Z", "durationS": 86400, "intervalS": 60, "seed": 7, "siteLimitW": 2000000,
     "chargePoints": [
       {"name": "depot", "count": 500, "from": "evening.json",
        "sessions": {"gapS": [0, 14400], "dwellS": [3600, 28800], "energyWh": [5000, 50000], "powerW": [3700, 11000]},
        "variation": {"limitScale": [0.8, 1.2]}, "policy": {"energyCapKwh": 30}},
       {"name": "office", "from": {"config": {"connectorCount": 2}, "events": []},
        "sessions": [{"connectorId": 1, "arrivalS": 28800, "energyWh": 20000, "stepWh": [100, 180],
                      "departureS": 61200}]}]}

``from`` is a charge point like every command takes one: a saved state or a replay script (its events applied),
given inline or as a file path relative to the spec's folder; its transactions are left out (the fleet's sessions
start their own). ``sessions`` is a list of sessions (every copy gets them) or a pattern drawn for each copy
(absent: the default `SessionPattern`). ``policy`` is a local policy document (`policy_from_document`, R35).

Every problem raises `FleetSpecError` with the path of the field at fault (``chargePoints[1].sessions[0].energyWh``).
This module reads documents and files; the fleet itself is `smartcharge.charging.fleet`'s.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from smartcharge._json import (
    Settings,
    child_path,
    read_array,
    read_instant,
    read_int,
    read_mapping,
    read_number,
    read_object,
    read_optional,
    read_required,
    read_settings,
    read_text,
)
from smartcharge.charging.fleet import ChargePointGroup, FleetSpec, Session, SessionPattern, Variation
from smartcharge.charging.simulation import policy_from_document
from smartcharge.documents.replay import replay_script
from smartcharge.documents.state_document import state_from_json
from smartcharge.engine.store import ChargePointState
from smartcharge.errors import DocumentError, DocumentProblem, InvalidArgumentError, SmartChargingError

__all__ = ["FleetSpecError", "fleet_spec_from_json", "load_fleet_spec"]


class FleetSpecError(SmartChargingError, ValueError):
    """A fleet spec cannot be read: the message starts with the path of the field at fault
    (``chargePoints[1].sessions[0].energyWh``), then says what is wrong with it."""


def _pair(value: Any, path: str) -> tuple[float, float]:
    """A ``[low, high]`` array of two numbers (whole numbers stay ints; the model checks the range)."""
    items = read_array(value, path)
    if len(items) != 2:
        raise FleetSpecError(f"{path}: must be [low, high], two numbers, not {len(items)} values")
    low, high = (
        item if isinstance(item, int) and not isinstance(item, bool) else read_number(item, f"{path}[{i}]")
        for i, item in enumerate(items)
    )
    return low, high


_SPEC_FIELDS = {"start", "durationS", "hours", "intervalS", "seed", "siteLimitW", "chargePoints"}
_GROUP_FIELDS = {"name", "count", "from", "sessions", "policy", "variation"}
_SESSION: Settings = {
    "connectorId": ("outlet_id", read_int),
    "evseId": ("outlet_id", read_int),
    "arrivalS": ("arrival_s", read_int),
    "energyWh": ("energy_wh", read_number),
    "stepWh": ("step_wh", _pair),
    "departureS": ("departure_s", read_int),
}
_PATTERN: Settings = {
    "gapS": ("gap_s", _pair),
    "dwellS": ("dwell_s", _pair),
    "energyWh": ("energy_wh", _pair),
    "powerW": ("power_w", _pair),
}
_VARIATION: Settings = {"limitScale": ("limit_scale", _pair)}


def _build(kind: Callable[..., Any], value: Any, path: str, settings: Settings, required: tuple[str, ...] = ()) -> Any:
    """`kind` built from the object at `path` read with `settings`; the model's refusal names the JSON field."""
    obj = read_mapping(value, path)
    for key in required:
        if not any(k in obj for k in settings if settings[k][0] == key):
            names = " or ".join(k for k in settings if settings[k][0] == key)
            raise DocumentError(child_path(path, names), DocumentProblem.MISSING, "is required")
    arguments = read_settings(obj, path, settings)
    try:
        return kind(**arguments)
    except InvalidArgumentError as exc:
        field = next((k for k, (attribute, _) in settings.items() if k in obj and f".{attribute} " in str(exc)), "")
        raise FleetSpecError(f"{child_path(path, field) if field else path}: {exc}") from None


def _base_dir(base_dir: str | os.PathLike[str] | None) -> Path:
    return Path(".") if base_dir is None else Path(base_dir)


def _read_file(path: Path, where: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise FleetSpecError(f"{where}: cannot read {path}: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FleetSpecError(f"{where}: {path} is not JSON: {exc}") from None


def _charge_point(value: Any, path: str, base_dir: Path) -> ChargePointState:
    """A saved state or a replay script, inline or in a file relative to `base_dir`."""
    document = _read_file(base_dir / read_text(value, path), path) if isinstance(value, str) else value
    read_mapping(document, path)
    try:
        if "events" in document:
            return replay_script(document).state
        return state_from_json(document)
    except SmartChargingError as exc:
        raise FleetSpecError(f"{path}: not a charge point (a saved state or a replay script): {exc}") from None


def _sessions(value: Any, path: str) -> tuple[Session, ...] | SessionPattern:
    if isinstance(value, Mapping):
        pattern: SessionPattern = _build(SessionPattern, read_object(value, path, _PATTERN), path, _PATTERN)
        return pattern
    return tuple(
        _build(Session, item, f"{path}[{i}]", _SESSION, ("outlet_id", "arrival_s", "energy_wh", "step_wh"))
        for i, item in enumerate(read_array(value, path))
    )


def _group(value: Any, path: str, base_dir: Path) -> ChargePointGroup:
    obj = read_object(value, path, _GROUP_FIELDS)
    state = read_required(obj, "from", path, lambda v, p: _charge_point(v, p, base_dir))
    arguments: dict[str, Any] = {"state": state}
    name = read_optional(obj, "name", path, read_text)
    count = read_optional(obj, "count", path, read_int)
    sessions = read_optional(obj, "sessions", path, _sessions)
    policy = read_optional(obj, "policy", path, read_mapping)
    variation = read_optional(obj, "variation", path, lambda v, p: _build(Variation, v, p, _VARIATION))
    for key, item in (("name", name), ("count", count), ("sessions", sessions), ("variation", variation)):
        if item is not None:
            arguments[key] = item
    if policy is not None:
        try:
            policy_from_document(policy)
        except InvalidArgumentError as exc:
            raise FleetSpecError(f"{child_path(path, 'policy')}: {exc}") from None
        arguments["policy"] = dict(policy)
    try:
        return ChargePointGroup(**arguments)
    except InvalidArgumentError as exc:  # the count, or sessions that overlap or name no outlet of the charge point
        text = str(exc)
        where = (
            child_path(path, "count") + ": "
            if ".count " in text
            else f"{path}."
            if text.startswith("sessions[")
            else ""
        )
        raise FleetSpecError(f"{where or path + ': '}{text}") from None


def fleet_spec_from_json(document: Any, *, base_dir: str | os.PathLike[str] | None = None) -> FleetSpec:
    """The `FleetSpec` a fleet spec document describes; file paths in it are relative to `base_dir` (default: the
    working directory). `FleetSpecError` names the field at fault."""
    try:
        spec = read_object(document, "", _SPEC_FIELDS)
        start = read_required(spec, "start", "", read_instant)
        if ("durationS" in spec) == ("hours" in spec):
            raise FleetSpecError("durationS: give the horizon as durationS (seconds) or hours, one of them")
        duration = read_optional(spec, "durationS", "", read_int)
        if duration is None:
            hours = read_required(spec, "hours", "", read_number)
            duration = round(hours * 3_600) if hours * 3_600 == round(hours * 3_600) else -1
            if duration <= 0:
                raise FleetSpecError(f"hours: must be a positive number of whole seconds, not {spec['hours']!r}")
        interval = read_required(spec, "intervalS", "", read_int)
        seed = read_optional(spec, "seed", "", read_int)
        site_limit = read_optional(spec, "siteLimitW", "", read_number)
        folder = _base_dir(base_dir)
        groups = [
            _group(item, f"chargePoints[{i}]", folder)
            for i, item in enumerate(read_required(spec, "chargePoints", "", read_array))
        ]
    except DocumentError as exc:
        raise FleetSpecError(f"{exc.path or 'the document'}: {exc.message}") from None
    if not groups:
        raise FleetSpecError("chargePoints: must list at least one group of charge points")
    try:
        return FleetSpec(start, duration, interval, groups, 0 if seed is None else seed, site_limit)
    except InvalidArgumentError as exc:
        text = str(exc)
        field = next(
            (
                key
                for key, attribute in _SPEC_ATTRIBUTES.items()
                if f"FleetSpec.{attribute} " in text or f"{attribute} " in text
            ),
            "",
        )
        raise FleetSpecError(f"{field or 'the document'}: {text}") from None


_SPEC_ATTRIBUTES = {"durationS": "duration_s", "intervalS": "interval_s", "siteLimitW": "site_limit_w", "seed": "seed"}


def load_fleet_spec(path: str | os.PathLike[str]) -> FleetSpec:
    """The fleet spec in file `path`, its file paths relative to the file's folder."""
    where = Path(path)
    return fleet_spec_from_json(_read_file(where, str(where)), base_dir=where.parent)
