"""When the limit changes next: the first instant after a given one at which an outlet's limit (value or phases)
differs (SPEC R21-R27, D8).

The search sweeps forward in chunks (`_sweep`); where no fixed instant (validity bounds, absolute starts and
ends, recurrence origins) lies ahead, the limits repeat with `recurrence_period`, so a quiet fortnight skips to the
next fixed instant. This module must not know how profiles stack or combine (`_compiled`, `combine`).
"""

from __future__ import annotations

from datetime import datetime

from smartcharge.engine._compiled import Target, Value, compiled_engine
from smartcharge.engine._sweep import sweep
from smartcharge.engine.instants import from_epoch, to_epoch
from smartcharge.engine.model import ChargingRateUnit
from smartcharge.engine.store import ChargePointState
from smartcharge.engine.timeline import recurrence_period

__all__ = ["next_change"]


def _fixed_instants(target: Target, window_start: int) -> list[int]:
    """Instants after which the target's limits repeat with `recurrence_period` until the next of them."""
    instants = {window_start}
    for lane in target.lanes:
        session = window_start if lane.session is None else lane.session
        for stack in (*target.caps, lane.tx, lane.tx_default):
            for profile in stack:
                instants.update(profile.timeline.change_instants(session))
    return sorted(instants)


def next_change(state: ChargePointState, outlet_id: int, after: datetime) -> datetime | None:
    """The first instant after `after` at which the limit of `outlet_id` changes (its value, phases or phase to
    use), in the window that starts at `after` (D8); None if it never changes.

    The search walks forward in chunks; where no fixed instant (validity bounds, absolute starts and ends,
    recurrence origins) lies ahead, the pattern repeats weekly, so a quiet fortnight skips to the next one.
    """
    target = compiled_engine(state).target(outlet_id)
    origin = to_epoch(after, "after")
    fixed = _fixed_instants(target, origin)
    first: Value | None = None
    cursor, hi = origin, origin + 3_600  # most limits change within the hour: look there first, then the day
    while True:
        for start, value in sweep(target, cursor, hi, origin, ChargingRateUnit.W):
            if first is None:
                first = value
            elif value != first:
                return from_epoch(start)
        if hi < origin + 86_400:
            cursor, hi = hi - 1, origin + 86_400
            continue
        ahead = [f for f in fixed if f >= hi - recurrence_period - 1]
        if not ahead:
            return None
        if ahead[0] < hi:  # a fixed instant in the last week: look one more fortnight past it
            cursor, hi = hi - 1, max(hi, ahead[0]) + 2 * recurrence_period
        else:  # a quiet week repeats until the next fixed instant
            cursor, hi = ahead[0] - 1, ahead[0] + 2 * recurrence_period
