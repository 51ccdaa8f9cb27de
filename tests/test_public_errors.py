"""The error contract (`smartcharge.errors`): every public function and constructor refuses bad input with a
`SmartChargingError`, never a bare `ValueError`, `TypeError`, `KeyError` or `AttributeError`, and its message
says which argument or field is wrong.

Bad input here: naive instants (R5) and values that are no instant at all, outlets the charge point does not
have (R6) or of the wrong type, negative durations, units other than A and W (R3), numbers of the wrong type,
NaN, unknown transactions (R18) and malformed documents (R14, R17, the replay script). The public callables are
read from the modules' `__all__`, so a new one without bad calls in `BAD_CALLS` (or a reason in `NO_BAD_CALL`)
fails `test_every_public_callable_has_bad_calls_or_a_reason`.

The error types stay `ValueError`s (and `InvalidArgumentError` a `TypeError`), so ``except ValueError`` written
before them still catches what it caught.
"""

from __future__ import annotations

import importlib
import math
import os
import pkgutil
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from enum import Enum
from types import ModuleType
from typing import Any, NamedTuple

import pytest
from builders import T0, installed, profile
from hypothesis import given
from hypothesis import strategies as st

import smartcharge
from smartcharge import (
    ChargePointConfig,
    ChargingProfileManager,
    ChargingRateUnit,
    InvalidArgumentError,
    OcppCallError,
    OutletConfig,
    PersistenceError,
    ProfileValidationError,
    SmartChargingError,
    Transaction,
    TransactionError,
    charging,
    composite_schedule,
    documents,
    engine,
    limit_at,
    ocpp16,
    ocpp201,
    profile_to_ocpp,
    start_transaction,
)
from smartcharge.charging import balancer
from smartcharge.charging.fleet import ChargePointGroup, FleetSpec
from smartcharge.engine import instants, units
from smartcharge.ocpp16 import ChargingProfilePurpose
from smartcharge.tools import explain as explain_module
from smartcharge.tools import render, validate
from smartcharge.tools.explain import explain

NAIVE = datetime(2026, 1, 8, 10, 0)
NAN = math.nan
A, W = ChargingRateUnit.A, ChargingRateUnit.W
TX_DEFAULT = ChargingProfilePurpose.TX_DEFAULT_PROFILE

#: Two connectors, a TxDefaultProfile of 16 A on connector 0: every connector has an OCPP limit.
STATE = installed(None, (0, profile(1)))
#: The same with transaction 7 on connector 1.
CHARGING = start_transaction(STATE, 1, 7, T0)
PROFILE = profile(1)
PAYLOAD = {"connectorId": 1, "csChargingProfiles": profile_to_ocpp(PROFILE)}
SCRIPT_START = {"config": {"connectorCount": 1}, "events": []}
RST_PAYLOAD = {"remoteStartId": 1, "idToken": {"idToken": "A", "type": "ISO14443"}}
#: An OCPP 2.0.1 external-constraints profile (ChargingProfileType).
EXTERNAL = {
    "id": -1,
    "stackLevel": 0,
    "chargingProfilePurpose": "ChargingStationExternalConstraints",
    "chargingProfileKind": "Relative",
    "chargingSchedule": [
        {"id": 1, "chargingRateUnit": "A", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 8}]}
    ],
}


def naive(name: str) -> str:
    """The start of the message that refuses NAIVE as argument `name` (R5)."""
    return f"{name} 2026-01-08T10:00:00 has no UTC offset"


def _script(*events: dict[str, Any]) -> dict[str, Any]:
    return {**SCRIPT_START, "events": [{"at": "2026-01-08T10:00:00Z", **e} for e in events]}


def _manager(clock: Callable[[], Any] = lambda: T0) -> ChargingProfileManager:
    return ChargingProfileManager(state=CHARGING, clock=clock)


# --- the public callables ------------------------------------------------------------------------------------------


def _public_modules() -> Iterator[ModuleType]:
    yield smartcharge
    for package in (engine, charging, documents, ocpp16, ocpp201):
        yield package
        for info in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
            if not info.name.rsplit(".", 1)[1].startswith("_"):  # private modules are the library's own
                yield importlib.import_module(info.name)
    yield from (explain_module, validate, render)


def _public_callables() -> dict[str, list[Any]]:
    """Every callable named in a public module's `__all__`, by name (two distinct objects may share a name)."""
    found: dict[str, list[Any]] = {}
    for module in _public_modules():
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if callable(obj) and not any(obj is seen for seen in found.get(name, [])):
                found.setdefault(name, []).append(obj)
    return found


def _is_error_type(obj: Any) -> bool:
    return isinstance(obj, type) and issubclass(obj, BaseException)


def _is_enum(obj: Any) -> bool:
    return isinstance(obj, type) and issubclass(obj, Enum)


PUBLIC = _public_callables()
#: What the bad calls are about: the public callables that are neither error types nor enumerations (an Enum's
#: lookup of an unknown value is Python's ValueError; the library's functions that take one turn it into theirs,
#: see the unit cases).
CHECKED = {name: objs for name, objs in PUBLIC.items() if not any(_is_error_type(o) or _is_enum(o) for o in objs)}


class Bad(NamedTuple):
    """A bad call of a public callable `f`: `call(f)` must raise a `SmartChargingError` whose message contains
    `says` (the argument or field it names, or the rule's words)."""

    label: str
    call: Callable[[Any], object]
    says: str
    #: Only for the callables of this protocol adapter (``"ocpp16"``, ``"ocpp201"``), where both have one by this name.
    only: str | None = None


_ANSWER = "an answer the library builds from checked values; it holds what it is given"
_OWN_VALUES = "takes only the library's own values, which checked themselves when built (errors.py)"

