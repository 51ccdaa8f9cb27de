"""The limit a connector may draw over time: stacking, purpose precedence, units, connector 0 (SPEC R24-R28).

Everything that combines several profiles lives here: which profiles reach a connector, which one of a purpose
governs at an instant (highest stackLevel, falling back when it stops covering, R24, D10), how purposes combine
(TxProfile over TxDefaultProfile, capped by ChargePointMaxProfile, R25), how A and W limits meet (R26), and the
whole charge point's sum (R27). Where one profile applies in time is `timeline`'s business; installing and
clearing is `state`'s. Public: `limit_at`, `next_change`, `composite_schedule`.

What does not depend on the question is compiled once per state (kept with the state, `smartcharge._cache`; the state is
immutable): every profile's timeline in epoch seconds, and per connector the profiles of each purpose in priority
order. A composite schedule is a sweep over slice boundaries with one heap per purpose, O(S log S) in the number
of slices S, never proportional to the seconds in a window. `limit_at` does not sweep: per purpose it asks the
profiles, highest priority first, which period covers the instant and for how long that stays so, and keeps the
answer with that span, so later instants inside it are a bisection. Short windows of a connector whose limits do
not depend on the window's start (D8) are read from those answers too.
"""

from __future__ import annotations

import heapq
import math
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from operator import attrgetter, itemgetter
from typing import Any

import attrs

from smartcharge._cache import SpanCache, compiled, shared
from smartcharge.engine.instants import from_epoch, to_epoch
from smartcharge.engine.model import ChargePointConfig, ChargingRateUnit, Purpose, PurposeRole
from smartcharge.engine.store import ChargePointState, InstalledProfile
from smartcharge.engine.timeline import FOREVER, ProfileTimeline, recurrence_period
from smartcharge.engine.units import convert

__all__ = [
    "CompositePeriod",
    "CompositeSchedule",
    "Limit",
    "LimitSource",
    "composite_schedule",
    "limit_at",
    "next_change",
    "round_down_to_tenth",
]

_A, _W = ChargingRateUnit.A, ChargingRateUnit.W


@attrs.frozen(slots=True)
class LimitSource:
    """One governing period that contributes to a limit: profile `profile_id` (`purpose`, `stack_level`,
    installed on `outlet_id`) allows `limit` `unit` on `number_phases` phases."""

    profile_id: int
    purpose: Purpose
    stack_level: int
    outlet_id: int
    limit: float
    unit: ChargingRateUnit
    number_phases: int


@attrs.frozen
class Limit:
    """The limit of a connector at an instant, in `unit` on `number_phases` phases, and where it comes from.

    `value` is None when no profile imposes a limit; the connector may then draw its hardware maximum,
    `hardware_limit` (the same unit). `sources` are the governing periods of every purpose that contributed.
    """

    value: float | None
    unit: ChargingRateUnit
    number_phases: int
    sources: tuple[LimitSource, ...]
    hardware_limit: float

    @property
    def effective(self) -> float:
        """The limit to apply: `value`, or the hardware maximum when no profile imposes one."""
        return self.hardware_limit if self.value is None else self.value


@attrs.frozen
class CompositePeriod:
    """From `start_period` seconds into the composite schedule: `limit` (None: no profile limits) on
    `number_phases` phases."""

    start_period: int
    limit: float | None
    number_phases: int


def round_down_to_tenth(value: float) -> float:
    """R31: limits are reported rounded down to 0.1 (schema multipleOf 0.1, never more than allowed), with a
    tolerance so that 15.9999999 is 16.0."""
    scaled = value * 10 + 1e-6
    if not math.isfinite(scaled):  # beyond 1.8e307 every float is a whole number already
        return value
    return math.floor(scaled) / 10


