"""A <-> W conversion (SPEC R3, R26): pure arithmetic, no profiles, no time.

OCPP 1.6 §7.12 (E§3.69): a limit in `A` is the current per phase, a limit in `W` the total power, so
``W = A x voltage x phases`` and ``A = W / (voltage x phases)``. `phases` is the period's numberPhases, 3 when
absent (§7.14); `voltage` is the station's nominal voltage.
"""

from __future__ import annotations

import math

from smartcharge.engine.model import ChargingRateUnit

__all__ = ["amps_to_watts", "convert", "watts_to_amps"]


def _check(voltage: float, phases: int) -> None:
    if not (math.isfinite(voltage) and voltage > 0):
        raise ValueError(f"voltage must be a positive number, not {voltage!r}")
    if phases not in (1, 2, 3):
        raise ValueError(f"phases must be 1, 2 or 3, not {phases!r}")


def amps_to_watts(amps: float, voltage: float = 230.0, phases: int = 3) -> float:
    """Total power in W of `amps` per phase on `phases` phases at `voltage` (R3)."""
    _check(voltage, phases)
    return amps * voltage * phases


def watts_to_amps(watts: float, voltage: float = 230.0, phases: int = 3) -> float:
    """Current per phase in A that carries `watts` in total on `phases` phases at `voltage` (R3)."""
    _check(voltage, phases)
    return watts / (voltage * phases)


def convert(
    value: float, from_unit: ChargingRateUnit, to_unit: ChargingRateUnit, voltage: float = 230.0, phases: int = 3
) -> float:
    """`value` in `from_unit` expressed in `to_unit` (identity when the units agree)."""
    if from_unit is to_unit:
        _check(voltage, phases)
        return value
    if to_unit is ChargingRateUnit.W:
        return amps_to_watts(value, voltage, phases)
    return watts_to_amps(value, voltage, phases)
