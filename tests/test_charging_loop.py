"""Rule tests and properties for the charging loop: OCPP precedence, W->Wh steps, the local policy
(SPEC R33, R34, R35)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import pytest
from builders import T0, at, installed, profile
from hypothesis import given, settings
from hypothesis import strategies as st

from smartcharge import (
    ChargePointConfig,
    ChargePointState,
    InvalidArgumentError,
    NaiveDatetimeError,
    composite_schedule,
    start_transaction,
)
from smartcharge.charging.energy import energy_step, max_energy_wh
from smartcharge.charging.local_policy import (
    Action,
    ChargingEnvironment,
    LocalPolicy,
    SessionProgress,
    evaluate_meter_value_decision,
    is_peak_hour,
)
from smartcharge.charging.step import Source, meter_step
from smartcharge.strategies import charge_point_states

NAIVE = datetime(2026, 1, 8, 10, 0)
STOPPING_POLICY = LocalPolicy(energy_cap_kwh=0.001, max_price=0.0, peak_hours=((0, 24),))


def seven_kw_state() -> ChargePointState:
    txdefault = profile(1, unit="W", periods=[(0, 7000.0), (1800, 11000.0)], start=T0)
    return start_transaction(installed(None, (1, txdefault)), 1, 42, T0)


def test_r34_step_is_the_smaller_of_base_and_the_limit_allowance():
    limited = energy_step(250, 7000, 90)
    assert (limited.step_wh, limited.max_step_wh, limited.limited) == (175.0, 175.0, True)
    free = energy_step(100, 7000, 90)
    assert (free.step_wh, free.limited) == (100, False)


def test_r34_max_energy_integrates_a_limit_change_inside_the_interval():
    state = seven_kw_state()
    # 60 s at 7000 W then 60 s at 11000 W: (7000 * 60 + 11000 * 60) / 3600 = 300 Wh.
    assert max_energy_wh(state, 1, at(1740), 120) == pytest.approx(300.0)


def test_r34_amp_limits_reach_watts_through_r26():
    state = start_transaction(installed(None, (1, profile(1, periods=[(0, 10.0, 1)], start=T0))), 1, 1, T0)
    assert max_energy_wh(state, 1, at(0), 3600) == pytest.approx(10 * 230 * 1)


def test_r33_ocpp_limit_takes_precedence_and_the_policy_is_not_consulted():
    decision = meter_step(seven_kw_state(), 1, at(0), 90, 250, policy=STOPPING_POLICY)
    assert decision.source is Source.OCPP
    assert decision.action is Action.CONTINUE
    assert decision.energy_wh == pytest.approx(175.0)
    assert decision.log == ("OCPP profile limiting charge to 7000W (step reduced from 250 to 175 Wh)",)


def test_r33_without_ocpp_limit_the_legacy_policy_decides():
    state = ChargePointState(ChargePointConfig())
    decision = meter_step(state, 1, at(0), 90, 250, energy_delivered_wh=30_000, policy=LocalPolicy(energy_cap_kwh=30))
    assert decision.source is Source.LOCAL_POLICY
    assert decision.action is Action.STOP
    assert decision.log == ("Legacy policy: Energy cap reached (30.0/30.0 kWh) — stopping",)


def test_r33_without_ocpp_limit_or_policy_the_full_step_is_delivered():
    decision = meter_step(ChargePointState(ChargePointConfig()), 1, at(0), 90, 250)
    assert (decision.source, decision.action, decision.energy_wh) == (Source.LOCAL_POLICY, Action.CONTINUE, 250)


def test_r35_energy_cap_clips_the_last_step():
    decision = evaluate_meter_value_decision(
        SessionProgress(29_900, 250), LocalPolicy(energy_cap_kwh=30), ChargingEnvironment(hour=12)
    )
    assert (decision.action, decision.energy_wh) == (Action.STOP, pytest.approx(100.0))


def test_r35_price_above_maximum_stops_or_skips():
    env = ChargingEnvironment(hour=12, price=0.40)
    stop = evaluate_meter_value_decision(SessionProgress(0, 250), LocalPolicy(max_price=0.30), env)
    assert (stop.action, stop.energy_wh) == (Action.STOP, 0.0)
    skip = evaluate_meter_value_decision(
        SessionProgress(0, 250), LocalPolicy(max_price=0.30, skip_when_expensive=True), env
    )
    assert (skip.action, skip.energy_wh) == (Action.CONTINUE, 0.0)
    cheap = evaluate_meter_value_decision(SessionProgress(0, 250), LocalPolicy(max_price=0.50), env)
    assert (cheap.action, cheap.energy_wh) == (Action.CONTINUE, 250)


def test_r35_peak_hours_stop_or_halve_with_a_10_wh_floor():
    peak = LocalPolicy(peak_hours=((17, 20),))
    assert evaluate_meter_value_decision(SessionProgress(0, 250), peak, ChargingEnvironment(18)).action is Action.STOP
    allowed = LocalPolicy(peak_hours=((17, 20),), allow_peak=True)
    assert evaluate_meter_value_decision(SessionProgress(0, 250), allowed, ChargingEnvironment(18)).energy_wh == 125
    assert evaluate_meter_value_decision(SessionProgress(0, 12), allowed, ChargingEnvironment(hour=18)).energy_wh == 10
    assert evaluate_meter_value_decision(SessionProgress(0, 8), allowed, ChargingEnvironment(hour=18)).energy_wh == 8
    assert evaluate_meter_value_decision(SessionProgress(0, 250), peak, ChargingEnvironment(hour=20)).energy_wh == 250


def test_r35_peak_ranges_wrap_midnight():
    night = ((22, 6),)
    assert [h for h in range(24) if is_peak_hour(h, night)] == [0, 1, 2, 3, 4, 5, 22, 23]
    assert not any(is_peak_hour(h, ((5, 5),)) for h in range(24))


@given(
    start=st.integers(0, 23),
    end=st.integers(0, 24),
    hour=st.integers(0, 23),
)
def test_r35_peak_hour_matches_walking_the_clock(start, end, hour):
    # Walk the clock from `start` until it shows `end` (24 is the end of the day, i.e. 0 of the next).
    length = 24 - start if end == 24 else (end - start) % 24
    walked = {(start + k) % 24 for k in range(length)}
    assert is_peak_hour(hour, ((start, end),)) == (hour in walked)


steps = st.floats(0, 1000, allow_nan=False)
limits_w = st.floats(0, 50_000, allow_nan=False)


@given(base=steps, limit=limits_w, interval=st.integers(1, 3600))
def test_r34_step_never_exceeds_base_or_allowance(base, limit, interval):
    result = energy_step(base, limit, interval)
    assert result.step_wh <= base
    assert result.step_wh <= limit * interval / 3600
    assert result.limited == (result.max_step_wh < base)


@given(offset=st.integers(-3600, 7200), interval=st.integers(1, 3600))
def test_r34_max_energy_equals_the_integral_of_the_composite(offset, interval):
    state = seven_kw_state()
    schedule = composite_schedule(state, 1, at(offset), interval, "W")
    by_second = sum(
        (schedule.hardware_limit if p.limit is None else p.limit)
        for t in range(interval)
        for p in [max((q for q in schedule.periods if q.start_period <= t), key=lambda q: q.start_period)]
    )
    assert max_energy_wh(state, 1, at(offset), interval) == pytest.approx(by_second / 3600)
    assert max_energy_wh(state, 1, at(offset), interval) <= schedule.hardware_limit * interval / 3600 + 1e-9


policies = st.builds(
    LocalPolicy,
    energy_cap_kwh=st.one_of(st.none(), st.floats(0, 100, allow_nan=False)),
    max_price=st.one_of(st.none(), st.floats(0, 1, allow_nan=False)),
    peak_hours=st.lists(st.tuples(st.integers(0, 23), st.integers(0, 24)), max_size=2),
    allow_peak=st.booleans(),
    skip_when_expensive=st.booleans(),
)


@given(policy=policies, base=steps, delivered=st.floats(0, 100_000, allow_nan=False), hour=st.integers(0, 23))
def test_r33_ocpp_limit_means_the_policy_never_stops_the_loop(policy, base, delivered, hour):
    decision = meter_step(
        seven_kw_state(), 1, at(0), 90, base, delivered, policy, ChargingEnvironment(hour=hour, price=0.9)
    )
    assert decision.source is Source.OCPP and decision.action is Action.CONTINUE
    assert decision.energy_wh <= min(base, 175.0) + 1e-9


@given(policy=policies, base=steps, delivered=st.floats(0, 100_000, allow_nan=False), hour=st.integers(0, 23))
def test_r33_without_profiles_the_decision_is_the_legacy_decision(policy, base, delivered, hour):
    env = ChargingEnvironment(hour=hour, price=0.5)
    decision = meter_step(ChargePointState(ChargePointConfig()), 1, at(0), 90, base, delivered, policy, env)
    legacy = evaluate_meter_value_decision(SessionProgress(delivered, base), policy, env)
    assert (decision.energy_wh, decision.action, decision.reason) == (legacy.energy_wh, legacy.action, legacy.reason)


@settings(max_examples=50)
@given(
    cap=st.floats(0.1, 5, allow_nan=False),
    bases=st.lists(st.floats(0, 500, allow_nan=False), min_size=1, max_size=200),
    policy_peak=st.booleans(),
)
def test_r35_cap_is_never_exceeded_over_a_session(cap, bases, policy_peak):
    policy = LocalPolicy(energy_cap_kwh=cap, peak_hours=((0, 24),) if policy_peak else (), allow_peak=True)
    state, delivered = ChargePointState(ChargePointConfig()), 0.0
    for n, base in enumerate(bases):
        decision = meter_step(state, 1, at(90 * n), 90, base, delivered, policy)
        delivered += decision.energy_wh
        assert delivered <= cap * 1000 + 1e-6
        if decision.action is Action.STOP:
            break
    assert math.isfinite(delivered)


# --- energy_step and max_energy_wh: their arguments and the edge of the allowance (R34) -------------------------


@pytest.mark.parametrize("interval", [0, -1, math.inf, math.nan])
def test_r34_interval_must_be_positive_and_finite(interval: float) -> None:
    with pytest.raises(ValueError, match=r"^interval_s must be a positive number of seconds, not "):
        energy_step(100.0, 1_000.0, interval)


@pytest.mark.parametrize("base", [-1.0, math.inf, math.nan])
def test_r34_base_step_must_be_finite_and_not_negative(base: float) -> None:
    with pytest.raises(ValueError, match=r"^base_step_wh must be a finite number >= 0, not "):
        energy_step(base, 1_000.0, 60)


@pytest.mark.parametrize("limit", [-1.0, math.inf, math.nan])
def test_r34_limit_must_be_finite_and_not_negative(limit: float) -> None:
    with pytest.raises(ValueError, match=r"^limit_w must be a finite number >= 0, not "):
        energy_step(100.0, limit, 60)


def test_r34_zero_base_and_zero_limit_are_allowed() -> None:
    assert energy_step(0.0, 0.0, 60).step_wh == 0.0
    step = energy_step(100.0, 0.0, 60)
    assert (step.step_wh, step.max_step_wh, step.limited) == (0.0, 0.0, True)


def test_r34_a_step_exactly_at_the_allowance_is_not_limited() -> None:
    step = energy_step(100.0, 6_000.0, 60)  # 6 kW for a minute: exactly 100 Wh
    assert (step.step_wh, step.max_step_wh, step.limited) == (100.0, 100.0, False)


@pytest.mark.parametrize("interval", [60.0, True, "60"])
def test_r34_max_energy_wants_whole_seconds(interval: object) -> None:
    state = installed(None, (0, profile(1)))
    with pytest.raises(ValueError, match=r"^interval_s must be a whole number of seconds, not "):
        max_energy_wh(state, 1, T0, interval)  # type: ignore[arg-type]


def test_r5_a_naive_start_of_max_energy_wh_is_named() -> None:
    state = installed(None, (0, profile(1)))
    with pytest.raises(NaiveDatetimeError, match=r"^start 2026-01-08T10:00:00 has no UTC offset"):
        max_energy_wh(state, 1, NAIVE, 60)


# --- the legacy policy: its arguments, its boundaries and the words of its reasons (R35) ------------------------


def decide(delivered: float, base: float, policy: LocalPolicy, hour: int = 12, price: float | None = None) -> object:
    decision = evaluate_meter_value_decision(SessionProgress(delivered, base), policy, ChargingEnvironment(hour, price))
    return decision.action, decision.energy_wh, decision.reason


@pytest.mark.parametrize("hours", [(23, 24), (22, 0), (0, 24), (5, 5)])
def test_r35_peak_ranges_at_the_bounds_are_accepted(hours: tuple[int, int]) -> None:
    assert LocalPolicy(peak_hours=[hours]).peak_hours == (hours,)


def test_r35_the_range_23_24_holds_hour_23_only() -> None:
    assert is_peak_hour(23, [(23, 24)])
    assert not is_peak_hour(22, [(23, 24)])
    assert is_peak_hour(23, [(22, 0)]) and not is_peak_hour(0, [(22, 0)])


@pytest.mark.parametrize("hours", [(0, 25), (24, 1), (-1, 5), (1, -1), (24, 30)])
def test_r35_peak_ranges_out_of_bounds_are_refused(hours: tuple[int, int]) -> None:
    start, end = hours
    message = rf"^peak hour range \({start}, {end}\) must have start 0\.\.23 and end 0\.\.24$"
    with pytest.raises(ValueError, match=message):
        LocalPolicy(peak_hours=[hours])


@pytest.mark.parametrize("field", ["energy_cap_kwh", "max_price"])
@pytest.mark.parametrize("value", [-0.5, math.inf, math.nan])
def test_r35_cap_and_price_must_be_finite_and_not_negative(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=rf"^{field} must be a finite number >= 0 or None, not "):
        LocalPolicy(**{field: value})  # type: ignore[arg-type]


@pytest.mark.parametrize("field", ["energy_delivered_wh", "base_step_wh"])
@pytest.mark.parametrize("value", [-1.0, math.inf, math.nan])
def test_r35_session_progress_must_be_finite_and_not_negative(field: str, value: float) -> None:
    values = {"energy_delivered_wh": 0.0, "base_step_wh": 0.0, field: value}
    with pytest.raises(ValueError, match=rf"^{field} must be a finite number >= 0, not "):
        SessionProgress(**values)


@pytest.mark.parametrize("hour", [-1, 24])
def test_r35_hour_is_0_to_23(hour: int) -> None:
    with pytest.raises(ValueError, match=rf"^hour must be 0\.\.23, not {hour}$"):
        ChargingEnvironment(hour)
    assert ChargingEnvironment(23).hour == 23


def test_r35_cap_reached_exactly_stops_before_the_price_is_looked_at() -> None:
    policy = LocalPolicy(energy_cap_kwh=1.0, max_price=0.3)
    assert decide(1_000.0, 100.0, policy, price=0.5) == (Action.STOP, 0.0, "Energy cap reached (1.0/1.0 kWh)")


def test_r35_cap_passed_stops_with_nothing_delivered_and_says_how_much() -> None:
    assert decide(1_500.0, 100.0, LocalPolicy(energy_cap_kwh=1.0)) == (
        Action.STOP,
        0.0,
        "Energy cap reached (1.5/1.0 kWh)",
    )


def test_r35_the_last_step_is_clipped_to_the_cap() -> None:
    assert decide(950.0, 100.0, LocalPolicy(energy_cap_kwh=1.0)) == (
        Action.STOP,
        50.0,
        "Energy cap reached (1.0/1.0 kWh)",
    )


def test_r35_cap_reason_shows_delivered_kwh() -> None:
    assert decide(1_550.0, 100.0, LocalPolicy(energy_cap_kwh=1.0))[2] == "Energy cap reached (1.6/1.0 kWh)"
    assert decide(2_049.0, 100.0, LocalPolicy(energy_cap_kwh=2.0))[2] == "Energy cap reached (2.0/2.0 kWh)"


def test_r35_a_price_equal_to_the_maximum_is_not_above_it() -> None:
    assert decide(0.0, 100.0, LocalPolicy(max_price=0.3), price=0.3) == (
        Action.CONTINUE,
        100.0,
        "Within policy: full step of 100 Wh",
    )


def test_r35_a_price_above_the_maximum_stops_or_skips_the_step_naming_price_and_maximum() -> None:
    assert decide(0.0, 100.0, LocalPolicy(max_price=0.3), price=0.5) == (
        Action.STOP,
        0.0,
        "Price 0.5 above maximum 0.3",
    )
    assert decide(0.0, 100.0, LocalPolicy(max_price=0.3, skip_when_expensive=True), price=0.5) == (
        Action.CONTINUE,
        0.0,
        "Price 0.5 above maximum 0.3 — skipping this step",
    )


def test_r35_a_peak_hour_stops_or_halves_the_step_to_at_least_10_wh_naming_the_hour() -> None:
    stop = LocalPolicy(peak_hours=[(17, 20)])
    assert decide(0.0, 100.0, stop, hour=18) == (Action.STOP, 0.0, "Peak hour 18:00 and peak charging not allowed")
    halve = LocalPolicy(peak_hours=[(17, 20)], allow_peak=True)
    assert decide(0.0, 100.0, halve, hour=18) == (Action.CONTINUE, 50.0, "Peak hour 18:00: step halved to 50 Wh")
    assert decide(0.0, 12.0, halve, hour=18) == (Action.CONTINUE, 10.0, "Peak hour 18:00: step halved to 10 Wh")
    assert decide(0.0, 6.0, halve, hour=18) == (Action.CONTINUE, 6.0, "Peak hour 18:00: step halved to 6 Wh")


# --- the decision's fields and its text, written when read -------------------------------------------------------


@given(base=st.floats(0, 1_000, allow_nan=False), interval=st.integers(1, 900), share=st.none() | st.floats(0, 20_000))
def test_an_ocpp_decision_keeps_the_numbers_its_reason_is_written_from(base, interval, share):
    decision = meter_step(seven_kw_state(), 1, at(0), interval, base, share_w=share)
    allowed = min(7000 * interval / 3600, math.inf if share is None else share * interval / 3600)
    assert (decision.requested_wh, decision.limit_w, decision.share_w) == (base, 7000.0, share)
    assert decision.energy_wh == pytest.approx(min(base, allowed))
    assert decision.policy_reason is None
    limit = "7000W" + ("" if share is None else f", balancer share {share:.0f}W")
    if decision.energy_wh < base:
        step = f"{base:.0f} to {decision.energy_wh:.0f} Wh"
        expected = f"OCPP profile limiting charge to {limit} (step reduced from {step})"
    else:
        expected = f"OCPP profile allows {limit} (full step of {decision.energy_wh:.0f} Wh)"
    assert decision.reason == expected
    assert decision.log == (expected,)


def test_a_legacy_decision_without_policy_says_so():
    decision = meter_step(ChargePointState(ChargePointConfig()), 1, at(0), 90, 250.4)
    assert decision.reason == "No OCPP limit and no local policy: full step of 250 Wh"
    assert decision.log == (decision.reason,)
    assert decision.requested_wh == 250.4
    assert (decision.limit_w, decision.share_w, decision.policy_reason) == (None, None, None)


def test_a_legacy_policy_decision_keeps_the_policys_reason_and_marks_a_stop_in_the_log():
    state = ChargePointState(ChargePointConfig())
    going = meter_step(state, 1, at(0), 90, 250, policy=LocalPolicy(), env=ChargingEnvironment(hour=3))
    assert going.policy_reason == going.reason == "Within policy: full step of 250 Wh"
    assert going.log == ("Legacy policy: Within policy: full step of 250 Wh",)
    stopping = meter_step(state, 1, at(0), 90, 250, policy=STOPPING_POLICY, env=ChargingEnvironment(hour=3))
    assert stopping.action is Action.STOP
    assert stopping.log == (f"Legacy policy: {stopping.reason} — stopping",)


def test_equal_steps_give_equal_decisions():
    first, second = (meter_step(seven_kw_state(), 1, at(0), 90, 250) for _ in range(2))
    assert first == second and hash(first) == hash(second)
    assert first != meter_step(seven_kw_state(), 1, at(0), 90, 100)


bad_amounts = st.sampled_from([-1.0, -1e-9, math.nan, math.inf, -math.inf])


@given(bad=bad_amounts, which=st.sampled_from(["energy_delivered_wh", "base_step_wh"]), limited=st.booleans())
def test_meter_step_refuses_an_amount_that_is_not_finite_and_non_negative(bad, which, limited):
    state = seven_kw_state() if limited else ChargePointState(ChargePointConfig())
    amounts = {"energy_delivered_wh": 0.0, "base_step_wh": 100.0, which: bad}
    with pytest.raises(ValueError, match=rf"^{which} must be a finite number >= 0, not "):
        meter_step(state, 1, at(0), 90, amounts["base_step_wh"], amounts["energy_delivered_wh"])


@pytest.mark.parametrize("interval", [0, -60, True, 60.0, 1.5, math.nan])
@pytest.mark.parametrize("limited", [True, False])
def test_meter_step_refuses_an_interval_that_is_not_a_positive_whole_number(interval, limited):
    state = seven_kw_state() if limited else ChargePointState(ChargePointConfig())
    with pytest.raises(ValueError, match=r"^interval_s must be a (whole|positive) number of seconds, not "):
        meter_step(state, 1, at(0), interval, 100.0)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: LocalPolicy(peak_hours=[(17,)]), "peak_hours must be (start, end) pairs of hours, not [(17,)]"),
        (lambda: LocalPolicy(energy_cap_kwh="30"), "energy_cap_kwh must be a finite number >= 0 or None, not '30'"),
        (lambda: SessionProgress("0", 250), "energy_delivered_wh must be a finite number >= 0, not '0'"),
        (lambda: ChargingEnvironment("noon"), "hour must be 0..23, not 'noon'"),
        (lambda: ChargingEnvironment(12, "cheap"), "price must be a number or None, not 'cheap'"),
        (
            lambda: is_peak_hour("noon", [(17, 20)]),
            "is_peak_hour needs an hour and (start, end) pairs of hours, not 'noon' and [(17, 20)]",
        ),
    ],
)
def test_r35_the_local_policy_refuses_values_that_are_no_numbers_naming_them(build, message: str) -> None:
    """R35: the policy's inputs are numbers; anything else is an `InvalidArgumentError` saying which and why."""
    with pytest.raises(InvalidArgumentError) as info:
        build()
    assert str(info.value) == message


