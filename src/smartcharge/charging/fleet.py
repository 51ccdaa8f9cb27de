"""Fleet simulation: many charge points stepped over one horizon into totals that add up exactly (SPEC R28,
R33-R35).

A fleet (`FleetSpec`) is groups of charge points (`ChargePointGroup`): one charge point (a `ChargePointState`, its
configuration and profiles) copied `count` times, each copy optionally varied (`Variation`), with sessions that
are given (`Session`) or drawn for each copy (`SessionPattern`). `simulate_charge_points` steps a range of the
fleet's charge points, one charge point at a time, every `interval_s` over the horizon. A session starts a
transaction when it arrives, proposes steps drawn from its own seed (`step_draws`), never more than the energy
it still wants, and each step gets what `meter_step` gives it with the load balancer's share of the charge point's
limit (`station_allocation`, R28), exactly as `simulate_station` steps a charge point. A session ends (its
transaction with it) once it has its energy, when the local policy stops it (R35), or when it departs.

What is kept is the sum, never the steps: `FleetTotals`, per interval the energy delivered, the energy withheld by
OCPP limits and the sessions charging, and per charge point a summary (`ChargePointTotals`). Energies are counted in
whole micro-watt-hours (each step's energy rounded once to the nearest µWh), so the totals of parts add up exactly
in any order and any grouping (`FleetTotals.combine`): integers, where a float sum would depend on the order.

Randomness comes only from the fleet's seed and a charge point's index (a session's steps also from its outlet and
its place on that outlet), never from which charge points are stepped together: splitting the fleet into parts
(`FleetSpec.part`) in any way, in any process, gives the same totals.

The fast path: within a span where an outlet's limit holds (`limit_span`), a full interval's energy is the same
every step, and the balancer's shares change only where a charging outlet's limit or the set of transactions does,
so neither is asked again in between; every value is computed by the same expressions `meter_step` and
`station_allocation` use (a property test compares the two on random states).

This module must not know files or JSON documents (`smartcharge.documents.fleet_document` reads a fleet spec),
executors, processes or clocks (`smartcharge.fleet` shards a fleet over an executor).
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs

from smartcharge.charging._limits import map_period_limits
from smartcharge.charging.balancer import station_allocation
from smartcharge.charging.energy import check_whole_interval, span_energy_wh
from smartcharge.charging.local_policy import Action, ChargingEnvironment, LocalPolicy
from smartcharge.charging.simulation import policy_from_document, step_draws
from smartcharge.charging.step import meter_step
from smartcharge.charging.step_record import (
    BALANCER,
    NO_BOUND,
    Bound,
    StepRecord,
    StepSink,
    governing_source,
)
from smartcharge.engine._compiled import limit_span
from smartcharge.engine.instants import from_epoch, to_epoch, utc_instant
from smartcharge.engine.limits import Limit
from smartcharge.engine.model import ChargingRateUnit
from smartcharge.engine.store import ChargePointState, InstalledProfile, end_transaction, start_transaction
from smartcharge.errors import InvalidArgumentError

__all__ = [
    "MICRO_WH_PER_WH",
    "ChargePointGroup",
    "ChargePointTotals",
    "FleetPart",
    "FleetSpec",
    "FleetTotals",
    "Session",
    "SessionPattern",
    "Variation",
    "charge_point_seed",
    "simulate_charge_points",
    "simulate_part",
]

#: Energies are counted in whole micro-watt-hours: a step's energy in Wh times this, rounded to the nearest integer.
MICRO_WH_PER_WH = 1_000_000

_W = ChargingRateUnit.W
#: The limit of an outlet not asked yet (never an answer of the engine: no unit has no hardware maximum).
_UNASKED = Limit(None, _W, 3, (), -1.0)


# --- checks ------------------------------------------------------------------------------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _whole(name: str, value: object, minimum: int) -> None:
    if not (_is_int(value) and value >= minimum):  # type: ignore[operator]
        raise InvalidArgumentError(f"{name} must be a whole number >= {minimum}, not {value!r}")


def _pair(name: str, value: Any, minimum: float, whole: bool) -> tuple[Any, Any]:
    """`value` as a (low, high) pair with ``minimum <= low <= high``; `InvalidArgumentError` naming `name`."""
    try:
        low, high = value
    except (TypeError, ValueError):
        low = high = None
    check = _is_int if whole else _is_number
    if not (check(low) and check(high) and minimum <= low <= high):
        kind = "whole numbers" if whole else "finite numbers"
        raise InvalidArgumentError(
            f"{name} must be a (low, high) pair of {kind}, {minimum} <= low <= high, not {value!r}"
        )
    return (low, high) if whole else (float(low), float(high))


def _pair_validator(minimum: float, whole: bool) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        _pair(f"{type(instance).__name__}.{attribute.name}", value, minimum, whole)

    return check


def _as_tuple(value: Any) -> Any:
    """Any iterable as a tuple (a (low, high) pair, the groups of a fleet), its items kept as given for the
    validators to check; anything else as it is, for them to refuse."""
    try:
        return tuple(value)
    except TypeError:
        return value


# --- sessions ------------------------------------------------------------------------------------------------------


@attrs.frozen
class Session:
    """One vehicle on outlet `outlet_id`: it arrives `arrival_s` seconds into the horizon (its transaction starts
    then, the anchor of Relative profiles, R22), wants `energy_wh`, proposes steps of `step_wh` (low, high) Wh drawn
    uniformly in whole Wh (`step_draws`), and departs `departure_s` seconds into the horizon (None: it stays
    until it has its energy, the local policy stops it, or the horizon ends). It charges from the first step at or
    after its arrival."""

    outlet_id: int
    arrival_s: int
    energy_wh: float
    step_wh: tuple[float, float] = attrs.field(converter=_as_tuple, validator=_pair_validator(0, whole=False))
    departure_s: int | None = None

    def __attrs_post_init__(self) -> None:
        _whole("Session.outlet_id", self.outlet_id, 1)
        _whole("Session.arrival_s", self.arrival_s, 0)
        if not (_is_number(self.energy_wh) and self.energy_wh > 0):
            raise InvalidArgumentError(f"Session.energy_wh must be a finite number > 0, not {self.energy_wh!r}")
        if self.departure_s is not None:
            _whole("Session.departure_s", self.departure_s, self.arrival_s + 1)


@attrs.frozen
class SessionPattern:
    """Sessions drawn for each copy of a charge point from its seed: on every outlet, the first vehicle arrives after
    a gap of `gap_s` (low, high) seconds, stays `dwell_s` seconds, wants `energy_wh` (whole Wh) and proposes steps of
    `power_w` (low, high) times the interval; the next arrives a gap after it departs, until the horizon ends.
    Every draw is uniform. The defaults keep an outlet busy about two thirds of the time, with 3.7 to 11 kW
    vehicles that want 5 to 50 kWh."""

    gap_s: tuple[int, int] = attrs.field(default=(0, 14_400), converter=_as_tuple, validator=_pair_validator(0, True))
    dwell_s: tuple[int, int] = attrs.field(
        default=(3_600, 28_800), converter=_as_tuple, validator=_pair_validator(1, True)
    )
    energy_wh: tuple[float, float] = attrs.field(
        default=(5_000.0, 50_000.0), converter=_as_tuple, validator=_pair_validator(1, False)
    )
    power_w: tuple[float, float] = attrs.field(
        default=(3_700.0, 11_000.0), converter=_as_tuple, validator=_pair_validator(0, False)
    )

    def draw(
        self, outlet_ids: Iterable[int], duration_s: int, interval_s: int, generator: random.Random
    ) -> list[Session]:
        """The sessions of one charge point, outlet after outlet, drawn from `generator`."""
        step_wh = (self.power_w[0] * interval_s / 3600, self.power_w[1] * interval_s / 3600)
        sessions = []
        for outlet_id in outlet_ids:
            arrival = generator.randint(*self.gap_s)
            while arrival < duration_s:
                departure = arrival + generator.randint(*self.dwell_s)
                energy = float(round(generator.uniform(*self.energy_wh)))
                sessions.append(Session(outlet_id, arrival, energy, step_wh, departure))
                arrival = departure + generator.randint(*self.gap_s)
        return sessions


@attrs.frozen
class Variation:
    """How the copies of a charge point differ: every period limit of every profile (and its minChargingRate)
    multiplied by a factor drawn uniformly from `limit_scale` (low, high) for each copy."""

    limit_scale: tuple[float, float] = attrs.field(
        default=(1.0, 1.0), converter=_as_tuple, validator=_pair_validator(0, whole=False)
    )

    def apply(self, state: ChargePointState, generator: random.Random) -> ChargePointState:
        """`state` with its limits scaled by a factor drawn from `generator` (one draw, also when low == high)."""
        factor = generator.uniform(*self.limit_scale)
        if factor == 1.0:
            return state
        return attrs.evolve(state, profiles=[_scaled(installed, factor) for installed in state.profiles])


def _scaled(installed: InstalledProfile, factor: float) -> InstalledProfile:
    """`installed` with every limit (and minChargingRate) times `factor`."""
    return map_period_limits(installed, lambda limit, _: limit * factor, factor)


# --- the fleet -----------------------------------------------------------------------------------------------------


def _idle(state: ChargePointState) -> ChargePointState:
    """`state` without its transactions (and so without their TxProfiles, R18): the fleet's sessions start their
    own."""
    if not isinstance(state, ChargePointState):
        raise InvalidArgumentError(f"ChargePointGroup.state must be a ChargePointState, not {state!r}")
    for transaction in state.transactions:
        state = end_transaction(state, transaction.transaction_id)
    return state


def _as_sessions(value: Any) -> Any:
    if isinstance(value, SessionPattern):
        return value
    try:
        return tuple(value)
    except TypeError:
        return value


@attrs.frozen
class ChargePointGroup:
    """`count` copies of one charge point: its configuration and profiles (`state`; its transactions, and the
    TxProfiles bound to them, are left out, R18), its sessions (given, the same for every copy, or a
    `SessionPattern` drawn for each), its local `policy` (a policy document as `policy_from_document` reads it;
    None: none, R35), and how the copies differ (`variation`; None: they do not). `name` names the group in
    summaries."""

    state: ChargePointState = attrs.field(converter=_idle)
    count: int = 1
    sessions: tuple[Session, ...] | SessionPattern = attrs.field(factory=SessionPattern, converter=_as_sessions)
    policy: Mapping[str, Any] | None = attrs.field(default=None, eq=False)
    variation: Variation | None = None
    name: str = ""

    def __attrs_post_init__(self) -> None:
        _whole("ChargePointGroup.count", self.count, 1)
        if not isinstance(self.name, str):
            raise InvalidArgumentError(f"ChargePointGroup.name must be a string, not {self.name!r}")
        if self.policy is not None:
            policy_from_document(self.policy)  # refuses a bad document now, not in a worker
        if self.variation is not None and not isinstance(self.variation, Variation):
            raise InvalidArgumentError(
                f"ChargePointGroup.variation must be a Variation or None, not {self.variation!r}"
            )
        if isinstance(self.sessions, SessionPattern):
            return
        if not all(isinstance(s, Session) for s in self.sessions):
            raise InvalidArgumentError(
                f"ChargePointGroup.sessions must be Sessions or a SessionPattern, not {self.sessions!r}"
            )
        _check_sessions(self.sessions, self.state.config.outlet_ids)

    def member_name(self, member: int) -> str:
        """The name of copy `member` (0-based): the group's name, numbered from 1 when there are several."""
        return self.name if self.count == 1 else f"{self.name}#{member + 1}"


