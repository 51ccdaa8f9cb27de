"""Benchmarks of smartcharge's engine: `python benchmarks/run.py [--quick] [--only GROUP[,GROUP...]]`.

Every figure is a median over repeated runs, printed with its spread ((max - min) / median) and, to make the
numbers comparable across machines, as a ratio to a bare baseline measured in the same run:

- ``bisect``: one `bisect` lookup of an epoch-second instant in a precomputed list of breakpoints (connector 1's
  composite over a week) -- about the least any per-instant answer can cost in Python;
- ``slices``: a loop that builds the list of (offset, limit) pairs from the same profile slices the engine
  sweeps for that window -- what a composite costs without stacking anything;
- ``copy``: building the sorted tuple of installed profiles plus one -- what any immutable store pays per install.

The ``limit_at`` warm, ``composite_schedule`` and ``meter_step`` figures time their baseline back to back with
them in every repetition (which goes first alternates) and show the median of those per-repetition ratios, which
a busy machine moves much less than either median. Growth figures are ratios to the standard 24 h composite
instead. Timing uses the standard library only
(`time.perf_counter`, with garbage collection off while timing as `timeit` does, except for the replay and the
fleet, which run as an application would); memory is `tracemalloc`'s count of allocated bytes.

The standard state (issue "Performance"): 2 connectors, a transaction on connector 1, and 12 profiles of 24
periods each -- ChargePointMaxProfiles and TxDefaultProfiles on connector 0, TxDefaultProfiles on connector 1 and
two TxProfiles -- mixing Absolute, Recurring Daily and Weekly and Relative schedules, A and W, with and without
validity windows and durations (`standard_profiles`).

The figures:

- ``limit_at warm``: one state, 2,000 random instants of a week, after one pass over them (cached answers);
  on connector 1 (charging), connector 2 (no transaction, so its Relative TxDefault runs from the instant
  asked, D8) and connector 0 (the whole charge point);
- ``limit_at cold``: one call on each of 2,000 new states equal to the standard one (nothing cached);
- ``next_change``: from 200 of those instants; ``composite_schedule``: 24 windows starting 10 minutes apart
  (``--quick``: 6, and as many GetCompositeSchedules), each swept anew (the state's answers per window dropped
  before every call: `sweep`); ``asked again``: the same windows answered from the state's window cache;
- ``install_profile``: a 24-period TxDefaultProfile onto the standard state, on connectors 0, 1 and 2;
- ``handle_get_composite_schedule``: a 24 h request in W; ``replay_script``: a 1,000-event script
  (`replay_script_of`);
- ``meter_step``: one charging session of 24 h in 60 s steps on connector 1, state warm, as steps per second;
- ``fleet``: N connectors, each charging on its own new standard state, 24 h in 60 s steps (1,440 meter steps
  each), garbage collection on; the 10,000-connector figure runs the whole fleet once (``--quick``: a sample of
  20 connectors, scaled, as the output says);
- ``growth``: 10x the profiles (120: ten shifted copies of the twelve) and 10x the window (240 h);
- ``memory``: 10,000 standard states (one per connector), measured on a sample where the output says so.
- ``sharded``: `simulate_fleet` on copies of the evening charge point (`fleet_spec`): the cost of a step in this
  process, 8,000 connectors on one and on two process workers (the speed-up) and on a Dask LocalCluster of two
  workers, the overhead of a shard (one-charge-point, one-step shards) and the workers' peak memory;
  ``sharded_full``: the 100,000-connector day (144 million steps) on a pool of two workers and on the LocalCluster.

OCPP 2.0.1 rows (marked ``2.0.1``) follow their OCPP 1.6 counterparts in the ``limit_at``, ``composite``,
``get_composite`` and ``set_profile`` groups. The 2.0.1 state has the same size (`standard_profiles_201`): the
twelve profiles converted to 2.0.1 purposes (`to_201`) and installed through the 2.0.1 SetChargingProfile handler, a
transaction with a string id on EVSE 1 and an `OutletConfig` for each EVSE: the same twelve profiles, so the same
answers, through the 2.0.1 path (string ids, per-EVSE facts, the documents kept for reports). Each 2.0.1 row is
timed back to back with its 1.6 workload in every repetition (which goes first alternates), and its ratio is the
median of the per-repetition ratios 2.0.1 / 1.6: the performance issue's target is that ``limit_at`` and
``composite_schedule`` cost within 10% of the 1.6 figures (ratio <= 1.1).
``handle_set_charging_profile``: the 24-period TxDefaultProfile of ``install_profile`` sent as a SetChargingProfile
to each handler, on connectors/EVSEs 0, 1 and 2 of the standard state.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import gc
import json
import multiprocessing
import os
import platform
import random
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import attrs

from smartcharge import (
    ChargePointConfig,
    ChargePointState,
    ChargingProfile,
    ChargingRateUnit,
    ChargingSchedule,
    ChargingSchedulePeriod,
    InstalledProfile,
    OutletConfig,
    composite_schedule,
    install_profile,
    limit_at,
    meter_step,
    next_change,
    replay_script,
    start_transaction,
)
from smartcharge._cache import WindowCache
from smartcharge.engine._compiled import compiled_engine
from smartcharge.engine.model import ChargingProfileKind
from smartcharge.engine.timeline import profile_slices
from smartcharge.ocpp16 import PURPOSES, handle_get_composite_schedule, handle_set_charging_profile
from smartcharge.ocpp16.codec import profile_to_ocpp
from smartcharge.ocpp201 import ChargingProfilePurpose as Purpose201
from smartcharge.ocpp201 import handle_get_composite_schedule as get_composite_201
from smartcharge.ocpp201 import handle_set_charging_profile as set_profile_201
from smartcharge.ocpp201 import profile_to_ocpp as profile_to_ocpp_201

T0 = datetime(2026, 1, 5, tzinfo=timezone.utc)  # a Monday
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
DAY, WEEK = 86_400, 604_800
W = ChargingRateUnit.W
SESSION_START = T0 + timedelta(hours=8)  # the transaction on connector 1 starts here


def at(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


def epoch(value: datetime) -> int:
    return (value - EPOCH) // timedelta(seconds=1)


# --- the standard state ----------------------------------------------------------------------------------------


def periods(unit: str, step: int, seed: int, count: int = 24) -> list[ChargingSchedulePeriod]:
    """`count` periods `step` seconds apart with limits that go up and down, now and then on 1 or 2 phases."""
    out = []
    for i in range(count):
        wave = (i * 7 + seed * 5) % 26
        limit = 6.0 + wave if unit == "A" else 4_000.0 + wave * 700
        phases = (None, 3, None, 1, None, 2)[(i + seed) % 6]
        out.append(ChargingSchedulePeriod(i * step, limit, phases))
    return out


def profile(
    id: int,
    purpose: str,
    kind: str,
    stack: int,
    unit: str,
    step: int,
    *,
    start: datetime | None = None,
    duration: int | None = None,
    recurrency: str | None = None,
    valid: tuple[datetime | None, datetime | None] = (None, None),
) -> ChargingProfile:
    schedule = ChargingSchedule(unit, periods(unit, step, id), duration, start)
    return ChargingProfile(id, stack, purpose, kind, schedule, None, recurrency, valid[0], valid[1])


CPMAX, TXDEFAULT, TX = PURPOSES


def standard_profiles(id_offset: int = 0, stack_offset: int = 0, shift: int = 0) -> list[tuple[int, ChargingProfile]]:
    """The 12 profiles of the standard state as (connector, profile); offsets make further distinct copies."""
    i, s = id_offset, stack_offset

    def t(seconds: int) -> datetime:
        return at(seconds + shift)

    return [
        (0, profile(i + 1, CPMAX, "Absolute", s + 0, "W", 3_600, start=t(-DAY))),
        (0, profile(i + 2, CPMAX, "Recurring", s + 1, "A", 1_800, start=t(-3 * DAY), recurrency="Daily",
                    valid=(t(-2 * DAY), t(30 * DAY)))),
        (0, profile(i + 3, CPMAX, "Relative", s + 2, "W", 900, duration=6 * 3_600)),
        (0, profile(i + 4, TXDEFAULT, "Recurring", s + 0, "W", 25_200, start=t(-WEEK), recurrency="Weekly")),
        (0, profile(i + 5, TXDEFAULT, "Recurring", s + 1, "A", 3_600, start=t(-DAY), recurrency="Daily",
                    valid=(t(3_600), t(20 * DAY)))),
        (0, profile(i + 6, TXDEFAULT, "Relative", s + 2, "A", 600, duration=4 * 3_600)),
        (0, profile(i + 7, TXDEFAULT, "Absolute", s + 3, "W", 1_200, start=t(2 * 3_600), duration=8 * 3_600,
                    valid=(None, t(3 * DAY)))),
        (1, profile(i + 8, TXDEFAULT, "Recurring", s + 0, "W", 3_600, start=t(-2 * DAY), recurrency="Daily")),
        (1, profile(i + 9, TXDEFAULT, "Absolute", s + 2, "A", 2_700, start=t(5 * 3_600), duration=18 * 3_600)),
        (1, profile(i + 10, TXDEFAULT, "Relative", s + 4, "W", 300, duration=2 * 3_600)),
        (1, profile(i + 11, TX, "Relative", s + 0, "A", 1_800, duration=10 * 3_600)),
        (1, profile(i + 12, TX, "Absolute", s + 1, "W", 600, start=t(9 * 3_600),
                    valid=(t(9 * 3_600), t(13 * 3_600)))),
    ]  # fmt: skip


def build_state(placements: Iterable[tuple[int, ChargingProfile]], config: ChargePointConfig) -> ChargePointState:
    state = start_transaction(ChargePointState(config), 1, 1, SESSION_START)
    for outlet_id, p in placements:
        outcome = install_profile(state, outlet_id, p, T0)
        assert outcome.accepted, outcome.reason
        state = outcome.state
    return state


STANDARD_CONFIG = ChargePointConfig(outlet_count=2)
BIG_CONFIG = ChargePointConfig(outlet_count=2, max_stack_level=100, max_profiles=200)
STANDARD_PLACEMENTS = standard_profiles()
STANDARD = build_state(STANDARD_PLACEMENTS, STANDARD_CONFIG)
TENFOLD = build_state(
    [pp for k in range(10) for pp in standard_profiles(id_offset=100 * k, stack_offset=5 * k, shift=97 * k)],
    BIG_CONFIG,
)


def unanswered(state: ChargePointState, outlet_id: int) -> ChargePointState:
    """`state`, its outlet's composite answers per window dropped, so that the next composite sweeps (as every
    composite figure measures, but "asked again")."""
    compiled_engine(state).target(outlet_id).composites = WindowCache()
    return state


def sweep(state: ChargePointState, outlet_id: int, start: datetime, seconds: int) -> object:
    """`composite_schedule` in W over a window `state` has not answered yet (the sweep, not the window cache)."""
    return composite_schedule(unanswered(state, outlet_id), outlet_id, start, seconds, W)


def fresh(state: ChargePointState) -> ChargePointState:
    """A new state equal to `state`, sharing its profile objects but not its caches: nothing compiled for `state`
    (the engine, the installed profiles' timelines) is reused."""
    profiles = [InstalledProfile(ip.outlet_id, ip.profile, ip.installed_at, ip.source, ip.document)
                for ip in state.profiles]
    return ChargePointState(state.config, profiles, state.transactions)


# --- the standard state, OCPP 2.0.1 ----------------------------------------------------------------------------

TRANSACTION_201 = "5f0c2a9e-8b3d-4c71-a6e2-0d9b7c41f3a8"  # OCPP 2.0.1 transaction ids are strings
PURPOSES_201 = {
    CPMAX: Purpose201.CHARGING_STATION_MAX_PROFILE,
    TXDEFAULT: Purpose201.TX_DEFAULT_PROFILE,
    TX: Purpose201.TX_PROFILE,
}
STANDARD_CONFIG_201 = ChargePointConfig(outlet_count=2, outlets=[OutletConfig(1, 32.0, 3), OutletConfig(2, 32.0, 3)])


def tx_default_levels(placements: list[tuple[int, ChargingProfile]]) -> dict[int, int]:
    """A stack level per TxDefaultProfile id, for OCPP 2.0.1: their rank in OCPP 1.6's order of precedence (stack
    level, then the connector-specific one, D10). 2.0.1 refuses a TxDefaultProfile at a stack level in use on evseId
    0 and on an EVSE (K01.FR.52); distinct levels in the same order keep every answer."""
    defaults = [(p.stack_level, outlet_id > 0, p.charging_profile_id)
                for outlet_id, p in placements if p.charging_profile_purpose is TXDEFAULT]
    return {profile_id: rank for rank, (_, _, profile_id) in enumerate(sorted(defaults))}


def to_201(p: ChargingProfile, levels: dict[int, int]) -> ChargingProfile:
    """`p` as a CSMS would send it in OCPP 2.0.1: its 2.0.1 purpose, a TxProfile with the transaction's id, a
    TxDefaultProfile at its level in `levels` (`tx_default_levels`); a Relative ChargingStationMaxProfile, which
    2.0.1 refuses (K01.FR.38), becomes Absolute from T0, its installation, where a Relative cap runs from (D9).
    Installed at T0, the converted profiles give the answers the 1.6 ones give."""
    changes: dict[str, Any] = {"charging_profile_purpose": PURPOSES_201[p.charging_profile_purpose]}
    if p.charging_profile_purpose is TX:
        changes["transaction_id"] = TRANSACTION_201
    if p.charging_profile_purpose is TXDEFAULT:
        changes["stack_level"] = levels[p.charging_profile_id]
    if p.charging_profile_purpose is CPMAX and p.charging_profile_kind is ChargingProfileKind.RELATIVE:
        changes["charging_profile_kind"] = ChargingProfileKind.ABSOLUTE
        changes["charging_schedules"] = [attrs.evolve(p.charging_schedule, start_schedule=T0)]
    return attrs.evolve(p, **changes)


def standard_profiles_201() -> list[tuple[int, dict[str, Any]]]:
    """The standard profiles as (evseId, ChargingProfileType object) for OCPP 2.0.1 (`to_201`)."""
    levels = tx_default_levels(STANDARD_PLACEMENTS)
    return [(c, profile_to_ocpp_201(to_201(p, levels))) for c, p in STANDARD_PLACEMENTS]


def build_state_201() -> ChargePointState:
    state = start_transaction(ChargePointState(STANDARD_CONFIG_201), 1, TRANSACTION_201, SESSION_START)
    for evse_id, payload in standard_profiles_201():
        state, response = set_profile_201(state, {"evseId": evse_id, "chargingProfile": payload}, T0)
        assert response == {"status": "Accepted"}, response
    return state


STANDARD_201 = build_state_201()


# --- measuring -------------------------------------------------------------------------------------------------


@dataclass
class Figure:
    name: str
    times: list[float]  # seconds per operation, one per repetition
    baseline: str  # name of the baseline, or "" for none
    baseline_s: float | None  # the baseline's median, seconds per operation
    target: str = ""
    note: str = ""
    rate_label: str = ""  # when set, the figure is shown as a rate (ops/s) too
    ratios: list[float] | None = None  # ratios measured pairwise, when not median / baseline_s

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def spread(self) -> float:
        return (max(self.times) - min(self.times)) / self.median if self.median else 0.0


def timed(run: Callable[[], object], ops: int, repeat: int, setup: Callable[[], Callable[[], object]] | None = None,
          keep_gc: bool = False) -> list[float]:
    """Seconds per operation of `run` (or of what `setup` returns, built afresh and untimed before each repetition),
    which performs `ops` operations, over `repeat` repetitions."""
    out = []
    for _ in range(repeat):
        body = setup() if setup is not None else run
        gc.collect()
        enabled = gc.isenabled()
        if not keep_gc:
            gc.disable()
        try:
            t0 = time.perf_counter()
            body()
            elapsed = time.perf_counter() - t0
        finally:
            if enabled:
                gc.enable()
        out.append(elapsed / ops)
    return out


def auto_ops(run_once: Callable[[], object], budget: float) -> int:
    """How many calls of `run_once` fill about `budget` seconds."""
    t0 = time.perf_counter()
    run_once()
    one = max(time.perf_counter() - t0, 1e-7)
    return max(1, int(budget / one))


def human(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:8.2f} s "
    if seconds >= 1e-3:
        return f"{seconds * 1e3:8.2f} ms"
    return f"{seconds * 1e6:8.2f} us"


# --- the benchmarks -------------------------------------------------------------------------------------------


class Bench:
    def __init__(self, quick: bool) -> None:
        self.quick = quick
        self.repeat = 3 if quick else 9
        self.budget = 0.02 if quick else 0.2
        rng = random.Random(6)
        week_start = epoch(T0)
        self.instants_s = [week_start + rng.randrange(WEEK) for _ in range(2_000)]
        self.instants = [EPOCH + timedelta(seconds=s) for s in self.instants_s]
        # The bisect baseline: connector 1's composite over a week as breakpoints and values.
        week = composite_schedule(fresh(STANDARD), 1, T0, WEEK, W)
        self.breaks = [week_start + p.start_period for p in week.periods]
        self.values = [p.limit for p in week.periods]
        self._baselines: dict[str, float] = {}

    def loop(self, fn: Callable[[Any], object], items: list[Any]) -> Callable[[], None]:
        def run() -> None:
            for item in items:
                fn(item)

        return run

    def paired(self, fn16: Callable[[Any], object], fn201: Callable[[Any], object],
               items: list[Any]) -> tuple[list[float], list[float]]:
        """Seconds per call of `fn16` and of `fn201` over `items`, timed back to back in each repetition (which goes
        first alternates) so that both see the same load on the machine."""
        self.loop(fn16, items)()  # warm up
        self.loop(fn201, items)()
        ops = auto_ops(self.loop(fn16, items[:50]), self.budget) * min(50, len(items))
        batch = (items * (ops // len(items) + 1))[:ops]
        return self.paired_runs(lambda: self.loop(fn16, batch), lambda: self.loop(fn201, batch), len(batch))

    def paired_runs(self, setup16: Callable[[], Callable[[], object]], setup201: Callable[[], Callable[[], object]],
                    ops: int) -> tuple[list[float], list[float]]:
        """Seconds per operation of what `setup16` and `setup201` return (built afresh and untimed before each
        repetition), timed back to back, alternating which goes first."""
        times16: list[float] = []
        times201: list[float] = []
        for k in range(self.repeat):
            order = [(setup16, times16), (setup201, times201)]
            for setup, times in order if k % 2 == 0 else order[::-1]:
                times += timed(lambda: None, ops, 1, setup)
        return times16, times201

    def against(self, fn: Callable[[Any], object], items: list[Any], baseline: str) -> tuple[list[float], list[float]]:
        """Seconds per call of `fn` over `items` and, per repetition, its ratio to the baseline `baseline`
        (`baseline_run`) timed back to back with it (`paired_runs`), so that both see the same load on the machine:
        a steadier ratio than one of two medians taken at different moments."""
        base_fn, base_items = self.baseline_run(baseline)
        self.loop(fn, items)()  # warm up
        self.loop(base_fn, base_items)()
        ops = auto_ops(self.loop(fn, items[:50]), self.budget) * min(50, len(items))

        def batch(xs: list[Any]) -> list[Any]:
            return (xs * (ops // len(xs) + 1))[:ops]

        mine, base = self.paired_runs(lambda: self.loop(fn, batch(items)),
                                      lambda: self.loop(base_fn, batch(base_items)), ops)
        return mine, [a / b for a, b in zip(mine, base, strict=True)]

    def per_call(self, fn: Callable[[Any], object], items: list[Any]) -> list[float]:
        """Seconds per call of `fn` over `items` (cycled to fill the time budget)."""
        self.loop(fn, items)()  # warm up: caches filled, code paths taken once
        ops = auto_ops(self.loop(fn, items[:50]), self.budget) * min(50, len(items))
        batch = (items * (ops // len(items) + 1))[:ops]
        return timed(self.loop(fn, batch), len(batch), self.repeat)

    # baselines

    def baseline_run(self, name: str) -> tuple[Callable[[Any], object], list[Any]]:
        """The baseline `name` (``bisect``, ``slices 24 h``, ``slices 7 d``): a function and the items to call it on."""
        if name == "bisect":
            breaks, values = self.breaks, self.values

            def lookup(t: int) -> object:
                return values[bisect.bisect_right(breaks, t) - 1]

            return lookup, self.instants_s
        seconds = {"slices 24 h": DAY, "slices 7 d": WEEK}[name]
        begin = epoch(SESSION_START)
        session = begin  # connector 1's transaction
        slices = []
        for installed in STANDARD.profiles:
            if installed.outlet_id in (0, 1):
                limits = [p.limit for p in installed.profile.charging_schedule.charging_schedule_period]
                for s in profile_slices(installed.profile, begin, begin + seconds,
                                        installed_at=epoch(installed.installed_at), session_start=session):
                    slices.append((s, limits))
        slices.sort(key=lambda e: e[0].start)

        def build(_: object) -> object:
            out = []
            for s, limits in slices:
                out.append((s.start - begin, limits[s.index]))
            return out

        return build, [None]

    def baseline(self, name: str) -> float:
        """The median seconds per call of the baseline `name` (`baseline_run`), measured once per run."""
        if name not in self._baselines:
            self._baselines[name] = statistics.median(self.per_call(*self.baseline_run(name)))
        return self._baselines[name]

    def copy_baseline(self) -> float:
        if "copy" not in self._baselines:
            profiles = STANDARD.profiles
            extra = profiles[0]

            def copy(_: object) -> object:
                return tuple(sorted((*profiles, extra), key=lambda ip: ip.sort_key))

            self._baselines["copy"] = statistics.median(self.per_call(copy, [None]))
        return self._baselines["copy"]

    # figures

    def limit_at(self) -> list[Figure]:
        return self.limit_at_16() + self.limit_at_201()

    def limit_at_16(self) -> list[Figure]:
        figures = []
        for outlet_id, label, note in (
            (1, "connector 1", ""),
            (2, "connector 2, D8", "no transaction: Relative TxDefault runs from the instant asked (D8)"),
            (0, "connector 0", "whole charge point (R27); includes connector 2 (D8)"),
        ):
            state = fresh(STANDARD)
            times, ratios = self.against(lambda t, s=state, o=outlet_id: limit_at(s, o, t), self.instants, "bisect")
            figures.append(Figure(f"limit_at warm ({label})", times, "bisect", None, "<= 2x bisect", note,
                                  ratios=ratios))
        count = 200 if self.quick else 2_000
        instants = self.instants[:count]

        def setup() -> Callable[[], None]:
            states = [fresh(STANDARD) for _ in range(count)]

            def run() -> None:
                for s, t in zip(states, instants, strict=True):
                    limit_at(s, 1, t)

            return run

        figures.append(Figure("limit_at cold (new equal state)", timed(lambda: None, count, self.repeat, setup),
                              "bisect", self.baseline("bisect"), "<= 20 us"))
        return figures

    def limit_at_201(self) -> list[Figure]:
        figures = []
        for outlet_id, label in ((1, "EVSE 1"), (2, "EVSE 2, D8"), (0, "EVSE 0")):
            s16, s201 = fresh(STANDARD), fresh(STANDARD_201)
            times16, times201 = self.paired(lambda t, s=s16, o=outlet_id: limit_at(s, o, t),
                                            lambda t, s=s201, o=outlet_id: limit_at(s, o, t), self.instants)
            figures.append(vs_16(f"limit_at warm ({label}), 2.0.1", times16, times201))
        count = 200 if self.quick else 2_000
        instants = self.instants[:count]

        def cold(standard: ChargePointState) -> Callable[[], Callable[[], None]]:
            def setup() -> Callable[[], None]:
                states = [fresh(standard) for _ in range(count)]

                def run() -> None:
                    for s, t in zip(states, instants, strict=True):
                        limit_at(s, 1, t)

                return run

            return setup

        times16, times201 = self.paired_runs(cold(STANDARD), cold(STANDARD_201), count)
        figures.append(vs_16("limit_at cold (new equal state), 2.0.1", times16, times201))
        return figures

    def next_change(self) -> list[Figure]:
        state = fresh(STANDARD)
        return [Figure("next_change (connector 1)", self.per_call(lambda t: next_change(state, 1, t),
                                                                  self.instants[:200]),
                       "bisect", self.baseline("bisect"))]

    def composite(self) -> list[Figure]:
        state = fresh(STANDARD)
        starts = [SESSION_START + timedelta(seconds=600 * k) for k in range(6 if self.quick else 24)]
        day, day_ratios = self.against(lambda s: sweep(state, 1, s, DAY), starts, "slices 24 h")
        week, week_ratios = self.against(lambda s: sweep(state, 1, s, WEEK), starts, "slices 7 d")
        one, station = self.paired(lambda s: sweep(state, 1, s, DAY), lambda s: sweep(state, 0, s, DAY), starts)
        again, again_ratios = self.against(lambda s: composite_schedule(state, 1, s, DAY, W), starts, "slices 24 h")
        return [
            Figure("composite_schedule 24 h", day, "slices", None, "<= 6x slices", ratios=day_ratios),
            Figure("composite_schedule 7 days", week, "slices", None, "<= 6x slices", ratios=week_ratios),
            Figure("composite_schedule 24 h (connector 0)", station, "connector 1", None, "<= 2x connector 1",
                   "whole charge point (R27)", ratios=[b / a for a, b in zip(one, station, strict=True)]),
            Figure("composite_schedule 24 h, asked again", again, "slices", None, "<= 2x slices",
                   "the same 24 windows as above, each answered before (a central system polling)",
                   ratios=again_ratios),
            *self.composite_201(starts),
        ]

    def composite_201(self, starts: list[datetime]) -> list[Figure]:
        figures = []
        for outlet_id, seconds, label in ((1, DAY, "24 h"), (1, WEEK, "7 days"), (0, DAY, "24 h (EVSE 0)")):
            s16, s201 = fresh(STANDARD), fresh(STANDARD_201)
            times16, times201 = self.paired(
                lambda t, s=s16, o=outlet_id, n=seconds: sweep(s, o, t, n),
                lambda t, s=s201, o=outlet_id, n=seconds: sweep(s, o, t, n), starts)
            figures.append(vs_16(f"composite_schedule {label}, 2.0.1", times16, times201))
        return figures

    def install_profile(self) -> list[Figure]:
        state = fresh(STANDARD)
        new = profile(99, TXDEFAULT, "Absolute", 7, "W", 1_800, start=T0)
        return [Figure("install_profile", self.per_call(lambda c: install_profile(state, c, new, T0), [0, 1, 2]),
                       "copy", self.copy_baseline())]

    def get_composite(self) -> list[Figure]:
        state = fresh(STANDARD)
        payload = {"connectorId": 1, "duration": DAY, "chargingRateUnit": "W"}
        nows = [SESSION_START + timedelta(seconds=600 * k) for k in range(6 if self.quick else 24)]
        s201 = fresh(STANDARD_201)
        payload_201 = {"evseId": 1, "duration": DAY, "chargingRateUnit": "W"}
        times16, times201 = self.paired(lambda now: handle_get_composite_schedule(unanswered(state, 1), payload, now),
                                        lambda now: get_composite_201(unanswered(s201, 1), payload_201, now), nows)
        return [Figure("handle_get_composite_schedule 24 h", self.per_call(
                           lambda now: handle_get_composite_schedule(unanswered(state, 1), payload, now), nows),
                       "slices", self.baseline("slices 24 h")),
                vs_16("handle_get_composite_schedule 24 h, 2.0.1", times16, times201, target="")]

    def set_profile(self) -> list[Figure]:
        """The install_profile figure's profile through each protocol's SetChargingProfile handler."""
        new = profile(99, TXDEFAULT, "Absolute", 7, "W", 1_800, start=T0)
        s16, s201 = fresh(STANDARD), fresh(STANDARD_201)
        body16, body201 = profile_to_ocpp(new), profile_to_ocpp_201(to_201(new, {99: 7}))
        for c in (0, 1, 2):
            assert handle_set_charging_profile(s16, {"connectorId": c, "csChargingProfiles": body16}, T0)[1] == {
                "status": "Accepted"}
            assert set_profile_201(s201, {"evseId": c, "chargingProfile": body201}, T0)[1] == {"status": "Accepted"}
        times16, times201 = self.paired(
            lambda c: handle_set_charging_profile(s16, {"connectorId": c, "csChargingProfiles": body16}, T0),
            lambda c: set_profile_201(s201, {"evseId": c, "chargingProfile": body201}, T0), [0, 1, 2])
        return [Figure("handle_set_charging_profile", times16, "copy", self.copy_baseline()),
                vs_16("handle_set_charging_profile, 2.0.1", times16, times201, target="")]

    def replay(self) -> list[Figure]:
        script = replay_script_of(1_000)
        repeat = max(3, self.repeat // 3)
        return [Figure("replay_script 1,000 events", timed(lambda: replay_script(script), 1, repeat, keep_gc=True),
                       "slices", self.baseline("slices 24 h"), "",
                       "Set/Get(24 h)/Clear/start/stop mix, see replay_script_of()")]

    def meter_step(self) -> list[Figure]:
        state = fresh(STANDARD)
        steps = [SESSION_START + timedelta(seconds=60 * k) for k in range(1_440)]
        times, ratios = self.against(lambda t: meter_step(state, 1, t, 60, 366.0), steps, "bisect")
        return [Figure("meter_step (warm state)", times, "bisect", None, ">= 600,000 steps/s", rate_label="steps/s",
                       ratios=ratios)]

    def fleet(self) -> list[Figure]:
        steps = [SESSION_START + timedelta(seconds=60 * k) for k in range(1_440)]
        figures = []
        for n, sample in ((100, 20 if self.quick else 100), (10_000, 20 if self.quick else 10_000)):

            def setup(sample: int = sample) -> Callable[[], None]:
                states = [fresh(STANDARD) for _ in range(sample)]

                def run() -> None:
                    for s in states:
                        for t in steps:
                            meter_step(s, 1, t, 60, 366.0)

                return run

            repeat = 1 if sample == 10_000 else max(3, self.repeat // 3)  # the whole fleet: about a minute a run
            per_step = timed(lambda: None, sample * len(steps), repeat, setup, keep_gc=True)
            total = [x * n * len(steps) for x in per_step]
            note = (f"measured all {n:,} connectors" if sample == n else
                    f"measured {sample} connectors, extrapolated x{n // sample} (connectors are independent)")
            target = "<= 90 s" if n == 10_000 else ""
            figures.append(Figure(f"fleet {n:,} x 24 h at 60 s", total, "bisect",
                                  self.baseline("bisect") * n * len(steps), target, note))
        return figures

    # --- fleets on executors (simulate_fleet) -------------------------------------------------------------------

    def sharded(self) -> list[Figure]:
        """`simulate_fleet` on the evening charge point (`fleet_spec`): the cost of a step in this process, the
        speed-up from one to two process workers, a Dask LocalCluster of two workers against the process pool on the
        same fleet, and the cost of one shard beyond its stepping (sending a part, getting its totals back)."""
        from smartcharge.fleet import simulate_fleet

        figures = []
        sample = fleet_spec(50 if self.quick else 500)
        t0 = time.perf_counter()
        simulate_fleet(sample)
        per_step = (time.perf_counter() - t0) / (sample.outlets * sample.intervals)
        figures.append(Figure(f"simulate_fleet in-process ({sample.outlets:,} connectors)", [per_step], "bisect",
                              self.baseline("bisect"), ">= 300,000 steps/s per worker", rate_label="steps/s"))
        spec = fleet_spec(100 if self.quick else 4_000)
        one, two, dask, memory = [], [], [], []
        for _ in range(1 if self.quick else 2):
            one.append(pool_run(spec, 1)[0])
            seconds, peak = pool_run(spec, 2)
            two.append(seconds)
            memory.append(peak)
            dask_seconds = dask_run(spec)
            if dask_seconds is not None:
                dask.append(dask_seconds[0])
        connectors = f"{spec.outlets:,} connectors x 24 h at 60 s, {spec.outlets * spec.intervals:,} steps"
        figures.append(Figure("simulate_fleet, process pool, 1 worker", one, "", None, "", connectors))
        figures.append(Figure("simulate_fleet, process pool, 2 workers", two, "1 worker", None, ">= 1.7x speed-up",
                              f"{connectors}; ratio = 1 worker / 2 workers",
                              ratios=[a / b for a, b in zip(one, two, strict=True)]))
        if dask:
            figures.append(Figure("simulate_fleet, Dask LocalCluster, 2 workers", dask, "pool", None,
                                  "<= 1.3x the pool", connectors,
                                  ratios=[a / b for a, b in zip(dask, two, strict=True)]))
        figures.append(Figure("memory: peak of a pool worker", [max(memory)], "", None, "<= 500 MB",
                              f"largest resident set of any worker process; {connectors}"))
        tiny = fleet_spec(64 if self.quick else 256, duration=60)
        seconds, _ = pool_run(tiny, 2, shard_size=1)
        figures.append(Figure("overhead per shard, process pool (2 workers)", [seconds / tiny.charge_points], "", None,
                              "", f"{tiny.charge_points} shards of one charge point and one step each"))
        dask_tiny = dask_run(tiny, shard_size=1)
        if dask_tiny is not None:
            figures.append(Figure("overhead per shard, Dask LocalCluster (2 workers)",
                                  [dask_tiny[0] / tiny.charge_points], "", None, "",
                                  f"{tiny.charge_points} shards of one charge point and one step each"))
        return figures

    def sharded_full(self) -> list[Figure]:
        """The issue's fleet: 100,000 connectors (50,000 evening charge points) x 24 h at 60 s, 144 million steps, on
        a process pool of two workers and on a Dask LocalCluster of two workers (``--quick``: 2,000 connectors)."""
        spec = fleet_spec(1_000 if self.quick else 50_000)
        steps = spec.outlets * spec.intervals
        seconds, peak = pool_run(spec, 2)
        note = f"{spec.outlets:,} connectors x 24 h at 60 s, {steps:,} steps: {steps / seconds:,.0f} steps/s"
        figures = [
            Figure(f"fleet {spec.outlets:,} connectors, pool of 2 workers", [seconds], "", None, "<= 240 s", note),
            Figure("memory: peak of a pool worker (whole fleet)", [peak], "", None, "<= 500 MB"),
        ]
        dask = dask_run(spec)
        if dask is not None:
            figures.append(Figure(f"fleet {spec.outlets:,} connectors, Dask LocalCluster of 2", [dask[0]], "pool", None,
                                  "<= 1.3x the pool", f"{steps / dask[0]:,.0f} steps/s", ratios=[dask[0] / seconds]))
            figures.append(Figure("memory: peak of a Dask worker (whole fleet)", [dask[1]], "", None, "<= 500 MB"))
        return figures

    def growth(self) -> list[Figure]:
        """Each repetition times the standard composite and the grown one back to back, so that both see the same
        load on the machine; the ratio shown is the median of the per-repetition ratios."""
        base_state, big_state = fresh(STANDARD), fresh(TENFOLD)
        starts = [SESSION_START + timedelta(seconds=600 * k) for k in range(12)]

        def composites(state: ChargePointState, seconds: int) -> Callable[[], None]:
            return self.loop(lambda s: sweep(state, 1, s, seconds), starts)

        runs = {
            "base": composites(base_state, DAY),
            "tenfold": composites(big_state, DAY),
            "window": composites(base_state, 10 * DAY),
        }
        for run in runs.values():
            run()  # warm up
        times: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(max(5, self.repeat)):
            for name, run in runs.items():
                times[name] += timed(run, len(starts), 1)
        return [
            Figure("growth: 10x profiles (120), composite 24 h", times["tenfold"], "standard composite 24 h", None,
                   "<= 12x", ratios=[b / a for a, b in zip(times["base"], times["tenfold"], strict=True)]),
            Figure("growth: 10x window (240 h), composite", times["window"], "standard composite 24 h", None,
                   "<= 10x", ratios=[b / a for a, b in zip(times["base"], times["window"], strict=True)]),
        ]

    def memory(self) -> list[Figure]:
        def peak(build: Callable[[int], object], count: int) -> float:
            """The peak for 10,000: what `count` states keep, scaled, plus the transient peak of building them."""
            gc.collect()
            tracemalloc.start()
            kept = build(count)
            gc.collect()
            retained, top = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            del kept
            return retained * 10_000 / count + (top - retained)

        def queried(count: int) -> list[ChargePointState]:
            states = [fresh(STANDARD) for _ in range(count)]
            for s in states:
                limit_at(s, 1, SESSION_START)
            return states

        def simulated(count: int) -> list[ChargePointState]:
            states = [fresh(STANDARD) for _ in range(count)]
            for s in states:
                for k in range(1_440):
                    meter_step(s, 1, SESSION_START + timedelta(seconds=60 * k), 60, 366.0)
            return states

        def own_profiles(count: int) -> list[ChargePointState]:
            return [build_state([(c, copy_profile(p)) for c, p in STANDARD_PLACEMENTS], STANDARD_CONFIG)
                    for _ in range(count)]

        def own_profiles_simulated(count: int) -> list[ChargePointState]:
            states = own_profiles(count)
            for s in states:
                for k in range(1_440):
                    meter_step(s, 1, SESSION_START + timedelta(seconds=60 * k), 60, 366.0)
            return states

        shared = "profile objects shared (one profile set sent to every charge point)"
        figures = []
        for label, build, count, note in (
            ("memory: 10,000 states, a limit_at each", queried, 1_000 if self.quick else 10_000, shared),
            ("memory: 10,000 states, 24 h of steps each", simulated, 20 if self.quick else 200,
             shared + "; every state keeps its caches"),
            ("memory: 10,000 states, own profile objects", own_profiles, 100 if self.quick else 500,
             "each state built its own 12 profiles of 24 periods; not queried"),
            ("memory: 10,000 states, own profiles, 24 h of steps", own_profiles_simulated, 20 if self.quick else 200,
             "each state built its own profiles, then 24 h of steps; every state keeps its caches"),
        ):
            scale = 10_000 / count
            measured = "all measured" if scale == 1 else f"measured {count}, scaled x{scale:.0f}"
            figures.append(Figure(label, [peak(build, count)], "", None, "<= 200 MB", f"{measured}; {note}"))
        return figures


EVENING = Path(__file__).resolve().parent.parent / "docs" / "examples" / "evening.json"


def fleet_spec(charge_points: int, duration: int = DAY) -> Any:
    """`charge_points` copies of the evening charge point (docs/examples/evening.json: two connectors, a station
    cap that drops at the evening peak, two stacked TxDefaultProfiles; its own session left out) from midnight,
    60 s steps, sessions drawn from seed 1 (`SessionPattern`'s defaults): what ``smartcharge fleet --from`` runs."""
    from smartcharge.charging.fleet import ChargePointGroup, FleetSpec

    state = replay_script(json.loads(EVENING.read_text(encoding="utf-8"))).state
    return FleetSpec(datetime(2026, 1, 8, tzinfo=timezone.utc), duration, 60,
                     [ChargePointGroup(state, count=charge_points, name="evening")], seed=1)


@contextlib.contextmanager
def workers_without_this_script() -> Iterator[None]:
    """Worker processes spawned meanwhile do not run this script (spawn imports the parent's main module in every
    child): its module-level states would count in a worker's memory and start-up. They import smartcharge only."""
    main = sys.modules["__main__"]
    path = main.__dict__.pop("__file__", None)
    try:
        yield
    finally:
        if path is not None:
            main.__file__ = path


def pool_run(spec: Any, workers: int, shard_size: int | None = None) -> tuple[float, float]:
    """Wall seconds of `simulate_fleet` on a process pool of `workers` (spawned, as ``--workers`` does), started and
    warmed up before timing (each worker imports smartcharge: about a second, paid once per run of the command),
    and the largest peak resident set of the benchmark's child processes so far, in bytes."""
    from smartcharge.fleet import simulate_fleet

    spawn = multiprocessing.get_context("spawn")
    with workers_without_this_script(), ProcessPoolExecutor(workers, mp_context=spawn) as pool:
        simulate_fleet(fleet_spec(4 * workers, duration=60), pool, shard_size=1)  # every worker started and warm
        t0 = time.perf_counter()
        simulate_fleet(spec, pool, shard_size=shard_size)
        seconds = time.perf_counter() - t0
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024.0


def dask_run(spec: Any, shard_size: int | None = None) -> tuple[float, float] | None:
    """Wall seconds of `simulate_fleet` on a Dask LocalCluster of two single-threaded worker processes on 127.0.0.1
    (started before timing), and the largest peak resident set of its workers in bytes; None without Dask."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        return None
    from smartcharge.fleet import simulate_fleet
    from smartcharge.fleet_dask import dask_executor

    with workers_without_this_script(), LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                                     host="127.0.0.1", dashboard_address=None) as cluster, \
            Client(cluster) as client:
        with dask_executor(client) as executor:
            simulate_fleet(fleet_spec(8, duration=60), executor, shard_size=1)  # every worker up and warm
            t0 = time.perf_counter()
            simulate_fleet(spec, executor, shard_size=shard_size)
            seconds = time.perf_counter() - t0
        peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024.0)
    return seconds, max(peaks.values())


def copy_profile(p: ChargingProfile) -> ChargingProfile:
    s = p.charging_schedule
    schedule = ChargingSchedule(s.charging_rate_unit,
                                [ChargingSchedulePeriod(x.start_period, x.limit, x.number_phases)
                                 for x in s.charging_schedule_period],
                                s.duration, s.start_schedule, s.min_charging_rate)
    return ChargingProfile(p.charging_profile_id, p.stack_level, p.charging_profile_purpose, p.charging_profile_kind,
                           schedule, p.transaction_id, p.recurrency_kind, p.valid_from, p.valid_to)


def replay_script_of(count: int) -> dict[str, Any]:
    """A script of `count` events, one every 30 s: installs of the standard profiles (some Rejected: TxProfiles
    while no transaction runs), 24 h GetCompositeSchedules on every connector, clears, and transactions that start
    and stop on connector 1."""
    rng = random.Random(1)
    payloads = [(c, profile_to_ocpp(p)) for c, p in STANDARD_PLACEMENTS]
    events: list[dict[str, Any]] = []
    charging: int | None = None  # the running transaction's id
    for k in range(count):
        when = (T0 + timedelta(seconds=30 * k)).strftime("%Y-%m-%dT%H:%M:%SZ")
        roll = rng.random()
        if roll < 0.05:
            if charging is not None:
                events.append({"at": when, "stopTransaction": {"transactionId": charging}})
                charging = None
            else:
                charging = k + 1
                events.append({"at": when, "startTransaction": {"connectorId": 1, "transactionId": charging}})
        elif roll < 0.45:
            outlet_id, payload = rng.choice(payloads)
            events.append({"at": when, "call": "SetChargingProfile",
                           "payload": {"connectorId": outlet_id, "csChargingProfiles": payload}})
        elif roll < 0.9:
            events.append({"at": when, "call": "GetCompositeSchedule",
                           "payload": {"connectorId": rng.randrange(3), "duration": DAY, "chargingRateUnit": "W"}})
        else:
            events.append({"at": when, "call": "ClearChargingProfile", "payload": {"id": rng.randrange(1, 13)}})
    return {"config": {"connectorCount": 2}, "events": events}


GROUPS = ("limit_at", "next_change", "composite", "install_profile", "get_composite", "set_profile", "replay",
          "meter_step", "fleet", "growth", "memory", "sharded", "sharded_full")


def vs_16(name: str, times16: list[float], times201: list[float], target: str = "<= 1.1x 1.6") -> Figure:
    """An OCPP 2.0.1 figure with its ratio to the 1.6 workload timed alongside (`Bench.paired`)."""
    return Figure(name, times201, "1.6", None, target,
                  ratios=[b / a for a, b in zip(times16, times201, strict=True)])


def show(figure: Figure) -> str:
    if figure.name.startswith("memory"):
        value = f"{figure.median / 2**20:8.1f} MB"
        spread = "      -"
    else:
        value = human(figure.median)
        spread = f"{figure.spread * 100:6.1f}%" if len(figure.times) > 1 else "  1 run"
    if figure.rate_label:
        value += f" ({1 / figure.median:,.0f} {figure.rate_label})"
    if figure.ratios:
        digits = 2 if figure.baseline == "1.6" or statistics.median(figure.ratios) < 10 else 1  # targets 1.1x, 2x
        ratio = f"{statistics.median(figure.ratios):8.{digits}f}x {figure.baseline}"
    elif figure.baseline_s:
        ratio = f"{figure.median / figure.baseline_s:8.1f}x {figure.baseline}"
    else:
        ratio = "       -"
    line = f"{figure.name:<46} {value:<30} {spread}  {ratio:<34} {figure.target}"
    return line.rstrip() + (f"\n{'':<48}({figure.note})" if figure.note else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and smaller samples (smoke test)")
    parser.add_argument("--only", help=f"comma-separated groups to run: {', '.join(GROUPS)}")
    args = parser.parse_args(argv)
    groups = GROUPS if not args.only else tuple(g.strip() for g in args.only.split(","))
    unknown = [g for g in groups if g not in GROUPS]
    if unknown:
        parser.error(f"unknown group(s) {', '.join(unknown)}; known: {', '.join(GROUPS)}")
    bench = Bench(args.quick)
    print(f"smartcharge benchmarks{' (quick)' if args.quick else ''}: Python {platform.python_version()} "
          f"({platform.python_implementation()}) on {platform.machine()}, {platform.system()}")
    print(f"{os.cpu_count()} cores; load average before the run {os.getloadavg()[0]:.2f}")
    print(f"{'figure':<46} {'median':<30} {'spread':>7}  {'ratio to baseline':<34} target")
    for group in groups:
        for figure in getattr(bench, group)():
            print(show(figure), flush=True)
    baselines = ", ".join(f"{name} {human(value).strip()}" for name, value in bench._baselines.items())
    print(f"baselines (medians): {baselines}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
