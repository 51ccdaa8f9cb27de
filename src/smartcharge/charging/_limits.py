"""One helper the fleet and the analysis share: an installed profile with every period limit replaced.

This module must not know why the limits change (a fleet's variation, an analysis's counterfactual).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from smartcharge.engine.model import ChargingRateUnit
from smartcharge.engine.store import InstalledProfile


def map_period_limits(
    installed: InstalledProfile, limit: Callable[[float, ChargingRateUnit], float], scale_min_rate: float | None = None
) -> InstalledProfile:
    """`installed` with every period's limit replaced by ``limit(old, unit)`` (and minChargingRate times
    `scale_min_rate` when given); the received document no longer describes it, so it goes."""

    def schedule(s: Any) -> Any:
        unit = s.charging_rate_unit
        periods = [attrs.evolve(p, limit=limit(p.limit, unit)) for p in s.charging_schedule_period]
        minimum = s.min_charging_rate
        if scale_min_rate is not None and minimum is not None:
            minimum = minimum * scale_min_rate
        return attrs.evolve(s, charging_schedule_period=periods, min_charging_rate=minimum)

    profile = attrs.evolve(
        installed.profile, charging_schedules=[schedule(s) for s in installed.profile.charging_schedules]
    )
    return attrs.evolve(installed, profile=profile, document=None)
