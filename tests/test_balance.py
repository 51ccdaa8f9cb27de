"""Load balancing (SPEC R28, §3.13.3, §3.13.4): properties of `allocate` against an exact oracle, worked
examples, and `station_allocation` / `station_allocation_schedule` on charge point states."""

from __future__ import annotations

import math
import sys
from decimal import Decimal
from fractions import Fraction

import attrs
import pytest
from builders import T0, at, installed, profile
from hypothesis import given
from hypothesis import strategies as st

from smartcharge import (
    ChargePointConfig,
    ChargePointState,
    ChargingProfile,
    ChargingRateUnit,
    InvalidArgumentError,
    composite_schedule,
    limit_at,
    start_transaction,
)
from smartcharge.charging.balancer import (
    MIN_RATE_TOLERANCE,
    OutletDemand,
    allocate,
    station_allocation,
    station_allocation_schedule,
)
from smartcharge.engine.combine import StationLimit, combine_rates, combine_sources, station_limit, station_value
from smartcharge.engine.limits import LimitSource
from smartcharge.engine.units import convert, convert_unchecked
from smartcharge.ocpp16 import ChargingProfilePurpose

A, W = ChargingRateUnit.A, ChargingRateUnit.W
D = OutletDemand

# --- an exact oracle, computed differently from the module (progressive filling, not sorted breakpoints) -------


def water_fill(total: float, demands: dict[int, OutletDemand]) -> dict[int, Fraction]:
    """Exact weighted max-min fair shares without minimum rates: fill every free connector to a common level;
    those whose limit that level reaches are full; repeat with what is left."""
    left = Fraction(total)
    free = {c: (Fraction(d.limit), Fraction(d.weight)) for c, d in demands.items()}
    shares: dict[int, Fraction] = {}
    while free:
        level = left / sum(w for _, w in free.values())
        full = [c for c, (limit, w) in free.items() if limit <= w * level]
        if not full:
            shares.update((c, w * level) for c, (_, w) in free.items())
            break
        for c in full:
            shares[c] = free.pop(c)[0]
            left -= shares[c]
    return shares


def short(share: Fraction, demand: OutletDemand) -> bool:
    """Would this exact share fall below the demand's minimum rate (beyond the documented tolerance)?"""
    return share < Fraction(demand.min_rate) * (1 - Fraction(MIN_RATE_TOLERANCE))


def paused(shares: dict[int, float], demands: dict[int, OutletDemand]) -> set[int]:
    return {c for c, d in demands.items() if d.min_rate > 0 and shares[c] == 0}


# --- strategies -------------------------------------------------------------------------------------------------

finite = {"allow_nan": False, "allow_infinity": False, "allow_subnormal": False}
amounts = st.one_of(st.integers(0, 64).map(float), st.floats(0, 1e5, **finite))
min_rates = st.one_of(st.just(0.0), st.just(0.0), st.integers(1, 20).map(float), st.floats(0, 1e4, **finite))
weights = st.one_of(st.just(1.0), st.sampled_from([0.5, 2.0, 3.0]), st.floats(0.01, 100, **finite))
ids = st.integers(1, 12)
demand = st.builds(OutletDemand, limit=amounts, min_rate=min_rates, weight=weights)
# Small whole amperes with minimum rates close to the fair share, so that several connectors fall short at once.
tight_demand = st.builds(
    OutletDemand,
    limit=st.integers(0, 40).map(float),
    min_rate=st.integers(0, 16).map(float),
    weight=st.sampled_from([1.0, 1.0, 2.0, 0.5]),
)

demand_maps = st.one_of(
    st.dictionaries(ids, demand, min_size=1, max_size=8), st.dictionaries(ids, tight_demand, min_size=2, max_size=8)
)
plain_demand = st.builds(OutletDemand, limit=amounts, weight=weights)
plain_demand_maps = st.dictionaries(ids, plain_demand, min_size=1, max_size=8)
totals = st.one_of(st.integers(0, 80).map(float), st.integers(0, 200).map(float), st.floats(0, 2e5, **finite))


