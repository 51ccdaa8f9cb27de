"""`meter_step`'s decisions are the objects `StepDecision`'s own constructor makes, and its checks refuse the
arguments they refused before, with the same errors.

`meter_step` builds the decision of an OCPP-limited step without calling attrs' `__init__` (the charging loop's
every step pays for it); these tests hold it to the constructor: equality, hash, repr, the fields' dict (its order
and size), `attrs.evolve`, pickling and frozenness.
"""

from __future__ import annotations

import math
import pickle
import sys
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from builders import T0, at, installed, profile
from hypothesis import given, settings
from hypothesis import strategies as st

from smartcharge import (
    ChargePointConfig,
    ChargePointState,
    InvalidArgumentError,
    NaiveDatetimeError,
    start_transaction,
)
from smartcharge.charging.local_policy import LocalPolicy
from smartcharge.charging.step import Source, StepDecision, meter_step
from smartcharge.strategies import charge_point_states


def seven_kw_state() -> ChargePointState:
    txdefault = profile(1, unit="W", periods=[(0, 7000.0), (1800, 11000.0)], start=T0)
    return start_transaction(installed(None, (1, txdefault)), 1, 42, T0)


def constructed(decision: StepDecision) -> StepDecision:
    """The decision `StepDecision`'s constructor makes from `decision`'s fields."""
    return StepDecision(
        decision.energy_wh,
        decision.source,
        decision.action,
        decision.requested_wh,
        decision.limit_w,
        decision.share_w,
        decision.policy_reason,
        decision.limit,
    )


def assert_same_as_constructed(decision: StepDecision) -> None:
    expected = constructed(decision)
    assert decision.__class__ is StepDecision
    assert decision == expected
    assert (decision != expected) is False
    assert hash(decision) == hash(expected)
    assert repr(decision) == repr(expected)
    assert list(vars(decision).items()) == list(vars(expected).items())  # the same fields, in the same order
    assert sys.getsizeof(vars(decision)) == sys.getsizeof(vars(expected))  # no more memory per decision
    assert decision.limit is expected.limit
    assert (decision.reason, decision.log, decision.bound) == (expected.reason, expected.log, expected.bound)
    assert attrs.evolve(decision) == expected
    assert attrs.evolve(decision, energy_wh=1.5) == attrs.evolve(expected, energy_wh=1.5)
    assert attrs.asdict(decision, recurse=False) == attrs.asdict(expected, recurse=False)
    again = pickle.loads(pickle.dumps(decision))
    assert again == expected and repr(again) == repr(expected) and hash(again) == hash(expected)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        decision.energy_wh = 0.0  # type: ignore[misc]


@pytest.mark.parametrize("share_w", [None, 3_000.0, 20_000.0, 0.0])
@pytest.mark.parametrize("base_step_wh", [0.0, 50.0, 250.0, 1_000])
def test_an_ocpp_step_decision_is_the_one_the_constructor_makes(share_w: float | None, base_step_wh: float) -> None:
    state = seven_kw_state()
    for seconds in (0, 1_770, 1_790, 1_800, 5_000):  # before, across and after the change to 11 kW at 1800 s
        for _ in range(2):  # the span computed, then found kept
            decision = meter_step(state, 1, at(seconds), 60, base_step_wh, share_w=share_w)
            assert decision.source is Source.OCPP
            assert_same_as_constructed(decision)


def test_decisions_without_an_ocpp_limit_are_the_ones_the_constructor_makes() -> None:
    state = ChargePointState(ChargePointConfig())
    assert_same_as_constructed(meter_step(state, 1, at(0), 60, 250.0))
    assert_same_as_constructed(meter_step(state, 1, at(0), 60, 250.0, policy=LocalPolicy(energy_cap_kwh=0.1)))


def test_a_decision_holds_no_more_memory_than_a_constructed_one() -> None:
    state = seven_kw_state()
    decision = meter_step(state, 1, at(0), 60, 250.0)
    expected = constructed(decision)
    assert sys.getsizeof(decision) == sys.getsizeof(expected)
    assert sys.getsizeof(decision.__dict__) == sys.getsizeof(expected.__dict__)


@settings(max_examples=60, deadline=None)
@given(
    state=charge_point_states(),
    outlet=st.integers(0, 3),  # 0: the whole charge point
    offsets=st.lists(st.integers(-86_400, 3 * 86_400), min_size=1, max_size=6),
    interval=st.sampled_from([1, 60, 900]),
    share_w=st.none() | st.floats(0, 50_000),
)
def test_every_decision_is_the_one_the_constructor_makes(
    state: ChargePointState, outlet: int, offsets: list[int], interval: int, share_w: float | None
) -> None:
    outlet = min(outlet, state.config.outlet_count)
    for offset in offsets:
        for _ in range(2):
            decision = meter_step(state, outlet, at(offset), interval, 400.0, share_w=share_w)
            assert_same_as_constructed(decision)
            # an OCPP limit is a float (the step divides it by 3600.0, as by 3600) or there is none
            assert decision.limit_w is None or decision.limit_w.__class__ is float


NAIVE = datetime(2026, 1, 8, 10, 0)
NAIVE_MESSAGE = (
    "at 2026-01-08T10:00:00 has no UTC offset; pass an aware datetime (e.g. datetime(..., tzinfo=timezone.utc))"
)

