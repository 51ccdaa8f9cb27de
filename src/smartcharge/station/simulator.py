"""The simulated charge point behind ``smartcharge station``: its connectors, their transactions and meters, the
MeterValues loop, and the ordered queue of the messages it owes the central system.

What lives here is the station's behaviour whether or not it is connected: a remote start or stop is answered by
the sans-IO handlers (`Dialect.remote_start` / `remote_stop`, SPEC D12 and R19 included); every `interval_s`
simulated seconds each charging connector takes one step of `meter_step` (the OCPP limit first, the local policy
otherwise: R33-R35; the station balancer's share when several connectors charge: R28) and owes a MeterValues with
its cumulative register; a local policy that says stop ends the transaction. Transaction messages wait in the
`outbox` in order until the central system has answered them, so a connection loss delays them and loses none;
each keeps its unique id, so one that was sent but not answered is sent again under the same id.

This module knows neither sockets nor the `ocpp` package (`connection` does) nor which OCPP version it speaks
(`_dialects` does). All time is the simulated clock's; with `state_path` everything above survives a restart
(`station_document`).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import random
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

import attrs

from smartcharge.charging.balancer import station_allocation
from smartcharge.charging.local_policy import Action, ChargingEnvironment, LocalPolicy
from smartcharge.charging.step import StepDecision, meter_step
from smartcharge.charging.step_record import StepRecord
from smartcharge.documents.step_log import StepLogWriter
from smartcharge.engine.instants import format_instant, to_epoch, utc_instant
from smartcharge.engine.model import ChargePointConfig, ChargingRateUnit, TransactionId
from smartcharge.engine.store import ChargePointState, end_transaction, renumber_transaction
from smartcharge.errors import InvalidArgumentError, TransactionError
from smartcharge.station import station_document
from smartcharge.station._dialects import DIALECTS, Dialect, SessionFacts, new_transaction_id
from smartcharge.station.clock import SimulatedClock
from smartcharge.station.records import QueuedMessage, Session

__all__ = ["Station", "StationSettings"]

Payload = dict[str, Any]


def _positive_int(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidArgumentError(f"{attribute.name} must be a whole number >= 1, not {value!r}")


def _version(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if value not in DIALECTS:
        raise InvalidArgumentError(f"ocpp_version must be one of {', '.join(DIALECTS)}, not {value!r}")


def _finite_non_negative(instance: object, attribute: attrs.Attribute[float], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < math.inf:
        raise InvalidArgumentError(f"{attribute.name} must be a finite number >= 0, not {value!r}")


@attrs.frozen
class StationSettings:
    """How ``smartcharge station`` runs (its command-line options).

    - `url` of the central system and `charge_point_id` (appended to the URL as its last path segment);
      `ocpp_version` ``"1.6"`` or ``"2.0.1"``; `connectors` (None: as the saved state says, else 1).
    - The MeterValues loop: every `interval_s` simulated seconds a base step drawn uniformly from
      [`step_min_wh`, `step_max_wh`] (whole Wh; seeded with `seed`: the n-th step of a connector's k-th session
      depends on nothing else), decided by `meter_step` with the local `policy` and its `environment`.
    - `speed`: simulated seconds per wall second; `start`: the simulated instant at start (None: now).
    - `state_path`: where the station is kept (atomically, after every change) and found at the next start.
    - `log_path`: a step log (`smartcharge.documents.step_log`) every step is appended to, with the state it was
      decided on whenever that changed (None: none).
    - Reconnection: the first wait `reconnect_min_s`, doubled after every failure up to `reconnect_max_s` (wall
      seconds); `response_timeout_s`: how long a CALL waits for its answer.
    """

    url: str
    charge_point_id: str
    ocpp_version: str = attrs.field(default="1.6", validator=_version)
    connectors: int | None = attrs.field(default=None, validator=attrs.validators.optional(_positive_int))
    interval_s: int = attrs.field(default=60, validator=_positive_int)
    step_min_wh: float = attrs.field(default=200.0, validator=_finite_non_negative)
    step_max_wh: float = attrs.field(default=300.0, validator=_finite_non_negative)
    seed: int = 0
    policy: LocalPolicy | None = None
    environment: Callable[[datetime], ChargingEnvironment] | None = None
    speed: float = 1.0
    start: datetime | None = None
    state_path: str | os.PathLike[str] | None = None
    log_path: str | os.PathLike[str] | None = None
    vendor: str = "smartcharge"
    model: str = "simulated station"
    reconnect_min_s: float = attrs.field(default=1.0, validator=_finite_non_negative)
    reconnect_max_s: float = attrs.field(default=30.0, validator=_finite_non_negative)
    response_timeout_s: float = attrs.field(default=30.0, validator=_finite_non_negative)

    def __attrs_post_init__(self) -> None:
        if self.step_min_wh > self.step_max_wh:
            raise InvalidArgumentError(
                f"step_min_wh ({self.step_min_wh}) must not be above step_max_wh ({self.step_max_wh})"
            )
        if self.start is not None:
            utc_instant(self.start, "start")


def _base_step(settings: StationSettings, session: Session) -> float:
    """The base step (Wh) of `session`'s next step: a pure function of the seed, the session and the step."""
    low, high = settings.step_min_wh, settings.step_max_wh
    if low == high:
        return float(low)
    generator = random.Random(f"{settings.seed}:{session.connector_id}:{session.number}:{session.steps_done}")
    return float(round(generator.uniform(low, high)))


