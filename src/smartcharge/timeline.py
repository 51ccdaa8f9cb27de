"""Where one profile applies: its limit slices over a span of time (SPEC R21, R22, R23; D4, D7, D8, D9).

A slice says "from `start` to `end` this profile's schedule is in period `index`". Everything about a single
profile's reach in time lives here: the anchor its schedule runs from, recurrence, coverage by duration and
recurrence length, and the validity window. This module does not know about other profiles, stack levels,
purposes' precedence or units: that is `composite`. Times are integer epoch seconds; spans are half-open.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator

import attrs

from smartcharge._time import to_epoch
from smartcharge.model import ChargingProfile, ChargingProfilePurpose

__all__ = ["Slice", "change_instants", "profile_anchor", "profile_slices", "recurrence_period"]

#: Every recurrence (Daily or Weekly) repeats with this period, so a set of profiles with no fixed instant
#: ahead repeats its pattern with it.
recurrence_period = 604_800

_ANCHORED_AT_INSTALL = (
    ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE,
    ChargingProfilePurpose.CHARGING_STATION_EXTERNAL_CONSTRAINTS,
)


@attrs.frozen(slots=True)
class Slice:
    """From `start` to `end` (epoch seconds, end excluded) the schedule is in period number `index`."""

    start: int
    end: int
    index: int


def profile_anchor(profile: ChargingProfile, installed_at: int, session_start: int) -> int:
    """The instant a non-Recurring profile's schedule runs from (R22).

    Absolute: its startSchedule. Relative (R13: startSchedule ignored) and Absolute without startSchedule (D4):
    the start of charging, `session_start` (the transaction's start, or the window's start when there is no
    transaction, D8) -- except a ChargePointMaxProfile, which has no session and runs from `installed_at` (D9).
    """
    if not profile.anchored_at_start_of_charging:
        start = profile.charging_schedule.start_schedule
        assert start is not None  # Absolute with startSchedule
        return to_epoch(start)
    if profile.charging_profile_purpose in _ANCHORED_AT_INSTALL:
        return installed_at
    return session_start


def _validity(profile: ChargingProfile, lo: int, hi: int) -> tuple[int, int]:
    """[lo, hi) narrowed to validFrom <= t < validTo (R21)."""
    if profile.valid_from is not None:
        lo = max(lo, to_epoch(profile.valid_from))
    if profile.valid_to is not None:
        hi = min(hi, to_epoch(profile.valid_to))
    return lo, hi


def _run(starts: list[int], anchor: int, covered: int | None, lo: int, hi: int) -> Iterator[Slice]:
    """Slices of one run of the schedule from `anchor`, covering `covered` seconds (None: for ever), in [lo, hi).

    R23: offset o = t - anchor is covered iff 0 <= o < covered; the governing period is the last one with
    startPeriod <= o.
    """
    run_end = hi if covered is None else min(hi, anchor + covered)
    lo = max(lo, anchor)
    if lo >= run_end:
        return
    first = bisect_right(starts, lo - anchor) - 1
    for index in range(first, len(starts)):
        start = anchor + starts[index]
        if start >= run_end:
            return
        end = anchor + starts[index + 1] if index + 1 < len(starts) else run_end
        yield Slice(max(start, lo), min(end, run_end), index)


def profile_slices(profile: ChargingProfile, lo: int, hi: int, *, installed_at: int, session_start: int) -> list[Slice]:
    """The slices of `profile` within [lo, hi), in time order, not overlapping (R21-R23).

    `session_start` is the start of charging the profile's connector sees (its transaction's start, else the
    start of the requested window, D8); `installed_at` anchors Relative ChargePointMaxProfiles (D9). A Recurring
    profile repeats every day or week from its startSchedule and does not apply before it (D7); each repetition
    covers at most one recurrence length (periods past it are not executed, §5.16.4).
    """
    lo, hi = _validity(profile, lo, hi)
    if lo >= hi:
        return []
    schedule = profile.charging_schedule
    starts = [p.start_period for p in schedule.charging_schedule_period]
    length = profile.recurrence_seconds
    if length is None:
        anchor = profile_anchor(profile, installed_at, session_start)
        return list(_run(starts, anchor, schedule.duration, lo, hi))
    assert schedule.start_schedule is not None  # guaranteed for Recurring by the model (D4)
    first_start = to_epoch(schedule.start_schedule)
    covered = length if schedule.duration is None else min(schedule.duration, length)
    first = max(0, (lo - first_start) // length)
    last = (hi - 1 - first_start) // length
    slices: list[Slice] = []
    for k in range(first, last + 1):
        slices.extend(_run(starts, first_start + k * length, covered, lo, hi))
    return slices


def change_instants(profile: ChargingProfile, installed_at: int, session_start: int) -> list[int]:
    """The instants at which `profile` may start or stop governing or change period, other than the repetitions
    of a Recurring profile (which repeat with `recurrence_period`). Used to search for the next change without
    walking through years of identical days."""
    instants = [to_epoch(t) for t in (profile.valid_from, profile.valid_to) if t is not None]
    schedule = profile.charging_schedule
    if profile.recurrence_seconds is not None:
        assert schedule.start_schedule is not None
        instants.append(to_epoch(schedule.start_schedule))
        return instants
    anchor = profile_anchor(profile, installed_at, session_start)
    instants.extend(anchor + p.start_period for p in schedule.charging_schedule_period)
    if schedule.duration is not None:
        instants.append(anchor + schedule.duration)
    return instants
