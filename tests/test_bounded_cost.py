"""Bounded cost (issue "Robustness"): years-long windows, a state at the largest configured size and a 2^31-second
duration are answered with work and memory that follow the *answer's* size (the changes of limit in the window),
never the number of seconds in it; what would be unbounded is refused by a documented limit.

The pass criteria are structural: the exact number of periods, or an upper bound on it, and the peak of memory
allocated while answering (`tracemalloc`), which a structure per second (or per minute) of a 10-year window
would blow by orders of magnitude. No test asserts a duration. A generous alarm turns a hang into a failure.

Documented limits (docs/testing.md): GetCompositeSchedule answers windows up to `MAX_COMPOSITE_DURATION`
(31 days) and rejects longer ones; a charge point has at most `MAX_OUTLET_COUNT` (1,000) connectors.
"""

from __future__ import annotations

import signal
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any, TypeVar

import pytest
from builders import T0, at
from schema import assert_valid_response

from smartcharge import (
    ChargePointConfig,
    ChargePointState,
    ChargingProfile,
    ChargingSchedule,
    ChargingSchedulePeriod,
    ScriptError,
    composite_schedule,
    install_profile,
    limit_at,
    next_change,
    replay_script,
    start_transaction,
)
from smartcharge.engine.model import MAX_OUTLET_COUNT
from smartcharge.ocpp16 import (
    ChargingProfilePurpose,
    handle_get_composite_schedule,
    handle_set_charging_profile,
    profile_to_ocpp,
)
from smartcharge.ocpp16.handlers import MAX_COMPOSITE_DURATION

CPMAX = ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE
TXDEFAULT = ChargingProfilePurpose.TX_DEFAULT_PROFILE
TX = ChargingProfilePurpose.TX_PROFILE

_T = TypeVar("_T")

TEN_YEARS = 3_653 * 86_400
MEGABYTE = 1 << 20
HANG_GUARD_SECONDS = 600