class Station:
    """The simulated charge point (module docstring). `echo` prints its log lines (default: `print`)."""

    def __init__(
        self,
        settings: StationSettings,
        *,
        clock: SimulatedClock | None = None,
        echo: Callable[[str], None] = print,
    ) -> None:
        self.settings = settings
        self.dialect: Dialect = DIALECTS[settings.ocpp_version]
        self.clock = clock if clock is not None else SimulatedClock(settings.start, settings.speed)
        self.echo = echo
        connectors = settings.connectors or 1
        self.state = ChargePointState(config=ChargePointConfig(outlet_count=connectors))
        #: The cumulative Energy.Active.Import.Register of every connector (Wh).
        self.meters: dict[int, float] = dict.fromkeys(self.state.config.outlet_ids, 0.0)
        self.sessions: dict[int, Session] = {}
        self.sessions_started = 0
        self.outbox: list[QueuedMessage] = []
        #: 1.6: the central system's id of each transaction started under a provisional id (StartTransaction.conf).
        self.csms_ids: dict[TransactionId, TransactionId] = {}
        self.online = False
        #: The heartbeat interval (s) the central system returned to this run's BootNotification; None: not booted.
        self.heartbeat_s: int | None = None
        self._held = 0
        self._changed = asyncio.Event()
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._step_log: StepLogWriter | None = None
        if settings.state_path is not None and os.path.exists(settings.state_path):
            station_document.load_into(self, settings.state_path)

    # --- time, log, persistence -----------------------------------------------------------------------------------

    def now(self) -> datetime:
        """The simulated instant now, to the whole second (every timestamp the station sends)."""
        return self.clock.now().replace(microsecond=0)

    def log(self, at: datetime, text: str) -> None:
        self.echo(f"{format_instant(at)} {text}")

    def save(self) -> None:
        """Writes the station to `settings.state_path` (if any), atomically."""
        if self.settings.state_path is not None:
            station_document.save(self, self.settings.state_path)

    def keep(self, state: ChargePointState) -> None:
        """Makes `state` the station's smart-charging state, saved when it changed."""
        if state is not self.state:
            self.state = state
            self.save()

    # --- the outbox ---------------------------------------------------------------------------------------------

    def queue(self, action: str, payload: Payload, transaction: TransactionId | None = None) -> None:
        """Owes `action` to the central system, after everything queued before."""
        self.outbox.append(QueuedMessage(action, payload, transaction=transaction))
        self._changed.set()

    def queue_status(self, connector_id: int, at: datetime) -> None:
        """A StatusNotification for `connector_id`, sent only while connected (each connection sends them all)."""
        if self.online:
            action, payload = self.dialect.status(connector_id, connector_id in self.sessions, at)
            self.outbox.append(QueuedMessage(action, payload, transactional=False))
            self._changed.set()

    def hold(self) -> None:
        """Holds the outbox while a CALL is being answered, so that nothing queued meanwhile overtakes the answer."""
        self._held += 1

    def release(self) -> None:
        """Lets the outbox go once the answer is out (or failed)."""
        self._held = max(0, self._held - 1)
        self._changed.set()

    async def next_message(self) -> QueuedMessage:
        """The first message owed, its ``transactionId`` the central system's when known; waits for one."""
        while not self.outbox or self._held:
            self._changed.clear()
            await self._changed.wait()
        message = self.outbox[0]
        known = self.csms_ids.get(message.transaction) if message.transaction is not None else None
        if known is None:
            return message
        return attrs.evolve(message, payload={**message.payload, "transactionId": known})

    def delivered(self, message: QueuedMessage, answer: Mapping[str, Any] | None) -> None:
        """`message` was answered with `answer` (None: a CALLERROR): it leaves the outbox; a StartTransaction.conf
        numbers its transaction (§4.8)."""
        self.outbox = [m for m in self.outbox if m.unique_id != message.unique_id]
        if message.action == "StartTransaction" and answer is not None and message.transaction is not None:
            self._numbered(message.transaction, answer)
        self._forget_numbers()
        self.save()

    def connection_lost(self) -> None:
        """Drops what is only worth sending while connected; the transaction messages stay, in order."""
        self.online = False
        self._held = 0
        self.outbox = [m for m in self.outbox if m.transactional]
        self.save()

    def connected(self) -> None:
        """Queues the status of every connector for a new connection (after its BootNotification)."""
        self.online = True
        at = self.now()
        for connector_id in self.state.config.outlet_ids:
            self.queue_status(connector_id, at)

    def _numbered(self, local_id: TransactionId, answer: Mapping[str, Any]) -> None:
        csms_id = answer.get("transactionId")
        if isinstance(csms_id, bool) or not isinstance(csms_id, int):
            return
        self.csms_ids[local_id] = csms_id
        status = answer.get("idTagInfo", {}).get("status")
        session = next((s for s in self.sessions.values() if s.local_id == local_id), None)
        at = self.now()
        self.log(at, f"StartTransaction: transactionId {csms_id} (idTag {status})")
        if session is None:
            return
        try:
            self.state = renumber_transaction(self.state, session.transaction_id, csms_id)
        except TransactionError as exc:
            self.log(at, f"transactionId {csms_id} cannot be used: {exc}")
            return
        session.transaction_id = csms_id
        if status != "Accepted":  # as with StopTransactionOnInvalidId true (§9.1.36)
            self._take_partial_step(session, at, "DeAuthorized")
            self.state = end_transaction(self.state, csms_id)
            self._finish(session, at, "DeAuthorized")

    def _forget_numbers(self) -> None:
        needed = {m.transaction for m in self.outbox} | {s.local_id for s in self.sessions.values()}
        self.csms_ids = {k: v for k, v in self.csms_ids.items() if k in needed}

    # --- remote start and stop ----------------------------------------------------------------------------------

    def remote_start(self, payload: Any) -> Payload:
        """The answer to the central system's remote start (RemoteStartTransaction / RequestStartTransaction):
        when accepted a transaction starts now and charging begins. `OcppCallError` for a payload the spec
        answers with a CALLERROR."""
        at = self.now()
        transaction_id = new_transaction_id(self.dialect, -(self.sessions_started + 1))
        state, answer = self.dialect.remote_start(self.state, payload, at, transaction_id)
        connector = next((t.outlet_id for t in state.transactions if t.transaction_id == transaction_id), None)
        self.log(at, f"{self.dialect.remote_start_action}: {answer['status']}")
        if connector is None:
            return answer
        self.sessions_started += 1
        session = Session(
            connector_id=connector,
            transaction_id=transaction_id,
            local_id=transaction_id,
            id_tag=self.dialect.id_tag(payload),
            started_at=at,
            number=self.sessions_started,
            remote_start_id=self.dialect.remote_start_id(payload),
        )
        self.state = state
        self.sessions[connector] = session
        self._send_transaction_message(session, *self._facts_call(session, self.dialect.started, at))
        self.queue_status(connector, at)
        self.save()
        self._spawn(session)
        self.log(at, f"connector {connector}: transaction started ({session.id_tag})")
        return answer

    def remote_stop(self, payload: Any) -> Payload:
        """The answer to the central system's remote stop (RemoteStopTransaction / RequestStopTransaction): when
        accepted the transaction ends now, with the energy of the step in progress up to now."""
        at = self.now()
        state, answer = self.dialect.remote_stop(self.state, payload)
        self.log(at, f"{self.dialect.remote_stop_action}: {answer['status']}")
        ended = [s for s in self.sessions.values() if state.find_transaction(s.transaction_id) is None]
        for session in ended:
            self._take_partial_step(session, at, "Remote")  # under the profiles of the transaction that ends
        self.state = state
        for session in ended:
            self._finish(session, at, "Remote")
        return answer

    # --- charging -----------------------------------------------------------------------------------------------

    def resume(self) -> None:
        """Starts the MeterValues loop of every session (after a restart: from the next step still ahead; the
        steps of the time the station was down are not charged)."""
        now = self.now()
        interval = self.settings.interval_s
        for session in self.sessions.values():
            due = math.floor((now - session.started_at).total_seconds() / interval)
            if due > session.steps_done:
                self.log(now, f"connector {session.connector_id}: resuming, {due - session.steps_done} steps missed")
                session.steps_done = due
            self._spawn(session)

    def _spawn(self, session: Session) -> None:
        self._tasks[session.connector_id] = asyncio.get_running_loop().create_task(self._charge(session))

    def _step_start(self, session: Session) -> datetime:
        return session.started_at + timedelta(seconds=session.steps_done * self.settings.interval_s)

    async def _charge(self, session: Session) -> None:
        """The MeterValues loop of one session: decide a step at its start, deliver it at its end."""
        interval = self.settings.interval_s
        while True:
            at = self._step_start(session)
            decided_on = self.state
            decision = self._decide(session, at, interval, _base_step(self.settings, session))
            end = at + timedelta(seconds=interval)
            await self.clock.sleep_until(end)
            self._deliver(session, decision, end)
            stop = decision.reason if decision.action is Action.STOP else None
            self._log_step(session, decided_on, at, interval, decision, stop)
            if decision.action is Action.STOP:
                self.state = end_transaction(self.state, session.transaction_id)
                self._finish(session, end, "LocalPolicy")
                return
            self.save()

    def _decide(self, session: Session, at: datetime, seconds: int, base_wh: float) -> StepDecision:
        """`meter_step` for `session` over [at, at + seconds); with several connectors charging, capped by the
        station balancer's share (R28)."""
        env = None
        if self.settings.policy is not None and self.settings.environment is not None:
            env = self.settings.environment(at)
        share = None
        if len(self.sessions) > 1:
            share = station_allocation(self.state, at, ChargingRateUnit.W).get(session.connector_id)
        policy = self.settings.policy
        return meter_step(
            self.state, session.connector_id, at, seconds, base_wh, session.delivered_wh, policy, env, share
        )

    def _deliver(self, session: Session, decision: StepDecision, end: datetime) -> None:
        """Adds a whole step's energy to the meter and owes its MeterValues."""
        c = session.connector_id
        self.meters[c] += decision.energy_wh
        session.delivered_wh += decision.energy_wh
        session.steps_done += 1
        for line in decision.log:
            self.log(end, f"connector {c}: {line}")
        self._send_transaction_message(session, *self._facts_call(session, self.dialect.meter, end))

    def _take_partial_step(self, session: Session, at: datetime, why: str) -> None:
        """The energy of the step in progress up to `at` (a stop between two MeterValues), decided exactly over the
        whole seconds elapsed with the same share of the base step."""
        start = self._step_start(session)
        elapsed = min(int((at - start).total_seconds()), self.settings.interval_s - 1)
        if elapsed <= 0:
            return
        base = _base_step(self.settings, session) * elapsed / self.settings.interval_s
        decided_on = self.state
        decision = self._decide(session, start, elapsed, base)
        self.meters[session.connector_id] += decision.energy_wh
        session.delivered_wh += decision.energy_wh
        self._log_step(session, decided_on, start, elapsed, decision, why)

    def _log_step(
        self,
        session: Session,
        state: ChargePointState,
        at: datetime,
        seconds: int,
        decision: StepDecision,
        stop_reason: str | None,
    ) -> None:
        """Appends a step to the step log (`settings.log_path`), after the state it was decided on if that changed;
        the file is opened at the first step and gets its header when it is new."""
        path = self.settings.log_path
        if path is None:
            return
        if self._step_log is None:
            new = not os.path.exists(path) or os.path.getsize(path) == 0
            self._step_log = StepLogWriter(open(path, "a", encoding="utf-8"), header=new)  # noqa: SIM115
        record = StepRecord(
            to_epoch(at),
            self.settings.charge_point_id,
            session.connector_id,
            session.transaction_id,
            seconds,
            decision.requested_wh,
            decision.energy_wh,
            decision.limit_w,
            decision.share_w,
            decision.bound,
            stop_reason,
        )
        self._step_log.write(self.settings.charge_point_id, state, record)
        self._step_log.stream.flush()

    def close_log(self) -> None:
        """Closes the step log (the station stops)."""
        if self._step_log is not None:
            self._step_log.stream.close()
            self._step_log = None

    def _finish(self, session: Session, at: datetime, why: str) -> None:
        """`session` has ended (its transaction is already out of the state): the stop message is owed."""
        c = session.connector_id
        task = self._tasks.pop(c, None)
        if task is not None and task is not asyncio.current_task():
            task.cancel()
        del self.sessions[c]
        self._send_transaction_message(session, *self._stop_call(session, at, why))
        self.queue_status(c, at)
        self.save()
        self.log(at, f"connector {c}: transaction stopped ({why}), {session.delivered_wh:.0f} Wh delivered")

    def _facts(self, session: Session) -> SessionFacts:
        facts = SessionFacts(
            session.connector_id, session.transaction_id, session.id_tag, session.remote_start_id, session.seq_no
        )
        session.seq_no += 1
        return facts

    def _facts_call(
        self,
        session: Session,
        build: Callable[[SessionFacts, float, datetime, bool], tuple[str, Payload]],
        at: datetime,
    ) -> tuple[str, Payload]:
        return build(self._facts(session), self.meters[session.connector_id], at, not self.online)

    def _stop_call(self, session: Session, at: datetime, why: str) -> tuple[str, Payload]:
        return self.dialect.stopped(self._facts(session), self.meters[session.connector_id], at, why, not self.online)

    def _send_transaction_message(self, session: Session, action: str, payload: Payload) -> None:
        numbered_later = self.dialect.numbered_by_csms
        self.queue(action, payload, transaction=session.local_id if numbered_later else None)

    async def stop_charging(self) -> None:
        """Cancels every MeterValues loop (the station shuts down; its sessions stay in the saved state)."""
        tasks = list(self._tasks.values())
        self._tasks.clear()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.close_log()
