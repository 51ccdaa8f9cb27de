"""What each profile did: a step log added up per profile, per hour of day and per session (`analyze`, `Analysis`).

From the steps of a step log (`step_record.StepRecord`, with the `StateRecord` each was decided on) the analysis
counts, per binder (a profile, the balancer's share, the local policy, or nothing): the time it bound and the energy
withheld while it bound (requested minus delivered); per profile also the peak power with and without it; per hour
of day (UTC) the steps decided by OCPP limits and by the local policy; per session its energy, duration and stop
reason.

"Without profile P" is a counterfactual: P stays installed (it still overrides the profiles it overrides, R24) but
its limits count as unlimited (every period at least the charge point's hardware maximum), and every step taken
while P was installed is decided again with the same request, the same balancer share and the same local policy
decision. Raising one profile's limits never lowers a limit (stacking picks by stack level, purposes combine by
the least, outlets by the sum), so a step never gets less without P and the peak without P is never below the
peak with it. Removing P instead could lower a limit: a 10 kW TxDefaultProfile at stack level 1 over a 5 kW one
at stack level 0 leaves 5 kW when removed.

Everything is counted in integers (µWh, mW, seconds), keyed by the instant, so that `Analysis.merge` of the
analyses of two parts of a log (two shards of a fleet, two halves of a day) is exactly the analysis of the whole.
This module must not know files or JSON (`smartcharge.documents.step_log` reads a log) nor how a report looks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import attrs

from smartcharge.charging._limits import map_period_limits
from smartcharge.charging.energy import span_energy_wh
from smartcharge.charging.step_record import Bound, BoundKind, StateRecord, StepRecord
from smartcharge.engine._compiled import limit_span
from smartcharge.engine.combine import outlet_hardware_limit
from smartcharge.engine.instants import from_epoch
from smartcharge.engine.model import ChargingRateUnit, TransactionId
from smartcharge.engine.store import ChargePointState, InstalledProfile
from smartcharge.errors import InvalidArgumentError

__all__ = ["Analysis", "Analyzer", "BoundTally", "SessionTally", "analyze", "profile_bound", "without_limits"]

_UWH = 1_000_000
_W = ChargingRateUnit.W

#: A session: charge point, outlet, transaction.
SessionKey = tuple[str, int, "TransactionId | None"]
#: An interval of the log: its start (epoch seconds) and length (seconds).
Slot = tuple[int, int]


def _uwh(wh: float) -> int:
    return round(wh * _UWH)


@attrs.frozen
class BoundTally:
    """What one binder did: the `steps` it bound, their seconds (`bound_s`) and the energy withheld in them
    (`withheld_uwh`, requested minus delivered, µWh)."""

    steps: int = 0
    bound_s: int = 0
    withheld_uwh: int = 0

    def __add__(self, other: BoundTally) -> BoundTally:
        return BoundTally(
            self.steps + other.steps, self.bound_s + other.bound_s, self.withheld_uwh + other.withheld_uwh
        )


@attrs.frozen
class SessionTally:
    """One session in the log: from `start` to `end` (epoch seconds, the end of its last step), `energy_uwh`
    delivered in `steps` steps, and why it stopped (None: the log does not say; it may have gone on)."""

    start: int
    end: int
    energy_uwh: int
    steps: int
    stop_reason: str | None = None

    def __add__(self, other: SessionTally) -> SessionTally:
        return SessionTally(
            min(self.start, other.start),
            max(self.end, other.end),
            self.energy_uwh + other.energy_uwh,
            self.steps + other.steps,
            self.stop_reason if other.stop_reason is None else other.stop_reason,
        )


def _added(a: Mapping[Any, Any], b: Mapping[Any, Any]) -> dict[Any, Any]:
    out = dict(a)
    for key, value in b.items():
        out[key] = out[key] + value if key in out else value
    return out


@attrs.frozen(eq=True, hash=False)
class Analysis:
    """The analysis of a step log, or of part of one: integers only, so that `merge` is exact.

    - `requested_uwh`, `delivered` (µWh delivered per interval of the log, keyed by its start and length) and
      `limits` (the OCPP limits of the steps at each instant, added up, mW);
    - `bound`: per binder (`Bound`) its `BoundTally`; every step counts for exactly one binder, so their withheld
      energies add up to the total (`withheld_uwh`);
    - `without`: per profile installed during some step, the extra energy (µWh) each interval gets when that
      profile does not limit (the counterfactual of the module docstring);
    - `hours`: per hour of day (UTC, 0-23) the steps decided by OCPP limits and by the local policy (R33);
    - `sessions`: per (charge point, outlet, transaction) its `SessionTally`.
    """

    requested_uwh: int = 0
    delivered: Mapping[Slot, int] = attrs.field(factory=dict)
    limits: Mapping[int, int] = attrs.field(factory=dict)
    bound: Mapping[Bound, BoundTally] = attrs.field(factory=dict)
    without: Mapping[Bound, Mapping[Slot, int]] = attrs.field(factory=dict)
    hours: tuple[tuple[int, int], ...] = ((0, 0),) * 24
    sessions: Mapping[SessionKey, SessionTally] = attrs.field(factory=dict)

    def merge(self, other: Analysis) -> Analysis:
        """The analysis of both parts of a log (no step in both): every count added. Exact, in any order."""
        if not isinstance(other, Analysis):
            raise InvalidArgumentError(f"other must be an Analysis, not {other!r}")
        without = dict(self.without)
        for profile, extra in other.without.items():
            without[profile] = _added(without.get(profile, {}), extra)
        return Analysis(
            self.requested_uwh + other.requested_uwh,
            _added(self.delivered, other.delivered),
            _added(self.limits, other.limits),
            _added(self.bound, other.bound),
            without,
            tuple((a + c, b + d) for (a, b), (c, d) in zip(self.hours, other.hours, strict=True)),
            _added(self.sessions, other.sessions),
        )

    @property
    def steps(self) -> int:
        """Steps in the log."""
        return sum(t.steps for t in self.bound.values())

    @property
    def delivered_uwh(self) -> int:
        """Energy delivered (µWh)."""
        return sum(self.delivered.values())

    @property
    def withheld_uwh(self) -> int:
        """Energy withheld: requested minus delivered (µWh)."""
        return self.requested_uwh - self.delivered_uwh

    def power_w(self, extra: Mapping[Slot, int] | None = None) -> dict[int, float]:
        """The power of every instant of the log (W): each step's energy over its interval, added up over every
        outlet; with `extra` (a profile's counterfactual, `without`) added."""
        energy: dict[Slot, int] = dict(self.delivered) if not extra else _added(self.delivered, extra)
        power: dict[int, float] = {}
        for (at, interval), uwh in sorted(energy.items()):
            power[at] = power.get(at, 0.0) + uwh * 3600 / (interval * _UWH)
        return power

    def peak(self, extra: Mapping[Slot, int] | None = None) -> tuple[float, datetime | None]:
        """The highest power of one instant (W) and that instant (None: nothing delivered); with `extra`: the
        peak of a counterfactual."""
        power = self.power_w(extra)
        top = max(power.values(), default=0.0)
        at = next((from_epoch(t) for t, p in sorted(power.items()) if p == top), None) if top > 0 else None
        return top, at

    def busiest(self) -> tuple[str, int] | None:
        """The (charge point, outlet) that delivered the most energy (the first of equal ones); None: no step."""
        energy: Counter[tuple[str, int]] = Counter()
        for (charge_point, outlet, _), session in self.sessions.items():
            energy[(charge_point, outlet)] += session.energy_uwh
        return min(energy, key=lambda key: (-energy[key], key), default=None)


def profile_bound(installed: InstalledProfile) -> Bound:
    """An installed profile as the `Bound` a step it binds names."""
    profile = installed.profile
    return Bound(
        BoundKind.PROFILE,
        profile.charging_profile_id,
        profile.charging_profile_purpose.name,
        profile.stack_level,
        installed.outlet_id,
    )


def without_limits(state: ChargePointState, profile: Bound) -> ChargePointState:
    """`state` where `profile` does not limit: still installed, each of its periods at least the charge point's
    hardware maximum (its outlets' added up, in the period's unit)."""
    config = state.config
    ceiling = {
        unit: sum(outlet_hardware_limit(config, unit, c)[0] for c in config.outlet_ids) for unit in ChargingRateUnit
    }
    return attrs.evolve(
        state,
        profiles=[
            map_period_limits(p, lambda limit, unit: max(limit, ceiling[unit])) if profile_bound(p) == profile else p
            for p in state.profiles
        ],
    )


class Analyzer:
    """Adds up a step log's records one by one (`add`), keeping only the counts and each charge point's latest
    state (with its counterfactual states); `result` is the `Analysis` so far."""

    def __init__(self) -> None:
        self.requested = 0
        self.delivered: Counter[Slot] = Counter()
        self.limits: Counter[int] = Counter()
        self.bound: dict[Bound, BoundTally] = {}
        self.without: dict[Bound, Counter[Slot]] = {}
        self.hours = [[0, 0] for _ in range(24)]
        self.sessions: dict[SessionKey, SessionTally] = {}
        #: Per charge point: its state and, per profile installed, that state without the profile's limits.
        self.states: dict[str, tuple[ChargePointState, dict[Bound, ChargePointState]]] = {}

    def add(self, record: StepRecord | StateRecord) -> None:
        """Counts one record of the log."""
        if isinstance(record, StateRecord):
            state = record.state
            self.states[record.charge_point] = (state, {})
            for installed in state.profiles:
                self.without.setdefault(profile_bound(installed), Counter())
            return
        if not isinstance(record, StepRecord):
            raise InvalidArgumentError(f"a step log holds StepRecords and StateRecords, not {record!r}")
        self._step(record)

    def _step(self, r: StepRecord) -> None:
        slot = (r.at, r.interval_s)
        requested, delivered = _uwh(r.requested_wh), _uwh(r.delivered_wh)
        self.requested += requested
        self.delivered[slot] += delivered
        tally = BoundTally(1, r.interval_s, requested - delivered)
        self.bound[r.bound] = self.bound[r.bound] + tally if r.bound in self.bound else tally
        hour = self.hours[r.at // 3600 % 24]
        hour[0 if r.limit_w is not None else 1] += 1
        session = SessionTally(r.at, r.at + r.interval_s, delivered, 1, r.stop_reason)
        key = (r.charge_point, r.outlet_id, r.transaction_id)
        self.sessions[key] = self.sessions[key] + session if key in self.sessions else session
        if r.limit_w is None:
            return  # no OCPP limit: no profile made this step, and none does without its limits
        self.limits[r.at] += round(r.limit_w * 1000)
        found = self.states.get(r.charge_point)
        if found is None:
            raise InvalidArgumentError(f"charge point {r.charge_point!r} has a step before its first state line")
        state, counterfactuals = found
        for installed in state.profiles:
            profile = profile_bound(installed)
            other = counterfactuals.get(profile)
            if other is None:
                other = counterfactuals[profile] = without_limits(state, profile)
            allowed = span_energy_wh(other, r.outlet_id, r.at, r.interval_s, limit_span(other, r.outlet_id, r.at, _W))
            if r.share_w is not None:
                allowed = min(allowed, r.share_w * r.interval_s / 3600)
            extra = _uwh(r.requested_wh if r.requested_wh <= allowed else allowed) - delivered
            if extra:
                self.without[profile][slot] += extra

    def result(self) -> Analysis:
        """The analysis of the records added so far."""
        return Analysis(
            self.requested,
            {k: v for k, v in self.delivered.items()},
            dict(self.limits),
            dict(self.bound),
            {profile: dict(extra) for profile, extra in self.without.items()},
            tuple((a, b) for a, b in self.hours),
            dict(self.sessions),
        )


def analyze(records: Iterable[StepRecord | StateRecord]) -> Analysis:
    """The `Analysis` of a step log's records (`smartcharge.documents.step_log.read_step_log`), in log order: a
    charge point's state record comes before its steps. `InvalidArgumentError` for anything else in `records` or a
    step before its charge point's first state."""
    analyzer = Analyzer()
    for record in records:
        analyzer.add(record)
    return analyzer.result()
