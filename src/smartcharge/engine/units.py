"""A <-> W conversion (SPEC R3, R26): pure arithmetic, no profiles, no time.

OCPP 1.6 §7.12 (E§3.69): a limit in `A` is the current per phase, a limit in `W` the total power, so
``W = A x voltage x phases`` and ``A = W / (voltage x phases)``. `phases` is the period's numberPhases, 3 when
absent (§7.14); `voltage` is the station's nominal voltage.
"""

from __future__ import annotations

import math
from numbers import Real

from smartcharge.engine.model import ChargingRateUnit
from smartcharge.errors import InvalidArgumentError

__all__ = ["amps_to_watts", "convert", "watts_to_amps"]


def rate_unit(value: ChargingRateUnit | str, name: str = "unit") -> ChargingRateUnit:
    """`value` as a `ChargingRateUnit` (a member, or its value ``"A"`` or ``"W"``, R3); anything else is an
    `InvalidArgumentError` naming the argument `name`. For the library's functions that take a unit."""
    if isinstance(value, ChargingRateUnit):
        return value
    try:
        return ChargingRateUnit(value)
    except ValueError:
        raise InvalidArgumentError(f"{name} must be A or W, not {value!r}") from None


def _check(voltage: float, phases: int) -> None:
    if not (isinstance(voltage, Real) and math.isfinite(voltage) and voltage > 0):
        raise InvalidArgumentError(f"voltage must be a positive number, not {voltage!r}")
    if phases not in (1, 2, 3):
        raise InvalidArgumentError(f"phases must be 1, 2 or 3, not {phases!r}")


def _check_number(name: str, value: float) -> None:
    if not isinstance(value, Real):
        raise InvalidArgumentError(f"{name} must be a number, not {value!r}")


def amps_to_watts(amps: float, voltage: float = 230.0, phases: int = 3) -> float:
    """Total power in W of `amps` per phase on `phases` phases at `voltage` (R3)."""
    _check_number("amps", amps)
    _check(voltage, phases)
    return amps * voltage * phases


def watts_to_amps(watts: float, voltage: float = 230.0, phases: int = 3) -> float:
    """Current per phase in A that carries `watts` in total on `phases` phases at `voltage` (R3)."""
    _check_number("watts", watts)
    _check(voltage, phases)
    return watts / (voltage * phases)


def convert(
    value: float,
    from_unit: ChargingRateUnit | str,
    to_unit: ChargingRateUnit | str,
    voltage: float = 230.0,
    phases: int = 3,
) -> float:
    """`value` in `from_unit` expressed in `to_unit` (identity when the units agree); a unit is a member of
    `ChargingRateUnit` or its value."""
    source, target = rate_unit(from_unit, "from_unit"), rate_unit(to_unit, "to_unit")
    if source is target:
        _check_number("value", value)
        _check(voltage, phases)
        return value
    if target is ChargingRateUnit.W:
        return amps_to_watts(value, voltage, phases)
    return watts_to_amps(value, voltage, phases)