#: Public callables without bad calls, and why.
NO_BAD_CALL: dict[str, str] = {
    "ChargingProfilePurpose": "a namespace of the protocol's purposes, never called",
    "ClearOutcome": _ANSWER,
    "CompositePeriod": _ANSWER,
    "CompositeSchedule": _ANSWER,
    "Contender": _ANSWER,
    "Explanation": _ANSWER,
    "InstallOutcome": _ANSWER,
    "Interval": _ANSWER,
    "Limit": _ANSWER,
    "LimitSource": _ANSWER,
    "MeterDecision": _ANSWER,
    "Problem": _ANSWER,
    "ReplayResult": _ANSWER,
    "SimulatedStep": _ANSWER,
    "SimulationResult": _ANSWER,
    "Slice": _ANSWER,
    "StepDecision": _ANSWER,
    "StepLimit": _ANSWER,
    "call_error_from": "takes a DocumentError the library raised, and maps its problem to a CALLERROR code",
    "combine_rates": _OWN_VALUES,
    "composite_periods": _OWN_VALUES,
    "combine_sources": _OWN_VALUES,
    "composite_schedule_answer": _OWN_VALUES,
    "convert_unchecked": "unchecked by design, for the engine's inner loops; `convert` is the checked one",
    "outlet_hardware_limit": _OWN_VALUES,
    "outlet_share": _OWN_VALUES,
    "conversion_phases": _OWN_VALUES,
    "hardware_share": _OWN_VALUES,
    "supply_conversion_phases": _OWN_VALUES,
    "Share": "a type alias of a (value, phases) tuple, never called",
    "Rate": _ANSWER,
    "station_limit": _OWN_VALUES,
    "station_value": _OWN_VALUES,
    "StationLimit": _ANSWER,
    "profile_fields": "builds the field table for the purposes it is given",
    "config_to_ocpp": _OWN_VALUES,
    "dumps": _OWN_VALUES,
    "evaluate_meter_value_decision": _OWN_VALUES,
    "explanation_text": _OWN_VALUES,
    "profile_to_ocpp": _OWN_VALUES,
    "schedule_table": _OWN_VALUES,
    "state_to_json": _OWN_VALUES,
    "clear_profiles": "every criterion is a filter: one that matches nothing is answered Unknown (R32)",
    "document_kind": "answers None for a document of no kind it knows",
    "document_ocpp_version": "answers 1.6 for a document that is not recognisably OCPP 2.0.1",
    "validate_profile": "reports every problem of any document as a Problem (see the Hypothesis test below)",
    "OutgoingMessage": _ANSWER,
    "Refusal": _ANSWER,
    "ReceivedProfile": "built by its `read` from a profile object that passed its schema (`read_profile`)",
    "judge_profile": "answers a Refusal for every problem of the profile; its arguments are the library's own values",
    "model_on": "takes a profile its schema let through (ReceivedProfile) and a state: the library's own values",
    "transaction_by_id": "an id no transaction has is answered None",
    "ChargePointTotals": _ANSWER,
    "FleetTotals": _ANSWER,
    "FleetPart": "built by FleetSpec.part from a fleet spec that checked itself",
    "simulate_part": _OWN_VALUES,
    "charge_point_seed": "any seed and index make a seed (a string); the fleet calls it with its own",
    # --- analytics: records and answers of the library's own values ---
    "Bound": _ANSWER,
    "StepRecord": "built by the simulators from their own values, or by `read_step_log`, which checks every field",
    "StateRecord": _ANSWER,
    "BoundTally": _ANSWER,
    "SessionTally": _ANSWER,
    "Analyzer": "its `add` is `analyze`'s, whose bad calls are below",
    "bound_of": _OWN_VALUES,
    "governing_source": _OWN_VALUES,
    "profile_bound": _OWN_VALUES,
    "without_limits": _OWN_VALUES,
    "StepSink": "a type alias of a callable, never called",
    "StepLogWriter": "writes to the stream it is given the library's own records",
    "FleetPartLog": "any path names its parts; a file that cannot be written raises the OSError the system gave",
}