@given(totals, demand_maps)
def test_r28_shares_never_add_up_to_more_than_the_total(total: float, demands: dict[int, OutletDemand]) -> None:
    shares = allocate(total, demands)
    assert set(shares) == set(demands)
    assert math.fsum(shares.values()) <= total + 1e-9 * max(1.0, total)
    assert sum(Fraction(s) for s in shares.values()) <= Fraction(total)  # exactly: shares are rounded down


@given(totals, demand_maps)
def test_r28_every_share_is_between_zero_and_its_limit(total: float, demands: dict[int, OutletDemand]) -> None:
    for c, share in allocate(total, demands).items():
        assert 0.0 <= share <= demands[c].limit


@given(totals, demand_maps)
def test_r28_every_share_is_zero_or_at_least_the_min_rate(total: float, demands: dict[int, OutletDemand]) -> None:
    for c, share in allocate(total, demands).items():
        assert share == 0.0 or share >= demands[c].min_rate * (1 - MIN_RATE_TOLERANCE)


@given(totals, demand_maps)
def test_r28_weighted_max_min_fairness(total: float, demands: dict[int, OutletDemand]) -> None:
    shares = allocate(total, demands)
    active = [c for c in demands if c not in paused(shares, demands)]
    below_limit = [c for c in active if shares[c] < demands[c].limit]
    levels = [shares[c] / demands[c].weight for c in below_limit]
    if below_limit:
        # One common level for everyone not at its limit, no connector at its limit above it, total used up.
        level = levels[0]
        assert all(math.isclose(x, level, rel_tol=1e-9, abs_tol=1e-12) for x in levels)
        for c in active:
            if c not in below_limit:
                assert demands[c].limit / demands[c].weight <= level * (1 + 1e-9) + 1e-12
        assert math.isclose(math.fsum(shares[c] for c in active), total, rel_tol=1e-9, abs_tol=1e-12)
    # The active connectors get exactly the oracle's water-filling among themselves.
    exact = water_fill(total, {c: demands[c] for c in active})
    for c in active:
        assert shares[c] == pytest.approx(float(exact[c]), rel=1e-12, abs=1e-300)


@given(demand_maps, st.floats(0, 1e5, **finite))
def test_r28_a_total_that_covers_every_limit_gives_every_limit(
    demands: dict[int, OutletDemand], extra: float
) -> None:
    exact = sum(Fraction(d.limit) for d in demands.values()) + Fraction(extra)
    total = float(exact)
    if Fraction(total) < exact:  # the float nearest to the sum fell just short of it
        total = math.nextafter(total, math.inf)
    shares = allocate(total, demands)
    for c, d in demands.items():
        if d.limit >= d.min_rate:
            assert shares[c] == d.limit
        else:  # it could never reach its minimum rate
            assert shares[c] == 0.0


@given(totals, st.floats(0, 1e5, **finite), st.one_of(plain_demand_maps, demand_maps))
def test_r28_more_capacity_never_lowers_a_share_when_nobody_is_paused(
    total: float, extra: float, demands: dict[int, OutletDemand]
) -> None:
    low, high = allocate(total, demands), allocate(total + extra, demands)
    if not paused(low, demands) and not paused(high, demands):
        for c in demands:
            assert high[c] >= low[c]


@given(st.integers(0, 2**32), totals, demand_maps)
def test_r28_permuting_the_input_changes_nothing(seed: int, total: float, demands: dict[int, OutletDemand]) -> None:
    keys = sorted(demands, key=lambda c: hash((seed, c)))
    permuted = {c: demands[c] for c in keys}
    assert allocate(total, permuted) == allocate(total, demands)
    assert allocate(total, dict(reversed(demands.items()))) == allocate(total, demands)


