"""How the governing periods of several purposes and outlets make one limit (SPEC R25, R26, R27).

Given the periods that govern (which ones is `_compiled`'s business), this module says what limit they make: the
least of them with A and W limits kept apart and the fewest phases among them (R25, R26), and for the whole charge
point (outlet 0) the outlets' limits added up, capped by the caps when those are strictly lower (R27). It must
not know about time, stack levels, caching or how a result is reported (`limits`).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import NamedTuple, Protocol

from smartcharge.engine.model import ChargePointConfig, ChargingRateUnit, OutletConfig
from smartcharge.engine.units import convert_unchecked, rate_unit
from smartcharge.errors import InvalidArgumentError

__all__ = [
    "Rate",
    "Share",
    "StationLimit",
    "combine_rates",
    "combine_sources",
    "conversion_phases",
    "hardware_share",
    "outlet_hardware_limit",
    "outlet_share",
    "station_limit",
    "station_value",
    "supply_conversion_phases",
]

_A, _W = ChargingRateUnit.A, ChargingRateUnit.W  # perf: module names, not reads from the enum class

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


def combine_sources(
    sources: Sequence[Rate | None], unit: ChargingRateUnit, voltage: float, phases: int | None = None
) -> tuple[float, int]:
    """R26 over `sources` (one or more; e.g. some of a `Limit`'s): the least of their limits in `unit`, each
    converted on the smallest number of phases among them, and those phases. `phases` overrides that number: a DC
    outlet converts on 1 (P = U x I), whatever numberPhases a period gives (K01.FR.44). See `combine_rates`."""
    combined = combine_rates(sources, unit, voltage, phases)
    if combined is None:
        raise InvalidArgumentError("combine_sources needs one or more sources")
    return combined


def combine_rates(
    rates: Sequence[Rate | None], unit: ChargingRateUnit, voltage: float, phases: int | None = None
) -> tuple[float, int] | None:
    """`combine_sources` over the rates in `rates` that are not None (a purpose nothing governs); None when there
    are none. The engine's inner loop: it values every combination of governing periods a window meets."""
    if phases is None:  # perf: a loop, not min() of a list comprehension (a third of the call for two sources)
        for rate in rates:
            if rate is not None and (phases is None or rate.number_phases < phases):
                phases = rate.number_phases
        if phases is None:
            return None
    value = None
    for rate in rates:
        if rate is not None:
            limit = rate.limit
            if rate.unit is not unit:
                # perf: `convert_unchecked` written out (R3, the same expressions, so the same floats; a test keeps
                # them so): a call per converted rate was 5% of a connector's 24 h composite
                limit = limit * voltage * phases if unit is _W else limit / (voltage * phases)
            if value is None or limit < value:
                value = limit
    if value is None:
        return None
    return (_LARGEST if value > _LARGEST else value), phases  # perf: comparisons, not min() calls (a fifth less)


def conversion_phases(outlet: OutletConfig) -> int | None:
    """The phases every limit of `outlet` is converted on, whatever its periods say: 1 on a DC outlet (P = U x I,
    K01.FR.44), else None (R26: the periods' own)."""
    return supply_conversion_phases(outlet.supply_phases)


def supply_conversion_phases(supply_phases: int | None) -> int | None:
    """`conversion_phases` of an outlet that supplies `supply_phases` (0: DC)."""
    return 1 if supply_phases == 0 else None


def outlet_hardware_limit(config: ChargePointConfig, unit: ChargingRateUnit, outlet_id: int = 1) -> tuple[float, int]:
    """Outlet `outlet_id`'s hardware maximum in `unit` and the phases it is drawn on (its supply phases; 1 on DC):
    its limit where no profile imposes one (R25)."""
    return hardware_share(config.outlet_supply(outlet_id), rate_unit(unit), config.voltage)


def hardware_share(supply: tuple[float, int], unit: ChargingRateUnit, voltage: float) -> Share:
    """`outlet_hardware_limit` of an outlet whose (max_current, supply_phases) are `supply`
    (`ChargePointConfig.outlet_supply`), in `unit` (a member) at the configuration's `voltage`."""
    current, supply_phases = supply
    phases = supply_conversion_phases(supply_phases) or supply_phases
    return convert_unchecked(current, _A, unit, voltage, phases), phases  # the config is checked


#: One outlet's share of the whole charge point's limit (R27): a value in the asked unit and its phases.
Share = tuple[float, int]


def outlet_share(
    own: Rate | None,
    caps: Sequence[Rate],
    unit: ChargingRateUnit,
    voltage: float,
    hardware: Share,
    phases: int | None = None,
) -> Share | None:
    """R27, SPEC-201 S12 and E5: one outlet's part of the whole charge point's limit: its Tx/TxDefault limit (`own`)
    in `unit` on its own phases, its `hardware` maximum where none governs, capped by the caps installed on that
    outlet itself (2.0.1 external constraints on one EVSE) where they are lower. None when neither `own` nor a cap
    limits it (the hardware maximum counts then). `phases` as in `combine_sources`."""
    if own is None and not caps:
        return None
    share = hardware if own is None else combine_sources((own,), unit, voltage, phases)
    if caps:
        cap = combine_sources(caps, unit, voltage, phases)
        if cap[0] < share[0]:
            return cap
    return share


class StationLimit(NamedTuple):
    """The whole charge point's limit (R27): `value` (None: no profile limits any outlet) on `number_phases`
    phases, and whether the caps made it (`caps_bind`: they are strictly below the outlets' sum)."""

    value: float | None
    number_phases: int
    caps_bind: bool


def station_limit(
    caps: Sequence[Rate | None],
    shares: Sequence[Share | None],
    hardware: Sequence[Share],
    unit: ChargingRateUnit,
    config: ChargePointConfig,
) -> StationLimit:
    """R27 for outlet 0: each outlet's share (`shares`, from `outlet_share`; None where nothing limits the outlet:
    its `hardware` maximum instead), added up; then the `caps` (installed on outlet 0; None: a cap purpose nothing
    governs) if strictly lower. Phases: the caps' when they govern, else the largest among the outlets.
    `InvalidArgumentError` when `shares` and `hardware` do not have one entry per outlet each."""
    if len(shares) != len(hardware):
        raise InvalidArgumentError(f"station_limit needs one hardware maximum per share: {len(shares)} shares, "
                                   f"{len(hardware)} maxima")
    return StationLimit(*station_value(caps, shares, hardware, unit, config))


def station_value(
    caps: Sequence[Rate | None],
    shares: Sequence[Share | None],
    hardware: Sequence[Share],
    unit: ChargingRateUnit,
    config: ChargePointConfig,
) -> tuple[float | None, int, bool]:
    """`station_limit` as a plain tuple, for shares and hardware maxima known to match one to one: the engine's
    inner loop for outlet 0 (it values every combination of governing periods a window meets)."""
    cap = combine_rates(caps, unit, config.voltage)
    if cap is None and not any(shares):  # the outlets' hardware, on the most phases among them (never empty)
        return None, max((phases for _, phases in hardware), default=config.default_number_phases), False
    total, phases, i = 0.0, 1, 0
    # perf: the outlets counted by hand, not zip()ped with their maxima nor enumerate()d, and a plain tuple back,
    # not the named tuple: each of those costs more than this loop (together, a third of an outlet 0 combination)
    for share in shares:  # perf: comparisons, not min()/max() calls
        value, own = hardware[i] if share is None else share
        i += 1  # noqa: SIM113 - enumerate() costs more than the rest of the loop (see above)
        total += value
        if total > _LARGEST:
            total = _LARGEST
        if own > phases:
            phases = own
    if cap is not None and cap[0] < total:
        return cap[0], cap[1], True
    return total, phases, False
