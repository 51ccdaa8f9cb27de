"""The limits over a window, as spans: a sweep over every profile's slices, or a walk over `limit_at`'s answers
where that is cheaper (SPEC R21-R27, D8).

`window_spans` gives the (start, (limit, phases, phase to use)) of the spans of [lo, hi) in order, each where the
limit changes (no two equal neighbours). It sweeps (`sweep`: each stack of profiles painted highest priority first
into the instants its governing period changes, then one sort of those changes, O(S log S) in the number of slices
S, never proportional to the seconds in the window), except for a short window of a target whose limits do not
depend on the window's start (D8), which it reads from `limit_at`'s kept answers span by span (`walk`).

This module must not know which profiles reach an outlet or in which order (`_compiled`), nor how a window's
spans become a composite schedule (`composite`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import itemgetter

from smartcharge.engine._compiled import CompiledProfile, GoverningPeriod, Target, Tops, Value
from smartcharge.engine.model import ChargingRateUnit

__all__ = ["sweep", "walk", "window_spans"]

#: A span of a window: its start in epoch seconds and what governs it, (limit or None, numberPhases, phaseToUse or
#: None).
Span = tuple[int, Value]
#: From `instant` on, the stack at `position` is governed by `period` (None: by no profile).
_Change = tuple[int, int, GoverningPeriod | None]
_INSTANT = itemgetter(0)

#: Windows up to `_SHORT_WINDOW` seconds and `_WALK_SPANS` spans are read from `limit_at`'s answers when the
#: target allows it (`walk`): a few answers cost less than slicing every profile, and bounding their number keeps
#: the cost of any window within that of the sweep.
_SHORT_WINDOW = 3_600
_WALK_SPANS = 16


def _fill(
    slices: list[tuple[int, int, int]],
    gaps: list[tuple[int, int]],
    periods: list[GoverningPeriod],
    position: int,
    changes: list[_Change],
) -> list[tuple[int, int]]:
    """Appends to `changes` where `slices` (of one profile, whose periods are `periods`) start to govern within
    `gaps` (the parts of the window no higher profile of the stack covers); the parts of `gaps` they leave."""
    left: list[tuple[int, int]] = []
    count = len(slices)
    i = 0
    for start, end in gaps:
        while i < count and slices[i][1] <= start:
            i += 1
        while i < count:
            slice_start, slice_end, index = slices[i]
            if slice_start >= end:
                break
            if slice_start > start:
                left.append((start, slice_start))
                start = slice_start
            changes.append((start, position, periods[index]))
            if slice_end > end:  # on into the next gap
                start = end
                break
            start = slice_end
            i += 1
        if start < end:
            left.append((start, end))
    return left


def _paint(
    profiles: list[CompiledProfile],
    lo: int,
    hi: int,
    session: int,
    position: int,
    changes: list[_Change],
    governing: Callable[[CompiledProfile], list[GoverningPeriod]],
) -> None:
    """Appends to `changes` the instants in [lo, hi) at which the period governing the stack `profiles` (highest
    priority first, at `position`) changes: each profile governs where it covers and no higher one does (R24).
    Profiles run from the start of charging run from `session`; `governing` gives a profile's periods as
    governing periods (`Engine.governing`)."""
    gaps = [(lo, hi)]
    for profile in profiles:
        slices = profile.timeline.slices(gaps[0][0], gaps[-1][1], session)
        if slices:
            gaps = _fill(slices, gaps, governing(profile), position, changes)
            if not gaps:  # perf: the profiles below never govern: their slices are not even made
                return
    changes.extend((start, position, None) for start, _ in gaps if start > lo)


def sweep(target: Target, lo: int, hi: int, window_start: int, unit: ChargingRateUnit) -> list[Span]:
    """The spans of [lo, hi) in order, the first at lo, each where the limit changes (R24-R27); profiles run from
    the start of charging run from `window_start` on an outlet without transaction (D8)."""
    changes: list[_Change] = []
    governing = target.engine.governing
    for position, (profiles, session) in enumerate(target.stacks):
        _paint(profiles, lo, hi, window_start if session is None else session, position, changes, governing)
    # perf: sorted by instant alone, not by whole tuples (half the sort); one instant's changes are applied together
    changes.sort(key=_INSTANT)
    changes.append((hi, 0, None))  # past the last change: the last span is given
    tops: list[GoverningPeriod | None] = [None] * len(target.stacks)
    values: dict[Tops, Value] = {}
    value_of = target.valuer(unit)
    spans: list[Span] = []
    last = None
    at = lo
    for instant, position, period in changes:
        if instant != at:  # every change at `at` is in: `tops` govern [at, instant)
            key = tuple(tops)
            value = values.get(key)
            if value is None:  # perf: a combination seen before in the window (a day that recurs) is not combined again
                value = values[key] = value_of(key)
            if value != last:
                spans.append((at, value))
                last = value
            at = instant
        tops[position] = period
    return spans


def walk(target: Target, lo: int, hi: int, unit: ChargingRateUnit) -> list[Span] | None:
    """The same as `sweep` for a window-independent target (D8), read from `limit_at`'s answers span by span;
    None when [lo, hi) holds more than `_WALK_SPANS` answers, for which the sweep is the cheaper way."""
    spans: list[Span] = []
    t = lo
    for _ in range(_WALK_SPANS):
        limit, end = target.limit(t, unit)
        value = limit.value, limit.number_phases, limit.phase_to_use
        if not spans or spans[-1][1] != value:
            spans.append((t, value))
        t = end
        if t >= hi:
            return spans
    return None


def window_spans(target: Target, lo: int, hi: int, unit: ChargingRateUnit) -> Iterable[Span]:
    """The spans of the window [lo, hi) (which starts at lo, D8), by the cheaper of `walk` and `sweep`."""
    spans = walk(target, lo, hi, unit) if target.window_independent and hi - lo <= _SHORT_WINDOW else None
    return sweep(target, lo, hi, lo, unit) if spans is None else spans