def _check_sessions(sessions: Sequence[Session], outlet_ids: Sequence[int]) -> None:
    """Sessions name outlets of the charge point, and one outlet's sessions do not overlap: every one but the last
    departs before the next arrives."""
    last: dict[int, Session] = {}
    for i, session in sorted(enumerate(sessions), key=lambda item: (item[1].outlet_id, item[1].arrival_s)):
        if session.outlet_id not in outlet_ids:
            raise InvalidArgumentError(
                f"sessions[{i}].outlet_id {session.outlet_id} is not an outlet of the charge point"
            )
        before = last.get(session.outlet_id)
        if before is not None and (before.departure_s is None or before.departure_s > session.arrival_s):
            raise InvalidArgumentError(
                f"sessions[{i}] arrives on outlet {session.outlet_id} at {session.arrival_s} s, before the session "
                f"there arriving at {before.arrival_s} s departs"
            )
        last[session.outlet_id] = session


def _whole_seconds(value: datetime) -> datetime:
    return from_epoch(to_epoch(utc_instant(value, "FleetSpec.start"), "FleetSpec.start"))


@attrs.frozen
class FleetSpec:
    """A fleet over a horizon: the charge points of `groups`, stepped every `interval_s` seconds from `start`
    (floored to the second) for `duration_s` seconds, their randomness drawn from `seed`. `site_limit_w`, the
    grid connection of the whole fleet, is only drawn next to the fleet's power (None: none).

    Charge points are numbered from 0 through the groups in order; charge point `i` draws from
    `charge_point_seed(seed, i)` only."""

    start: datetime = attrs.field(converter=_whole_seconds)
    duration_s: int
    interval_s: int
    groups: tuple[ChargePointGroup, ...] = attrs.field(converter=_as_tuple)
    seed: int = 0
    site_limit_w: float | None = None

    def __attrs_post_init__(self) -> None:
        _whole("FleetSpec.duration_s", self.duration_s, 1)
        check_whole_interval(self.interval_s)
        if not _is_int(self.seed):
            raise InvalidArgumentError(f"FleetSpec.seed must be a whole number, not {self.seed!r}")
        if not (
            isinstance(self.groups, tuple) and self.groups and all(isinstance(g, ChargePointGroup) for g in self.groups)
        ):
            raise InvalidArgumentError(f"FleetSpec.groups must be one or more ChargePointGroups, not {self.groups!r}")
        if self.site_limit_w is not None and not (_is_number(self.site_limit_w) and self.site_limit_w >= 0):
            raise InvalidArgumentError(
                f"FleetSpec.site_limit_w must be a finite number >= 0, not {self.site_limit_w!r}"
            )

    @property
    def charge_points(self) -> int:
        """How many charge points the fleet has."""
        return sum(g.count for g in self.groups)

    @property
    def outlets(self) -> int:
        """How many outlets the fleet has."""
        return sum(g.count * g.state.config.outlet_count for g in self.groups)

    @property
    def intervals(self) -> int:
        """How many steps every outlet takes: one every `interval_s` from the start while inside the horizon."""
        return -(-self.duration_s // self.interval_s)

    def part(self, first: int, stop: int) -> FleetPart:
        """Charge points `first` .. `stop` - 1, with only the groups they need (what one shard sends to a worker)."""
        if not (_is_int(first) and _is_int(stop) and 0 <= first <= stop <= self.charge_points):
            raise InvalidArgumentError(
                f"a part must be 0 <= first <= stop <= {self.charge_points}, not {first}, {stop}"
            )
        pieces = []
        offset = 0
        for group in self.groups:
            lo, hi = max(first - offset, 0), min(stop - offset, group.count)
            if lo < hi:
                pieces.append((offset, group, lo, hi))
            offset += group.count
        return FleetPart(self.start, self.duration_s, self.interval_s, self.seed, tuple(pieces))

    def parts(self, size: int) -> list[FleetPart]:
        """The fleet cut into parts of `size` charge points (the last one smaller), in index order."""
        _whole("size", size, 1)
        n = self.charge_points
        return [self.part(first, min(first + size, n)) for first in range(0, n, size)]


@attrs.frozen
class FleetPart:
    """Some of a fleet's charge points and the horizon: `pieces` are (index of the group's first charge point,
    group, first member, end member) (`FleetSpec.part`). Pickles small: only the groups it needs."""

    start: datetime
    duration_s: int
    interval_s: int
    seed: int
    pieces: tuple[tuple[int, ChargePointGroup, int, int], ...]

    @property
    def charge_points(self) -> int:
        """How many charge points the part has."""
        return sum(hi - lo for _, _, lo, hi in self.pieces)

    @property
    def steps(self) -> int:
        """How many steps its outlets take: outlets times intervals."""
        intervals = -(-self.duration_s // self.interval_s)
        return sum((hi - lo) * g.state.config.outlet_count for _, g, lo, hi in self.pieces) * intervals


def charge_point_seed(seed: int, index: int) -> str:
    """The seed of charge point `index` of a fleet seeded with `seed` (its variation and its drawn sessions); a
    session's steps are seeded with this, its outlet and its place on that outlet (``"7/12/2/0"``)."""
    return f"{seed}/{index}"


# --- totals ------------------------------------------------------------------------------------------------------


@attrs.frozen
class ChargePointTotals:
    """What one charge point did over the horizon: its `index` in the fleet and `name`, its `outlets`, the
    `sessions` that charged at least one step and how many of them got all their energy (`completed`), the
    `steps` its outlets took (outlets times intervals) and how many of those charged (`charging_steps`), the
    energy delivered and withheld by OCPP limits (µWh), and its largest energy in one interval (`peak_uwh`)."""

    index: int
    name: str
    outlets: int
    sessions: int
    completed: int
    steps: int
    charging_steps: int
    energy_uwh: int
    withheld_uwh: int
    peak_uwh: int

    @property
    def energy_wh(self) -> float:
        """The energy delivered, in Wh."""
        return self.energy_uwh / MICRO_WH_PER_WH

    @property
    def withheld_wh(self) -> float:
        """The energy OCPP limits withheld from what the sessions proposed, in Wh."""
        return self.withheld_uwh / MICRO_WH_PER_WH


@attrs.frozen
class FleetTotals:
    """The fleet (or part of it) over the horizon, added up: per interval from `start`, every `interval_s`, the
    energy delivered (`energy_uwh`), the energy withheld by OCPP limits (`withheld_uwh`) and the sessions that
    charged (`sessions_charging`); and per charge point its `ChargePointTotals`, in index order. Integers only, so
    `combine` is exact whatever the order of the parts."""

    start: datetime
    interval_s: int
    energy_uwh: tuple[int, ...]
    withheld_uwh: tuple[int, ...]
    sessions_charging: tuple[int, ...]
    charge_points: tuple[ChargePointTotals, ...]

    @classmethod
    def combine(cls, parts: Iterable[FleetTotals]) -> FleetTotals:
        """The totals of several parts of one fleet (none may repeat a charge point): series added up interval by
        interval, charge points in index order. Exact: the same answer for any order and grouping of the parts."""
        parts = list(parts)
        if not parts:
            raise InvalidArgumentError("combine needs at least one FleetTotals")
        first = parts[0]
        shape = (first.start, first.interval_s, len(first.energy_uwh))
        if any((p.start, p.interval_s, len(p.energy_uwh)) != shape for p in parts):
            raise InvalidArgumentError("combine needs totals of one horizon (the same start, interval and length)")
        points = sorted((c for p in parts for c in p.charge_points), key=lambda c: c.index)
        if any(a.index == b.index for a, b in itertools.pairwise(points)):
            raise InvalidArgumentError("combine was given one charge point twice")
        return cls(
            first.start,
            first.interval_s,
            tuple(map(sum, zip(*(p.energy_uwh for p in parts), strict=True))),
            tuple(map(sum, zip(*(p.withheld_uwh for p in parts), strict=True))),
            tuple(map(sum, zip(*(p.sessions_charging for p in parts), strict=True))),
            tuple(points),
        )

    @property
    def outlets(self) -> int:
        """Outlets of the charge points counted."""
        return sum(c.outlets for c in self.charge_points)

    @property
    def steps(self) -> int:
        """Steps taken: outlets times intervals."""
        return sum(c.steps for c in self.charge_points)

    @property
    def charging_steps(self) -> int:
        """Steps in which a session charged."""
        return sum(self.sessions_charging)

    @property
    def sessions(self) -> int:
        """Sessions that charged at least one step."""
        return sum(c.sessions for c in self.charge_points)

    @property
    def energy_wh(self) -> float:
        """Energy delivered, in Wh."""
        return sum(self.energy_uwh) / MICRO_WH_PER_WH

    @property
    def withheld_wh(self) -> float:
        """Energy withheld by OCPP limits, in Wh."""
        return sum(self.withheld_uwh) / MICRO_WH_PER_WH

    def power_w(self) -> list[float]:
        """The fleet's mean power in each interval, in W (its energy over the interval's length)."""
        return [e * 3600 / (self.interval_s * MICRO_WH_PER_WH) for e in self.energy_uwh]

    @property
    def peak_w(self) -> float:
        """The fleet's highest mean power in one interval, in W (0.0 with no interval)."""
        return max(self.energy_uwh, default=0) * 3600 / (self.interval_s * MICRO_WH_PER_WH)

    @property
    def peak_at(self) -> datetime | None:
        """The start of the first interval with the highest power; None when nothing was delivered."""
        top = max(self.energy_uwh, default=0)
        return None if top == 0 else self.start + timedelta(seconds=self.energy_uwh.index(top) * self.interval_s)


class _Series:
    """The running per-interval sums of a part."""

    __slots__ = ("charging", "energy", "withheld")

    def __init__(self, intervals: int) -> None:
        self.energy = [0] * intervals
        self.withheld = [0] * intervals
        self.charging = [0] * intervals


# --- stepping ----------------------------------------------------------------------------------------------------


class _Charging:
    """A session while it charges: its steps, its transaction, the energy delivered, and the limit its outlet had
    when last asked with the epoch second up to which that answer holds (`limit_span`)."""

    __slots__ = (
        "bound",
        "delivered",
        "departure",
        "full_wh",
        "holds_until",
        "limit",
        "open_ended",
        "steps",
        "transaction_id",
        "wanted",
    )

    def __init__(self, session: Session, steps: Callable[[], float], transaction_id: int, end_s: int) -> None:
        self.wanted = session.energy_wh
        self.steps = steps
        self.transaction_id = transaction_id
        self.departure = end_s if session.departure_s is None else min(session.departure_s, end_s)
        self.open_ended = session.departure_s is None or session.departure_s >= end_s
        self.delivered = 0.0
        self.limit = _UNASKED
        self.holds_until = 0
        self.full_wh = 0.0
        #: What binds a step the limit cuts (the governing profile), found once per span and only when logging.
        self.bound: Bound = NO_BOUND


def _queue(sessions: Sequence[Session]) -> list[tuple[Session, int]]:
    """Sessions with their place on their outlet, in the order they arrive (outlet order on equal times)."""
    places: dict[int, int] = {}
    numbered = []
    for session in sorted(sessions, key=lambda s: (s.arrival_s, s.outlet_id)):
        place = places.get(session.outlet_id, 0)
        places[session.outlet_id] = place + 1
        numbered.append((session, place))
    return numbered


def _stop_reason(run: _Charging, completed: bool, stop: str | None, next_offset: int) -> str | None:
    """Why a session stops after the step ending at `next_offset` (None: it goes on)."""
    if completed:
        return "energy delivered"
    if stop is not None:
        return stop
    if next_offset >= run.departure:
        return "end of horizon" if run.open_ended else "departed"
    return None


def _step_charge_point(
    part: FleetPart,
    index: int,
    group: ChargePointGroup,
    member: int,
    series: _Series,
    log: StepSink | None = None,
) -> ChargePointTotals:
    """Steps charge point `index` (copy `member` of `group`) over the part's horizon, adding into `series`; with
    `log`, every step goes to it as a `StepRecord` (and the state it was decided on)."""
    generator = random.Random(charge_point_seed(part.seed, index))
    state = group.state if group.variation is None else group.variation.apply(group.state, generator)
    config = state.config
    interval = part.interval_s
    intervals = -(-part.duration_s // interval)
    sessions = (
        group.sessions.draw(config.outlet_ids, part.duration_s, interval, generator)
        if isinstance(group.sessions, SessionPattern)
        else group.sessions
    )
    policy: LocalPolicy | None = None
    environment: Callable[[datetime], ChargingEnvironment] | None = None
    if group.policy is not None:
        policy, environment = policy_from_document(group.policy)
    begin = to_epoch(part.start)
    seed = charge_point_seed(part.seed, index)
    queue = _queue(sessions)
    waiting = 0  # the next session of `queue` to arrive
    next_event = queue[0][0].arrival_s if queue else part.duration_s  # the next arrival or departure
    charging: dict[int, _Charging] = {}
    shares: dict[int, float] = {}
    holds_until = 0  # every charging outlet's limit holds until then at least
    transactions = started = completed = charging_steps = 0
    energy_total = withheld_total = peak = 0
    energy_series, withheld_series, charging_series = series.energy, series.withheld, series.charging
    hour_wh = interval / 3600
    changed = False
    name = f"{index} {group.member_name(member)}".rstrip()
    for k in range(intervals):
        offset = k * interval
        if offset >= next_event:
            for outlet_id in [c for c, run in charging.items() if run.departure <= offset]:
                state = end_transaction(state, charging.pop(outlet_id).transaction_id)
                changed = True
            while waiting < len(queue) and queue[waiting][0].arrival_s <= offset:
                session, place = queue[waiting]
                waiting += 1
                run = _Charging(
                    session,
                    step_draws(*session.step_wh, f"{seed}/{session.outlet_id}/{place}"),
                    transactions + 1,
                    part.duration_s,
                )
                if run.departure <= offset:  # gone before its first step
                    continue
                transactions += 1
                charging[session.outlet_id] = run
                state = start_transaction(state, session.outlet_id, transactions, from_epoch(begin + session.arrival_s))
                started += 1
                changed = True
            next_event = min(
                [run.departure for run in charging.values()]
                + [queue[waiting][0].arrival_s if waiting < len(queue) else part.duration_s]
            )
        if not charging:
            continue
        t = begin + offset
        if changed or t >= holds_until:
            # the limit of each charging outlet, asked again where its span ends (or the state changed); the shares
            # again when one of these answers changed: the same inputs give the same shares (R28)
            if changed:
                charging = dict(sorted(charging.items()))
            moved = changed
            holds_until = part.duration_s + begin
            for outlet_id, run in charging.items():
                if changed or t >= run.holds_until:
                    limit, run.holds_until = limit_span(state, outlet_id, t, _W)
                    if limit is not run.limit:
                        run.limit = limit
                        run.full_wh = limit.effective * interval / 3600
                        moved = True
                        if log is not None:
                            source = governing_source(limit)
                            run.bound = NO_BOUND if source is None else Bound.of_source(source)
                if run.holds_until < holds_until:
                    holds_until = run.holds_until
            if moved:
                shares = station_allocation(state, from_epoch(t), _W)
            changed = False
        step_energy = 0
        ending = []
        for outlet_id, run in charging.items():
            base = run.steps()
            wanted = run.wanted - run.delivered
            if base > wanted:
                base = wanted
            limit = run.limit
            if limit.value is not None:  # R33: the OCPP limit decides, as in meter_step
                if t + interval <= run.holds_until:
                    allowed = run.full_wh
                else:
                    allowed = span_energy_wh(state, outlet_id, t, interval, (limit, run.holds_until))
                share = shares.get(outlet_id)
                if share is not None:
                    allowed = min(allowed, share * hour_wh)
                if base <= allowed:
                    energy = base
                else:
                    energy = allowed
                    withheld = round((base - energy) * MICRO_WH_PER_WH)
                    withheld_total += withheld
                    withheld_series[k] += withheld
                stop = False
                if log is not None:
                    bound = NO_BOUND
                    if energy < base:  # as `bound_of`, with the span's governing profile found once
                        bound = BALANCER if share is not None and share < limit.value else run.bound
                    reason = None
            else:  # R35: the local policy decides: meter_step itself
                at = from_epoch(t)
                env = environment(at) if environment is not None else None
                decision = meter_step(
                    state, outlet_id, at, interval, base, run.delivered, policy, env, shares.get(outlet_id)
                )
                energy = decision.energy_wh
                stop = decision.action is Action.STOP
                if log is not None:
                    bound = decision.bound
                    reason = decision.reason if stop else None
            run.delivered += energy
            step_energy += round(energy * MICRO_WH_PER_WH)
            done = run.delivered >= run.wanted
            if done:
                completed += 1
                ending.append(outlet_id)
            elif stop:
                ending.append(outlet_id)
            if log is not None:
                log(
                    name,
                    state,
                    StepRecord(
                        t,
                        name,
                        outlet_id,
                        run.transaction_id,
                        interval,
                        base,
                        energy,
                        limit.value,
                        shares.get(outlet_id),
                        bound,
                        _stop_reason(run, done, reason, offset + interval),
                    ),
                )
        charging_steps += len(charging)
        charging_series[k] += len(charging)
        energy_series[k] += step_energy
        energy_total += step_energy
        if step_energy > peak:
            peak = step_energy
        if ending:
            for outlet_id in ending:
                state = end_transaction(state, charging.pop(outlet_id).transaction_id)
            changed = True
    outlets = config.outlet_count
    return ChargePointTotals(
        index,
        group.member_name(member),
        outlets,
        started,
        completed,
        outlets * intervals,
        charging_steps,
        energy_total,
        withheld_total,
        peak,
    )


def simulate_part(
    part: FleetPart, progress: Callable[[int, int], None] | None = None, log: StepSink | None = None
) -> FleetTotals:
    """Steps every charge point of `part`, one after another, into its totals. `progress`, if given, is called
    after each charge point with the charge points and the steps done so far in the part. `log`, if given, gets
    every step as it is taken (`StepRecord`, with the charge point's name and the state it was decided on); it
    is the caller's to write them out: nothing is kept."""
    intervals = -(-part.duration_s // part.interval_s)
    series = _Series(intervals)
    points = []
    steps = 0
    for offset, group, lo, hi in part.pieces:
        for member in range(lo, hi):
            totals = _step_charge_point(part, offset + member, group, member, series, log)
            points.append(totals)
            steps += totals.steps
            if progress is not None:
                progress(len(points), steps)
    return FleetTotals(
        part.start,
        part.interval_s,
        tuple(series.energy),
        tuple(series.withheld),
        tuple(series.charging),
        tuple(points),
    )


def simulate_charge_points(spec: FleetSpec, first: int = 0, stop: int | None = None) -> FleetTotals:
    """Steps charge points `first` .. `stop` - 1 of `spec` (default: all of them) in this process, into their
    totals (`simulate_part` of `spec.part(first, stop)`). `smartcharge.fleet.simulate_fleet` runs the same parts on
    an executor."""
    return simulate_part(spec.part(first, spec.charge_points if stop is None else stop))
