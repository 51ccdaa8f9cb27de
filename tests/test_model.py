"""One test per rule a single profile obeys on its own (SPEC R3, R4, R5, R11, R12, R13, D11)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest

from smartcharge import (
    ChargingProfile,
    ChargingProfileKind,
    ChargingProfilePurpose,
    ChargingRateUnit,
    ChargingSchedule,
    ChargingSchedulePeriod,
    ProfileValidationError,
    Purpose,
    PurposeRole,
    RecurrencyKind,
)
from smartcharge.engine.units import amps_to_watts, convert, watts_to_amps

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)


def schedule(**overrides: Any) -> ChargingSchedule:
    fields: dict[str, Any] = {
        "charging_rate_unit": ChargingRateUnit.A,
        "charging_schedule_period": (ChargingSchedulePeriod(0, 16.0), ChargingSchedulePeriod(600, 10.0)),
        "start_schedule": T0,
    }
    fields.update(overrides)
    return ChargingSchedule(**fields)


def profile(**overrides: Any) -> ChargingProfile:
    fields: dict[str, Any] = {
        "charging_profile_id": 1,
        "stack_level": 0,
        "charging_profile_purpose": ChargingProfilePurpose.TX_DEFAULT_PROFILE,
        "charging_profile_kind": ChargingProfileKind.ABSOLUTE,
        "charging_schedules": schedule(),
    }
    fields.update(overrides)
    return ChargingProfile(**fields)


def rejects(rule: str, build: Any, *words: str) -> ProfileValidationError:
    with pytest.raises(ProfileValidationError) as info:
        build()
    assert info.value.rule == rule, info.value
    for word in words:
        assert word in info.value.message, (word, info.value.message)
    return info.value


# --- R3 units ---------------------------------------------------------------------------------------------


def test_r3_watts_are_amps_times_voltage_times_phases() -> None:
    assert amps_to_watts(16.0, 230.0, 3) == pytest.approx(11_040.0)
    assert amps_to_watts(16.0, 230.0, 1) == pytest.approx(3_680.0)
    assert amps_to_watts(10.0, 120.0, 2) == pytest.approx(2_400.0)


def test_r3_amps_are_watts_over_voltage_times_phases() -> None:
    assert watts_to_amps(11_040.0, 230.0, 3) == pytest.approx(16.0)
    assert watts_to_amps(7_360.0, 230.0, 1) == pytest.approx(32.0)


def test_r3_default_is_three_phases_at_230_volts() -> None:
    assert amps_to_watts(10.0) == pytest.approx(6_900.0)
    assert watts_to_amps(6_900.0) == pytest.approx(10.0)
    assert convert(10.0, ChargingRateUnit.A, ChargingRateUnit.W) == pytest.approx(6_900.0)
    assert convert(6_900.0, ChargingRateUnit.W, ChargingRateUnit.A) == pytest.approx(10.0)
    assert convert(6_900.0, ChargingRateUnit.W, ChargingRateUnit.W) == 6_900.0


# --- R4 periods -------------------------------------------------------------------------------------------


def test_r4_empty_periods_rejected() -> None:
    rejects("R4", lambda: schedule(charging_schedule_period=()), "chargingSchedulePeriod", "empty")


def test_r4_first_start_period_must_be_zero() -> None:
    rejects(
        "R4",
        lambda: schedule(charging_schedule_period=(ChargingSchedulePeriod(60, 16.0),)),
        "chargingSchedulePeriod[0].startPeriod",
        "60",
    )


def test_r4_start_periods_strictly_increasing() -> None:
    periods = (ChargingSchedulePeriod(0, 16.0), ChargingSchedulePeriod(600, 8.0), ChargingSchedulePeriod(600, 6.0))
    error = rejects("R4", lambda: schedule(charging_schedule_period=periods), "chargingSchedulePeriod[2]")
    assert error.message == "chargingSchedulePeriod[2].startPeriod 600 is not after 600"


def test_r4_decreasing_start_period_message_names_the_field() -> None:
    periods = (ChargingSchedulePeriod(600, 16.0), ChargingSchedulePeriod(0, 8.0))
    # the first start is checked first...
    rejects("R4", lambda: schedule(charging_schedule_period=periods), "chargingSchedulePeriod[0].startPeriod")
    periods = (ChargingSchedulePeriod(0, 16.0), ChargingSchedulePeriod(600, 8.0), ChargingSchedulePeriod(0, 4.0))
    error = rejects("R4", lambda: schedule(charging_schedule_period=periods))
    # ...then each later one against its predecessor
    assert error.message == "chargingSchedulePeriod[2].startPeriod 0 is not after 600"


def test_r4_error_text_starts_with_the_rule() -> None:
    bad = (ChargingSchedulePeriod(0, 16.0), ChargingSchedulePeriod(600, 8.0), ChargingSchedulePeriod(300, 4.0))
    error = rejects("R4", lambda: schedule(charging_schedule_period=bad))
    assert str(error) == "R4: chargingSchedulePeriod[2].startPeriod 300 is not after 600"


@pytest.mark.parametrize("limit", [-0.1, -16.0, math.nan, math.inf, -math.inf])
def test_r4_limit_must_be_finite_and_not_negative(limit: float) -> None:
    rejects("R4", lambda: ChargingSchedulePeriod(0, limit), "limit")


def test_r4_zero_and_integer_limits_accepted() -> None:
    assert ChargingSchedulePeriod(0, 0.0).limit == 0.0
    period = ChargingSchedulePeriod(0, 16)
    assert period.limit == 16.0
    assert isinstance(period.limit, float)


@pytest.mark.parametrize("phases", [0, 4, -1])
def test_r4_number_phases_in_one_to_three(phases: int) -> None:
    rejects("R4", lambda: ChargingSchedulePeriod(0, 16.0, phases), "numberPhases", str(phases))


@pytest.mark.parametrize("phases", [None, 1, 2, 3])
def test_r4_number_phases_absent_or_one_to_three_accepted(phases: int | None) -> None:
    assert ChargingSchedulePeriod(0, 16.0, phases).number_phases == phases


def test_r4_negative_min_charging_rate_rejected() -> None:
    rejects("R4", lambda: schedule(min_charging_rate=-1.0), "minChargingRate")
    rejects("R4", lambda: schedule(min_charging_rate=math.nan), "minChargingRate")
    assert schedule(min_charging_rate=0.0).min_charging_rate == 0.0
    assert schedule(min_charging_rate=6).min_charging_rate == 6.0


def test_r4_negative_start_period_and_duration_rejected() -> None:
    rejects("R4", lambda: ChargingSchedulePeriod(-1, 16.0), "startPeriod")
    rejects("R4", lambda: schedule(duration=-1), "duration")
    assert schedule(duration=0).duration == 0


# --- R5 times ---------------------------------------------------------------------------------------------


def test_r5_naive_start_schedule_rejected() -> None:
    rejects("R5", lambda: schedule(start_schedule=datetime(2026, 1, 5, 8, 0)), "startSchedule", "UTC offset")


def test_r5_naive_valid_from_and_valid_to_rejected() -> None:
    rejects("R5", lambda: profile(valid_from=datetime(2026, 1, 5)), "validFrom")
    rejects("R5", lambda: profile(valid_to=datetime(2026, 1, 6)), "validTo")


def test_r5_non_datetime_instant_rejected() -> None:
    rejects("R5", lambda: schedule(start_schedule="2026-01-05T08:00:00Z"), "startSchedule")
    rejects("R5", lambda: profile(valid_from=T0.date()), "validFrom")


def test_r5_fractional_seconds_floored() -> None:
    s = schedule(start_schedule=datetime(2026, 1, 5, 8, 0, 0, 999_999, tzinfo=timezone.utc))
    assert s.start_schedule == T0
    assert s.start_schedule is not None and s.start_schedule.microsecond == 0
    p = profile(valid_from=T0 + timedelta(microseconds=500_000), valid_to=T0 + timedelta(seconds=1, microseconds=1))
    assert p.valid_from == T0
    assert p.valid_to == T0 + timedelta(seconds=1)


def test_r5_offsets_normalised_to_utc() -> None:
    cet = timezone(timedelta(hours=1))
    s = schedule(start_schedule=datetime(2026, 1, 5, 9, 0, tzinfo=cet))
    assert s.start_schedule == T0
    assert s.start_schedule is not None and s.start_schedule.utcoffset() == timedelta(0)
    assert s.start_schedule.tzinfo is timezone.utc
    p = profile(valid_to=datetime(2026, 1, 5, 3, 0, tzinfo=timezone(timedelta(hours=-5))))
    assert p.valid_to == T0
    assert p.valid_to is not None and p.valid_to.tzinfo is timezone.utc


# --- R11 recurrencyKind and validity ----------------------------------------------------------------------


def test_r11_recurring_needs_recurrency_kind() -> None:
    rejects("R11", lambda: profile(charging_profile_kind=ChargingProfileKind.RECURRING), "recurrencyKind")
    daily = profile(charging_profile_kind=ChargingProfileKind.RECURRING, recurrency_kind=RecurrencyKind.DAILY)
    assert daily.recurrence_seconds == 86_400
    weekly = profile(charging_profile_kind="Recurring", recurrency_kind="Weekly")
    assert weekly.recurrency_kind is RecurrencyKind.WEEKLY
    assert weekly.recurrence_seconds == 604_800


def test_r11_valid_from_must_be_before_valid_to() -> None:
    rejects("R11", lambda: profile(valid_from=T0, valid_to=T0), "validFrom", "validTo")
    rejects("R11", lambda: profile(valid_from=T0 + timedelta(hours=1), valid_to=T0), "validFrom")
    ok = profile(valid_from=T0, valid_to=T0 + timedelta(seconds=1))
    assert ok.valid_to is not None and ok.valid_from is not None and ok.valid_from < ok.valid_to


def test_r11_validity_compared_after_flooring_to_the_second() -> None:
    # 08:00:00.2 and 08:00:00.9 are the same instant once floored (R5), so validFrom is not before validTo
    rejects(
        "R11",
        lambda: profile(valid_from=T0 + timedelta(microseconds=200_000), valid_to=T0 + timedelta(microseconds=900_000)),
    )


# --- R12 / D4 missing startSchedule -----------------------------------------------------------------------


def test_r12_recurring_without_start_schedule_rejected_d4() -> None:
    rejects(
        "R12",
        lambda: profile(
            charging_profile_kind=ChargingProfileKind.RECURRING,
            recurrency_kind=RecurrencyKind.DAILY,
            charging_schedules=schedule(start_schedule=None),
        ),
        "startSchedule",
    )


def test_r12_absolute_without_start_schedule_anchored_at_start_of_charging() -> None:
    p = profile(charging_schedules=schedule(start_schedule=None))
    assert p.charging_schedule.start_schedule is None
    assert p.anchored_at_start_of_charging is True
    assert profile().anchored_at_start_of_charging is False


# --- R13 / D5 Relative with startSchedule -----------------------------------------------------------------


def test_r13_relative_with_start_schedule_accepted() -> None:
    p = profile(charging_profile_kind=ChargingProfileKind.RELATIVE)
    assert p.charging_schedule.start_schedule == T0
    assert p.anchored_at_start_of_charging is True
    assert profile(
        charging_profile_kind=ChargingProfileKind.RELATIVE, charging_schedules=schedule(start_schedule=None)
    ).anchored_at_start_of_charging


# --- D11 recurrencyKind outside Recurring -----------------------------------------------------------------


@pytest.mark.parametrize("kind", [ChargingProfileKind.ABSOLUTE, ChargingProfileKind.RELATIVE])
@pytest.mark.parametrize("recurrency", list(RecurrencyKind))
def test_d11_recurrency_kind_on_absolute_or_relative_ignored(
    kind: ChargingProfileKind, recurrency: RecurrencyKind
) -> None:
    p = profile(charging_profile_kind=kind, recurrency_kind=recurrency)
    assert p.recurrency_kind is recurrency
    assert p.recurrence_seconds is None


# --- R14 enum values (model side) -------------------------------------------------------------------------


def test_r14_bad_enum_values_rejected_with_rule() -> None:
    rejects("R14", lambda: profile(charging_profile_purpose="TxSometimes"), "chargingProfilePurpose")
    rejects("R14", lambda: profile(charging_profile_kind="Once"), "chargingProfileKind")
    rejects("R14", lambda: profile(recurrency_kind="Monthly"), "recurrencyKind")
    rejects("R14", lambda: schedule(charging_rate_unit="kW"), "chargingRateUnit")
    rejects("R14", lambda: profile(charging_profile_purpose="TxProfile"), "must be a Purpose")  # a name is not one
    assert profile(charging_profile_kind="Relative").charging_profile_kind is ChargingProfileKind.RELATIVE


def test_r1_a_purpose_is_a_name_and_a_role_and_the_set_is_open() -> None:
    own = Purpose("SiteLimit", PurposeRole.CAP)
    assert profile(charging_profile_purpose=own).charging_profile_purpose is own
    assert own.role.is_cap and PurposeRole.EXTERNAL_CAP.is_cap
    assert not PurposeRole.DEFAULT.is_cap and not PurposeRole.TRANSACTION.is_cap
    assert Purpose("TxProfile", PurposeRole.TRANSACTION) == ChargingProfilePurpose.TX_PROFILE
    assert Purpose("TxProfile", PurposeRole.DEFAULT) != ChargingProfilePurpose.TX_PROFILE
    rejects("R14", lambda: Purpose("", PurposeRole.CAP), "name")
    rejects("R14", lambda: Purpose("Cap", "cap"), "role")  # type: ignore[arg-type]


def test_a_profile_holds_one_or_more_schedules_and_evaluates_the_first() -> None:
    first, second = schedule(), schedule(charging_rate_unit=ChargingRateUnit.W)
    both = profile(charging_schedules=[first, second])
    assert both.charging_schedules == (first, second) and both.charging_schedule is first
    assert profile(charging_schedules=first).charging_schedules == (first,)
    rejects("R4", lambda: profile(charging_schedules=[]), "empty")
    rejects("R4", lambda: profile(charging_schedules=[first, "x"]), "chargingSchedule[1]")


@pytest.mark.parametrize("transaction_id", [7, "tx-7", "7"])
def test_r4_transaction_ids_are_ints_or_non_empty_strings(transaction_id: int | str) -> None:
    assert profile(transaction_id=transaction_id).transaction_id == transaction_id


@pytest.mark.parametrize("transaction_id", ["", True, 1.0, b"7"])
def test_r4_other_transaction_ids_are_rejected(transaction_id: object) -> None:
    rejects("R4", lambda: profile(transaction_id=transaction_id), "transactionId")


def test_profiles_are_frozen_values() -> None:
    p = profile()
    assert p == profile()
    assert hash(p) == hash(profile())
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        p.stack_level = 3  # type: ignore[misc]