@given(totals, demand_maps)
def test_r28_the_highest_id_that_falls_short_is_paused_first(total: float, demands: dict[int, OutletDemand]) -> None:
    shares = allocate(total, demands)
    stopped = paused(shares, demands)
    active = set(demands) - stopped
    assert not any(short(s, demands[c]) for c, s in water_fill(total, {c: demands[c] for c in active}).items())
    # Pausing one connector only raises the others, so connectors are paused in descending id order: when p was
    # paused, the connectors still competing were the active ones and the paused ones with lower ids, and p was
    # the highest id among those falling short.
    for p in stopped:
        competing = {c: demands[c] for c in active | {q for q in stopped if q <= p}}
        fill = water_fill(total, competing)
        assert short(fill[p], demands[p])
        assert not any(short(fill[c], demands[c]) for c in competing if c > p)


# --- worked examples --------------------------------------------------------------------------------------------


def test_r28_three_connectors_share_32_amps_equally_above_the_min_rate() -> None:
    shares = allocate(32.0, {1: D(32.0), 2: D(32.0, min_rate=10.0), 3: D(32.0)})
    assert shares == {1: pytest.approx(32 / 3), 2: pytest.approx(32 / 3), 3: pytest.approx(32 / 3)}
    assert sum(shares.values()) <= 32.0


def test_r28_a_connector_below_its_min_rate_is_paused_and_its_share_goes_to_the_others() -> None:
    # 24 A over three would be 8 A each, below connector 2's 10 A minimum.
    assert allocate(24.0, {1: D(32.0), 2: D(32.0, min_rate=10.0), 3: D(32.0)}) == {1: 12.0, 2: 0.0, 3: 12.0}
    # Connector 1 tapers to 6 A: the other two would get 9 A each, still too little for connector 2.
    assert allocate(24.0, {1: D(6.0), 2: D(32.0, min_rate=10.0), 3: D(32.0)}) == {1: 6.0, 2: 0.0, 3: 18.0}
    # With 32 A again there are 13 A each for connectors 2 and 3.
    assert allocate(32.0, {1: D(6.0), 2: D(32.0, min_rate=10.0), 3: D(32.0)}) == {1: 6.0, 2: 13.0, 3: 13.0}


def test_r28_of_two_connectors_falling_short_the_higher_id_is_paused() -> None:
    demands = {1: D(32.0, min_rate=10.0), 2: D(32.0, min_rate=10.0)}
    assert allocate(15.0, demands) == {1: 15.0, 2: 0.0}
    assert allocate(15.0, dict(reversed(demands.items()))) == {1: 15.0, 2: 0.0}


def test_r28_pausing_one_connector_can_save_the_others() -> None:
    # 8 A each is short for all three; pausing connector 3 gives 12 A each, enough for 1 and 2.
    demands = {c: D(32.0, min_rate=10.0) for c in (1, 2, 3)}
    assert allocate(24.0, demands) == {1: 12.0, 2: 12.0, 3: 0.0}


def test_r28_weights_share_in_proportion_until_a_connector_is_full() -> None:
    assert allocate(20.0, {1: D(32.0, weight=3.0), 2: D(32.0)}) == {1: 15.0, 2: 5.0}
    assert allocate(40.0, {1: D(16.0, weight=3.0), 2: D(32.0)}) == {1: 16.0, 2: 24.0}


def test_r28_a_limit_below_the_min_rate_is_never_worth_charging() -> None:
    assert allocate(100.0, {1: D(32.0), 2: D(5.0, min_rate=6.0)}) == {1: 32.0, 2: 0.0}


def test_r28_a_rounding_error_just_below_the_min_rate_pauses_nobody() -> None:
    shares = allocate(0.3, {c: D(1.0, min_rate=0.1) for c in (1, 2, 3)})
    assert all(s > 0.0999999 for s in shares.values())
    assert math.fsum(shares.values()) <= 0.3


