"""Fleet simulation on a Dask cluster: the executor `smartcharge.fleet.simulate_fleet` hands shards to when one
machine is not enough (the ``fleet`` extra: ``pip install "smartcharge[fleet]"``, which brings
``dask[distributed]``).

`dask_executor` connects to a scheduler (or takes a `distributed.Client` or a cluster object) and yields the
client's `concurrent.futures` executor, with `retries` for shards that raise. Scheduling, data transfer and
recovery are Dask's: when a worker dies, the scheduler runs its tasks again on another worker (its
``distributed.scheduler.allowed-failures`` setting bounds how often); nothing here schedules anything.

This module sits beside the layers, like the ``station`` extra: nothing in the core imports it (an import-linter
contract keeps it so); only the command line does, lazily, for ``smartcharge fleet --scheduler ADDRESS``.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from typing import Any

try:
    from distributed import Client
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError('smartcharge.fleet_dask needs Dask: pip install "smartcharge[fleet]"') from exc

from smartcharge.errors import InvalidArgumentError

__all__ = ["dask_executor"]


@contextmanager
def dask_executor(scheduler: str | Client | Any, *, retries: int = 2) -> Iterator[Executor]:
    """A `concurrent.futures.Executor` running tasks on the Dask cluster at `scheduler`: an address
    (``"tcp://10.0.0.5:8786"``), a `distributed.Client` (used as it is, left open) or a cluster object such as
    `distributed.LocalCluster` (a client is opened on it). A task that raises is tried `retries` more times; the
    tasks of a worker that dies are rescheduled by the scheduler. A client opened here is closed on leaving."""
    if not (isinstance(retries, int) and not isinstance(retries, bool) and retries >= 0):
        raise InvalidArgumentError(f"retries must be a whole number >= 0, not {retries!r}")
    if isinstance(scheduler, Client):
        yield scheduler.get_executor(retries=retries, pure=False)
        return
    if not isinstance(scheduler, str) and not hasattr(scheduler, "scheduler_address"):
        raise InvalidArgumentError(f"scheduler must be an address, a Client or a cluster, not {scheduler!r}")
    client = Client(scheduler, set_as_default=False)
    try:
        yield client.get_executor(retries=retries, pure=False)
    finally:
        client.close()
