"""The simulated charge point on the wire: one WebSocket connection after another to the central system, through
the `ocpp` package (2.x).

What lives here is everything about connections: connecting (subprotocol ``ocpp1.6`` or ``ocpp2.0.1``) and
reconnecting with a doubling backoff; BootNotification until accepted, on the first connection of a run only (a
reconnection is not a reboot), and the Heartbeat at the interval the central system returns (wall time: a
heartbeat keeps the connection, it simulates nothing); the sender that delivers the station's outbox in order, one
CALL at a time, each taken off only once answered; and the `ocpp` ChargePoint classes whose handlers pass the
central system's CALLs to the station: the smart-charging ones via the mixins of `adapter`, the remote start and
stop to `Station.remote_start` / `remote_stop`. Any other action gets the `ocpp` package's CALLERROR
(NotImplemented, or NotSupported for an action of another version); a payload the spec refuses gets the CALLERROR
of SPEC; an exception in a handler becomes an InternalError: the station never stops on a message. What the
station does between connections is `simulator`'s business.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import Callable
from typing import Any, cast

import ocpp.exceptions
import ocpp.v16
import ocpp.v201
import websockets
from ocpp.charge_point import camel_to_snake_case, serialize_as_dict, snake_to_camel_case
from ocpp.v16 import call as call16
from ocpp.v16 import call_result as call_result16
from ocpp.v201 import call as call201
from ocpp.v201 import call_result as call_result201

from smartcharge.engine.store import ChargePointState
from smartcharge.errors import OcppCallError
from smartcharge.station.adapter import SmartChargingV16, SmartChargingV201, handles, handles_after, ocpp_error
from smartcharge.station.records import QueuedMessage
from smartcharge.station.simulator import Station

__all__ = ["run_station"]

LOGGER = logging.getLogger(__name__)

#: What ends a connection (or an attempt to open one); the station then waits and connects again.
_CONNECTION_ERRORS = (OSError, asyncio.TimeoutError, websockets.InvalidHandshake, websockets.ConnectionClosed)

#: How long (wall seconds) the sender may still take an answer that arrived just before its connection closed.
_ANSWER_GRACE_S = 0.2


class _StationHandlers:
    """The CALLs of the central system that reach the station, for both versions; mixed into the `ocpp`
    ChargePoint classes below. The smart-charging state is the station's own."""

    def __init__(self, station: Station, connection: Any) -> None:
        self.station = station
        cast(Any, super()).__init__(  # the mixin's, then the `ocpp` ChargePoint's
            station.settings.charge_point_id,
            connection,
            state=station.state,
            clock=station.now,
            response_timeout=station.settings.response_timeout_s,
        )

    @property
    def smartcharge_state(self) -> ChargePointState:
        return self.station.state

    @smartcharge_state.setter
    def smartcharge_state(self, state: ChargePointState) -> None:
        self.station.keep(state)

    def smartcharge_keep(self, state: ChargePointState) -> None:
        self.station.keep(state)

    def _remote(self, answer: Callable[[Any], dict[str, Any]], kwargs: dict[str, Any]) -> dict[str, Any]:
        """`answer` (the station's remote start or stop) for the CALL's snake_case `kwargs`, the outbox held until
        the answer is out (`_released`)."""
        self.station.hold()
        try:
            return answer(snake_to_camel_case(kwargs))
        except OcppCallError as exc:
            self.station.release()
            raise ocpp_error(exc) from None
        except BaseException:
            self.station.release()
            raise

    def _released(self, **kwargs: Any) -> None:
        self.station.release()


def _result(cls: Callable[..., Any], response: dict[str, Any]) -> Any:
    return cls(**camel_to_snake_case(response))


class _ChargePoint16(_StationHandlers, SmartChargingV16, ocpp.v16.ChargePoint):  # type: ignore[misc]
    @handles("RemoteStartTransaction")
    def on_remote_start_transaction(self, **kwargs: Any) -> Any:
        return _result(call_result16.RemoteStartTransaction, self._remote(self.station.remote_start, kwargs))

    @handles_after("RemoteStartTransaction")
    def after_remote_start_transaction(self, **kwargs: Any) -> None:
        self._released()

    @handles("RemoteStopTransaction")
    def on_remote_stop_transaction(self, **kwargs: Any) -> Any:
        return _result(call_result16.RemoteStopTransaction, self._remote(self.station.remote_stop, kwargs))

    @handles_after("RemoteStopTransaction")
    def after_remote_stop_transaction(self, **kwargs: Any) -> None:
        self._released()


class _ChargePoint201(_StationHandlers, SmartChargingV201, ocpp.v201.ChargePoint):  # type: ignore[misc]
    @handles("RequestStartTransaction")
    def on_request_start_transaction(self, **kwargs: Any) -> Any:
        return _result(call_result201.RequestStartTransaction, self._remote(self.station.remote_start, kwargs))

    @handles_after("RequestStartTransaction")
    def after_request_start_transaction(self, **kwargs: Any) -> None:
        self._released()

    @handles("RequestStopTransaction")
    def on_request_stop_transaction(self, **kwargs: Any) -> Any:
        return _result(call_result201.RequestStopTransaction, self._remote(self.station.remote_stop, kwargs))

    @handles_after("RequestStopTransaction")
    def after_request_stop_transaction(self, **kwargs: Any) -> None:
        self._released()