@attrs.frozen
class CompositeSchedule:
    """The composite schedule of `outlet_id` over [`start`, `start` + `duration`) in `unit` (§3.13.4, §5.7).

    `periods` never is empty, starts at 0 and has no two equal neighbours. Where a period's limit is None no
    profile limits the connector; `hardware_limit` is what it may draw then (and what OCPP reports).
    """

    outlet_id: int
    start: datetime
    duration: int
    unit: ChargingRateUnit
    periods: tuple[CompositePeriod, ...]
    hardware_limit: float

    def to_ocpp(self) -> dict[str, Any]:
        """GetCompositeSchedule.conf's `chargingSchedule` (§6.22, R31): limits rounded down to 0.1, equal
        neighbours merged after rounding, numberPhases always present, no startSchedule (E§3.57)."""
        out: list[dict[str, Any]] = []
        for period in self.periods:
            limit = round_down_to_tenth(self.hardware_limit if period.limit is None else period.limit)
            if out and out[-1]["limit"] == limit and out[-1]["numberPhases"] == period.number_phases:
                continue
            out.append({"startPeriod": period.start_period, "limit": limit, "numberPhases": period.number_phases})
        return {"duration": self.duration, "chargingRateUnit": self.unit.value, "chargingSchedulePeriod": out}


# --- the state compiled: which profiles reach a connector, in which order -------------------------------------


class _Profile:
    """An installed profile as the engine sees it, compiled once per state: its timeline (R21-R23) and its
    periods as limit pieces, and as `LimitSource`s when an answer needs to name them."""

    __slots__ = ("installed", "phases", "priority", "timeline", "unit")

    def __init__(self, installed: InstalledProfile, default_phases: int, position: int) -> None:
        self.installed = installed
        profile = installed.profile
        # R24 by stackLevel; D10: on equal stackLevel a profile on the connector itself (the only connector other
        # than 0 it reaches) beats one on connector 0; then the id, and the position in the state for two
        # profiles with one id (which `install_profile` never leaves). Negated, so that the highest sorts first.
        specific = 1 if installed.outlet_id != 0 else 0
        self.priority = (-profile.stack_level, -specific, -profile.charging_profile_id, position)
        self.timeline: ProfileTimeline = compiled(installed, _timeline)
        self.unit = installed.profile.charging_schedule.charging_rate_unit
        self.phases = default_phases

    def piece(self, index: int) -> _Piece:
        """Period `index` as (limit, unit, numberPhases), the station's default where the period has none."""
        period = self.timeline.periods[index]
        phases = period.number_phases
        return period.limit, self.unit, self.phases if phases is None else phases

    def source(self, index: int) -> LimitSource:
        """Period `index` as a `LimitSource` (shared, `_shared`)."""
        profile = self.installed.profile
        limit, unit, phases = self.piece(index)
        return shared(
            LimitSource,
            profile.charging_profile_id,
            profile.charging_profile_purpose,
            profile.stack_level,
            self.installed.outlet_id,
            limit,
            unit,
            phases,
        )


def _timeline(installed: InstalledProfile) -> ProfileTimeline:
    return ProfileTimeline(installed.profile, to_epoch(installed.installed_at))


#: A period's (limit, unit, numberPhases).
_Piece = tuple[float, ChargingRateUnit, int]
#: The period of a profile that governs: (profile, period index).
_Governing = tuple[_Profile, int]


class _Lane:
    """One connector's Tx and TxDefault stacks (R24, R25, D10), each highest priority first, and the start of
    its transaction (None without one)."""

    __slots__ = ("session", "tx", "tx_default")

    def __init__(self, tx: list[_Profile], tx_default: list[_Profile], session: int | None) -> None:
        self.tx = tx
        self.tx_default = tx_default
        self.session = session


