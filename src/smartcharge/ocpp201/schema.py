"""Checking decoded JSON against the official OCPP 2.0.1 JSON schemas (SPEC-201 S18).

The request schemas of the five smart-charging CALLs and of RequestStopTransaction ship with this package
(`schemas/`, byte-for-byte the OCA OCPP 2.0.1 JSON schemas). This module interprets the subset of JSON Schema
draft 06 they use: ``type``, ``required``, ``properties``, ``additionalProperties``, ``enum``, ``maxLength``,
``minItems`` / ``maxItems``, ``items``, ``minimum`` / ``maximum``, ``$ref`` into ``definitions`` and
``format: date-time``; every other keyword (``description``, ``javaType``, ``comment``, ``additionalItems`` next
to a single ``items`` schema) says nothing about a value. `check` stops at the first problem and raises
`SchemaViolation` with its path and `Violation`.

Two readings, both stricter than draft 06 and both on purpose:

- ``integer`` is a Python `int` (not a bool, not 1.0): the model's integer fields take nothing else, as in OCPP 1.6
  (`smartcharge._json.read_int`).
- ``format: date-time`` is checked (draft 06 leaves it optional): an RFC 3339 timestamp with a UTC offset (R5).

Order of the checks in an object: its type, required properties (in the schema's order), unknown properties,
then each present property in the schema's order. This module knows schemas only: which CALLERROR a problem
becomes is `codec.call_error_from`'s business.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import Enum
from importlib import resources
from typing import Any

from smartcharge._json import child_path
from smartcharge.engine.instants import parse_instant
from smartcharge.errors import DocumentError, DocumentProblem, InvalidArgumentError

__all__ = ["SCHEMA_NAMES", "SchemaViolation", "Violation", "check", "load_schema"]

#: The request schemas this package ships (`schemas/<name>.json`).
SCHEMA_NAMES = (
    "ClearChargingProfileRequest",
    "GetChargingProfilesRequest",
    "GetCompositeScheduleRequest",
    "RequestStartTransactionRequest",
    "RequestStopTransactionRequest",
    "SetChargingProfileRequest",
)

Schema = Mapping[str, Any]

#: RFC 3339's date-time (§5.6): full-date "T" full-time with a fraction after a dot if any and a time-offset that is
#: ``Z`` or ``±hh:mm``, hours 00-23 (no ISO 8601 ``24:00``, basic format or decimal comma). Ranges of the day and
#: the month are `parse_instant`'s to check.
_RFC_3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:[0-6][0-9](\.[0-9]+)?"
    r"([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
)


class Violation(Enum):
    """What is wrong with a value, in the words of JSON Schema."""

    NOT_AN_OBJECT = "not a JSON object"  # the payload itself
    WRONG_TYPE = "wrong type"
    MISSING = "required property missing"
    TOO_MANY_ITEMS = "too many items"
    TOO_FEW_ITEMS = "too few items"
    NOT_IN_ENUM = "not in the enumeration"
    TOO_LONG = "too long"
    OUT_OF_RANGE = "out of range"
    UNKNOWN_PROPERTY = "unknown property"
    BAD_DATE_TIME = "not a date-time"


_PROBLEMS = {
    Violation.NOT_AN_OBJECT: DocumentProblem.WRONG_TYPE,
    Violation.WRONG_TYPE: DocumentProblem.WRONG_TYPE,
    Violation.MISSING: DocumentProblem.MISSING,
    Violation.UNKNOWN_PROPERTY: DocumentProblem.UNKNOWN_FIELD,
    Violation.BAD_DATE_TIME: DocumentProblem.BAD_TIMESTAMP,
}


class SchemaViolation(DocumentError):
    """A JSON value breaks its schema at `path` (``""``: the value itself): `violation` says how (its
    `DocumentError.problem` is the nearest `DocumentProblem`, NOT_ALLOWED_VALUE for enum, length, range and item
    counts)."""

    def __init__(self, path: str, violation: Violation, message: str) -> None:
        super().__init__(path, _PROBLEMS.get(violation, DocumentProblem.NOT_ALLOWED_VALUE), message)
        self.violation = violation

    def __reduce__(self) -> tuple[type[SchemaViolation], tuple[str, Violation, str]]:  # type: ignore[override]
        return (type(self), (self.path, self.violation, self.message))


@functools.cache
def load_schema(name: str) -> Schema:
    """The shipped schema `name` (one of `SCHEMA_NAMES`), decoded."""
    if name not in SCHEMA_NAMES:
        raise InvalidArgumentError(f"schema {name!r} is not one of {', '.join(SCHEMA_NAMES)}")
    text = resources.files(__package__).joinpath("schemas").joinpath(f"{name}.json").read_text(encoding="utf-8")
    schema: Schema = json.loads(text)
    return schema


def check(value: Any, schema: Schema) -> None:
    """Raises `SchemaViolation` for the first place where `value` breaks `schema` (a whole schema document, whose
    ``$ref`` s point into its ``definitions``); a payload that is no JSON object is NOT_AN_OBJECT."""
    if _resolve(schema, schema).get("type") == "object" and not isinstance(value, Mapping):
        raise SchemaViolation("", Violation.NOT_AN_OBJECT, f"must be a JSON object, not {_json_type(value)}")
    _check(value, schema, schema, "")


def _json_type(value: object) -> str:
    for name in ("boolean", "integer", "number", "string", "object", "array", "null"):
        if _is_type(value, name):
            return name
    return type(value).__name__


def _is_type(value: object, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
    kinds: dict[str, type | tuple[type, ...]] = {
        "boolean": bool,
        "string": str,
        "object": Mapping,
        "array": (list, tuple),
        "null": type(None),
    }
    return isinstance(value, kinds[name])


def _resolve(schema: Schema, root: Schema) -> Schema:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    name = str(ref).removeprefix("#/definitions/")
    resolved: Schema = root["definitions"][name]
    return resolved


def _check(value: Any, schema: Schema, root: Schema, path: str) -> None:
    schema = _resolve(schema, root)
    wanted = schema.get("type")
    if wanted is not None and not _is_type(value, wanted):
        raise SchemaViolation(path, Violation.WRONG_TYPE, f"must be of type {wanted}, not {_json_type(value)}")
    if "enum" in schema and value not in schema["enum"]:
        raise SchemaViolation(path, Violation.NOT_IN_ENUM, f"{value!r} is not one of {', '.join(schema['enum'])}")
    if isinstance(value, str):
        _check_string(value, schema, path)
    elif _is_type(value, "number"):
        _check_number(value, schema, path)
    elif isinstance(value, Mapping):
        _check_object(value, schema, root, path)
    elif isinstance(value, (list, tuple)):
        _check_array(value, schema, root, path)


def _check_string(value: str, schema: Schema, path: str) -> None:
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        raise SchemaViolation(path, Violation.TOO_LONG, f"has {len(value)} characters, more than {schema['maxLength']}")
    if schema.get("format") == "date-time":
        try:
            if not _RFC_3339.fullmatch(value):
                raise InvalidArgumentError("not RFC 3339 (YYYY-MM-DDThh:mm:ss[.f] and Z or ±hh:mm, hours 00-23)")
            parse_instant(value)
        except InvalidArgumentError as exc:
            raise SchemaViolation(path, Violation.BAD_DATE_TIME, f"is not a date-time with UTC offset: {exc}") from None


def _check_number(value: float | Decimal, schema: Schema, path: str) -> None:
    if "minimum" in schema and value < schema["minimum"]:
        raise SchemaViolation(path, Violation.OUT_OF_RANGE, f"{value} is below the minimum {schema['minimum']}")
    if "maximum" in schema and value > schema["maximum"]:
        raise SchemaViolation(path, Violation.OUT_OF_RANGE, f"{value} is above the maximum {schema['maximum']}")


def _check_object(value: Mapping[Any, Any], schema: Schema, root: Schema, path: str) -> None:
    properties: Schema = schema.get("properties", {})
    for key in schema.get("required", ()):
        if key not in value:
            raise SchemaViolation(child_path(path, key), Violation.MISSING, "is required")
    if schema.get("additionalProperties", True) is False:
        unknown = sorted(repr(k) for k in value if k not in properties)
        if unknown:
            raise SchemaViolation(path, Violation.UNKNOWN_PROPERTY, f"has unknown propert(ies) {', '.join(unknown)}")
    for key, sub in properties.items():
        if key in value:
            _check(value[key], sub, root, child_path(path, key))


def _check_array(value: Sequence[Any], schema: Schema, root: Schema, path: str) -> None:
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        raise SchemaViolation(path, Violation.TOO_MANY_ITEMS, f"has {len(value)} items, more than {schema['maxItems']}")
    if "minItems" in schema and len(value) < schema["minItems"]:
        raise SchemaViolation(path, Violation.TOO_FEW_ITEMS, f"has {len(value)} items, fewer than {schema['minItems']}")
    items = schema.get("items")
    if isinstance(items, Mapping):
        for i, item in enumerate(value):
            _check(item, items, root, f"{path}[{i}]")
