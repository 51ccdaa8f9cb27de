"""The limit an outlet may draw over time: `limit_at`, `limit_span` and `composite_schedule` (SPEC R21-R31).

The public evaluation functions. They check their arguments, find the outlet's compiled target (`_compiled`: which
profiles reach it, in which order, R24, D10) and ask it for one instant, or ask `_sweep` for a window's spans and
merge equal neighbours into a `CompositeSchedule` (R31). How one profile applies in time is `timeline`'s, how
governing periods combine is `combine`'s (R25-R27), the answer types are `limits`'. The results are also
re-exported here with `next_change` and `combine_sources`, so that this module names the whole evaluation API.
"""

from __future__ import annotations

from datetime import datetime

from smartcharge.engine._compiled import compiled_engine
from smartcharge.engine._sweep import window_spans
from smartcharge.engine.combine import combine_sources
from smartcharge.engine.instants import from_epoch, to_epoch
from smartcharge.engine.limits import CompositePeriod, CompositeSchedule, Limit, LimitSource, round_down_to_tenth
from smartcharge.engine.model import ChargingRateUnit
from smartcharge.engine.next_change import next_change
from smartcharge.engine.store import ChargePointState
from smartcharge.errors import InvalidArgumentError

__all__ = [
    "CompositePeriod",
    "CompositeSchedule",
    "Limit",
    "LimitSource",
    "combine_sources",
    "composite_schedule",
    "limit_at",
    "limit_span",
    "next_change",
    "round_down_to_tenth",
]


def _unit(unit: ChargingRateUnit | str) -> ChargingRateUnit:
    """`unit` as the enum; `InvalidArgumentError` for a value that is none of its members."""
    if isinstance(unit, ChargingRateUnit):  # perf: a member as it is, without the enum's lookup (0.4 µs)
        return unit
    try:
        return ChargingRateUnit(unit)
    except ValueError:
        allowed = ", ".join(repr(u.value) for u in ChargingRateUnit)
        raise InvalidArgumentError(f"unit must be one of {allowed}, not {unit!r}") from None


def limit_at(
    state: ChargePointState, outlet_id: int, at: datetime, unit: ChargingRateUnit = ChargingRateUnit.W
) -> Limit:
    """The limit of `outlet_id` (0: the whole charge point, R27) at instant `at`, in `unit` (R21-R28).

    Relative profiles on an outlet without a transaction run from `at` itself (D8). The answer equals the
    composite schedule's value at `at` whenever the outlet has a transaction or no such profile applies.
    """
    target = compiled_engine(state).target(outlet_id)
    unit = _unit(unit)
    return target.limit(to_epoch(at, "at"), unit)[0]


def limit_span(
    state: ChargePointState, outlet_id: int, at: int, unit: ChargingRateUnit = ChargingRateUnit.W
) -> tuple[Limit, int]:
    """`limit_at`'s answer at epoch second `at`, and an epoch second up to which (excluded) it holds at least:
    no governing period changes before it, in the window that starts at `at` (D8). The value may well stay the
    same after it. For callers inside the library that need both at once, e.g. the energy of a meter step."""
    return compiled_engine(state).target(outlet_id).limit(at, _unit(unit))


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
    the_unit = state.config.allowed_rate_units[0] if unit is None else _unit(unit)
    begin = to_epoch(start, "start")
    periods: list[CompositePeriod] = []
    for span_start, value, phases in window_spans(target, begin, begin + max(duration, 1), the_unit):
        if periods and periods[-1].limit == value and periods[-1].number_phases == phases:
            continue  # equal to the period before: merged
        periods.append(CompositePeriod(span_start - begin, value, phases))
    return CompositeSchedule(
        outlet_id, from_epoch(begin), duration, the_unit, tuple(periods), target.hardware_limit(the_unit)
    )
