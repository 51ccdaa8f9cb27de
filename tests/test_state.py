"""The profile store (SPEC R5-R10, R15-R20, R32 and D1-D3, D6, D12): what it accepts, and the rule and words of
each refusal."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import builders
import pytest
from builders import T0
from hypothesis import event, given
from hypothesis import strategies as st

from smartcharge import (
    ChargePointConfig,
    ChargePointState,
    ChargingProfile,
    ChargingProfileKind,
    ChargingRateUnit,
    ChargingSchedule,
    ChargingSchedulePeriod,
    ClearStatus,
    InstalledProfile,
    InstallOutcome,
    InstallStatus,
    NaiveDatetimeError,
    Purpose,
    Transaction,
    TransactionError,
    clear_profiles,
    end_transaction,
    install_profile,
    limit_at,
    start_transaction,
)
from smartcharge.engine.store import renumber_transaction
from smartcharge.ocpp16 import ChargingProfilePurpose
from smartcharge.ocpp201 import ChargingProfilePurpose as Purpose201
from smartcharge.strategies import charging_profiles

CPMAX = ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE
TXDEFAULT = ChargingProfilePurpose.TX_DEFAULT_PROFILE
TX = ChargingProfilePurpose.TX_PROFILE
EXTERNAL = Purpose201.CHARGING_STATION_EXTERNAL_CONSTRAINTS

NOW = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)
LATER = NOW + timedelta(minutes=5)


def make(
    id: int = 1,
    purpose: Purpose = TXDEFAULT,
    stack_level: int = 0,
    *,
    transaction_id: int | None = None,
    periods: int = 1,
    unit: ChargingRateUnit = ChargingRateUnit.A,
    kind: ChargingProfileKind = ChargingProfileKind.RELATIVE,
) -> ChargingProfile:
    schedule = ChargingSchedule(unit, tuple(ChargingSchedulePeriod(600 * k, 16.0) for k in range(periods)))
    return ChargingProfile(id, stack_level, purpose, kind, schedule, transaction_id=transaction_id)


def station(connectors: int = 2, **config: Any) -> ChargePointState:
    return ChargePointState(config=ChargePointConfig(outlet_count=connectors, **config))


def accepted(state: ChargePointState, outlet_id: int, profile: ChargingProfile) -> ChargePointState:
    outcome = install_profile(state, outlet_id, profile, NOW)
    assert outcome.status is InstallStatus.ACCEPTED, outcome
    assert outcome.accepted
    return outcome.state


def rejected(state: ChargePointState, outlet_id: int, profile: ChargingProfile, rule: str) -> InstallOutcome:
    outcome = install_profile(state, outlet_id, profile, NOW)
    assert outcome.status is InstallStatus.REJECTED, outcome
    assert not outcome.accepted
    assert outcome.rule == rule, outcome
    assert outcome.reason
    assert outcome.state is state  # R16
    return outcome


def ids(state: ChargePointState) -> set[int]:
    return {ip.profile.charging_profile_id for ip in state.profiles}


def where(state: ChargePointState, id: int) -> int:
    (connector,) = [ip.outlet_id for ip in state.profiles if ip.profile.charging_profile_id == id]
    return connector


def small() -> ChargePointState:
    """Two outlets, stack levels up to 3, two periods a schedule, two profiles installed at most."""
    return station(2, max_stack_level=3, max_periods=2, max_profiles=2)


def refusal(state: ChargePointState, outlet_id: int, candidate: ChargingProfile) -> tuple[str | None, str]:
    """The rule and reason of a rejected install, which leaves `state` as it was and replaces nothing (R16)."""
    outcome = install_profile(state, outlet_id, candidate, T0)
    assert outcome.status is InstallStatus.REJECTED
    assert outcome.state is state
    assert outcome.replaced == ()
    return outcome.rule, outcome.reason


# --- R6 outlet ids ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("outlet_id", [-1, 3, 99])
def test_r6_unknown_connector_rejected(outlet_id: int) -> None:
    rejected(station(2), outlet_id, make(), "R6")


@pytest.mark.parametrize("outlet_id", [0, 1, 2])
def test_r6_connector_zero_and_one_to_n_accepted(outlet_id: int) -> None:
    state = accepted(station(2), outlet_id, make())
    assert where(state, 1) == outlet_id


@pytest.mark.parametrize("outlet_id", [-1, 3, "1"])
def test_r6_an_unknown_outlet_is_rejected_naming_it_and_the_outlets_there_are(outlet_id: object) -> None:
    assert refusal(small(), outlet_id, builders.profile(1)) == ("R6", f"outlet {outlet_id} is not 0..2")  # type: ignore[arg-type]


# --- R7 ChargePointMaxProfile -----------------------------------------------------------------------------


def test_r7_charge_point_max_only_on_connector_zero() -> None:
    rejected(station(2), 1, make(purpose=CPMAX), "R7")
    rejected(station(2), 2, make(purpose=CPMAX), "R7")
    assert ids(accepted(station(2), 0, make(purpose=CPMAX))) == {1}


@pytest.mark.parametrize("outlet_id", [0, 1, 2])
def test_e5_an_external_cap_goes_on_the_whole_charge_point_or_on_one_outlet(outlet_id: int) -> None:
    state = accepted(station(2), outlet_id, make(purpose=EXTERNAL))
    assert [(ip.outlet_id, ip.profile.charging_profile_purpose) for ip in state.profiles] == [(outlet_id, EXTERNAL)]


def test_r7_a_cap_on_an_outlet_is_rejected_naming_both_outlets() -> None:
    assert refusal(small(), 1, builders.profile(1, purpose=CPMAX)) == (
        "R7",
        "a ChargePointMaxProfile goes on outlet 0, not outlet 1",
    )


# --- R8 TxDefaultProfile ----------------------------------------------------------------------------------


def test_r8_tx_default_on_connector_zero_or_one_connector() -> None:
    state = accepted(station(2), 0, make(1, TXDEFAULT, 0))
    state = accepted(state, 1, make(2, TXDEFAULT, 0))
    state = accepted(state, 2, make(3, TXDEFAULT, 0))
    assert {(ip.outlet_id, ip.profile.charging_profile_id) for ip in state.profiles} == {(0, 1), (1, 2), (2, 3)}


# --- R9 / D1 TxProfile ------------------------------------------------------------------------------------


def test_r9_tx_profile_needs_connector_above_zero() -> None:
    state = start_transaction(station(2), 1, 7, NOW)
    rejected(state, 0, make(purpose=TX), "R9")


def test_r9_tx_profile_needs_active_transaction() -> None:
    rejected(station(2), 1, make(purpose=TX), "R9")
    state = start_transaction(station(2), 1, 7, NOW)
    rejected(state, 2, make(purpose=TX), "R9")
    assert ids(accepted(state, 1, make(purpose=TX))) == {1}


def test_d1_tx_profile_without_transaction_id_binds_to_active_transaction() -> None:
    state = accepted(start_transaction(station(2), 1, 7, NOW), 1, make(purpose=TX))
    (installed,) = state.profiles
    assert installed.profile.transaction_id == 7
    assert installed.outlet_id == 1
    assert installed.installed_at == NOW


def test_d1_tx_profile_for_another_transaction_rejected() -> None:
    state = start_transaction(station(2), 1, 7, NOW)
    outcome = rejected(state, 1, make(purpose=TX, transaction_id=8), "D1")
    assert "8" in outcome.reason and "7" in outcome.reason
    state = accepted(state, 1, make(purpose=TX, transaction_id=7))
    assert state.profiles[0].profile.transaction_id == 7


def test_r9_d1_a_refused_tx_profile_says_which_outlet_or_transaction_is_wrong() -> None:
    tx = builders.profile(1, purpose=TX, kind="Relative", start=None)
    assert refusal(small(), 0, tx) == ("R9", "a TxProfile needs an outlet > 0")
    assert refusal(small(), 2, tx) == ("R9", "a TxProfile needs an active transaction, and outlet 2 has none")
    charging = start_transaction(small(), 2, 7, T0)
    other = builders.profile(1, purpose=TX, kind="Relative", start=None, transaction_id=8)
    assert refusal(charging, 2, other) == (
        "D1",
        "transactionId 8 is not the active transaction 7 on outlet 2",
    )


# --- R10 configuration limits (D2, D3) ---------------------------------------------------------------------


def test_r10_stack_level_above_max_rejected_d2_max_itself_allowed() -> None:
    state = station(1, max_stack_level=3)
    rejected(state, 0, make(stack_level=4), "R10")
    assert accepted(state, 0, make(stack_level=3)).profiles[0].profile.stack_level == 3


def test_r10_too_many_periods_rejected() -> None:
    state = station(1, max_periods=3)
    rejected(state, 0, make(periods=4), "R10")
    assert len(accepted(state, 0, make(periods=3)).profiles[0].profile.charging_schedule.charging_schedule_period) == 3


def test_r10_unit_not_allowed_rejected() -> None:
    state = station(1, allowed_rate_units=("A",))
    rejected(state, 0, make(unit=ChargingRateUnit.W), "R10")
    assert ids(accepted(state, 0, make(unit=ChargingRateUnit.A))) == {1}


def test_r10_beyond_max_profiles_rejected() -> None:
    state = station(2, max_profiles=2)
    state = accepted(state, 0, make(1, stack_level=0))
    state = accepted(state, 0, make(2, stack_level=1))
    rejected(state, 0, make(3, stack_level=2), "R10")
    assert ids(state) == {1, 2}


def test_r10_d3_replacement_at_capacity_works() -> None:
    state = station(2, max_profiles=2)
    state = accepted(state, 0, make(1, stack_level=0))
    state = accepted(state, 0, make(2, stack_level=1))
    # same id: replaces
    by_id = install_profile(state, 1, make(1, stack_level=5), NOW)
    assert by_id.accepted and by_id.replaced == (1,)
    assert len(by_id.state.profiles) == 2
    assert where(by_id.state, 1) == 1
    # same (purpose, stackLevel, connector), new id: replaces
    by_key = install_profile(state, 0, make(9, stack_level=1), NOW)
    assert by_key.accepted and by_key.replaced == (2,)
    assert ids(by_key.state) == {1, 9}


def test_r10_d2_each_limit_is_refused_naming_value_and_limit_and_the_limit_itself_is_allowed() -> None:
    state = small()
    assert refusal(state, 0, builders.profile(1, stack=4)) == (
        "R10",
        "stackLevel 4 exceeds ChargeProfileMaxStackLevel 3",
    )
    assert install_profile(state, 0, builders.profile(1, stack=3), T0).accepted  # D2: the maximum itself is allowed
    three = builders.profile(1, periods=((0, 6.0), (60, 7.0), (120, 8.0)))
    assert refusal(state, 0, three) == ("R10", "3 periods exceed ChargingScheduleMaxPeriods 2")
    assert install_profile(state, 0, builders.profile(1, periods=((0, 6.0), (60, 7.0))), T0).accepted
    watts_only = ChargePointState(ChargePointConfig(allowed_rate_units=("W",)))
    assert refusal(watts_only, 0, builders.profile(1, unit="A")) == (
        "R10",
        "unit A is not in ChargingScheduleAllowedChargingRateUnit W",
    )
    both = ChargePointState(ChargePointConfig(allowed_rate_units=("W", "A"), max_stack_level=10))
    assert install_profile(both, 0, builders.profile(1, unit="A"), T0).accepted
    full = builders.installed(small(), (0, builders.profile(1, stack=0)), (0, builders.profile(2, stack=1)))
    assert refusal(full, 0, builders.profile(3, stack=2)) == (
        "R10",
        "MaxChargingProfilesInstalled 2 profiles are installed already",
    )


def test_r10_reason_lists_every_allowed_unit() -> None:
    """The list is comma-separated (a configuration may name a unit twice)."""
    twice = ChargePointState(ChargePointConfig(allowed_rate_units=("W", "W")))
    assert refusal(twice, 0, builders.profile(1, unit="A")) == (
        "R10",
        "unit A is not in ChargingScheduleAllowedChargingRateUnit W,W",
    )


def test_d3_at_capacity_a_profile_replacing_one_by_id_is_accepted() -> None:
    full = builders.installed(small(), (0, builders.profile(1, stack=0)), (0, builders.profile(2, stack=1)))
    outcome = install_profile(full, 0, builders.profile(2, stack=2), T0)
    assert outcome.accepted and outcome.replaced == (2,)


# --- R15 replacement (D6) ---------------------------------------------------------------------------------


def test_r15_same_id_anywhere_replaced() -> None:
    state = start_transaction(station(2), 2, 7, NOW)
    state = accepted(state, 1, make(5, TXDEFAULT, 2))
    outcome = install_profile(state, 0, make(5, CPMAX, 0), LATER)
    assert outcome.accepted
    assert outcome.replaced == (5,)
    (installed,) = outcome.state.profiles
    assert installed.outlet_id == 0
    assert installed.profile.charging_profile_purpose is CPMAX
    assert installed.installed_at == LATER
    outcome = install_profile(outcome.state, 2, make(5, TX, 1), LATER)
    assert outcome.accepted and outcome.replaced == (5,)
    assert [ip.profile.charging_profile_purpose for ip in outcome.state.profiles] == [TX]


def test_r15_same_purpose_stack_level_and_connector_replaced() -> None:
    state = accepted(station(2), 1, make(1, TXDEFAULT, 3))
    outcome = install_profile(state, 1, make(2, TXDEFAULT, 3), NOW)
    assert outcome.accepted and outcome.replaced == (1,)
    assert ids(outcome.state) == {2}


def test_r15_replaces_by_id_and_by_key_at_once() -> None:
    state = accepted(station(2), 1, make(1, TXDEFAULT, 3))
    state = accepted(state, 0, make(2, TXDEFAULT, 4))
    outcome = install_profile(state, 1, make(2, TXDEFAULT, 3), NOW)
    assert outcome.accepted
    assert sorted(outcome.replaced) == [1, 2]
    (installed,) = outcome.state.profiles
    assert (installed.outlet_id, installed.profile.charging_profile_id) == (1, 2)


def test_r15_d6_other_connector_or_purpose_or_level_not_replaced() -> None:
    state = accepted(station(2), 1, make(1, TXDEFAULT, 3))
    state = accepted(state, 2, make(2, TXDEFAULT, 3))  # D6: another connector
    state = accepted(state, 0, make(3, TXDEFAULT, 3))  # D6: connector 0 is another connector too
    state = accepted(state, 1, make(4, TXDEFAULT, 2))  # another stack level
    state = accepted(state, 0, make(5, CPMAX, 3))  # another purpose
    assert ids(state) == {1, 2, 3, 4, 5}


def test_r15_accepted_reasons_name_what_was_replaced() -> None:
    state = builders.installed(small(), (0, builders.profile(1, stack=0)), (0, builders.profile(2, stack=1)))
    outcome = install_profile(state, 0, builders.profile(1, stack=1), T0)  # same id as 1, same stack level as 2
    assert (outcome.status, outcome.reason, outcome.replaced, outcome.rule) == (
        InstallStatus.ACCEPTED,
        "installed, replacing 1, 2",
        (1, 2),
        None,
    )
    fresh = install_profile(small(), 0, builders.profile(1), T0)
    assert (fresh.reason, fresh.replaced, fresh.accepted) == ("installed", (), True)


def test_r15_same_key_on_another_connector_or_purpose_is_not_replaced() -> None:
    state = builders.installed(small(), (1, builders.profile(1, stack=1)))
    for outlet_id, candidate in (
        (2, builders.profile(2, stack=1)),
        (0, builders.profile(3, stack=1, purpose=CPMAX)),
    ):
        outcome = install_profile(state, outlet_id, candidate, T0)
        assert outcome.replaced == ()
        assert len(outcome.state.profiles) == 2


# --- R16 atomicity ----------------------------------------------------------------------------------------


def test_r16_rejected_install_returns_the_same_state_object() -> None:
    state = accepted(station(2, max_profiles=1, max_stack_level=2), 1, make(1, TXDEFAULT, 0))
    for connector, profile, rule in [
        (5, make(2), "R6"),
        (1, make(2, CPMAX), "R7"),
        (1, make(2, TX), "R9"),
        (1, make(2, stack_level=3), "R10"),
        (2, make(2, stack_level=1), "R10"),
    ]:
        outcome = rejected(state, connector, profile, rule)
        assert outcome.state is state
        assert outcome.replaced == ()
    assert ids(state) == {1}


def test_r16_accepted_install_leaves_the_old_state_untouched() -> None:
    before = accepted(station(2), 1, make(1, TXDEFAULT, 0))
    snapshot = before.profiles
    after = accepted(before, 1, make(2, TXDEFAULT, 0))
    assert before.profiles is snapshot and ids(before) == {1}
    assert ids(after) == {2}
    assert after != before


# --- R18 end of transaction -------------------------------------------------------------------------------


def test_r18_ending_a_transaction_removes_its_tx_profiles() -> None:
    state = start_transaction(station(2), 1, 7, NOW)
    state = start_transaction(state, 2, 8, NOW)
    state = accepted(state, 1, make(1, TX, 0))
    state = accepted(state, 1, make(2, TX, 1))
    state = accepted(state, 2, make(3, TX, 0))
    state = accepted(state, 1, make(4, TXDEFAULT, 0))
    state = accepted(state, 0, make(5, CPMAX, 0))
    ended = end_transaction(state, 7)
    assert ids(ended) == {3, 4, 5}
    assert ended.transaction_on(1) is None
    assert ended.find_transaction(8) is not None
    assert ids(end_transaction(ended, 8)) == {4, 5}


def test_r18_ending_an_unknown_transaction_raises() -> None:
    with pytest.raises(TransactionError):
        end_transaction(station(2), 7)


def test_renumbering_a_transaction_keeps_its_outlet_start_and_tx_profiles() -> None:
    state = start_transaction(station(2), 1, -1, NOW, profile=make(1, TX, 2))
    state = start_transaction(state, 2, 8, NOW)
    state = accepted(state, 2, make(2, TX, 0))
    renumbered = renumber_transaction(state, -1, 41)
    assert renumbered.transaction_on(1) == Transaction(1, 41, NOW)
    assert renumbered.find_transaction(-1) is None
    assert renumbered.transaction_on(2) == state.transaction_on(2)
    by_id = {ip.profile.charging_profile_id: ip for ip in renumbered.profiles}
    assert by_id[1].profile.transaction_id == 41 and by_id[1].installed_at == NOW
    assert by_id[2] == {ip.profile.charging_profile_id: ip for ip in state.profiles}[2]
    assert install_profile(renumbered, 1, make(3, TX, 2, transaction_id=41), LATER).replaced == (1,)
    assert ids(end_transaction(renumbered, 41)) == {2}
    assert renumber_transaction(renumbered, 41, -1) == state
    assert renumber_transaction(state, 8, 8) is state


def test_renumbering_refuses_an_unknown_transaction_or_an_id_in_use() -> None:
    state = start_transaction(start_transaction(station(2), 1, 7, NOW), 2, 8, NOW)
    with pytest.raises(TransactionError, match="transaction 9 is not active"):
        renumber_transaction(state, 9, 10)
    with pytest.raises(TransactionError, match="transaction 8 is already active"):
        renumber_transaction(state, 7, 8)


@given(charging_profiles(), st.integers(0, 3600))
def test_renumbering_changes_no_limit(profile: ChargingProfile, offset: int) -> None:
    state = start_transaction(station(2), 1, 7, NOW)
    outcome = install_profile(state, 1, attrs.evolve(profile, transaction_id=None), NOW)
    event(f"installed: {outcome.accepted}")
    renumbered = renumber_transaction(outcome.state, 7, 12)
    at = NOW + timedelta(seconds=offset)
    assert limit_at(renumbered, 1, at) == limit_at(outcome.state, 1, at)


# --- R19 RemoteStartTransaction profile -------------------------------------------------------------------


def test_r19_start_transaction_with_tx_profile_binds_it() -> None:
    state = start_transaction(station(2), 1, 7, NOW, profile=make(1, TX, 2))
    (installed,) = state.profiles
    assert installed.profile.transaction_id == 7
    assert installed.outlet_id == 1
    assert installed.installed_at == NOW
    assert state.transaction_on(1) is not None and state.transaction_on(1).transaction_id == 7  # type: ignore[union-attr]


def test_r19_later_tx_profile_with_same_stack_level_replaces_it() -> None:
    state = start_transaction(station(2), 1, 7, NOW, profile=make(1, TX, 2))
    outcome = install_profile(state, 1, make(2, TX, 2, transaction_id=7), LATER)
    assert outcome.accepted and outcome.replaced == (1,)
    assert ids(outcome.state) == {2}
    assert ids(accepted(state, 1, make(3, TX, 1))) == {1, 3}  # another stack level stacks


def test_r19_start_transaction_profile_must_be_a_tx_profile() -> None:
    with pytest.raises(TransactionError):
        start_transaction(station(2), 1, 7, NOW, profile=make(1, TXDEFAULT, 0))
    with pytest.raises(TransactionError):
        start_transaction(station(2), 1, 7, NOW, profile=make(1, TX, 0, transaction_id=8))


def test_r18_r19_d12_a_refused_start_or_end_of_a_transaction_says_why() -> None:
    state = start_transaction(small(), 1, 7, T0)
    with pytest.raises(TransactionError, match=r"^outlet 3 is not 1\.\.2$"):
        start_transaction(state, 3, 8, T0)
    with pytest.raises(TransactionError, match=r"^outlet 0 is not 1\.\.2$"):
        start_transaction(state, 0, 8, T0)
    with pytest.raises(TransactionError, match=r"^outlet 1 already has an active transaction$"):
        start_transaction(state, 1, 8, T0)
    with pytest.raises(TransactionError, match=r"^transaction 7 is already active$"):
        start_transaction(state, 2, 7, T0)
    with pytest.raises(TransactionError, match=r"^transaction 8 is not active$"):
        end_transaction(state, 8)
    default = builders.profile(1)
    with pytest.raises(
        TransactionError,
        match=r"^RemoteStartTransaction's profile must be a transaction profile \(TxProfile\), not TxDefaultProfile$",
    ):
        start_transaction(state, 2, 8, T0, default)
    other = builders.profile(1, purpose=TX, kind="Relative", start=None, transaction_id=9)
    with pytest.raises(
        TransactionError, match=r"^RemoteStartTransaction's profile must not name another transactionId \(R19\)$"
    ):
        start_transaction(state, 2, 8, T0, other)
    too_high = builders.profile(1, purpose=TX, kind="Relative", start=None, stack=9)
    with pytest.raises(TransactionError, match=r"^RemoteStartTransaction's profile was rejected: stackLevel 9 exceeds"):
        start_transaction(state, 2, 8, T0, too_high)
    same = builders.profile(1, purpose=TX, kind="Relative", start=None, transaction_id=8)
    assert start_transaction(state, 2, 8, T0, same).profiles[0].profile.transaction_id == 8


# --- R20 TxDefaultProfile during a transaction ------------------------------------------------------------


def test_r20_tx_default_installed_while_transaction_runs_is_in_state() -> None:
    state = start_transaction(station(2), 1, 7, NOW)
    state = accepted(state, 0, make(1, TXDEFAULT, 0))
    state = accepted(state, 1, make(2, TXDEFAULT, 1))
    assert ids(state) == {1, 2}
    assert state.transaction_on(1) is not None
    cleared = clear_profiles(state, id=2)
    assert cleared.status is ClearStatus.ACCEPTED
    assert ids(cleared.state) == {1}
    assert cleared.state.transaction_on(1) == state.transaction_on(1)


# --- R32 ClearChargingProfile -----------------------------------------------------------------------------


def populated() -> ChargePointState:
    state = start_transaction(station(2), 1, 7, NOW)
    state = accepted(state, 0, make(1, CPMAX, 0))
    state = accepted(state, 0, make(2, TXDEFAULT, 0))
    state = accepted(state, 1, make(3, TXDEFAULT, 1))
    state = accepted(state, 2, make(4, TXDEFAULT, 1))
    return accepted(state, 1, make(5, TX, 1))


def test_r32_id_wins_over_other_criteria() -> None:
    outcome = clear_profiles(populated(), id=3, outlet_id=2, purpose=CPMAX, stack_level=0)
    assert outcome.status is ClearStatus.ACCEPTED
    assert outcome.cleared == (3,)
    assert ids(outcome.state) == {1, 2, 4, 5}


def test_r32_no_criteria_clears_everything() -> None:
    state = populated()
    outcome = clear_profiles(state)
    assert outcome.status is ClearStatus.ACCEPTED
    assert sorted(outcome.cleared) == [1, 2, 3, 4, 5]
    assert outcome.state.profiles == ()
    assert outcome.state.transactions == state.transactions


def test_r32_criteria_are_and_ed() -> None:
    state = populated()
    assert sorted(clear_profiles(state, stack_level=1).cleared) == [3, 4, 5]
    assert sorted(clear_profiles(state, purpose=TXDEFAULT, stack_level=1).cleared) == [3, 4]
    outcome = clear_profiles(state, outlet_id=1, purpose=TXDEFAULT, stack_level=1)
    assert outcome.cleared == (3,)
    assert ids(outcome.state) == {1, 2, 4, 5}
    assert sorted(clear_profiles(state, outlet_id=0).cleared) == [1, 2]


def test_r32_nothing_cleared_is_unknown() -> None:
    state = populated()
    for criteria in [
        {"id": 99},
        {"id": 99, "outlet_id": 1},
        {"outlet_id": 2, "purpose": CPMAX},
        {"stack_level": 7},
    ]:
        outcome = clear_profiles(state, **criteria)
        assert outcome.status is ClearStatus.UNKNOWN, criteria
        assert outcome.cleared == ()
        assert outcome.state is state
    assert clear_profiles(station(2)).status is ClearStatus.UNKNOWN


# --- R5 instants given to the store -----------------------------------------------------------------------

NAIVE = datetime(2026, 1, 8, 10, 0)


@pytest.mark.parametrize(("name", "call"), [
    ("now", lambda s: install_profile(s, 0, builders.profile(1), NAIVE)),
    ("start", lambda s: start_transaction(s, 1, 7, NAIVE)),
    ("installed_at", lambda s: InstalledProfile(outlet_id=0, profile=builders.profile(1), installed_at=NAIVE)),
])  # fmt: skip
def test_r5_a_naive_instant_given_to_the_store_is_refused_naming_the_argument(name: str, call: Any) -> None:
    with pytest.raises(NaiveDatetimeError, match=rf"^{name} 2026-01-08T10:00:00 has no UTC offset"):
        call(small())


# --- states built by hand, compared by value --------------------------------------------------------------


def test_a_state_built_by_hand_refuses_a_transaction_on_an_unknown_or_busy_outlet_saying_why() -> None:
    """R6: a transaction is on one of the outlets 1..N, one at a time; the state keeps its transactions in outlet
    order."""
    config = ChargePointConfig(outlet_count=2)
    with pytest.raises(ValueError, match=r"^transaction 7 is on unknown outlet 3$"):
        ChargePointState(config, transactions=[Transaction(3, 7, T0)])
    with pytest.raises(ValueError, match=r"^outlet 1 has more than one active transaction$"):
        ChargePointState(config, transactions=[Transaction(1, 7, T0), Transaction(1, 8, T0)])
    both = ChargePointState(config, transactions=[Transaction(2, 8, T0), Transaction(1, 7, T0)])
    assert [t.outlet_id for t in both.transactions] == [1, 2]


def test_states_hash_by_value() -> None:
    """R17 compares states by value (`from_json(to_json(x)) == x`): equal states hash alike, others mostly not."""
    states = [builders.installed(small(), (0, builders.profile(i, stack=1))) for i in range(1, 41)]
    assert hash(states[0]) == hash(builders.installed(small(), (0, builders.profile(1, stack=1))))
    assert len({hash(s) for s in states}) > 30
    assert ChargePointState(ChargePointConfig()).__eq__(object()) is NotImplemented


# --- properties ---------------------------------------------------------------------------------------------


def check_invariants(state: ChargePointState) -> None:
    profiles = state.profiles
    assert len(profiles) <= state.config.max_profiles
    all_ids = [ip.profile.charging_profile_id for ip in profiles]
    assert len(all_ids) == len(set(all_ids)), all_ids
    keys = [(ip.profile.charging_profile_purpose, ip.profile.stack_level, ip.outlet_id) for ip in profiles]
    assert len(keys) == len(set(keys)), keys
    for ip in profiles:
        assert 0 <= ip.outlet_id <= state.config.outlet_count
        assert ip.profile.stack_level <= state.config.max_stack_level
        if ip.profile.charging_profile_purpose is TX:
            active = state.transaction_on(ip.outlet_id)
            assert active is not None and active.transaction_id == ip.profile.transaction_id  # R9, D1, R18
        if ip.profile.charging_profile_purpose is CPMAX:
            assert ip.outlet_id == 0  # R7 (an external cap may sit on an outlet: E5)


@st.composite
def scripts(draw: st.DrawFn) -> tuple[ChargePointConfig, list[tuple[Any, ...]]]:
    """A small charge point and a sequence of installs, clears and transaction starts/ends."""
    config = ChargePointConfig(
        outlet_count=draw(st.integers(1, 3)),
        max_stack_level=draw(st.integers(0, 4)),
        max_periods=draw(st.integers(1, 6)),
        max_profiles=draw(st.integers(1, 5)),
        allowed_rate_units=draw(st.sampled_from([("A", "W"), ("A",), ("W",)])),
    )
    pool = draw(
        st.lists(
            charging_profiles(max_stack_level=config.max_stack_level, max_periods=config.max_periods + 1),
            min_size=1,
            max_size=3,
        )
    )
    n = config.outlet_count
    transaction_ids = st.integers(1, 4)
    ops: list[tuple[Any, ...]] = []
    for _ in range(draw(st.integers(4, 30))):
        what = draw(st.sampled_from(["install", "install", "install", "start", "start", "end", "clear"]))
        if what == "install":
            purpose = draw(st.sampled_from([TXDEFAULT, TX, CPMAX, EXTERNAL]))
            fitting = st.just(0) if purpose in (CPMAX, EXTERNAL) else st.integers(1 if purpose is TX else 0, n)
            connector = draw(st.one_of(fitting, st.integers(-1, n + 1)))  # often fitting, now and then not (R6-R9)
            ops.append(
                (
                    what,
                    connector,
                    draw(st.sampled_from(pool)),
                    draw(st.integers(1, 8)),
                    purpose,
                    draw(st.integers(0, config.max_stack_level + 1)),
                    draw(st.one_of(st.none(), transaction_ids)),
                )
            )
        elif what == "start":
            ops.append((what, draw(st.integers(1, n)), draw(transaction_ids)))
        elif what == "end":
            ops.append((what, draw(transaction_ids)))
        else:
            ops.append(
                (
                    what,
                    draw(st.one_of(st.none(), st.integers(1, 8))),
                    draw(st.one_of(st.none(), st.integers(0, n))),
                    draw(st.one_of(st.none(), st.sampled_from([CPMAX, TXDEFAULT, TX]))),
                    draw(st.one_of(st.none(), st.integers(0, config.max_stack_level))),
                )
            )
    return config, ops


@given(scripts())
def test_store_invariants_hold_and_rejections_change_nothing(script: tuple[ChargePointConfig, list[Any]]) -> None:
    config, ops = script
    state = ChargePointState(config=config)
    t = NOW
    for op in ops:
        t += timedelta(seconds=30)
        if op[0] == "install":
            _, connector, base, pid, purpose, level, txid = op
            profile = attrs.evolve(
                base,
                charging_profile_id=pid,
                charging_profile_purpose=purpose,
                stack_level=level,
                transaction_id=txid,
            )
            before_profiles = state.profiles
            outcome = install_profile(state, connector, profile, t)
            event(f"install {outcome.rule or 'accepted'}" + (" replacing" if outcome.replaced else ""))
            if len(outcome.state.profiles) == config.max_profiles:
                event("at capacity")
            if outcome.accepted:
                new = [ip for ip in outcome.state.profiles if ip.profile.charging_profile_id == pid]
                assert len(new) == 1 and new[0].outlet_id == connector and new[0].installed_at == t
                expected = profile if purpose is not TX or txid is not None else new[0].profile
                assert new[0].profile == expected
                assert set(outcome.replaced) <= {ip.profile.charging_profile_id for ip in before_profiles}
                assert len(outcome.state.profiles) == len(before_profiles) - len(outcome.replaced) + 1
            else:
                assert outcome.state is state  # R16: the very same object...
                assert outcome.state == state and state.profiles is before_profiles  # ...unchanged
                assert outcome.rule is not None and outcome.replaced == ()
            state = outcome.state
        elif op[0] == "start":
            _, connector, txid = op
            if state.transaction_on(connector) is None and state.find_transaction(txid) is None:
                state = start_transaction(state, connector, txid, t)
                assert state.transaction_on(connector) is not None
            else:
                with pytest.raises(TransactionError):
                    start_transaction(state, connector, txid, t)
        elif op[0] == "end":
            _, txid = op
            if state.find_transaction(txid) is None:
                with pytest.raises(TransactionError):
                    end_transaction(state, txid)
            else:
                state = end_transaction(state, txid)
                assert state.find_transaction(txid) is None
        else:
            _, cid, connector, purpose, level = op
            cleared = clear_profiles(state, id=cid, outlet_id=connector, purpose=purpose, stack_level=level)
            assert len(cleared.state.profiles) == len(state.profiles) - len(cleared.cleared)
            assert (cleared.status is ClearStatus.UNKNOWN) == (cleared.cleared == ())
            if cleared.status is ClearStatus.UNKNOWN:
                assert cleared.state is state
            state = cleared.state
        check_invariants(state)