def test_r28_nothing_to_share_or_nobody_to_share_with() -> None:
    assert allocate(32.0, {}) == {}
    assert allocate(0.0, {1: D(32.0), 2: D(16.0, min_rate=6.0)}) == {1: 0.0, 2: 0.0}
    assert allocate(32, {1: D(16), 2: D(16)}) == {1: 16.0, 2: 16.0}  # ints are numbers too


def test_r28_demands_read_numbers_as_the_model_reads_limits() -> None:
    """One converter for every float field (the model's `as_float`): Decimal and Fraction are numbers, -0.0 is 0.0."""
    demand = D(Decimal("16.5"), min_rate=Fraction(6), weight=2)
    assert (demand.limit, demand.min_rate, demand.weight) == (16.5, 6.0, 2.0)
    assert all(type(value) is float for value in (demand.limit, demand.min_rate, demand.weight))
    assert math.copysign(1.0, D(-0.0).limit) == 1.0
    assert demand == D(16.5, 6.0, 2.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"limit": Decimal("sNaN")}, "limit must be a finite number"),
        ({"limit": math.nan}, "limit must be a finite number"),
        ({"limit": math.inf}, "limit must be a finite number"),
        ({"limit": -1.0}, "limit must be >= 0"),
        ({"limit": "16"}, "limit must be a finite number"),
        ({"limit": True}, "limit must be a finite number"),
        ({"limit": 16.0, "min_rate": -0.5}, "min_rate must be >= 0"),
        ({"limit": 16.0, "weight": 0.0}, "weight must be > 0"),
        ({"limit": 16.0, "weight": -2.0}, "weight must be > 0"),
    ],
)
def test_r28_connector_demand_refuses_what_is_not_a_demand(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        OutletDemand(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("total", "demands", "message"),
    [
        (-1.0, {1: D(16.0)}, "total must be a finite number >= 0"),
        (math.nan, {1: D(16.0)}, "total must be a finite number >= 0"),
        (32.0, {"1": D(16.0)}, "outlet ids must be integers"),
        (32.0, {1: 16.0}, "must be an OutletDemand"),
    ],
)
def test_r28_allocate_refuses_bad_input(total: float, demands: dict[object, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        allocate(total, demands)  # type: ignore[arg-type]


# --- on a charge point ------------------------------------------------------------------------------------------


def with_min_rate(p: ChargingProfile, rate: float) -> ChargingProfile:
    return attrs.evolve(p, charging_schedules=attrs.evolve(p.charging_schedule, min_charging_rate=rate))


def charging(state: ChargePointState, *connectors: int, start: int = 0) -> ChargePointState:
    for c in connectors:
        state = start_transaction(state, c, 100 + c, at(start))
    return state


def composite_limits(state: ChargePointState, outlet_id: int) -> list[float | None]:
    """The connector's composite schedule over the first 1200 s, as its period limits."""
    return [p.limit for p in composite_schedule(state, outlet_id, T0, 1200, A).periods]


def three_connectors() -> ChargePointState:
    return ChargePointState(ChargePointConfig(outlet_count=3))


def test_r28_the_station_limit_is_shared_only_when_asked() -> None:
    state = charging(
        installed(
            None,
            (0, profile(1, purpose=ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE, periods=[(0, 32.0)])),
            (0, profile(2, periods=[(0, 32.0)])),
        ),
        1,
        2,
    )
    # The engine caps each connector at the whole station limit (R28): it never shares silently.
    assert limit_at(state, 1, at(60), A).value == 32.0
    assert limit_at(state, 2, at(60), A).value == 32.0
    assert station_allocation(state, at(60), A) == {1: 16.0, 2: 16.0}


def test_r28_the_min_charging_rate_of_the_governing_schedule_pauses_a_connector() -> None:
    state = charging(three_connectors(), 1, 2, 3)
    state = installed(
        state,
        (0, profile(1, purpose=ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE, periods=[(0, 24.0)])),
        (2, with_min_rate(profile(2, purpose=ChargingProfilePurpose.TX_PROFILE, kind="Relative", start=None), 10.0)),
    )
    # Connector 2's TxProfile allows 16 A but its EV wants at least 10 A; 8 A each is too little.
    assert station_allocation(state, at(60), A) == {1: 12.0, 2: 0.0, 3: 12.0}


def test_r28_a_min_charging_rate_in_watts_is_converted() -> None:
    state = charging(three_connectors(), 1, 2, 3)
    minimum_w = 10.0 * 230.0 * 3  # 10 A on three phases
    state = installed(
        state,
        (0, profile(1, purpose=ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE, periods=[(0, 24.0)])),
        (2, with_min_rate(profile(2, purpose="TxProfile", unit="W", periods=[(0, 22_080.0)]), minimum_w)),
    )
    assert station_allocation(state, at(60), A) == {1: 12.0, 2: 0.0, 3: 12.0}
    assert station_allocation(state, at(60), W) == {1: 8_280.0, 2: 0.0, 3: 8_280.0}


def test_r28_a_cap_in_watts_is_shared_in_either_unit() -> None:
    state = charging(
        installed(None, (0, profile(1, purpose="ChargePointMaxProfile", unit="W", periods=[(0, 22_080.0)]))), 1, 2
    )
    assert station_allocation(state, at(60), W) == {1: 11_040.0, 2: 11_040.0}
    assert station_allocation(state, at(60), A) == {1: 16.0, 2: 16.0}


def test_r28_only_connectors_with_a_started_transaction_take_a_share() -> None:
    state = installed(
        None,
        (0, profile(1, purpose=ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE, periods=[(0, 32.0)])),
        (0, profile(2, periods=[(0, 20.0)])),
    )
    assert station_allocation(state, at(60), A) == {}
    state = start_transaction(charging(state, 1), 2, 102, at(600))
    assert station_allocation(state, at(60), A) == {1: 20.0}  # its own TxDefault limit, not the 32 A cap
    assert station_allocation(state, at(600), A) == {1: 16.0, 2: 16.0}


def test_r28_without_a_cap_the_total_is_the_hardware_of_the_charging_connectors() -> None:
    # Each connector's TxDefault says 40 A, more than the 32 A hardware; together they get 2 x 32 A.
    state = charging(installed(None, (0, profile(1, periods=[(0, 40.0)]))), 1, 2)
    assert limit_at(state, 1, at(60), A).value == 40.0
    assert station_allocation(state, at(60), A) == {1: 32.0, 2: 32.0}
    # No profile at all: every connector asks for its hardware maximum and gets it.
    assert station_allocation(charging(installed(None), 1, 2), at(60), A) == {1: 32.0, 2: 32.0}


def test_r28_schedule_follows_the_cap_and_the_sessions() -> None:
    state = installed(
        three_connectors(),
        (0, profile(1, purpose="ChargePointMaxProfile", periods=[(0, 32.0), (3600, 24.0), (7200, 32.0)])),
    )
    taper = profile(11, purpose="TxProfile", kind="Relative", start=None, periods=[(0, 32.0), (5400, 6.0)])
    picky = with_min_rate(profile(12, purpose="TxProfile", kind="Relative", start=None, periods=[(0, 32.0)]), 10.0)
    state = start_transaction(state, 1, 101, at(0), taper)
    state = start_transaction(state, 2, 102, at(900), picky)
    state = start_transaction(state, 3, 103, at(1800))
    shares = station_allocation_schedule(state, T0, 3 * 3600, A)
    third = 32.0 / 3
    assert shares == {
        1: [(0, 32.0), (900, 16.0), (1800, pytest.approx(third)), (3600, 12.0), (5400, 6.0)],
        2: [(0, 0.0), (900, 16.0), (1800, pytest.approx(third)), (3600, 0.0), (7200, 13.0)],
        3: [(0, 0.0), (1800, pytest.approx(third)), (3600, 12.0), (5400, 18.0), (7200, 13.0)],
    }


def test_r28_schedule_sees_a_cap_change_hidden_below_the_tx_limits() -> None:
    state = charging(
        installed(
            None,
            (0, profile(1, purpose=ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE, periods=[(0, 40.0), (600, 20.0)])),
            (0, profile(2, periods=[(0, 16.0)])),
        ),
        1,
        2,
    )
    # Each connector's composite is 16 A throughout (min(40, 16), then min(20, 16)); the shares are not.
    assert composite_limits(state, 1) == [16.0]
    assert station_allocation_schedule(state, T0, 1200, A) == {1: [(0, 16.0), (600, 10.0)], 2: [(0, 16.0), (600, 10.0)]}


def test_r28_schedule_sees_a_hand_over_between_equal_limits_with_different_min_rates() -> None:
    state = charging(
        installed(
            None,
            (0, profile(1, purpose=ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE, periods=[(0, 20.0)])),
            (0, profile(2, periods=[(0, 16.0)])),
        ),
        1,
        2,
    )
    # Connector 2's TxProfile (16 A, at least 12 A) ends after 600 s; its TxDefault (16 A, no minimum) returns.
    state = installed(state, (2, with_min_rate(profile(3, purpose="TxProfile", duration=600), 12.0)))
    assert composite_limits(state, 2) == [16.0]
    assert station_allocation_schedule(state, T0, 1200, A) == {1: [(0, 16.0), (600, 10.0)], 2: [(0, 0.0), (600, 10.0)]}


def test_r28_schedule_of_zero_duration_is_the_allocation_at_its_start() -> None:
    state = charging(installed(None, (0, profile(1, purpose="ChargePointMaxProfile", periods=[(0, 20.0)]))), 1, 2)
    assert station_allocation_schedule(state, at(30), 0, A) == {1: [(0, 10.0)], 2: [(0, 10.0)]}
    with pytest.raises(ValueError, match="duration"):
        station_allocation_schedule(state, T0, -1, A)


# --- station_limit (R27) on its own ------------------------------------------------------------------------------

_BIGGEST = sys.float_info.max


@given(
    shares=st.lists(
        st.one_of(st.none(), st.tuples(st.floats(0, _BIGGEST), st.integers(1, 3))), min_size=1, max_size=4
    ),
    cap=st.one_of(st.none(), st.tuples(st.floats(0, _BIGGEST), st.integers(1, 3))),
    unit=st.sampled_from([ChargingRateUnit.A, ChargingRateUnit.W]),
)
def test_r27_station_limit_is_the_capped_sum_of_the_shares(
    shares: list[tuple[float, int] | None], cap: tuple[float, int] | None, unit: ChargingRateUnit
) -> None:
    """The whole charge point's limit, against R27 written out: the outlets' shares (their hardware where None)
    added up, at most the largest float; the cap's value and phases only when strictly lower; None when nothing
    limits. Sums beyond the largest float (a cap of exactly that float does not bind then) included."""
    config = ChargePointConfig(outlet_count=len(shares))
    hardware = [(1_000.0 * (i + 1), 3 - i % 3) for i in range(len(shares))]
    caps = [] if cap is None else [LimitSource(1, ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE, 0, 0, cap[0], unit,
                                               cap[1])]
    answer = station_limit(caps, shares, hardware, unit, config)
    assert station_limit([None, *caps, None], shares, hardware, unit, config) == answer  # purposes nothing governs
    plain = station_value(caps, shares, hardware, unit, config)  # the engine's: the same, as a plain tuple
    assert plain == tuple(answer) and plain.__class__ is tuple
    if cap is None and all(share is None for share in shares):
        assert answer == (None, max(phases for _, phases in hardware), False)
        return
    drawn = [h if s is None else s for s, h in zip(shares, hardware, strict=True)]  # hardware where no share
    total = min(sum((value for value, _ in drawn), 0.0), _BIGGEST)  # added up in order, as R27 does
    phases = max([1] + [own for _, own in drawn])
    if cap is not None and cap[0] < total:
        assert answer == (cap[0], cap[1], True)
    else:
        assert answer == (total, phases, False)
    assert answer.caps_bind is (cap is not None and cap[0] < total) and isinstance(answer, StationLimit)


@given(shares=st.lists(st.one_of(st.none(), st.tuples(st.floats(0, 1e6), st.integers(1, 3))), max_size=4),
       extra=st.integers(1, 3))
def test_r27_station_limit_refuses_shares_and_maxima_that_do_not_match(
    shares: list[tuple[float, int] | None], extra: int
) -> None:
    """One hardware maximum per share, or a typed error naming both counts (not a sum over the shorter)."""
    hardware = [(1_000.0, 3)] * (len(shares) + extra)
    config = ChargePointConfig(outlet_count=len(hardware))
    with pytest.raises(InvalidArgumentError, match=f"{len(shares)} shares, {len(hardware)} maxima"):
        station_limit([], shares, hardware, ChargingRateUnit.W, config)
    if shares:
        with pytest.raises(InvalidArgumentError, match=f"{len(shares)} shares, {len(shares) - 1} maxima"):
            station_limit([], shares, hardware[: len(shares) - 1], ChargingRateUnit.W, config)


# --- combine_rates (R26) over the purposes that govern -------------------------------------------------------------

_RATE = st.builds(
    LimitSource,
    st.just(1),
    st.just(ChargingProfilePurpose.TX_DEFAULT_PROFILE),
    st.just(0),
    st.just(1),
    st.floats(0, 10**6),
    st.sampled_from([ChargingRateUnit.A, ChargingRateUnit.W]),
    st.integers(1, 3),
)


@given(
    rates=st.lists(st.one_of(st.none(), _RATE), max_size=4),
    unit=st.sampled_from([ChargingRateUnit.A, ChargingRateUnit.W]),
    phases=st.one_of(st.none(), st.integers(1, 3)),
)
def test_r26_combine_rates_combines_the_purposes_that_govern(
    rates: list[LimitSource | None], unit: ChargingRateUnit, phases: int | None
) -> None:
    """combine_rates is R26 over the rates that are not None (purposes nothing governs), written out here: each
    limit in `unit` on the fewest phases among them (or the phases given), the least of them; None when no purpose
    governs. combine_sources is the same for one or more rates and refuses none."""
    present = [r for r in rates if r is not None]
    answer = combine_rates(rates, unit, 230.0, phases)
    if not present:
        assert answer is None
        with pytest.raises(InvalidArgumentError, match="one or more sources"):
            combine_sources(present, unit, 230.0, phases)
        return
    on = min(r.number_phases for r in present) if phases is None else phases
    expected = min(convert(r.limit, r.unit, unit, 230.0, on) for r in present)
    assert answer == (min(expected, _BIGGEST), on)
    assert combine_sources(present, unit, 230.0, phases) == answer


@given(
    limit=st.integers(1, 10**9).map(lambda k: k / 997),  # full mantissas, where rounding shows
    units=st.sampled_from([(ChargingRateUnit.A, ChargingRateUnit.W), (ChargingRateUnit.W, ChargingRateUnit.A)]),
    voltage=st.sampled_from([230.0, 120.0, 231.7, 400.0]),
    phases=st.integers(1, 3),
)
def test_r3_combine_rates_converts_exactly_as_convert_unchecked(
    limit: float, units: tuple[ChargingRateUnit, ChargingRateUnit], voltage: float, phases: int
) -> None:
    """combine_rates converts a rate in the other unit with convert_unchecked's own expressions (written out in
    its loop): the same float to the last bit, not merely close."""
    source, target = units
    rate = LimitSource(1, ChargingProfilePurpose.TX_DEFAULT_PROFILE, 0, 1, limit, source, phases)
    assert combine_rates([rate], target, voltage) == (convert_unchecked(limit, source, target, voltage, phases), phases)
