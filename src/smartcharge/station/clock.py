"""Simulated time for the station simulator: an instant that runs `speed` times faster than the wall clock.

Every timestamp the simulator sends and every smart-charging decision it takes reads this clock, so an hour of
charging can be watched in seconds (``smartcharge station --speed 60``). Waiting is the only thing that happens
in wall time: `sleep_until` waits the wall seconds that separate now from a simulated instant.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from smartcharge.engine.instants import utc_instant
from smartcharge.errors import InvalidArgumentError

__all__ = ["SimulatedClock"]


class SimulatedClock:
    """Simulated UTC time: `start` at the moment of creation, then `speed` simulated seconds per wall second.
    `monotonic` is the wall clock it reads (seconds; `time.monotonic` by default)."""

    def __init__(
        self, start: datetime | None = None, speed: float = 1.0, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not (0 < speed < math.inf):
            raise InvalidArgumentError(f"speed must be a finite number > 0, not {speed!r}")
        self.start = datetime.now(timezone.utc) if start is None else utc_instant(start, "start")
        self.speed = float(speed)
        self._monotonic = monotonic
        self._origin = monotonic()

    def now(self) -> datetime:
        """The simulated instant now."""
        return self.start + timedelta(seconds=(self._monotonic() - self._origin) * self.speed)

    def wall_seconds(self, simulated_seconds: float) -> float:
        """How many wall seconds `simulated_seconds` last."""
        return simulated_seconds / self.speed

    async def sleep_until(self, instant: datetime) -> None:
        """Returns once the simulated time has reached `instant` (at once if it has)."""
        while (left := (instant - self.now()).total_seconds()) > 0:
            await asyncio.sleep(self.wall_seconds(left))
