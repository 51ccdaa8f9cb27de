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

__all__ = ["amps_to_watts", "convert", "convert_unchecked", "watts_to_amps"]

_A = ChargingRateUnit.A
# perf: read once; an enum member read from its class costs 0.15 µs (CPython 3.11), on every engine conversion
_W = ChargingRateUnit.W


def rate_unit(value: ChargingRateUnit | str, name: str = "unit") -> ChargingRateUnit:
    """`value` as a `ChargingRateUnit` (a member, or its value ``"A"`` or ``"W"``, R3); anything else is an
    `InvalidArgumentError` naming the argument `name`. For the library's functions that take a unit."""
    if isinstance(value, ChargingRateUnit):  # perf: a member as it is, without the enum's lookup (0.4 µs)
        return value
    try:
        return ChargingRateUnit(value)
    except ValueError:
        allowed = ", ".join(repr(u.value) for u in ChargingRateUnit)
        raise InvalidArgumentError(f"{name} must be one of {allowed}, not {value!r}") from None


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
    return convert_unchecked(amps, _A, _W, voltage, phases)


def watts_to_amps(watts: float, voltage: float = 230.0, phases: int = 3) -> float:
    """Current per phase in A that carries `watts` in total on `phases` phases at `voltage` (R3)."""
    _check_number("watts", watts)
    _check(voltage, phases)
    return convert_unchecked(watts, _W, _A, voltage, phases)


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
    _check_number("value", value)
    _check(voltage, phases)
    return convert_unchecked(value, source, target, voltage, phases)


def convert_unchecked(
    value: float, from_unit: ChargingRateUnit, to_unit: ChargingRateUnit, voltage: float, phases: int
) -> float:
    """`convert` without checking `value`, `voltage` and `phases`, for callers whose values were checked where
    they were made (a configuration's voltage, a period's limit and numberPhases): the engine's inner loops (R3,
    R26)."""
    if from_unit is to_unit:
        return value
    if to_unit is _W:
        return value * voltage * phases
    return value / (voltage * phases)