#: Bad arguments and the error each gets (the same with and without an OCPP limit, asked once and again).
REFUSED: list[tuple[dict[str, Any], type[Exception], str]] = [
    ({"base_step_wh": "250"}, InvalidArgumentError, "base_step_wh must be a finite number >= 0, not '250'"),
    ({"base_step_wh": None}, InvalidArgumentError, "base_step_wh must be a finite number >= 0, not None"),
    ({"base_step_wh": -1.0}, InvalidArgumentError, "base_step_wh must be a finite number >= 0, not -1.0"),
    ({"base_step_wh": -1}, InvalidArgumentError, "base_step_wh must be a finite number >= 0, not -1"),
    ({"base_step_wh": math.nan}, InvalidArgumentError, "base_step_wh must be a finite number >= 0, not nan"),
    ({"base_step_wh": math.inf}, InvalidArgumentError, "base_step_wh must be a finite number >= 0, not inf"),
    ({"energy_delivered_wh": "0"}, InvalidArgumentError, "energy_delivered_wh must be a finite number >= 0, not '0'"),
    ({"energy_delivered_wh": -0.5}, InvalidArgumentError, "energy_delivered_wh must be a finite number >= 0, not -0.5"),
    (
        {"energy_delivered_wh": math.nan},
        InvalidArgumentError,
        "energy_delivered_wh must be a finite number >= 0, not nan",
    ),
    (
        {"energy_delivered_wh": -1.0, "base_step_wh": "x"},
        InvalidArgumentError,
        "energy_delivered_wh must be a finite number >= 0, not -1.0",
    ),
    ({"interval_s": 0}, InvalidArgumentError, "interval_s must be a positive number of seconds, not 0"),
    ({"interval_s": -60}, InvalidArgumentError, "interval_s must be a positive number of seconds, not -60"),
    ({"interval_s": True}, InvalidArgumentError, "interval_s must be a whole number of seconds, not True"),
    ({"interval_s": 60.0}, InvalidArgumentError, "interval_s must be a whole number of seconds, not 60.0"),
    ({"interval_s": "60"}, InvalidArgumentError, "interval_s must be a whole number of seconds, not '60'"),
    ({"interval_s": None}, InvalidArgumentError, "interval_s must be a whole number of seconds, not None"),
    ({"interval_s": math.nan}, InvalidArgumentError, "interval_s must be a whole number of seconds, not nan"),
    (
        {"interval_s": 0, "base_step_wh": -1.0},
        InvalidArgumentError,
        "base_step_wh must be a finite number >= 0, not -1.0",
    ),
    ({"at": NAIVE}, NaiveDatetimeError, NAIVE_MESSAGE),
    ({"at": "2026-01-08T10:00:00Z"}, InvalidArgumentError, "at must be a datetime, not str"),
    ({"at": None}, InvalidArgumentError, "at must be a datetime, not NoneType"),
    ({"at": None, "interval_s": 0}, InvalidArgumentError, "interval_s must be a positive number of seconds, not 0"),
    ({"outlet_id": "1"}, InvalidArgumentError, "outlet_id '1' is not 0..{last}"),
    ({"outlet_id": 99}, InvalidArgumentError, "outlet_id 99 is not 0..{last}"),
    ({"outlet_id": -1}, InvalidArgumentError, "outlet_id -1 is not 0..{last}"),
    ({"outlet_id": 1.0}, InvalidArgumentError, "outlet_id 1.0 is not 0..{last}"),
    ({"outlet_id": True}, InvalidArgumentError, "outlet_id True is not 0..{last}"),
]


@pytest.mark.parametrize(("bad", "error", "message"), REFUSED)
@pytest.mark.parametrize("limited", [True, False])
def test_meter_step_refuses_bad_arguments_with_the_same_errors(
    bad: dict[str, Any], error: type[Exception], message: str, limited: bool
) -> None:
    state = seven_kw_state() if limited else ChargePointState(ChargePointConfig())
    arguments = {"outlet_id": 1, "at": at(0), "interval_s": 90, "base_step_wh": 250.0} | bad
    meter_step(state, 1, at(0), 90, 250.0)  # the span kept: refused on the fast path too
    for _ in range(2):
        with pytest.raises(error) as info:
            meter_step(state, **arguments)
        assert info.type is error
        assert str(info.value) == message.format(last=state.config.outlet_count)


def test_a_share_that_is_no_number_is_refused_only_under_an_ocpp_limit() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        meter_step(seven_kw_state(), 1, at(0), 90, 250.0, share_w="7000")  # type: ignore[arg-type]
    assert str(info.value) == "share_w must be a number or None, not '7000'"
    free = meter_step(ChargePointState(ChargePointConfig()), 1, at(0), 90, 250.0, share_w="7000")  # type: ignore[arg-type]
    assert free.energy_wh == 250.0


@pytest.mark.parametrize("share", [-1.0, -1, math.nan, -math.inf])
def test_a_negative_share_is_refused_under_an_ocpp_limit(share: float) -> None:
    """A balancer's share is never below 0: taken, it made the step's energy negative (or NaN)."""
    state = seven_kw_state()
    for _ in range(2):  # asked of a new state, then on the kept span
        with pytest.raises(InvalidArgumentError) as info:
            meter_step(state, 1, at(0), 90, 250.0, share_w=share)
        assert str(info.value) == f"share_w must be a number >= 0 or None, not {share!r}"
    assert meter_step(state, 1, at(0), 90, 250.0, share_w=0.0).energy_wh == 0.0
    assert meter_step(state, 1, at(0), 90, 250.0, share_w=math.inf).energy_wh == 175.0


@pytest.mark.parametrize(
    "instant", [at(0), at(0) + timedelta(microseconds=1), at(0).astimezone(timezone(timedelta(hours=2)))]
)
def test_accepted_arguments_stay_accepted(instant: datetime) -> None:
    state = seven_kw_state()
    for _ in range(2):
        assert meter_step(state, 1, instant, 90, 10**400).energy_wh == 175.0  # an int beyond float: a number
        assert meter_step(state, 1, instant, 90, 250, 0).energy_wh == 175.0
        assert meter_step(state, 1, instant, 90, 0.0).energy_wh == 0.0
