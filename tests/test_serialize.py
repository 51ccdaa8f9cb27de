"""A whole charge point state to JSON and back without loss (SPEC R17, E§3.37)."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from builders import T0, at, installed, profile
from hypothesis import given, settings
from hypothesis import strategies as st

from smartcharge import (
    ChargePointConfig,
    ChargePointState,
    ChargingProfilePurpose,
    SmartChargingError,
    TransactionError,
    end_transaction,
    install_profile,
    start_transaction,
)
from smartcharge.documents.state_document import (
    StateDocumentError,
    dumps,
    loads,
    ocpp_version_of,
    state_from_json,
    state_to_json,
)
from smartcharge.errors import DocumentError, DocumentProblem
from smartcharge.ocpp201 import ChargingProfilePurpose as Purpose201
from smartcharge.strategies import (
    charge_point_configs,
    charge_point_configs_201,
    charge_point_states_201,
    charging_profiles,
    instants,
)


def sample_state() -> ChargePointState:
    state = installed(
        ChargePointState(ChargePointConfig(outlet_count=2, voltage=400.0, allowed_rate_units=("W", "A"))),
        (0, profile(1, purpose=ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE, unit="W", periods=((0, 22000.0),))),
        (0, profile(2, kind="Recurring", recurrency="Weekly", periods=((0, 16.0), (3600, 8.0, 1)))),
        (0, profile(3, purpose=Purpose201.CHARGING_STATION_EXTERNAL_CONSTRAINTS, stack=1)),
        now=at(-3600),
    )
    tx = profile(4, purpose=ChargingProfilePurpose.TX_PROFILE, kind="Relative", start=None, duration=1800)
    return start_transaction(state, 2, 77, T0, tx)


def test_r17_document_shape() -> None:
    document = state_to_json(sample_state())
    assert document["format"] == "smartcharge-state"
    assert document["version"] == 1
    assert document["config"]["connectorCount"] == 2
    assert document["config"]["chargingScheduleAllowedChargingRateUnit"] == ["W", "A"]
    assert document["transactions"] == [{"connectorId": 2, "transactionId": 77, "start": "2026-01-08T10:00:00Z"}]
    tx = next(p for p in document["profiles"] if p["chargingProfile"]["chargingProfileId"] == 4)
    assert tx["connectorId"] == 2
    assert tx["installedAt"] == "2026-01-08T10:00:00Z"
    assert tx["chargingProfile"]["transactionId"] == 77
    assert tx["chargingProfile"]["chargingProfilePurpose"] == "TxProfile"


def test_r17_round_trip_of_a_sample_state() -> None:
    state = sample_state()
    assert state_from_json(state_to_json(state)) == state
    assert loads(dumps(state)) == state
    assert loads(dumps(state, indent=2)) == state


def test_r17_empty_state_round_trips() -> None:
    assert loads(dumps(ChargePointState())) == ChargePointState()


@st.composite
def states(draw: st.DrawFn) -> ChargePointState:
    """States built through the real API: installs on any connector, transactions starting (some with a
    RemoteStart profile) and ending."""
    state = ChargePointState(draw(charge_point_configs()))
    now = draw(instants())
    next_transaction = 1
    for _ in range(draw(st.integers(0, 12))):
        now += timedelta(seconds=draw(st.integers(0, 3600)))
        step = draw(st.sampled_from(["install", "install", "install", "start", "end"]))
        if step == "install":
            outlet_id = draw(st.integers(0, state.config.outlet_count))
            new = draw(charging_profiles(max_stack_level=state.config.max_stack_level, ids=st.integers(1, 20)))
            state = install_profile(state, outlet_id, new, now).state
        elif step == "start":
            idle = [c for c in state.config.outlet_ids if state.transaction_on(c) is None]
            if idle:
                remote = draw(
                    st.none() | charging_profiles(purpose=ChargingProfilePurpose.TX_PROFILE, max_stack_level=3)
                )
                try:
                    state = start_transaction(state, draw(st.sampled_from(idle)), next_transaction, now, remote)
                except TransactionError:
                    state = start_transaction(state, draw(st.sampled_from(idle)), next_transaction, now)
                next_transaction += 1
        elif state.transactions:
            state = end_transaction(state, draw(st.sampled_from(state.transactions)).transaction_id)
    return state


@settings(deadline=None)
@given(states())
def test_r17_round_trip_of_states_built_through_the_api(state: ChargePointState) -> None:
    document = state_to_json(state)
    assert state_from_json(document) == state
    assert loads(json.dumps(document)) == state


def broken(change: Any) -> dict[str, Any]:
    document = state_to_json(sample_state())
    change(document)
    return document


@pytest.mark.parametrize(
    ("document", "words"),
    [
        ([], "JSON object"),
        ({"version": 1}, "format"),
        (broken(lambda d: d.update(format="something-else")), "format"),
        (broken(lambda d: d.update(version=2)), "version"),
        (broken(lambda d: d.update(extra=1)), "extra"),
        (broken(lambda d: d.update(profiles={})), "profiles"),
        (broken(lambda d: d.update(transactions=None)), "transactions"),
        (broken(lambda d: d["config"].update(connectorCount="2")), "connectorCount"),
        (broken(lambda d: d["profiles"][0].pop("installedAt")), "profiles[0].installedAt"),
        (broken(lambda d: d["profiles"][1].update(installedAt="noon")), "profiles[1].installedAt"),
        (broken(lambda d: d["profiles"][0]["chargingProfile"].update(stackLevel="0")), "profiles[0].chargingProfile"),
        (
            broken(lambda d: d["profiles"][0]["chargingProfile"]["chargingSchedule"].update(chargingSchedulePeriod=[])),
            "profiles[0].chargingProfile",
        ),
        (broken(lambda d: d["transactions"][0].update(connectorId=9)), "outlet 9"),
        (broken(lambda d: d["transactions"][0].update(start="2026-01-08T10:00:00")), "transactions[0].start"),
    ],
    ids=repr,
)
def test_r17_malformed_document_is_a_clear_value_error(document: Any, words: str) -> None:
    with pytest.raises(StateDocumentError, match=re.escape(words)) as info:
        state_from_json(document)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, SmartChargingError)


@pytest.mark.parametrize(
    ("change", "path", "problem"),
    [
        (lambda d: d["profiles"][0].pop("installedAt"), "profiles[0].installedAt", DocumentProblem.MISSING),
        (lambda d: d["transactions"][0].update(start=0), "transactions[0].start", DocumentProblem.BAD_TIMESTAMP),
        (lambda d: d["config"].update(voltage="230"), "config.voltage", DocumentProblem.WRONG_TYPE),
        (
            lambda d: d["profiles"][2]["chargingProfile"].update(chargingProfilePurpose="Other"),
            "profiles[2].chargingProfile.chargingProfilePurpose",
            DocumentProblem.NOT_ALLOWED_VALUE,
        ),
    ],
    ids=lambda x: x if isinstance(x, str) else None,
)
def test_r17_a_shape_problem_is_the_cause_of_the_state_document_error(
    change: Any, path: str, problem: DocumentProblem
) -> None:
    with pytest.raises(StateDocumentError) as info:
        state_from_json(broken(change))
    cause = info.value.__cause__
    assert isinstance(cause, DocumentError)
    assert (cause.path, cause.problem) == (path, problem)
    assert str(info.value) == str(cause)


def test_r17_text_that_is_not_json_is_a_state_document_error() -> None:
    with pytest.raises(StateDocumentError, match="not JSON"):
        loads("{format: smartcharge-state")


@settings(max_examples=50, deadline=None)
@given(config=charge_point_configs_201(), version=st.sampled_from(["1.6", "2.0.1"]))
def test_r17_every_configuration_round_trips_in_either_version(config: ChargePointConfig, version: str) -> None:
    state = ChargePointState(config)
    document = json.loads(json.dumps(state_to_json(state, version)))
    assert ocpp_version_of(document) == version
    assert state_from_json(document) == state


@settings(max_examples=30, deadline=None)
@given(state=charge_point_states_201())
def test_r17_201_states_round_trip_with_their_documents_and_sources(state: ChargePointState) -> None:
    again = state_from_json(json.loads(dumps(state, ocpp_version="2.0.1")))
    assert again == state
    assert [(p.source, p.document) for p in again.profiles] == [(p.source, p.document) for p in state.profiles]
