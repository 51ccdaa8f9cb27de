"""The fleet's stepping (smartcharge.charging.fleet) gives exactly what `meter_step` and the station balancer give
when asked at every step (SPEC R28, R33-R35), on random charge points from `smartcharge.strategies`.

`reference` below restates a charge point's day with no shortcut: every step asks `station_allocation` for the
shares and `meter_step` for the energy, with the steps drawn by `proposed_steps`. The fleet's fast path (a limit
kept for the span it holds, the shares kept while their inputs are the same objects, the steps drawn inline) must
give the same integers, interval by interval.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import attrs
from builders import installed, profile
from hypothesis import given, settings
from hypothesis import strategies as st

from smartcharge import (
    ChargePointConfig,
    ChargePointState,
    ChargingProfile,
    ChargingSchedule,
    ChargingSchedulePeriod,
)
from smartcharge.charging.balancer import station_allocation
from smartcharge.charging.fleet import (
    MICRO_WH_PER_WH,
    ChargePointGroup,
    ChargePointTotals,
    FleetSpec,
    Session,
    SessionPattern,
    Variation,
    charge_point_seed,
    simulate_charge_points,
)
from smartcharge.charging.local_policy import Action
from smartcharge.charging.simulation import policy_from_document, proposed_steps
from smartcharge.charging.step import Source, meter_step
from smartcharge.engine.model import ChargingRateUnit
from smartcharge.engine.store import end_transaction, start_transaction
from smartcharge.ocpp16.purposes import PURPOSES
from smartcharge.strategies import BASE, charge_point_states, charge_point_states_201, limits

W = ChargingRateUnit.W


def reference(spec: FleetSpec, index: int) -> tuple[ChargePointTotals, list[int], list[int], list[int]]:
    """Charge point `index` of a one-group `spec`, stepped the slow way: its totals and its three series."""
    (group,) = spec.groups
    generator = random.Random(charge_point_seed(spec.seed, index))
    state = group.state if group.variation is None else group.variation.apply(group.state, generator)
    sessions = (
        group.sessions.draw(state.config.outlet_ids, spec.duration_s, spec.interval_s, generator)
        if isinstance(group.sessions, SessionPattern)
        else list(group.sessions)
    )
    policy, environment = policy_from_document(group.policy) if group.policy is not None else (None, None)
    places: dict[int, int] = {}
    queue = []
    for session in sorted(sessions, key=lambda s: (s.arrival_s, s.outlet_id)):
        queue.append((session, places.get(session.outlet_id, 0)))
        places[session.outlet_id] = places.get(session.outlet_id, 0) + 1
    intervals = spec.intervals
    energy, withheld, charging_series = [0] * intervals, [0] * intervals, [0] * intervals
    charging: dict[int, dict] = {}
    transaction = started = completed = 0
    for k in range(intervals):
        offset = k * spec.interval_s
        at = spec.start + timedelta(seconds=offset)
        for outlet_id in sorted(c for c, run in charging.items() if run["departure"] <= offset):
            state = end_transaction(state, charging.pop(outlet_id)["transaction"])
        while queue and queue[0][0].arrival_s <= offset:
            session, place = queue.pop(0)
            departure = spec.duration_s if session.departure_s is None else min(session.departure_s, spec.duration_s)
            if departure <= offset:
                continue
            transaction += 1
            started += 1
            seed = f"{charge_point_seed(spec.seed, index)}/{session.outlet_id}/{place}"
            charging[session.outlet_id] = {
                "session": session, "steps": proposed_steps(*session.step_wh, seed), "transaction": transaction,
                "delivered": 0.0, "departure": departure,
            }  # fmt: skip
            state = start_transaction(
                state, session.outlet_id, transaction, spec.start + timedelta(seconds=session.arrival_s)
            )
        shares = station_allocation(state, at, W)
        for outlet_id in sorted(charging):
            run = charging[outlet_id]
            base = min(next(run["steps"]), run["session"].energy_wh - run["delivered"])
            env = environment(at) if environment is not None else None
            decision = meter_step(
                state, outlet_id, at, spec.interval_s, base, run["delivered"], policy, env, shares.get(outlet_id)
            )
            run["delivered"] += decision.energy_wh
            energy[k] += round(decision.energy_wh * MICRO_WH_PER_WH)
            if decision.source is Source.OCPP:
                withheld[k] += round((base - decision.energy_wh) * MICRO_WH_PER_WH)
            charging_series[k] += 1
            full = run["delivered"] >= run["session"].energy_wh
            completed += full
            if full or decision.action is Action.STOP:
                run["departure"] = -1  # ends after this step
        for outlet_id in sorted(c for c, run in charging.items() if run["departure"] == -1):
            state = end_transaction(state, charging.pop(outlet_id)["transaction"])
    outlets = state.config.outlet_count
    totals = ChargePointTotals(
        index, group.member_name(index), outlets, started, completed, outlets * intervals, sum(charging_series),
        sum(energy), sum(withheld), max(energy, default=0),
    )  # fmt: skip
    return totals, energy, withheld, charging_series


POLICIES = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {},
        optional={
            "energyCapKwh": st.sampled_from([0.5, 2.0, 20.0]),
            "maxPrice": st.sampled_from([0.1, 0.3]),
            "peakHours": st.just([[17, 20], [22, 6]]),
            "allowPeak": st.booleans(),
            "skipWhenExpensive": st.booleans(),
            "pricePerHour": st.just([0.05 * (h % 8) for h in range(24)]),
        },
    ),
)
PATTERNS = st.builds(
    SessionPattern,
    gap_s=st.sampled_from([(0, 0), (0, 1_800), (600, 7_200)]),
    dwell_s=st.sampled_from([(1, 600), (1_800, 7_200), (3_600, 14_400)]),
    energy_wh=st.sampled_from([(100.0, 2_000.0), (5_000.0, 40_000.0)]),
    power_w=st.sampled_from([(0.0, 0.0), (3_700.0, 22_000.0), (100_000.0, 200_000.0)]),
)


@st.composite
def sites(draw: st.DrawFn) -> ChargePointState:
    """A charge point whose limits bind: a daily station cap that changes every few minutes and a TxDefaultProfile
    run from each session's start, in A or W, now and then with a minChargingRate (a pause by the balancer)."""
    config = ChargePointConfig(outlet_count=draw(st.integers(1, 3)))

    def schedule(unit: str, step: int, start: datetime | None) -> ChargingSchedule:
        values = draw(st.lists(limits(ChargingRateUnit(unit)), min_size=1, max_size=12))
        minimum = draw(st.one_of(st.none(), st.sampled_from([0.0, 6.0, 2_000.0]))) if start is None else None
        periods = [
            ChargingSchedulePeriod(i * step, v, draw(st.sampled_from([None, 1, 3]))) for i, v in enumerate(values)
        ]
        return ChargingSchedule(unit, periods, None, start, minimum)

    cap = ChargingProfile(1, 0, PURPOSES[0], "Recurring", schedule(draw(UNITS), draw(STEPS), BASE), None, "Daily")
    default = ChargingProfile(2, 0, PURPOSES[1], "Relative", schedule(draw(UNITS), draw(STEPS), None))
    return installed(ChargePointState(config), (0, cap), (0, default), now=BASE)