class _Target:
    """What the limit of one connector, or of the whole charge point (connector 0, R27), is made of: the caps'
    stacks (one per cap purpose) and one lane per connector, plus the answers given so far."""

    __slots__ = (
        "_answers",
        "caps",
        "config",
        "hardware",
        "lanes",
        "outlet_hardware",
        "outlet_id",
        "window_independent",
    )

    def __init__(self, engine: _Engine, outlet_id: int) -> None:
        self.outlet_id = outlet_id
        self.config = engine.config
        connectors = list(engine.config.outlet_ids) if outlet_id == 0 else [outlet_id]
        # The caps are the same for every connector (they live on connector 0): the first connector's.
        self.caps = engine.stacks(connectors[0])[0] if connectors else []
        self.lanes = [engine.lane(c) for c in connectors]
        # D8: without a transaction, a profile run from the start of charging runs from the start of the window.
        self.window_independent = all(
            lane.session is not None
            or not any(p.timeline.runs_from_session for p in (*lane.tx, *lane.tx_default))
            for lane in self.lanes
        )
        count = 1 if outlet_id else len(connectors)
        # Hardware maxima (R25), in W and in A (indexed by `unit is _A`: an enum member hashes slowly).
        self.outlet_hardware = engine.hardware
        self.hardware = (count * engine.hardware[0], count * engine.hardware[1])
        self._answers: tuple[SpanCache[Limit], SpanCache[Limit]] = (SpanCache(), SpanCache())  # in W, in A

    def governing_at(self, t: int) -> tuple[list[_Governing], list[_Governing | None], int, int]:
        """The caps' and every lane's governing periods at t, and a span [lo, hi) around t over which they stay
        the same (R24, R25), in `limit_at`'s window, which starts at t: profiles run from the start of charging
        run from the transaction's start, else from t itself (D8). Caps never run from a session (D9)."""
        lo, hi = -FOREVER, FOREVER
        caps: list[_Governing] = []
        for stack in self.caps:
            governing, lo, hi = _top(stack, t, None, lo, hi)
            if governing is not None:
                caps.append(governing)
        tx: list[_Governing | None] = []
        for lane in self.lanes:
            governing, lo, hi = _top(lane.tx, t, lane.session, lo, hi)
            if governing is None:  # R25: TxDefault governs where no TxProfile covers (K02.FR.08)
                governing, lo, hi = _top(lane.tx_default, t, lane.session, lo, hi)
            tx.append(governing)
        return caps, tx, lo, hi

    def value(
        self, caps: Sequence[_Governing], tx: Sequence[_Governing | None], unit: ChargingRateUnit
    ) -> tuple[float | None, int]:
        """The limit (None: none) and phases the governing periods give in `unit` (R25-R27)."""
        pieces = [profile.piece(index) for profile, index in caps]
        if self.outlet_id == 0:
            tx_pieces = [None if g is None else g[0].piece(g[1]) for g in tx]
            return _station_value(pieces, tx_pieces, unit, self.config, self.outlet_hardware[unit is _A])
        if tx[0] is not None:
            pieces.append(tx[0][0].piece(tx[0][1]))
        if not pieces:
            return None, self.config.default_number_phases
        return _combine(pieces, unit, self.config.voltage)

    def limit(self, t: int, unit: ChargingRateUnit) -> tuple[Limit, int]:
        """`limit_at`'s answer at t (D8: the window starts at t) and the end of the span it holds over."""
        answers = self._answers[unit is _A]
        found = answers.find(t)
        if found is not None:
            return found
        caps, tx, lo, hi = self.governing_at(t)
        value, phases = self.value(caps, tx, unit)
        sources = (*(p.source(index) for p, index in caps), *(g[0].source(g[1]) for g in tx if g is not None))
        limit = shared(Limit, value, unit, phases, sources, self.hardware[unit is _A])
        answers.add(t, lo, hi, limit)
        return limit, hi


def _top(stack: list[_Profile], t: int, session: int | None, lo: int, hi: int) -> tuple[_Governing | None, int, int]:
    """The governing period of one purpose at t: the highest-priority profile that covers t (R24), and [lo, hi)
    narrowed to where that stays so (no higher one starts covering, the governing one stays in its period)."""
    for profile in stack:
        index, start, end = profile.timeline.locate(t, session)
        if start > lo:
            lo = start
        if end < hi:
            hi = end
        if index >= 0:
            return (profile, index), lo, hi
    return None, lo, hi


