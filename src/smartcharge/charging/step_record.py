"""What bound one charging step, and one step as a step log records it (`Bound`, `StepRecord`, `StateRecord`).

A step is bound by whatever made it smaller than the station proposed: the OCPP profile that governs the outlet's
limit at the step's start (its id, purpose, stack level and the outlet it is installed on), the load balancer's
share of the charge point's limit, or the local policy; or by nothing (the full step was delivered). `bound_of`
derives it from the numbers a step decision already holds, so the charging loop pays for it only when someone
asks (`StepDecision.bound`); `governing_source` picks the profile out of a `Limit`'s sources.

This module must not know files or JSON (`smartcharge.documents.step_log` writes and reads the log) nor how the
records are added up (`analysis`).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

import attrs

from smartcharge.engine.limits import Limit, LimitSource
from smartcharge.engine.model import TransactionId
from smartcharge.engine.store import ChargePointState

__all__ = [
    "BALANCER",
    "LOCAL_POLICY",
    "NO_BOUND",
    "Bound",
    "BoundKind",
    "StateRecord",
    "StepRecord",
    "StepSink",
    "bound_of",
    "governing_source",
]


class BoundKind(str, Enum):
    """What bound a step: a profile, the balancer's share, the local policy, or nothing."""

    PROFILE = "profile"
    BALANCER = "balancer"
    LOCAL_POLICY = "localPolicy"
    NONE = "none"


@attrs.frozen
class Bound:
    """What bound a step (`kind`); for a profile its `profile_id`, `purpose` (the protocol's name of it),
    `stack_level` and the `outlet_id` it is installed on (0: the whole charge point)."""

    kind: BoundKind
    profile_id: int | None = None
    purpose: str | None = None
    stack_level: int | None = None
    outlet_id: int | None = None

    @classmethod
    def of_source(cls, source: LimitSource) -> Bound:
        """The profile of `source` as a `Bound`."""
        return cls(BoundKind.PROFILE, source.profile_id, source.purpose.name, source.stack_level, source.outlet_id)

    @property
    def label(self) -> str:
        """For people: ``"TxDefaultProfile #1 (stack level 0, connector 1)"``, ``"balancer share"``,
        ``"local policy"``, ``"nothing"``."""
        if self.kind is BoundKind.PROFILE:
            return f"{self.purpose} #{self.profile_id} (stack level {self.stack_level}, outlet {self.outlet_id})"
        return {BoundKind.BALANCER: "balancer share", BoundKind.LOCAL_POLICY: "local policy"}.get(self.kind, "nothing")


#: Nothing bound the step (one object, so that deriving it allocates nothing).
NO_BOUND = Bound(BoundKind.NONE)
#: The balancer's share bound the step.
BALANCER = Bound(BoundKind.BALANCER)
#: The local policy decided the step.
LOCAL_POLICY = Bound(BoundKind.LOCAL_POLICY)


def governing_source(limit: Limit) -> LimitSource | None:
    """The source that makes an outlet's `limit` (> 0: an outlet's limit is the least of its sources, R25, R26):
    the least source in the limit's own unit when it equals the value, else the least source in the other unit
    (every source of one unit converts by the same factor, so the least stays least); the first of equal ones.
    None when no profile limits."""
    if limit.value is None or not limit.sources:
        return None
    same: LimitSource | None = None
    other: LimitSource | None = None
    for source in limit.sources:
        if source.unit is limit.unit:
            if same is None or source.limit < same.limit:
                same = source
        elif other is None or source.limit < other.limit:
            other = source
    if same is not None and (other is None or same.limit <= limit.value):
        return same
    return other


def bound_of(
    limit: Limit | None, share_w: float | None, requested_wh: float, energy_wh: float, policy_decided: bool
) -> Bound:
    """What bound a step that delivered `energy_wh` of `requested_wh` under `limit` (the outlet's limit in W at the
    step's start; None or a None value: no OCPP limit) and the balancer's `share_w` (None: none): the local policy
    when it decided (`policy_decided`), nothing when the full step was delivered, the balancer when its share is
    below the OCPP limit, else the governing profile."""
    if limit is None or limit.value is None:
        return LOCAL_POLICY if policy_decided else NO_BOUND
    if energy_wh >= requested_wh:
        return NO_BOUND
    if share_w is not None and share_w < limit.value:
        return BALANCER
    source = governing_source(limit)
    return NO_BOUND if source is None else Bound.of_source(source)


@attrs.frozen
class StepRecord:
    """One step as the step log holds it: at epoch second `at` for `interval_s` seconds, outlet `outlet_id` of
    charge point `charge_point` in transaction `transaction_id` was proposed `requested_wh` and delivered
    `delivered_wh`, under the OCPP limit `limit_w` (None: none) and the balancer's `share_w` (None: none);
    `bound` says what bound it, and `stop_reason` why the session stopped when this was its last step."""

    at: int
    charge_point: str
    outlet_id: int
    transaction_id: TransactionId | None
    interval_s: int
    requested_wh: float
    delivered_wh: float
    limit_w: float | None
    share_w: float | None
    bound: Bound
    stop_reason: str | None = None


@attrs.frozen
class StateRecord:
    """Charge point `charge_point`'s state (profiles and transactions) from epoch second `at` on: the step log
    holds one before a charge point's first step and one after every change."""

    at: int
    charge_point: str
    state: ChargePointState


#: Where a simulator sends its steps: called with the charge point's name, the state the step was decided on and
#: the step (`smartcharge.documents.step_log.StepLogWriter` writes them as JSON lines).
StepSink = Callable[[str, ChargePointState, StepRecord], None]
