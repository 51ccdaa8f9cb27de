"""The simulated charge point without a connection (`smartcharge.station.simulator`): what it owes the central
system and in which order, the 1.6 transaction numbered after the fact, its settings and its state file.

No socket here: the outbox is driven by hand as the connection's sender drives it (`next_message`, then
`delivered` with the answer)."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("ocpp")

from smartcharge import InvalidArgumentError, PersistenceError
from smartcharge.station.clock import SimulatedClock
from smartcharge.station.simulator import Station, StationSettings, _base_step

START = datetime(2026, 1, 8, 9, 0, tzinfo=timezone.utc)


class FrozenClock(SimulatedClock):
    """Simulated time that moves only when told."""

    def __init__(self) -> None:
        self.wall = 0.0
        super().__init__(START, 1.0, monotonic=lambda: self.wall)


def station(tmp_path: Path | None = None, version: str = "1.6", **extra: Any) -> Station:
    settings = StationSettings(
        url="ws://127.0.0.1:1",
        charge_point_id="CP1",
        ocpp_version=version,
        connectors=2,
        step_min_wh=250,
        step_max_wh=250,
        state_path=None if tmp_path is None else tmp_path / "cp1.json",
        **extra,
    )
    return Station(settings, clock=FrozenClock(), echo=lambda line: None)


async def sent(s: Station) -> tuple[str, dict[str, Any]]:
    """The next message the sender would send, and what it sends."""
    message = await asyncio.wait_for(s.next_message(), 1)
    return message.action, message.payload


def test_a_16_transaction_started_offline_takes_the_central_systems_id_when_its_start_is_answered() -> None:
    async def scenario() -> None:
        s = station()
        assert s.remote_start({"idTag": "TAG1", "connectorId": 1}) == {"status": "Accepted"}
        (provisional,) = [t.transaction_id for t in s.state.transactions]
        assert isinstance(provisional, int) and provisional < 0
        s.clock.wall = 60.0  # type: ignore[attr-defined]
        await asyncio.sleep(0.01)  # the MeterValues loop delivers its first step, offline
        actions = [m.action for m in s.outbox]
        assert actions == ["StartTransaction", "MeterValues"]
        start = await asyncio.wait_for(s.next_message(), 1)
        s.delivered(start, {"transactionId": 41, "idTagInfo": {"status": "Accepted"}})
        assert [t.transaction_id for t in s.state.transactions] == [41]
        action, payload = await sent(s)
        assert action == "MeterValues" and payload["transactionId"] == 41  # queued under the provisional id
        assert s.outbox[0].payload["transactionId"] == provisional  # kept as queued; numbered when sent
        await s.stop_charging()

    asyncio.run(scenario())


def test_a_16_transaction_whose_id_tag_is_not_accepted_stops_deauthorized() -> None:
    async def scenario() -> None:
        s = station()
        s.remote_start({"idTag": "STOLEN", "connectorId": 2})
        start = await asyncio.wait_for(s.next_message(), 1)
        s.delivered(start, {"transactionId": 43, "idTagInfo": {"status": "Blocked"}})
        assert s.state.transactions == () and s.sessions == {}
        action, payload = await sent(s)
        assert action == "StopTransaction" and payload["reason"] == "DeAuthorized" and payload["transactionId"] == 43

    asyncio.run(scenario())


def test_the_outbox_waits_while_an_answer_is_being_written_and_statuses_need_a_connection() -> None:
    async def scenario() -> None:
        s = station()
        s.queue_status(1, START)
        assert s.outbox == []  # offline: no StatusNotification
        s.connected()
        assert [m.action for m in s.outbox] == ["StatusNotification", "StatusNotification"]
        s.hold()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(s.next_message(), 0.05)
        s.release()
        assert (await sent(s))[0] == "StatusNotification"
        s.connection_lost()
        assert s.outbox == [] and not s.online

    asyncio.run(scenario())


def test_201_events_carry_seq_no_and_the_offline_flag() -> None:
    async def scenario() -> None:
        s = station(version="2.0.1")
        payload = {"idToken": {"idToken": "TAG1", "type": "Central"}, "remoteStartId": 3, "evseId": 2}
        assert s.remote_start(payload)["status"] == "Accepted"
        (transaction,) = s.state.transactions
        assert isinstance(transaction.transaction_id, str) and len(transaction.transaction_id) <= 36
        stop = s.remote_stop({"transactionId": transaction.transaction_id})
        assert stop == {"status": "Accepted"} and s.state.transactions == ()
        events = [m.payload for m in s.outbox]
        assert [e["eventType"] for e in events] == ["Started", "Ended"]
        assert [e["seqNo"] for e in events] == [0, 1] and all(e["offline"] for e in events)
        assert events[0]["transactionInfo"]["remoteStartId"] == 3 and events[0]["evse"] == {"id": 2, "connectorId": 1}

    asyncio.run(scenario())


def test_the_state_file_round_trips_and_a_bad_one_is_refused_naming_the_problem(tmp_path: Path) -> None:
    async def scenario() -> None:
        s = station(tmp_path)
        s.remote_start({"idTag": "TAG1", "connectorId": 2})
        again = station(tmp_path)
        assert again.state == s.state and again.meters == s.meters and again.sessions == s.sessions
        assert [m.unique_id for m in again.outbox] == [m.unique_id for m in s.outbox]
        await s.stop_charging()

    asyncio.run(scenario())
    path = tmp_path / "cp1.json"
    document = json.loads(path.read_text())
    with pytest.raises(PersistenceError, match="the station is started with 3"):
        Station(StationSettings("ws://127.0.0.1:1", "CP1", connectors=3, state_path=path))
    with pytest.raises(PersistenceError, match=r"the station runs 2\.0\.1"):
        Station(StationSettings("ws://127.0.0.1:1", "CP1", ocpp_version="2.0.1", state_path=path))
    for broken, problem in [
        ({**document, "format": "x"}, "not a smartcharge-station document"),
        ({k: v for k, v in document.items() if k != "meters"}, "missing 'meters'"),
        ({**document, "meters": {"1": 0.0}}, "meters are for connectors"),
        ({**document, "state": {**document["state"], "transactions": []}}, "has no transaction"),
    ]:
        path.write_text(json.dumps(broken))
        with pytest.raises(PersistenceError, match=problem):
            station(tmp_path)
    path.write_text("{")
    with pytest.raises(PersistenceError, match=r"cp1\.json"):
        station(tmp_path)


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"ocpp_version": "2.0"}, "ocpp_version"),
        ({"connectors": 0}, "connectors"),
        ({"interval_s": 0}, "interval_s"),
        ({"step_min_wh": 300, "step_max_wh": 200}, "step_min_wh"),
        ({"step_min_wh": -1}, "step_min_wh"),
        ({"start": datetime(2026, 1, 8)}, "start"),
    ],
)
def test_bad_settings_are_refused_naming_the_option(options: dict[str, Any], problem: str) -> None:
    with pytest.raises(InvalidArgumentError, match=problem):
        StationSettings("ws://127.0.0.1:1", "CP1", **options)


def test_a_clock_speed_must_be_a_positive_number() -> None:
    for speed in (0, -1, float("inf"), float("nan"), True):
        with pytest.raises(InvalidArgumentError, match="speed"):
            SimulatedClock(START, speed)


@given(st.integers(0, 10_000), st.integers(1, 4), st.integers(1, 50), st.integers(0, 500))
def test_base_steps_are_whole_wh_in_range_and_depend_only_on_seed_session_and_step(
    seed: int, connector: int, number: int, steps_done: int
) -> None:
    from smartcharge.station.records import Session

    settings = StationSettings("ws://127.0.0.1:1", "CP1", seed=seed, step_min_wh=200, step_max_wh=300)
    session = Session(connector, -1, -1, "T", START, number, steps_done)
    step = _base_step(settings, session)
    assert 200 <= step <= 300 and step == int(step)
    assert _base_step(settings, Session(connector, 77, 77, "U", START, number, steps_done, 5.0)) == step
