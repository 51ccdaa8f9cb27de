"""A charge point's state compiled for evaluation: which profiles reach an outlet, in which order, and what
governs at an instant (SPEC R24, R25, D8, D9, D10).

`compiled_engine(state)` turns a `ChargePointState` into an `Engine` once (the state is immutable, so the
engine is kept with it, `smartcharge._cache`): every installed profile as a `CompiledProfile` (its timeline in
epoch seconds, R21-R23, compiled when an answer first needs it), and per outlet a `Target` holding the caps'
stacks and one `Lane` (Tx and TxDefault stacks) per outlet it sums, each stack highest priority first (R24, D10),
listed in one order (`Target.stacks`) in which a target reads its stacks' governing periods (`Tops`).
`Target.limit` (epoch seconds) and `Target.limit_at` (datetimes) answer for one instant and keep the answer for
the span it holds over.

This module must not know how a window is swept (`_sweep`), how limits are reported (`limits` only gives the
types) or how several governing periods combine into one value (`combine`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from operator import attrgetter
from typing import NamedTuple, TypeVar

from smartcharge._cache import SpanCache, WindowCache, compiled, shared
from smartcharge.engine.combine import (
    Share,
    combine_rates,
    combine_sources,
    hardware_share,
    outlet_share,
    station_value,
    supply_conversion_phases,
)
from smartcharge.engine.instants import instant_bound, to_epoch
from smartcharge.engine.limits import CompositeSchedule, Limit, LimitSource
from smartcharge.engine.model import ChargingRateUnit, Purpose, PurposeRole
from smartcharge.engine.store import ChargePointState, InstalledProfile
from smartcharge.engine.timeline import FOREVER, ProfileTimeline
from smartcharge.engine.units import rate_unit
from smartcharge.errors import InvalidArgumentError

__all__ = [
    "CompiledProfile",
    "Engine",
    "GoverningPeriod",
    "Lane",
    "Target",
    "Tops",
    "Value",
    "compiled_engine",
    "limit_span",
]

_UTC = timezone.utc
#: What the answers of a target are kept by: epoch seconds (`Target.limit`) or UTC datetimes (`Target.limit_at`).
_Instant = TypeVar("_Instant", int, datetime)

# perf: members as module names (a member read from its enum class costs about ten plain attribute reads)
_TRANSACTION, _DEFAULT = PurposeRole.TRANSACTION, PurposeRole.DEFAULT


def _timeline(installed: InstalledProfile) -> ProfileTimeline:
    profile = installed.profile
    # perf: the installation instant in epoch seconds only where it may anchor the schedule, a cap's (D9): a
    # timeline of any other profile never reads it, and its `to_epoch` is 2-3% of a new state's first answer
    installed_at = to_epoch(installed.installed_at) if profile.charging_profile_purpose.role.is_cap else 0
    return ProfileTimeline(profile, installed_at)


class CompiledProfile:
    """An installed profile as the engine sees it: its timeline (R21-R23, compiled on first use, once per installed
    profile, and shared by every state that keeps it), its schedule's unit, the phases of a period that
    gives none, and its rank among the profiles of its purpose (`priority`, lowest first)."""

    __slots__ = ("_timeline", "default_phases", "installed", "priority", "unit")

    def __init__(self, installed: InstalledProfile, default_phases: int, position: int) -> None:
        self.installed = installed
        profile = installed.profile
        # R24 by stackLevel; D10: on equal stackLevel a profile on the outlet itself (the only outlet other than 0
        # it reaches) beats one on outlet 0; then the id, and the position in the state for two profiles with one
        # id (which `install_profile` never leaves). Negated, so that the highest sorts first.
        specific = 1 if installed.outlet_id != 0 else 0
        self.priority = (-profile.stack_level, -specific, -profile.charging_profile_id, position)
        schedule = profile.charging_schedules[0]  # perf: `charging_schedule` without the property call
        self.unit = schedule.charging_rate_unit
        self.default_phases = default_phases
        self._timeline: ProfileTimeline | None = None

    @property
    def timeline(self) -> ProfileTimeline:
        """The profile's timeline, compiled on first use: the profiles of a stack below the one that governs an
        instant are never compiled for it (a new state asked one `limit_at` compiles about two thirds of them)."""
        timeline = self._timeline
        if timeline is None:  # perf: kept here too, so that every later read is one slot, not a `compiled` call
            timeline = self._timeline = compiled(self.installed, _timeline)
        return timeline


_PRIORITY = attrgetter("priority")  # perf: a sort key in C, not a function called per profile


class GoverningPeriod:
    """Period `index` of `profile` governs its purpose (R24): `limit` in `unit` on `number_phases` phases (the
    station's default where the period gives none), on phase `phase_to_use` where it names one. A `combine.Rate`."""

    __slots__ = ("_shares", "index", "limit", "number_phases", "phase_to_use", "profile", "unit")

    def __init__(self, profile: CompiledProfile, index: int) -> None:
        period = profile.timeline.periods[index]  # compiled already: a governing period is found on its timeline
        self.profile = profile
        self.index = index
        self.limit = period.limit
        self.unit = profile.unit
        self.number_phases = profile.default_phases if period.number_phases is None else period.number_phases
        self.phase_to_use = period.phase_to_use
        self._shares: dict[tuple[ChargingRateUnit, int | None], Share] | None = None

    def share(self, unit: ChargingRateUnit, voltage: float, phases: int | None) -> Share:
        """This period alone as its outlet's share of outlet 0's limit (R27): `combine_sources` of it in `unit`
        on `phases` (None: its own), kept per unit and phases (the period and the voltage never change)."""
        shares = self._shares
        if shares is None:
            shares = self._shares = {}
        found = shares.get((unit, phases))
        if found is None:  # perf: a period met again (every recurrence, every window) is not converted again
            found = shares[unit, phases] = combine_sources((self,), unit, voltage, phases)
        return found

    def source(self) -> LimitSource:
        """This period as the `LimitSource` an answer names (one object per distinct source, `shared`)."""
        installed = self.profile.installed
        profile = installed.profile
        return shared(
            LimitSource,
            profile.charging_profile_id,
            profile.charging_profile_purpose,
            profile.stack_level,
            installed.outlet_id,
            self.limit,
            self.unit,
            self.number_phases,
        )


class Stacks(NamedTuple):
    """The profiles reaching one outlet, each stack highest priority first (R24, D10): one stack per cap purpose
    (R25), the transaction profiles and the default profiles."""

    caps: list[list[CompiledProfile]]
    tx: list[CompiledProfile]
    tx_default: list[CompiledProfile]


def _cap_stacks(profiles: list[CompiledProfile]) -> list[list[CompiledProfile]]:
    """`profiles` (caps, highest priority first) as one stack per purpose, in a fixed order of purposes."""
    by_purpose: dict[Purpose, list[CompiledProfile]] = {}
    for profile in profiles:
        by_purpose.setdefault(profile.installed.profile.charging_profile_purpose, []).append(profile)
    if len(by_purpose) < 2:  # perf: one cap purpose (every 1.6 state) needs no order of purposes
        return list(by_purpose.values())
    return [by_purpose[p] for p in sorted(by_purpose, key=lambda p: (p.role.value, p.name))]


class Lane:
    """One outlet's Tx and TxDefault stacks (R24, R25, D10), each highest priority first, the caps installed on the
    outlet itself (2.0.1 external constraints on one EVSE, E5: they cap its share of outlet 0's sum), the start of
    its transaction in epoch seconds (None without one) and the phases its limits convert on (`phases`: 1 on a DC
    outlet, None: the periods' own)."""

    __slots__ = ("caps", "phases", "session", "stack", "tx", "tx_default")

    def __init__(
        self,
        stacks: Stacks,
        caps: list[list[CompiledProfile]],
        session: int | None,
        phases: int | None,
    ) -> None:
        self.tx = stacks.tx
        self.tx_default = stacks.tx_default
        #: The profiles that may govern the outlet's own limit, TxProfiles before TxDefaultProfiles (R25).
        self.stack = [*stacks.tx, *stacks.tx_default]
        self.caps = caps
        self.session = session
        self.phases = phases


def _top(
    stack: list[CompiledProfile], t: int, session: int | None, lo: int, hi: int
) -> tuple[GoverningPeriod | None, int, int]:
    """The governing period of one purpose at t: the highest-priority profile that covers t (R24), and [lo, hi)
    narrowed to where that stays so (no higher one starts covering, the governing one stays in its period)."""
    for profile in stack:
        index, start, end = profile.timeline.locate(t, session)
        if start > lo:
            lo = start
        if end < hi:
            hi = end
        if index >= 0:
            return GoverningPeriod(profile, index), lo, hi
    return None, lo, hi


#: The governing period of each of a target's stacks (None: no profile governs it), in `Target.stacks`' order.
Tops = tuple[GoverningPeriod | None, ...]
#: What the governing periods give: (limit or None, numberPhases, phaseToUse or None).
Value = tuple[float | None, int, int | None]


def _phase_to_use(rates: list[GoverningPeriod], phases: int) -> int | None:
    """The phase a single-phase limit is drawn on: the first of `rates` on one phase that names one (a
    2.0.1 phaseToUse; E4 keeps caps and Tx/TxDefault profiles from naming different ones); None on more phases."""
    if phases != 1:
        return None
    for rate in rates:
        if rate.phase_to_use is not None and rate.number_phases == 1:
            return rate.phase_to_use
    return None


class Target:
    """What the limit of one outlet, or of the whole charge point (outlet 0, R27), is made of: the caps' stacks
    (one per cap purpose) and one lane per outlet, plus `limit_at`'s answers given so far, per unit. Outlet 0's
    caps are those installed on outlet 0; its lanes' own caps (`lane_caps`) cap their shares (E5). An outlet's
    caps are all that reach it.

    `stacks` lists every stack in the order `valuer`'s function reads their governing periods ("tops"): the caps',
    one per lane (Tx over TxDefault, R25), then (outlet 0) every lane's own caps', each with the start of the
    session its profiles run from (None: the start of the window, D8; caps never run from one, D9)."""

    __slots__ = (
        "answers",
        "caps",
        "composites",
        "config",
        "engine",
        "instants",
        "lane_caps",
        "lanes",
        "outlet_id",
        "outlets",
        "stacks",
        "window_independent",
    )

    def __init__(self, engine: Engine, outlet_id: int) -> None:
        self.engine = engine
        self.outlet_id = outlet_id
        self.config = engine.config
        self.outlets = list(engine.config.outlet_ids) if outlet_id == 0 else [outlet_id]
        self.caps = engine.station_caps() if outlet_id == 0 else engine.stacks(outlet_id).caps
        self.lanes = [engine.lane(c) for c in self.outlets]
        #: Whether outlet 0's lanes have caps of their own to sweep.
        self.lane_caps = outlet_id == 0 and any(lane.caps for lane in self.lanes)
        self.stacks: list[tuple[list[CompiledProfile], int | None]] = [(stack, None) for stack in self.caps]
        self.stacks.extend((lane.stack, lane.session) for lane in self.lanes)
        if self.lane_caps:
            self.stacks.extend((stack, None) for lane in self.lanes for stack in lane.caps)
        # D8: without a transaction, a profile run from the start of charging runs from the start of the window.
        # A Tx or TxDefault profile runs from the session when anchored at the start of charging (not a cap, D9):
        # asked of the profile, not of its timeline, which stays uncompiled until needed.
        self.window_independent = all(
            lane.session is not None
            or not any(p.installed.profile.anchored_at_start_of_charging for p in lane.stack)
            for lane in self.lanes
        )
        #: The answers by epoch second (`limit`, the charging loop's) and by UTC datetime (`limit_at`'s) in each unit
        #: asked so far; None until the first (no memory for a kind of question never asked).
        self.answers: dict[ChargingRateUnit, SpanCache[int, Limit]] | None = None
        self.instants: dict[ChargingRateUnit, SpanCache[datetime, Limit]] | None = None
        #: `composite_schedule`'s answers by (start, duration, unit); None until one is asked (no memory for a
        #: state that is only asked `limit_at`).
        self.composites: WindowCache[CompositeSchedule] | None = None

    def hardware_limit(self, unit: ChargingRateUnit) -> float:
        """This target's hardware maximum in `unit`: its outlets' added up (R25, R27)."""
        return sum((self.engine.hardware_limit(unit, c)[0] for c in self.outlets), 0.0)

    def governing_at(self, t: int) -> tuple[Tops, int, int]:
        """The stacks' governing periods at t, and a span [lo, hi) around t over which they stay the same (R24,
        R25), in `limit_at`'s window, which starts at t: profiles run from the start of charging run from the
        transaction's start, else from t itself (D8)."""
        lo, hi = -FOREVER, FOREVER
        tops: list[GoverningPeriod | None] = []
        for stack, session in self.stacks:
            governing, lo, hi = _top(stack, t, session, lo, hi)
            tops.append(governing)
        return tuple(tops), lo, hi

    def valuer(self, unit: ChargingRateUnit) -> Callable[[Tops], Value]:
        """The function giving the limit (None: none), phases and phase to use (None: any) that the stacks'
        governing periods ("tops") give in `unit` (R25-R27), with this target's facts bound once for every
        combination a window meets."""
        if self.outlet_id == 0:
            return self._station_valuer(unit)
        voltage = self.config.voltage
        convert_on = self.lanes[0].phases
        unlimited = None, self.engine.hardware_limit(unit, self.outlet_id)[1], None  # R25: on the outlet's phases

        def value(tops: Tops) -> Value:
            combined = combine_rates(tops, unit, voltage, convert_on)  # the caps', then the outlet's own (R25)
            if combined is None:
                return unlimited
            limit, phases = combined
            if phases != 1 or convert_on is not None:  # perf: no call; on DC no phase to use (K01.FR.44)
                return limit, phases, None
            return limit, phases, _phase_to_use([g for g in tops if g is not None], phases)

        return value

    def _station_valuer(self, unit: ChargingRateUnit) -> Callable[[Tops], Value]:
        """`valuer` for outlet 0 (R27, E5)."""
        first = len(self.caps)  # the first lane's top
        lanes = [(first + i, lane) for i, lane in enumerate(self.lanes)]
        conversions = [(i, lane.phases) for i, lane in lanes]  # each lane's top and the phases it converts on
        hardware = self.engine.hardware(unit)
        config = self.config
        voltage = config.voltage
        lane_caps = self.lane_caps
        own_caps = first + len(lanes)  # the first lane's own caps

        def value(tops: Tops) -> Value:
            caps = tops[:first]
            shares: list[Share | None] = []
            if lane_caps:
                own = own_caps
                for i, lane in lanes:
                    rates = [g for g in tops[own : own + len(lane.caps)] if g is not None]
                    shares.append(outlet_share(tops[i], rates, unit, voltage, hardware[i - first], lane.phases))
                    own += len(lane.caps)
            else:  # perf: no outlet has caps of its own (every 1.6 state): `outlet_share` without the call
                for i, convert_on in conversions:
                    rate = tops[i]
                    shares.append(None if rate is None else rate.share(unit, voltage, convert_on))
            limit, phases, caps_bind = station_value(caps, shares, hardware, unit, config)
            if caps_bind and phases == 1:  # perf: no call where there is no phase to name (more than one phase)
                return limit, phases, _phase_to_use([g for g in caps if g is not None], phases)
            return limit, phases, None

        return value

    def answer(self, t: int, unit: ChargingRateUnit) -> tuple[Limit, int, int]:
        """`limit_at`'s answer at t (D8: the window starts at t), computed, and the span [lo, hi) around t over which
        it holds."""
        tops, lo, hi = self.governing_at(t)
        value, phases, phase_to_use = self.valuer(unit)(tops)
        lanes = len(self.caps) + len(self.lanes)  # past the lanes' tops: their own caps'
        # the caps', the lanes' own caps', then the lanes' own
        order = (*tops[: len(self.caps)], *tops[lanes:], *tops[len(self.caps) : lanes])
        sources = tuple(g.source() for g in order if g is not None)
        limit = shared(Limit, value, unit, phases, sources, self.hardware_limit(unit), phase_to_use)
        return limit, lo, hi

    def limit(self, t: int, unit: ChargingRateUnit) -> tuple[Limit, int]:
        """`limit_at`'s answer at epoch second t and the end of the span it holds over, kept in `answers`."""
        if self.answers is None:
            self.answers = {}
        return self._kept(self.answers, unit, t, t, _same_second)

    def limit_at(self, at: datetime, unit: ChargingRateUnit) -> Limit:
        """`limit_at`'s answer at `at` (any aware datetime; `to_epoch`'s errors otherwise). A UTC datetime's answer
        is kept by datetime in `instants` for the span it holds over, so that `limit_at` finds it again without
        converting the instant (other time zones go through `limit`)."""
        t = to_epoch(at, "at")
        if at.__class__ is not datetime or at.tzinfo is not _UTC:
            return self.limit(t, unit)[0]
        if self.instants is None:
            self.instants = {}
        return self._kept(self.instants, unit, at, t, instant_bound)[0]

    def _kept(
        self,
        tables: dict[ChargingRateUnit, SpanCache[_Instant, Limit]],
        unit: ChargingRateUnit,
        key: _Instant,
        t: int,
        bound: Callable[[int], _Instant],
    ) -> tuple[Limit, _Instant]:
        """The answer at instant `key` (epoch second t) in `unit` and the end of its span, found in `tables` or
        computed and kept there, its span's bounds made instants by `bound`."""
        answers = tables.get(unit)
        if answers is None:
            answers = tables[unit] = SpanCache()
        else:
            found = answers.find(key)
            if found is not None:
                return found
        limit, lo, hi = self.answer(t, unit)
        end = bound(hi)
        answers.add(key, bound(lo), end, limit)
        return limit, end


def _same_second(seconds: int) -> int:
    """An epoch second as the bound of a span kept by epoch second (`Target.limit`)."""
    return seconds


class Engine:
    """A state compiled for evaluation (`compiled_engine`): every installed profile, highest priority first (its
    timeline compiled when first needed) and, built on first use, each outlet's stacks, lane and target."""

    __slots__ = (
        "_governing",
        "_hardware",
        "_lanes",
        "_stacks",
        "_station_caps",
        "_targets",
        "config",
        "profiles",
        "transactions",
    )

    def __init__(self, state: ChargePointState) -> None:
        self.config = state.config
        phases = state.config.default_number_phases
        profiles = [CompiledProfile(installed, phases, i) for i, installed in enumerate(state.profiles)]
        profiles.sort(key=_PRIORITY)  # perf: sorted once, so that every stack filtered from it is, without a sort
        self.profiles = profiles
        self.transactions = state.transactions
        self._hardware: dict[ChargingRateUnit, list[Share]] = {}
        self._station_caps: list[list[CompiledProfile]] | None = None
        self._stacks: dict[int, Stacks] = {}
        self._lanes: dict[int, Lane] = {}
        self._targets: dict[int, Target] = {}
        self._governing: dict[CompiledProfile, list[GoverningPeriod]] | None = None

    def governing(self, profile: CompiledProfile) -> list[GoverningPeriod]:
        """Every period of `profile` as the `GoverningPeriod` it makes, built when a sweep first needs them: one
        object per period, so that a sweep names a governing period without building one per slice (kept by the
        engine, not the profile: a state never swept keeps nothing)."""
        if self._governing is None:
            self._governing = {}
        found = self._governing.get(profile)
        if found is None:
            found = self._governing[profile] = [
                GoverningPeriod(profile, index) for index in range(len(profile.timeline.periods))
            ]
        return found

    def hardware(self, unit: ChargingRateUnit) -> list[Share]:
        """Every outlet's (1..N) hardware maximum in `unit` and the phases it is drawn on (R25, S9)."""
        found = self._hardware.get(unit)
        if found is None:
            config = self.config
            found = self._hardware[unit] = [
                hardware_share(config.outlet_supply(c), unit, config.voltage) for c in config.outlet_ids
            ]
        return found

    def hardware_limit(self, unit: ChargingRateUnit, outlet_id: int) -> Share:
        """Outlet `outlet_id`'s (1..N) hardware maximum in `unit` and its phases (R25)."""
        return self.hardware(unit)[outlet_id - 1]

    def station_caps(self) -> list[list[CompiledProfile]]:
        """The caps installed on outlet 0, one stack per purpose: outlet 0's caps (R27, E5)."""
        if self._station_caps is None:
            self._station_caps = _cap_stacks(
                [
                    p
                    for p in self.profiles
                    if p.installed.outlet_id == 0 and p.installed.profile.charging_profile_purpose.role.is_cap
                ]
            )
        return self._station_caps

    def stacks(self, outlet_id: int) -> Stacks:
        """The profiles reaching `outlet_id` (> 0)."""
        found = self._stacks.get(outlet_id)
        if found is None:
            caps: list[CompiledProfile] = []
            tx: list[CompiledProfile] = []
            tx_default: list[CompiledProfile] = []
            for profile in self.profiles:  # highest priority first, and so is each stack
                installed = profile.installed
                on, role = installed.outlet_id, installed.profile.charging_profile_purpose.role
                # perf: `InstalledProfile.reaches` inline (5 us of a new state's first answer): a transaction's
                # profile reaches its own outlet, the others that outlet's and outlet 0's
                if role is _TRANSACTION:
                    if on == outlet_id:
                        tx.append(profile)
                elif on == outlet_id or on == 0:
                    (tx_default if role is _DEFAULT else caps).append(profile)
            found = self._stacks[outlet_id] = Stacks(_cap_stacks(caps), tx, tx_default)
        return found

    def lane(self, outlet_id: int) -> Lane:
        """Outlet `outlet_id`'s (> 0) lane."""
        found = self._lanes.get(outlet_id)
        if found is None:
            stacks = self.stacks(outlet_id)
            session = next((to_epoch(t.start) for t in self.transactions if t.outlet_id == outlet_id), None)
            own_caps = _cap_stacks([p for stack in stacks.caps for p in stack if p.installed.outlet_id == outlet_id])
            phases = supply_conversion_phases(self.config.outlet_supply(outlet_id)[1])
            found = self._lanes[outlet_id] = Lane(stacks, own_caps, session, phases)
        return found

    def target(self, outlet_id: int) -> Target:
        """The target `outlet_id` (0: the whole charge point); `InvalidArgumentError` for one the state does not
        have."""
        if outlet_id.__class__ is int:  # looked up only as a plain int: not as 1.0, nor unhashable
            found = self._targets.get(outlet_id)
            if found is not None:
                return found
        plain = isinstance(outlet_id, int) and not isinstance(outlet_id, bool)  # True is no outlet, nor is 1.0
        if not plain or not 0 <= outlet_id <= self.config.outlet_count:
            raise InvalidArgumentError(f"outlet_id {outlet_id!r} is not 0..{self.config.outlet_count}")
        found = self._targets[outlet_id] = Target(self, outlet_id)
        return found


def compiled_engine(state: ChargePointState) -> Engine:
    """`state`'s engine, compiled on first use and kept with the state."""
    return compiled(state, Engine)


def limit_span(
    state: ChargePointState, outlet_id: int, at: int, unit: ChargingRateUnit | str = ChargingRateUnit.W
) -> tuple[Limit, int]:
    """`limit_at`'s answer at epoch second `at`, and an epoch second up to which (excluded) it holds at least:
    no governing period changes before it, in the window that starts at `at` (D8). The value may well stay the
    same after it. For the charging loop, which needs both at once (the energy of a meter step, R34)."""
    return compiled_engine(state).target(outlet_id).limit(at, rate_unit(unit))
