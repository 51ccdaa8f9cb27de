"""The error types of smartcharge, one per side of a contract.

- `ProfileValidationError`: a charging profile (or one of its parts) breaks a rule of the spec on its own;
  it carries the rule id of SPEC (e.g. ``"R4"``) so a caller can answer ``Rejected`` and say why.
- `NaiveDatetimeError`: a datetime without a UTC offset crossed the public API (R5).
- `OcppCallError`: an OCPP message cannot be processed at all; the message layer answers it with a
  CALLERROR carrying `code` (``FormatViolation``, ``PropertyConstraintViolation``, ...) and `description`.
- `TransactionError`: a transaction cannot start or end as asked (busy or unknown connector, unknown id).
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

__all__ = [
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
