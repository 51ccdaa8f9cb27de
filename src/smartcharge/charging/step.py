"""One meter-value step of a charging loop: OCPP limits first, the local policy otherwise (SPEC R33, R34).

This is the control flow of a charge point simulator's MeterValues loop as one pure function. When any OCPP
profile imposes a limit on the outlet at the step's instant, that limit caps the step and the local policy is
not consulted at all (R33); otherwise the local policy (`policy`) decides. The caller owns randomness and the
clock: the proposed step and the instant come in as arguments. Nothing here installs profiles or keeps a session.

A simulator calls this for thousands of outlets every few seconds, so a decision keeps the numbers its reason
is made of and writes the text only when someone reads it (`StepDecision.reason`, `StepDecision.log`).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from datetime import datetime, timezone
from enum import Enum

import attrs

from smartcharge.charging._checks import check_non_negative
from smartcharge.charging.energy import check_whole_interval, span_energy_wh
from smartcharge.charging.local_policy import (
    Action,
    ChargingEnvironment,
    LocalPolicy,
    SessionProgress,
    evaluate_meter_value_decision,
)
from smartcharge.charging.step_record import Bound, bound_of
from smartcharge.engine._compiled import limit_span
from smartcharge.engine.instants import to_epoch, utc_instant
from smartcharge.engine.limits import Limit
from smartcharge.engine.model import ChargingRateUnit
from smartcharge.engine.store import ChargePointState
from smartcharge.errors import InvalidArgumentError

__all__ = ["Source", "StepDecision", "meter_step"]


class Source(str, Enum):
    """Who decided a step: an OCPP profile, or the charge point's local policy (R33). The local policy's value is
    ``"legacy"``, the word the contract (DESIGN) and the logs of the original simulator use for it."""

    OCPP = "ocpp"
    LOCAL_POLICY = "legacy"


@attrs.frozen(slots=False)  # perf: attrs fills a frozen class's __dict__ directly: a third cheaper than slots
class StepDecision:
    """The outcome of one step: deliver `energy_wh`, decided by `source`, then `action`.

    `requested_wh` is the step the station proposed; `limit_w` the OCPP limit at the step's start (W) and
    `share_w` a load balancer's share, None when there was none; `policy_reason` the local policy's reason when it
    decided; `limit` the whole `Limit` at the step's start when OCPP decided (its sources: which profiles made it).
    `reason` says why in one sentence, `log` holds the lines a simulator would print for the step and `bound` what
    bound it; all are derived from these fields when read.
    """

    energy_wh: float
    source: Source
    action: Action
    requested_wh: float
    limit_w: float | None = None
    share_w: float | None = None
    policy_reason: str | None = None
    limit: Limit | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def bound(self) -> Bound:
        """What bound the step (`step_record.bound_of`): the governing profile when the OCPP limit cut it, the
        balancer when its share did, the local policy when it decided, else nothing."""
        decided = self.source is Source.LOCAL_POLICY and self.policy_reason is not None
        return bound_of(self.limit, self.share_w, self.requested_wh, self.energy_wh, decided)

    @property
    def reason(self) -> str:
        """Why the step holds `energy_wh`, e.g. "OCPP profile limiting charge to 7000W (step reduced from 250 to
        175 Wh)"."""
        if self.source is Source.LOCAL_POLICY:
            if self.policy_reason is None:
                return f"No OCPP limit and no local policy: full step of {self.requested_wh:.0f} Wh"
            return self.policy_reason
        limit = f"{self.limit_w:.0f}W" + ("" if self.share_w is None else f", balancer share {self.share_w:.0f}W")
        if self.energy_wh < self.requested_wh:
            return (
                f"OCPP profile limiting charge to {limit} "
                f"(step reduced from {self.requested_wh:.0f} to {self.energy_wh:.0f} Wh)"
            )
        return f"OCPP profile allows {limit} (full step of {self.energy_wh:.0f} Wh)"

    @property
    def log(self) -> tuple[str, ...]:
        """The lines a simulator prints for the step: the reason, marked as the legacy policy's when it decided."""
        if self.policy_reason is None:
            return (self.reason,)
        return (f"Legacy policy: {self.policy_reason}" + (" — stopping" if self.action is Action.STOP else ""),)


# perf: members read once: read from their enums (0.15 µs each on CPython 3.11), meter_step is 14% slower
_W, _OCPP, _LOCAL_POLICY, _CONTINUE = ChargingRateUnit.W, Source.OCPP, Source.LOCAL_POLICY, Action.CONTINUE
_INF = math.inf
_UTC = timezone.utc
_EPOCH = datetime(1970, 1, 1, tzinfo=_UTC)
_new = object.__new__