class _Engine:
    """A state compiled for evaluation, once (`compiled`): every installed profile's timeline and
    each connector's stacks, built when first needed."""

    __slots__ = ("_lanes", "_stacks", "_targets", "config", "hardware", "profiles", "transactions")

    def __init__(self, state: ChargePointState) -> None:
        self.config = state.config
        phases = state.config.default_number_phases
        self.profiles = [_Profile(installed, phases, i) for i, installed in enumerate(state.profiles)]
        self.transactions = state.transactions
        self.hardware = (_hardware(state.config, _W), _hardware(state.config, _A))  # a connector's, in W and in A
        self._stacks: dict[int, tuple[list[list[_Profile]], list[_Profile], list[_Profile]]] = {}
        self._lanes: dict[int, _Lane] = {}
        self._targets: dict[int, _Target] = {}

    def stacks(self, outlet_id: int) -> tuple[list[list[_Profile]], list[_Profile], list[_Profile]]:
        """The profiles reaching `outlet_id` (> 0): one stack per cap purpose (R25), the transaction profiles and
        the default profiles, each highest priority first."""
        found = self._stacks.get(outlet_id)
        if found is None:
            caps: dict[Purpose, list[_Profile]] = {}
            tx: list[_Profile] = []
            tx_default: list[_Profile] = []
            for profile in self.profiles:
                if profile.installed.reaches(outlet_id):
                    purpose = profile.installed.profile.charging_profile_purpose
                    if purpose.role.is_cap:
                        caps.setdefault(purpose, []).append(profile)
                    else:
                        (tx if purpose.role is PurposeRole.TRANSACTION else tx_default).append(profile)
            cap_stacks = [caps[p] for p in sorted(caps, key=lambda p: (p.role.value, p.name))]
            for group in (*cap_stacks, tx, tx_default):
                group.sort(key=attrgetter("priority"))
            found = self._stacks[outlet_id] = (cap_stacks, tx, tx_default)
        return found

    def lane(self, outlet_id: int) -> _Lane:
        found = self._lanes.get(outlet_id)
        if found is None:
            _, tx, tx_default = self.stacks(outlet_id)
            session = next((to_epoch(t.start) for t in self.transactions if t.outlet_id == outlet_id), None)
            found = self._lanes[outlet_id] = _Lane(tx, tx_default, session)
        return found

    def target(self, outlet_id: int) -> _Target:
        """The target `outlet_id` (0: the whole charge point); ValueError for one the state does not have."""
        if outlet_id.__class__ is int:
            found = self._targets.get(outlet_id)
            if found is not None:
                return found
        if not isinstance(outlet_id, int) or not 0 <= outlet_id <= self.config.outlet_count:
            raise ValueError(f"outlet_id {outlet_id!r} is not 0..{self.config.outlet_count}")
        found = self._targets[outlet_id] = _Target(self, outlet_id)
        return found


def _engine(state: ChargePointState) -> _Engine:
    return compiled(state, _Engine)


# --- the sweep ------------------------------------------------------------------------------------------------


class _Stack:
    """The profiles of one purpose on one connector over a span: `top` is the period that governs (R24) as of the
    last `advance(t)`, and stays so until `next`.

    Calls must come with non-decreasing t. A heap keyed by priority holds the slices that started; slices that
    ended are dropped when they reach the top (lazy deletion), so the whole span costs O(S log S).
    """

    __slots__ = ("_heap", "_pending", "next", "top")

    def __init__(self, profiles: list[_Profile], lo: int, hi: int, session: int, bounds: set[int]) -> None:
        pending = []
        for profile in profiles:
            for start, end, index in profile.timeline.slices(lo, hi, session):
                pending.append((start, profile.priority, end, index, profile))
                bounds.add(start)
                bounds.add(end)
        pending.sort(key=itemgetter(0), reverse=True)
        self._pending = pending
        self._heap: list[tuple[tuple[int, int, int, int], int, int, _Profile]] = []
        self.top: _Governing | None = None
        self.next = pending[-1][0] if pending else FOREVER

    def advance(self, t: int) -> bool:
        """Brings `top` and `next` to instant t; whether `top` changed."""
        pending, heap = self._pending, self._heap
        while pending and pending[-1][0] <= t:
            _, priority, end, index, profile = pending.pop()
            heapq.heappush(heap, (priority, end, index, profile))
        while heap and heap[0][1] <= t:
            heapq.heappop(heap)
        before = self.top
        if heap:
            entry = heap[0]
            self.top = entry[3], entry[2]
            self.next = entry[1]  # the top changes when it ends ...
        else:
            self.top = None
            self.next = FOREVER
        if pending and pending[-1][0] < self.next:  # ... or when a slice starts
            self.next = pending[-1][0]
        return self.top != before


def _sweep(
    target: _Target, lo: int, hi: int, window_start: int, unit: ChargingRateUnit
) -> Iterator[tuple[int, float | None, int]]:
    """(start, limit, phases) of the elementary spans of [lo, hi) over which no governing period changes, in
    order (R24-R27), the first at lo; profiles run from the start of charging run from `window_start` on a
    connector without transaction (D8)."""
    bounds = {lo, hi}
    caps = [_Stack(stack, lo, hi, window_start, bounds) for stack in target.caps]
    lanes = []
    for lane in target.lanes:
        session = window_start if lane.session is None else lane.session
        lanes.append((_Stack(lane.tx, lo, hi, session, bounds), _Stack(lane.tx_default, lo, hi, session, bounds)))
    stacks = [*caps, *(stack for pair in lanes for stack in pair)]
    for start in sorted(x for x in bounds if lo <= x < hi):
        changed = start == lo
        for stack in stacks:
            if start >= stack.next and stack.advance(start):
                changed = True
        if not changed:
            continue
        governing_caps = [stack.top for stack in caps if stack.top is not None]
        # R25: the TxProfile governs while its schedule covers t; otherwise the TxDefaultProfile (K02.FR.08).
        tx = [tx_stack.top or default_stack.top for tx_stack, default_stack in lanes]
        yield (start, *target.value(governing_caps, tx, unit))