#: The bad calls of every other public callable, by name.
BAD_CALLS: dict[str, list[Bad]] = {
    # --- engine: instants, model, store, units ---
    "utc_instant": [
        Bad("naive", lambda f: f(NAIVE, "start"), naive("start")),
        Bad("a date", lambda f: f(date(2026, 1, 8), "start"), "start must be a datetime"),
        Bad("out of range in UTC", lambda f: f(datetime.min.replace(tzinfo=timezone(timedelta(hours=1))), "at"), "at"),
    ],
    "to_epoch": [
        Bad("naive", lambda f: f(NAIVE), naive("datetime")),
        Bad("a number", lambda f: f(0), "datetime must be a datetime"),
        Bad("naive, named", lambda f: f(NAIVE, "after"), naive("after")),
        Bad("a string, named", lambda f: f("2026-01-08T10:00:00Z", "after"), "after must be a datetime"),
    ],
    "from_epoch": [
        Bad("a string", lambda f: f("0"), "seconds"),
        Bad("NaN", lambda f: f(NAN), "seconds"),
        Bad("beyond year 9999", lambda f: f(10**12), "seconds"),
    ],
    "parse_instant": [
        Bad("no offset", lambda f: f("2026-01-08T10:00:00"), naive("timestamp '2026-01-08T10:00:00'")),
        Bad("not ISO 8601: the parser's words", lambda f: f("tomorrow"), "Expected 4 digits"),
        Bad("not a string", lambda f: f(20260108), "timestamp must be a string"),
    ],
    "format_instant": [
        Bad("naive", lambda f: f(NAIVE), naive("datetime")),
        Bad("a date", lambda f: f(T0.date()), "datetime must be a datetime"),
    ],
    "format_optional_instant": [
        Bad("naive", lambda f: f(NAIVE), naive("datetime")),
        Bad("a string", lambda f: f("2026-01-08T10:00:00Z"), "datetime must be a datetime"),
    ],
    "Purpose": [
        Bad("empty name", lambda f: f("", smartcharge.PurposeRole.CAP), "name"),
        Bad("role by its value", lambda f: f("Mine", "cap"), "role"),
    ],
    "ChargingSchedulePeriod": [
        Bad("limit NaN", lambda f: f(0, NAN), "limit"),
        Bad("limit a string", lambda f: f(0, "16"), "limit"),
        Bad("negative start", lambda f: f(-1, 16.0), "startPeriod"),
        Bad("4 phases", lambda f: f(0, 16.0, 4), "numberPhases"),
    ],
    "ChargingSchedule": [
        Bad("unit kW", lambda f: f("kW", [smartcharge.ChargingSchedulePeriod(0, 16.0)]), "chargingRateUnit"),
        Bad("naive start", lambda f: f(A, [smartcharge.ChargingSchedulePeriod(0, 16.0)], None, NAIVE), "startSchedule"),
        Bad("negative duration", lambda f: f(A, [smartcharge.ChargingSchedulePeriod(0, 16.0)], -1), "duration"),
        Bad(
            "minChargingRate NaN", lambda f: f(A, [smartcharge.ChargingSchedulePeriod(0, 1.0)], None, None, NAN), "min"
        ),
    ],
    "ChargingProfile": [
        Bad(
            "negative stack level", lambda f: f(1, -1, TX_DEFAULT, "Relative", PROFILE.charging_schedule), "stackLevel"
        ),
        Bad("purpose by name", lambda f: f(1, 0, "TxDefaultProfile", "Relative", PROFILE.charging_schedule), "Purpose"),
        Bad(
            "naive validFrom",
            lambda f: f(1, 0, TX_DEFAULT, "Relative", PROFILE.charging_schedule, valid_from=NAIVE),
            "validFrom",
        ),
        Bad(
            "empty transaction id",
            lambda f: f(1, 0, TX_DEFAULT, "Relative", PROFILE.charging_schedule, transaction_id=""),
            "transactionId",
        ),
    ],
    "Transaction": [
        Bad("outlet 0", lambda f: f(0, 7, T0), "outlet_id"),
        Bad("outlet a string", lambda f: f("1", 7, T0), "outlet_id"),
        Bad("no transaction id", lambda f: f(1, None, T0), "transaction_id"),
        Bad("naive start", lambda f: f(1, 7, NAIVE), naive("Transaction.start")),
        Bad("start a string", lambda f: f(1, 7, "2026-01-08T10:00:00Z"), "Transaction.start"),
    ],
    "ChargePointConfig": [
        Bad("negative outlet count", lambda f: f(outlet_count=-1), "outlet_count"),
        Bad("outlet count a string", lambda f: f(outlet_count="2"), "outlet_count"),
        Bad("too many outlets", lambda f: f(outlet_count=1_001), "outlet_count"),
        Bad("voltage NaN", lambda f: f(voltage=NAN), "voltage"),
        Bad("voltage a word", lambda f: f(voltage="high"), "voltage"),
        Bad("voltage None", lambda f: f(voltage=None), "voltage"),
        Bad("negative current", lambda f: f(outlet_max_current=-1), "outlet_max_current"),
        Bad("unit kW", lambda f: f(allowed_rate_units=("kW",)), "allowed_rate_units"),
        Bad("units a number", lambda f: f(allowed_rate_units=5), "allowed_rate_units"),
        Bad("4 phases", lambda f: f(default_number_phases=4), "default_number_phases"),
        Bad("max profiles 1.5", lambda f: f(max_profiles=1.5), "max_profiles"),
        Bad("outlets a number", lambda f: f(outlets=3), "outlets"),
        Bad("outlets of dicts", lambda f: f(outlets=[{"outlet_id": 1}]), "outlets"),
        Bad("an outlet twice", lambda f: f(outlet_count=2, outlets=[OutletConfig(1), OutletConfig(1)]), "twice"),
        Bad("an outlet beyond the count", lambda f: f(outlets=[OutletConfig(2)]), "outlets names outlet 2"),
        Bad("available a string", lambda f: f(smart_charging_available="yes"), "smart_charging_available"),
        Bad("significance negative", lambda f: f(limit_change_significance=-1), "limit_change_significance"),
        Bad("significance a word", lambda f: f(limit_change_significance="x"), "limit_change_significance"),
    ],
    "OutletConfig": [
        Bad("outlet 0", lambda f: f(0), "outlet_id"),
        Bad("outlet a string", lambda f: f("1"), "outlet_id"),
        Bad("negative current", lambda f: f(1, max_current=-1), "max_current"),
        Bad("current a word", lambda f: f(1, max_current="high"), "max_current"),
        Bad("4 phases", lambda f: f(1, supply_phases=4), "supply_phases"),
        Bad("switching a string", lambda f: f(1, phase_switching="no"), "phase_switching"),
    ],
    "InstalledProfile": [
        Bad("naive", lambda f: f(0, PROFILE, NAIVE), naive("installed_at")),
        Bad("source a number", lambda f: f(0, PROFILE, T0, source=5), "InstalledProfile.source"),
        Bad("document a dict", lambda f: f(0, PROFILE, T0, document={}), "InstalledProfile.document"),
        Bad("a string", lambda f: f(0, PROFILE, "2026-01-08T10:00:00Z"), "installed_at"),
    ],
    "ChargePointState": [
        Bad(
            "transaction on an unknown outlet",
            lambda f: f(ChargePointConfig(), transactions=(Transaction(3, 7, T0),)),
            "unknown outlet 3",
        ),
        Bad(
            "two transactions on one outlet",
            lambda f: f(ChargePointConfig(), transactions=(Transaction(1, 7, T0), Transaction(1, 8, T0))),
            "more than one",
        ),
    ],
    "install_profile": [
        Bad("naive now", lambda f: f(STATE, 0, profile(2), NAIVE), naive("now")),
        Bad("now a number", lambda f: f(STATE, 0, profile(2), 0), "now must be a datetime"),
    ],
    "start_transaction": [
        Bad("outlet 9", lambda f: f(STATE, 9, 8, T0), "outlet 9"),
        Bad("outlet a string", lambda f: f(STATE, "1", 8, T0), "outlet 1"),
        Bad("busy outlet", lambda f: f(CHARGING, 1, 8, T0), "already has"),
        Bad("active id", lambda f: f(CHARGING, 2, 7, T0), "already active"),
        Bad("no id", lambda f: f(STATE, 1, None, T0), "transaction_id"),
        Bad("naive start", lambda f: f(STATE, 1, 8, NAIVE), naive("start")),
        Bad("RemoteStart profile not a TxProfile", lambda f: f(STATE, 1, 8, T0, profile(2)), "TxProfile"),
    ],
    "start_sessions": [
        Bad("naive start", lambda f: f(STATE, NAIVE), naive("start")),
        Bad("outlet 9", lambda f: f(STATE, T0, [9]), "outlet 9"),
    ],
    "end_transaction": [Bad("unknown id", lambda f: f(CHARGING, 99), "transaction 99")],
    "renumber_transaction": [
        Bad("unknown id", lambda f: f(CHARGING, 99, 100), "transaction 99 is not active"),
        Bad("new id active", lambda f: f(start_transaction(CHARGING, 2, 8, T0), 8, 7), "already active"),
    ],
    "amps_to_watts": [
        Bad("amps a string", lambda f: f("16"), "amps"),
        Bad("voltage 0", lambda f: f(16.0, 0), "voltage"),
        Bad("voltage a string", lambda f: f(16.0, "230"), "voltage"),
        Bad("4 phases", lambda f: f(16.0, 230.0, 4), "phases"),
    ],
    "watts_to_amps": [
        Bad("watts None", lambda f: f(None), "watts"),
        Bad("voltage NaN", lambda f: f(7_000.0, NAN), "voltage"),
    ],
    "convert": [
        Bad("from kW", lambda f: f(1.0, "kW", W), "from_unit"),
        Bad("to None", lambda f: f(1.0, A, None), "to_unit"),
        Bad("value a string", lambda f: f("1", A, A), "value"),
        Bad("phases 0", lambda f: f(1.0, A, W, 230.0, 0), "phases"),
    ],
    # --- engine: composite, timeline ---
    "limit_at": [
        Bad("naive at", lambda f: f(STATE, 1, NAIVE), naive("at")),
        Bad("outlet 9", lambda f: f(STATE, 9, T0), "outlet_id 9"),
        Bad("outlet a string", lambda f: f(STATE, "1", T0), "outlet_id"),
        Bad("unit kW", lambda f: f(STATE, 1, T0, "kW"), "unit"),
    ],
    "composite_schedule": [
        Bad("naive start", lambda f: f(STATE, 1, NAIVE, 60), naive("start")),
        Bad("start a string", lambda f: f(STATE, 1, "2026-01-08T10:00:00Z", 60), "start must be a datetime"),
        Bad("outlet 9", lambda f: f(STATE, 9, T0, 60), "outlet_id 9"),
        Bad("negative duration", lambda f: f(STATE, 1, T0, -1), "duration"),
        Bad("duration 1.5", lambda f: f(STATE, 1, T0, 1.5), "duration"),
        Bad("unit kW", lambda f: f(STATE, 1, T0, 60, "kW"), "unit"),
    ],
    "next_change": [
        Bad("naive after", lambda f: f(STATE, 1, NAIVE), naive("after")),
        Bad("outlet 9", lambda f: f(STATE, 9, T0), "outlet_id 9"),
    ],
    "round_down_to_tenth": [Bad("a string", lambda f: f("16.0"), "value")],
    "ProfileTimeline": [Bad("installed_at a string", lambda f: f(PROFILE, "now"), "installed_at")],
    "profile_anchor": [
        Bad("installed_at a string", lambda f: f(PROFILE, "now", 0), "installed_at"),
        Bad("session_start a float", lambda f: f(PROFILE, 0, 0.5), "session_start must be whole epoch seconds"),
    ],
    "profile_slices": [
        Bad("bounds strings", lambda f: f(PROFILE, "lo", "hi", installed_at=0, session_start=0), "lo"),
        Bad("bound NaN", lambda f: f(PROFILE, NAN, 10, installed_at=0, session_start=0), "lo"),
        Bad("upper bound NaN", lambda f: f(PROFILE, 0, NAN, installed_at=0, session_start=0), "hi must be whole"),
        Bad("session a string", lambda f: f(PROFILE, 0, 10, installed_at=0, session_start="now"), "session_start"),
    ],
    "change_instants": [
        Bad("installed_at a string", lambda f: f(PROFILE, "now", 0), "installed_at"),
        Bad("session_start a string", lambda f: f(PROFILE, 0, "now"), "session_start must be whole epoch seconds"),
    ],
    # --- the charging loop ---
    "energy_step": [
        Bad("interval 0", lambda f: f(250.0, 7_000.0, 0), "interval_s"),
        Bad("interval a string", lambda f: f(250.0, 7_000.0, "90"), "interval_s"),
        Bad("base step NaN", lambda f: f(NAN, 7_000.0, 90), "base_step_wh"),
        Bad("negative limit", lambda f: f(250.0, -1.0, 90), "limit_w"),
        Bad("limit a string", lambda f: f(250.0, "7000", 90), "limit_w"),
    ],
    "max_energy_wh": [
        Bad("interval 1.5", lambda f: f(STATE, 1, T0, 1.5), "interval_s"),
        Bad("naive start", lambda f: f(STATE, 1, NAIVE, 90), naive("start")),
        Bad("outlet 9", lambda f: f(STATE, 9, T0, 90), "outlet_id 9"),
    ],
    "SessionProgress": [
        Bad("negative energy", lambda f: f(-1.0, 250.0), "energy_delivered_wh"),
        Bad("base step a string", lambda f: f(0.0, "250"), "base_step_wh"),
        Bad("base step NaN", lambda f: f(0.0, NAN), "base_step_wh"),
    ],
    "LocalPolicy": [
        Bad("negative cap", lambda f: f(energy_cap_kwh=-1.0), "energy_cap_kwh"),
        Bad("price a word", lambda f: f(max_price="cheap"), "max_price"),
        Bad("hour 25", lambda f: f(peak_hours=((25, 3),)), "peak hour range"),
        Bad("peak hours a number", lambda f: f(peak_hours=5), "peak_hours"),
        Bad("peak hours words", lambda f: f(peak_hours=(("six", "nine"),)), "peak_hours"),
    ],
    "ChargingEnvironment": [
        Bad("hour 24", lambda f: f(hour=24), "hour"),
        Bad("hour a word", lambda f: f(hour="noon"), "hour"),
        Bad("price a word", lambda f: f(hour=1, price="cheap"), "price"),
    ],
    "is_peak_hour": [
        Bad("hour a word", lambda f: f("noon", [(17, 20)]), "noon"),
        Bad("ranges a number", lambda f: f(18, 5), "(start, end) pairs"),
    ],
    "meter_step": [
        Bad("naive at", lambda f: f(STATE, 1, NAIVE, 90, 250.0), naive("at")),
        Bad("interval 1.5", lambda f: f(STATE, 1, T0, 1.5, 250.0), "interval_s"),
        Bad("base step NaN", lambda f: f(STATE, 1, T0, 90, NAN), "base_step_wh"),
        Bad("base step a string", lambda f: f(STATE, 1, T0, 90, "250"), "base_step_wh"),
        Bad("negative energy", lambda f: f(STATE, 1, T0, 90, 250.0, -1.0), "energy_delivered_wh"),
        Bad("share a string", lambda f: f(STATE, 1, T0, 90, 250.0, share_w="all"), "share_w"),
        Bad("outlet 9", lambda f: f(STATE, 9, T0, 90, 250.0), "outlet_id 9"),
    ],
    "OutletDemand": [
        Bad("limit NaN", lambda f: f(NAN), "OutletDemand.limit"),
        Bad("limit a string", lambda f: f("16"), "OutletDemand.limit"),
        Bad("negative minimum", lambda f: f(16.0, -1.0), "OutletDemand.min_rate"),
        Bad("weight 0", lambda f: f(16.0, 0.0, 0.0), "OutletDemand.weight"),
    ],
    "allocate": [
        Bad("total NaN", lambda f: f(NAN, {}), "total"),
        Bad("total a string", lambda f: f("30", {}), "total"),
        Bad("demands a list", lambda f: f(30.0, [balancer.OutletDemand(16.0)]), "demands"),
        Bad("outlet a string", lambda f: f(30.0, {"1": balancer.OutletDemand(16.0)}), "outlet ids"),
        Bad("demand a number", lambda f: f(30.0, {1: 16.0}), "demand of outlet 1"),
    ],
    "station_allocation": [
        Bad("naive at", lambda f: f(CHARGING, NAIVE), naive("at")),
        Bad("unit kW", lambda f: f(CHARGING, T0, "kW"), "unit"),
    ],
    "station_allocation_schedule": [
        Bad("negative duration", lambda f: f(CHARGING, T0, -1), "duration"),
        Bad("naive start", lambda f: f(CHARGING, NAIVE, 60), naive("start")),
        Bad("unit kW, no transaction", lambda f: f(STATE, T0, 60, "kW"), "unit"),
    ],
    "policy_from_document": [
        Bad("a list", lambda f: f([]), "JSON object"),
        Bad("unknown key", lambda f: f({"budget": 1}), "unknown policy keys"),
        Bad("23 prices", lambda f: f({"pricePerHour": [0.3] * 23}), "pricePerHour"),
        Bad("cap a word", lambda f: f({"energyCapKwh": "lots"}), "energy_cap_kwh"),
        Bad("hour 25", lambda f: f({"peakHours": [[25, 3]]}), "peak hour range"),
    ],
    "simulate_session": [
        Bad("interval 0", lambda f: f(CHARGING, 1, T0, 900, 0, [250.0]), "interval_s"),
        Bad("duration a string", lambda f: f(CHARGING, 1, T0, "1h", 90, [250.0]), "duration_s"),
        Bad("steps a number", lambda f: f(CHARGING, 1, T0, 900, 90, 250.0), "base_steps"),
        Bad("a step a string", lambda f: f(CHARGING, 1, T0, 900, 90, ["250"]), "base_step_wh"),
        Bad("naive start", lambda f: f(CHARGING, 1, NAIVE, 900, 90, [250.0]), naive("start")),
        Bad("negative delivered", lambda f: f(CHARGING, 1, T0, 900, 90, [250.0], delivered_wh=-1.0), "delivered_wh"),
    ],
    # --- the fleet ---
    "Session": [
        Bad("outlet 0", lambda f: f(0, 0, 1.0, (1, 1)), "Session.outlet_id"),
        Bad("no energy wanted", lambda f: f(1, 0, 0.0, (1, 1)), "Session.energy_wh"),
        Bad("steps high below low", lambda f: f(1, 0, 1.0, (2, 1)), "Session.step_wh"),
        Bad("departure before arrival", lambda f: f(1, 60, 1.0, (1, 1), 30), "Session.departure_s"),
    ],
    "SessionPattern": [Bad("a dwell of 0 s", lambda f: f(dwell_s=(0, 10)), "SessionPattern.dwell_s")],
    "Variation": [Bad("a NaN scale", lambda f: f((NAN, 1.0)), "Variation.limit_scale")],
    "ChargePointGroup": [
        Bad("no copies", lambda f: f(STATE, count=0), "ChargePointGroup.count"),
        Bad("a dict for a state", lambda f: f({}), "ChargePointGroup.state"),
        Bad("a bad policy", lambda f: f(STATE, policy={"energyCapKwh": -1}), "energy_cap_kwh"),
    ],
    "FleetSpec": [
        Bad("naive start", lambda f: f(NAIVE, 60, 60, [ChargePointGroup(STATE)]), naive("FleetSpec.start")),
        Bad("interval 0", lambda f: f(T0, 60, 0, [ChargePointGroup(STATE)]), "interval_s"),
        Bad("no groups", lambda f: f(T0, 60, 60, []), "FleetSpec.groups"),
    ],
    "simulate_charge_points": [
        Bad("past the last charge point", lambda f: f(FleetSpec(T0, 60, 60, [ChargePointGroup(STATE)]), 0, 2), "a part")
    ],
    "proposed_steps": [Bad("high below low", lambda f: f(2.0, 1.0, 0), "low <= high")],
    "step_draws": [Bad("NaN", lambda f: f(NAN, 1.0, 0), "low <= high")],
    "fleet_spec_from_json": [
        Bad("not an object", lambda f: f([]), "the document"),
        Bad("no start", lambda f: f({"hours": 1, "intervalS": 60, "chargePoints": []}), "start"),
    ],
    "load_fleet_spec": [Bad("no such file", lambda f: f("/nonexistent/fleet.json"), "cannot read")],
    "analyze": [
        Bad("not a record", lambda f: f(["a line"]), "a step log holds StepRecords and StateRecords"),
    ],
    "Analysis": [
        Bad("merge: not an analysis", lambda f: f().merge(3), "other must be an Analysis"),
    ],
    "read_step_log": [
        Bad("no header", lambda f: list(f(['{"at": "2026-01-08T10:00:00Z"}'])), "not a step log"),
        Bad("not JSON", lambda f: list(f(["{"])), "line 1: not JSON"),
    ],
    "bar_chart_svg": [
        Bad("a value short", lambda f: f(["a", "b"], [1.0]), "one finite value >= 0 per label"),
        Bad("a negative value", lambda f: f(["a"], [-1.0]), "one finite value >= 0 per label"),
    ],
    "fleet_power_svg": [
        Bad("no values", lambda f: f(T0, 60, []), "at least one value"),
        Bad("naive start", lambda f: f(NAIVE, 60, [1.0]), naive("start")),
    ],
    "simulate_station": [
        Bad("no transaction", lambda f: f(STATE, [1], T0, 900, 90, {1: [250.0]}), "no active transaction"),
        Bad("no steps for a connector", lambda f: f(CHARGING, [1], T0, 900, 90, {2: [250.0]}), "base_steps"),
        Bad("outlet ids a number", lambda f: f(CHARGING, 1, T0, 900, 90, {1: [250.0]}), "outlet_ids"),
        Bad("interval 0", lambda f: f(CHARGING, [1], T0, 900, 0, {1: [250.0]}), "interval_s"),
        Bad("duration 1.5", lambda f: f(CHARGING, [1], T0, 1.5, 90, {1: [250.0]}), "duration_s"),
    ],
    # --- the OCPP 1.6 adapter ---
    "purpose_from_ocpp": [
        Bad("unknown", lambda f: f("MaxProfile", "chargingProfilePurpose"), "chargingProfilePurpose 'MaxProfile'"),
        Bad("not a string", lambda f: f(5, "chargingProfilePurpose"), "chargingProfilePurpose"),
    ],
    "profile_from_ocpp": [
        Bad("a list", lambda f: f([]), "chargingProfile"),
        Bad("empty", lambda f: f({}), "chargingProfileId"),
        Bad("negative limit", lambda f: f(_profile_json(limit=-1)), "limit"),
        Bad("unknown purpose", lambda f: f(_profile_json(chargingProfilePurpose="Max")), "chargingProfilePurpose"),
    ],
    "read_profile": [
        Bad("a list", lambda f: f([], "profiles[0].chargingProfile"), "profiles[0].chargingProfile", only="ocpp16"),
        Bad("empty", lambda f: f({}, "chargingProfile"), "chargingProfileId", only="ocpp16"),
        Bad("negative limit", lambda f: f(_profile_json(limit=-1), "chargingProfile"), "limit", only="ocpp16"),
        Bad("2.0.1: a list", lambda f: f([]), "JSON object", only="ocpp201"),
        Bad("2.0.1: no id", lambda f: f({**EXTERNAL, "id": None}), "id", only="ocpp201"),
    ],
    "config_from_ocpp": [
        Bad("a list", lambda f: f([]), "config"),
        Bad("voltage a string", lambda f: f({"voltage": "230"}), "config.voltage"),
        Bad("unknown key", lambda f: f({"phases": 3}), "'phases'"),
        Bad("2,000 connectors", lambda f: f({"connectorCount": 2_000}), "outlet_count", only="ocpp16"),
        Bad("2.0.1: 2,000 EVSEs", lambda f: f({"evseCount": 2_000}), "outlet_count", only="ocpp201"),
        Bad(
            "2.0.1: available a string",
            lambda f: f({"smartChargingAvailable": "yes"}),
            "config.smartChargingAvailable",
            only="ocpp201",
        ),
        Bad(
            "2.0.1: an EVSE without id",
            lambda f: f({"evses": [{"maxCurrent": 16}]}),
            "config.evses[0].id",
            only="ocpp201",
        ),
        Bad(
            "2.0.1: an EVSE of 4 phases",
            lambda f: f({"evseCount": 1, "evses": [{"id": 1, "supplyPhases": 4}]}),
            "supply_phases",
            only="ocpp201",
        ),
    ],
    "handle_set_charging_profile": [
        Bad("no profile", lambda f: f(STATE, {"connectorId": 1}, T0), "csChargingProfiles is required", only="ocpp16"),
        Bad("connector 9", lambda f: f(STATE, {**PAYLOAD, "connectorId": 9}, T0), "connectorId 9", only="ocpp16"),
        Bad("naive now", lambda f: f(STATE, PAYLOAD, NAIVE), naive("now"), only="ocpp16"),
        Bad("2.0.1: no profile", lambda f: f(STATE, {"evseId": 1}, T0), "chargingProfile is required", only="ocpp201"),
        Bad("2.0.1: naive now", lambda f: f(STATE, {"evseId": 1}, NAIVE), naive("now"), only="ocpp201"),
    ],
    "handle_get_composite_schedule": [
        Bad("no duration", lambda f: f(STATE, {"connectorId": 1}, T0), "duration is required", only="ocpp16"),
        Bad(
            "unit kW",
            lambda f: f(STATE, {"connectorId": 1, "duration": 60, "chargingRateUnit": "kW"}, T0),
            "kW",
            only="ocpp16",
        ),
        Bad("naive now", lambda f: f(STATE, {"connectorId": 1, "duration": 60}, NAIVE), naive("now"), only="ocpp16"),
        Bad(
            "max duration a string",
            lambda f: f(STATE, {"connectorId": 1, "duration": 60}, T0, max_duration="31d"),
            "max_duration",
            only="ocpp16",
        ),
        Bad("2.0.1: no duration", lambda f: f(STATE, {"evseId": 1}, T0), "duration is required", only="ocpp201"),
        Bad("2.0.1: naive now", lambda f: f(STATE, {"evseId": 1, "duration": 60}, NAIVE), naive("now"), only="ocpp201"),
    ],
    "handle_remote_start_transaction": [
        Bad("no idTag", lambda f: f(STATE, {"connectorId": 1}, T0, 7), "idTag"),
        Bad("a list", lambda f: f(STATE, [], T0, 7), "payload"),
        Bad("naive now", lambda f: f(STATE, {"idTag": "T"}, NAIVE, 7), naive("now")),
        Bad("id a string", lambda f: f(STATE, {"idTag": "T"}, T0, "7"), "transaction_id"),
    ],
    "handle_remote_stop_transaction": [
        Bad("no transactionId", lambda f: f(STATE, {}), "transactionId"),
        Bad("a list", lambda f: f(STATE, []), "payload"),
    ],
    "handle_clear_charging_profile": [
        Bad("a list", lambda f: f(STATE, [], T0), "payload", only="ocpp16"),
        Bad("id a string", lambda f: f(STATE, {"id": "1"}, T0), "id", only="ocpp16"),
        Bad("2.0.1: a list", lambda f: f(STATE, [], T0), "payload", only="ocpp201"),
        Bad(
            "2.0.1: id a string",
            lambda f: f(STATE, {"chargingProfileId": "1"}, T0),
            "chargingProfileId",
            only="ocpp201",
        ),
    ],
    # --- OCPP 2.0.1 ---
    "handle_get_charging_profiles": [
        Bad("no requestId", lambda f: f(STATE, {"chargingProfile": {}}, T0), "requestId is required"),
        Bad("naive now", lambda f: f(STATE, {"requestId": 1, "chargingProfile": {}}, NAIVE), naive("now")),
    ],
    "handle_request_start_transaction": [
        Bad("no idToken", lambda f: f(STATE, {"remoteStartId": 1}, T0, "tx-1"), "idToken is required"),
        Bad("transaction id of 37", lambda f: f(STATE, RST_PAYLOAD, T0, "x" * 37), "transaction_id"),
        Bad("transaction id a number", lambda f: f(STATE, RST_PAYLOAD, T0, 7), "transaction_id"),
        Bad("naive now", lambda f: f(STATE, RST_PAYLOAD, NAIVE, "tx-1"), naive("now")),
    ],
    "handle_request_stop_transaction": [
        Bad("no transactionId", lambda f: f(STATE, {}), "transactionId is required"),
        Bad("transaction id of 37", lambda f: f(STATE, {"transactionId": "x" * 37}), "transactionId"),
    ],
    "set_external_constraints": [
        Bad("source CSO", lambda f: f(STATE, 0, "CSO", EXTERNAL, T0), "limit_source"),
        Bad("evse 9", lambda f: f(STATE, 9, "EMS", EXTERNAL, T0), "evse_id"),
        Bad("stackLevel a string", lambda f: f(STATE, 0, "EMS", {**EXTERNAL, "stackLevel": "0"}, T0), "stackLevel"),
        Bad(
            "a TxDefaultProfile",
            lambda f: f(STATE, 0, "EMS", {**EXTERNAL, "chargingProfilePurpose": "TxDefaultProfile"}, T0),
            "ChargingStationExternalConstraints",
        ),
        Bad("naive now", lambda f: f(STATE, 0, "EMS", EXTERNAL, NAIVE), naive("now")),
    ],
    "release_external_constraints": [
        Bad("unknown id", lambda f: f(STATE, -9, T0), "profile_id -9"),
        Bad("naive now", lambda f: f(STATE, -9, NAIVE), naive("now")),
    ],
    "external_limit": [
        Bad("evse 9", lambda f: f(STATE, 9, T0), "9"),
        Bad("naive at", lambda f: f(STATE, 0, NAIVE), naive("at")),
    ],
    "read_request": [
        Bad("unknown action", lambda f: f("Heartbeat", {}), "HeartbeatRequest"),
        Bad("a list", lambda f: f("SetChargingProfile", []), "payload"),
    ],
    "load_schema": [Bad("unknown name", lambda f: f("HeartbeatRequest"), "HeartbeatRequest")],
    "check": [
        Bad("not an object", lambda f: f([], ocpp201.schema.load_schema("SetChargingProfileRequest")), "JSON object"),
    ],
    "window_fits": [
        Bad("naive start", lambda f: f(NAIVE, 60), naive("start")),
        Bad("duration a string", lambda f: f(T0, "60"), "duration"),
    ],
    # --- documents ---
    "state_from_json": [
        Bad("a list", lambda f: f([]), "JSON object"),
        Bad("another format", lambda f: f({"format": "x", "version": 1}), "format"),
        Bad("2,000 connectors", lambda f: f(_state_json(config={"connectorCount": 2_000})), "outlet_count"),
        Bad("a transaction on outlet 0", lambda f: f(_state_json(transactions=[_tx(0)])), "outlet_id"),
        Bad(
            "two transactions on outlet 1", lambda f: f(_state_json(transactions=[_tx(1), _tx(1, 8)])), "more than one"
        ),
    ],
    "ocpp_version_of": [
        Bad("a list", lambda f: f([]), "JSON object"),
        Bad("another format", lambda f: f({"format": "x", "version": 1}), "format"),
        Bad("version 3", lambda f: f({"format": "smartcharge-state", "version": 1, "ocppVersion": "3"}), "ocppVersion"),
    ],
    "loads": [
        Bad("not JSON", lambda f: f("{"), "not JSON"),
        Bad("bytes not UTF-8", lambda f: f(b"\xff"), "not JSON"),
        Bad("not a string", lambda f: f(5), "text"),
        Bad("not a state", lambda f: f('{"format": "x"}'), "format"),
    ],
    "state_checksum": [
        Bad("NaN", lambda f: f({"limit": NAN}), "canonical JSON"),
        Bad("a set", lambda f: f({"ids": {1, 2}}), "canonical JSON"),
    ],
    "save_state": [Bad("path a number", lambda f: f(5, STATE), "path")],
    "saved_state_from_json": [
        Bad("a list", lambda f: f([]), "a saved state is a JSON object"),
        Bad("another format", lambda f: f({"format": "x"}), "not a saved smartcharge state"),
    ],
    "write_atomically": [
        Bad("path a number", lambda f: f(5, b"{}"), "path"),
        Bad("data a string", lambda f: f(os.devnull, "{}"), "data must be bytes"),
    ],
    "load_state": [
        Bad("path a number", lambda f: f(5), "path"),
        Bad("an empty file", lambda f: f(os.devnull), "truncated or corrupted"),
    ],
    "replay_script": [
        Bad("a list", lambda f: f([]), "a script is a JSON object"),
        Bad("no events", lambda f: f({"config": {}}), "events"),
        Bad("config and state", lambda f: f({**SCRIPT_START, "state": {}}), "not both"),
        Bad("a bad config", lambda f: f({"config": {"voltage": -1}, "events": []}), "voltage"),
        Bad("time not ISO 8601", lambda f: f({**SCRIPT_START, "events": [{"at": "soon"}]}), "event 0"),
        Bad("unknown call", lambda f: f(_script({"call": "Reset", "payload": {}})), "unknown call 'Reset'"),
        Bad("two kinds", lambda f: f(_script({"call": "Reset", "stopTransaction": {}})), "exactly one"),
        Bad("unknown transaction", lambda f: f(_script({"stopTransaction": {"transactionId": 9}})), "transaction 9"),
        Bad(
            "connector 5",
            lambda f: f(_script({"startTransaction": {"connectorId": 5, "transactionId": 1}})),
            "outlet 5",
        ),
    ],
    # --- tools ---
    "explain": [
        Bad("naive start", lambda f: f(STATE, 1, NAIVE, 60), naive("start")),
        Bad("outlet 9", lambda f: f(STATE, 9, T0, 60), "outlet_id 9"),
        Bad("negative duration", lambda f: f(STATE, 1, T0, -1), "duration"),
        Bad("unit kW", lambda f: f(STATE, 1, T0, 60, "kW"), "unit"),
    ],
    "limit_text": [
        Bad("naive at", lambda f: f(limit_at(STATE, 1, T0), 1, NAIVE), naive("at")),
        Bad("at a string", lambda f: f(limit_at(STATE, 1, T0), 1, "now"), "at must be a datetime"),
    ],
    "terminal_chart": [
        Bad("width 5", lambda f: f(composite_schedule(STATE, 1, T0, 60), width=5), "width"),
        Bad("width 20.5", lambda f: f(composite_schedule(STATE, 1, T0, 60), width=20.5), "width"),
        Bad("height a string", lambda f: f(composite_schedule(STATE, 1, T0, 60), height="8"), "height"),
    ],
    "stack_svg": [
        Bad("width 100", lambda f: f(explain(STATE, 1, T0, 60), width=100), "width"),
        Bad("width a string", lambda f: f(explain(STATE, 1, T0, 60), width="wide"), "width"),
        Bad("width NaN", lambda f: f(explain(STATE, 1, T0, 60), width=NAN), "width"),
    ],
    "validate_document": [
        Bad("no kind", lambda f: f({"hello": 1}), "not a SetChargingProfile payload"),
        Bad("a number", lambda f: f(5), "not a SetChargingProfile payload"),
    ],
    "validate_payload": [
        Bad("naive now", lambda f: f(PAYLOAD, None, NAIVE), naive("now")),
        Bad("now a string", lambda f: f(PAYLOAD, None, "now"), "now must be a datetime"),
    ],
    # --- the manager: its constructor and every method ---
    "ChargingProfileManager": [
        Bad("a config and another state", lambda f: f(ChargePointConfig(outlet_count=3), state=STATE), "config"),
        Bad("now: a naive clock", lambda f: f(clock=lambda: NAIVE).now(), naive("clock()")),
        Bad("now: a clock of strings", lambda f: f(clock=lambda: "now").now(), "clock() must be a datetime"),
        Bad("set_profile: a malformed payload", lambda f: _manager().set_profile(1, {"id": 1}), "chargingProfile"),
        Bad("clear_profiles: unknown purpose", lambda f: _manager().clear_profiles(purpose="Max"), "purpose"),
        Bad("start_transaction: busy outlet", lambda f: _manager().start_transaction(1, 8), "already has"),
        Bad("stop_transaction: unknown id", lambda f: _manager().stop_transaction(99), "transaction 99"),
        Bad("limit: unit kW", lambda f: _manager().limit(1, "kW"), "unit"),
        Bad("get_current_limit: another transaction", lambda f: _manager().get_current_limit(1, 99), "transaction 99"),
        Bad("next_change: outlet 9", lambda f: _manager().next_change(9), "outlet_id 9"),
        Bad("composite_schedule: negative duration", lambda f: _manager().composite_schedule(1, -1), "duration"),
        Bad("save: path a number", lambda f: _manager().save(5), "path"),
        Bad("load: an empty file", lambda f: f.load(os.devnull), "truncated or corrupted"),
    ],
}


