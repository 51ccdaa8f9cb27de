"""Validation against the official OCPP 1.6 and 2.0.1 JSON schemas that the `ocpp` package ships
(ocpp/v16/schemas/, ocpp/v201/schemas/).

Numbers are compared as `Decimal` on both sides: jsonschema's float `multipleOf` check is inexact (15.9 / 0.1 is
not an integer in binary floating point), while the schema means decimal tenths.
"""

from __future__ import annotations

import decimal
import functools
import json
from datetime import datetime
from importlib import resources
from typing import Any

import jsonschema

_FORMATS = jsonschema.FormatChecker()


@_FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    """RFC 3339 date-time: a string with date, time and UTC offset (jsonschema checks it only with an extra
    package installed, so the tests bring their own)."""
    if not isinstance(value, str):
        return True  # the "type" keyword judges non-strings
    return datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None


@functools.cache
def _validator(schema_name: str, version: str = "v16") -> jsonschema.Draft4Validator | jsonschema.Draft6Validator:
    text = resources.files(f"ocpp.{version}").joinpath("schemas").joinpath(f"{schema_name}.json").read_text(
        encoding="utf-8"
    )
    schema = json.loads(text, parse_float=decimal.Decimal)
    if version == "v201":
        return jsonschema.Draft6Validator(schema, format_checker=_FORMATS)
    return jsonschema.Draft4Validator(schema, format_checker=_FORMATS)


def as_decimal_json(payload: Any) -> Any:
    """`payload` through JSON text and back, floats read as `Decimal` (how the wire value is meant); NaN and
    infinities raise `ValueError`, as they are not JSON."""
    return json.loads(json.dumps(payload, allow_nan=False), parse_float=decimal.Decimal)


def _validate(schema_name: str, payload: Any, version: str = "v16") -> None:
    with decimal.localcontext() as context:
        context.prec = 1_000  # exact `multipleOf` even for limits near 1e308
        _validator(schema_name, version).validate(as_decimal_json(payload))


def assert_valid_response(action: str, response: Any) -> None:
    """Raises `jsonschema.ValidationError` unless `response` is a valid `action`.conf payload (e.g. action
    ``"GetCompositeSchedule"`` checks against GetCompositeScheduleResponse.json)."""
    _validate(f"{action}Response", response)


def assert_valid_request(action: str, payload: Any) -> None:
    """Raises `jsonschema.ValidationError` unless `payload` is a valid `action`.req payload."""
    _validate(action, payload)


def assert_valid_response_201(action: str, response: Any) -> None:
    """Raises `jsonschema.ValidationError` unless `response` is a valid OCPP 2.0.1 `action` response payload
    (e.g. ``"GetCompositeSchedule"`` checks against v201's GetCompositeScheduleResponse.json)."""
    _validate(f"{action}Response", response, "v201")


def assert_valid_request_201(action: str, payload: Any) -> None:
    """Raises `jsonschema.ValidationError` unless `payload` is a valid OCPP 2.0.1 `action` request payload (also
    for the CALLs the station sends: ReportChargingProfiles, NotifyChargingLimit, ClearedChargingLimit)."""
    _validate(f"{action}Request", payload, "v201")
