"""How the governing periods of several purposes and outlets make one limit (SPEC R25, R26, R27).

Given the periods that govern (which ones is `_compiled`'s business), this module says what limit they make: the
least of them with A and W limits kept apart and the fewest phases among them (R25, R26), and for the whole charge
point (outlet 0) the outlets' limits added up, capped by the caps when those are strictly lower (R27). It must
not know about time, stack levels, caching or how a result is reported (`limits`).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from typing import NamedTuple, Protocol

from smartcharge.engine.model import ChargePointConfig, ChargingRateUnit
from smartcharge.engine.units import convert, convert_unchecked

__all__ = ["Rate", "StationLimit", "combine_sources", "outlet_hardware_limit", "station_limit"]

#: The largest float: a sum of finite limits stays finite, and so does a finite limit in the other unit.
_LARGEST = sys.float_info.max


class Rate(Protocol):
    """A governing period's limit as combination sees it: `limit` in `unit` on `number_phases` phases (a
    `LimitSource`, or the engine's own governing period)."""

    @property
    def limit(self) -> float: ...

    @property
    def unit(self) -> ChargingRateUnit: ...

    @property
    def number_phases(self) -> int: ...


def combine_sources(sources: Sequence[Rate], unit: ChargingRateUnit, voltage: float) -> tuple[float, int]:
    """R26 over `sources` (one or more; e.g. some of a `Limit`'s): the least of their limits in `unit`, each
    converted on the smallest number of phases among them, and those phases."""
    phases = min([source.number_phases for source in sources])
    value = math.inf
    for source in sources:
        limit = source.limit
        if source.unit is not unit:  # perf: no call where nothing converts (most sources in most states)
            limit = convert_unchecked(limit, source.unit, unit, voltage, phases)
        if limit < value:
            value = limit
    return min(value, _LARGEST), phases


def outlet_hardware_limit(config: ChargePointConfig, unit: ChargingRateUnit) -> float:
    """One outlet's hardware maximum in `unit`, on the default number of phases: its limit where no profile
    imposes one (R25)."""
    return convert(config.outlet_max_current, ChargingRateUnit.A, unit, config.voltage, config.default_number_phases)


class StationLimit(NamedTuple):
    """The whole charge point's limit (R27): `value` (None: no profile limits any outlet) on `number_phases`
    phases, and whether the caps made it (`caps_bind`: they are strictly below the outlets' sum)."""

    value: float | None
    number_phases: int
    caps_bind: bool


def station_limit(
    caps: Sequence[Rate],
    outlets: Sequence[Rate | None],
    unit: ChargingRateUnit,
    config: ChargePointConfig,
    hardware: float,
) -> StationLimit:
    """R27 for outlet 0: each outlet's Tx/TxDefault limit (`outlets`, None where none governs: its `hardware`
    maximum in `unit` instead) in `unit` on its own phases, added up; then the `caps` if strictly lower.
    Phases: the caps' when they govern, else the largest among the outlets."""
    if not caps and all(rate is None for rate in outlets):
        return StationLimit(None, config.default_number_phases, False)
    total, phases = 0.0, 1
    for rate in outlets:
        value, own = (
            (hardware, config.default_number_phases) if rate is None else combine_sources((rate,), unit, config.voltage)
        )
        total = min(total + value, _LARGEST)
        phases = max(phases, own)
    if caps:
        cap, cap_phases = combine_sources(caps, unit, config.voltage)
        if cap < total:
            return StationLimit(cap, cap_phases, True)
    return StationLimit(total, phases, False)
