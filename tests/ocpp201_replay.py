"""A small replay driver for OCPP 2.0.1 scripts (the format at the end of SPEC-201), wired straight to the
`smartcharge.ocpp201` handlers: the tests' way of running a worked example without the CLI. A restart keeps the
state as it is (the state document's round trip is the documents layer's, tested there)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from smartcharge import ChargePointConfig, ChargePointState, OcppCallError, OutletConfig
from smartcharge.engine.instants import parse_instant
from smartcharge.engine.store import end_transaction, start_transaction
from smartcharge.ocpp201 import (
    OutgoingMessage,
    handle_clear_charging_profile,
    handle_get_charging_profiles,
    handle_get_composite_schedule,
    handle_request_start_transaction,
    handle_set_charging_profile,
    release_external_constraints,
    set_external_constraints,
    transaction_by_id,
)

_CONFIG_KEYS = {
    "evseCount": "outlet_count",
    "voltage": "voltage",
    "chargeProfileMaxStackLevel": "max_stack_level",
    "chargingScheduleAllowedChargingRateUnit": "allowed_rate_units",
    "chargingScheduleMaxPeriods": "max_periods",
    "maxChargingProfilesInstalled": "max_profiles",
    "evseMaxCurrent": "outlet_max_current",
    "defaultNumberPhases": "default_number_phases",
    "smartChargingAvailable": "smart_charging_available",
    "notifyChargingLimitWithSchedules": "notify_charging_limit_with_schedules",
    "limitChangeSignificance": "limit_change_significance",
}


def config_from_script(config: Mapping[str, Any]) -> ChargePointConfig:
    values = {_CONFIG_KEYS[key]: value for key, value in config.items() if key != "evses"}
    outlets = [
        OutletConfig(e["id"], e.get("maxCurrent"), e.get("supplyPhases"), e.get("acPhaseSwitchingSupported", False))
        for e in config.get("evses", [])
    ]
    return ChargePointConfig(**values, outlets=outlets)


def _sent(messages: tuple[OutgoingMessage, ...]) -> list[dict[str, Any]]:
    return [{"send": m.action, "payload": m.payload} for m in messages]


def _call(state: ChargePointState, event: Mapping[str, Any]) -> tuple[ChargePointState, list[dict[str, Any]]]:
    action, payload, now = event["call"], event["payload"], parse_instant(event["at"])
    messages: tuple[OutgoingMessage, ...] = ()
    try:
        if action == "GetChargingProfiles":
            state, response, messages = handle_get_charging_profiles(state, payload, now)
        elif action == "RequestStartTransaction":
            state, response = handle_request_start_transaction(state, payload, now, event["transactionId"])
        else:
            handler = {
                "SetChargingProfile": handle_set_charging_profile,
                "GetCompositeSchedule": handle_get_composite_schedule,
                "ClearChargingProfile": handle_clear_charging_profile,
            }[action]
            state, response = handler(state, payload, now)
    except OcppCallError as exc:
        return state, [{"call": action, "error": exc.to_ocpp()}]
    return state, [{"call": action, "response": response}, *_sent(messages)]


def _event(state: ChargePointState, event: Mapping[str, Any]) -> tuple[ChargePointState, list[dict[str, Any]]]:
    now = parse_instant(event["at"])
    if "call" in event:
        return _call(state, event)
    if "startTransaction" in event:
        e = event["startTransaction"]
        return start_transaction(state, e["evseId"], e["transactionId"], now), []
    if "stopTransaction" in event:
        running = transaction_by_id(state, event["stopTransaction"]["transactionId"])
        assert running is not None
        return end_transaction(state, running.transaction_id), []
    if "externalConstraints" in event:
        e = event["externalConstraints"]
        state, messages = set_external_constraints(
            state, e["evseId"], e["chargingLimitSource"], e["chargingProfile"], now
        )
        return state, _sent(messages)
    if "releaseExternalConstraints" in event:
        state, messages = release_external_constraints(
            state, event["releaseExternalConstraints"]["chargingProfileId"], now
        )
        return state, _sent(messages)
    assert "restart" in event, event
    return state, []


def replay(script: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The output lines of `script`: a response or error per call, a ``send`` line per message sent."""
    state = ChargePointState(config_from_script(script.get("config", {})))
    out: list[dict[str, Any]] = []
    for event in script["events"]:
        state, lines = _event(state, event)
        out.extend(lines)
    return out
