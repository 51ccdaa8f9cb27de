"""``smartcharge station`` end to end: the simulated charge point against a central system written with the `ocpp`
package, over WebSocket on 127.0.0.1 (port 0: a free one; nothing leaves the loopback interface).

The station runs on simulated time (`SPEED` simulated seconds per wall second, from `START`), so every step's
energy is checked exactly against the limit the test's own profile puts on that interval; every exchange and every
test is bounded by a timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

websockets = pytest.importorskip("websockets")

import ocpp.exceptions  # noqa: E402
import ocpp.v16  # noqa: E402
import ocpp.v201  # noqa: E402
from ocpp.routing import on  # noqa: E402
from ocpp.v16 import call as call16  # noqa: E402
from ocpp.v16 import call_result as result16  # noqa: E402
from ocpp.v201 import call as call201  # noqa: E402
from ocpp.v201 import call_result as result201  # noqa: E402
from schema import assert_valid_request, assert_valid_request_201, assert_valid_response  # noqa: E402

from smartcharge import LocalPolicy  # noqa: E402
from smartcharge.charging.analysis import analyze  # noqa: E402
from smartcharge.charging.step_record import Bound, BoundKind, StepRecord  # noqa: E402
from smartcharge.documents.step_log import read_step_log  # noqa: E402
from smartcharge.engine.instants import format_instant, parse_instant  # noqa: E402
from smartcharge.station.connection import run_station  # noqa: E402
from smartcharge.station.simulator import Station, StationSettings  # noqa: E402

START = datetime(2026, 1, 8, 9, 0, tzinfo=timezone.utc)
SPEED = 300.0  # a 60 s step lasts 0.2 s
INTERVAL = 60
BASE_WH = 250.0
STEP_TIMEOUT = 10.0  # wall seconds for one expected message
TEST_TIMEOUT = 60.0

#: The test's TxDefaultProfile (W, from START): its limit changes inside meter-value intervals.
PERIODS = [(0, 7000), (150, 3000), (400, 11000), (730, 5000)]


def limit_at(instant: datetime) -> int:
    """The test profile's limit (W) at `instant`, read from `PERIODS` (the oracle of these tests)."""
    offset = (instant - START).total_seconds()
    return [limit for start, limit in PERIODS if start <= offset][-1]


def step_energy(at: datetime) -> float:
    """What a step of `BASE_WH` starting at `at` may deliver under the profile: the integral of the limit over
    [at, at + INTERVAL) in Wh, second by second (the limits are whole watts, the sum exact)."""
    joules = sum(limit_at(at + timedelta(seconds=s)) for s in range(INTERVAL))
    return min(BASE_WH, joules / 3600)


def register_text(wh: float) -> str:
    text = repr(wh)
    return text[:-2] if text.endswith(".0") else text


def profile_16(purpose: str = "TxDefaultProfile", **extra: Any) -> dict[str, Any]:
    return {
        "chargingProfileId": 1,
        "stackLevel": 0,
        "chargingProfilePurpose": purpose,
        "chargingProfileKind": "Absolute",
        "chargingSchedule": {
            "startSchedule": format_instant(START),
            "chargingRateUnit": "W",
            "chargingSchedulePeriod": [{"startPeriod": s, "limit": w} for s, w in PERIODS],
        },
        **extra,
    }


def profile_201() -> dict[str, Any]:
    schedule = profile_16()["chargingSchedule"]
    return {
        "id": 1,
        "stackLevel": 0,
        "chargingProfilePurpose": "TxDefaultProfile",
        "chargingProfileKind": "Absolute",
        "chargingSchedule": [{"id": 1, **schedule}],
    }


# --- the central system -------------------------------------------------------------------------------------------