def meter_step(
    state: ChargePointState,
    outlet_id: int,
    at: datetime,
    interval_s: int,
    base_step_wh: float,
    energy_delivered_wh: float = 0.0,
    policy: LocalPolicy | None = None,
    env: ChargingEnvironment | None = None,
    share_w: float | None = None,
) -> StepDecision:
    """The energy of the meter-value step [at, at + interval_s) on `outlet_id`.

    With an OCPP limit at `at` (R33): the step is ``min(base_step_wh, allowed)`` where `allowed` is the exact
    energy the composite schedule allows over the interval (R34; it equals ``limit_w x interval_s / 3600`` when
    the limit holds for the whole interval), and charging continues. Without one: the local `policy` decides
    (R35) with `env` (default: the UTC hour of `at`, no price); without a policy the full step is delivered.
    `share_w` is a load balancer's share of the charge point's limit for this outlet (R28, `balancer`): it further
    caps an OCPP-limited step to ``share_w x interval_s / 3600``.
    """
    try:
        valid = 0.0 <= energy_delivered_wh < _INF and 0.0 <= base_step_wh < _INF  # finite, >= 0; NaN is neither
    except TypeError:  # no number: the checks below say which
        valid = False
    if not valid:
        check_non_negative("energy_delivered_wh", energy_delivered_wh)
        check_non_negative("base_step_wh", base_step_wh)
    if interval_s.__class__ is not int or interval_s <= 0:  # perf: the check's call only for an unusual interval
        check_whole_interval(interval_s)
    # perf: a kept span looked up here, not in a function of its own (its call and tuple: 6% of a step)
    # A UTC `at` whose span the state kept (the charging loop's every step) is found without `to_epoch`,
    # `limit_span`, `compiled_engine`, `Engine.target`, `Target.limit` and `SpanCache.find`.
    limit = None
    if at.__class__ is datetime and at.tzinfo is _UTC and outlet_id.__class__ is int:  # as `to_epoch`, `target`
        try:
            starts, ends, limits = state._compiled_form._targets[outlet_id].answers[_W]._table
        except (AttributeError, KeyError, TypeError):  # nothing kept yet
            pass
        else:
            delta = at - _EPOCH  # `to_epoch` of a UTC datetime
            t = delta.days * 86_400 + delta.seconds
            i = bisect_right(starts, t) - 1
            if i >= 0:
                # perf: the seconds its span holds on from t: both tests compare small ints, not epoch seconds (1%)
                left = ends[i] - t
                if left > 0:
                    limit = limits[i]
    if limit is None:
        t = to_epoch(at, "at")
        limit, holds_until = limit_span(state, outlet_id, t, _W)
        left = holds_until - t
    limit_w = limit.value
    if limit_w is not None:
        # perf: left, a small int, compared on CPython's fast path; t + interval_s is a big one (0.7% of a step)
        if left >= interval_s:  # perf: the limit holds over the whole step (almost always): no call
            # perf: a float divisor, not an int one to convert (0.7% of a step); limit_w is a float: the same quotient
            allowed = limit_w * interval_s / 3600.0
        else:
            allowed = span_energy_wh(state, outlet_id, t, interval_s, (limit, t + left))
        if share_w is not None:
            try:
                share_wh = share_w * interval_s / 3600
            except TypeError:
                raise InvalidArgumentError(f"share_w must be a number or None, not {share_w!r}") from None
            if not share_wh >= 0.0:  # a negative share, or NaN, would make the step negative or NaN
                raise InvalidArgumentError(f"share_w must be a number >= 0 or None, not {share_w!r}")
            allowed = min(allowed, share_wh)
        # perf: attrs' __init__ body, not its call (12% of a step): same __dict__, order, memory (test_step_decision)
        made = _new(StepDecision)
        fields = made.__dict__
        fields["energy_wh"] = base_step_wh if base_step_wh <= allowed else allowed
        fields["source"] = _OCPP
        fields["action"] = _CONTINUE
        fields["requested_wh"] = base_step_wh
        fields["limit_w"] = limit_w
        fields["share_w"] = share_w
        fields["policy_reason"] = None
        fields["limit"] = limit
        return made
    if policy is None:
        return StepDecision(base_step_wh, _LOCAL_POLICY, _CONTINUE, base_step_wh)
    station = SessionProgress(energy_delivered_wh, base_step_wh)
    decision = evaluate_meter_value_decision(station, policy, env or ChargingEnvironment(hour=utc_instant(at).hour))
    return StepDecision(decision.energy_wh, _LOCAL_POLICY, decision.action, base_step_wh, policy_reason=decision.reason)
