"""When the limit changes next (`next_change`): a period start or the end of a duration weeks ahead, a
recurrence that starts later or stops covering, and a change on either side of each of its search steps
(SPEC R5, R22, R23)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from builders import T0, at, installed, profile

from smartcharge import NaiveDatetimeError, limit_at, next_change, start_transaction

DAY = 86_400
NAIVE = datetime(2026, 1, 8, 10, 0)


def test_next_change_finds_period_starts_weeks_ahead() -> None:
    """R22: an Absolute profile's periods start at startSchedule + startPeriod, however far ahead."""
    start = at(30 * DAY)
    later = installed(None, (0, profile(1, start=start, periods=((0, 10.0), (10 * DAY, 20.0)))))
    assert next_change(later, 1, T0) == start
    assert next_change(later, 1, start) == start + timedelta(days=10)
    assert next_change(later, 1, start + timedelta(days=10)) is None


def test_next_change_finds_the_end_of_a_long_duration() -> None:
    """R23: coverage ends with the duration, 30 days after the start."""
    state = installed(None, (0, profile(1, duration=30 * DAY)))
    assert next_change(state, 1, T0) == at(30 * DAY)


def test_next_change_finds_a_recurrence_starting_weeks_ahead() -> None:
    """R22 (D7): a Recurring profile applies from its startSchedule, 40 days ahead."""
    start = at(40 * DAY)
    state = installed(None, (0, profile(1, kind="Recurring", recurrency="Daily", start=start, periods=((0, 6.0),))))
    assert next_change(state, 1, T0) == start


def test_next_change_of_a_relative_profile_counts_from_the_transaction() -> None:
    """R22: a Relative profile runs from the start of the transaction, a day before the instant asked."""
    charging = start_transaction(installed(None), 1, 7, at(-DAY))
    tx = profile(1, purpose="TxProfile", kind="Relative", start=None, periods=((0, 10.0), (30 * DAY, 20.0)))
    state = installed(charging, (1, tx))
    assert next_change(state, 1, T0) == at(29 * DAY)


def test_r23_a_recurrence_stops_covering_at_the_end_of_its_duration() -> None:
    hour = profile(1, kind="Recurring", recurrency="Daily", periods=((0, 6.0),), duration=3_600)
    state = installed(None, (0, hour))
    assert limit_at(state, 1, at(3_599), "A").value == 6.0
    assert limit_at(state, 1, at(3_600), "A").value is None
    assert next_change(state, 1, at(3_600)) == at(DAY)
    assert next_change(state, 1, at(3_599)) == at(3_600)


@pytest.mark.parametrize(
    "offset",
    [1, 3_599, 3_600, 3_601, DAY - 1, DAY, DAY + 1, 8 * DAY - 1, 8 * DAY, 8 * DAY + 1, 15 * DAY, 22 * DAY + 1],
)
def test_next_change_finds_a_change_on_either_side_of_every_search_chunk_boundary(offset: int) -> None:
    """`next_change` searches the first hour, then the day, then fortnights: a change one second before, at or
    after each of those boundaries is found exactly where it is (R22: a period starts at startSchedule +
    startPeriod)."""
    state = installed(None, (1, profile(1, periods=((0, 6.0), (offset, 8.0)))))
    assert next_change(state, 1, T0) == at(offset)
    assert next_change(state, 1, at(offset)) is None


def test_r5_a_naive_instant_given_to_next_change_is_refused_naming_it() -> None:
    state = installed(None, (0, profile(1)))
    with pytest.raises(NaiveDatetimeError, match=r"^after 2026-01-08T10:00:00 has no UTC offset"):
        next_change(state, 1, NAIVE)
