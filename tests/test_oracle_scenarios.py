"""The oracle (`tests/oracle.py`) reproduces the shared worked examples in ../shared/scenarios.

Each scenario is a replay script with the expected answer to every call. Here the states are built with the real
store operations (`install_profile`, `clear_profiles`, `start_transaction`, `end_transaction`) through a small
test-only payload -> model converter, and every Accepted GetCompositeSchedule answer is checked second by second
against `oracle_schedule`. This proves the oracle right independently of the engine (`smartcharge.engine.composite`),
which the oracle then judges in `test_oracle_agreement.py`. Skipped when the scenarios folder is absent.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from builders import PURPOSES
from dateutil.parser import isoparse
from oracle import oracle_schedule

from smartcharge.engine.model import (
    ChargePointConfig,
    ChargingProfile,
    ChargingSchedule,
    ChargingSchedulePeriod,
)
from smartcharge.engine.store import (
    ChargePointState,
    clear_profiles,
    end_transaction,
    install_profile,
    start_transaction,
)
from smartcharge.errors import ProfileValidationError

SCENARIOS = Path(__file__).resolve().parents[2] / "shared" / "scenarios"
SCENARIO_FILES = sorted(SCENARIOS.glob("**/*.json")) if SCENARIOS.is_dir() else []

_CONFIG_FIELDS = {
    "connectorCount": "outlet_count",
    "voltage": "voltage",
    "chargeProfileMaxStackLevel": "max_stack_level",
    "chargingScheduleAllowedChargingRateUnit": "allowed_rate_units",
    "chargingScheduleMaxPeriods": "max_periods",
    "maxChargingProfilesInstalled": "max_profiles",
    "connectorMaxCurrent": "outlet_max_current",
    "defaultNumberPhases": "default_number_phases",
}


def _instant(text: str | None) -> datetime | None:
    return None if text is None else isoparse(text)


def _floor_second(at: datetime) -> datetime:
    return at.replace(microsecond=0)


def config_from_json(doc: dict[str, Any]) -> ChargePointConfig:
    """The script's "config" object (camelCase keys, all optional) as a ChargePointConfig."""
    return ChargePointConfig(**{_CONFIG_FIELDS[key]: value for key, value in doc.items()})


def profile_from_json(doc: dict[str, Any]) -> ChargingProfile:
    """An OCPP 1.6 csChargingProfiles object as a ChargingProfile. Raises (KeyError, TypeError, ValueError,
    ProfileValidationError) for payloads the library refuses."""
    schedule = doc["chargingSchedule"]
    periods = tuple(
        ChargingSchedulePeriod(start_period=p["startPeriod"], limit=p["limit"], number_phases=p.get("numberPhases"))
        for p in schedule["chargingSchedulePeriod"]
    )
    return ChargingProfile(
        charging_profile_id=doc["chargingProfileId"],
        stack_level=doc["stackLevel"],
        charging_profile_purpose=PURPOSES[doc["chargingProfilePurpose"]],
        charging_profile_kind=doc["chargingProfileKind"],
        charging_schedules=ChargingSchedule(
            charging_rate_unit=schedule["chargingRateUnit"],
            charging_schedule_period=periods,
            duration=schedule.get("duration"),
            start_schedule=_instant(schedule.get("startSchedule")),
            min_charging_rate=schedule.get("minChargingRate"),
        ),
        transaction_id=doc.get("transactionId"),
        recurrency_kind=doc.get("recurrencyKind"),
        valid_from=_instant(doc.get("validFrom")),
        valid_to=_instant(doc.get("validTo")),
    )


_REFUSED = (KeyError, TypeError, ValueError, ProfileValidationError)


def _set_charging_profile(
    state: ChargePointState, payload: dict[str, Any], at: datetime
) -> tuple[ChargePointState, bool]:
    try:
        profile = profile_from_json(payload["csChargingProfiles"])
    except _REFUSED:
        return state, False
    outcome = install_profile(state, payload["connectorId"], profile, at)
    return outcome.state, outcome.accepted


