"""The limit a connector may draw over time: stacking, purpose precedence, units, connector 0 (SPEC R24-R28).

Everything that combines several profiles lives here: which profiles reach a connector, which one of a purpose
governs at an instant (highest stackLevel, falling back when it stops covering, R24, D10), how purposes combine
(TxProfile over TxDefaultProfile, capped by ChargePointMaxProfile, R25), how A and W limits meet (R26), and the
whole charge point's sum (R27). Where one profile applies in time is `timeline`'s business; installing and
clearing is `state`'s. Public: `limit_at`, `next_change`, `composite_schedule`.

The work is a sweep over slice boundaries with one heap per purpose, O(S log S) in the number of slices S, never
proportional to the seconds in a window.
"""

from __future__ import annotations

import heapq
import itertools
import math
import sys
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import attrs

from smartcharge._time import from_epoch, to_epoch, utc_instant
from smartcharge.model import ChargePointConfig, ChargingProfilePurpose, ChargingRateUnit
from smartcharge.state import ChargePointState, InstalledProfile
from smartcharge.timeline import Slice, change_instants, profile_slices, recurrence_period
from smartcharge.units import convert

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

_CAPS = (
    ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE,
    ChargingProfilePurpose.CHARGING_STATION_EXTERNAL_CONSTRAINTS,
)
_TX, _TX_DEFAULT = ChargingProfilePurpose.TX_PROFILE, ChargingProfilePurpose.TX_DEFAULT_PROFILE


@attrs.frozen(slots=True)
class LimitSource:
    """One governing period that contributes to a limit: profile `profile_id` (`purpose`, `stack_level`,
    installed on `connector_id`) allows `limit` `unit` on `number_phases` phases."""

    profile_id: int
    purpose: ChargingProfilePurpose
    stack_level: int
    connector_id: int
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
    """The composite schedule of `connector_id` over [`start`, `start` + `duration`) in `unit` (§3.13.4, §5.7).

    `periods` never is empty, starts at 0 and has no two equal neighbours. Where a period's limit is None no
    profile limits the connector; `hardware_limit` is what it may draw then (and what OCPP reports).
    """

    connector_id: int
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


# --- which profiles reach a connector -------------------------------------------------------------------------


@attrs.frozen(slots=True)
class _Candidate:
    """An installed profile as the sweep sees it: its heap priority (R24, D10) and its periods as sources."""

    installed: InstalledProfile
    priority: tuple[int, int, int]
    sources: tuple[LimitSource, ...]
    installed_at: int


def _candidate(installed: InstalledProfile, connector_id: int, default_phases: int) -> _Candidate:
    profile = installed.profile
    unit = profile.charging_schedule.charging_rate_unit
    sources = tuple(
        LimitSource(
            profile.charging_profile_id,
            profile.charging_profile_purpose,
            profile.stack_level,
            installed.connector_id,
            period.limit,
            unit,
            default_phases if period.number_phases is None else period.number_phases,
        )
        for period in profile.charging_schedule.charging_schedule_period
    )
    # D10: on equal stackLevel a profile on the connector itself beats one on connector 0.
    specific = 1 if installed.connector_id == connector_id and connector_id != 0 else 0
    priority = (profile.stack_level, specific, profile.charging_profile_id)
    return _Candidate(installed, priority, sources, to_epoch(installed.installed_at))


def _reaches(installed: InstalledProfile, connector_id: int) -> bool:
    """Does `installed` bear on `connector_id` (> 0)? Caps and TxDefault on connector 0 reach every connector
    (§3.13.1); a TxDefault or TxProfile on a connector reaches that connector."""
    return installed.connector_id in (0, connector_id) and not (
        installed.connector_id == 0 and installed.profile.charging_profile_purpose is _TX
    )


def _by_purpose(state: ChargePointState, connector_id: int) -> dict[ChargingProfilePurpose, list[_Candidate]]:
    phases = state.config.default_number_phases
    groups: dict[ChargingProfilePurpose, list[_Candidate]] = {p: [] for p in (*_CAPS, _TX, _TX_DEFAULT)}
    for installed in state.profiles:
        if _reaches(installed, connector_id):
            groups[installed.profile.charging_profile_purpose].append(_candidate(installed, connector_id, phases))
    return groups


def _candidates(state: ChargePointState, connector_id: int) -> dict[ChargingProfilePurpose, list[_Candidate]]:
    return state.memo(f"composite.candidates.{connector_id}", lambda s: _by_purpose(s, connector_id))


# --- the sweep ------------------------------------------------------------------------------------------------

_Entry = tuple[Slice, _Candidate]


