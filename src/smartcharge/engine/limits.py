"""What the engine answers: a limit at an instant and where it comes from, a composite schedule, and how OCPP
reports a limit (SPEC R25-R27, R31).

The values returned by `limit_at`, `limit_span` and `composite_schedule` live here, with the rounding OCPP
applies when a limit is sent (R31). This module must not know how a limit is computed (which profiles reach an
outlet, how they stack or combine: `_compiled`, `combine`) nor where a profile applies in time (`timeline`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime
from numbers import Real
from typing import Any

import attrs

from smartcharge.engine.model import ChargingRateUnit, Purpose
from smartcharge.errors import InvalidArgumentError

__all__ = ["CompositePeriod", "CompositeSchedule", "Limit", "LimitSource", "composite_periods", "round_down_to_tenth"]


@attrs.frozen(slots=True)
class LimitSource:
    """One governing period that contributes to a limit: profile `profile_id` (`purpose`, `stack_level`,
    installed on `outlet_id`) allows `limit` `unit` on `number_phases` phases."""

    profile_id: int
    purpose: Purpose
    stack_level: int
    outlet_id: int
    limit: float
    unit: ChargingRateUnit
    number_phases: int


@attrs.frozen
class Limit:
    """The limit of an outlet at an instant, in `unit` on `number_phases` phases, and where it comes from.

    `value` is None when no profile imposes a limit; the outlet may then draw its hardware maximum,
    `hardware_limit` (the same unit). `sources` are the governing periods of every purpose that contributed.
    `phase_to_use` is the phase a single-phase limit is drawn on where a governing period names one (OCPP 2.0.1
    phaseToUse), else None.
    """

    value: float | None
    unit: ChargingRateUnit
    number_phases: int
    sources: tuple[LimitSource, ...]
    hardware_limit: float
    phase_to_use: int | None = None

    @property
    def effective(self) -> float:
        """The limit to apply: `value`, or the hardware maximum when no profile imposes one."""
        return self.hardware_limit if self.value is None else self.value


@attrs.frozen
class CompositePeriod:
    """From `start_period` seconds into the composite schedule: `limit` (None: no profile limits) on
    `number_phases` phases, on phase `phase_to_use` where a governing period names one (OCPP 2.0.1)."""

    start_period: int
    limit: float | None
    number_phases: int
    phase_to_use: int | None = None


_new = object.__new__
# The slots' own setters of CompositePeriod's fields, in their order.
_SET_START, _SET_LIMIT, _SET_PHASES, _SET_PHASE_TO_USE = (
    CompositePeriod.__dict__[field.name].__set__ for field in attrs.fields(CompositePeriod)
)


def composite_periods(
    spans: Iterable[tuple[int, tuple[float | None, int, int | None]]], begin: int
) -> tuple[CompositePeriod, ...]:
    """`CompositePeriod(start - begin, *value)` for each (start, value) of `spans` (a sweep's spans, epoch seconds),
    for the engine's composites: the same objects, their fields set through their slots as attrs' `__init__` sets
    them (the class has no validator, converter or hook to run)."""
    # perf: no call per period, of attrs' `__init__` nor of anything else, and no bound `object.__setattr__` per
    # field: a third of a period's cost, a tenth of a week's composite
    periods: list[CompositePeriod] = []
    append = periods.append
    for start, (limit, phases, phase_to_use) in spans:
        period = _new(CompositePeriod)
        _SET_START(period, start - begin)
        _SET_LIMIT(period, limit)
        _SET_PHASES(period, phases)
        _SET_PHASE_TO_USE(period, phase_to_use)
        append(period)
    return tuple(periods)


def round_down_to_tenth(value: float) -> float:
    """R31: limits are reported rounded down to 0.1 (schema multipleOf 0.1, never more than allowed), with a
    tolerance so that 15.9999999 is 16.0."""
    if not isinstance(value, Real) or isinstance(value, bool):
        raise InvalidArgumentError(f"value must be a number, not {value!r}")
    scaled = value * 10 + 1e-6
    if not math.isfinite(scaled):  # beyond 1.8e307 every float is a whole number already
        return value
    return math.floor(scaled) / 10


@attrs.frozen
class CompositeSchedule:
    """The composite schedule of `outlet_id` over [`start`, `start` + `duration`) in `unit` (§3.13.4, §5.7).

    `periods` never is empty, starts at 0 and has no two equal neighbours. Where a period's limit is None no
    profile limits the outlet; `hardware_limit` is what it may draw then (and what OCPP reports).
    """

    outlet_id: int
    start: datetime
    duration: int
    unit: ChargingRateUnit
    periods: tuple[CompositePeriod, ...]
    hardware_limit: float

    def reported_periods(self, *, number_phases: bool = True, phase_to_use: bool = False) -> list[dict[str, Any]]:
        """The periods as OCPP reports them (R31, SPEC-201 E6): limits rounded down to 0.1 (the hardware maximum
        where no profile limits), neighbours equal after rounding merged; ``numberPhases`` when `number_phases`
        (left out on a DC EVSE), ``phaseToUse`` where a period has one and `phase_to_use` (OCPP 2.0.1)."""
        out: list[dict[str, Any]] = []
        for period in self.periods:
            entry: dict[str, Any] = {
                "startPeriod": period.start_period,
                "limit": round_down_to_tenth(self.hardware_limit if period.limit is None else period.limit),
            }
            if number_phases:
                entry["numberPhases"] = period.number_phases
            if phase_to_use and period.phase_to_use is not None:
                entry["phaseToUse"] = period.phase_to_use
            if out and {**out[-1], "startPeriod": period.start_period} == entry:
                continue
            out.append(entry)
        return out

    def to_ocpp(self) -> dict[str, Any]:
        """GetCompositeSchedule.conf's `chargingSchedule` (§6.22, R31): `reported_periods` with numberPhases
        always present, no startSchedule (E§3.57)."""
        return {
            "duration": self.duration,
            "chargingRateUnit": self.unit.value,
            "chargingSchedulePeriod": self.reported_periods(),
        }