def _profile_json(limit: float = 16.0, **fields: Any) -> dict[str, Any]:
    document = profile_to_ocpp(PROFILE)
    document["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"] = limit
    return {**document, **fields}


def _tx(outlet_id: int, transaction_id: int = 7) -> dict[str, Any]:
    return {"connectorId": outlet_id, "transactionId": transaction_id, "start": "2026-01-08T10:00:00Z"}


def _state_json(**fields: Any) -> dict[str, Any]:
    return {"format": "smartcharge-state", "version": 1, **fields}


def _bad_calls() -> Iterator[Any]:
    for name, cases in BAD_CALLS.items():
        for obj in PUBLIC.get(name, []):
            for case in cases:
                if case.only is None or obj.__module__.startswith(f"smartcharge.{case.only}."):
                    yield pytest.param(obj, case, id=f"{name}: {case.label}")


# --- the tests -----------------------------------------------------------------------------------------------------


def test_every_public_callable_has_bad_calls_or_a_reason() -> None:
    """A public callable is either called with bad arguments below or named with the reason it has none; the
    two lists name only public callables, and none twice."""
    assert set(BAD_CALLS).isdisjoint(NO_BAD_CALL)
    assert set(CHECKED) == set(BAD_CALLS) | set(NO_BAD_CALL)
    labelled = [(name, case.label) for name, cases in BAD_CALLS.items() for case in cases]
    assert len(set(labelled)) == len(labelled)