class _Stack:
    """The profiles of one purpose on one connector over a span: `top(t)` is the one that governs at t (R24).

    Calls must come with non-decreasing t. A heap keyed by priority holds the slices that started; slices that
    ended are dropped when they reach the top (lazy deletion), so the whole span costs O(S log S).
    """

    def __init__(self, entries: list[_Entry]) -> None:
        self._pending = sorted(entries, key=lambda e: e[0].start, reverse=True)
        self._heap: list[tuple[tuple[int, int, int], int, _Entry]] = []

    def top(self, t: int) -> LimitSource | None:
        while self._pending and self._pending[-1][0].start <= t:
            entry = self._pending.pop()
            p = entry[1].priority
            heapq.heappush(self._heap, ((-p[0], -p[1], -p[2]), entry[0].end, entry))
        while self._heap and self._heap[0][1] <= t:
            heapq.heappop(self._heap)
        if not self._heap:
            return None
        slice_, candidate = self._heap[0][2]
        return candidate.sources[slice_.index]


def _entries(candidates: list[_Candidate], lo: int, hi: int, session_start: int) -> list[_Entry]:
    return [
        (s, c)
        for c in candidates
        for s in profile_slices(c.installed.profile, lo, hi, installed_at=c.installed_at, session_start=session_start)
    ]


def _session_start(state: ChargePointState, connector_id: int, window_start: int) -> int:
    """The start of charging on the connector: its transaction's start, else the window's start (R22, D8)."""
    transaction = state.transaction_on(connector_id)
    return window_start if transaction is None else to_epoch(transaction.start)


@attrs.frozen(slots=True)
class _Span:
    """[start, end): the caps' governing periods and, per connector, its Tx/TxDefault governing period."""

    start: int
    end: int
    caps: tuple[LimitSource, ...]
    tx: tuple[LimitSource | None, ...]


def _spans(state: ChargePointState, connectors: Sequence[int], lo: int, hi: int, window_start: int) -> Iterator[_Span]:
    """Elementary spans of [lo, hi) over which no governing period changes, for the given connectors (R24, R25)."""
    cap_stacks: list[_Stack] = []
    tx_stacks: list[tuple[_Stack, _Stack]] = []
    bounds = {lo, hi}

    def stack(candidates: list[_Candidate], session: int) -> _Stack:
        entries = _entries(candidates, lo, hi, session)
        bounds.update(x for s, _ in entries for x in (s.start, s.end))
        return _Stack(entries)

    for connector_id in connectors:
        groups = _candidates(state, connector_id)
        session = _session_start(state, connector_id, window_start)
        if not cap_stacks:  # the caps are the same for every connector (they live on connector 0)
            cap_stacks = [stack(groups[purpose], session) for purpose in _CAPS]
        tx_stacks.append((stack(groups[_TX], session), stack(groups[_TX_DEFAULT], session)))
    ordered = sorted(bounds)
    for start, end in itertools.pairwise(ordered):
        caps = tuple(top for top in (stack.top(start) for stack in cap_stacks) if top is not None)
        # R25: the TxProfile governs while its schedule covers t; otherwise the TxDefaultProfile (K02.FR.08).
        tx = tuple((tx_stack.top(start) or default_stack.top(start)) for tx_stack, default_stack in tx_stacks)
        yield _Span(start, end, caps, tx)


# --- combining ------------------------------------------------------------------------------------------------


def _combine(pieces: Sequence[LimitSource], unit: ChargingRateUnit, voltage: float) -> tuple[float, int]:
    """R26: A and W limits kept apart, phases the smallest among the contributors; the least of them in `unit`."""
    phases = min(p.number_phases for p in pieces)
    value = min(convert(p.limit, p.unit, unit, voltage, phases) for p in pieces)
    return min(value, sys.float_info.max), phases  # a finite limit stays finite in the other unit


def _hardware(config: ChargePointConfig, unit: ChargingRateUnit) -> float:
    """A connector's hardware maximum in `unit`, on the default number of phases (R25)."""
    return convert(config.connector_max_current, ChargingRateUnit.A, unit, config.voltage, config.default_number_phases)


def _connector_value(span: _Span, unit: ChargingRateUnit, config: ChargePointConfig) -> tuple[float | None, int]:
    """R25 + R26 for one connector: min(caps, Tx-or-TxDefault); None when nothing limits."""
    pieces = [*span.caps, *(p for p in span.tx if p is not None)]
    if not pieces:
        return None, config.default_number_phases
    return _combine(pieces, unit, config.voltage)


def _station_value(span: _Span, unit: ChargingRateUnit, config: ChargePointConfig) -> tuple[float | None, int]:
    """R27 for connector 0: each connector's Tx/TxDefault limit (hardware maximum where none) added up, then the
    caps if strictly lower. Phases: the caps' when they govern, else the largest among the connectors."""
    if not span.caps and all(p is None for p in span.tx):
        return None, config.default_number_phases
    total, phases = 0.0, 1
    for piece in span.tx:
        value, own = (
            (_hardware(config, unit), config.default_number_phases)
            if piece is None
            else _combine([piece], unit, config.voltage)
        )
        total = min(total + value, sys.float_info.max)
        phases = max(phases, own)
    if span.caps:
        cap, cap_phases = _combine(span.caps, unit, config.voltage)
        if cap < total:
            return cap, cap_phases
    return total, phases


