"""A fleet gives the same totals (==, not approximately) whatever runs it: in this process, a thread pool, a process
pool or a Dask cluster of two worker processes, in shards of any size, finishing in any order; and when a worker
dies mid-run, the engine runs its shard again and the totals are still exact.

The Dask cluster is a `LocalCluster` on 127.0.0.1 (two worker processes, one thread each), started once for the
module. A shard that kills its own process (`os._exit`) on its first attempt, remembered in a marker file, stands for
a worker that dies.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import pytest

from smartcharge import replay_script
from smartcharge.charging.fleet import (
    ChargePointGroup,
    FleetPart,
    FleetSpec,
    FleetTotals,
    SessionPattern,
    Variation,
    simulate_charge_points,
    simulate_part,
)
from smartcharge.fleet import FleetRunError, default_shard_size, simulate_fleet

EVENING = Path(__file__).resolve().parent.parent / "docs" / "examples" / "evening.json"
START = datetime(2026, 1, 8, 12, tzinfo=timezone.utc)
SPAWN = multiprocessing.get_context("spawn")


def fleet() -> FleetSpec:
    """13 charge points in two groups: the evening script's charge point with drawn sessions, and a varied copy of
    it with busier outlets and a local policy, over 8 hours in 5-minute steps."""
    state = replay_script(json.loads(EVENING.read_text(encoding="utf-8"))).state
    busy = SessionPattern(gap_s=(0, 1_800), dwell_s=(1_800, 7_200), power_w=(7_000.0, 22_000.0))
    return FleetSpec(
        START,
        8 * 3_600,
        300,
        [
            ChargePointGroup(state, count=8, name="evening"),
            ChargePointGroup(
                state, count=5, sessions=busy, policy={"energyCapKwh": 12}, variation=Variation((0.5, 1.5)), name="v"
            ),
        ],
        seed=11,
    )


SPEC = fleet()
EXPECTED = simulate_charge_points(SPEC)


def test_the_fleet_is_not_trivial():
    assert EXPECTED.energy_wh > 0 and EXPECTED.withheld_wh > 0 and EXPECTED.sessions > SPEC.charge_points
    assert [c.index for c in EXPECTED.charge_points] == list(range(13))
    assert EXPECTED.steps == SPEC.outlets * SPEC.intervals


@pytest.mark.parametrize("shard_size", [1, 2, 5, 13, 100])
def test_in_process_shards_of_any_size_give_the_same_totals(shard_size):
    assert simulate_fleet(SPEC, shard_size=shard_size) == EXPECTED


def test_parts_combine_exactly_in_any_order():
    parts = [simulate_part(p) for p in SPEC.parts(3)]
    random.Random(5).shuffle(parts)
    assert FleetTotals.combine(parts) == EXPECTED
    halves = [FleetTotals.combine(parts[:2]), FleetTotals.combine(parts[2:])]
    assert FleetTotals.combine(halves[::-1]) == EXPECTED


def test_a_thread_pool_gives_the_same_totals():
    with ThreadPoolExecutor(3) as pool:
        assert simulate_fleet(SPEC, pool, shard_size=2) == EXPECTED


def test_a_process_pool_gives_the_same_totals_and_reports_progress():
    seen = []
    with ProcessPoolExecutor(2, mp_context=SPAWN) as pool:
        totals = simulate_fleet(SPEC, pool, shard_size=4, progress=lambda points, steps: seen.append((points, steps)))
    assert totals == EXPECTED
    assert len(seen) == 4 and seen[-1] == (13, EXPECTED.steps)
    assert [p for p, _ in seen] == sorted(p for p, _ in seen)


def test_progress_in_process_counts_every_charge_point():
    seen = []
    simulate_fleet(SPEC, shard_size=5, progress=lambda points, steps: seen.append(points))
    assert seen == list(range(1, 14))


class DiesOnce:
    """A shard task that kills the process running it the first time it gets charge point `index`, leaving a
    marker file so that the shard runs normally when the engine tries it again."""

    def __init__(self, marker: Path, index: int) -> None:
        self.marker = marker
        self.index = index

    def __call__(self, part: FleetPart) -> FleetTotals:
        first = part.pieces[0][0] + part.pieces[0][2]
        if first <= self.index < first + part.charge_points and not self.marker.exists():
            self.marker.write_text("died once\n")
            os._exit(1)
        return simulate_part(part)


def test_a_dead_process_pool_worker_is_replaced_and_its_shards_run_again(tmp_path):
    marker = tmp_path / "died"
    totals = simulate_fleet(
        SPEC, lambda: ProcessPoolExecutor(2, mp_context=SPAWN), shard_size=2, task=DiesOnce(marker, 6)
    )
    assert marker.exists()
    assert totals == EXPECTED


def test_a_broken_pool_given_as_an_instance_is_a_clear_error(tmp_path):
    with ProcessPoolExecutor(2, mp_context=SPAWN) as pool, pytest.raises(FleetRunError, match="pass a factory"):
        simulate_fleet(SPEC, pool, shard_size=2, task=DiesOnce(tmp_path / "died", 0))


def test_bad_arguments_name_what_is_wrong():
    with pytest.raises(ValueError, match="shard_size must be a whole number >= 1"):
        simulate_fleet(SPEC, shard_size=0)
    with pytest.raises(ValueError, match="attempts must be"):
        simulate_fleet(SPEC, attempts=0)
    with pytest.raises(ValueError, match="executor must be"):
        simulate_fleet(SPEC, 3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="spec must be a FleetSpec"):
        simulate_fleet({"chargePoints": []})  # type: ignore[arg-type]
    assert default_shard_size(1) == 1 and default_shard_size(6_400) == 100 and default_shard_size(10**7) == 1_000


# --- Dask -----------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as local:
        yield local


def test_a_dask_cluster_of_two_workers_gives_the_same_totals(cluster):
    from smartcharge.fleet_dask import dask_executor

    with dask_executor(cluster) as executor:
        assert simulate_fleet(SPEC, executor, shard_size=3) == EXPECTED
        assert simulate_fleet(SPEC, executor, shard_size=13) == EXPECTED


def test_a_dead_dask_worker_is_rescheduled_and_the_totals_are_exact(cluster, tmp_path):
    from smartcharge.fleet_dask import dask_executor

    marker = tmp_path / "died"
    with dask_executor(cluster) as executor:
        totals = simulate_fleet(SPEC, executor, shard_size=2, task=DiesOnce(marker, 9))
    assert marker.exists()
    assert totals == EXPECTED


def test_dask_executor_refuses_what_is_no_scheduler():
    from smartcharge.fleet_dask import dask_executor

    with pytest.raises(ValueError, match="scheduler must be"), dask_executor(42):
        pass
    with pytest.raises(ValueError, match="retries must be"), dask_executor("tcp://127.0.0.1:1", retries=-1):
        pass


def test_the_command_runs_on_a_dask_scheduler(cluster, capsys):
    from smartcharge.tools.cli import main

    quick = ["fleet", "--from", str(EVENING), "--charge-points", "4", "--hours", "2", "--interval", "600", "--quiet"]
    assert main([*quick, "--format", "json"]) == 0
    alone = capsys.readouterr().out
    assert main([*quick, "--format", "json", "--scheduler", cluster.scheduler_address]) == 0
    assert capsys.readouterr().out == alone