def test_every_method_of_the_manager_has_a_bad_call() -> None:
    methods = {name for name in vars(ChargingProfileManager) if not name.startswith("_")}
    called = {case.label.split(":")[0] for case in BAD_CALLS["ChargingProfileManager"] if ":" in case.label}
    assert methods == called


@pytest.mark.parametrize(("f", "case"), list(_bad_calls()))
def test_bad_arguments_raise_a_smart_charging_error_naming_them(f: Any, case: Bad) -> None:
    with pytest.raises(SmartChargingError) as caught:
        case.call(f)
    assert case.says in str(caught.value)


#: Calls that take an instant, with the name their errors give it: (label, call with the instant, name). None is
#: no instant either, except where the instant is optional (`OPTIONAL`).
INSTANT_ARGUMENTS: list[tuple[str, Callable[[Any], object], str]] = [
    ("utc_instant", lambda v: instants.utc_instant(v, "when"), "when"),
    ("to_epoch, named", lambda v: instants.to_epoch(v, "when"), "when"),
    ("to_epoch", lambda v: instants.to_epoch(v), "datetime"),
    ("format_instant", lambda v: instants.format_instant(v), "datetime"),
    ("install_profile", lambda v: smartcharge.install_profile(STATE, 0, profile(2), v), "now"),
    ("start_transaction", lambda v: start_transaction(STATE, 1, 8, v), "start"),
    ("limit_at", lambda v: limit_at(STATE, 1, v), "at"),
    ("composite_schedule", lambda v: composite_schedule(STATE, 1, v, 60), "start"),
    ("next_change", lambda v: smartcharge.next_change(STATE, 1, v), "after"),
    ("max_energy_wh", lambda v: smartcharge.max_energy_wh(STATE, 1, v, 90), "start"),
    ("meter_step", lambda v: smartcharge.meter_step(STATE, 1, v, 90, 250.0), "at"),
    ("station_allocation", lambda v: balancer.station_allocation(CHARGING, v), "at"),
    ("simulate_session", lambda v: smartcharge.simulate_session(CHARGING, 1, v, 90, 90, [250.0]), "start"),
    ("explain", lambda v: explain(STATE, 1, v, 60), "start"),
    ("Transaction", lambda v: Transaction(1, 7, v), "Transaction.start"),
    ("InstalledProfile", lambda v: smartcharge.InstalledProfile(0, PROFILE, v), "installed_at"),
    (
        "ChargingSchedule",
        lambda v: smartcharge.ChargingSchedule(A, PROFILE.charging_schedule.charging_schedule_period, None, v),
        "startSchedule",
    ),
    (
        "handle_get_composite_schedule",
        lambda v: smartcharge.handle_get_composite_schedule(STATE, {"connectorId": 1, "duration": 1}, v),
        "now",
    ),
    ("validate_payload", lambda v: validate.validate_payload(PAYLOAD, None, v), "now"),
]