def _clear_charging_profile(state: ChargePointState, payload: dict[str, Any]) -> ChargePointState:
    return clear_profiles(
        state,
        id=payload.get("id"),
        outlet_id=payload.get("connectorId"),
        purpose=PURPOSES.get(payload.get("chargingProfilePurpose", "")),
        stack_level=payload.get("stackLevel"),
    ).state


def expected_seconds(schedule: dict[str, Any], span: int) -> list[tuple[float, int]]:
    """The expected answer's (limit, numberPhases) at every second of [0, span) (numberPhases absent = 3)."""
    periods = schedule["chargingSchedulePeriod"]
    out = []
    for second in range(span):
        current = [p for p in periods if p["startPeriod"] <= second][-1]
        out.append((round(float(current["limit"]), 6), int(current.get("numberPhases", 3))))
    return out


def oracle_seconds(
    state: ChargePointState, outlet_id: int, start: datetime, span: int, unit: str
) -> list[tuple[float, int]]:
    """`oracle_schedule` as GetCompositeSchedule reports it: rounded down to 0.1 (R31), no limit replaced by the
    hardware maximum in the unit with the default phases (R25; for connector 0, that of every connector)."""
    config = state.config
    hardware = config.outlet_max_current
    if unit == "W":
        hardware *= config.voltage * config.default_number_phases
    if outlet_id == 0:
        hardware *= config.outlet_count
    out = []
    for limit, phases in oracle_schedule(state, outlet_id, start, span, unit):
        value = hardware if limit is None else limit
        out.append((round(math.floor(value * 10 + 1e-6) / 10, 6), phases))
    return out


def _first_difference(got: list[tuple[float, int]], want: list[tuple[float, int]]) -> str | None:
    for second, (g, w) in enumerate(zip(got, want, strict=True)):
        if g != w:
            return f"at second {second}: oracle {g}, expected {w}"
    return None


@pytest.mark.skipif(not SCENARIOS.is_dir(), reason=f"no shared scenarios folder at {SCENARIOS}")
def test_scenarios_folder_has_scenarios() -> None:
    assert SCENARIO_FILES, f"{SCENARIOS} holds no scenario"


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_r21_r27_oracle_reproduces_scenario(path: Path) -> None:
    script = json.loads(path.read_text())
    state = ChargePointState(config=config_from_json(script.get("config", {})))
    calls = [event for event in script["events"] if "call" in event]
    expected = script["expected"]
    assert len(calls) == len(expected), "a scenario gives one expected answer per call"
    answers = iter(expected)
    for event in script["events"]:
        at = _floor_second(isoparse(event["at"]))
        if "startTransaction" in event:
            body = event["startTransaction"]
            profile = body.get("chargingProfile")
            state = start_transaction(
                state,
                body["connectorId"],
                body["transactionId"],
                at,
                None if profile is None else profile_from_json(profile),
            )
            continue
        if "stopTransaction" in event:
            state = end_transaction(state, event["stopTransaction"]["transactionId"])
            continue
        want = next(answers)
        payload = event["payload"]
        if event["call"] == "SetChargingProfile":
            state, accepted = _set_charging_profile(state, payload, at)
            want_accepted = want.get("response", {}).get("status") == "Accepted"
            assert accepted == want_accepted, f"SetChargingProfile at {event['at']}: store and scenario disagree"
        elif event["call"] == "ClearChargingProfile":
            state = _clear_charging_profile(state, payload)
        elif event["call"] == "GetCompositeSchedule":
            response = want.get("response", {})
            if response.get("status") != "Accepted":
                continue
            schedule = response["chargingSchedule"]
            span = max(int(schedule["duration"]), 1)
            start = _floor_second(isoparse(response["scheduleStart"]))
            outlet_id = response["connectorId"]
            unit = schedule["chargingRateUnit"]
            got = oracle_seconds(state, outlet_id, start, span, unit)
            difference = _first_difference(got, expected_seconds(schedule, span))
            assert difference is None, (
                f"GetCompositeSchedule at {event['at']} (connector {outlet_id}, {unit}): {difference}"
            )
