"""smartcharge.station's mixins over a real WebSocket on the loopback interface: a tiny CSMS written with the
`ocpp` package (its ChargePoint class on the central-system side, served by `websockets` on 127.0.0.1, port 0)
sends the smart-charging CALLs to a charge point built from the `ocpp` ChargePoint and the mixin. Every exchange is
bounded by a timeout; nothing leaves 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import subprocess
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

websockets = pytest.importorskip("websockets")

import ocpp.exceptions  # noqa: E402
import ocpp.v16  # noqa: E402
import ocpp.v201  # noqa: E402
from ocpp.routing import on  # noqa: E402
from ocpp.v16 import call as call16  # noqa: E402
from ocpp.v201 import call as call201  # noqa: E402
from ocpp.v201 import call_result as call_result201  # noqa: E402
from ocpp.v201.enums import Action as Action201  # noqa: E402
from schema import assert_valid_request_201, assert_valid_response, assert_valid_response_201  # noqa: E402

from smartcharge import ChargePointConfig, ChargePointState, OcppCallError, load_state  # noqa: E402
from smartcharge.station import SmartChargingV16, SmartChargingV201, ocpp_error  # noqa: E402

NOW = datetime(2026, 1, 8, 9, 0, tzinfo=timezone.utc)
TIMEOUT = 10.0  # seconds for a whole session
STEP = 5.0  # seconds for one CALL and its answer


class ChargePoint16(SmartChargingV16, ocpp.v16.ChargePoint):
    pass


class ChargePoint201(SmartChargingV201, ocpp.v201.ChargePoint):
    pass


def _recording(base: type) -> type:
    """A CSMS class on `base` that keeps every raw message it receives (to check the wire payloads)."""

    class Csms(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, response_timeout=STEP, **kwargs)
            self.received: list[list[Any]] = []
            self.reports: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

        async def route_message(self, raw_msg: str) -> None:
            self.received.append(json.loads(raw_msg))
            await super().route_message(raw_msg)

        def answer_to(self, unique_id: str) -> Any:
            """The payload of the CALLRESULT to the CALL `unique_id`, as it came over the wire."""
            (payload,) = [m[2] for m in self.received if m[0] == 3 and m[1] == unique_id]
            return payload

    return Csms


Csms16 = _recording(ocpp.v16.ChargePoint)


class Csms201(_recording(ocpp.v201.ChargePoint)):  # type: ignore[misc]
    @on(Action201.report_charging_profiles)
    async def on_report_charging_profiles(self, **kwargs: Any) -> Any:
        await self.reports.put(kwargs)
        return call_result201.ReportChargingProfiles()


def _connect_options() -> dict[str, Any]:
    # websockets >= 15 honours proxy environment variables; the tests talk to 127.0.0.1 directly.
    return {"proxy": None} if "proxy" in inspect.signature(websockets.connect).parameters else {}


async def _session(
    csms_class: type,
    charge_point: Callable[[Any], Any],
    subprotocol: str,
    scenario: Callable[[Any, Any], Awaitable[None]],
) -> None:
    """Serves `csms_class` on 127.0.0.1, connects `charge_point(connection)` to it and runs `scenario(csms, cp)`."""
    loop = asyncio.get_running_loop()
    connected: asyncio.Future[Any] = loop.create_future()

    async def on_connect(connection: Any) -> None:
        csms = csms_class("CP1", connection)
        connected.set_result(csms)
        with contextlib.suppress(websockets.ConnectionClosed):
            await csms.start()

    async with websockets.serve(on_connect, "127.0.0.1", 0, subprotocols=[subprotocol]) as server:
        port = server.sockets[0].getsockname()[1]
        url = f"ws://127.0.0.1:{port}/CP1"
        async with websockets.connect(url, subprotocols=[subprotocol], **_connect_options()) as connection:
            cp = charge_point(connection)
            running = asyncio.create_task(cp.start())
            try:
                csms = await asyncio.wait_for(connected, STEP)
                await scenario(csms, cp)
            finally:
                running.cancel()
                with pytest.raises((asyncio.CancelledError, websockets.ConnectionClosed)):
                    await running


def _run(coroutine: Awaitable[None]) -> None:
    asyncio.run(asyncio.wait_for(coroutine, TIMEOUT))  # type: ignore[arg-type]


def _state() -> ChargePointState:
    return ChargePointState(config=ChargePointConfig(outlet_count=2, voltage=230.0))


# --- OCPP 1.6 ------------------------------------------------------------------------------------------------------

PROFILE_16 = {
    "chargingProfileId": 1,
    "stackLevel": 0,
    "chargingProfilePurpose": "TxDefaultProfile",
    "chargingProfileKind": "Absolute",
    "chargingSchedule": {
        "startSchedule": "2026-01-08T08:00:00Z",
        "chargingRateUnit": "W",
        "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 7000}, {"startPeriod": 5400, "limit": 11000}],
    },
}


def test_ocpp16_smart_charging_over_the_wire(tmp_path: Path) -> None:
    saved = tmp_path / "state.json"

    def charge_point(connection: Any) -> ChargePoint16:
        return ChargePoint16("CP1", connection, state=_state(), clock=lambda: NOW, state_path=saved)

    async def scenario(csms: Any, cp: ChargePoint16) -> None:
        answer = await csms.call(call16.SetChargingProfile(connector_id=1, cs_charging_profiles=PROFILE_16))
        assert answer.status == "Accepted"
        assert [ip.profile.charging_profile_id for ip in cp.smartcharge_state.profiles] == [1]
        assert load_state(saved) == cp.smartcharge_state

        answer = await csms.call(
            call16.GetCompositeSchedule(connector_id=1, duration=3600, charging_rate_unit="W"), unique_id="composite"
        )
        wire = csms.answer_to("composite")
        assert_valid_response("GetCompositeSchedule", wire)
        assert wire["status"] == "Accepted" and wire["scheduleStart"] == "2026-01-08T09:00:00Z"
        periods = wire["chargingSchedule"]["chargingSchedulePeriod"]
        assert [(p["startPeriod"], p["limit"]) for p in periods] == [(0, 7000), (1800, 11000)]
        assert answer.connector_id == 1 and answer.charging_schedule["duration"] == 3600

        # bad payloads: the CALLERROR smartcharge says (SPEC R6, R14), with its code
        with pytest.raises(ocpp.exceptions.FormatViolationError) as bad_type:
            await csms.call(
                call16.SetChargingProfile(connector_id="one", cs_charging_profiles=PROFILE_16),
                suppress=False,
                skip_schema_validation=True,
            )
        assert "connectorId" in bad_type.value.description
        with pytest.raises(ocpp.exceptions.PropertyConstraintViolationError):
            await csms.call(
                call16.SetChargingProfile(connector_id=7, cs_charging_profiles=PROFILE_16),
                suppress=False,
            )
        assert [ip.profile.charging_profile_id for ip in cp.smartcharge_state.profiles] == [1]

        answer = await csms.call(call16.ClearChargingProfile(id=1))
        assert answer.status == "Accepted"
        assert cp.smartcharge_state.profiles == ()
        assert load_state(saved) == cp.smartcharge_state
        answer = await csms.call(call16.ClearChargingProfile(id=1))
        assert answer.status == "Unknown"

    _run(_session(Csms16, charge_point, "ocpp1.6", scenario))


# --- OCPP 2.0.1 ----------------------------------------------------------------------------------------------------


def _profile_201(profile_id: int, purpose: str, limit: float) -> dict[str, Any]:
    return {
        "id": profile_id,
        "stackLevel": 0,
        "chargingProfilePurpose": purpose,
        "chargingProfileKind": "Absolute",
        "chargingSchedule": [
            {
                "id": profile_id,
                "startSchedule": "2026-01-08T08:00:00Z",
                "chargingRateUnit": "W",
                "chargingSchedulePeriod": [{"startPeriod": 0, "limit": limit}],
            }
        ],
    }


def test_ocpp201_smart_charging_over_the_wire(tmp_path: Path) -> None:
    saved = tmp_path / "state.json"

    def charge_point(connection: Any) -> ChargePoint201:
        return ChargePoint201("CP1", connection, state=_state(), clock=lambda: NOW, state_path=saved)

    async def scenario(csms: Any, cp: ChargePoint201) -> None:
        cap = _profile_201(1, "ChargingStationMaxProfile", 11000)
        default = _profile_201(2, "TxDefaultProfile", 7000)
        for evse_id, profile in ((0, cap), (1, default)):
            answer = await csms.call(call201.SetChargingProfile(evse_id=evse_id, charging_profile=profile))
            assert answer.status == "Accepted"
        loaded = load_state(saved)
        assert [ip.profile for ip in loaded.profiles] == [ip.profile for ip in cp.smartcharge_state.profiles]

        await csms.call(call201.GetCompositeSchedule(duration=3600, evse_id=1, charging_rate_unit="W"), unique_id="c")
        wire = csms.answer_to("c")
        assert_valid_response_201("GetCompositeSchedule", wire)
        assert wire["status"] == "Accepted"
        assert [(p["startPeriod"], p["limit"]) for p in wire["schedule"]["chargingSchedulePeriod"]] == [(0, 7000)]

        answer = await csms.call(
            call201.GetChargingProfiles(request_id=42, charging_profile={"chargingProfilePurpose": "TxDefaultProfile"})
        )
        assert answer.status == "Accepted"
        report = await asyncio.wait_for(csms.reports.get(), STEP)
        assert report["request_id"] == 42 and report["evse_id"] == 1 and not report.get("tbc", False)
        assert [p["id"] for p in report["charging_profile"]] == [2]
        (raw,) = [m[3] for m in csms.received if m[0] == 2 and m[2] == "ReportChargingProfiles"]
        assert_valid_request_201("ReportChargingProfiles", raw)
        assert raw["chargingProfile"] == [default]  # the profile as it was sent (S16)

        answer = await csms.call(call201.GetChargingProfiles(request_id=43, charging_profile={"stackLevel": 9}))
        assert answer.status == "NoProfiles"

        # bad payloads: SPEC-201 S18's codes
        with pytest.raises(ocpp.exceptions.TypeConstraintViolationError):
            await csms.call(
                call201.SetChargingProfile(evse_id="one", charging_profile=default),
                suppress=False,
                skip_schema_validation=True,
            )
        with pytest.raises(ocpp.exceptions.OccurrenceConstraintViolationError):
            await csms.call(
                call201.SetChargingProfile(evse_id=1, charging_profile=None),
                suppress=False,
                skip_schema_validation=True,
            )

        answer = await csms.call(call201.ClearChargingProfile(charging_profile_id=2))
        assert answer.status == "Accepted"
        assert [ip.profile.charging_profile_id for ip in cp.smartcharge_state.profiles] == [1]
        assert [ip.profile.charging_profile_id for ip in load_state(saved).profiles] == [1]
        assert csms.reports.empty()

    _run(_session(Csms201, charge_point, "ocpp2.0.1", scenario))


def test_the_state_only_changes_in_memory_without_a_path() -> None:
    def charge_point(connection: Any) -> ChargePoint16:
        return ChargePoint16("CP1", connection, state=_state(), clock=lambda: NOW)

    async def scenario(csms: Any, cp: ChargePoint16) -> None:
        before = cp.smartcharge_state
        answer = await csms.call(call16.SetChargingProfile(connector_id=1, cs_charging_profiles=PROFILE_16))
        assert answer.status == "Accepted" and cp.smartcharge_state is not before

    _run(_session(Csms16, charge_point, "ocpp1.6", scenario))


# --- no socket -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("FormatViolation", ocpp.exceptions.FormatViolationError),
        ("PropertyConstraintViolation", ocpp.exceptions.PropertyConstraintViolationError),
        ("TypeConstraintViolation", ocpp.exceptions.TypeConstraintViolationError),
        ("OccurrenceConstraintViolation", ocpp.exceptions.OccurrenceConstraintViolationError),
        ("NotSupported", ocpp.exceptions.NotSupportedError),
    ],
)
def test_call_errors_keep_their_code(code: str, error: type) -> None:
    mapped = ocpp_error(OcppCallError(code, "the field"))
    assert type(mapped) is error and mapped.code == code and mapped.description == "the field"


def test_an_unknown_code_is_a_generic_error_naming_it() -> None:
    mapped = ocpp_error(OcppCallError("Whatever", "the field"))
    assert mapped.code == "GenericError" and "Whatever" in mapped.description


def test_importing_smartcharge_imports_neither_the_station_nor_ocpp() -> None:
    code = "import sys, smartcharge; assert not {'smartcharge.station', 'ocpp', 'websockets'} & set(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
