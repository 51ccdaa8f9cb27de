"""A small central system (CSMS) to try ``smartcharge station`` with, written with the ``ocpp`` package.

Start it in one terminal, the station in another::

    pip install "smartcharge[station]"
    python examples/csms.py                     # listens on ws://127.0.0.1:9000
    smartcharge station ws://127.0.0.1:9000 --id CP1 --speed 60

Each charge point that boots gets a TxDefaultProfile of --limit W (OCPP 1.6; for OCPP 2.0.1, with
``--ocpp 2.0.1`` on the station, the same profile in 2.0.1 form), then a remote start on connector (EVSE) 1;
the CSMS prints the composite schedule it asks for, and every meter value it receives. After --stop-after
meter values it stops the transaction remotely. It answers only on the loopback interface unless told otherwise
with --host.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
from datetime import datetime, timezone
from typing import Any

import ocpp.v16
import ocpp.v201
import websockets
from ocpp.routing import on
from ocpp.v16 import call as call16
from ocpp.v16 import call_result as result16
from ocpp.v201 import call as call201
from ocpp.v201 import call_result as result201

TRANSACTION_IDS = itertools.count(1)


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def tx_default_profile(limit_w: float, version: str) -> dict[str, Any]:
    schedule = {"chargingRateUnit": "W", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": limit_w}]}
    if version == "2.0.1":
        return {
            "id": 1,
            "stackLevel": 0,
            "chargingProfilePurpose": "TxDefaultProfile",
            "chargingProfileKind": "Relative",
            "chargingSchedule": [{"id": 1, **schedule}],
        }
    return {
        "chargingProfileId": 1,
        "stackLevel": 0,
        "chargingProfilePurpose": "TxDefaultProfile",
        "chargingProfileKind": "Relative",
        "chargingSchedule": schedule,
    }


class Csms16(ocpp.v16.ChargePoint):
    """The central system's side of one OCPP 1.6 charge point."""

    options: argparse.Namespace
    meter_values = 0

    @on("BootNotification")
    def on_boot_notification(self, **kwargs: Any) -> Any:
        print(f"{self.id}: BootNotification {kwargs}")
        asyncio.get_running_loop().create_task(self.drive())
        return result16.BootNotification(current_time=now(), interval=300, status="Accepted")

    @on("Heartbeat")
    def on_heartbeat(self) -> Any:
        return result16.Heartbeat(current_time=now())

    @on("StatusNotification")
    def on_status_notification(self, connector_id: int, status: str, **kwargs: Any) -> Any:
        print(f"{self.id}: connector {connector_id} is {status}")
        return result16.StatusNotification()

    @on("StartTransaction")
    def on_start_transaction(self, connector_id: int, meter_start: int, **kwargs: Any) -> Any:
        transaction_id = next(TRANSACTION_IDS)
        print(f"{self.id}: transaction {transaction_id} started on connector {connector_id} at {meter_start} Wh")
        self.transaction_id = transaction_id
        return result16.StartTransaction(transaction_id=transaction_id, id_tag_info={"status": "Accepted"})

    @on("MeterValues")
    def on_meter_values(self, connector_id: int, meter_value: list[dict[str, Any]], **kwargs: Any) -> Any:
        for value in meter_value:
            sampled = value["sampled_value"][0]
            print(f"{self.id}: {value['timestamp']} connector {connector_id}: {sampled['value']} Wh")
        self.meter_values += 1
        if self.meter_values == self.options.stop_after:
            asyncio.get_running_loop().create_task(self.stop())
        return result16.MeterValues()

    @on("StopTransaction")
    def on_stop_transaction(self, transaction_id: int, meter_stop: int, **kwargs: Any) -> Any:
        print(f"{self.id}: transaction {transaction_id} stopped at {meter_stop} Wh ({kwargs.get('reason')})")
        return result16.StopTransaction()

    async def drive(self) -> None:
        profile = tx_default_profile(self.options.limit, "1.6")
        answer = await self.call(call16.SetChargingProfile(connector_id=0, cs_charging_profiles=profile))
        print(f"{self.id}: SetChargingProfile {answer.status}")
        answer = await self.call(call16.RemoteStartTransaction(id_tag="DEMO", connector_id=1))
        print(f"{self.id}: RemoteStartTransaction {answer.status}")
        await asyncio.sleep(1)
        answer = await self.call(call16.GetCompositeSchedule(connector_id=1, duration=3600, charging_rate_unit="W"))
        print(f"{self.id}: GetCompositeSchedule {answer.status} {answer.charging_schedule}")

    async def stop(self) -> None:
        answer = await self.call(call16.RemoteStopTransaction(transaction_id=self.transaction_id))
        print(f"{self.id}: RemoteStopTransaction {answer.status}")


