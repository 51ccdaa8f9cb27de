"""`limit_at` keeps each answer for the span it holds over: one computation per span, answers looked up in any
order the same as a new state computes them, and no more than a bounded number of answers kept per outlet
(docs/performance.md). Every answer checked is the governing period's limit (SPEC R22, R23).

How many answers are computed and kept is not part of the public API, so two tests look at the engine's private
parts: `Target.governing_at` of `smartcharge.engine._compiled` (one call per computed answer), the target's
`answers` (a `SpanCache` of `smartcharge._cache` per unit) and `SpanCache.LIMIT` (their bound)."""

from __future__ import annotations

from unittest import mock

from builders import T0, at, installed, profile

from smartcharge import ChargePointState, ChargingRateUnit, limit_at, start_transaction
from smartcharge._cache import SpanCache
from smartcharge.engine._compiled import Target, compiled_engine


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
    answers = compiled_engine(state).target(1).answers
    for k in range(12 * 48):  # more spans than the bound
        assert limit_at(state, 1, at(1_800 * k + 900), "A").value == 6.0 + k % 48 % 7
        for cache in answers.values():  # in W and in A
            starts, ends, limits = cache._table
            assert len(starts) == len(ends) == len(limits) <= SpanCache.LIMIT
    assert len(answers[ChargingRateUnit.A]._table[0]) == 12 * 48 - SpanCache.LIMIT  # emptied once, refilled
    assert limit_at(state, 1, at(900), "A").value == 6.0
