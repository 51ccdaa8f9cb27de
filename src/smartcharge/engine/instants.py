"""Instants: the one place that turns datetimes into the library's internal time and back (R5).

Every instant inside smartcharge is a timezone-aware UTC datetime floored to the whole second; the engine
works on integer epoch seconds. Naive datetimes are refused here, so nothing past this module sees one.
This module knows nothing of profiles or OCPP.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from dateutil.parser import isoparse

from smartcharge.errors import InvalidArgumentError, NaiveDatetimeError

__all__ = ["format_instant", "format_optional_instant", "from_epoch", "parse_instant", "to_epoch", "utc_instant"]

_UTC = timezone.utc
_EPOCH = datetime(1970, 1, 1, tzinfo=_UTC)
_SECOND = timedelta(seconds=1)
#: The first and last instants a datetime can hold, in UTC, and their epoch seconds.
_FIRST, _LAST = datetime.min.replace(tzinfo=_UTC), datetime.max.replace(tzinfo=_UTC)
_FIRST_SECOND, _LAST_SECOND = (_FIRST - _EPOCH) // _SECOND, (_LAST - _EPOCH) // _SECOND


def utc_instant(value: datetime, name: str = "datetime") -> datetime:
    """`value` in UTC, floored to the second; `NaiveDatetimeError` if it has no UTC offset (R5),
    `InvalidArgumentError` if it is no datetime or cannot be expressed in UTC (a year-1 or year-9999 instant with an
    offset). Both messages start with `name`."""
    if not isinstance(value, datetime):
        raise InvalidArgumentError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.__class__ is datetime and value.tzinfo is _UTC:  # perf: already UTC: the very object back, no copy
        return value.replace(microsecond=0) if value.microsecond else value
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise NaiveDatetimeError(
            f"{name} {value.isoformat()} has no UTC offset; pass an aware datetime "
            "(e.g. datetime(..., tzinfo=timezone.utc))"
        )
    try:
        return value.astimezone(_UTC).replace(microsecond=0)
    except OverflowError:
        raise InvalidArgumentError(f"{name} {value.isoformat()} is out of range once expressed in UTC") from None


def to_epoch(value: datetime, name: str = "datetime") -> int:
    """Whole epoch seconds of an aware datetime, floored; `utc_instant`'s errors otherwise, naming it `name`."""
    if value.__class__ is datetime and value.tzinfo is _UTC:
        # perf: a UTC datetime skips `utc_instant` and the timedelta division (about half the cost of the call).
        # The difference of two UTC datetimes is exact, and a timedelta keeps 0 <= seconds < 86400 even when
        # negative, so days and seconds give the floor without building the floored datetime.
        delta = value - _EPOCH
        return delta.days * 86_400 + delta.seconds
    return (utc_instant(value, name) - _EPOCH) // _SECOND


def from_epoch(seconds: int) -> datetime:
    """The UTC datetime `seconds` after the epoch; `InvalidArgumentError` when no datetime is that far off."""
    try:
        return _EPOCH + timedelta(0, seconds)
    except (TypeError, ValueError, OverflowError):  # no number, NaN, beyond year 1..9999
        raise InvalidArgumentError(f"seconds must be a number within datetime's range, not {seconds!r}") from None


def instant_bound(seconds: int) -> datetime:
    """The bound of a span of epoch seconds as a UTC datetime, for the engine's tables of answers by datetime (not
    exported): `from_epoch(seconds)`, clamped to the instants a datetime can hold (an open end of a span lies
    beyond them). For a span [lo, hi) that holds some datetime's epoch second, a UTC datetime d lies between the
    bounds of lo and hi only if its epoch second lies in [lo, hi) (d >= lo exactly when its floor is, lo being
    whole): looked up by datetime, the span holds no instant it should not."""
    if seconds <= _FIRST_SECOND:
        return _FIRST
    if seconds > _LAST_SECOND:
        return _LAST
    return _EPOCH + timedelta(0, seconds)


def parse_instant(text: str) -> datetime:
    """An ISO 8601 timestamp with offset (``Z`` or ``±hh:mm``, fractions allowed) as a UTC instant.

    Raises `InvalidArgumentError` for anything that is not such a timestamp (with the parser's own words for text
    that does not parse), `NaiveDatetimeError` when the offset is missing (R5).
    """
    if not isinstance(text, str):
        raise InvalidArgumentError(f"timestamp must be a string, not {type(text).__name__}")
    try:
        value = isoparse(text)
    except OverflowError as exc:
        raise InvalidArgumentError(f"timestamp {text!r} is out of range") from exc
    except ValueError as exc:
        raise InvalidArgumentError(str(exc)) from exc
    return utc_instant(value, f"timestamp {text!r}")


def format_instant(value: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` for a UTC instant (the form every answer of the library uses)."""
    v = utc_instant(value)
    return f"{v.year:04d}-{v.month:02d}-{v.day:02d}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}Z"


def format_optional_instant(value: datetime | None) -> str | None:
    """`format_instant(value)`, None for None (an optional time field a writer leaves out)."""
    return None if value is None else format_instant(value)
