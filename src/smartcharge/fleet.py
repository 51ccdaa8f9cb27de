"""Fleet simulation on any `concurrent.futures.Executor`: a fleet's charge points cut into shards, each shard
stepped where the executor runs it, the shards' totals combined exactly (`simulate_fleet`).

The stepping and the totals are `smartcharge.charging.fleet`'s, which sees one shard (a `FleetPart`) at a time and
never knows where it runs. This module only hands the shards out: in this process by default, or to the executor
given, a process pool (`concurrent.futures.ProcessPoolExecutor`) or a Dask client's executor
(`smartcharge.fleet_dask`, the `fleet` extra). Because a charge point's randomness comes from the fleet's seed and
its index alone, and the totals are integers, the answer is the same (``==``) for every executor, every shard size
and every order in which shards finish.

When a worker dies, the engine runs its shards again: a process pool breaks (`BrokenExecutor`), so the shards not
finished are submitted again to a new pool made by the executor factory given (a callable instead of an executor);
a Dask scheduler reschedules the tasks of a lost worker itself. A shard is pure, so running it twice is harmless.

This module must not know Dask, files or the command line; it reads no clock (a progress display gets counts, and
times them itself).
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable
from concurrent.futures import Executor, Future

from smartcharge.charging.fleet import FleetPart, FleetSpec, FleetTotals, simulate_part
from smartcharge.errors import InvalidArgumentError, SmartChargingError

__all__ = ["FleetRunError", "default_shard_size", "simulate_fleet"]

#: A progress callback: called with the charge points and the steps done so far.
Progress = Callable[[int, int], None]


class FleetRunError(SmartChargingError):
    """A fleet could not be simulated: the executor broke and could not be replaced (an executor instance rather
    than a factory was given), or shards kept failing after every attempt allowed."""


def default_shard_size(charge_points: int) -> int:
    """The charge points per shard when none is asked: about 64 shards, at most 1,000 and at least 1 charge point
    each. Enough shards to keep every worker of a small cluster busy to the end, few enough that the cost of one
    (sending a part and its totals, about a millisecond) stays small beside the minutes of stepping."""
    return max(1, min(1_000, -(-charge_points // 64)))


def _check(spec: FleetSpec, shard_size: int | None, attempts: int) -> int:
    if not isinstance(spec, FleetSpec):
        raise InvalidArgumentError(f"spec must be a FleetSpec, not {spec!r}")
    if not (isinstance(attempts, int) and not isinstance(attempts, bool) and attempts >= 1):
        raise InvalidArgumentError(f"attempts must be a whole number >= 1, not {attempts!r}")
    if shard_size is None:
        return default_shard_size(spec.charge_points)
    if not (isinstance(shard_size, int) and not isinstance(shard_size, bool) and shard_size >= 1):
        raise InvalidArgumentError(f"shard_size must be a whole number >= 1, not {shard_size!r}")
    return shard_size


def simulate_fleet(
    spec: FleetSpec,
    executor: Executor | Callable[[], Executor] | None = None,
    *,
    shard_size: int | None = None,
    progress: Progress | None = None,
    attempts: int = 3,
    task: Callable[[FleetPart], FleetTotals] = simulate_part,
) -> FleetTotals:
    """Every charge point of `spec` stepped over its horizon, in shards of `shard_size` charge points (default
    `default_shard_size`), into the fleet's `FleetTotals`: the same whatever runs the shards.

    `executor` runs the shards: None steps them in this process, one after another; an `Executor` gets every shard
    at once (it is not shut down); a callable returning an `Executor` (``lambda: ProcessPoolExecutor(2)``) is
    called for one, shut down at the end, and called again when it breaks (a worker died: `BrokenExecutor`), up to
    `attempts` executors in all, the shards not yet finished submitted again each time. `task` is what runs a shard
    (default `simulate_part`; another must return the same totals, and be picklable for a process pool).
    `progress`, if given, is called in this process with the charge points and steps done so far: after every
    charge point in this process, after every shard on an executor.

    Raises `FleetRunError` when an executor breaks and no factory can replace it, or every attempt broke."""
    size = _check(spec, shard_size, attempts)
    parts = spec.parts(size)
    if executor is None:
        return _in_process(parts, task, progress)
    if isinstance(executor, Executor):
        done = _run(executor, parts, task, progress, {})
        if len(done) < len(parts):
            raise FleetRunError(
                "the executor broke (a worker died) and cannot be replaced: pass a factory, e.g. "
                "lambda: ProcessPoolExecutor(2), to have the lost shards run again"
            )
        return FleetTotals.combine(done.values())
    if not callable(executor):
        raise InvalidArgumentError(f"executor must be an Executor, a callable returning one, or None, not {executor!r}")
    finished: dict[int, FleetTotals] = {}
    for _ in range(attempts):
        current = executor()
        try:
            _run(current, parts, task, progress, finished)
        finally:
            current.shutdown(wait=True, cancel_futures=True)
        if len(finished) == len(parts):
            return FleetTotals.combine(finished.values())
    raise FleetRunError(f"{len(parts) - len(finished)} shards were lost with a broken executor {attempts} times")


def _in_process(
    parts: list[FleetPart], task: Callable[[FleetPart], FleetTotals], progress: Progress | None
) -> FleetTotals:
    """Runs every part here, in order; with `simulate_part`, progress is told after every charge point."""
    results = []
    points = steps = 0
    for part in parts:
        if progress is not None and task is simulate_part:
            results.append(simulate_part(part, _offset(progress, points, steps)))
        else:
            results.append(task(part))
            if progress is not None:
                progress(points + part.charge_points, steps + part.steps)
        points += part.charge_points
        steps += part.steps
    return FleetTotals.combine(results)


def _offset(progress: Progress, points: int, steps: int) -> Progress:
    """`progress` for a part that starts after `points` charge points and `steps` steps."""

    def report(more_points: int, more_steps: int) -> None:
        progress(points + more_points, steps + more_steps)

    return report


def _run(
    executor: Executor,
    parts: list[FleetPart],
    task: Callable[[FleetPart], FleetTotals],
    progress: Progress | None,
    finished: dict[int, FleetTotals],
) -> dict[int, FleetTotals]:
    """Runs on `executor` every part not in `finished` (part number -> totals), adding each one's totals as it
    completes; stops early, leaving the rest out, when the executor breaks."""
    points = sum(parts[i].charge_points for i in finished)
    steps = sum(parts[i].steps for i in finished)
    pending: dict[Future[FleetTotals], int] = {}
    try:
        for number, part in enumerate(parts):
            if number not in finished:
                pending[executor.submit(task, part)] = number
    except concurrent.futures.BrokenExecutor:
        pass  # those submitted may still finish; the rest run on the next executor
    for future in concurrent.futures.as_completed(pending):
        number = pending[future]
        try:
            finished[number] = future.result()
        except concurrent.futures.BrokenExecutor:
            continue
        points += parts[number].charge_points
        steps += parts[number].steps
        if progress is not None:
            progress(points, steps)
    return finished
