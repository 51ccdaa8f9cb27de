"""The records the simulator keeps and saves: a transaction in progress and a message owed to the central system.
Plain data; what they mean for the station is `simulator`'s business, how they are saved `station_document`'s."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import attrs

from smartcharge.engine.model import TransactionId

__all__ = ["QueuedMessage", "Session"]


@attrs.define
class Session:
    """A transaction in progress on `connector_id`: its id in the state (`transaction_id`; 1.6: provisional and
    negative until StartTransaction.conf numbers it), the id it started under (`local_id`), who started it
    (`id_tag`, 2.0.1 `remote_start_id`), when (`started_at`), the how-many-th session of the station it is
    (`number`), the steps taken, the energy delivered and the next 2.0.1 ``seqNo``."""

    connector_id: int
    transaction_id: TransactionId
    local_id: TransactionId
    id_tag: str
    started_at: datetime
    number: int
    steps_done: int = 0
    delivered_wh: float = 0.0
    seq_no: int = 0
    remote_start_id: int | None = None


@attrs.frozen
class QueuedMessage:
    """A CALL the station owes the central system: `action`, `payload` and the `unique_id` it is sent under
    (again under the same one after a connection loss). `transaction` is the local id of the transaction whose
    central-system id the payload's ``transactionId`` takes when sent (1.6); `transactional` messages survive a
    connection loss, the others (StatusNotification) are dropped and sent afresh on reconnection."""

    action: str
    payload: dict[str, Any]
    unique_id: str = attrs.field(factory=lambda: str(uuid.uuid4()))
    transaction: TransactionId | None = None
    transactional: bool = True
