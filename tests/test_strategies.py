"""The public Hypothesis strategies (`smartcharge.strategies`) make values the library accepts.

- payloads: the SetChargingProfile handler answers Accepted, or Rejected for a rule of the charge point (the same
  rule `install_profile` names), never a CALLERROR (R6-R10, R14);
- states: built through the real API, they survive the state document unchanged (R17) and `validate` finds no
  problem in them (each profile could be installed again, R6-R10, R15);
- scripts: they replay without a `ScriptError`, every call is answered without a CALLERROR, and `validate` names a
  rule for every Rejected answer.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings

from smartcharge import (
    ChargePointConfig,
    ChargePointState,
    handle_set_charging_profile,
    install_profile,
    profile_from_ocpp,
    replay_script,
    strategies,
)
from smartcharge.documents.state_document import state_from_json, state_to_json
from smartcharge.strategies import (
    BASE,
    charge_point_states,
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