def _evaluate(
    state: ChargePointState, connector_id: int, lo: int, hi: int, window_start: int, unit: ChargingRateUnit
) -> Iterator[tuple[_Span, float | None, int]]:
    config = state.config
    if connector_id == 0:
        for span in _spans(state, list(config.connector_ids), lo, hi, window_start):
            yield (span, *_station_value(span, unit, config))
    else:
        for span in _spans(state, [connector_id], lo, hi, window_start):
            yield (span, *_connector_value(span, unit, config))


def _check_connector(state: ChargePointState, connector_id: int) -> None:
    if not isinstance(connector_id, int) or not 0 <= connector_id <= state.config.connector_count:
        raise ValueError(f"connector_id {connector_id!r} is not 0..{state.config.connector_count}")


def _hardware_limit(state: ChargePointState, connector_id: int, unit: ChargingRateUnit) -> float:
    count = state.config.connector_count if connector_id == 0 else 1
    return count * _hardware(state.config, unit)


# --- public -----------------------------------------------------------------------------------------------------


def limit_at(
    state: ChargePointState, connector_id: int, at: datetime, unit: ChargingRateUnit = ChargingRateUnit.W
) -> Limit:
    """The limit of `connector_id` (0: the whole charge point, R27) at instant `at`, in `unit` (R21-R28).

    Relative profiles on a connector without a transaction run from `at` itself (D8). The answer equals the
    composite schedule's value at `at` whenever the connector has a transaction or no such profile applies.
    """
    _check_connector(state, connector_id)
    unit = ChargingRateUnit(unit)
    t = to_epoch(utc_instant(at, "at"))
    span, value, phases = next(_evaluate(state, connector_id, t, t + 1, t, unit))
    sources = (*span.caps, *(p for p in span.tx if p is not None))
    return Limit(value, unit, phases, sources, _hardware_limit(state, connector_id, unit))


def composite_schedule(
    state: ChargePointState,
    connector_id: int,
    start: datetime,
    duration: int,
    unit: ChargingRateUnit | str | None = None,
) -> CompositeSchedule:
    """The composite schedule of `connector_id` (0: the whole charge point) over [start, start + duration)
    (§3.13.4, §5.7, R21-R28). `unit` defaults to the first of the configuration's allowed units (R30).

    `duration` 0 gives the one period in force at `start` (R31). Periods with equal limit and phases are merged.
    """
    _check_connector(state, connector_id)
    if not isinstance(duration, int) or isinstance(duration, bool) or duration < 0:
        raise ValueError(f"duration must be a non-negative whole number of seconds, not {duration!r}")
    the_unit = state.config.allowed_rate_units[0] if unit is None else ChargingRateUnit(unit)
    begin = to_epoch(utc_instant(start, "start"))
    periods: list[CompositePeriod] = []
    for span, value, phases in _evaluate(state, connector_id, begin, begin + max(duration, 1), begin, the_unit):
        if periods and periods[-1].limit == value and periods[-1].number_phases == phases:
            continue
        periods.append(CompositePeriod(span.start - begin, value, phases))
    return CompositeSchedule(
        connector_id,
        from_epoch(begin),
        duration,
        the_unit,
        tuple(periods),
        _hardware_limit(state, connector_id, the_unit),
    )


def _fixed_instants(state: ChargePointState, connector_id: int, window_start: int) -> list[int]:
    """Instants after which the connector's limits repeat with `recurrence_period` until the next of them."""
    connectors = list(state.config.connector_ids) if connector_id == 0 else [connector_id]
    instants = {window_start}
    for c in connectors:
        session = _session_start(state, c, window_start)
        for group in _candidates(state, c).values():
            for candidate in group:
                instants.update(change_instants(candidate.installed.profile, candidate.installed_at, session))
    return sorted(instants)


def next_change(state: ChargePointState, connector_id: int, after: datetime) -> datetime | None:
    """The first instant after `after` at which the limit of `connector_id` (value or phases) changes, in the
    window that starts at `after` (D8); None if it never changes.

    The search walks forward in chunks; where no fixed instant (validity bounds, absolute starts and ends,
    recurrence origins) lies ahead, the pattern repeats weekly, so a quiet fortnight skips to the next one.
    """
    _check_connector(state, connector_id)
    origin = to_epoch(utc_instant(after, "after"))
    fixed = _fixed_instants(state, connector_id, origin)
    unit = ChargingRateUnit.W
    first: tuple[float | None, int] | None = None
    cursor, hi = origin, origin + 86_400
    while True:
        for span, value, phases in _evaluate(state, connector_id, cursor, hi, origin, unit):
            if first is None:
                first = (value, phases)
            elif (value, phases) != first:
                return from_epoch(span.start)
        ahead = [f for f in fixed if f >= hi - recurrence_period - 1]
        if not ahead:
            return None
        if ahead[0] < hi:  # a fixed instant in the last week: look one more fortnight past it
            cursor, hi = hi - 1, max(hi, ahead[0]) + 2 * recurrence_period
        else:  # a quiet week repeats until the next fixed instant
            cursor, hi = ahead[0] - 1, ahead[0] + 2 * recurrence_period
