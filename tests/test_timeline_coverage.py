"""Which seconds one profile's schedule covers (SPEC R23): up to the end of its duration and no further, and a
recurrence that starts in the last second of a window."""

from __future__ import annotations

from datetime import datetime

from builders import T0, profile

from smartcharge.engine.timeline import Slice, profile_slices

DAY = 86_400


def epoch(instant: datetime) -> int:
    return int(instant.timestamp())


def test_r23_slices_end_exactly_where_the_duration_ends() -> None:
    """No empty slice: not when a period starts exactly at the end of the duration, nor for a window that
    begins where the duration ends."""
    limited = profile(1, periods=((0, 6.0), (600, 8.0), (1_200, 10.0)), duration=600)
    t0 = epoch(T0)
    assert profile_slices(limited, t0 - 60, t0 + 3_600, installed_at=0, session_start=0) == [Slice(t0, t0 + 600, 0)]
    assert profile_slices(limited, t0 + 600, t0 + 1_200, installed_at=0, session_start=0) == []
    three = profile(2, periods=((0, 6.0), (600, 8.0), (1_200, 10.0)))
    assert profile_slices(three, t0, t0 + 1_800, installed_at=0, session_start=0) == [
        Slice(t0, t0 + 600, 0), Slice(t0 + 600, t0 + 1_200, 1), Slice(t0 + 1_200, t0 + 1_800, 2)
    ]  # fmt: skip


def test_r23_a_recurrence_starting_in_the_last_second_of_the_window_is_there() -> None:
    daily = profile(1, kind="Recurring", recurrency="Daily", periods=((0, 6.0), (3_600, 8.0)))
    t0 = epoch(T0)
    assert profile_slices(daily, t0 + DAY - 10, t0 + DAY + 1, installed_at=0, session_start=0) == [
        Slice(t0 + DAY - 10, t0 + DAY, 1), Slice(t0 + DAY, t0 + DAY + 1, 0)
    ]  # fmt: skip
