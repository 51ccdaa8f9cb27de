"""A charging session, step by step: `meter_step` repeated over a span, with a summary (SPEC R33-R35).

This is the engine of ``smartcharge simulate`` and ``smartcharge demo``, as a pure function: the proposed steps
come from the caller (who owns randomness), the environment (clock hour, price) from a function of the instant.
It keeps the running energy total and stops where the local policy stops; it does not change the charge point's
profiles (a caller that clears or installs mid-session runs two simulations).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs

from smartcharge.charging._checks import check_non_negative
from smartcharge.charging.balancer import station_allocation
from smartcharge.charging.energy import check_whole_interval
from smartcharge.charging.local_policy import Action, ChargingEnvironment, LocalPolicy
from smartcharge.charging.step import Source, StepDecision, meter_step
from smartcharge.engine.instants import utc_instant
from smartcharge.engine.model import ChargingRateUnit
from smartcharge.engine.store import ChargePointState
from smartcharge.errors import InvalidArgumentError

__all__ = [
    "SimulatedStep",
    "SimulationResult",
    "policy_from_document",
    "proposed_steps",
    "simulate_session",
    "simulate_station",
    "step_draws",
]

_POLICY_KEYS = {"energyCapKwh", "maxPrice", "peakHours", "allowPeak", "skipWhenExpensive", "pricePerHour"}


@attrs.frozen
class SimulatedStep:
    """One meter-value step: its instant, the proposed `base_step_wh`, the decision, and the session total
    after it (`delivered_wh`)."""

    at: datetime
    base_step_wh: float
    decision: StepDecision
    delivered_wh: float


@attrs.frozen
class SimulationResult:
    """The steps of a session and its summary: energy delivered, energy withheld by OCPP limits (what the
    proposed steps wanted beyond the limits), how many steps each source decided, and why it stopped (None: it
    ran to the end of the span)."""

    steps: tuple[SimulatedStep, ...]
    delivered_wh: float
    withheld_by_ocpp_wh: float
    decided_by: dict[str, int]
    stop_reason: str | None


def step_draws(low: float, high: float, seed: int | str) -> Callable[[], float]:
    """A function drawing proposed steps (Wh) for a simulated session, one a call: `low` when ``low == high``,
    else uniform whole Wh between them from a generator seeded with `seed`, ``float(round(uniform(low, high)))``.
    The same seed gives the same steps on every machine and in every process. `InvalidArgumentError` unless
    ``0 <= low <= high`` are finite numbers."""
    try:
        valid = 0 <= low <= high < math.inf
    except TypeError:
        valid = False
    if not valid:
        raise InvalidArgumentError(f"proposed steps need finite numbers 0 <= low <= high, not {low!r} and {high!r}")
    low = float(low)
    if low == high:
        return lambda: low
    draw = random.Random(seed).random
    width = high - low  # what `random.uniform` computes: low + (high - low) * random()

    def step() -> float:
        return float(round(low + width * draw()))

    return step


def proposed_steps(low: float, high: float, seed: int | str) -> Iterator[float]:
    """The endless proposed steps of `step_draws(low, high, seed)`, as an iterator."""
    return iter(step_draws(low, high, seed), None)


def _utc_hour_environment(at: datetime) -> ChargingEnvironment:
    return ChargingEnvironment(hour=at.hour)


def policy_from_document(
    document: Mapping[str, Any],
) -> tuple[LocalPolicy, Callable[[datetime], ChargingEnvironment]]:
    """A local policy and its environment from a JSON object (the ``--policy`` file of ``smartcharge simulate``):
    ``energyCapKwh``, ``maxPrice``, ``peakHours`` (list of ``[start, end]`` hours), ``allowPeak``,
    ``skipWhenExpensive``, and ``pricePerHour`` (24 prices, one per UTC hour; absent: no price). All optional.
    Raises `InvalidArgumentError` naming the problem."""
    if not isinstance(document, Mapping):
        raise InvalidArgumentError("a policy document must be a JSON object")
    unknown = sorted(map(str, set(document) - _POLICY_KEYS))
    if unknown:
        raise InvalidArgumentError(f"unknown policy keys {unknown}; known: {sorted(_POLICY_KEYS)}")
    prices = document.get("pricePerHour")
    if prices is not None and (
        not isinstance(prices, list) or len(prices) != 24 or not all(isinstance(p, (int, float)) for p in prices)
    ):
        raise InvalidArgumentError("pricePerHour must be a list of 24 numbers, one per hour 0..23")
    try:
        policy = LocalPolicy(
            energy_cap_kwh=document.get("energyCapKwh"),
            max_price=document.get("maxPrice"),
            peak_hours=document.get("peakHours", ()),
            allow_peak=bool(document.get("allowPeak", False)),
            skip_when_expensive=bool(document.get("skipWhenExpensive", False)),
        )
    except InvalidArgumentError as exc:
        raise InvalidArgumentError(f"bad policy document: {exc}") from exc

    def environment(at: datetime) -> ChargingEnvironment:
        hour = utc_instant(at).hour
        return ChargingEnvironment(hour=hour, price=None if prices is None else float(prices[hour]))

    return policy, environment


class _Session:
    """One outlet's running bookkeeping: the proposed steps still to come, the steps so far, the energy
    delivered and withheld by OCPP limits, and why the local policy stopped it (None: it has not)."""

    def __init__(self, name: str, base_steps: Iterable[float], delivered_wh: float = 0.0) -> None:
        try:
            self.proposals = iter(base_steps)
        except TypeError:
            raise InvalidArgumentError(f"{name} must be an iterable of proposed steps, not {base_steps!r}") from None
        self.steps: list[SimulatedStep] = []
        self.delivered_wh = delivered_wh
        self.withheld_wh = 0.0
        self.stop_reason: str | None = None

    def next_base(self) -> float | None:
        """The next proposed step; None once stopped or out of proposals."""
        return None if self.stop_reason is not None else next(self.proposals, None)

    def record(self, at: datetime, base: float, decision: StepDecision) -> None:
        self.delivered_wh += decision.energy_wh
        if decision.source is Source.OCPP:
            self.withheld_wh += base - decision.energy_wh
        self.steps.append(SimulatedStep(at, base, decision, self.delivered_wh))
        if decision.action is Action.STOP:
            self.stop_reason = decision.reason

    def result(self) -> SimulationResult:
        decided = Counter(step.decision.source.value for step in self.steps)
        return SimulationResult(tuple(self.steps), self.delivered_wh, self.withheld_wh, dict(decided), self.stop_reason)


def _check_span(duration_s: int, interval_s: int) -> None:
    """A simulated span is whole seconds, its meter-value interval positive (a span of 0 or less has no step)."""
    if not isinstance(duration_s, int) or isinstance(duration_s, bool):
        raise InvalidArgumentError(f"duration_s must be a whole number of seconds, not {duration_s!r}")
    check_whole_interval(interval_s)


def simulate_station(
    state: ChargePointState,
    outlet_ids: Sequence[int],
    start: datetime,
    duration_s: int,
    interval_s: int,
    base_steps: Mapping[int, Iterable[float]],
    *,
    policy: LocalPolicy | None = None,
    environment: Callable[[datetime], ChargingEnvironment] = _utc_hour_environment,
    progress: Callable[[float], None] | None = None,
) -> dict[int, SimulationResult]:
    """Several outlets charging at once, the station limit shared between them at every step by the load
    balancer (`balancer.station_allocation`, R28): each outlet's OCPP-limited step is capped by its share.
    Every outlet needs an active transaction; each stops on its own when the local policy stops it.
    `progress`, if given, is called with the fraction done after every step."""
    _check_span(duration_s, interval_s)
    if not isinstance(outlet_ids, Sequence):
        raise InvalidArgumentError(f"outlet_ids must be a sequence of outlet ids, not {outlet_ids!r}")
    missing = [c for c in outlet_ids if state.transaction_on(c) is None]
    if missing:
        raise InvalidArgumentError(f"outlets {missing} have no active transaction to balance")
    if not isinstance(base_steps, Mapping) or any(c not in base_steps for c in outlet_ids):
        raise InvalidArgumentError(f"base_steps must map each of the outlets {list(outlet_ids)} to its steps")
    begin = utc_instant(start, "start")
    sessions = {c: _Session(f"base_steps[{c}]", base_steps[c]) for c in outlet_ids}
    for offset in range(0, duration_s, interval_s):
        at = begin + timedelta(seconds=offset)
        shares = station_allocation(state, at, ChargingRateUnit.W)
        env = environment(at) if policy else None
        for c, session in sessions.items():
            base = session.next_base()
            if base is not None:
                decision = meter_step(state, c, at, interval_s, base, session.delivered_wh, policy, env, shares.get(c))
                session.record(at, base, decision)
        if progress is not None:
            progress(min(1.0, (offset + interval_s) / duration_s))
    return {c: session.result() for c, session in sessions.items()}


def simulate_session(
    state: ChargePointState,
    outlet_id: int,
    start: datetime,
    duration_s: int,
    interval_s: int,
    base_steps: Iterable[float],
    *,
    policy: LocalPolicy | None = None,
    environment: Callable[[datetime], ChargingEnvironment] = _utc_hour_environment,
    delivered_wh: float = 0.0,
    progress: Callable[[float], None] | None = None,
) -> SimulationResult:
    """Run `meter_step` every `interval_s` seconds over [start, start + duration_s), one proposed step from
    `base_steps` each, starting from `delivered_wh` already delivered in the session. Stops early when the local
    policy says stop, or when `base_steps` runs out. `progress`, if given, is called with the fraction done after
    every step."""
    _check_span(duration_s, interval_s)
    check_non_negative("delivered_wh", delivered_wh)
    begin = utc_instant(start, "start")
    session = _Session("base_steps", base_steps, delivered_wh)
    for offset in range(0, duration_s, interval_s):
        base = session.next_base()
        if base is None:
            break
        at = begin + timedelta(seconds=offset)
        env = environment(at) if policy else None
        decision = meter_step(state, outlet_id, at, interval_s, base, session.delivered_wh, policy, env)
        session.record(at, base, decision)
        if progress is not None:
            progress(min(1.0, (offset + interval_s) / duration_s))
    return session.result()