class _Recording:
    """What both versions' CSMS keep: every raw message received, the transaction messages in a queue."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, response_timeout=STEP_TIMEOUT, **kwargs)  # type: ignore[call-arg]
        self.received: list[list[Any]] = []
        self.transaction_messages: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
        self.booted = asyncio.Event()
        self.sent: list[list[Any]] = []
        self.last_unique_id = ""

    async def route_message(self, raw_msg: str) -> None:
        self.received.append(json.loads(raw_msg))
        await super().route_message(raw_msg)  # type: ignore[misc]

    async def _send(self, message: str) -> None:
        await super()._send(message)  # type: ignore[misc]
        self.sent.append(json.loads(message))
        if self.sent[-1][0] == 3:
            self.server.answered.add(self.sent[-1][1])

    async def answer_sent(self, unique_id: str) -> None:
        """Returns once the CALLRESULT to the CALL `unique_id` has been written to the connection."""
        while not any(m[0] == 3 and m[1] == unique_id for m in self.sent):
            await asyncio.sleep(0.01)

    def record(self) -> None:
        """Called by the handler of a transaction message: the message (as received) goes to the test's queue.
        A unique id seen before is a message sent again: allowed (and not queued again) only when its answer was
        never written; one sent again after its answer is a duplicate, which `Server.close` reports."""
        unique_id = self.received[-1][1]
        if unique_id in self.server.answered:
            self.server.duplicates.append(self.received[-1])
        elif unique_id not in self.server.unique_ids:
            self.server.unique_ids.add(unique_id)
            self.last_unique_id = unique_id
            self.transaction_messages.put_nowait((self.received[-1][2], self.received[-1][3]))

    async def next_transaction_message(self) -> tuple[str, dict[str, Any]]:
        return await asyncio.wait_for(self.transaction_messages.get(), STEP_TIMEOUT)


class Csms16(_Recording, ocpp.v16.ChargePoint):
    next_transaction_id = 41

    @on("BootNotification")
    def on_boot(self, **kwargs: Any) -> Any:
        self.booted.set()
        return result16.BootNotification(current_time=format_instant(START), interval=300, status="Accepted")

    @on("Heartbeat")
    def on_heartbeat(self) -> Any:
        return result16.Heartbeat(current_time=format_instant(START))

    @on("StatusNotification")
    def on_status(self, **kwargs: Any) -> Any:
        return result16.StatusNotification()

    @on("StartTransaction")
    def on_start(self, **kwargs: Any) -> Any:
        self.record()
        Csms16.next_transaction_id += 1
        return result16.StartTransaction(
            transaction_id=Csms16.next_transaction_id - 1, id_tag_info={"status": "Accepted"}
        )

    @on("MeterValues")
    def on_meter_values(self, **kwargs: Any) -> Any:
        self.record()
        return result16.MeterValues()

    @on("StopTransaction")
    def on_stop(self, **kwargs: Any) -> Any:
        self.record()
        return result16.StopTransaction()


class Csms201(_Recording, ocpp.v201.ChargePoint):
    @on("BootNotification")
    def on_boot(self, **kwargs: Any) -> Any:
        self.booted.set()
        return result201.BootNotification(current_time=format_instant(START), interval=300, status="Accepted")

    @on("Heartbeat")
    def on_heartbeat(self) -> Any:
        return result201.Heartbeat(current_time=format_instant(START))

    @on("StatusNotification")
    def on_status(self, **kwargs: Any) -> Any:
        return result201.StatusNotification()

    @on("TransactionEvent")
    def on_transaction_event(self, **kwargs: Any) -> Any:
        self.record()
        return result201.TransactionEvent()


class Server:
    """A CSMS server on 127.0.0.1 that can go away and come back on the same port."""

    def __init__(self, csms_class: type[Any], subprotocol: str) -> None:
        self.csms_class, self.subprotocol = csms_class, subprotocol
        Csms16.next_transaction_id = 41  # the first transaction of every test is 41
        self.connections: asyncio.Queue[Any] = asyncio.Queue()
        self.port = 0
        self._server: Any = None
        #: The unique ids of every transaction message received, and of every CALL answered, over all connections.
        self.unique_ids: set[str] = set()
        self.answered: set[str] = set()
        self.duplicates: list[Any] = []

    async def _on_connect(self, connection: Any) -> None:
        csms = self.csms_class("CP1", connection)
        csms.connection, csms.server = connection, self
        self.connections.put_nowait(csms)
        with contextlib.suppress(websockets.ConnectionClosed):
            await csms.start()

    async def open(self) -> None:
        self._server = await websockets.serve(self._on_connect, "127.0.0.1", self.port, subprotocols=[self.subprotocol])
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        self._server.close()
        await self._server.wait_closed()
        assert not self.duplicates, f"sent again after they were answered: {self.duplicates}"

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    async def next_csms(self, boots: bool = True) -> Any:
        """The CSMS of the next connection, once the station has booted on it (`boots`: a station boots on the
        first connection of a run only)."""
        csms = await asyncio.wait_for(self.connections.get(), STEP_TIMEOUT)
        if boots:
            await asyncio.wait_for(csms.booted.wait(), STEP_TIMEOUT)
        return csms


def settings(url: str, version: str = "1.6", **extra: Any) -> StationSettings:
    options: dict[str, Any] = {
        "ocpp_version": version,
        "connectors": 2,
        "interval_s": INTERVAL,
        "step_min_wh": BASE_WH,
        "step_max_wh": BASE_WH,
        "speed": SPEED,
        "start": START,
        "reconnect_min_s": 0.05,
        "reconnect_max_s": 0.2,
        "response_timeout_s": STEP_TIMEOUT,
    }
    return StationSettings(url=url, charge_point_id="CP1", **{**options, **extra})


@contextlib.asynccontextmanager
async def running(server: Server, station: Station) -> AsyncIterator[Any]:
    """`station` running against `server`; yields the CSMS of its first connection."""
    task = asyncio.create_task(run_station(station))
    try:
        yield await server.next_csms()
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(scenario(), TEST_TIMEOUT))  # type: ignore[arg-type]


def meter_of(payload: dict[str, Any]) -> tuple[datetime, str]:
    """(timestamp, register text) of a 1.6 MeterValues payload, checked against the official schema."""
    assert_valid_request("MeterValues", payload)
    (value,) = payload["meterValue"]
    (sampled,) = value["sampledValue"]
    assert sampled["measurand"] == "Energy.Active.Import.Register" and sampled["unit"] == "Wh"
    return parse_instant(value["timestamp"]), sampled["value"]


def station_time(station: Station) -> datetime:
    return station.now()


# --- OCPP 1.6 ------------------------------------------------------------------------------------------------------


def test_a_remote_session_under_a_profile_then_the_local_policy_until_it_stops(tmp_path: Path) -> None:
    """SetChargingProfile, RemoteStartTransaction, every MeterValues exact under the profile, GetCompositeSchedule
    over the wire, ClearChargingProfile: the local policy decides from the next step on and stops at its cap. The
    step log (--log) holds every step, what bound it and the states it was decided on."""
    log = tmp_path / "steps.jsonl"

    async def scenario() -> None:
        server = Server(Csms16, "ocpp1.6")
        await server.open()
        lines: list[str] = []
        options = {"policy": LocalPolicy(energy_cap_kwh=1.5), "log_path": log}
        station = Station(settings(server.url, **options), echo=lines.append)
        async with running(server, station) as csms:
            answer = await csms.call(call16.SetChargingProfile(connector_id=0, cs_charging_profiles=profile_16()))
            assert answer.status == "Accepted"
            answer = await csms.call(call16.RemoteStartTransaction(id_tag="TAG1", connector_id=1))
            assert answer.status == "Accepted"
            action, started = await csms.next_transaction_message()
            assert action == "StartTransaction" and started["connectorId"] == 1 and started["meterStart"] == 0
            begin = parse_instant(started["timestamp"])

            answer = await csms.call(
                call16.GetCompositeSchedule(connector_id=1, duration=900, charging_rate_unit="W"), unique_id="cs"
            )
            (wire,) = [m[2] for m in csms.received if m[0] == 3 and m[1] == "cs"]
            assert_valid_response("GetCompositeSchedule", wire)
            schedule_start = parse_instant(wire["scheduleStart"])
            for period in wire["chargingSchedule"]["chargingSchedulePeriod"]:
                assert period["limit"] == limit_at(schedule_start + timedelta(seconds=period["startPeriod"]))

            register = 0.0
            for k in range(1, 9):
                action, payload = await csms.next_transaction_message()
                assert action == "MeterValues" and payload["transactionId"] == 41 and payload["connectorId"] == 1
                at, text = meter_of(payload)
                assert at == begin + timedelta(seconds=INTERVAL * k)
                register += step_energy(at - timedelta(seconds=INTERVAL))
                assert text == register_text(register)
            answer = await csms.call(call16.ClearChargingProfile(id=1))
            assert answer.status == "Accepted"
            cleared_at = station_time(station)

            # Steps decided after the clear are the local policy's full steps (the last one cut at its cap); those
            # decided before it are the profile's; one decided within a few simulated seconds of it may be either.
            steps = []
            while (message := await csms.next_transaction_message())[0] == "MeterValues":
                at, text = meter_of(message[1])
                start = at - timedelta(seconds=INTERVAL)
                energy = float(text) - register
                if start >= cleared_at:
                    steps.append(energy)
                elif start < cleared_at - timedelta(seconds=5):
                    assert text == register_text(register + step_energy(start))
                register = float(text)
            action, stopped = message
            assert action == "StopTransaction" and stopped["reason"] == "Other" and stopped["transactionId"] == 41
            assert_valid_request("StopTransaction", stopped)
            assert all(abs(step - BASE_WH) < 1e-9 for step in steps[:-1]) and 0 <= steps[-1] <= BASE_WH + 1e-9
            assert len(steps) >= 2
            assert stopped["meterStop"] == round(register) and register <= 1500 + 1e-9
            assert any("Legacy policy:" in line and line.endswith("— stopping") for line in lines)
            assert any("OCPP profile limiting charge to 3000W" in line for line in lines)
            assert station.state.transactions == () and station.sessions == {}
        await server.close()

    run(scenario)
    records = list(read_step_log(log.read_text(encoding="utf-8").splitlines()))
    steps = [r for r in records if isinstance(r, StepRecord)]
    assert sum(r.delivered_wh for r in steps) <= 1500 + 1e-9 and len(steps) >= 10
    assert {r.bound.kind for r in steps} >= {BoundKind.PROFILE, BoundKind.LOCAL_POLICY}
    assert steps[-1].stop_reason is not None and "cap" in steps[-1].stop_reason
    analysis = analyze(records)
    assert analysis.bound[Bound(BoundKind.PROFILE, 1, "TxDefaultProfile", 0, 0)].steps >= 1
    assert len(analysis.sessions) == 1


def test_a_remote_start_the_station_would_refuse_is_rejected_and_starts_nothing() -> None:
    """SPEC D12: a profile SetChargingProfile would refuse, a busy or an unknown connector: Rejected, nothing
    starts, nothing is installed; a shape problem is the CALLERROR of SPEC."""

    async def scenario() -> None:
        server = Server(Csms16, "ocpp1.6")
        await server.open()
        station = Station(settings(server.url), echo=lambda line: None)
        async with running(server, station) as csms:
            refused = [
                call16.RemoteStartTransaction(id_tag="T", connector_id=1, charging_profile=profile_16()),  # not Tx
                call16.RemoteStartTransaction(
                    id_tag="T", connector_id=1, charging_profile=profile_16("TxProfile", transactionId=5)
                ),
                call16.RemoteStartTransaction(id_tag="T", charging_profile=profile_16("TxProfile")),  # no connector
            ]
            for request in refused:
                assert (await csms.call(request)).status == "Rejected"
            assert station.state.transactions == () and station.state.profiles == ()
            started = await csms.call(
                call16.RemoteStartTransaction(id_tag="T", connector_id=2, charging_profile=profile_16("TxProfile"))
            )
            assert started.status == "Accepted"
            assert [ip.outlet_id for ip in station.state.profiles] == [2]
            busy = await csms.call(call16.RemoteStartTransaction(id_tag="T", connector_id=2))
            assert busy.status == "Rejected"
            unknown = await csms.call(call16.RemoteStartTransaction(id_tag="T", connector_id=7))
            assert unknown.status == "Rejected"
            with pytest.raises(ocpp.exceptions.FormatViolationError):
                await csms.call(
                    call16.RemoteStartTransaction(id_tag="T", connector_id="one"),  # type: ignore[arg-type]
                    suppress=False,
                    skip_schema_validation=True,
                )
            with pytest.raises(ocpp.exceptions.OCPPError):  # no idTag: the station's CALLERROR, not a crash
                await csms.call(
                    call16.RemoteStartTransaction(id_tag=None, connector_id=1),  # type: ignore[arg-type]
                    suppress=False,
                    skip_schema_validation=True,
                )
            with pytest.raises(ocpp.exceptions.NotImplementedError):  # an action it does not implement
                await csms.call(call16.Reset(type="Soft"), suppress=False)
            await csms.connection.send("this is not OCPP")  # ignored
            answer = await csms.call(call16.RemoteStopTransaction(transaction_id=999))
            assert answer.status == "Rejected"
            assert [t.outlet_id for t in station.state.transactions] == [2]
            action, _ = await csms.next_transaction_message()
            assert action == "StartTransaction"
        await server.close()

    run(scenario)


def test_a_connection_loss_delays_the_transaction_messages_and_loses_none(tmp_path: Path) -> None:
    """The CSMS goes away for a while mid-session: the station charges on under the profile, then delivers every
    MeterValues once, in order, with a consistent meter; a remote stop ends it."""

    async def scenario() -> None:
        server = Server(Csms16, "ocpp1.6")
        await server.open()
        lines: list[str] = []
        station = Station(settings(server.url), echo=lines.append)
        async with running(server, station) as csms:
            await csms.call(call16.SetChargingProfile(connector_id=0, cs_charging_profiles=profile_16()))
            await csms.call(call16.RemoteStartTransaction(id_tag="TAG1", connector_id=1))
            _, started = await csms.next_transaction_message()
            begin = parse_instant(started["timestamp"])
            meters = [await csms.next_transaction_message() for _ in range(2)]
            await csms.answer_sent(csms.last_unique_id)
            await server.close()  # no server for a while: the station cannot reconnect
            await csms.connection.close()
            await asyncio.sleep(4 * INTERVAL / SPEED)
            assert any("reconnecting" in line for line in lines)
            await server.open()
            csms = await server.next_csms(boots=False)  # a reconnection, not a reboot
            while len(meters) < 9:
                meters.append(await csms.next_transaction_message())
            register = 0.0
            for k, (action, payload) in enumerate(meters, start=1):
                at, text = meter_of(payload)
                assert action == "MeterValues" and payload["transactionId"] == 41
                assert at == begin + timedelta(seconds=INTERVAL * k)
                register += step_energy(at - timedelta(seconds=INTERVAL))
                assert text == register_text(register)
            assert (await csms.call(call16.RemoteStopTransaction(transaction_id=41))).status == "Accepted"
            while (message := await csms.next_transaction_message())[0] == "MeterValues":
                register = float(meter_of(message[1])[1])
            action, stopped = message
            assert action == "StopTransaction" and stopped["reason"] == "Remote"
            assert round(register) <= stopped["meterStop"] <= round(register + BASE_WH)
            assert not csms.booted.is_set() and any(m[2] == "StatusNotification" for m in csms.received if m[0] == 2)
        await server.close()

    run(scenario)


def test_a_restart_from_the_state_file_keeps_profiles_transactions_and_meters(tmp_path: Path) -> None:
    saved = tmp_path / "cp1.json"

    async def scenario() -> None:
        server = Server(Csms16, "ocpp1.6")
        await server.open()
        first = Station(settings(server.url, state_path=saved), echo=lambda line: None)
        async with running(server, first) as csms:
            await csms.call(call16.SetChargingProfile(connector_id=0, cs_charging_profiles=profile_16()))
            await csms.call(call16.RemoteStartTransaction(id_tag="TAG1", connector_id=1))
            for _ in range(3):  # StartTransaction, two MeterValues
                action, payload = await csms.next_transaction_message()
            while first.outbox:  # stopped once the answer is taken (a message whose answer was lost comes again)
                await asyncio.sleep(0.005)
        register = float(meter_of(payload)[1])

        later = START + timedelta(minutes=5)
        second = Station(settings(server.url, state_path=saved, start=later), echo=lambda line: None)
        assert second.state == first.state and [ip.profile.charging_profile_id for ip in second.state.profiles] == [1]
        assert second.state.transaction_on(1) is not None and second.state.transaction_on(1).transaction_id == 41  # type: ignore[union-attr]
        assert second.meters[1] >= register
        async with running(server, second) as csms:
            answer = await csms.call(call16.GetCompositeSchedule(connector_id=1, duration=60, charging_rate_unit="W"))
            assert answer.charging_schedule["charging_schedule_period"][0]["limit"] == limit_at(later)
            # a message the first run sent and saw no answer to comes again, under its unique id; then the new steps
            action, payload = await csms.next_transaction_message()
            while action != "MeterValues" or meter_of(payload)[0] <= later:
                action, payload = await csms.next_transaction_message()
            assert payload["transactionId"] == 41 and float(meter_of(payload)[1]) > register
        await server.close()

    run(scenario)


# --- OCPP 2.0.1 ----------------------------------------------------------------------------------------------------


def test_201_a_remote_session_with_transaction_events_exact_under_the_profile() -> None:
    async def scenario() -> None:
        server = Server(Csms201, "ocpp2.0.1")
        await server.open()
        station = Station(settings(server.url, "2.0.1"), echo=lambda line: None)
        async with running(server, station) as csms:
            answer = await csms.call(call201.SetChargingProfile(evse_id=0, charging_profile=profile_201()))
            assert answer.status == "Accepted"
            answer = await csms.call(
                call201.RequestStartTransaction(id_token={"id_token": "TAG1", "type": "Central"}, remote_start_id=7)
            )
            assert answer.status == "Accepted"
            events = [await csms.next_transaction_message() for _ in range(6)]
            for action, payload in events:
                assert action == "TransactionEvent"
                assert_valid_request_201("TransactionEvent", payload)
            started = events[0][1]
            assert started["eventType"] == "Started" and started["transactionInfo"]["remoteStartId"] == 7
            transaction_id = started["transactionInfo"]["transactionId"]
            begin = parse_instant(started["timestamp"])
            register = 0.0
            for k, (_, payload) in enumerate(events[1:], start=1):
                assert payload["eventType"] == "Updated" and payload["seqNo"] == k
                assert payload["transactionInfo"]["transactionId"] == transaction_id
                (value,) = payload["meterValue"]
                assert parse_instant(value["timestamp"]) == begin + timedelta(seconds=INTERVAL * k)
                register += step_energy(begin + timedelta(seconds=INTERVAL * (k - 1)))
                assert value["sampledValue"][0]["value"] == register
            answer = await csms.call(call201.RequestStopTransaction(transaction_id=transaction_id.upper()))
            assert answer.status == "Accepted"
            while (message := await csms.next_transaction_message())[1]["eventType"] != "Ended":
                pass
            ended = message[1]
            assert ended["transactionInfo"]["stoppedReason"] == "Remote" and ended["triggerReason"] == "RemoteStop"
            answer = await csms.call(call201.RequestStopTransaction(transaction_id=transaction_id))
            assert answer.status == "Rejected"
            assert station.state.transactions == ()
        await server.close()

    run(scenario)


# --- the command ---------------------------------------------------------------------------------------------------


def test_the_station_command_runs_for_its_duration_and_keeps_its_state(tmp_path: Path) -> None:
    """The command with its options: simulated start and speed, a policy file, a state file."""
    saved = tmp_path / "cp1.json"
    policy = tmp_path / "policy.json"
    policy.write_text('{"energyCapKwh": 0.3}')

    async def scenario() -> None:
        server = Server(Csms16, "ocpp1.6")
        await server.open()
        command = [sys.executable, "-m", "smartcharge", "station", server.url, "--id", "CP1", "--speed", "600"]
        command += ["--duration", "1800", "--step-min", "250", "--step-max", "250", "--state", str(saved)]
        command += ["--start", "2026-01-08T10:00:00+01:00", "--policy", str(policy)]
        process = await asyncio.create_subprocess_exec(*command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        csms = await server.next_csms()
        await csms.call(call16.SetChargingProfile(connector_id=0, cs_charging_profiles=profile_16()))
        assert (await csms.call(call16.RemoteStartTransaction(id_tag="TAG1"))).status == "Accepted"
        action, started = await csms.next_transaction_message()
        assert action == "StartTransaction"
        assert START <= parse_instant(started["timestamp"]) < START + timedelta(seconds=1800)  # --start, --speed
        action, payload = await csms.next_transaction_message()
        assert action == "MeterValues" and payload["transactionId"] == 41
        assert meter_of(payload)[0] == parse_instant(started["timestamp"]) + timedelta(seconds=INTERVAL)
        assert (await csms.call(call16.ClearChargingProfile(id=1))).status == "Accepted"
        while (message := await csms.next_transaction_message())[0] == "MeterValues":
            pass
        assert message[0] == "StopTransaction" and message[1]["meterStop"] <= 300  # the policy's 0.3 kWh cap
        out, err = await asyncio.wait_for(process.communicate(), STEP_TIMEOUT)
        assert process.returncode == 0, err.decode()
        text = out.decode()
        assert "RemoteStartTransaction: Accepted" in text and "1800 simulated seconds have passed" in text
        assert "Legacy policy:" in text and "— stopping" in text
        document = json.loads(saved.read_text())
        assert document["format"] == "smartcharge-station" and document["state"]["profiles"] == []
        assert document["sessions"] == [] and round(document["meters"]["1"]) == message[1]["meterStop"]
        await server.close()

    run(scenario)


def test_the_station_command_without_the_extra_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from smartcharge.tools.cli import main

    monkeypatch.setitem(sys.modules, "smartcharge.station.cli", None)
    assert main(["station", "ws://127.0.0.1:1", "--id", "CP1"]) == 2
    assert 'pip install "smartcharge[station]"' in capsys.readouterr().err
