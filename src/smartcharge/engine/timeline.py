"""Where one profile applies: its limit slices over a span of time (SPEC R21, R22, R23; D4, D7, D8, D9).

A slice says "from `start` to `end` this profile's schedule is in period `index`". Everything about a single
profile's reach in time lives here: the anchor its schedule runs from, recurrence, coverage by duration and
recurrence length, and the validity window. This module does not know about other profiles, stack levels,
purposes' precedence or units: that is `_compiled` and `combine`. Times are integer epoch seconds; spans are
half-open.

`ProfileTimeline` is one installed profile with every instant it depends on turned into epoch seconds once; it
answers both "which slices in [lo, hi)" and "which period at t, and for how long around t". The free functions
below are the same answers for a profile given directly.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import islice
from operator import attrgetter

import attrs

from smartcharge.engine.instants import to_epoch
from smartcharge.engine.model import ChargingProfile
from smartcharge.errors import InvalidArgumentError

__all__ = [
    "FOREVER",
    "ProfileTimeline",
    "Slice",
    "change_instants",
    "profile_anchor",
    "profile_slices",
    "recurrence_period",
]

#: Every recurrence (Daily or Weekly) repeats with this period, so a set of profiles with no fixed instant
#: ahead repeats its pattern with it.
recurrence_period = 604_800

#: Beyond every representable instant (datetimes span about +-2.5e11 epoch seconds): an open end of a span.
FOREVER = 1 << 62

_START_PERIOD = attrgetter("start_period")


@attrs.frozen(slots=True)
class Slice:
    """From `start` to `end` (epoch seconds, end excluded) the schedule is in period number `index`."""

    start: int
    end: int
    index: int


def _check_epoch_seconds(**instants: int) -> None:
    """`InvalidArgumentError` naming the first of `instants` that is not a whole number of epoch seconds."""
    for name, value in instants.items():
        if value.__class__ is not int:
            raise InvalidArgumentError(f"{name} must be whole epoch seconds (an int), not {value!r}")


def profile_anchor(profile: ChargingProfile, installed_at: int, session_start: int) -> int:
    """The instant a non-Recurring profile's schedule runs from (R22).

    Absolute: its startSchedule. Relative (R13: startSchedule ignored) and Absolute without startSchedule (D4):
    the start of charging, `session_start` (the transaction's start, or the window's start when there is no
    transaction, D8) -- except a cap (ChargePointMaxProfile, external constraints), which has no session and runs
    from `installed_at` (D9).
    """
    _check_epoch_seconds(installed_at=installed_at, session_start=session_start)
    anchor = _fixed_anchor(profile, installed_at)
    return session_start if anchor is None else anchor


def _fixed_anchor(profile: ChargingProfile, installed_at: int) -> int | None:
    """`profile_anchor` when it does not depend on the session; None when it runs from the start of charging."""
    if not profile.anchored_at_start_of_charging:
        start = profile.charging_schedules[0].start_schedule  # perf: `charging_schedule` without the property call
        assert start is not None  # Absolute with startSchedule
        return to_epoch(start)
    if profile.charging_profile_purpose.role.is_cap:
        return installed_at
    return None


class ProfileTimeline:
    """One profile's reach in time (R21-R23), with its instants as epoch seconds, computed once.

    `anchor` is the fixed instant a non-Recurring schedule runs from, or None when it runs from the start of
    charging (Relative, or Absolute without startSchedule, D4, D8) or recurs; a Recurring schedule has `length`
    (one recurrence) and runs from `first_start` + k x `length`. `covered` is how long one run covers (None: for ever);
    `valid_from`/`valid_to` bound the validity window (R21), open ends being -FOREVER/FOREVER.
    """

    __slots__ = ("anchor", "covered", "first_start", "length", "periods", "valid_from", "valid_to")

    def __init__(self, profile: ChargingProfile, installed_at: int) -> None:
        if installed_at.__class__ is not int:  # perf: inline, every compiled profile passes here (2% of a cold answer)
            _check_epoch_seconds(installed_at=installed_at)
        schedule = profile.charging_schedules[0]  # perf: `charging_schedule` without the property call
        self.periods = schedule.charging_schedule_period
        valid_from, valid_to = profile.valid_from, profile.valid_to
        self.valid_from = -FOREVER if valid_from is None else to_epoch(valid_from)
        self.valid_to = FOREVER if valid_to is None else to_epoch(valid_to)
        self.length = length = profile.recurrence_seconds
        if length is None:
            self.anchor = _fixed_anchor(profile, installed_at)
            self.first_start = 0
            self.covered = schedule.duration
        else:
            start = schedule.start_schedule
            assert start is not None  # guaranteed for Recurring by the model (D4)
            self.anchor = None
            self.first_start = to_epoch(start)
            self.covered = length if schedule.duration is None else min(schedule.duration, length)

    @property
    def runs_from_session(self) -> bool:
        """Whether the schedule runs from the start of charging (D4, D8), so depends on the session."""
        return self.anchor is None and self.length is None

    def _run(self, anchor: int, covered: int | None, lo: int, hi: int, out: list[tuple[int, int, int]]) -> None:
        """Appends to `out` the (start, end, index) slices of one run from `anchor` covering `covered` seconds
        (None: for ever), within [lo, hi). R23: offset o = t - anchor is covered iff 0 <= o < covered; the
        governing period is the last one with startPeriod <= o."""
        run_end = hi if covered is None else min(hi, anchor + covered)
        if lo < anchor:
            lo = anchor
        if lo >= run_end:
            return
        periods = self.periods
        index = bisect_right(periods, lo - anchor, key=_START_PERIOD) - 1
        start = lo
        # perf: the periods after the first one read in turn, not indexed twice each: 4% of a composite's slicing
        for following in islice(periods, index + 1, None):
            end = anchor + following.start_period
            if end >= run_end:
                break
            out.append((start, end, index))
            start = end
            index += 1
        out.append((start, run_end, index))

    def slices(self, lo: int, hi: int, session_start: int) -> list[tuple[int, int, int]]:
        """The (start, end, index) slices within [lo, hi), in time order, not overlapping (R21-R23); a run from
        the start of charging starts at `session_start`. See `profile_slices`."""
        if lo < self.valid_from:
            lo = self.valid_from
        if hi > self.valid_to:
            hi = self.valid_to
        out: list[tuple[int, int, int]] = []
        if lo >= hi:
            return out
        length = self.length
        if length is None:
            self._run(session_start if self.anchor is None else self.anchor, self.covered, lo, hi, out)
            return out
        first_start = self.first_start
        for k in range(max(0, (lo - first_start) // length), (hi - 1 - first_start) // length + 1):
            self._run(first_start + k * length, self.covered, lo, hi, out)
        return out

    def locate(self, t: int, session_start: int | None) -> tuple[int, int, int]:
        """(index, lo, hi): the period governing `t` (-1 when the profile does not cover t, R21-R23) and a span
        [lo, hi) around t over which that stays so. A run from the start of charging starts at `session_start`,
        or at t itself when it is None (D8, `limit_at` on an outlet without transaction): such a run is in its
        first period whenever it is valid, unless its duration is 0."""
        lo, hi = self.valid_from, self.valid_to
        if t < lo:
            return -1, -FOREVER, lo
        if t >= hi:
            return -1, hi, FOREVER
        length = self.length
        if length is None:
            anchor = self.anchor
            if anchor is None:
                if session_start is None:
                    return (-1 if self.covered == 0 else 0), lo, hi
                anchor = session_start
            if t < anchor:
                return -1, lo, min(hi, anchor)
            end = FOREVER if self.covered is None else anchor + self.covered
        else:
            first_start = self.first_start
            if t < first_start:  # D7: no recurrence before startSchedule
                return -1, lo, min(hi, first_start)
            anchor = t - (t - first_start) % length
            end = anchor + self.covered  # type: ignore[operator]  # covered is set for Recurring
            if t >= end:  # past this recurrence's coverage, until the next one
                return -1, max(lo, end), min(hi, anchor + length)
        if t >= end:
            return -1, max(lo, end), hi
        periods = self.periods
        index = bisect_right(periods, t - anchor, key=_START_PERIOD) - 1
        start = anchor + periods[index].start_period
        if index + 1 < len(periods):
            end = min(end, anchor + periods[index + 1].start_period)
        return index, max(lo, start), min(hi, end)

    def change_instants(self, session_start: int) -> list[int]:
        """See `change_instants`."""
        instants = [x for x in (self.valid_from, self.valid_to) if abs(x) != FOREVER]
        if self.length is not None:
            instants.append(self.first_start)
            return instants
        anchor = session_start if self.anchor is None else self.anchor
        instants.extend(anchor + p.start_period for p in self.periods)
        if self.covered is not None:
            instants.append(anchor + self.covered)
        return instants


def profile_slices(profile: ChargingProfile, lo: int, hi: int, *, installed_at: int, session_start: int) -> list[Slice]:
    """The slices of `profile` within [lo, hi), in time order, not overlapping (R21-R23).

    `session_start` is the start of charging the profile's outlet sees (its transaction's start, else the
    start of the requested window, D8); `installed_at` anchors Relative ChargePointMaxProfiles (D9). A Recurring
    profile repeats every day or week from its startSchedule and does not apply before it (D7); each repetition
    covers at most one recurrence length (periods past it are not executed, §5.16.4).
    """
    _check_epoch_seconds(lo=lo, hi=hi, session_start=session_start)
    timeline = ProfileTimeline(profile, installed_at)
    return [Slice(*s) for s in timeline.slices(lo, hi, session_start)]


def change_instants(profile: ChargingProfile, installed_at: int, session_start: int) -> list[int]:
    """The instants at which `profile` may start or stop governing or change period, other than the repetitions
    of a Recurring profile (which repeat with `recurrence_period`). Used to search for the next change without
    walking through years of identical days."""
    _check_epoch_seconds(session_start=session_start)
    return ProfileTimeline(profile, installed_at).change_instants(session_start)
