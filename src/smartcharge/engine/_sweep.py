"""The limits over a window, as elementary spans: a sweep over every profile's slices, or a walk over
`limit_at`'s answers where that is cheaper (SPEC R21-R27, D8).

`window_spans` gives the (start, limit, phases) of the spans of [lo, hi) over which no governing period changes,
in order. It sweeps (`sweep`: one heap per purpose and outlet over slice boundaries, O(S log S) in the number of
slices S, never proportional to the seconds in the window), except for a short window of a target whose limits do
not depend on the window's start (D8), which it reads from `limit_at`'s kept answers span by span (`walk`).

This module must not know which profiles reach an outlet or in which order (`_compiled`), nor how a window's
spans become a composite schedule (`composite`).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from operator import itemgetter

from smartcharge.engine._compiled import CompiledProfile, GoverningPeriod, Target
from smartcharge.engine.model import ChargingRateUnit
from smartcharge.engine.timeline import FOREVER

__all__ = ["sweep", "walk", "window_spans"]

#: A span of a window: (start, limit or None, numberPhases, phaseToUse or None), in epoch seconds.
Span = tuple[int, float | None, int, int | None]

#: Windows up to `_SHORT_WINDOW` seconds and `_WALK_SPANS` spans are read from `limit_at`'s answers when the
#: target allows it (`walk`): a few answers cost less than slicing every profile, and bounding their number keeps
#: the cost of any window within that of the sweep.
_SHORT_WINDOW = 3_600
_WALK_SPANS = 16


#: A slice that has not started: (start, priority, end, period, profile) -- `profile`'s period number `period`
#: covers [start, end).
_Waiting = tuple[int, tuple[int, int, int, int], int, int, CompiledProfile]
#: A slice that started, on the heap: (priority, end, period, profile). The highest priority (lowest `priority`,
#: unique per profile) sorts first, and one profile's slices end at different instants: the rest is never compared.
_Started = tuple[tuple[int, int, int, int], int, int, CompiledProfile]


class _StackSweep:
    """The profiles of one purpose on one outlet, swept over a span: `top` is the period that governs (R24) as of
    the last `advance(t)`, and stays so until `next`.

    Calls must come with non-decreasing t. A heap holds the slices that started; slices that ended are dropped
    when they reach the top (lazy deletion), so the whole span costs O(S log S).
    """

    __slots__ = ("_heap", "_waiting", "next", "top")

    def __init__(self, profiles: list[CompiledProfile], lo: int, hi: int, session: int, bounds: set[int]) -> None:
        waiting: list[_Waiting] = []
        for profile in profiles:
            for start, end, period in profile.timeline.slices(lo, hi, session):
                # perf: plain tuples; a named tuple per slice makes a composite schedule a fifth slower
                waiting.append((start, profile.priority, end, period, profile))
                bounds.add(start)
                bounds.add(end)
        waiting.sort(key=itemgetter(0), reverse=True)  # the next to start is the last
        self._waiting = waiting
        self._heap: list[_Started] = []
        self.top: GoverningPeriod | None = None
        self.next = waiting[-1][0] if waiting else FOREVER

    def advance(self, t: int) -> bool:
        """Brings `top` and `next` to instant t; whether `top` changed."""
        waiting, heap = self._waiting, self._heap
        while waiting and waiting[-1][0] <= t:  # started by t
            _, priority, end, period, profile = waiting.pop()
            heapq.heappush(heap, (priority, end, period, profile))
        while heap and heap[0][1] <= t:  # the top ended by t
            heapq.heappop(heap)
        before = self.top
        if heap:
            _, end, period, profile = heap[0]
            if before is None or not before.is_period(profile, period):
                self.top = GoverningPeriod(profile, period)
            self.next = end  # the top changes when it ends ...
        else:
            self.top = None
            self.next = FOREVER
        if waiting and waiting[-1][0] < self.next:  # ... or when a slice starts
            self.next = waiting[-1][0]
        return self.top is not before


def sweep(target: Target, lo: int, hi: int, window_start: int, unit: ChargingRateUnit) -> Iterator[Span]:
    """The elementary spans of [lo, hi) over which no governing period changes, in order (R24-R27), the first at
    lo; profiles run from the start of charging run from `window_start` on an outlet without transaction (D8)."""
    bounds = {lo, hi}
    caps = [_StackSweep(stack, lo, hi, window_start, bounds) for stack in target.caps]
    lanes = []
    lane_caps: list[list[_StackSweep]] = []
    for lane in target.lanes:
        session = window_start if lane.session is None else lane.session
        lanes.append(
            (_StackSweep(lane.tx, lo, hi, session, bounds), _StackSweep(lane.tx_default, lo, hi, session, bounds))
        )
        if target.lane_caps:  # outlet 0: the caps on each outlet itself cap its share (E5)
            lane_caps.append([_StackSweep(stack, lo, hi, window_start, bounds) for stack in lane.caps])
    stacks = [*caps, *(stack for pair in lanes for stack in pair), *(stack for own in lane_caps for stack in own)]
    for start in sorted(x for x in bounds if lo <= x < hi):
        changed = start == lo
        for stack in stacks:
            if start >= stack.next and stack.advance(start):
                changed = True
        if not changed:
            continue
        governing_caps = [stack.top for stack in caps if stack.top is not None]
        # R25: the TxProfile governs while its schedule covers t; otherwise the TxDefaultProfile (K02.FR.08).
        tx = [tx_stack.top or default_stack.top for tx_stack, default_stack in lanes]
        own_caps = [[stack.top for stack in own if stack.top is not None] for own in lane_caps] if lane_caps else []
        yield (start, *target.value(governing_caps, tx, own_caps, unit))


def walk(target: Target, lo: int, hi: int, unit: ChargingRateUnit) -> list[Span] | None:
    """The same as `sweep` for a window-independent target (D8), read from `limit_at`'s answers span by span;
    None when [lo, hi) holds more than `_WALK_SPANS` spans, for which the sweep is the cheaper way."""
    spans: list[Span] = []
    t = lo
    while t < hi:
        if len(spans) == _WALK_SPANS:
            return None
        limit, end = target.limit(t, unit)
        spans.append((t, limit.value, limit.number_phases, limit.phase_to_use))
        t = end
    return spans


def window_spans(target: Target, lo: int, hi: int, unit: ChargingRateUnit) -> Iterable[Span]:
    """The elementary spans of the window [lo, hi) (which starts at lo, D8), by the cheaper of `walk` and
    `sweep`."""
    spans = walk(target, lo, hi, unit) if target.window_independent and hi - lo <= _SHORT_WINDOW else None
    return sweep(target, lo, hi, lo, unit) if spans is None else spans
