"""Every cache of smartcharge, in one place: what is kept, why it never goes stale, and how much of it there is.

The library's values are immutable: a `ChargingProfile`, an `InstalledProfile`, a `ChargePointState` never change
once built (every operation returns a new one). Whatever is computed from an immutable value alone therefore stays
right for as long as the value lives, and may be kept. Four kinds of thing are kept, and nothing else:

- **A compiled form per value** (`Compilable`, `compiled`): a value that is expensive to evaluate keeps the one
  form the engine compiles it into, built on first use. A `ChargePointState` keeps its compiled engine
  (`engine._compiled.Engine`: each installed profile's rank, and, built when an outlet is first asked about, the
  outlet's profiles of each purpose in priority order and its `limit_at` answers; built when a window is first
  swept, each profile's periods as governing periods and each one's share of outlet 0, at most four (two units,
  on its own phases or on one); an `InstalledProfile` keeps its timeline in epoch seconds, compiled when an answer
  first needs it and shared by every state derived from the one it was installed in, so that after an install at
  most the new profile is compiled. Bounded by the values: a form goes with its value, and an engine holds at
  most one part per outlet (at most `MAX_OUTLET_COUNT` + 1).
- **Answers over spans of time** (`SpanCache`): inside a compiled state, the limits per outlet and unit, each with
  the span [start, end) over which it holds (R24-R27): `limit_at`'s by datetime (so that an instant asked again
  needs no conversion to epoch seconds), the charging loop's by epoch second. At most `SpanCache.LIMIT` answers
  each; a full table is emptied and filled again, so a state queried over months holds no more than that.
- **Answers per window** (`WindowCache`): inside a compiled state, `composite_schedule`'s answers per outlet, by
  window and unit, for a charge point that a central system asks the same question again (GetCompositeSchedule
  polled). At most `WindowCache.LIMIT` per outlet; a full table is emptied and filled again.
- **One object per distinct value** (`shared`, `shared_value`): equal schedule periods, `Limit`s and
  `LimitSource`s built anywhere are one object (flyweights), so a fleet of charge points given the same profiles
  keeps each once, however each parsed them. The table is weak: a value nothing else holds is forgotten, so it is
  bounded by the values alive. It is consulted only where a value is first built, never on a cached answer.

What "immutable" promises, caches notwithstanding:

- A cache is never part of a value: equality, hashing, `repr`, pickling and copying ignore it (a compiled form
  lives in a slot that is not a field; an unpickled or copied value starts without one and compiles again).
- A cache never changes an answer: it keeps what the value alone determines, and shared objects are equal values.
- Concurrent readers are safe without a lock: a compiled form is set once, an answer table is replaced whole,
  never changed in place, and an engine's per-outlet parts are added one dictionary entry at a time (atomic in
  CPython), so a reader sees each before or after an addition, never half of it. Two threads may both build
  the same thing; both builds are equal and either may be kept.

This module imports nothing of smartcharge and knows nothing of profiles or OCPP: it keeps what it is given.
"""

from __future__ import annotations

import weakref
from bisect import bisect_right
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

__all__ = ["Compilable", "SpanCache", "WindowCache", "compiled", "shared", "shared_value"]

_T = TypeVar("_T")
_V = TypeVar("_V")


