"""One meter-value step of a charging loop: OCPP limits first, the local policy otherwise (SPEC R33, R34).

This is the control flow of a charge point simulator's MeterValues loop as one pure function. When any OCPP
profile imposes a limit on the connector at the step's instant, that limit caps the step and the local policy is
not consulted at all (R33); otherwise the local policy (`policy`) decides. The caller owns randomness and the
clock: the proposed step and the instant come in as arguments. Nothing here installs profiles or keeps a session.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import attrs

from smartcharge._time import utc_instant
from smartcharge.composite import limit_at
from smartcharge.energy import max_energy_wh
from smartcharge.model import ChargingRateUnit
from smartcharge.policy import Action, ChargingEnvironment, LocalPolicy, StationState, evaluate_meter_value_decision
from smartcharge.state import ChargePointState

__all__ = ["Source", "StepDecision", "meter_step"]


class Source(str, Enum):
    """Who decided a step: an OCPP profile, or the local (legacy) policy."""

    OCPP = "ocpp"
    LEGACY = "legacy"


@attrs.frozen
class StepDecision:
    """The outcome of one step: deliver `energy_wh`, decided by `source`, then `action`, because `reason`;
    `log` holds the lines a simulator would print for it. `limit_w` is the OCPP limit at the step's start (W),
    None when no profile imposed one."""

    energy_wh: float
    source: Source
    action: Action
    reason: str
    log: tuple[str, ...]
    limit_w: float | None = None


def _ocpp_step(limit_w: float, allowed_wh: float, base_step_wh: float, share_w: float | None) -> StepDecision:
    step = min(base_step_wh, allowed_wh)
    limit = f"{limit_w:.0f}W" + ("" if share_w is None else f", balancer share {share_w:.0f}W")
    if step < base_step_wh:
        reason = f"OCPP profile limiting charge to {limit} (step reduced from {base_step_wh:.0f} to {step:.0f} Wh)"
    else:
        reason = f"OCPP profile allows {limit} (full step of {step:.0f} Wh)"
    return StepDecision(step, Source.OCPP, Action.CONTINUE, reason, (reason,), limit_w)


def meter_step(
    state: ChargePointState,
    connector_id: int,
    at: datetime,
    interval_s: int,
    base_step_wh: float,
    energy_delivered_wh: float = 0.0,
    policy: LocalPolicy | None = None,
    env: ChargingEnvironment | None = None,
    share_w: float | None = None,
) -> StepDecision:
    """The energy of the meter-value step [at, at + interval_s) on `connector_id`.

    With an OCPP limit at `at` (R33): the step is ``min(base_step_wh, allowed)`` where `allowed` is the exact
    energy the composite schedule allows over the interval (R34; it equals ``limit_w x interval_s / 3600`` when
    the limit holds for the whole interval), and charging continues. Without one: the local `policy` decides
    (R35) with `env` (default: the UTC hour of `at`, no price); without a policy the full step is delivered.
    `share_w` is a load balancer's share of the station limit for this connector (R28, `balance`): it further
    caps an OCPP-limited step to ``share_w x interval_s / 3600``.
    """
    station = StationState(energy_delivered_wh, base_step_wh)  # validates both
    limit = limit_at(state, connector_id, at, ChargingRateUnit.W)
    if limit.value is not None:
        allowed = max_energy_wh(state, connector_id, at, interval_s)
        if share_w is not None:
            allowed = min(allowed, share_w * interval_s / 3600)
        return _ocpp_step(limit.value, allowed, base_step_wh, share_w)
    if policy is None:
        reason = f"No OCPP limit and no local policy: full step of {base_step_wh:.0f} Wh"
        return StepDecision(base_step_wh, Source.LEGACY, Action.CONTINUE, reason, (reason,))
    decision = evaluate_meter_value_decision(station, policy, env or ChargingEnvironment(hour=utc_instant(at).hour))
    line = f"Legacy policy: {decision.reason}" + (" — stopping" if decision.action is Action.STOP else "")
    return StepDecision(decision.energy_wh, Source.LEGACY, decision.action, decision.reason, (line,))
