"""Pictures of a composite schedule for people: a text table and a terminal chart.

Everything here turns values the core computed into text; nothing here computes a limit. Clock times are shown in
UTC with the offset marked, limits with their unit.
"""

from __future__ import annotations

import math
from datetime import timedelta

from smartcharge.composite import CompositeSchedule

__all__ = ["schedule_table", "terminal_chart"]


def _clock(schedule: CompositeSchedule, offset: int) -> str:
    return (schedule.start + timedelta(seconds=offset)).strftime("%H:%M:%SZ")


def schedule_table(schedule: CompositeSchedule) -> str:
    """One line per period: its time span, the limit (or the hardware maximum where no profile limits) and the
    phases."""
    unit = schedule.unit.value
    ends = [p.start_period for p in schedule.periods[1:]] + [schedule.duration]
    lines = [f"{'from':>9} {'to':>9}  {'limit':>12}  phases", f"{'-' * 9} {'-' * 9}  {'-' * 12}  ------"]
    for period, end in zip(schedule.periods, ends, strict=True):
        limit = f"{schedule.hardware_limit:.1f} {unit}*" if period.limit is None else f"{period.limit:.1f} {unit}"
        lines.append(
            f"{_clock(schedule, period.start_period)} {_clock(schedule, max(end, period.start_period))}"
            f"  {limit:>12}  {period.number_phases}"
        )
    if any(p.limit is None for p in schedule.periods):
        lines.append("* no profile limits the connector: its hardware maximum")
    return "\n".join(lines)


def terminal_chart(schedule: CompositeSchedule, width: int = 60, height: int = 8) -> str:
    """A bar chart of the limit over the window, `width` columns by `height` rows, with a value axis on the left
    and clock times under it."""
    if width < 10 or height < 2:
        raise ValueError("a chart needs width >= 10 and height >= 2")
    span = max(schedule.duration, 1)
    values = []
    for column in range(width):
        offset = column * span // width
        period = max((p for p in schedule.periods if p.start_period <= offset), key=lambda p: p.start_period)
        values.append(schedule.hardware_limit if period.limit is None else period.limit)
    top = max(values) or 1.0
    unit = schedule.unit.value
    label_width = len(f"{top:.0f} {unit}")
    rows = []
    for row in range(height, 0, -1):
        threshold = top * (row - 0.5) / height
        bars = "".join("█" if v >= threshold else " " for v in values)
        label = f"{top:.0f} {unit}" if row == height else ("0 " + unit if row == 1 else "")
        rows.append(f"{label:>{label_width}} │{bars}")
    rows.append(" " * label_width + " └" + "─" * width)
    end_label = _clock(schedule, span)
    start_label = _clock(schedule, 0)
    gap = max(1, width - len(start_label) - len(end_label) + 1)
    rows.append(" " * (label_width + 2) + start_label + " " * gap + end_label)
    return "\n".join(rows) if math.isfinite(top) else "(no finite limit to draw)"
