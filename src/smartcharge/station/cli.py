"""``smartcharge station URL --id CP1``: the simulated charge point as a command (the `station` extra).

The options are declared by the ``smartcharge`` command line (`smartcharge.tools.cli`), which loads this module
only when the command runs, so that ``smartcharge`` works without the extra. Here they become `StationSettings`,
and the station runs until interrupted or for ``--duration`` simulated seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
from collections.abc import Callable
from datetime import datetime

from smartcharge.charging.local_policy import ChargingEnvironment, LocalPolicy
from smartcharge.engine.instants import parse_instant
from smartcharge.station.connection import run_station
from smartcharge.station.simulator import Station, StationSettings

__all__ = ["run_command", "settings_from"]

#: The exit status after Ctrl-C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130


def settings_from(
    args: argparse.Namespace,
    policy: LocalPolicy | None,
    environment: Callable[[datetime], ChargingEnvironment] | None,
) -> StationSettings:
    """The settings the command line `args` ask for, with the local `policy` read from ``--policy``."""
    return StationSettings(
        url=args.url,
        charge_point_id=args.id,
        ocpp_version=args.ocpp,
        connectors=args.connectors,
        interval_s=args.interval,
        step_min_wh=args.step_min,
        step_max_wh=args.step_max,
        seed=args.seed,
        policy=policy,
        environment=environment,
        speed=args.speed,
        start=None if args.start is None else parse_instant(args.start),
        state_path=args.state,
        log_path=getattr(args, "log", None),
        reconnect_max_s=args.reconnect_max,
    )


def run_command(
    args: argparse.Namespace,
    policy: LocalPolicy | None,
    environment: Callable[[datetime], ChargingEnvironment] | None,
) -> int:
    """Runs the station the command line asks for; the exit status (0 after ``--duration``, 130 after Ctrl-C)."""
    station = Station(settings_from(args, policy, environment), echo=functools.partial(print, flush=True))

    async def run() -> None:
        if args.duration is None:
            await run_station(station)
        else:
            try:
                await asyncio.wait_for(run_station(station), station.clock.wall_seconds(args.duration))
            except asyncio.TimeoutError:
                station.log(station.now(), f"{args.duration} simulated seconds have passed: stopping")

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    return 0