def _walk(target: _Target, lo: int, hi: int, unit: ChargingRateUnit) -> list[tuple[int, float | None, int]] | None:
    """The same as `_sweep` for a window-independent target (D8), read from `limit_at`'s answers span by span;
    None when [lo, hi) holds more than `_WALK_SPANS` spans, for which the sweep is the cheaper way."""
    spans: list[tuple[int, float | None, int]] = []
    t = lo
    while t < hi:
        if len(spans) == _WALK_SPANS:
            return None
        limit, end = target.limit(t, unit)
        spans.append((t, limit.value, limit.number_phases))
        t = end
    return spans


#: Windows up to `_SHORT_WINDOW` seconds and `_WALK_SPANS` spans are read from `limit_at`'s answers when the
#: target allows it (`_walk`): a few answers cost less than slicing every profile, and bounding their number keeps
#: the cost of any window within that of the sweep.
_SHORT_WINDOW = 3_600
_WALK_SPANS = 16


# --- combining ------------------------------------------------------------------------------------------------


def _combine(pieces: Sequence[_Piece], unit: ChargingRateUnit, voltage: float) -> tuple[float, int]:
    """R26: A and W limits kept apart, phases the smallest among the contributors; the least of them in `unit`."""
    phases = min([piece[2] for piece in pieces])
    value = math.inf
    for limit, from_unit, _ in pieces:
        if from_unit is not unit:  # R3, as `units.convert` computes it
            limit = limit * voltage * phases if unit is _W else limit / (voltage * phases)
        if limit < value:
            value = limit
    return min(value, sys.float_info.max), phases  # a finite limit stays finite in the other unit


def combine_sources(sources: Sequence[LimitSource], unit: ChargingRateUnit, voltage: float) -> tuple[float, int]:
    """R26 over `sources` (e.g. some of a `Limit`'s): the least of them in `unit` on the smallest number of phases
    among them, and those phases."""
    return _combine([(s.limit, s.unit, s.number_phases) for s in sources], unit, voltage)


def _hardware(config: ChargePointConfig, unit: ChargingRateUnit) -> float:
    """A connector's hardware maximum in `unit`, on the default number of phases (R25)."""
    return convert(config.outlet_max_current, ChargingRateUnit.A, unit, config.voltage, config.default_number_phases)


def _station_value(
    caps: Sequence[_Piece],
    tx: Sequence[_Piece | None],
    unit: ChargingRateUnit,
    config: ChargePointConfig,
    hardware: float,
) -> tuple[float | None, int]:
    """R27 for connector 0: each connector's Tx/TxDefault limit (hardware maximum where none) added up, then the
    caps if strictly lower. Phases: the caps' when they govern, else the largest among the connectors."""
    if not caps and all(p is None for p in tx):
        return None, config.default_number_phases
    total, phases = 0.0, 1
    for piece in tx:
        value, own = (
            (hardware, config.default_number_phases) if piece is None else _combine([piece], unit, config.voltage)
        )
        total = min(total + value, sys.float_info.max)
        phases = max(phases, own)
    if caps:
        cap, cap_phases = _combine(caps, unit, config.voltage)
        if cap < total:
            return cap, cap_phases
    return total, phases


def _unit(unit: ChargingRateUnit | str) -> ChargingRateUnit:
    """`unit` as the enum (`ValueError` for another value); a member is taken as it is, without the enum's lookup."""
    return unit if unit.__class__ is ChargingRateUnit else ChargingRateUnit(unit)


# --- public -----------------------------------------------------------------------------------------------------