#: The `ocpp` ChargePoint class and `call` module of each OCPP version.
_CLASSES: dict[str, tuple[type[Any], Any]] = {"1.6": (_ChargePoint16, call16), "2.0.1": (_ChargePoint201, call201)}


def _charge_point(station: Station, connection: Any) -> Any:
    cls, _ = _CLASSES[station.settings.ocpp_version]
    return cls(station, connection)


async def _call(cp: Any, station: Station, action: str, payload: dict[str, Any], unique_id: str | None = None) -> Any:
    """Sends the CALL `action` and returns the answer's payload (camelCase); None for a CALLERROR."""
    _, calls = _CLASSES[station.settings.ocpp_version]
    request = _result(getattr(calls, action), payload)
    try:
        answer = await cp.call(request, suppress=False, unique_id=unique_id)
    except ocpp.exceptions.OCPPError as exc:
        station.log(station.now(), f"{action} answered with a CALLERROR: {exc}")
        return None
    return snake_to_camel_case(serialize_as_dict(answer))


async def _boot(cp: Any, station: Station) -> int:
    """BootNotification until the central system accepts it; the heartbeat interval it returns (seconds)."""
    action, payload = station.dialect.boot(station.settings.vendor, station.settings.model)
    while True:
        answer = await _call(cp, station, action, payload) or {}
        status, interval = answer.get("status"), answer.get("interval", 60)
        station.log(station.now(), f"BootNotification: {status}, interval {interval} s")
        if status == "Accepted":
            return max(1, int(interval))
        await asyncio.sleep(max(1, int(interval)))


async def _heartbeat(cp: Any, station: Station, interval_s: int) -> None:
    while True:
        await asyncio.sleep(interval_s)
        await _call(cp, station, "Heartbeat", {})


async def _deliver(cp: Any, station: Station) -> None:
    """Sends the outbox in order, each message taken off once answered; a timed-out one is sent again under the
    same unique id."""
    while True:
        message: QueuedMessage = await station.next_message()
        try:
            answer = await _call(cp, station, message.action, message.payload, message.unique_id)
        except asyncio.TimeoutError:
            station.log(station.now(), f"{message.action} not answered; sending it again")
            continue
        station.delivered(message, answer)


async def _boot_once(cp: Any, station: Station, receiving: asyncio.Task[Any]) -> int:
    """The heartbeat interval: from the BootNotification of this run of the station, sent on its first connection
    (§4.2: a charge point boots once per start, not once per connection)."""
    if station.heartbeat_s is None:
        booting = asyncio.create_task(_boot(cp, station))
        done, _ = await asyncio.wait({receiving, booting}, return_when=asyncio.FIRST_COMPLETED)
        if booting not in done:
            booting.cancel()
            await receiving  # the connection ended during the boot: its error says why
        station.heartbeat_s = booting.result()
    return station.heartbeat_s


async def _serve(station: Station, connection: Any) -> None:
    """One connection: boot (the first time), the statuses, then receive, deliver and beat until it ends."""
    cp = _charge_point(station, connection)
    receiving = asyncio.create_task(cp.start())
    tasks = [receiving]
    try:
        interval = await _boot_once(cp, station, receiving)
        station.connected()
        delivering = asyncio.create_task(_deliver(cp, station))
        tasks += [delivering, asyncio.create_task(_heartbeat(cp, station, interval))]
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        if receiving in done and delivering not in done:
            # An answer received just before the connection closed is still to be taken by the sender: let it,
            # or its message would be sent again after reconnecting.
            await asyncio.wait({delivering}, timeout=_ANSWER_GRACE_S)
        for task in done:
            task.result()
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, *_CONNECTION_ERRORS):
                await task


def _connect_options() -> dict[str, Any]:
    # websockets >= 15 reads proxy settings from the environment: a charge point connects directly.
    return {"proxy": None} if "proxy" in inspect.signature(websockets.connect).parameters else {}


async def run_station(station: Station) -> None:
    """Runs `station` until cancelled: its sessions resume, and it stays connected to its central system,
    reconnecting after every loss (the first wait `reconnect_min_s`, doubling up to `reconnect_max_s`)."""
    settings = station.settings
    url = f"{settings.url.rstrip('/')}/{settings.charge_point_id}"
    station.resume()
    wait = settings.reconnect_min_s
    try:
        while True:
            try:
                async with websockets.connect(
                    url, subprotocols=[cast(Any, station.dialect.subprotocol)], **_connect_options()
                ) as connection:
                    station.log(station.now(), f"connected to {url} ({connection.subprotocol})")
                    wait = settings.reconnect_min_s
                    await _serve(station, connection)
            except _CONNECTION_ERRORS as exc:
                station.log(station.now(), f"connection to {url} lost or refused: {exc or type(exc).__name__}")
            except Exception:  # a fault of the station's own: reported in full, the connection opened again
                LOGGER.exception("the connection to %s failed", url)
            station.connection_lost()
            station.log(station.now(), f"reconnecting in {wait:g} s; {len(station.outbox)} messages waiting")
            await asyncio.sleep(wait)
            wait = min(max(wait * 2, settings.reconnect_min_s), settings.reconnect_max_s)
    finally:
        await station.stop_charging()
