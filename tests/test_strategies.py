"""The public Hypothesis strategies (`smartcharge.strategies`) make values the library accepts.

- payloads: the SetChargingProfile handler answers Accepted, or Rejected for a rule of the charge point (the same
  rule `install_profile` names), never a CALLERROR (R6-R10, R14);
- states: built through the real API, they survive the state document unchanged (R17) and `validate` finds no
  problem in them (each profile could be installed again, R6-R10, R15);
- scripts: they replay without a `ScriptError`, every call is answered without a CALLERROR, and `validate` names a
  rule for every Rejected answer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import attrs
import pytest
from hypothesis import HealthCheck, Phase, given, settings

from smartcharge import (
    ChargePointConfig,
    ChargePointState,
    ChargingProfileKind,
    ChargingSchedulePeriod,
    InvalidArgumentError,
    handle_set_charging_profile,
    install_profile,
    profile_from_ocpp,
    replay_script,
    strategies,
)
from smartcharge.documents.state_document import state_from_json, state_to_json
from smartcharge.engine.model import PurposeRole
from smartcharge.engine.store import InstalledProfile
from smartcharge.ocpp16 import ChargingProfilePurpose
from smartcharge.ocpp201 import PURPOSES as PURPOSES_201
from smartcharge.ocpp201 import ChargingProfilePurpose as Purpose201
from smartcharge.ocpp201.codec import profile_to_ocpp as profile_to_ocpp_201
from smartcharge.ocpp201.codec import read_profile
from smartcharge.ocpp201.handlers import MAX_TRANSACTION_ID_LENGTH
from smartcharge.ocpp201.rules import judge_profile, profile_refusal
from smartcharge.strategies import (
    BASE,
    charge_point_configs_201,
    charge_point_states,
    charge_point_states_201,
    charging_profiles_201,
    outlet_configs,
    replay_scripts,
    set_charging_profile_payloads,
)
from smartcharge.tools.validate import validate_document

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RULE = re.compile(r"^[RD]\d+$")


def test_every_public_strategy_is_listed_and_built_once():
    for name in ("set_charging_profile_payloads", "charge_point_states", "replay_scripts", "charge_point_configs"):
        assert name in strategies.__all__
        factory = getattr(strategies, name)
        assert factory() is factory()  # cached: the same strategy object, never rebuilt


@FAST
@given(set_charging_profile_payloads(outlet_count=2))
def test_payloads_are_accepted_or_rejected_by_a_rule_never_a_callerror(payload):
    state = ChargePointState(ChargePointConfig(outlet_count=2))
    new_state, response = handle_set_charging_profile(state, payload, BASE)  # raises on a CALLERROR
    profile = profile_from_ocpp(payload["csChargingProfiles"])
    outcome = install_profile(state, payload["connectorId"], profile, BASE)
    assert response == {"status": outcome.status.value}
    assert (response["status"] == "Rejected") == (outcome.rule is not None)
    if response["status"] == "Rejected":
        assert new_state is state
        assert outcome.rule in {"R7", "R9", "R10", "D1"}


@FAST
@given(charge_point_states())
def test_states_round_trip_and_validate_clean(state):
    document = state_to_json(state)
    assert state_from_json(document) == state
    assert validate_document(document) == []


@FAST
@given(replay_scripts())
def test_scripts_replay_and_every_rejection_has_a_rule(script):
    result = replay_script(script)  # no ScriptError
    assert len(result.answers) == sum("call" in event for event in script["events"])
    assert all("error" not in answer for answer in result.answers)
    problems = validate_document(script)
    rejected = sum(answer["response"]["status"] == "Rejected" for answer in result.answers)
    assert (rejected > 0) == bool(problems)
    assert all(RULE.match(p.rule) and p.where.startswith("event ") for p in problems)


# --- OCPP 2.0.1 ------------------------------------------------------------------------------------------------------


def test_every_201_strategy_is_listed_and_built_once():
    for name in ("charging_profiles_201", "charge_point_configs_201", "charge_point_states_201", "outlet_configs"):
        assert name in strategies.__all__
    for factory in (strategies.charge_point_configs_201, strategies.charge_point_states_201, strategies.outlet_configs):
        assert factory() is factory()
    assert strategies.transaction_ids_201() is strategies.transaction_ids_201()


@pytest.mark.parametrize(
    ("call", "says"),
    [
        (lambda: charging_profiles_201(purpose=ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE), "2.0.1 purposes"),
        (lambda: charging_profiles_201(kind="Relative"), "ChargingProfileKind"),
        (
            lambda: charging_profiles_201(
                purpose=Purpose201.CHARGING_STATION_MAX_PROFILE, kind=ChargingProfileKind.RELATIVE
            ),
            "never Relative",
        ),
        (lambda: outlet_configs(0), "outlet_id"),
        (lambda: charge_point_configs_201(0), "max_outlets"),
        (lambda: charge_point_states_201(max_outlets=True), "max_outlets"),
        (lambda: charge_point_states_201(max_profiles=-1), "max_profiles"),
    ],
)
def test_201_strategies_refuse_bad_arguments(call, says):
    with pytest.raises(InvalidArgumentError, match=says):
        call()


@FAST
@given(charging_profiles_201())
def test_s02_s05_201_profiles_pass_the_schema_and_the_rules_of_a_profile(profile):
    # The profile as a CSMS (or, for external constraints, the energy management) sends it passes the official
    # schema and every rule a profile obeys on its own on an EVSE its purpose may use (S2, S3, S5).
    received = read_profile(profile_to_ocpp_201(profile))
    purpose = profile.charging_profile_purpose
    assert purpose in PURPOSES_201
    evse_id = 1 if purpose.role in (PurposeRole.TRANSACTION, PurposeRole.DEFAULT) else 0
    external = purpose.role is PurposeRole.EXTERNAL_CAP
    assert profile_refusal(evse_id, received, from_csms=not external) is None
    assert len(profile.charging_schedules) == 1 and profile.charging_schedule.id is not None
    tx = profile.transaction_id
    if purpose.role is PurposeRole.TRANSACTION:
        assert isinstance(tx, str) and 1 <= len(tx) <= MAX_TRANSACTION_ID_LENGTH
    else:
        assert tx is None
    for period in profile.charging_schedule.charging_schedule_period:
        assert period.phase_to_use is None or period.number_phases == 1  # K01.FR.19
        assert period.limit * 10 == int(period.limit * 10)  # at most one fraction digit


@FAST
@given(charge_point_configs_201())
def test_s09_201_configs_give_every_outlet_its_facts(config):
    for outlet_id in config.outlet_ids:
        outlet = config.outlet(outlet_id)
        assert outlet.supply_phases in (0, 1, 3) and outlet.max_current is not None and outlet.max_current > 0


@FAST
@given(charge_point_states_201())
def test_201_states_hold_only_what_the_station_accepts(state):
    # Each installed profile would be accepted again on its EVSE, the others installed (S1-S9, E1-E4: S8's
    # conflicts and E4 are symmetric), and transaction ids are strings of at most 36 characters (S5).
    for transaction in state.transactions:
        assert isinstance(transaction.transaction_id, str) and len(transaction.transaction_id) <= 36
    for ip in state.profiles:
        others = attrs.evolve(state, profiles=[other for other in state.profiles if other is not ip])
        assert ip.document is not None
        external = ip.profile.charging_profile_purpose.role is PurposeRole.EXTERNAL_CAP
        assert ip.source in (("EMS", "SO", "Other") if external else ("CSO",))
        verdict = judge_profile(others, ip.outlet_id, read_profile(json.loads(ip.document)), from_csms=not external)
        assert verdict == ip.profile


def _periods_of(state: ChargePointState) -> list[tuple[InstalledProfile, ChargingSchedulePeriod]]:
    return [(ip, p) for ip in state.profiles for p in ip.profile.charging_schedule.charging_schedule_period]


#: What a 2.0.1 state should reach often enough that a few hundred examples show each at least once.
CASES_201: dict[str, Callable[[ChargePointState], bool]] = {
    "external cap on an EVSE (E5)": lambda s: any(
        ip.outlet_id > 0 and ip.profile.charging_profile_purpose.role is PurposeRole.EXTERNAL_CAP for ip in s.profiles
    ),
    "external cap on evse 0 (E5)": lambda s: any(
        ip.outlet_id == 0 and ip.profile.charging_profile_purpose.role is PurposeRole.EXTERNAL_CAP for ip in s.profiles
    ),
    "profile on a DC EVSE (S9)": lambda s: any(
        ip.outlet_id > 0 and s.config.outlet(ip.outlet_id).is_dc for ip in s.profiles
    ),
    "phaseToUse installed (S9)": lambda s: any(p.phase_to_use is not None for _, p in _periods_of(s)),
    "TxProfile with a string id (S5)": lambda s: any(isinstance(ip.profile.transaction_id, str) for ip in s.profiles),
    "profile on a 1-phase EVSE (S9)": lambda s: any(
        ip.outlet_id > 0 and s.config.outlet(ip.outlet_id).supply_phases == 1 for ip in s.profiles
    ),
    "EVSE with a maximum of its own (S9)": lambda s: any(
        o.max_current is not None and o.max_current != s.config.outlet_max_current for o in s.config.outlets
    ),
}


def test_201_states_reach_the_interesting_cases():
    seen: set[str] = set()

    @settings(max_examples=300, deadline=None, database=None, phases=[Phase.generate])
    @given(charge_point_states_201())
    def count(state: ChargePointState) -> None:
        seen.update(case for case, holds in CASES_201.items() if holds(state))

    count()
    assert seen == set(CASES_201)
