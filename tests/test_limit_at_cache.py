"""`limit_at` keeps each answer for the span it holds over: one computation per span, answers looked up in any
order the same as a new state computes them, and no more than a bounded number of answers kept per outlet
(docs/performance.md). Every answer checked is the governing period's limit (SPEC R22, R23).

How many answers are computed and kept is not part of the public API, so two tests look at the engine's private
parts: `Target.governing_at` of `smartcharge.engine._compiled` (one call per computed answer), the target's
`instants` (`limit_at`'s answers by datetime, a `SpanCache` of `smartcharge._cache` per unit) and `SpanCache.LIMIT`
(their bound)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from unittest import mock

import pytest
from builders import T0, at, installed, profile
from hypothesis import given, settings
from hypothesis import strategies as st

from smartcharge import ChargePointState, ChargingRateUnit, limit_at, start_transaction
from smartcharge._cache import SpanCache
from smartcharge.engine._compiled import Target, compiled_engine
from smartcharge.errors import InvalidArgumentError, NaiveDatetimeError
from smartcharge.strategies import charge_point_states


def many_spans() -> ChargePointState:
    """A charging outlet whose limit changes every half hour, every day: 48 spans a day."""
    periods = tuple((1_800 * k, 6.0 + k % 7) for k in range(48))
    daily = profile(1, kind="Recurring", recurrency="Daily", periods=periods)
    return start_transaction(installed(None, (1, daily)), 1, 1, T0)


def test_limit_at_answers_instants_in_any_order_as_a_new_state_does() -> None:
    state = installed(None, (1, profile(1, periods=((0, 6.0), (600, 8.0), (1_200, 10.0), (1_800, 12.0)))))
    state = start_transaction(state, 1, 1, T0)
    order = [1_900, 1_300, 700, 100, 1_250, 650, 50, 2_000, 1_200, 600, 1_799]
    answers = [limit_at(state, 1, at(offset), "A") for offset in order]
    assert answers == [limit_at(start_transaction(ChargePointState(state.config, state.profiles), 1, 1, T0), 1,
                                at(offset), "A") for offset in order]  # fmt: skip
    assert [a.value for a in answers] == [12.0, 10.0, 8.0, 6.0, 10.0, 8.0, 6.0, 12.0, 10.0, 8.0, 10.0]


def test_limit_at_keeps_an_answer_for_its_span_and_looks_it_up_again() -> None:
    state = start_transaction(installed(None, (1, profile(1, periods=((0, 6.0), (600, 8.0))))), 1, 1, T0)
    with mock.patch.object(Target, "governing_at", autospec=True, side_effect=Target.governing_at) as computed:
        assert [limit_at(state, 1, at(offset), "A").value for offset in (0, 1, 300, 599, 600, 601, 3_600)] == [
            6.0, 6.0, 6.0, 6.0, 8.0, 8.0, 8.0
        ]  # fmt: skip
    assert computed.call_count == 2  # one per span: [0, 600) and [600, ...)


def test_limit_at_keeps_at_most_its_bound_of_answers_and_stays_right_past_it() -> None:
    state = many_spans()
    target = compiled_engine(state).target(1)
    assert target.instants is None  # nothing kept before the first answer
    for k in range(12 * 48):  # more spans than the bound
        assert limit_at(state, 1, at(1_800 * k + 900), "A").value == 6.0 + k % 48 % 7
        answers = target.instants
        assert answers is not None
        for cache in answers.values():  # in W and in A
            starts, ends, limits = cache._table
            assert len(starts) == len(ends) == len(limits) <= SpanCache.LIMIT
    assert len(answers[ChargingRateUnit.A]._table[0]) == 12 * 48 - SpanCache.LIMIT  # emptied once, refilled
    assert limit_at(state, 1, at(900), "A").value == 6.0


# --- answers kept by datetime (`Target.limit_at`) ------------------------------------------------------------

def fresh_copy(state: ChargePointState) -> ChargePointState:
    """A new state equal to `state`, nothing computed for it yet."""
    return ChargePointState(state.config, state.profiles, state.transactions)


def variants(instant: datetime) -> list[datetime]:
    """`instant` and the same instant in other forms the public API takes: another UTC offset, a datetime
    subclass, a fraction of a second on."""

    class Stamp(datetime):
        pass

    plus_two = instant.astimezone(timezone(timedelta(hours=2)))
    stamp = Stamp(*instant.timetuple()[:6], tzinfo=timezone.utc)
    return [instant, plus_two, stamp, instant + timedelta(microseconds=999_999)]


@settings(max_examples=150, deadline=None)
@given(
    state=charge_point_states(),
    outlet=st.integers(0, 3),
    offsets=st.lists(st.integers(-2 * 86_400, 9 * 86_400), min_size=1, max_size=12),
    unit=st.sampled_from([ChargingRateUnit.W, ChargingRateUnit.A, "W", "A"]),
)
def test_limit_at_by_datetime_agrees_with_a_new_state_in_any_order_and_any_form(
    state: ChargePointState, outlet: int, offsets: list[int], unit: ChargingRateUnit | str
) -> None:
    outlet %= state.config.outlet_count + 1
    for offset in offsets:  # asked twice: computed, then found again; each form, each neighbour second
        for second in (offset, offset - 1, offset + 1, offset):
            for instant in variants(at(second)):
                expected = limit_at(fresh_copy(state), outlet, instant, unit)
                assert limit_at(state, outlet, instant, unit) == expected


def test_limit_at_finds_an_answer_by_datetime_up_to_the_last_microsecond_of_its_span() -> None:
    state = start_transaction(installed(None, (1, profile(1, periods=((0, 6.0), (600, 8.0))))), 1, 1, T0)
    with mock.patch.object(Target, "governing_at", autospec=True, side_effect=Target.governing_at) as computed:
        before = at(599) + timedelta(microseconds=999_999)
        assert [limit_at(state, 1, t, "A").value for t in (at(0), at(300), before, at(600), before)] == [
            6.0, 6.0, 6.0, 8.0, 6.0
        ]  # fmt: skip
    assert computed.call_count == 2
    instants = compiled_engine(state).target(1).instants
    assert instants is not None
    starts, ends, _ = instants[ChargingRateUnit.A]._table
    assert (starts, ends) == ((at(0), at(600)), (at(600), datetime.max.replace(tzinfo=timezone.utc)))


def test_limit_at_by_datetime_at_the_ends_of_time_is_the_answer_of_a_new_state() -> None:
    state = start_transaction(installed(None, (1, profile(1, periods=((0, 6.0), (600, 8.0))))), 1, 1, T0)
    first = datetime.min.replace(tzinfo=timezone.utc)
    last = datetime.max.replace(tzinfo=timezone.utc)
    for instant in (first, last, last - timedelta(seconds=1), first + timedelta(microseconds=1), last):
        assert limit_at(state, 1, instant) == limit_at(fresh_copy(state), 1, instant)
    assert limit_at(state, 1, last).value == 8.0 * 230 * 3
    last_second = last.replace(microsecond=0)  # a profile valid up to the last whole second a datetime holds
    until = installed(None, (1, profile(1, periods=((0, 6.0),), valid_to=last_second)))
    assert limit_at(until, 1, last_second - timedelta(seconds=1), "A").value == 6.0  # kept: [.., last second)
    assert limit_at(until, 1, last_second + timedelta(microseconds=1), "A").value is None


@pytest.mark.parametrize(
    ("outlet", "instant", "unit", "error"),
    [
        (True, T0, "A", InvalidArgumentError),  # equal to 1 as a key, refused as an outlet
        (1.0, T0, "A", InvalidArgumentError),
        (1, T0.replace(tzinfo=None), "A", NaiveDatetimeError),
        (1, T0, "kW", InvalidArgumentError),
        (1, T0.date(), "A", InvalidArgumentError),
        (1, T0.timetz(), "A", InvalidArgumentError),  # a time in UTC: no instant
        (1, T0.isoformat(), "A", InvalidArgumentError),
    ],
)
def test_limit_at_refuses_bad_arguments_on_a_state_that_answered_the_instant_before(
    outlet: object, instant: object, unit: object, error: type[Exception]
) -> None:
    state = start_transaction(installed(None, (1, profile(1))), 1, 1, T0)
    assert limit_at(state, 1, T0, "A").value == 16.0  # answered, kept by datetime
    assert limit_at(state, 1, T0, ChargingRateUnit.A).value == 16.0
    with pytest.raises(error):
        limit_at(state, outlet, instant, unit)  # type: ignore[arg-type]