#: The calls of INSTANT_ARGUMENTS and NUMBER_ARGUMENTS where None means "none": no start, no maximum price.
OPTIONAL = {"ChargingSchedule", "LocalPolicy"}

#: Anything but a datetime: numbers, text, dates, times, durations, containers.
NOT_AN_INSTANT = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=30),
    st.dates(),
    st.times(),
    st.timedeltas(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@given(st.sampled_from(INSTANT_ARGUMENTS), NOT_AN_INSTANT)
def test_anything_but_a_datetime_where_an_instant_goes_is_refused_by_name(
    call: tuple[str, Callable[[Any], object], str], value: Any
) -> None:
    label, function, name = call
    if value is None and label in OPTIONAL:
        return
    with pytest.raises((InvalidArgumentError, ProfileValidationError)) as caught:
        function(value)
    assert f"{name} must be a datetime, not {type(value).__name__}" in str(caught.value)


#: Calls that take a number, with the name their errors give it: (label, call with the number, name).
NUMBER_ARGUMENTS: list[tuple[str, Callable[[Any], object], str]] = [
    ("energy_step base", lambda v: smartcharge.energy_step(v, 7_000.0, 90), "base_step_wh"),
    ("energy_step limit", lambda v: smartcharge.energy_step(250.0, v, 90), "limit_w"),
    ("energy_step interval", lambda v: smartcharge.energy_step(250.0, 7_000.0, v), "interval_s"),
    ("meter_step base", lambda v: smartcharge.meter_step(STATE, 1, T0, 90, v), "base_step_wh"),
    ("meter_step interval", lambda v: smartcharge.meter_step(STATE, 1, T0, v, 250.0), "interval_s"),
    ("SessionProgress", lambda v: smartcharge.SessionProgress(v, 250.0), "energy_delivered_wh"),
    ("OutletDemand", lambda v: balancer.OutletDemand(v), "limit"),
    ("allocate", lambda v: balancer.allocate(v, {}), "total"),
    ("amps_to_watts", lambda v: units.amps_to_watts(v), "amps"),
    ("watts_to_amps voltage", lambda v: units.watts_to_amps(1.0, v), "voltage"),
    ("LocalPolicy", lambda v: smartcharge.LocalPolicy(max_price=v), "max_price"),
    ("ChargingEnvironment", lambda v: smartcharge.ChargingEnvironment(hour=v), "hour"),
    ("ChargingSchedulePeriod", lambda v: smartcharge.ChargingSchedulePeriod(0, v), "limit"),
    ("ChargePointConfig", lambda v: ChargePointConfig(voltage=v), "voltage"),
    ("terminal_chart", lambda v: render.terminal_chart(composite_schedule(STATE, 1, T0, 60), width=v), "width"),
]

#: No number: text that no parser reads as one (no digits, no "nan" or "inf"), containers, dates, None. (NaN is a
#: number; where it is refused, the bad calls above say so.)
NOT_A_NUMBER = st.one_of(
    st.none(),
    st.text(alphabet="bcdeghjkm -_", max_size=10),
    st.lists(st.floats(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.floats(), max_size=2),
    st.dates(),
)


@given(st.sampled_from(NUMBER_ARGUMENTS), NOT_A_NUMBER)
def test_anything_but_a_number_where_a_number_goes_is_refused_by_name(
    call: tuple[str, Callable[[Any], object], str], value: Any
) -> None:
    label, function, name = call
    if value is None and label in OPTIONAL:
        return
    with pytest.raises((InvalidArgumentError, ProfileValidationError)) as caught:
        function(value)
    assert name in str(caught.value)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
#: Documents close to the kinds `validate` reads, so that the Hypothesis search gets past the first check.
NEAR_DOCUMENTS = st.one_of(
    JSON,
    st.fixed_dictionaries({"connectorId": JSON, "csChargingProfiles": JSON}),
    st.dictionaries(st.sampled_from(list(PAYLOAD["csChargingProfiles"])), JSON, max_size=5),
    st.fixed_dictionaries({"events": JSON}),
    st.fixed_dictionaries({"format": st.just("smartcharge-state"), "version": st.just(1), "profiles": JSON}),
    # OCPP 2.0.1
    st.fixed_dictionaries({"evseId": st.integers(-2, 2_000), "chargingProfile": JSON}),
    st.dictionaries(st.sampled_from(list(EXTERNAL)), JSON, max_size=5),
    st.fixed_dictionaries({"ocppVersion": st.just("2.0.1"), "events": JSON}),
)


@given(NEAR_DOCUMENTS)
def test_validate_answers_any_json_with_problems_or_a_smart_charging_error(document: Any) -> None:
    assert all(isinstance(p, validate.Problem) for p in validate.validate_profile(document))
    try:
        problems = validate.validate_document(document)
    except SmartChargingError:
        return
    assert all(isinstance(p, validate.Problem) for p in problems)


def test_except_value_error_still_catches_what_it_caught() -> None:
    """Code written before the error types existed caught bad arguments as ValueError (or TypeError for a value
    that is no datetime); it still does."""
    was_value_error: list[Callable[[], object]] = [
        lambda: ChargePointConfig(voltage=0),
        lambda: smartcharge.energy_step(250.0, 7_000.0, 0),
        lambda: balancer.allocate(NAN, {}),
        lambda: smartcharge.charging.simulation.policy_from_document([]),
        lambda: ocpp16.config_from_ocpp({"voltage": "230"}),
        lambda: validate.validate_document({}),
        lambda: ChargingProfileManager(state=CHARGING, clock=lambda: T0).get_current_limit(1, 99),
        lambda: instants.parse_instant("tomorrow"),
        lambda: limit_at(STATE, 1, NAIVE),
        lambda: smartcharge.end_transaction(STATE, 7),
    ]
    for call in was_value_error:
        with pytest.raises(ValueError):
            call()
    for call in (lambda: limit_at(STATE, 1, "2026-01-08T10:00:00Z"), lambda: instants.parse_instant(5)):
        with pytest.raises(TypeError):
            call()
    for error in (InvalidArgumentError, TransactionError, ProfileValidationError, smartcharge.ScriptError):
        assert issubclass(error, ValueError) and issubclass(error, SmartChargingError)
    assert issubclass(InvalidArgumentError, TypeError)
    assert issubclass(smartcharge.StateDocumentError, ValueError)
    assert not issubclass(OcppCallError, ValueError) and not issubclass(PersistenceError, ValueError)
