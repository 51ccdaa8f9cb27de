"""The engine's protocol-neutral vocabulary (docs/glossary.md): outlets, purposes by role, transaction ids of
either protocol, profiles with several schedules. The engine decides by role and outlet number only, so a purpose
it has never heard of works like the OCPP one with the same role, and a string transaction id like an int."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from builders import profile
from hypothesis import given
from hypothesis import strategies as st

from smartcharge import (
    ChargePointConfig,
    ChargePointState,
    ChargingProfile,
    ChargingProfilePurpose,
    ChargingRateUnit,
    ChargingSchedule,
    ChargingSchedulePeriod,
    InstalledProfile,
    Purpose,
    PurposeRole,
    TransactionError,
    clear_profiles,
    composite_schedule,
    end_transaction,
    install_profile,
    limit_at,
    start_transaction,
)
from smartcharge.engine.store import start_sessions

T0 = datetime(2026, 1, 8, 10, 0, tzinfo=timezone.utc)
A = ChargingRateUnit.A
TX = ChargingProfilePurpose.TX_PROFILE

#: Purposes no OCPP version names, one per role.
SITE_CAP = Purpose("SiteCap", PurposeRole.CAP)
GRID_CAP = Purpose("GridOperatorLimit", PurposeRole.EXTERNAL_CAP)
FLEET_DEFAULT = Purpose("FleetDefault", PurposeRole.DEFAULT)
SESSION = Purpose("SessionLimit", PurposeRole.TRANSACTION)
#: Each of them with the OCPP 1.6 purpose of the same role, and the 2.0.1 external constraints for the last role.
TWINS = [
    (SITE_CAP, ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE),
    (FLEET_DEFAULT, ChargingProfilePurpose.TX_DEFAULT_PROFILE),
    (SESSION, ChargingProfilePurpose.TX_PROFILE),
]


def two_outlets() -> ChargePointState:
    return ChargePointState(ChargePointConfig(outlet_count=2))


def install(state: ChargePointState, outlet_id: int, *profiles_: object) -> ChargePointState:
    for p in profiles_:
        outcome = install_profile(state, outlet_id, p, T0)  # type: ignore[arg-type]
        assert outcome.accepted, outcome.reason
        state = outcome.state
    return state


@pytest.mark.parametrize(("own", "ocpp"), TWINS, ids=lambda p: p.name)
def test_r1_a_purpose_of_any_name_acts_by_its_role(own: Purpose, ocpp: Purpose) -> None:
    """R1, R25: the composite of a profile is the same whatever its purpose is called, given the same role."""
    outlet = 0 if own.role.is_cap else 1
    charging = start_transaction(two_outlets(), 1, 7, T0)
    schedule = [(0, 10.0), (600, 14.0)]
    mine = install(charging, outlet, profile(1, purpose=own, periods=schedule, kind="Relative", start=None))
    theirs = install(charging, outlet, profile(1, purpose=ocpp, periods=schedule, kind="Relative", start=None))
    assert composite_schedule(mine, 1, T0, 3_600, A).periods == composite_schedule(theirs, 1, T0, 3_600, A).periods


def test_r25_two_cap_purposes_stack_apart_and_the_least_caps() -> None:
    """R24, R25: each cap purpose has its own stack; the caps combine by minimum, whatever their names."""
    state = install(
        two_outlets(),
        0,
        profile(1, purpose=SITE_CAP, periods=[(0, 20.0)]),
        profile(2, purpose=GRID_CAP, stack=0, periods=[(0, 12.0), (1_800, 25.0)]),
        profile(3, purpose=ChargingProfilePurpose.TX_DEFAULT_PROFILE, periods=[(0, 16.0)]),
    )
    assert [(p.start_period, p.limit) for p in composite_schedule(state, 1, T0, 3_600, A).periods] == [
        (0, 12.0),
        (1_800, 16.0),
    ]
    assert {s.purpose for s in limit_at(state, 1, T0, A).sources} == {
        SITE_CAP,
        GRID_CAP,
        ChargingProfilePurpose.TX_DEFAULT_PROFILE,
    }


def test_r15_purposes_of_one_role_but_other_names_do_not_replace_each_other() -> None:
    """R15: replacement by (purpose, stackLevel, outlet) compares the purpose, not its role."""
    state = install(two_outlets(), 0, profile(1, purpose=ChargingProfilePurpose.TX_DEFAULT_PROFILE))
    outcome = install_profile(state, 0, profile(2, purpose=FLEET_DEFAULT), T0)
    assert outcome.accepted and outcome.replaced == ()
    assert clear_profiles(outcome.state, purpose=FLEET_DEFAULT).cleared == (2,)


@given(st.text(min_size=1, max_size=36))
def test_r19_r18_string_transaction_ids_bind_and_end_like_ints(transaction_id: str) -> None:
    """R18, R19, D1: a transaction id may be a string (OCPP 2.0.1); a TxProfile binds to it and ends with it."""
    tx = profile(5, purpose=TX, kind="Relative", start=None, periods=[(0, 10.0)])
    state = start_transaction(two_outlets(), 1, transaction_id, T0, tx)
    [installed] = state.profiles
    assert installed.profile.transaction_id == transaction_id
    assert state.find_transaction(transaction_id) is not None
    later = install_profile(state, 1, profile(6, purpose=TX, kind="Relative", start=None, stack=1), T0)
    assert later.accepted and later.state.profiles[-1].profile.transaction_id == transaction_id
    ended = end_transaction(later.state, transaction_id)
    assert ended.transactions == () and ended.profiles == ()


def test_d1_a_string_id_is_not_the_int_of_the_same_digits() -> None:
    """D1: a TxProfile for transaction "7" does not bind to transaction 7 (ids compare exactly; an adapter that
    wants another comparison, as OCPP 2.0.1's case-insensitive one, normalises the ids it hands over)."""
    state = start_transaction(two_outlets(), 1, 7, T0)
    outcome = install_profile(state, 1, profile(5, purpose=TX, kind="Relative", start=None, transaction_id="7"), T0)
    assert not outcome.accepted and outcome.rule == "D1"
    with pytest.raises(TransactionError):
        end_transaction(state, "7")


def test_d8_start_sessions_uses_ids_no_transaction_has() -> None:
    """D8: the state 'as if charging now' starts a transaction on every idle outlet under a fresh id, whatever
    the kind of the ids already running."""
    state = start_transaction(two_outlets(), 2, 1, T0 - timedelta(hours=1))
    charging = start_sessions(state, T0)
    assert {(t.outlet_id, t.transaction_id) for t in charging.transactions} == {(1, 2), (2, 1)}
    mixed = start_sessions(start_transaction(two_outlets(), 2, "tx-1", T0), T0)
    assert {t.transaction_id for t in mixed.transactions} == {"tx-1", 1}
    assert start_sessions(charging, T0) is charging  # nothing idle: the same state


def test_only_the_first_schedule_of_a_profile_is_evaluated() -> None:
    """A profile may carry several schedules (OCPP 2.0.1 offers up to three to an ISO 15118 vehicle); the engine
    evaluates the first."""
    first = ChargingSchedule(A, [ChargingSchedulePeriod(0, 10.0)], None, T0)
    second = ChargingSchedule(A, [ChargingSchedulePeriod(0, 30.0)], None, T0)
    both = ChargingProfile(1, 0, ChargingProfilePurpose.TX_DEFAULT_PROFILE, "Absolute", [first, second])
    state = install(two_outlets(), 0, both)
    assert limit_at(state, 1, T0, A).value == 10.0


def test_r27_a_charge_point_without_outlets_has_no_limit_and_no_hardware() -> None:
    state = ChargePointState(ChargePointConfig(outlet_count=0))
    limit = limit_at(state, 0, T0, A)
    assert (limit.value, limit.sources, limit.hardware_limit) == (None, (), 0.0)
    assert isinstance(limit.hardware_limit, float)
    schedule = composite_schedule(state, 0, T0, 60, A)
    assert [(p.start_period, p.limit) for p in schedule.periods] == [(0, None)]


def test_r24_two_profiles_with_one_id_in_a_state_built_directly_evaluate_in_their_order() -> None:
    # install_profile never leaves two profiles with one id; a state built directly may hold them, and is still
    # evaluated: equal stackLevel, outlet and id, so the one given first governs.
    first, second = profile(1, periods=((0, 10.0),)), profile(1, periods=((0, 20.0),))
    state = ChargePointState(
        ChargePointConfig(outlet_count=1),
        profiles=(InstalledProfile(1, first, T0), InstalledProfile(1, second, T0)),
    )
    assert limit_at(state, 1, T0, A).value == 10.0
    for duration in (60, 86_400):  # a short window read from limit_at's answers, a long one swept
        assert [p.limit for p in composite_schedule(state, 1, T0, duration, A).periods] == [10.0]
