"""Where one profile's schedule runs from, and the instants at which it may change (SPEC R21-R23, D8, D9)."""

from __future__ import annotations

from datetime import datetime

from builders import T0, at, profile

from smartcharge.engine.timeline import Slice, change_instants, profile_anchor, profile_slices
from smartcharge.ocpp16 import ChargingProfilePurpose


def epoch(instant: datetime) -> int:
    return int(instant.timestamp())


def test_r22_d8_d9_absolute_runs_from_its_start_relative_from_charging_a_relative_cap_from_installation() -> None:
    """Absolute: its startSchedule; Relative: the start of charging; a Relative cap: when it was installed."""
    absolute = profile(1, start=at(3_600))
    relative = profile(2, kind="Relative", start=None)
    cap = profile(3, kind="Relative", start=None, purpose=ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE)
    assert profile_anchor(absolute, installed_at=100, session_start=500) == epoch(at(3_600))
    assert profile_anchor(relative, installed_at=100, session_start=500) == 500
    assert profile_anchor(cap, installed_at=100, session_start=500) == 100


def test_r21_r22_r23_a_profile_changes_at_its_validity_bounds_period_starts_and_the_end_of_its_duration() -> None:
    """The change instants of one profile: validFrom and validTo (R21), each period's start from the anchor (R22)
    and the end of the duration (R23). A Recurring profile lists its startSchedule only: its repetitions are not
    listed."""
    one_shot = profile(1, periods=((0, 6.0), (600, 8.0)), duration=1_800, valid_from=at(-60), valid_to=at(7_200))
    t0 = epoch(T0)
    assert sorted(change_instants(one_shot, installed_at=0, session_start=0)) == [
        t0 - 60, t0, t0 + 600, t0 + 1_800, t0 + 7_200
    ]  # fmt: skip
    relative = profile(2, kind="Relative", start=None, periods=((0, 6.0), (600, 8.0)), duration=900)
    assert sorted(change_instants(relative, installed_at=0, session_start=1_000)) == [1_000, 1_600, 1_900]
    daily = profile(3, kind="Recurring", recurrency="Daily", periods=((0, 6.0), (600, 8.0)))
    assert change_instants(daily, installed_at=0, session_start=1_000) == [t0]


def test_d9_a_relative_cap_runs_from_its_installation() -> None:
    cap = profile(1, kind="Relative", start=None, purpose="ChargePointMaxProfile", periods=((0, 6.0), (60, 8.0)))
    assert profile_slices(cap, 0, 10_000, installed_at=1_000, session_start=5_000) == [
        Slice(1_000, 1_060, 0), Slice(1_060, 10_000, 1)
    ]  # fmt: skip
    assert sorted(change_instants(cap, installed_at=1_000, session_start=5_000)) == [1_000, 1_060]
