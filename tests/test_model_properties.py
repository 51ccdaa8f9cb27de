"""Hypothesis properties of single-profile validation (SPEC R4, R5, R11, R12, R14).

- every profile `smartcharge.strategies.charging_profiles()` makes is valid: rebuilding it from its own fields
  succeeds and gives an equal value;
- every invalid mutation of a valid profile raises `ProfileValidationError` naming the broken rule, and never
  any other exception.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartcharge import (
    ChargingProfile,
    ChargingProfileKind,
    ChargingRateUnit,
    ChargingSchedule,
    ChargingSchedulePeriod,
    ProfileValidationError,
    RecurrencyKind,
)
from smartcharge.ocpp16 import PURPOSES, ChargingProfilePurpose
from smartcharge.strategies import charging_profiles, instants

Build = Callable[[], object]
Mutation = tuple[str, str, Build]  # (expected rule, description, thunk that must raise)


@given(charging_profiles())
def test_generated_profiles_are_valid(profile: ChargingProfile) -> None:
    schedule = profile.charging_schedule
    periods = tuple(attrs.evolve(p) for p in schedule.charging_schedule_period)
    assert periods == schedule.charging_schedule_period
    rebuilt_schedule = attrs.evolve(schedule, charging_schedule_period=periods)
    assert rebuilt_schedule == schedule
    assert attrs.evolve(profile) == profile
    assert ChargingProfile(**attrs.asdict(profile, recurse=False)) == profile
    assert attrs.evolve(profile, charging_schedules=rebuilt_schedule) == profile


@given(charging_profiles())
def test_generated_profiles_obey_the_single_profile_rules(profile: ChargingProfile) -> None:
    periods = profile.charging_schedule.charging_schedule_period
    assert periods and periods[0].start_period == 0
    assert all(a.start_period < b.start_period for a, b in itertools.pairwise(periods))
    assert all(math.isfinite(p.limit) and p.limit >= 0 for p in periods)
    assert all(p.number_phases in (None, 1, 2, 3) for p in periods)
    for instant in (profile.charging_schedule.start_schedule, profile.valid_from, profile.valid_to):
        assert instant is None or (instant.utcoffset() == timedelta(0) and instant.microsecond == 0)
    if profile.valid_from is not None and profile.valid_to is not None:
        assert profile.valid_from < profile.valid_to
    if profile.charging_profile_kind is ChargingProfileKind.RECURRING:
        assert profile.recurrency_kind is not None
        assert profile.charging_schedule.start_schedule is not None
        assert profile.recurrence_seconds in (86_400, 604_800)
    else:
        assert profile.recurrence_seconds is None  # D11


# --- building blocks for mutations ------------------------------------------------------------------------


def with_periods(profile: ChargingProfile, make_periods: Callable[[], tuple[Any, ...]]) -> Build:
    """A thunk that rebuilds `profile` with the periods `make_periods()` returns (the mutation happens inside)."""

    def build() -> ChargingProfile:
        schedule = attrs.evolve(profile.charging_schedule, charging_schedule_period=make_periods())
        return attrs.evolve(profile, charging_schedules=schedule)

    return build


def with_schedule(profile: ChargingProfile, **changes: Any) -> Build:
    def build() -> ChargingProfile:
        return attrs.evolve(profile, charging_schedules=attrs.evolve(profile.charging_schedule, **changes))

    return build


def with_period(profile: ChargingProfile, index: int, **changes: Any) -> Build:
    periods = profile.charging_schedule.charging_schedule_period

    def make() -> tuple[Any, ...]:
        return (*periods[:index], attrs.evolve(periods[index], **changes), *periods[index + 1 :])

    return with_periods(profile, make)


def with_fields(profile: ChargingProfile, **changes: Any) -> Build:
    return lambda: attrs.evolve(profile, **changes)


ALPHABET = "AWaw kTxPrfilebsoutRDyWekM0-_é"
ENUM_VALUES = {m.value for e in (ChargingProfileKind, RecurrencyKind, ChargingRateUnit) for m in e} | {
    p.name for p in PURPOSES
}
bad_enum_values = st.one_of(
    st.text(ALPHABET, max_size=20).filter(lambda s: s not in ENUM_VALUES),
    st.sampled_from(["a", "w", "kW", "absolute", "TX_PROFILE", "TxProfile ", "Hourly", "Monthly", "Now"]).filter(
        lambda s: s not in ENUM_VALUES
    ),
    st.integers(),
    st.none(),
    st.just(3.5),
)
not_ints = st.one_of(
    st.floats(allow_nan=True),
    st.text(ALPHABET, max_size=5),
    st.booleans(),
    st.just([1]),
)
#: Neither an int nor a non-empty string (R4: a transaction id is one of those).
not_transaction_ids = st.one_of(st.floats(allow_nan=True), st.just(""), st.booleans(), st.just([1]))
positive = st.floats(min_value=0.0, exclude_min=True, allow_infinity=False, allow_nan=False)
naive_instants = instants().map(lambda t: t.replace(tzinfo=None))
OUT_OF_RANGE_INSTANTS = [  # aware, but outside datetime's range once converted to UTC
    datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))),
    datetime(9999, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-1))),
]


MUTATION_KINDS = [
    "negative limit",
    "nan limit",
    "infinite limit",
    "non-number limit",
    "huge integer limit",
    "first startPeriod shifted",
    "duplicate startPeriod",
    "decreasing startPeriod",
    "negative startPeriod",
    "non-int startPeriod",
    "numberPhases out of range",
    "non-int numberPhases",
    "empty periods",
    "non-iterable periods",
    "non-period in periods",
    "negative duration",
    "non-int duration",
    "negative minChargingRate",
    "nan minChargingRate",
    "huge integer minChargingRate",
    "recurring without recurrencyKind",
    "recurring without startSchedule",
    "validFrom >= validTo",
    "naive startSchedule",
    "naive validFrom",
    "naive validTo",
    "non-datetime validTo",
    "instant out of range in UTC",
    "bad purpose",
    "bad kind",
    "bad unit",
    "bad recurrencyKind",
    "non-int stackLevel",
    "negative stackLevel",
    "non-int chargingProfileId",
    "non-int transactionId",
    "schedule not a schedule",
]


@st.composite
def mutations(draw: st.DrawFn, choice: str) -> Mutation:
    """A valid profile and one thing wrong with it, with the rule that must reject it."""
    p = draw(charging_profiles())
    periods = p.charging_schedule.charging_schedule_period
    i = draw(st.integers(0, len(periods) - 1))
    build: Build
    rule = "R4"
    if choice == "negative limit":
        build = with_period(p, i, limit=-draw(positive))
    elif choice == "nan limit":
        build = with_period(p, i, limit=math.nan)
    elif choice == "infinite limit":
        build = with_period(p, i, limit=draw(st.sampled_from([math.inf, -math.inf])))
    elif choice == "non-number limit":
        build = with_period(p, i, limit=draw(st.one_of(st.text(ALPHABET, max_size=4), st.none(), st.just(1j))))
    elif choice == "huge integer limit":
        build = with_period(p, i, limit=draw(st.integers(min_value=2**1024) | st.integers(max_value=-(2**1024))))
    elif choice == "first startPeriod shifted":
        build = with_period(p, 0, start_period=draw(st.integers(1, 100_000)))
    elif choice == "duplicate startPeriod":
        if len(periods) >= 2:
            j = max(i, 1)
            build = with_period(p, j, start_period=periods[j - 1].start_period)
        else:
            build = with_periods(p, lambda: (*periods, periods[-1]))
    elif choice == "decreasing startPeriod":
        later = ChargingSchedulePeriod(periods[-1].start_period + 600, 1.0)
        build = with_periods(p, lambda: (*periods, later, attrs.evolve(later, start_period=later.start_period - 1)))
    elif choice == "negative startPeriod":
        build = with_period(p, i, start_period=draw(st.integers(max_value=-1)))
    elif choice == "non-int startPeriod":
        build = with_period(p, i, start_period=draw(not_ints))
    elif choice == "numberPhases out of range":
        build = with_period(p, i, number_phases=draw(st.one_of(st.integers(max_value=0), st.integers(min_value=4))))
    elif choice == "non-int numberPhases":
        build = with_period(p, i, number_phases=draw(not_ints))
    elif choice == "empty periods":
        build = with_periods(p, tuple)
    elif choice == "non-iterable periods":
        build = with_schedule(p, charging_schedule_period=draw(st.one_of(st.none(), st.integers(), st.floats())))
    elif choice == "non-period in periods":
        intruder = draw(st.one_of(st.none(), st.just((0, 16.0)), st.just({"startPeriod": 0, "limit": 1})))
        build = with_periods(p, lambda: (*periods[:i], intruder, *periods[i + 1 :]))
    elif choice == "negative duration":
        build = with_schedule(p, duration=draw(st.integers(max_value=-1)))
    elif choice == "non-int duration":
        build = with_schedule(p, duration=draw(not_ints))
    elif choice == "negative minChargingRate":
        build = with_schedule(p, min_charging_rate=-draw(positive))
    elif choice == "nan minChargingRate":
        build = with_schedule(p, min_charging_rate=draw(st.sampled_from([math.nan, math.inf, -math.inf])))
    elif choice == "huge integer minChargingRate":
        build = with_schedule(p, min_charging_rate=draw(st.integers(min_value=2**1024)))
    elif choice == "recurring without recurrencyKind":
        rule = "R11"
        build = with_fields(p, charging_profile_kind=ChargingProfileKind.RECURRING, recurrency_kind=None)
    elif choice == "recurring without startSchedule":
        rule = "R12"
        schedule = attrs.evolve(p.charging_schedule, start_schedule=None)
        build = with_fields(
            p,
            charging_profile_kind=ChargingProfileKind.RECURRING,
            recurrency_kind=draw(st.sampled_from(RecurrencyKind)),
            charging_schedules=schedule,
        )
    elif choice == "validFrom >= validTo":
        rule = "R11"
        valid_from = draw(instants())
        valid_to = valid_from - timedelta(seconds=draw(st.integers(0, 86_400)))
        build = with_fields(p, valid_from=valid_from, valid_to=valid_to)
    elif choice == "naive startSchedule":
        rule = "R5"
        build = with_schedule(p, start_schedule=draw(naive_instants))
    elif choice == "naive validFrom":
        rule = "R5"
        build = with_fields(p, valid_from=draw(naive_instants))
    elif choice == "naive validTo":
        rule = "R5"
        build = with_fields(p, valid_to=draw(naive_instants))
    elif choice == "non-datetime validTo":
        rule = "R5"
        build = with_fields(p, valid_to=draw(st.one_of(st.text(ALPHABET, max_size=25), st.integers(), st.dates())))
    elif choice == "instant out of range in UTC":
        rule = "R5"
        field = draw(st.sampled_from(["start_schedule", "valid_from", "valid_to"]))
        instant = draw(st.sampled_from(OUT_OF_RANGE_INSTANTS))
        build = (
            with_schedule(p, start_schedule=instant)
            if field == "start_schedule"
            else with_fields(p, **{field: instant})
        )
    elif choice == "bad purpose":  # anything but a Purpose, a purpose's name included
        rule = "R14"
        names = st.sampled_from([q.name for q in PURPOSES])
        build = with_fields(p, charging_profile_purpose=draw(st.one_of(bad_enum_values, names)))
    elif choice == "bad kind":
        rule = "R14"
        build = with_fields(p, charging_profile_kind=draw(bad_enum_values))
    elif choice == "bad unit":
        rule = "R14"
        build = with_schedule(p, charging_rate_unit=draw(bad_enum_values))
    elif choice == "bad recurrencyKind":
        rule = "R14"
        build = with_fields(p, recurrency_kind=draw(bad_enum_values.filter(lambda v: v is not None)))
    elif choice == "non-int stackLevel":
        build = with_fields(p, stack_level=draw(st.one_of(not_ints, st.none())))
    elif choice == "negative stackLevel":
        build = with_fields(p, stack_level=draw(st.integers(max_value=-1)))
    elif choice == "non-int chargingProfileId":
        build = with_fields(p, charging_profile_id=draw(st.one_of(not_ints, st.none())))
    elif choice == "non-int transactionId":
        build = with_fields(p, transaction_id=draw(not_transaction_ids))
    elif choice == "schedule not a schedule":
        build = with_fields(p, charging_schedules=draw(st.one_of(st.none(), st.just({}), st.just(periods))))
    else:
        raise AssertionError(f"no such mutation: {choice}")
    return rule, choice, build


@pytest.mark.parametrize("kind", MUTATION_KINDS)
@settings(max_examples=max(10, settings().max_examples // 10))  # ~37 kinds: keep the total moderate
@given(data=st.data())
def test_invalid_mutations_always_raise_profile_validation_error(kind: str, data: st.DataObject) -> None:
    rule, description, build = data.draw(mutations(kind))
    with pytest.raises(ProfileValidationError) as info:  # any other exception fails the test
        build()
    assert info.value.rule == rule, (description, info.value)
    assert info.value.message, description


# --- regressions: inputs that once escaped as another exception ----------------------------------------------


@pytest.mark.parametrize("huge", [2**1024, 10**400], ids=["2**1024", "10**400"])
def test_huge_integer_limit_raises_profile_validation_error(huge: int) -> None:
    with pytest.raises(ProfileValidationError) as info:
        ChargingSchedulePeriod(0, huge)
    assert info.value.rule == "R4"
    with pytest.raises(ProfileValidationError) as info:
        ChargingSchedule(ChargingRateUnit.A, [ChargingSchedulePeriod(0, 1.0)], min_charging_rate=huge)
    assert info.value.rule == "R4"


@pytest.mark.parametrize("periods", [None, 5, 1.5])
def test_non_iterable_periods_raise_profile_validation_error(periods: Any) -> None:
    with pytest.raises(ProfileValidationError) as info:
        ChargingSchedule(ChargingRateUnit.A, periods)
    assert info.value.rule == "R4"
    assert "chargingSchedulePeriod" in info.value.message


@pytest.mark.parametrize("instant", OUT_OF_RANGE_INSTANTS, ids=["before-year-1", "after-year-9999"])
def test_instant_out_of_range_in_utc_raises_profile_validation_error(instant: datetime) -> None:
    with pytest.raises(ProfileValidationError) as info:
        ChargingSchedule(ChargingRateUnit.A, [ChargingSchedulePeriod(0, 1.0)], start_schedule=instant)
    assert info.value.rule == "R5"
    with pytest.raises(ProfileValidationError) as info:
        ChargingProfile(
            1,
            0,
            ChargingProfilePurpose.TX_DEFAULT_PROFILE,
            "Relative",
            ChargingSchedule("A", [ChargingSchedulePeriod(0, 1.0)]),
            valid_to=instant,
        )
    assert info.value.rule == "R5"
