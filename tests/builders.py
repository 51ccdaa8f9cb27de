"""Small builders that keep rule tests readable: a profile in one call, a state from a list of installs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

from smartcharge import (
    ChargePointConfig,
    ChargePointState,
    ChargingProfile,
    ChargingSchedule,
    ChargingSchedulePeriod,
    Purpose,
    install_profile,
)
from smartcharge.documents.state_document import STATE_PURPOSES

#: Every purpose a test may name, by name: OCPP 1.6's and 2.0.1's external constraints.
PURPOSES = {p.name: p for p in STATE_PURPOSES}

T0 = datetime(2026, 1, 8, 10, 0, tzinfo=timezone.utc)


def at(seconds: int = 0, base: datetime = T0) -> datetime:
    """`seconds` after `base` (T0 by default)."""
    return base + timedelta(seconds=seconds)


def profile(
    id: int = 1,
    *,
    purpose: str | Purpose = "TxDefaultProfile",
    kind: str = "Absolute",
    stack: int = 0,
    unit: str = "A",
    periods: Sequence[tuple[int, float] | tuple[int, float, int]] = ((0, 16.0),),
    start: datetime | None = T0,
    duration: int | None = None,
    recurrency: str | None = None,
    valid_from: datetime | None = None,
    valid_to: datetime | None = None,
    transaction_id: int | None = None,
) -> ChargingProfile:
    """A profile; `purpose` a `Purpose` or its name, `periods` (startPeriod, limit[, numberPhases]) tuples."""
    schedule = ChargingSchedule(
        unit,
        [ChargingSchedulePeriod(p[0], p[1], p[2] if len(p) > 2 else None) for p in periods],  # type: ignore[misc]
        duration,
        start,
    )
    the_purpose = PURPOSES[purpose] if isinstance(purpose, str) else purpose
    return ChargingProfile(id, stack, the_purpose, kind, schedule, transaction_id, recurrency, valid_from, valid_to)


def installed(
    state: ChargePointState | None, *placements: tuple[int, ChargingProfile], now: datetime = T0
) -> ChargePointState:
    """`state` (default: two connectors, 230 V, 32 A) with each (connector, profile) installed; all must be
    accepted."""
    current = state if state is not None else ChargePointState(ChargePointConfig(outlet_count=2))
    for outlet_id, p in placements:
        outcome = install_profile(current, outlet_id, p, now)
        assert outcome.accepted, outcome.reason
        current = outcome.state
    return current
