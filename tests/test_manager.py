"""The mutable `ChargingProfileManager`: it delegates to the core and only remembers the latest state."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from builders import T0, profile

from smartcharge import ChargePointConfig, ChargingRateUnit, NaiveDatetimeError, OcppCallError
from smartcharge.manager import ChargingProfileManager
from smartcharge.ocpp16 import ChargingProfilePurpose


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


SEED_PAYLOAD = {
    "chargingProfileId": 1,
    "stackLevel": 0,
    "chargingProfilePurpose": "TxDefaultProfile",
    "chargingProfileKind": "Absolute",
    "chargingSchedule": {
        "chargingRateUnit": "W",
        "startSchedule": "2026-01-08T10:00:00Z",
        "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 7000}, {"startPeriod": 1800, "limit": 11000}],
    },
}


def test_seed_usage_get_current_limit_follows_the_profile_over_time():
    clock = FakeClock(T0)
    manager = ChargingProfileManager(ChargePointConfig(outlet_count=2), clock=clock)
    assert manager.set_profile(1, SEED_PAYLOAD).accepted
    manager.start_transaction(1, 42)
    assert manager.get_current_limit(outlet_id=1, transaction_id=42) == 7000.0
    assert manager.next_change(1) == T0 + timedelta(seconds=1800)
    clock.now = T0 + timedelta(minutes=31)
    assert manager.get_current_limit(outlet_id=1) == 11000.0
    assert manager.get_current_limit(outlet_id=1, unit="A") == pytest.approx(11000 / 690)
    assert manager.clear_profiles(outlet_id=1).status.value == "Accepted"
    assert manager.get_current_limit(outlet_id=1) is None


def test_rejected_install_leaves_the_manager_state_alone():
    manager = ChargingProfileManager(ChargePointConfig(outlet_count=1), clock=FakeClock(T0))
    before = manager.state
    outcome = manager.set_profile(1, profile(1, purpose=ChargingProfilePurpose.TX_PROFILE, kind="Relative", start=None))
    assert not outcome.accepted and outcome.rule == "R9"
    assert manager.state is before


def test_bad_payload_raises_the_codec_error_and_changes_nothing():
    manager = ChargingProfileManager(clock=FakeClock(T0))
    before = manager.state
    with pytest.raises(OcppCallError):
        manager.set_profile(1, {"chargingProfileId": "one"})
    assert manager.state is before


def test_transaction_guard_and_remote_start_profile():
    manager = ChargingProfileManager(ChargePointConfig(outlet_count=2), clock=FakeClock(T0))
    tx_profile = profile(9, purpose="TxProfile", kind="Relative", unit="W", periods=[(0, 4000.0)], start=None)
    manager.start_transaction(2, 77, tx_profile)
    assert manager.get_current_limit(2, transaction_id=77) == 4000.0
    with pytest.raises(ValueError, match="not active"):
        manager.get_current_limit(2, transaction_id=78)
    manager.stop_transaction(77)
    assert manager.get_current_limit(2) is None


def test_composite_and_save_load_round_trip(tmp_path):
    manager = ChargingProfileManager(ChargePointConfig(outlet_count=2), clock=FakeClock(T0))
    manager.set_profile(1, SEED_PAYLOAD)
    schedule = manager.composite_schedule(1, 3600, ChargingRateUnit.W)
    assert [(p.start_period, p.limit) for p in schedule.periods] == [(0, 7000.0), (1800, 11000.0)]
    path = tmp_path / "state.json"
    manager.save(path)
    again = ChargingProfileManager.load(path, clock=FakeClock(T0))
    assert again.state == manager.state


def test_naive_clock_is_refused():
    manager = ChargingProfileManager(clock=lambda: datetime(2026, 1, 1))
    with pytest.raises(NaiveDatetimeError):
        manager.get_current_limit(1)
