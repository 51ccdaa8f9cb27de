"""The limit an outlet may draw over time: `limit_at` and `composite_schedule` (SPEC R21-R31).

The public evaluation functions. They check their arguments, find the outlet's compiled target (`_compiled`: which
profiles reach it, in which order, R24, D10) and ask it for one instant, or ask `_sweep` for a window's spans (equal
neighbours merged) and make them a `CompositeSchedule` (R31). How one profile applies in time is `timeline`'s, how
governing periods combine is `combine`'s (R25-R27), the answer types are `limits`', the next change of a limit is
`next_change`'s.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import datetime, timezone

from smartcharge._cache import WindowCache
from smartcharge.engine._compiled import Target, compiled_engine
from smartcharge.engine._sweep import window_spans
from smartcharge.engine.instants import from_epoch, to_epoch
from smartcharge.engine.limits import CompositeSchedule, Limit, composite_periods
from smartcharge.engine.model import ChargingRateUnit
from smartcharge.engine.store import ChargePointState
from smartcharge.engine.units import rate_unit
from smartcharge.errors import InvalidArgumentError

__all__ = ["composite_schedule", "limit_at"]

_UTC = timezone.utc


def limit_at(
    state: ChargePointState, outlet_id: int, at: datetime, unit: ChargingRateUnit = ChargingRateUnit.W
) -> Limit:
    """The limit of `outlet_id` (0: the whole charge point, R27) at instant `at`, in `unit` (R21-R28).

    Relative profiles on an outlet without a transaction run from `at` itself (D8). The answer equals the
    composite schedule's value at `at` whenever the outlet has a transaction or no such profile applies.
    """
    # perf: a kept UTC instant is one bisection over datetimes, no call, no epoch conversion: half a warm answer
    # (`Target.limit_at` keeps them). A unit given as "A" or "W" finds the member's table, as `rate_unit` would;
    # anything that is no datetime (no tzinfo, or no comparison with one) and anything unusual goes on below.
    try:
        if at.tzinfo is _UTC and outlet_id.__class__ is int:  # not True, nor 1.0, as `Engine.target`
            starts, ends, limits = state._compiled_form._targets[outlet_id].instants[unit]._table
            i = bisect_right(starts, at) - 1
            if i >= 0 and at < ends[i]:
                return limits[i]  # type: ignore[no-any-return]
    except (AttributeError, KeyError, TypeError):  # nothing kept (yet), or an argument to refuse below
        pass
    return compiled_engine(state).target(outlet_id).limit_at(at, rate_unit(unit))


def composite_schedule(
    state: ChargePointState,
    outlet_id: int,
    start: datetime,
    duration: int,
    unit: ChargingRateUnit | str | None = None,
) -> CompositeSchedule:
    """The composite schedule of `outlet_id` (0: the whole charge point) over [start, start + duration)
    (§3.13.4, §5.7, R21-R28). `unit` defaults to the first of the configuration's allowed units (R30).

    `duration` 0 gives the one period in force at `start` (R31). Periods with equal limit and phases are merged.
    """
    target = compiled_engine(state).target(outlet_id)
    if not isinstance(duration, int) or isinstance(duration, bool) or duration < 0:
        raise InvalidArgumentError(f"duration must be a non-negative whole number of seconds, not {duration!r}")
    the_unit = state.config.allowed_rate_units[0] if unit is None else rate_unit(unit)
    begin = to_epoch(start, "start")
    answers = target.composites
    if answers is None:
        answers = target.composites = WindowCache()
    key = (begin, duration, the_unit)
    answer = answers.find(key)
    if answer is None:  # perf: a window asked again (a polling central system) is one lookup, not a sweep
        answer = _composite(target, begin, duration, the_unit)
        answers.add(key, answer)
    return answer


def _composite(target: Target, begin: int, duration: int, the_unit: ChargingRateUnit) -> CompositeSchedule:
    """The composite schedule of `target` over [begin, begin + duration) (epoch seconds) in `the_unit`."""
    spans = window_spans(target, begin, begin + max(duration, 1), the_unit)  # no two equal neighbours: merged
    periods = composite_periods(spans, begin)
    return CompositeSchedule(
        target.outlet_id, from_epoch(begin), duration, the_unit, periods, target.hardware_limit(the_unit)
    )