def limit_at(
    state: ChargePointState, outlet_id: int, at: datetime, unit: ChargingRateUnit = ChargingRateUnit.W
) -> Limit:
    """The limit of `outlet_id` (0: the whole charge point, R27) at instant `at`, in `unit` (R21-R28).

    Relative profiles on a connector without a transaction run from `at` itself (D8). The answer equals the
    composite schedule's value at `at` whenever the connector has a transaction or no such profile applies.
    """
    target = _engine(state).target(outlet_id)
    unit = _unit(unit)
    return target.limit(to_epoch(at, "at"), unit)[0]


def limit_span(
    state: ChargePointState, outlet_id: int, at: int, unit: ChargingRateUnit = ChargingRateUnit.W
) -> tuple[Limit, int]:
    """`limit_at`'s answer at epoch second `at`, and an epoch second up to which (excluded) it holds at least:
    no governing period changes before it, in the window that starts at `at` (D8). The value may well stay the
    same after it. For callers inside the library that need both at once, e.g. the energy of a meter step."""
    return _engine(state).target(outlet_id).limit(at, _unit(unit))


def composite_schedule(
    state: ChargePointState,
    outlet_id: int,
    start: datetime,
    duration: int,
    unit: ChargingRateUnit | str | None = None,
) -> CompositeSchedule:
    """The composite schedule of `outlet_id` (0: the whole charge point) over [start, start + duration)
    (§3.13.4, §5.7, R21-R28). `unit` defaults to the first of the configuration's allowed units (R30).

    `duration` 0 gives the one period in force at `start` (R31). Periods with equal limit and phases are merged.
    """
    target = _engine(state).target(outlet_id)
    if not isinstance(duration, int) or isinstance(duration, bool) or duration < 0:
        raise ValueError(f"duration must be a non-negative whole number of seconds, not {duration!r}")
    the_unit = state.config.allowed_rate_units[0] if unit is None else _unit(unit)
    begin = to_epoch(start, "start")
    end = begin + max(duration, 1)
    spans: Iterable[tuple[int, float | None, int]] | None = None
    if target.window_independent and duration <= _SHORT_WINDOW:
        spans = _walk(target, begin, end, the_unit)
    if spans is None:
        spans = _sweep(target, begin, end, begin, the_unit)
    periods: list[CompositePeriod] = []
    last: tuple[float | None, int] | None = None
    for span_start, value, phases in spans:
        if last is not None and last[0] == value and last[1] == phases:
            continue
        last = value, phases
        periods.append(CompositePeriod(span_start - begin, value, phases))
    return CompositeSchedule(
        outlet_id, from_epoch(begin), duration, the_unit, tuple(periods), target.hardware[the_unit is _A]
    )


def _fixed_instants(target: _Target, window_start: int) -> list[int]:
    """Instants after which the target's limits repeat with `recurrence_period` until the next of them."""
    instants = {window_start}
    for lane in target.lanes:
        session = window_start if lane.session is None else lane.session
        for stack in (*target.caps, lane.tx, lane.tx_default):
            for profile in stack:
                instants.update(profile.timeline.change_instants(session))
    return sorted(instants)


def next_change(state: ChargePointState, outlet_id: int, after: datetime) -> datetime | None:
    """The first instant after `after` at which the limit of `outlet_id` (value or phases) changes, in the
    window that starts at `after` (D8); None if it never changes.

    The search walks forward in chunks; where no fixed instant (validity bounds, absolute starts and ends,
    recurrence origins) lies ahead, the pattern repeats weekly, so a quiet fortnight skips to the next one.
    """
    target = _engine(state).target(outlet_id)
    origin = to_epoch(after, "after")
    fixed = _fixed_instants(target, origin)
    first: tuple[float | None, int] | None = None
    cursor, hi = origin, origin + 3_600  # most limits change within the hour: look there first, then the day
    while True:
        for start, value, phases in _sweep(target, cursor, hi, origin, _W):
            if first is None:
                first = (value, phases)
            elif (value, phases) != first:
                return from_epoch(start)
        if hi < origin + 86_400:
            cursor, hi = hi - 1, origin + 86_400
            continue
        ahead = [f for f in fixed if f >= hi - recurrence_period - 1]
        if not ahead:
            return None
        if ahead[0] < hi:  # a fixed instant in the last week: look one more fortnight past it
            cursor, hi = hi - 1, max(hi, ahead[0]) + 2 * recurrence_period
        else:  # a quiet week repeats until the next fixed instant
            cursor, hi = ahead[0] - 1, ahead[0] + 2 * recurrence_period