@pytest.mark.parametrize("interval_s", [0, -90])
def test_r34_a_meter_interval_of_no_seconds_is_refused_naming_it(interval_s: int) -> None:
    """R34: a step's interval is a positive whole number of seconds; the message shows the value given."""
    state = start_transaction(ChargePointState(ChargePointConfig(outlet_count=1)), 1, 1, T0)
    with pytest.raises(InvalidArgumentError) as info:
        meter_step(state, 1, T0, interval_s, 250.0)
    assert str(info.value) == f"interval_s must be a positive number of seconds, not {interval_s}"


@settings(max_examples=100, deadline=None)
@given(
    state=charge_point_states(),
    outlet=st.integers(1, 3),
    offsets=st.lists(st.integers(-86_400, 3 * 86_400), min_size=1, max_size=10),
    interval=st.sampled_from([1, 60, 900, 3_600]),
    micro=st.integers(0, 999_999),
)
def test_r34_a_step_on_a_state_that_kept_its_span_is_the_step_of_a_new_state(
    state: ChargePointState, outlet: int, offsets: list[int], interval: int, micro: int
) -> None:
    """meter_step finds a span answered before without converting again (the charging loop's fast path): each
    step, asked again, in another time zone or with a fraction of a second, is the step a new state takes."""
    outlet = min(outlet, state.config.outlet_count)
    plus_two = timezone(timedelta(hours=2))
    for offset in offsets:
        for instant in (at(offset), at(offset) + timedelta(microseconds=micro), at(offset).astimezone(plus_two)):
            new = ChargePointState(state.config, state.profiles, state.transactions)
            expected = meter_step(new, outlet, instant, interval, 5_000.0)
            assert meter_step(state, outlet, instant, interval, 5_000.0) == expected
            assert meter_step(state, outlet, instant, interval, 5_000.0) == expected  # found again


def test_r34_steps_around_a_limit_change_are_the_same_from_a_kept_span() -> None:
    """Around the change from 7 kW to 11 kW at T0 + 1800 s: every step, from a state that kept the spans (asked
    before) as from a new one, at whole seconds and fractions, integrates the change when it falls inside."""
    state = seven_kw_state()
    instants = [at(s) + timedelta(microseconds=u) for s in range(1_780, 1_805) for u in (0, 999_999)]
    for interval in (1, 5, 60):
        for instant in instants * 2:  # computed, then found again
            new = ChargePointState(state.config, state.profiles, state.transactions)
            assert meter_step(state, 1, instant, interval, 50.0) == meter_step(new, 1, instant, interval, 50.0)
    crossing = meter_step(state, 1, at(1_790), 60, 500.0)  # 10 s at 7 kW, 50 s at 11 kW
    assert crossing.energy_wh == pytest.approx((7_000 * 10 + 11_000 * 50) / 3_600)