class _Ordered(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


#: The instants a `SpanCache` is keyed by: epoch seconds, or datetimes.
_K = TypeVar("_K", bound=_Ordered)
_C = TypeVar("_C", bound="Compilable")


class Compilable:
    """Base of an immutable value that keeps its compiled form (`compiled`).

    The form lives in the slot `_compiled_form`, which is no field of the value: attrs' equality, hashing, repr
    and pickling see the fields only. A class keeps one compiled form, built by the one function that compiles it.
    """

    __slots__ = ("_compiled_form",)
    _compiled_form: Any

    def __new__(cls: type[_C], *args: Any, **kwargs: Any) -> _C:
        value = object.__new__(cls)
        # perf: None until compiled, so that a first `compiled` is a comparison, not an AttributeError: 1-2 µs
        # saved for each profile of a new state, for about 0.5 µs more per value built
        object.__setattr__(value, "_compiled_form", None)
        return value


def compiled(value: _C, build: Callable[[_C], _T]) -> _T:
    """`build(value)`, built on the first call and kept with `value` for its whole life (`value` is immutable, so
    the form never goes stale)."""
    form = value._compiled_form
    if form is None:
        form = build(value)
        object.__setattr__(value, "_compiled_form", form)  # the slot is not a field: frozen values allow it
    return form  # type: ignore[no-any-return]


class SpanCache(Generic[_K, _V]):
    """Answers that each hold over a span of instants [start, end) (epoch seconds, or datetimes of one time zone):
    sorted, disjoint spans, looked up by bisection. Emptied when it reaches `LIMIT` answers, which bounds its
    memory.

    `_table` is (starts, ends, values), three tuples replaced together by `add`, never changed in place: a reader
    in another thread sees the table before or after an addition, never half of it.
    """

    __slots__ = ("_table",)

    #: The most answers one cache keeps (about 60 for a day of a typical charge point).
    LIMIT = 512

    def __init__(self) -> None:
        self._table: tuple[tuple[_K, ...], tuple[_K, ...], tuple[_V, ...]] = ((), (), ())

    def find(self, t: _K) -> tuple[_V, _K] | None:
        """The answer whose span holds `t`, and the end of that span; None when none does."""
        starts, ends, values = self._table
        i = bisect_right(starts, t) - 1
        if i >= 0 and t < ends[i]:
            return values[i], ends[i]
        return None

    def add(self, t: _K, start: _K, end: _K, value: _V) -> None:
        """Keeps `value` for [start, end) around `t` (which no span holds yet), trimmed to leave its neighbours'
        spans alone."""
        starts, ends, values = self._table
        if len(starts) >= self.LIMIT:
            starts, ends, values = (), (), ()
        i = bisect_right(starts, t)
        if i > 0:  # (a neighbour's bound first: where they touch, one int object serves both)
            start = max(ends[i - 1], start)
        if i < len(starts):
            end = min(starts[i], end)
        self._table = (
            (*starts[:i], start, *starts[i:]),
            (*ends[:i], end, *ends[i:]),
            (*values[:i], value, *values[i:]),
        )


class WindowCache(Generic[_V]):
    """Answers by key (a window: start, duration, unit), at most `LIMIT`; full, it is emptied and filled again.

    `_table` is a dictionary replaced whole when emptied and given one entry at a time otherwise (atomic in
    CPython): a reader in another thread sees an answer or none, never half of one.
    """

    __slots__ = ("_table",)

    #: The most answers one cache keeps (a central system polling a few windows needs a handful).
    LIMIT = 64

    def __init__(self) -> None:
        self._table: dict[Any, _V] = {}

    def find(self, key: Any) -> _V | None:
        """The answer kept for `key`; None when there is none."""
        return self._table.get(key)

    def add(self, key: Any, value: _V) -> None:
        """Keeps `value` for `key`."""
        if len(self._table) >= self.LIMIT:
            self._table = {}
        self._table[key] = value


#: The flyweights: (class, *fields) -> the one object of that class with those fields. Weak: an object nothing
#: else holds is forgotten.
_SHARED: weakref.WeakValueDictionary[tuple[Any, ...], Any] = weakref.WeakValueDictionary()


def shared(cls: Callable[..., _T], *fields: Any) -> _T:
    """`cls(*fields)`, or the equal object already kept (built only when there is none)."""
    key = (cls, *fields)
    found: _T | None = _SHARED.get(key)
    if found is None:
        _SHARED[key] = found = cls(*fields)
    return found


def shared_value(value: _T, *fields: Any) -> _T:
    """The kept object of `value`'s class with `fields` (the ones that make `value` what it is), or `value`
    itself, now kept."""
    key = (value.__class__, *fields)
    found: _T | None = _SHARED.get(key)
    if found is None:
        _SHARED[key] = found = value
    return found
