"""The error types of smartcharge, one per side of a contract.

- `ProfileValidationError`: a charging profile (or one of its parts) breaks a rule of the spec on its own;
  it carries the rule id of SPEC (e.g. ``"R4"``) so a caller can answer ``Rejected`` and say why.
- `NaiveDatetimeError`: a datetime without a UTC offset crossed the public API (R5).
- `OcppCallError`: an OCPP message cannot be processed at all; the message layer answers it with a
  CALLERROR carrying `code` (``FormatViolation``, ``PropertyConstraintViolation``, ...) and `description`.
- `TransactionError`: a transaction cannot start or end as asked (busy or unknown connector, unknown id).
- `DocumentError`: a JSON document (an OCPP payload, a saved state, a replay script) has the wrong shape at one
  place: it carries the `path` of that place and the `problem` (a `DocumentProblem`), in words no protocol's. The
  OCPP adapters turn it into their CALLERROR (`smartcharge.ocpp16.codec.call_error_from`); saved states and
  replay scripts into `StateDocumentError` and `ScriptError`.
- `ScriptError`: a replay script is malformed; it names the event index.
- `InvalidArgumentError`: a public function was called with an argument it cannot take (a naive or non-datetime
  instant, an outlet the charge point does not have, a negative duration, a configuration value out of range).

The documents layer adds two more: `StateDocumentError` (a malformed state document) and `PersistenceError` (a
saved state that cannot be loaded).

All derive from `SmartChargingError`, so ``except SmartChargingError`` catches everything the library raises
on purpose: every public function and constructor refuses bad input with one of them, never with a bare
`ValueError`, `TypeError` or `KeyError`. All but `OcppCallError` and `PersistenceError` are also `ValueError`s
(`InvalidArgumentError` a `TypeError` too), so code written against the built-in errors keeps working.
Arguments of the library's own types (a `ChargePointState`, a `ChargingProfile`, a `LocalPolicy`, ...) are not
checked again: each checked its values when it was built, and another type there is a mistake a type checker
reports. Files that cannot be read or written raise the `OSError` the operating system gave.
"""

from __future__ import annotations

from enum import Enum

__all__ = [
    "DocumentError",
    "DocumentProblem",
    "InvalidArgumentError",
    "NaiveDatetimeError",
    "OcppCallError",
    "ProfileValidationError",
    "ScriptError",
    "SmartChargingError",
    "TransactionError",
]


class SmartChargingError(Exception):
    """Base class of every error smartcharge raises on purpose."""


class ProfileValidationError(SmartChargingError, ValueError):
    """A charging profile breaks rule `rule` of SPEC; `message` says how, in words a person understands."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(f"{rule}: {message}")
        self.rule = rule
        self.message = message

    def __reduce__(self) -> tuple[type[ProfileValidationError], tuple[str, str]]:
        return (type(self), (self.rule, self.message))


class InvalidArgumentError(SmartChargingError, ValueError, TypeError):
    """A public function was called with an argument it cannot take; the message names the argument.

    Also a `ValueError` and a `TypeError`, so code written against the built-in errors keeps working.
    """


class NaiveDatetimeError(InvalidArgumentError):
    """A datetime without tzinfo was given where an instant is needed (R5)."""


class OcppCallError(SmartChargingError):
    """An OCPP CALL that must be answered with a CALLERROR (OCPP-J §4.2.3).

    `code` is one of the OCPP-J error codes (``FormatViolation``, ``PropertyConstraintViolation``,
    ``NotSupported``, ...); `description` is free text naming the offending field.
    """

    def __init__(self, code: str, description: str) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description

    def __reduce__(self) -> tuple[type[OcppCallError], tuple[str, str]]:
        return (type(self), (self.code, self.description))

    def to_ocpp(self) -> dict[str, str]:
        """The error as the replay output shows it: ``{"code": ..., "description": ...}``."""
        return {"code": self.code, "description": self.description}


class DocumentProblem(Enum):
    """What is wrong at one place of a JSON document."""

    #: A value of the wrong JSON type (a string where an integer belongs, an array where an object does).
    WRONG_TYPE = "wrong type"
    #: A required field is absent.
    MISSING = "missing"
    #: An object has a field its kind of object does not have.
    UNKNOWN_FIELD = "unknown field"
    #: A string outside the values allowed there (an enumeration, the known purposes).
    NOT_ALLOWED_VALUE = "not allowed value"
    #: A timestamp that is not an ISO 8601 string with a UTC offset (R5), a non-string included.
    BAD_TIMESTAMP = "bad timestamp"


class DocumentError(SmartChargingError, ValueError):
    """A JSON document has the wrong shape at `path` (e.g. ``chargingSchedule.chargingSchedulePeriod[0].limit``;
    ``""`` is the document itself): `problem` says which kind of wrong, `message` says how, after the path
    (``"must be an integer, not string"``). ``str()`` is the path followed by the message."""

    def __init__(self, path: str, problem: DocumentProblem, message: str) -> None:
        super().__init__(f"{path or 'the document'} {message}")
        self.path = path
        self.problem = problem
        self.message = message

    def __reduce__(self) -> tuple[type[DocumentError], tuple[str, DocumentProblem, str]]:
        return (type(self), (self.path, self.problem, self.message))


class TransactionError(SmartChargingError, ValueError):
    """A transaction cannot start or end as asked."""


class ScriptError(SmartChargingError, ValueError):
    """A replay script is malformed; `index` is the offending event's position (None: the script itself)."""

    def __init__(self, index: int | None, message: str) -> None:
        where = "script" if index is None else f"event {index}"
        super().__init__(f"{where}: {message}")
        self.index = index
        self.message = message

    def __reduce__(self) -> tuple[type[ScriptError], tuple[int | None, str]]:
        return (type(self), (self.index, self.message))