@pytest.fixture(autouse=True)
def hang_guard() -> Iterator[None]:
    """Fails a test that runs for 10 minutes instead of letting it block the suite (a guard, not a criterion)."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"still running after {HANG_GUARD_SECONDS} s: unbounded work?")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(HANG_GUARD_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def with_peak_memory(compute: Callable[[], _T]) -> tuple[_T, int]:
    """`compute()` and the peak of memory allocated while it ran, in bytes."""
    tracemalloc.start()
    try:
        result = compute()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def schedule(unit: str, periods: Any, start: datetime | None = None, duration: int | None = None) -> ChargingSchedule:
    return ChargingSchedule(unit, [ChargingSchedulePeriod(*p) for p in periods], duration, start)


def accept(state: ChargePointState, outlet_id: int, profile: ChargingProfile) -> ChargePointState:
    outcome = install_profile(state, outlet_id, profile, T0)
    assert outcome.accepted, outcome.reason
    return outcome.state


# --- ten years --------------------------------------------------------------------------------------------------

MIDNIGHT = datetime(2026, 1, 8, tzinfo=T0.tzinfo)
DAILY_CHANGES = (0, 6 * 3_600, 18 * 3_600)  # 16 A, then 10 A on one phase, then 32 A, every day


def daily_state() -> ChargePointState:
    """Two connectors, both under a Daily TxDefaultProfile (on connector 0) with three changes a day."""
    daily = ChargingProfile(
        1, 0, ChargingProfilePurpose.TX_DEFAULT_PROFILE, "Recurring",
        schedule("A", [(0, 16.0), (DAILY_CHANGES[1], 10.0, 1), (DAILY_CHANGES[2], 32.0)], MIDNIGHT),
        recurrency_kind="Daily",
    )  # fmt: skip
    return accept(ChargePointState(ChargePointConfig(outlet_count=2)), 0, daily)


def expected_daily_starts(start: datetime, duration: int) -> list[int]:
    """Offsets from `start` of the Daily profile's changes inside [start, start + duration), and 0."""
    begin = int((start - MIDNIGHT).total_seconds())
    changes = [day * 86_400 + c for day in range(duration // 86_400 + 2) for c in DAILY_CHANGES]
    return [0, *(c - begin for c in changes if begin < c < begin + duration)]


@pytest.mark.parametrize("outlet_id", [0, 1, 2])
def test_ten_year_composite_has_exactly_one_period_per_change(outlet_id: int) -> None:
    state = daily_state()
    result, peak = with_peak_memory(lambda: composite_schedule(state, outlet_id, T0, TEN_YEARS, "A"))
    starts = [p.start_period for p in result.periods]
    assert starts == expected_daily_starts(T0, TEN_YEARS)
    assert len(starts) == 1 + 3 * 3_653  # the first period, then three changes a day for 3,653 days
    assert peak < 32 * MEGABYTE  # a structure per minute of ten years alone would be 5 million entries


def test_ten_year_composite_of_one_shot_profiles_is_as_small_as_their_changes() -> None:
    """Absolute and Relative profiles change a few times: ten years of them are a few periods and little memory."""
    state = ChargePointState(ChargePointConfig(outlet_count=2))
    state = start_transaction(state, 1, 7, at(-600))
    state = accept(state, 0, ChargingProfile(1, 0, TXDEFAULT, "Absolute", schedule("W", [(0, 11_000.0)], T0)))
    state = accept(
        state, 1, ChargingProfile(2, 1, TX, "Relative", schedule("A", [(0, 6.0), (900, 8.0)], duration=3_600))
    )
    state = accept(state, 0, ChargingProfile(3, 0, CPMAX, "Absolute", schedule("A", [(0, 20.0)], T0)))
    for outlet_id in (0, 1, 2):
        result, peak = with_peak_memory(lambda c=outlet_id: composite_schedule(state, c, T0, TEN_YEARS, "A"))
        assert 1 <= len(result.periods) <= 4
        assert peak < 2 * MEGABYTE


# --- the largest configured state: 1,000 profiles of 1,024 periods -------------------------------------------------

PROFILES, PERIODS = 1_000, 1_024
BIG_CONFIG = ChargePointConfig(outlet_count=2, max_periods=PERIODS, max_profiles=PROFILES, max_stack_level=PROFILES)


@pytest.fixture(scope="module")
def big_state() -> ChargePointState:
    """1,000 Absolute TxDefaultProfiles of 1,024 one-minute periods each, on connectors 0, 1 and 2 in turn, stack
    levels 0..999, starting 37 s apart from an hour before T0: installed one by one, as SetChargingProfile would."""
    periods = tuple(ChargingSchedulePeriod(60 * j, 6.0 + j % 26) for j in range(PERIODS))
    state = ChargePointState(BIG_CONFIG)
    for i in range(PROFILES):
        start = at(-3_600 + 37 * i)
        profile = ChargingProfile(i + 1, i, TXDEFAULT, "Absolute", ChargingSchedule("A", periods, None, start))
        state = accept(state, i % 3, profile)
    assert len(state.profiles) == PROFILES
    return state


def test_big_state_is_full_and_refuses_more(big_state: ChargePointState) -> None:
    """The configured limits (R10) are what bounds the state: a 1,001st profile and a 1,025-period one are
    Rejected."""
    more = ChargingProfile(5_000, 0, TXDEFAULT, "Absolute", schedule("A", [(0, 6.0)], T0))
    assert install_profile(big_state, 2, more, T0).status.value == "Rejected"
    longer = [{"startPeriod": 60 * j, "limit": 6.0} for j in range(PERIODS + 1)]
    body = {**profile_to_ocpp(big_state.profiles[0].profile), "chargingProfileId": 1}
    body["chargingSchedule"] = {**body["chargingSchedule"], "chargingSchedulePeriod": longer}
    new_state, response = handle_set_charging_profile(big_state, {"connectorId": 0, "csChargingProfiles": body}, T0)
    assert response == {"status": "Rejected"}
    assert new_state is big_state


def test_big_state_answers_a_day_with_at_most_one_period_per_change(big_state: ChargePointState) -> None:
    """A day holds at most one change per period start and profile start (1,000 x 1,024) and per second (86,400);
    the answer stays within that, sorted, with limits that come from the profiles."""
    state, response = handle_get_composite_schedule(big_state, {"connectorId": 1, "duration": 86_400}, T0)
    assert state is big_state
    assert_valid_response("GetCompositeSchedule", response)
    periods = response["chargingSchedule"]["chargingSchedulePeriod"]
    starts = [p["startPeriod"] for p in periods]
    assert starts[0] == 0
    assert starts == sorted(set(starts))
    assert len(periods) <= min(86_400, PROFILES * PERIODS)
    assert all(6.0 <= p["limit"] <= 31.0 for p in periods)
    # After the last profile started (T0 + 33,363 s) only its own one-minute periods change the limit.
    assert len([s for s in starts if s > 33_363]) <= (86_400 - 33_363) // 60 + 1


def test_big_state_answers_instants_and_the_next_change(big_state: ChargePointState) -> None:
    """limit_at and next_change on the largest state give the composite's answer without building a day."""
    composite = composite_schedule(big_state, 1, T0, 3_600, "A")
    for offset in (0, 59, 60, 1_799, 3_599):
        period = [p for p in composite.periods if p.start_period <= offset][-1]
        assert limit_at(big_state, 1, at(offset), "A").value == period.limit
    change = next_change(big_state, 1, T0)
    assert change is not None
    assert change == at(composite.periods[1].start_period)


def test_big_state_whole_charge_point_for_an_hour(big_state: ChargePointState) -> None:
    result = composite_schedule(big_state, 0, T0, 3_600, "A")
    assert 1 <= len(result.periods) <= 3_600
    assert all(p.limit is not None and 12.0 <= p.limit <= 62.0 for p in result.periods)  # two connectors' sum


# --- a 2^31-second duration ------------------------------------------------------------------------------------

TWO_POW_31 = 2**31


def test_2_31_second_composite_of_bounded_profiles_is_small() -> None:
    """The core answers 2^31 s (68 years) in a handful of periods when the profiles change a handful of times,
    a Weekly one included (it ends with its validTo)."""
    weekly = ChargingProfile(
        4, 2, TXDEFAULT, "Recurring", schedule("A", [(0, 8.0), (7_200, 16.0)], MIDNIGHT),
        recurrency_kind="Weekly", valid_to=MIDNIGHT + timedelta(days=14),
    )  # fmt: skip
    state = accept(ChargePointState(ChargePointConfig(outlet_count=1)), 0, weekly)
    result, peak = with_peak_memory(lambda: composite_schedule(state, 1, T0, TWO_POW_31, "W"))
    assert [p.start_period for p in result.periods] == [
        0,
        *(int((MIDNIGHT + timedelta(days=d, seconds=s) - T0).total_seconds()) for d in (7,) for s in (0, 7_200)),
        int((MIDNIGHT + timedelta(days=14) - T0).total_seconds()),
    ]
    assert result.periods[-1].limit is None  # after validTo nothing limits
    assert peak < 2 * MEGABYTE


@pytest.mark.parametrize("duration", [MAX_COMPOSITE_DURATION + 1, TWO_POW_31, 2**63])
def test_get_composite_schedule_beyond_the_maximum_duration_is_rejected(duration: int) -> None:
    """Documented limit: a window longer than 31 days is Rejected (an answer would have a period per change)."""
    state = daily_state()
    new_state, response = handle_get_composite_schedule(state, {"connectorId": 1, "duration": duration}, T0)
    assert response == {"status": "Rejected"}
    assert new_state is state


def test_get_composite_schedule_at_the_maximum_duration_is_answered() -> None:
    state = daily_state()
    _, response = handle_get_composite_schedule(state, {"connectorId": 0, "duration": MAX_COMPOSITE_DURATION}, T0)
    assert_valid_response("GetCompositeSchedule", response)
    assert response["status"] == "Accepted"
    starts = [p["startPeriod"] for p in response["chargingSchedule"]["chargingSchedulePeriod"]]
    assert starts == expected_daily_starts(T0, MAX_COMPOSITE_DURATION)


def test_the_maximum_duration_can_be_chosen_by_the_caller() -> None:
    state = daily_state()
    payload = {"connectorId": 1, "duration": 86_400}
    assert handle_get_composite_schedule(state, payload, T0, max_duration=3_600)[1] == {"status": "Rejected"}
    assert handle_get_composite_schedule(state, payload, T0, max_duration=86_400)[1]["status"] == "Accepted"


@pytest.mark.parametrize("ahead", [TWO_POW_31, 10 * TWO_POW_31])
def test_next_change_far_ahead_is_found_without_walking_there(ahead: int) -> None:
    """The only change 2^31 s (or 680 years) ahead is found directly: it jumps to the next fixed instant."""
    far = ChargingProfile(1, 0, TXDEFAULT, "Absolute", schedule("A", [(0, 10.0)], T0), valid_from=at(ahead))
    state = accept(ChargePointState(ChargePointConfig(outlet_count=1)), 0, far)
    change, peak = with_peak_memory(lambda: next_change(state, 1, T0))
    assert change == at(ahead)
    assert peak < 2 * MEGABYTE


def test_next_change_of_a_daily_profile_starting_far_ahead() -> None:
    start = at(TWO_POW_31)
    daily = ChargingProfile(
        1, 0, ChargingProfilePurpose.TX_DEFAULT_PROFILE, "Recurring", schedule("A", [(0, 10.0), (3_600, 20.0)], start),
        recurrency_kind="Daily",
    )  # fmt: skip
    state = accept(ChargePointState(ChargePointConfig(outlet_count=1)), 0, daily)
    assert next_change(state, 1, T0) == start
    assert next_change(state, 1, start) == start + timedelta(hours=1)


# --- connectors --------------------------------------------------------------------------------------------------


def test_connector_count_is_bounded() -> None:
    """Documented limit: connector 0's answers visit every connector, so their number is bounded."""
    assert ChargePointConfig(outlet_count=MAX_OUTLET_COUNT).outlet_count == 1_000
    with pytest.raises(ValueError, match="exceeds the maximum"):
        ChargePointConfig(outlet_count=MAX_OUTLET_COUNT + 1)
    with pytest.raises(ScriptError, match="outlet_count"):
        replay_script({"config": {"connectorCount": 10**44}, "events": []})


def test_the_most_connectors_answer_for_the_whole_charge_point() -> None:
    state = ChargePointState(ChargePointConfig(outlet_count=MAX_OUTLET_COUNT))
    result = composite_schedule(state, 0, T0, 86_400, "A")
    assert len(result.periods) == 1
    assert result.hardware_limit == MAX_OUTLET_COUNT * 32.0
