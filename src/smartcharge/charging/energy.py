"""From power limits to energy per meter-value step (SPEC R34).

A charging loop delivers energy in steps, one per meter-value interval; an OCPP limit in W caps how much a step
may hold. Here live the point-sample rule of the charging loop (`energy_step`) and the exact energy an outlet's
composite schedule allows over an interval when the limit changes inside it (`max_energy_wh`). Which source of
limits applies (OCPP or the local policy) is `step`'s business, not this module's.
"""

from __future__ import annotations

import math
from datetime import datetime

import attrs

from smartcharge.charging._checks import check_non_negative
from smartcharge.engine._compiled import limit_span
from smartcharge.engine.composite import composite_schedule
from smartcharge.engine.instants import from_epoch, to_epoch
from smartcharge.engine.limits import Limit
from smartcharge.engine.model import ChargingRateUnit
from smartcharge.engine.store import ChargePointState
from smartcharge.errors import InvalidArgumentError

__all__ = ["StepLimit", "energy_step", "max_energy_wh"]


@attrs.frozen
class StepLimit:
    """What a W limit does to one step: the allowed `step_wh`, the most the limit allows (`max_step_wh`), and
    whether the limit cut the step (`limited`)."""

    step_wh: float
    max_step_wh: float
    limited: bool


def _check_interval(interval_s: float) -> None:
    try:
        valid = interval_s > 0 and math.isfinite(interval_s)
    except (TypeError, OverflowError):  # no number; an int beyond float's range
        valid = False
    if not valid:
        raise InvalidArgumentError(f"interval_s must be a positive number of seconds, not {interval_s!r}")


def check_whole_interval(interval_s: int) -> None:
    """`InvalidArgumentError` unless `interval_s` is a positive whole number of seconds (a meter-value
    interval)."""
    if interval_s.__class__ is int and interval_s > 0:  # the charging loop's every step: one comparison
        return
    if not isinstance(interval_s, int) or isinstance(interval_s, bool):
        raise InvalidArgumentError(f"interval_s must be a whole number of seconds, not {interval_s!r}")
    _check_interval(interval_s)


def energy_step(base_step_wh: float, limit_w: float, interval_s: float) -> StepLimit:
    """R34: ``max_step_wh = limit_w x interval_s / 3600`` and ``step = min(base_step_wh, max_step_wh)``."""
    _check_interval(interval_s)
    check_non_negative("base_step_wh", base_step_wh)
    check_non_negative("limit_w", limit_w)
    max_step = limit_w * interval_s / 3600
    return StepLimit(min(base_step_wh, max_step), max_step, max_step < base_step_wh)


def max_energy_wh(state: ChargePointState, outlet_id: int, start: datetime, interval_s: int) -> float:
    """R34 beyond the point sample: the energy (Wh) the composite schedule of `outlet_id` allows over
    [start, start + interval_s), the sum of each composite period's power (A limits reach W through R26) times
    its length. Where no profile limits, the outlet's hardware maximum counts."""
    check_whole_interval(interval_s)
    t = to_epoch(start, "start")
    return span_energy_wh(state, outlet_id, t, interval_s, limit_span(state, outlet_id, t, ChargingRateUnit.W))


def span_energy_wh(
    state: ChargePointState, outlet_id: int, t: int, interval_s: int, span: tuple[Limit, int]
) -> float:
    """`max_energy_wh` from epoch second `t`, given `limit_span`'s answer there in W: when that answer holds for
    the whole interval (it almost always does) the energy is its value times the interval, with no composite."""
    limit, holds_until = span
    if holds_until >= t + interval_s:
        return limit.effective * interval_s / 3600
    schedule = composite_schedule(state, outlet_id, from_epoch(t), interval_s, ChargingRateUnit.W)
    ends = [p.start_period for p in schedule.periods[1:]] + [interval_s]
    joules = sum(
        (schedule.hardware_limit if p.limit is None else p.limit) * (end - p.start_period)
        for p, end in zip(schedule.periods, ends, strict=True)
    )
    return joules / 3600