UNITS = st.sampled_from(["A", "W"])
STEPS = st.sampled_from([300, 450, 3_600])
STATES = st.one_of(
    charge_point_states(max_outlets=3, max_profiles=6), charge_point_states_201(max_outlets=3), sites(), sites()
)


@st.composite
def fleets(draw: st.DrawFn) -> FleetSpec:
    state = draw(STATES)
    interval = draw(st.sampled_from([60, 90, 300, 37]))
    duration = draw(st.integers(1, 160)) * interval - draw(st.sampled_from([0, 1]))
    start = BASE + timedelta(seconds=draw(st.integers(-21_600, 86_400)))
    variation = draw(st.one_of(st.none(), st.builds(Variation, limit_scale=st.sampled_from([(0.5, 1.5), (2.0, 2.0)]))))
    group = ChargePointGroup(state, count=2, sessions=draw(PATTERNS), policy=draw(POLICIES), variation=variation)
    return FleetSpec(start, max(duration, 1), interval, [group], seed=draw(st.integers(0, 1_000)))


@settings(max_examples=60, deadline=None)
@given(fleets())
def test_the_fast_path_steps_exactly_as_meter_step_and_the_balancer(spec: FleetSpec) -> None:
    totals = simulate_charge_points(spec)
    expected = [reference(spec, i) for i in range(spec.charge_points)]
    assert list(totals.charge_points) == [e[0] for e in expected]
    assert list(totals.energy_uwh) == [sum(col) for col in zip(*(e[1] for e in expected), strict=True)]
    assert list(totals.withheld_uwh) == [sum(col) for col in zip(*(e[2] for e in expected), strict=True)]
    assert list(totals.sessions_charging) == [sum(col) for col in zip(*(e[3] for e in expected), strict=True)]


def test_given_sessions_charge_what_they_want_and_depart():
    """Two sessions on one outlet of a charge point without profiles: the first gets its 1 kWh at 6 kW (100 Wh a
    minute, 10 steps) and ends; the second departs after 5 steps with 500 Wh."""
    state = ChargePointState(ChargePointConfig(outlet_count=2))
    sessions = [
        Session(1, 0, 1_000.0, (100.0, 100.0), 1_200),
        Session(1, 1_200, 5_000.0, (100.0, 100.0), departure_s=1_500),
    ]
    spec = FleetSpec(BASE, 3_600, 60, [ChargePointGroup(state, sessions=sessions, name="depot")])
    totals = simulate_charge_points(spec)
    (point,) = totals.charge_points
    assert (point.name, point.sessions, point.completed, point.charging_steps) == ("depot", 2, 1, 15)
    assert point.energy_wh == 1_500.0 and totals.energy_wh == 1_500.0
    assert totals.sessions_charging == (1,) * 10 + (0,) * 10 + (1,) * 5 + (0,) * 35
    assert totals.peak_w == 6_000.0 and totals.peak_at == BASE
    assert point.steps == 2 * 60 and totals.steps == 120


def test_a_variation_scales_every_limit():
    cap = profile(1, purpose="ChargePointMaxProfile", unit="W", periods=[(0, 4_000.0)], start=BASE)
    base = installed(ChargePointState(ChargePointConfig(outlet_count=1)), (0, cap))
    group = ChargePointGroup(base, variation=Variation((0.5, 0.5)))
    assert group.variation is not None
    scaled = group.variation.apply(group.state, random.Random(1))
    assert [p.limit for p in scaled.profiles[0].profile.charging_schedule.charging_schedule_period] == [2_000.0]
    assert attrs.evolve(scaled, profiles=base.profiles) == base
