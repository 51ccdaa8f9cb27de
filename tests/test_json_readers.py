"""The protocol-neutral JSON readers (`smartcharge._json`): every shape problem is a `DocumentError` with the path
of the offending value, the kind of problem and a message (R5 for timestamps, R14's shapes in neutral words)."""

from __future__ import annotations

import math
import pickle
from decimal import Decimal
from typing import Any

import pytest

from smartcharge import ChargingRateUnit, SmartChargingError
from smartcharge._json import (
    Field,
    child_path,
    read_array,
    read_enum,
    read_field,
    read_instant,
    read_int,
    read_mapping,
    read_number,
    read_object,
    read_optional,
    read_purpose,
    read_required,
    read_text,
)
from smartcharge.errors import DocumentError, DocumentProblem
from smartcharge.ocpp16 import PURPOSES, ChargingProfilePurpose

WRONG_TYPE = DocumentProblem.WRONG_TYPE


def document_error(read: Any, *args: Any) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        read(*args)
    return info.value


@pytest.mark.parametrize(
    ("read", "value", "message"),
    [
        (read_int, "7", "must be an integer, not string"),
        (read_int, 7.0, "must be an integer, not number"),
        (read_int, True, "must be an integer, not boolean"),
        (read_number, None, "must be a number, not null"),
        (read_number, False, "must be a number, not boolean"),
        (read_text, 3, "must be a string, not integer"),
        (read_array, {"a": 1}, "must be an array, not object"),
        (read_mapping, [1], "must be an object, not array"),
        (read_mapping, b"x", "must be an object, not bytes"),
    ],
    ids=repr,
)
def test_a_value_of_the_wrong_json_type_names_the_type(read: Any, value: Any, message: str) -> None:
    error = document_error(read, value, "a.b")
    assert (error.path, error.problem, error.message) == ("a.b", WRONG_TYPE, message)
    assert str(error) == f"a.b {message}"


def test_numbers_are_floats_and_out_of_range_ones_are_left_for_the_model() -> None:
    assert read_number(Decimal("16.5"), "limit") == 16.5 and type(read_number(3, "limit")) is float
    assert read_number(10**400, "limit") == math.inf and read_number(-(10**400), "limit") == -math.inf
    assert math.isnan(read_number(Decimal("sNaN"), "limit"))


def test_an_object_with_unknown_fields_names_each_of_them() -> None:
    error = document_error(read_object, {"b": 1, "a": 2, "ok": 3}, "profile", ("ok",))
    assert (error.path, error.problem) == ("profile", DocumentProblem.UNKNOWN_FIELD)
    assert error.message == "has unknown field(s) 'a', 'b'"
    assert read_object({"ok": 3}, "profile", ("ok",)) == {"ok": 3}


def test_r5_a_timestamp_without_offset_or_not_a_string_is_a_bad_timestamp() -> None:
    for value in ("2026-01-08T10:00:00", "noon", 1767866400, None):
        error = document_error(read_instant, value, "validFrom")
        assert (error.path, error.problem) == ("validFrom", DocumentProblem.BAD_TIMESTAMP)
    assert document_error(read_instant, 5, "at").message == "must be a string, not integer"
    assert read_instant("2026-01-08T11:00:00.9+01:00", "at").isoformat() == "2026-01-08T10:00:00+00:00"


def test_r14_a_string_outside_the_allowed_values_is_not_allowed_and_a_non_string_a_wrong_type() -> None:
    error = document_error(read_enum, "kW", "unit", ChargingRateUnit)
    assert (error.problem, error.message) == (DocumentProblem.NOT_ALLOWED_VALUE, "'kW' is not one of A, W")
    error = document_error(read_enum, "W", "unit", ChargingRateUnit, (ChargingRateUnit.A,))
    assert error.message == "'W' is not one of A"
    error = document_error(read_purpose, "DefaultProfile", "purpose", PURPOSES)
    assert error.problem is DocumentProblem.NOT_ALLOWED_VALUE
    assert error.message == "'DefaultProfile' is not one of ChargePointMaxProfile, TxDefaultProfile, TxProfile"
    assert document_error(read_purpose, 1, "purpose", PURPOSES).problem is WRONG_TYPE
    assert read_purpose("TxProfile", "purpose", PURPOSES) is ChargingProfilePurpose.TX_PROFILE


def test_fields_are_read_by_their_table_and_a_missing_required_one_is_missing() -> None:
    fields = {"id": Field(True, read_int), "note": Field(False, read_text)}
    assert read_field({"id": 1}, "id", "", fields) == 1
    assert read_field({"id": 1}, "note", "", fields) is None
    error = document_error(read_field, {"note": "x"}, "id", "event", fields)
    assert (error.path, error.problem, str(error)) == ("event.id", DocumentProblem.MISSING, "event.id is required")
    assert document_error(read_optional, {"note": None}, "note", "", read_text).path == "note"  # null is no absence
    assert read_required({"id": 2}, "id", "x", read_int) == 2


def test_paths_nest_and_the_document_itself_has_an_empty_path() -> None:
    assert child_path("", "a") == "a" and child_path("a[0]", "b") == "a[0].b"
    error = document_error(read_mapping, 3, "")
    assert error.path == "" and str(error) == "the document must be an object, not integer"


def test_a_document_error_is_a_value_error_that_survives_pickling() -> None:
    error = DocumentError("a.b", DocumentProblem.MISSING, "is required")
    assert isinstance(error, ValueError) and isinstance(error, SmartChargingError)
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), copy.path, copy.problem, copy.message, str(copy)) == (
        DocumentError,
        "a.b",
        DocumentProblem.MISSING,
        "is required",
        "a.b is required",
    )
