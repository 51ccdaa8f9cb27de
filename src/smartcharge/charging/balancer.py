"""Local load balancing: sharing one station limit between the outlets that charge (SPEC R28).

A ChargePointMaxProfile limits all outlets *combined* (§3.13.3), but OCPP leaves how that combined limit is
shared to the charge point, and the engine only ever caps each outlet at the whole of it (R25, R28), which
over-commits the grid connection as soon as two EVs charge. §3.13.4 ("Load Balancing") describes the local
balancer a charge point runs instead, and names `minChargingRate` as what keeps it from driving an EV below its
efficient rate. This module is that balancer, as a helper the caller applies: the library never applies it
silently (R28).

- `allocate` is pure arithmetic on one instant: weighted max-min fair water-filling of a total over outlet
  demands, pausing an outlet rather than giving it less than its minimum rate. It knows nothing of profiles,
  time or OCPP.
- `station_allocation` and `station_allocation_schedule` read the inputs from a `ChargePointState`: the
  station's cap (R25, R26), each charging outlet's own Tx/TxDefault limit and its `minChargingRate`.

What this module must not know: how profiles stack or where they apply in time (that is `composite` and
`timeline`), how they are installed (`state`), or any I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from fractions import Fraction
from typing import Any

import attrs

from smartcharge.engine.combine import combine_sources
from smartcharge.engine.composite import limit_at
from smartcharge.engine.instants import from_epoch, to_epoch, utc_instant
from smartcharge.engine.limits import LimitSource
from smartcharge.engine.model import ChargingRateUnit, as_float
from smartcharge.engine.store import ChargePointState
from smartcharge.engine.timeline import profile_slices
from smartcharge.engine.units import convert, rate_unit
from smartcharge.errors import InvalidArgumentError

__all__ = ["MIN_RATE_TOLERANCE", "OutletDemand", "allocate", "station_allocation", "station_allocation_schedule"]

#: A share within this relative distance below an outlet's minimum rate counts as reaching it, so that a
#: rounding error in the caller's unit conversion (30 A shared by three EVs of 10 A minimum) pauses nobody.
MIN_RATE_TOLERANCE = 1e-9

_TOLERANCE = Fraction(MIN_RATE_TOLERANCE)


def _finite(instance: OutletDemand, attribute: attrs.Attribute[float], value: Any) -> None:
    if not isinstance(value, float) or not math.isfinite(value):
        raise InvalidArgumentError(f"OutletDemand.{attribute.name} must be a finite number, not {value!r}")


def _not_negative(instance: OutletDemand, attribute: attrs.Attribute[float], value: float) -> None:
    if value < 0:
        raise InvalidArgumentError(f"OutletDemand.{attribute.name} must be >= 0, not {value!r}")


def _positive(instance: OutletDemand, attribute: attrs.Attribute[float], value: float) -> None:
    if not value > 0:
        raise InvalidArgumentError(f"OutletDemand.{attribute.name} must be > 0, not {value!r}")


@attrs.frozen
class OutletDemand:
    """What one outlet asks of the shared total, in the caller's unit (A or W, the same for all).

    - `limit`: the most it may draw (its own Tx/TxDefault limit, or its hardware maximum; R25).
    - `min_rate`: below this the EV should not charge at all (`minChargingRate`, §7.13, §3.13.4); 0: none.
    - `weight`: its relative claim; at equal weights every outlet gets the same share until it is full.
    """

    limit: float = attrs.field(converter=as_float, validator=[_finite, _not_negative])
    min_rate: float = attrs.field(default=0.0, converter=as_float, validator=[_finite, _not_negative])
    weight: float = attrs.field(default=1.0, converter=as_float, validator=[_finite, _positive])


def _fill(total: Fraction, demands: Sequence[tuple[int, Fraction, Fraction]]) -> dict[int, Fraction]:
    """Exact weighted water-filling of `total` over (outlet, limit, weight): every outlet gets
    min(limit, weight x level), with the level at which the total runs out, or every outlet its limit.

    Each outlet fills up to its breakpoint limit / weight; walking the breakpoints in ascending order, the
    first one the remaining total cannot reach fixes the level for it and everyone after it.
    """
    order = sorted(demands, key=lambda d: (d[1] / d[2], d[0]))
    left, weight_left = total, sum((w for _, _, w in order), Fraction(0))
    shares: dict[int, Fraction] = {}
    for i, (outlet, limit, weight) in enumerate(order):
        if limit / weight * weight_left > left:  # the total runs out before this outlet is full
            level = left / weight_left
            shares.update((c, w * level) for c, _, w in order[i:])
            return shares
        shares[outlet] = limit
        left -= limit
        weight_left -= weight
    return shares


def _float_down(value: Fraction) -> float:
    """The largest float not above `value`: a share rounded this way never exceeds the exact one, so shares
    never add up to more than the total nor exceed a limit."""
    result = float(value)
    return math.nextafter(result, -math.inf) if Fraction(result) > value else result


def allocate(total: float, demands: Mapping[int, OutletDemand]) -> dict[int, float]:
    """Share `total` between the outlets of `demands` (outlet id -> demand), weighted max-min fair (R28,
    §3.13.4 "Load Balancing").

    Water-filling: every outlet gets min(limit, weight x level), with one common level chosen so that the
    total is used up, or every outlet gets its limit when the total covers them all. An outlet whose share
    would fall below its `min_rate` (> 0) is paused (gets 0) and its share goes to the others; when several would
    fall short, the one with the highest id is paused first and the rest is recomputed (pausing one only raises
    the others' shares, so outlets are paused in descending id order).

    The arithmetic is exact (fractions) and each share is rounded down to a float, so the shares never add up
    to more than `total` and never exceed a limit; a share within `MIN_RATE_TOLERANCE` (relative) of its
    `min_rate` counts as reaching it. The result has the keys of `demands` and does not depend on their order.
    """
    if not (isinstance(as_float(total), float) and math.isfinite(total) and total >= 0):  # not bool, not 10**400
        raise InvalidArgumentError(f"total must be a finite number >= 0, not {total!r}")
    if not isinstance(demands, Mapping):
        raise InvalidArgumentError(f"demands must map outlet ids to OutletDemand, not {demands!r}")
    for outlet, demand in demands.items():
        if not isinstance(outlet, int) or isinstance(outlet, bool):
            raise InvalidArgumentError(f"outlet ids must be integers, not {outlet!r}")
        if not isinstance(demand, OutletDemand):
            raise InvalidArgumentError(f"the demand of outlet {outlet} must be an OutletDemand, not {demand!r}")
    # perf: when the limits add up to less than the total, water-filling gives every outlet its limit (every
    # breakpoint is reached) and nobody is paused without a minimum rate; `fsum` is correctly rounded, so a sum
    # below the total proves the exact one is not above it. -0.0 becomes 0.0, as through a Fraction.
    if all(d.min_rate == 0 for d in demands.values()) and math.fsum(d.limit for d in demands.values()) < total:
        return {c: d.limit + 0.0 for c, d in demands.items()}
    exact = {c: (Fraction(d.limit), Fraction(d.min_rate), Fraction(d.weight)) for c, d in demands.items()}
    active = set(exact)
    while True:
        shares = _fill(Fraction(total), [(c, exact[c][0], exact[c][2]) for c in active])
        short = [c for c in active if shares[c] < exact[c][1] * (1 - _TOLERANCE)]
        if not short:
            break
        active.remove(max(short))
    return {c: _float_down(shares[c]) if c in active else 0.0 for c in demands}


# --- reading the demands from a charge point --------------------------------------------------------------------


def _min_rate(state: ChargePointState, source: LimitSource, unit: ChargingRateUnit) -> float:
    """The governing schedule's minChargingRate (§7.13) in `unit` on the governing period's phases; 0 if none."""
    for installed in state.profiles:
        profile = installed.profile
        if installed.outlet_id == source.outlet_id and profile.charging_profile_id == source.profile_id:
            schedule = profile.charging_schedule
            if schedule.min_charging_rate is None:
                return 0.0
            rate_unit = schedule.charging_rate_unit
            return convert(schedule.min_charging_rate, rate_unit, unit, state.config.voltage, source.number_phases)
    return 0.0


def station_allocation(
    state: ChargePointState, at: datetime, unit: ChargingRateUnit | str = ChargingRateUnit.W
) -> dict[int, float]:
    """The station limit shared between the outlets charging at `at` (those with a transaction that has
    started), in `unit` (R28, §3.13.3, §3.13.4).

    The total is the ChargePointMaxProfile (and ChargingStationExternalConstraints) value at `at`, combined per
    R26; without one, the sum of those outlets' hardware maxima. Each outlet asks for its own TxProfile or
    TxDefaultProfile limit (R25, R26; its hardware maximum where none applies) with the governing schedule's
    `minChargingRate` as its minimum, at weight 1; `allocate` shares the total. Outlets that do not charge
    are left out. Amperes add up only between outlets on the same number of phases: prefer W when they differ.
    """
    the_unit = rate_unit(unit)
    instant = utc_instant(at, "at")
    voltage = state.config.voltage
    cap: float | None = None
    hardware = 0.0
    demands: dict[int, OutletDemand] = {}
    for transaction in state.transactions:
        if transaction.start > instant:
            continue
        limit = limit_at(state, transaction.outlet_id, instant, the_unit)
        caps = [s for s in limit.sources if s.purpose.role.is_cap]
        own = [s for s in limit.sources if not s.purpose.role.is_cap]
        if caps:
            cap = combine_sources(caps, the_unit, voltage)[0]
        own_limit = combine_sources(own, the_unit, voltage)[0] if own else limit.hardware_limit
        min_rate = _min_rate(state, own[0], the_unit) if own else 0.0
        demands[transaction.outlet_id] = OutletDemand(own_limit, min_rate)
        hardware += limit.hardware_limit
    return allocate(hardware if cap is None else cap, demands)


def station_allocation_schedule(
    state: ChargePointState, start: datetime, duration: int, unit: ChargingRateUnit | str = ChargingRateUnit.W
) -> dict[int, list[tuple[int, float]]]:
    """`station_allocation` over [start, start + duration) as a piecewise-constant schedule per outlet with a
    transaction: (offset in seconds from `start`, share) pairs, the first at 0, no two equal neighbours (R28).

    The allocation is evaluated wherever an input may change: where a slice of any profile reaching a charging
    outlet, or of a cap, starts or ends (R21-R24), and where a transaction starts (its share is 0 before).
    These are taken from every profile rather than from the composite schedules, because a composite hides a
    change of the cap below a lower Tx limit and a hand-over between two profiles of equal limit but different
    `minChargingRate`, both of which change the shares. `duration` 0 gives the allocation at `start`.
    """
    if not isinstance(duration, int) or isinstance(duration, bool) or duration < 0:
        raise InvalidArgumentError(f"duration must be a non-negative whole number of seconds, not {duration!r}")
    the_unit = rate_unit(unit)
    begin = to_epoch(utc_instant(start, "start"))
    end = begin + max(duration, 1)
    points = {begin}
    for transaction in state.transactions:
        session = to_epoch(transaction.start)
        points.add(session)
        for installed in state.profiles:
            if installed.outlet_id in (0, transaction.outlet_id):
                slices = profile_slices(
                    installed.profile, begin, end, installed_at=to_epoch(installed.installed_at), session_start=session
                )
                points.update(x for s in slices for x in (s.start, s.end))
    schedule: dict[int, list[tuple[int, float]]] = {t.outlet_id: [] for t in state.transactions}
    for point in sorted(p for p in points if begin <= p < end):
        shares = station_allocation(state, from_epoch(point), the_unit)
        for outlet, periods in schedule.items():
            share = shares.get(outlet, 0.0)
            if not periods or periods[-1][1] != share:
                periods.append((point - begin, share))
    return schedule
