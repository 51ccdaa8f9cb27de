"""Rule tests for evaluation: validity, anchors, coverage, stacking, precedence, units, connector 0
(SPEC R21-R28, D4, D5, D7-D10), through the public `composite_schedule`, `limit_at` and `next_change`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from builders import T0, at, installed, profile

from smartcharge import (
    ChargePointConfig,
    ChargePointState,
    ChargingProfilePurpose,
    ChargingRateUnit,
    InvalidArgumentError,
    NaiveDatetimeError,
    composite_schedule,
    end_transaction,
    limit_at,
    next_change,
    start_transaction,
)
from smartcharge.ocpp201 import ChargingProfilePurpose as Purpose201

A, W = ChargingRateUnit.A, ChargingRateUnit.W


def steps(state: ChargePointState, outlet_id: int, start_s: int, duration: int, unit: ChargingRateUnit = A):
    """The composite as (startPeriod, limit, numberPhases) triples."""
    schedule = composite_schedule(state, outlet_id, at(start_s), duration, unit)
    return [(p.start_period, p.limit, p.number_phases) for p in schedule.periods]


def test_r21_validity_window_bounds_a_profile():
    state = installed(
        None,
        (1, profile(1, periods=[(0, 20.0)], start=at(-86_400))),
        (1, profile(2, stack=1, periods=[(0, 10.0)], start=at(-86_400), valid_from=at(600), valid_to=at(1200))),
    )
    assert steps(state, 1, 0, 1800) == [(0, 20.0, 3), (600, 10.0, 3), (1200, 20.0, 3)]
    assert limit_at(state, 1, at(1199), A).value == 10.0
    assert limit_at(state, 1, at(1200), A).value == 20.0  # validTo is excluded


def test_r22_absolute_runs_from_start_schedule():
    state = installed(None, (1, profile(periods=[(0, 6.0), (600, 16.0)], start=at(300))))
    assert steps(state, 1, 0, 1800) == [(0, None, 3), (300, 6.0, 3), (900, 16.0, 3)]


def test_r22_daily_recurrence_repeats_every_86400_seconds():
    daily = profile(kind="Recurring", recurrency="Daily", periods=[(0, 10.0), (3600, 20.0)], start=at(-10 * 86_400))
    state = installed(None, (1, daily))
    for day in (0, 1, 5):
        assert limit_at(state, 1, at(day * 86_400 + 10), A).value == 10.0
        assert limit_at(state, 1, at(day * 86_400 + 3600), A).value == 20.0


def test_r22_weekly_recurrence_repeats_every_604800_seconds():
    weekly = profile(kind="Recurring", recurrency="Weekly", periods=[(0, 10.0), (86_400, 20.0)], start=at(-604_800))
    state = installed(None, (1, weekly))
    assert limit_at(state, 1, at(100), A).value == 10.0
    assert limit_at(state, 1, at(86_400 + 100), A).value == 20.0
    assert limit_at(state, 1, at(3 * 86_400), A).value == 20.0  # a daily recurrence would have restarted
    assert limit_at(state, 1, at(604_800 + 100), A).value == 10.0


def test_r22_recurrence_is_fixed_utc_seconds():
    # 2026-03-29 is the EU summer-time change; a UTC recurrence does not move.
    daily = profile(kind="Recurring", recurrency="Daily", periods=[(0, 10.0), (3600, 20.0)], start=at(-86_400))
    state = installed(None, (1, daily))
    later = T0 + timedelta(days=100)
    assert limit_at(state, 1, later + timedelta(seconds=3599), A).value == 10.0
    assert limit_at(state, 1, later + timedelta(seconds=3600), A).value == 20.0


def test_r22_relative_runs_from_the_transaction_start():
    state = installed(None, (0, profile(kind="Relative", periods=[(0, 6.0), (600, 16.0)], start=None)))
    state = start_transaction(state, 1, 7, at(-300))
    assert steps(state, 1, 0, 1200) == [(0, 6.0, 3), (300, 16.0, 3)]


def test_d8_relative_without_transaction_runs_from_the_window_start():
    state = installed(None, (0, profile(kind="Relative", periods=[(0, 6.0), (600, 16.0)], start=None)))
    assert steps(state, 1, 0, 1200) == [(0, 6.0, 3), (600, 16.0, 3)]
    assert steps(state, 1, 5000, 1200) == [(0, 6.0, 3), (600, 16.0, 3)]
    assert limit_at(state, 1, at(5000), A).value == 6.0  # limit_at's window starts at its instant


def test_d4_absolute_without_start_schedule_is_anchored_like_relative():
    state = installed(None, (1, profile(kind="Absolute", periods=[(0, 6.0), (600, 16.0)], start=None)))
    state = start_transaction(state, 1, 7, at(-300))
    assert steps(state, 1, 0, 1200) == [(0, 6.0, 3), (300, 16.0, 3)]


def test_d5_relative_with_start_schedule_ignores_it():
    relative = profile(kind="Relative", periods=[(0, 6.0), (600, 16.0)], start=at(-10_000))
    state = start_transaction(installed(None, (1, relative)), 1, 7, at(0))
    assert steps(state, 1, 0, 1200) == [(0, 6.0, 3), (600, 16.0, 3)]


def test_d7_recurring_does_not_apply_before_its_start_schedule():
    daily = profile(kind="Recurring", recurrency="Daily", periods=[(0, 10.0)], start=at(3600))
    state = installed(None, (1, daily))
    assert steps(state, 1, 0, 7200) == [(0, None, 3), (3600, 10.0, 3)]


def test_d9_relative_charge_point_max_runs_from_its_installation():
    cap = profile(purpose="ChargePointMaxProfile", kind="Relative", periods=[(0, 10.0), (600, 20.0)], start=None)
    state = installed(None, (0, cap), now=at(-300))
    assert steps(state, 1, 0, 1200) == [(0, 10.0, 3), (300, 20.0, 3)]


def test_r23_duration_ends_coverage():
    state = installed(None, (1, profile(periods=[(0, 6.0)], start=at(0), duration=600)))
    assert steps(state, 1, 0, 1200) == [(0, 6.0, 3), (600, None, 3)]


def test_r23_recurrence_length_cuts_periods_past_it():
    # A period starting after 24 h is never executed by a daily profile (§5.16.4).
    daily = profile(kind="Recurring", recurrency="Daily", periods=[(0, 10.0), (90_000, 30.0)], start=at(-86_400))
    state = installed(None, (1, daily))
    assert limit_at(state, 1, at(3600), A).value == 10.0
    assert all(p[1] == 10.0 for p in steps(state, 1, 0, 3 * 86_400))


def test_r23_recurring_duration_shorter_than_a_day_leaves_a_gap():
    daily = profile(kind="Recurring", recurrency="Daily", periods=[(0, 10.0)], start=at(-86_400), duration=3600)
    state = installed(None, (1, daily))
    assert steps(state, 1, 0, 86_400 + 3600) == [(0, 10.0, 3), (3600, None, 3), (86_400, 10.0, 3)]


def test_r24_highest_stack_level_governs_and_falls_back():
    state = installed(
        None,
        (0, profile(1, stack=0, periods=[(0, 32.0)], start=at(-86_400))),
        (1, profile(2, stack=1, periods=[(0, 10.0), (600, 12.0)], start=at(600), duration=1200)),
    )
    assert steps(state, 1, 0, 3600) == [(0, 32.0, 3), (600, 10.0, 3), (1200, 12.0, 3), (1800, 32.0, 3)]
    limit = limit_at(state, 1, at(700), A)
    assert [(s.profile_id, s.stack_level) for s in limit.sources] == [(2, 1)]


def test_r24_higher_stack_wins_even_when_its_limit_is_higher():
    state = installed(
        None,
        (1, profile(1, stack=0, periods=[(0, 6.0)], start=at(-60))),
        (1, profile(2, stack=3, periods=[(0, 20.0)], start=at(-60))),
    )
    assert limit_at(state, 1, at(0), A).value == 20.0


def test_d10_connector_specific_txdefault_wins_a_tie_with_connector_zero():
    state = installed(
        None,
        (0, profile(1, stack=3, periods=[(0, 16.0)], start=at(-60))),
        (2, profile(2, stack=3, periods=[(0, 10.0)], start=at(-60))),
    )
    assert limit_at(state, 1, at(0), A).value == 16.0
    assert limit_at(state, 2, at(0), A).value == 10.0


def test_d10_connector_zero_txdefault_with_higher_stack_beats_connector_specific():
    state = installed(
        None,
        (0, profile(1, stack=4, periods=[(0, 16.0)], start=at(-60))),
        (2, profile(2, stack=3, periods=[(0, 10.0)], start=at(-60))),
    )
    assert limit_at(state, 2, at(0), A).value == 16.0


def test_r25_txprofile_overrides_txdefault_then_txdefault_returns():
    state = installed(None, (0, profile(1, periods=[(0, 16.0)], start=at(-86_400))))
    state = start_transaction(state, 1, 7, at(0))
    state = installed(
        state, (1, profile(2, purpose="TxProfile", kind="Relative", periods=[(0, 25.0)], start=None, duration=600))
    )
    assert steps(state, 1, 0, 1200) == [(0, 25.0, 3), (600, 16.0, 3)]


def test_r25_charge_point_max_caps_the_transaction_limit():
    state = installed(
        None,
        (0, profile(1, purpose=ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE, periods=[(0, 20.0)], start=at(-60))),
        (0, profile(2, periods=[(0, 16.0), (600, 25.0)], start=at(0))),
    )
    assert steps(state, 1, 0, 1200) == [(0, 16.0, 3), (600, 20.0, 3)]
    purposes = {s.purpose for s in limit_at(state, 1, at(700), A).sources}
    assert purposes == {ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE, ChargingProfilePurpose.TX_DEFAULT_PROFILE}


def test_r25_no_profile_means_the_hardware_maximum():
    state = ChargePointState(ChargePointConfig(outlet_count=1, outlet_max_current=32))
    limit = limit_at(state, 1, at(0), W)
    assert limit.value is None
    assert limit.effective == limit.hardware_limit == 32 * 230 * 3
    payload = composite_schedule(state, 1, at(0), 60, W).to_ocpp()
    assert payload["chargingSchedulePeriod"] == [{"startPeriod": 0, "limit": 22080.0, "numberPhases": 3}]


def test_r26_power_and_current_limits_meet_on_the_fewest_phases():
    state = installed(
        None,
        (0, profile(1, purpose=ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE, periods=[(0, 10.0)], start=at(-60))),
        (0, profile(2, unit="W", periods=[(0, 6900.0, 1)], start=at(-60))),
    )
    # phases = min(3, 1) = 1: in W min(6900, 10 A x 230 V x 1) = 2300; in A min(10, 6900 / 230) = 10.
    assert limit_at(state, 1, at(0), W).value == pytest.approx(2300.0)
    assert limit_at(state, 1, at(0), W).number_phases == 1
    assert limit_at(state, 1, at(0), A).value == pytest.approx(10.0)


def test_r26_watts_to_amps_uses_the_period_phases():
    state = installed(None, (1, profile(1, unit="W", periods=[(0, 3680.0, 1)], start=at(-60))))
    limit = limit_at(state, 1, at(0), A)
    assert (limit.value, limit.number_phases) == (pytest.approx(16.0), 1)


def test_r27_connector_zero_sums_connectors_and_is_capped():
    state = installed(
        None,
        (0, profile(1, purpose="ChargePointMaxProfile", periods=[(0, 40.0), (1800, 24.0)], start=at(0))),
        (1, profile(2, periods=[(0, 16.0)], start=at(0))),
        (2, profile(3, periods=[(0, 20.0)], start=at(0), duration=900)),
    )
    # connector 2 falls back to its 32 A hardware maximum after 900 s: 16 + 32 = 48 > 40.
    assert steps(state, 0, 0, 3600) == [(0, 36.0, 3), (900, 40.0, 3), (1800, 24.0, 3)]


def test_r27_equal_cap_does_not_govern_and_phases_follow_the_governor():
    state = installed(
        None,
        (0, profile(1, purpose=ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE, periods=[(0, 32.0, 1)], start=at(0))),
        (1, profile(2, periods=[(0, 16.0)], start=at(0))),
        (2, profile(3, periods=[(0, 16.0), (600, 10.0)], start=at(0))),
    )
    assert steps(state, 0, 0, 1200) == [(0, 32.0, 3), (600, 26.0, 3)]


def test_r27_relative_profiles_run_per_connector_session():
    state = installed(None, (0, profile(1, kind="Relative", unit="W", periods=[(0, 1000.0), (70, 7000.0)], start=None)))
    state = start_transaction(state, 1, 100, at(0))
    # connector 1 runs from its transaction (offset 100 s: 7000 W), connector 2 from the window start.
    assert steps(state, 0, 100, 60, W) == [(0, 8000.0, 3)]


def test_r28_charge_point_max_caps_each_connector_on_its_own():
    state = installed(None, (0, profile(1, purpose="ChargePointMaxProfile", periods=[(0, 20.0)], start=at(-60))))
    assert limit_at(state, 1, at(0), A).value == 20.0
    assert limit_at(state, 2, at(0), A).value == 20.0


def test_r18_txprofile_leaves_the_composite_when_its_transaction_ends():
    state = start_transaction(installed(None), 1, 7, at(0))
    state = installed(state, (1, profile(1, purpose="TxProfile", kind="Relative", periods=[(0, 6.0)], start=None)))
    assert limit_at(state, 1, at(10), A).value == 6.0
    assert limit_at(end_transaction(state, 7), 1, at(10), A).value is None


def test_r31_payload_rounds_down_and_merges_after_rounding():
    state = installed(
        None,
        (1, profile(1, unit="W", periods=[(0, 11000.0), (600, 11010.0)], start=at(0))),
    )
    payload = composite_schedule(state, 1, at(0), 1200, A).to_ocpp()
    # 11000 / 690 = 15.94 and 11010 / 690 = 15.96: both report 15.9, so they merge.
    assert payload == {
        "duration": 1200,
        "chargingRateUnit": "A",
        "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 15.9, "numberPhases": 3}],
    }


def test_r31_duration_zero_gives_one_period():
    state = installed(None, (1, profile(1, periods=[(0, 6.0), (1, 8.0)], start=at(0))))
    schedule = composite_schedule(state, 1, at(0), 0, A)
    assert [(p.start_period, p.limit) for p in schedule.periods] == [(0, 6.0)]


def test_next_change_finds_the_next_period_and_none_when_constant():
    state = installed(None, (1, profile(1, periods=[(0, 6.0), (600, 8.0)], start=at(0))))
    assert next_change(state, 1, at(0)) == at(600)
    assert next_change(state, 1, at(600)) is None


def test_next_change_skips_quiet_weeks_to_a_far_validity_bound():
    daily = profile(
        1, kind="Recurring", recurrency="Daily", periods=[(0, 10.0)], start=at(-86_400), valid_to=at(400 * 86_400)
    )
    state = installed(None, (1, daily))
    assert next_change(state, 1, at(0)) == at(400 * 86_400)


def test_next_change_sees_a_daily_pattern():
    daily = profile(1, kind="Recurring", recurrency="Daily", periods=[(0, 10.0), (3600, 12.0)], start=at(-86_400))
    state = installed(None, (1, daily))
    assert next_change(state, 1, at(4000)) == at(86_400)


def test_r5_naive_instants_are_refused():
    state = installed(None)
    with pytest.raises(NaiveDatetimeError):
        limit_at(state, 1, T0.replace(tzinfo=None))
    with pytest.raises(NaiveDatetimeError):
        composite_schedule(state, 1, T0.replace(tzinfo=None), 60)


def test_unknown_connector_negative_duration_and_unknown_unit_are_refused():
    state = installed(None)
    with pytest.raises(InvalidArgumentError, match=r"^outlet_id 3 is not 0\.\.2$"):
        limit_at(state, 3, T0)
    with pytest.raises(InvalidArgumentError, match=r"^outlet_id 1\.0 is not 0\.\.2$"):
        composite_schedule(state, 1.0, T0, 60)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match=r"^duration must be a non-negative whole number of seconds, not -1"):
        composite_schedule(state, 1, T0, -1)
    with pytest.raises(InvalidArgumentError, match=r"^unit must be one of 'A', 'W', not 'kW'$"):
        composite_schedule(state, 1, T0, 60, "kW")
    with pytest.raises(InvalidArgumentError, match=r"^unit must be one of 'A', 'W', not 'kW'$"):
        limit_at(state, 1, T0, "kW")  # type: ignore[arg-type]


def test_r1_external_constraints_cap_like_charge_point_max():
    state = installed(
        None,
        (0, profile(1, purpose=Purpose201.CHARGING_STATION_EXTERNAL_CONSTRAINTS, periods=[(0, 10.0)], start=at(-60))),
        (0, profile(2, purpose=ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE, periods=[(0, 12.0)], start=at(-60))),
        (0, profile(3, periods=[(0, 16.0)], start=at(-60))),
    )
    limit = limit_at(state, 1, at(0), A)
    assert limit.value == 10.0
    assert {s.purpose for s in limit.sources} == {
        Purpose201.CHARGING_STATION_EXTERNAL_CONSTRAINTS,
        ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE,
        ChargingProfilePurpose.TX_DEFAULT_PROFILE,
    }


@pytest.mark.parametrize(
    ("kind", "recurrency", "start", "expected_at_one_day"),
    [
        ("Absolute", None, at(-3600), 8.0),  # one run from startSchedule: the second period holds
        ("Recurring", "Daily", at(-3600), 6.0),  # restarts every day: the first period again
        ("Recurring", "Weekly", at(-3600), 8.0),  # restarts only after a week
        ("Relative", None, None, 6.0),  # runs from the window start (no transaction, D8)
    ],
)
def test_r2_each_kind_anchors_its_schedule(kind, recurrency, start, expected_at_one_day):
    p = profile(1, kind=kind, recurrency=recurrency, periods=[(0, 6.0), (7200, 8.0)], start=start)
    state = installed(None, (1, p))
    assert limit_at(state, 1, at(86_400 - 3600 + 60), A).value == expected_at_one_day
