"""The windows a GetCompositeSchedule answer may cover, in every protocol (R29, D13): at most
`MAX_COMPOSITE_DURATION` seconds, and ending at an instant a datetime can hold (`window_fits`).

A window outside these bounds is answered ``Rejected`` by the protocol adapters; the engine's `composite_schedule`
itself takes any window that fits.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from smartcharge.engine.instants import utc_instant
from smartcharge.errors import InvalidArgumentError

__all__ = ["MAX_COMPOSITE_DURATION", "window_fits"]

#: The longest GetCompositeSchedule window answered, in seconds (31 days); a longer one is ``Rejected``. The answer
#: has a period for every change of limit in the window, so without a bound a Daily profile asked about for 2^31 s
#: would cost over a million periods (time, memory and a message of tens of megabytes).
MAX_COMPOSITE_DURATION = 31 * 86_400


def window_fits(start: datetime, duration: int) -> bool:
    """Whether `[start, start + duration)` (an aware instant, a whole number of seconds) is a representable window
    of instants."""
    start = utc_instant(start, "start")
    if isinstance(duration, bool) or not isinstance(duration, int):
        raise InvalidArgumentError(f"duration must be a whole number of seconds, not {duration!r}")
    try:
        start + timedelta(seconds=duration)
    except OverflowError:
        return False
    return True