class Csms201(ocpp.v201.ChargePoint):
    """The central system's side of one OCPP 2.0.1 charging station."""

    options: argparse.Namespace
    meter_values = 0

    @on("BootNotification")
    def on_boot_notification(self, **kwargs: Any) -> Any:
        print(f"{self.id}: BootNotification {kwargs}")
        asyncio.get_running_loop().create_task(self.drive())
        return result201.BootNotification(current_time=now(), interval=300, status="Accepted")

    @on("Heartbeat")
    def on_heartbeat(self) -> Any:
        return result201.Heartbeat(current_time=now())

    @on("StatusNotification")
    def on_status_notification(self, evse_id: int, connector_status: str, **kwargs: Any) -> Any:
        print(f"{self.id}: EVSE {evse_id} is {connector_status}")
        return result201.StatusNotification()

    @on("TransactionEvent")
    def on_transaction_event(self, event_type: str, transaction_info: dict[str, Any], **kwargs: Any) -> Any:
        self.transaction_id = transaction_info["transaction_id"]
        for value in kwargs.get("meter_value", []):
            print(f"{self.id}: {value['timestamp']} {event_type}: {value['sampled_value'][0]['value']} Wh")
        if event_type == "Updated":
            self.meter_values += 1
            if self.meter_values == self.options.stop_after:
                asyncio.get_running_loop().create_task(self.stop())
        return result201.TransactionEvent()

    async def drive(self) -> None:
        profile = tx_default_profile(self.options.limit, "2.0.1")
        answer = await self.call(call201.SetChargingProfile(evse_id=0, charging_profile=profile))
        print(f"{self.id}: SetChargingProfile {answer.status}")
        answer = await self.call(
            call201.RequestStartTransaction(
                id_token={"id_token": "DEMO", "type": "Central"}, remote_start_id=1, evse_id=1
            )
        )
        print(f"{self.id}: RequestStartTransaction {answer.status}")
        await asyncio.sleep(1)
        answer = await self.call(call201.GetCompositeSchedule(evse_id=1, duration=3600, charging_rate_unit="W"))
        print(f"{self.id}: GetCompositeSchedule {answer.status} {answer.schedule}")

    async def stop(self) -> None:
        answer = await self.call(call201.RequestStopTransaction(transaction_id=self.transaction_id))
        print(f"{self.id}: RequestStopTransaction {answer.status}")


async def main() -> None:
    parser = argparse.ArgumentParser(description="A small OCPP 1.6 / 2.0.1 central system for smartcharge station.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=9000, help="port (default 9000)")
    parser.add_argument("--limit", type=float, default=7000.0, help="the TxDefaultProfile's limit in W (default 7000)")
    parser.add_argument("--stop-after", type=int, default=10, help="meter values before the remote stop (default 10)")
    options = parser.parse_args()

    async def on_connect(connection: Any) -> None:
        charge_point_id = connection.request.path.strip("/").split("/")[-1]
        cls = Csms201 if connection.subprotocol == "ocpp2.0.1" else Csms16
        csms = cls(charge_point_id, connection)
        csms.options = options
        print(f"{charge_point_id} connected ({connection.subprotocol})")
        try:
            await csms.start()
        except websockets.ConnectionClosed:
            print(f"{charge_point_id} disconnected")

    async with websockets.serve(on_connect, options.host, options.port, subprotocols=["ocpp1.6", "ocpp2.0.1"]):
        print(f"central system listening on ws://{options.host}:{options.port}")
        await asyncio.get_running_loop().create_future()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main())
