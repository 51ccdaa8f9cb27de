"""`ProfileTimeline`, one profile's reach in time (SPEC R21-R23, D7, D8): `locate` agrees with `slices` and the
span it returns is honest, and `slices` does one run per recurrence that reaches the window, however far the
recurrence's origin lies in the past (bounded cost, no per-day work)."""

from __future__ import annotations

import itertools
from datetime import datetime, timezone
from unittest import mock

import attrs
from hypothesis import example, given
from hypothesis import strategies as st

from smartcharge import (
    ChargingProfile,
    ChargingProfileKind,
    ChargingSchedule,
    ChargingSchedulePeriod,
    InvalidArgumentError,
)
from smartcharge.engine.instants import to_epoch
from smartcharge.engine.timeline import FOREVER, ProfileTimeline
from smartcharge.ocpp16 import ChargingProfilePurpose
from smartcharge.strategies import charging_profiles, instants

TX_DEFAULT = ChargingProfilePurpose.TX_DEFAULT_PROFILE

WINDOW = 15 * 86_400  # every instant the strategies draw lies well inside session +- WINDOW
FIRST = datetime(2026, 1, 5, 6, 0, tzinfo=timezone.utc)


DAILY = ChargingProfile(
    1, 0, TX_DEFAULT, "Recurring",
    ChargingSchedule("A", [ChargingSchedulePeriod(0, 16.0)], None, datetime(2026, 1, 5, tzinfo=timezone.utc)),
    None, "Daily",
)  # fmt: skip


def covering(slices: list[tuple[int, int, int]], t: int) -> int:
    """The index of the slice that covers t, -1 when none does."""
    return next((index for start, end, index in slices if start <= t < end), -1)


@given(
    profile=charging_profiles(),
    installed=instants(),
    session=instants(),
    pick=st.integers(0, 10_000),
    nudge=st.sampled_from([-1, 0, 1]),
    elsewhere=st.none() | instants(),
)
def test_locate_agrees_with_the_slices_and_its_span_holds_one_answer(
    profile, installed, session, pick, nudge, elsewhere
):
    timeline = ProfileTimeline(profile, to_epoch(installed))
    origin = to_epoch(session)
    lo_w, hi_w = origin - WINDOW, origin + WINDOW
    slices = timeline.slices(lo_w, hi_w, origin)
    edges = sorted({x for start, end, _ in slices for x in (start, end)} | {origin})
    t = to_epoch(elsewhere) if elsewhere is not None else edges[pick % len(edges)] + nudge
    t = min(max(t, lo_w), hi_w - 1)  # what the window's slices can tell
    index, lo, hi = timeline.locate(t, origin)
    assert index == covering(slices, t)
    assert lo <= t < hi
    # Over the whole span (as far as the window shows it) the answer is the same: no slice of another index, and
    # no gap where a period is claimed.
    seen = [(max(start, lo), min(end, hi), i) for start, end, i in slices if start < hi and end > lo]
    assert all(i == index for _, _, i in seen)
    if index >= 0:
        assert seen[0][0] == max(lo, lo_w) and seen[-1][1] == min(hi, hi_w)
        assert all(a[1] == b[0] for a, b in itertools.pairwise(seen))


@given(profile=charging_profiles(), at=instants())
def test_d8_without_a_session_a_profile_run_from_charging_runs_from_the_instant_asked(profile, at):
    timeline = ProfileTimeline(profile, to_epoch(at))
    t = to_epoch(at)
    assert timeline.locate(t, None)[0] == timeline.locate(t, t)[0]


@example(profile=DAILY, days_back=3, lo_shift=0, runs=2, hi_shift=0)
@example(profile=DAILY, days_back=3, lo_shift=0, runs=2, hi_shift=-1)
@example(profile=DAILY, days_back=0, lo_shift=-1, runs=1, hi_shift=1)
@given(
    profile=charging_profiles(kind=ChargingProfileKind.RECURRING),
    days_back=st.integers(0, 4_000),
    lo_shift=st.integers(-2, 2),
    runs=st.integers(0, 3),
    hi_shift=st.integers(-2, 2),
)
def test_slices_start_one_run_per_recurrence_that_reaches_the_window(profile, days_back, lo_shift, runs, hi_shift):
    timeline = ProfileTimeline(profile, 0)
    length, first = timeline.length, timeline.first_start
    lo = first + days_back * 86_400 + lo_shift
    hi = lo + runs * length + hi_shift
    clipped_lo, clipped_hi = max(lo, timeline.valid_from), min(hi, timeline.valid_to)
    reaching = sum(
        1
        for k in range(max(0, (clipped_lo - first) // length - 2), max(0, (clipped_hi - first) // length + 3))
        if first + k * length < clipped_hi and first + (k + 1) * length > clipped_lo
    ) if clipped_lo < clipped_hi else 0
    with mock.patch.object(ProfileTimeline, "_run", autospec=True, side_effect=ProfileTimeline._run) as run:
        timeline.slices(lo, hi, 0)
    assert run.call_count == reaching


def test_d8_without_a_session_a_profile_run_from_charging_with_duration_0_covers_nothing():
    schedule = ChargingSchedule("A", [ChargingSchedulePeriod(0, 16.0)], duration=0)
    profile = ChargingProfile(1, 0, TX_DEFAULT, "Relative", schedule)
    assert ProfileTimeline(profile, 0).locate(1_000, None) == (-1, -FOREVER, FOREVER)
    covering_profile = attrs.evolve(profile, charging_schedules=attrs.evolve(schedule, duration=60))
    assert ProfileTimeline(covering_profile, 0).locate(1_000, None) == (0, -FOREVER, FOREVER)


def test_r23_locate_between_a_recurrences_coverage_and_the_next_recurrence():
    """A Daily profile covering one hour a day: from the end of the hour until the next day it covers nothing."""
    schedule = ChargingSchedule("A", [ChargingSchedulePeriod(0, 16.0), ChargingSchedulePeriod(1_800, 10.0)], 3_600,
                                FIRST)  # fmt: skip
    timeline = ProfileTimeline(ChargingProfile(1, 0, TX_DEFAULT, "Recurring", schedule, None, "Daily"), 0)
    first = to_epoch(FIRST)
    assert timeline.locate(first + 1_799, None) == (0, first, first + 1_800)
    assert timeline.locate(first + 3_599, None) == (1, first + 1_800, first + 3_600)
    for t in (first + 3_600, first + 3_601, first + 86_399):
        assert timeline.locate(t, None) == (-1, first + 3_600, first + 86_400)
    assert timeline.locate(first + 86_400, None) == (0, first + 86_400, first + 88_200)


def test_r23_locate_after_the_end_of_an_absolute_schedule():
    schedule = ChargingSchedule("A", [ChargingSchedulePeriod(0, 16.0)], 600, FIRST)
    timeline = ProfileTimeline(ChargingProfile(1, 0, TX_DEFAULT, "Absolute", schedule), 0)
    first = to_epoch(FIRST)
    assert timeline.locate(first + 599, None) == (0, first, first + 600)
    assert timeline.locate(first + 600, None) == (-1, first + 600, FOREVER)
    assert timeline.locate(first - 1, None) == (-1, -FOREVER, first)


def test_an_install_time_that_is_not_whole_epoch_seconds_is_refused_showing_it() -> None:
    for bad in (1.5, "1767225600", None):
        try:
            ProfileTimeline(DAILY, bad)  # type: ignore[arg-type]
        except InvalidArgumentError as exc:
            assert str(exc) == f"installed_at must be whole epoch seconds (an int), not {bad!r}"
        else:
            raise AssertionError(f"installed_at {bad!r} was accepted")
