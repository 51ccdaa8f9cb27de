"""The local policy: the charge point's own rules for charging, energy cap, price ceiling, peak hours (SPEC R35,
where it is called the legacy policy).

A charge point that receives no OCPP limit still decides for itself how much to charge each meter-value step.
These pure functions are that decision, each with a human-readable reason. They know nothing of OCPP: whether the
policy is consulted at all (only when no OCPP profile imposes a limit, R33) is `step`'s business.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import Enum
from numbers import Real

import attrs

from smartcharge.charging._checks import check_non_negative, finite_not_negative
from smartcharge.errors import InvalidArgumentError

__all__ = [
    "Action",
    "ChargingEnvironment",
    "LocalPolicy",
    "MeterDecision",
    "SessionProgress",
    "evaluate_meter_value_decision",
    "is_peak_hour",
]

#: In peak hours with peak charging allowed, a step is halved but never below this (Wh).
PEAK_STEP_FLOOR_WH = 10.0


class Action(str, Enum):
    """What the charging loop does after a step."""

    CONTINUE = "continue"
    STOP = "stop"


def _hour_range(value: Iterable[int]) -> tuple[int, int]:
    start, end = value
    return int(start), int(end)


def _peak_hours(value: Iterable[Iterable[int]]) -> tuple[tuple[int, int], ...]:
    try:
        ranges = tuple(_hour_range(r) for r in value)
    except (TypeError, ValueError, OverflowError):  # not pairs, or not whole numbers
        raise InvalidArgumentError(f"peak_hours must be (start, end) pairs of hours, not {value!r}") from None
    for start, end in ranges:
        if not (0 <= start <= 23 and 0 <= end <= 24):
            raise InvalidArgumentError(f"peak hour range ({start}, {end}) must have start 0..23 and end 0..24")
    return ranges


def _optional_non_negative(name: str, value: float | None) -> None:
    if value is not None and not finite_not_negative(value):
        raise InvalidArgumentError(f"{name} must be a finite number >= 0 or None, not {value!r}")


@attrs.frozen
class LocalPolicy:
    """The charge point's own policy, used only when no OCPP profile limits the outlet (R33, R35).

    - `energy_cap_kwh`: stop once the session has delivered this much energy (kWh); None: no cap.
    - `max_price`: stop (or, with `skip_when_expensive`, deliver nothing this step) while the energy price is
      above this (currency per kWh); None: price does not matter.
    - `peak_hours`: ranges ``(start_hour, end_hour)`` of local clock hours, start included and end excluded;
      a range may wrap midnight, e.g. ``(22, 6)``.
    - `allow_peak`: in peak hours, halve the step (never below 10 Wh) instead of stopping.
    """

    energy_cap_kwh: float | None = None
    max_price: float | None = None
    peak_hours: tuple[tuple[int, int], ...] = attrs.field(default=(), converter=_peak_hours)
    allow_peak: bool = False
    skip_when_expensive: bool = False

    def __attrs_post_init__(self) -> None:
        _optional_non_negative("energy_cap_kwh", self.energy_cap_kwh)
        _optional_non_negative("max_price", self.max_price)


@attrs.frozen
class SessionProgress:
    """Where the charging session stands: `energy_delivered_wh` so far, and `base_step_wh`, the energy the
    outlet would deliver in this step if nothing held it back (both Wh)."""

    energy_delivered_wh: float
    base_step_wh: float

    def __attrs_post_init__(self) -> None:
        check_non_negative("energy_delivered_wh", self.energy_delivered_wh)
        check_non_negative("base_step_wh", self.base_step_wh)


@attrs.frozen
class ChargingEnvironment:
    """The outside world at this step: the local clock `hour` (0..23) and the energy `price` (per kWh; None:
    unknown, which never stops charging)."""

    hour: int
    price: float | None = None

    def __attrs_post_init__(self) -> None:
        try:
            in_range = 0 <= self.hour <= 23
        except TypeError:  # not a number
            in_range = False
        if not in_range:
            raise InvalidArgumentError(f"hour must be 0..23, not {self.hour!r}")
        if self.price is not None and not isinstance(self.price, (Real, Decimal)):
            raise InvalidArgumentError(f"price must be a number or None, not {self.price!r}")


@attrs.frozen
class MeterDecision:
    """The policy's answer for one step: deliver `energy_wh`, then `action`, because `reason`."""

    action: Action
    energy_wh: float
    reason: str


def is_peak_hour(hour: int, peak_hours: Iterable[tuple[int, int]]) -> bool:
    """Is local clock `hour` inside one of the ``(start, end)`` ranges (start included, end excluded)? A range
    with end < start wraps midnight: ``(22, 6)`` holds 22, 23, 0, ..., 5. ``(h, h)`` is empty."""
    try:
        for start, end in peak_hours:
            if start <= end:
                if start <= hour < end:
                    return True
            elif hour >= start or hour < end:
                return True
    except (TypeError, ValueError):  # an hour that is no number, or ranges that are not (start, end) pairs
        raise InvalidArgumentError(
            f"is_peak_hour needs an hour and (start, end) pairs of hours, not {hour!r} and {peak_hours!r}"
        ) from None
    return False


def evaluate_meter_value_decision(
    progress: SessionProgress, policy: LocalPolicy, env: ChargingEnvironment
) -> MeterDecision:
    """R35: the local policy's decision for the station's next step, in this order: energy cap reached -> stop;
    price above the maximum -> stop (or skip); peak hour -> stop, or halve the step (floor 10 Wh) when allowed;
    finally the step is clipped so the energy cap is met, never exceeded."""
    delivered, base_step_wh = progress.energy_delivered_wh, progress.base_step_wh
    cap_wh = None if policy.energy_cap_kwh is None else policy.energy_cap_kwh * 1000
    if cap_wh is not None and delivered >= cap_wh:
        return MeterDecision(
            Action.STOP, 0.0, f"Energy cap reached ({delivered / 1000:.1f}/{policy.energy_cap_kwh:.1f} kWh)"
        )
    if policy.max_price is not None and env.price is not None and env.price > policy.max_price:
        why = f"Price {env.price:g} above maximum {policy.max_price:g}"
        if policy.skip_when_expensive:
            return MeterDecision(Action.CONTINUE, 0.0, why + " — skipping this step")
        return MeterDecision(Action.STOP, 0.0, why)
    step, reason = base_step_wh, f"Within policy: full step of {base_step_wh:.0f} Wh"
    if is_peak_hour(env.hour, policy.peak_hours):
        if not policy.allow_peak:
            return MeterDecision(Action.STOP, 0.0, f"Peak hour {env.hour:02d}:00 and peak charging not allowed")
        step = min(base_step_wh, max(base_step_wh / 2, PEAK_STEP_FLOOR_WH))
        reason = f"Peak hour {env.hour:02d}:00: step halved to {step:.0f} Wh"
    if cap_wh is not None and delivered + step >= cap_wh:
        return MeterDecision(
            Action.STOP,
            cap_wh - delivered,
            f"Energy cap reached ({policy.energy_cap_kwh:.1f}/{policy.energy_cap_kwh:.1f} kWh)",
        )
    return MeterDecision(Action.CONTINUE, step, reason)
