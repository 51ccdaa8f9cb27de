"""Pictures of limits for people: a text table and a terminal chart of a composite schedule, the limit at an
instant and the explanation of a window as text, and the stack of profiles as a self-contained SVG.

Everything here turns values the core computed (`composite`, `explain`) into text or SVG; nothing here computes a
limit or decides which profile governs. The SVG is written by hand (no plotting dependency) and parses as XML.
Clock times are shown in UTC with the offset marked, limits with their unit.

Every function speaks the words of an OCPP version (`ocpp_version`, default ``"1.6"``): "connector" and "charge
point" for 1.6, "EVSE" and "charging station" for 2.0.1, where a DC outlet's limits have no phases (K01.FR.44) and a
single-phase limit may name its phase (phaseToUse).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from numbers import Real
from xml.sax.saxutils import escape, quoteattr

import attrs

from smartcharge.engine.instants import format_instant, to_epoch, utc_instant
from smartcharge.engine.limits import CompositePeriod, CompositeSchedule, Limit, round_down_to_tenth
from smartcharge.engine.model import ChargingRateUnit, Purpose, PurposeRole
from smartcharge.errors import InvalidArgumentError
from smartcharge.tools.explain import Contender, Explanation, Interval, purpose_order

__all__ = [
    "bar_chart_svg",
    "explanation_text",
    "fleet_power_svg",
    "limit_text",
    "schedule_table",
    "stack_svg",
    "terminal_chart",
]


@attrs.frozen
class _Words:
    """How an OCPP version names an outlet (`outlet`, with `outlet_attribute` in SVG data attributes) and the
    whole station (`station`)."""

    outlet: str
    station: str
    outlet_attribute: str

    @property
    def capital_outlet(self) -> str:
        return self.outlet[:1].upper() + self.outlet[1:]


_WORDS = {
    "1.6": _Words("connector", "charge point", "data-connector"),
    "2.0.1": _Words("EVSE", "charging station", "data-evse"),
}


def _words(ocpp_version: str) -> _Words:
    if not isinstance(ocpp_version, str) or ocpp_version not in _WORDS:
        raise InvalidArgumentError(f"ocpp_version must be one of {', '.join(_WORDS)}, not {ocpp_version!r}")
    return _WORDS[ocpp_version]


def _clock(schedule: CompositeSchedule, offset: int) -> str:
    return (schedule.start + timedelta(seconds=offset)).strftime("%H:%M:%SZ")


def _table_phases(period: CompositePeriod, dc: bool) -> str:
    if dc:
        return "DC"
    return str(period.number_phases) + ("" if period.phase_to_use is None else f" (phaseToUse {period.phase_to_use})")


def schedule_table(schedule: CompositeSchedule, *, ocpp_version: str = "1.6", dc: bool = False) -> str:
    """One line per period: its time span, the limit (or the hardware maximum where no profile limits) rounded
    down to 0.1 as OCPP reports it (R31), and the phases (``DC`` on a `dc` outlet; the phaseToUse where there is
    one)."""
    words = _words(ocpp_version)
    unit = schedule.unit.value
    ends = [p.start_period for p in schedule.periods[1:]] + [schedule.duration]
    lines = [f"{'from':>9} {'to':>9}  {'limit':>12}  phases", f"{'-' * 9} {'-' * 9}  {'-' * 12}  ------"]
    for period, end in zip(schedule.periods, ends, strict=True):
        shown = round_down_to_tenth(schedule.hardware_limit if period.limit is None else period.limit)  # as R31
        limit = f"{shown:.1f} {unit}" + ("*" if period.limit is None else "")
        lines.append(
            f"{_clock(schedule, period.start_period)} {_clock(schedule, max(end, period.start_period))}"
            f"  {limit:>12}  {_table_phases(period, dc)}"
        )
    if any(p.limit is None for p in schedule.periods):
        lines.append(f"* no profile limits the {words.outlet}: its hardware maximum")
    return "\n".join(lines)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def terminal_chart(schedule: CompositeSchedule, width: int = 60, height: int = 8) -> str:
    """A bar chart of the limit over the window, `width` columns by `height` rows, with a value axis on the left
    and clock times under it."""
    if not (_is_int(width) and _is_int(height) and width >= 10 and height >= 2):
        raise InvalidArgumentError(
            f"a chart needs width >= 10 and height >= 2, whole numbers, not width={width!r}, height={height!r}"
        )
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


# --- text: a limit, an explanation ----------------------------------------------------------------------------


def _amount(value: float, unit: ChargingRateUnit | str) -> str:
    """`value` with its unit, kilowatts for large powers: ``16 A``, ``7.4 kW``, ``800 W``."""
    unit = ChargingRateUnit(unit)
    if not math.isfinite(value):
        return f"{value} {unit.value}"
    if unit is ChargingRateUnit.W and abs(value) >= 1000:
        return f"{round(value / 1000, 2):g} kW"
    return f"{round(value, 1):g} {unit.value}"


def _phases(phases: int, dc: bool = False, phase_to_use: int | None = None) -> str:
    """``3 phases``, ``1 phase (phaseToUse 2)``, or ``DC`` on a DC outlet."""
    if dc:
        return "DC"
    shown = "1 phase" if phases == 1 else f"{phases} phases"
    return shown if phase_to_use is None else f"{shown} (phaseToUse {phase_to_use})"


def _on_phases(phases: int, dc: bool = False, phase_to_use: int | None = None) -> str:
    """``on 3 phases``, ``on 1 phase (phaseToUse 2)``, or ``DC``."""
    return "DC" if dc else f"on {_phases(phases, False, phase_to_use)}"


def _who(c: Contender | object, words: _Words) -> str:
    """``TxDefaultProfile 2 (stack level 1, on connector 0)``."""
    purpose = getattr(c, "purpose")  # noqa: B009 - Contender and LimitSource share these fields
    return (
        f"{purpose.name} {getattr(c, 'profile_id')} "  # noqa: B009
        f"(stack level {getattr(c, 'stack_level')}, on {words.outlet} {getattr(c, 'outlet_id')})"  # noqa: B009
    )


def limit_text(limit: Limit, outlet_id: int, at: datetime, *, ocpp_version: str = "1.6", dc: bool = False) -> str:
    """The limit of `outlet_id` at `at` and the governing period of each purpose that produced it (R25); on a
    `dc` outlet without phases (K01.FR.44)."""
    words = _words(ocpp_version)
    head = f"{words.capital_outlet} {outlet_id} at {format_instant(utc_instant(at, 'at'))}: "
    if limit.value is None:
        lines = [
            head + f"no profile limits; the hardware maximum {_amount(limit.hardware_limit, limit.unit)} applies "
            f"({_phases(limit.number_phases, dc)})"
        ]
    else:
        lines = [head + f"{_amount(limit.value, limit.unit)} {_on_phases(limit.number_phases, dc, limit.phase_to_use)}"]
    for source in limit.sources:
        amount = _amount(source.limit, source.unit)
        lines.append(f"  {_who(source, words)}: {amount}, {_phases(source.number_phases, dc)}")
    return "\n".join(lines)


def _clock_format(explanation: Explanation) -> str:
    one_day = explanation.start.date() == (explanation.end - timedelta(seconds=1)).date()
    return "%H:%M:%SZ" if one_day or explanation.duration == 0 else "%Y-%m-%d %H:%M:%SZ"


def _contender_label(c: Contender) -> str:
    """What became of a profile in an interval, in words: "sets the limit" (it governs and binds), "caps, not
    binding" (a cap that governs, but the limit is lower), "capped" (a Tx or TxDefault profile that governs, but a
    cap is lower) or "overridden" (it covers the interval but does not govern)."""
    if not c.governs:
        return "overridden"
    if c.binds:
        return "sets the limit"
    return "caps, not binding" if c.purpose.role.is_cap else "capped"


def explanation_text(explanation: Explanation, *, ocpp_version: str = "1.6") -> str:
    """Interval by interval: the limit and every profile that covers the interval, labelled "sets the limit" (it
    governs and binds), "caps, not binding" (a cap that governs above the limit), "capped" (a Tx or TxDefault
    profile that governs, but a cap is lower) or "overridden" (it covers the interval but does not govern), each
    with its reason (R24-R27)."""
    words = _words(ocpp_version)
    unit = explanation.unit
    lines = [
        f"{words.capital_outlet} {explanation.outlet_id} from {format_instant(explanation.start)} to "
        f"{format_instant(explanation.end)}, limits in {unit.value} "
        f"(hardware maximum {_amount(explanation.hardware_limit, unit)})"
    ]
    clock = _clock_format(explanation)
    for interval in explanation.intervals:
        span = f"{interval.start.strftime(clock)} - {interval.end.strftime(clock)}"
        if interval.limit is None:
            value = f"{_amount(explanation.hardware_limit, unit)} (no profile limits: the hardware maximum)"
        else:
            phases = _on_phases(interval.number_phases, explanation.dc, interval.phase_to_use)
            value = f"{_amount(interval.limit, unit)} {phases}"
        lines += ["", f"{span}  {value}"]
        for c in interval.contenders:
            verb = _contender_label(c)
            target = f" for {words.outlet} {c.for_outlet}" if explanation.outlet_id == 0 and c.for_outlet else ""
            amount = f"{_amount(c.limit, c.unit)}, {_phases(c.number_phases, c.dc)}"
            lines.append(f"  {verb:<17} {_who(c, words)}{target}: {amount}: {c.reason}")
        if not interval.contenders:
            lines.append("  no profile covers this interval")
    return "\n".join(lines)


# --- SVG: the stack -------------------------------------------------------------------------------------------

_COLOURS = {
    PurposeRole.CAP: "#c62828",
    PurposeRole.EXTERNAL_CAP: "#6a1b9a",
    PurposeRole.TRANSACTION: "#1565c0",
    PurposeRole.DEFAULT: "#2e7d32",
}
_COMPOSITE = "#37474f"
_HARDWARE = "#90a4ae"
_MUTED = "#607d8b"
_NEUTRAL = "#78909c"
_TICKS = (60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 1209600)
_LEFT, _RIGHT, _TOP = 250, 40, 70
_COMPOSITE_H, _LANE_H, _GAP = 110, 62, 12


@attrs.frozen
class _Segment:
    """A run of one lane where the same profile period keeps the same role: [start, end) in epoch seconds."""

    start: int
    end: int
    contender: Contender


_LaneKey = tuple[int, tuple[int, str], int, int]


def _lanes(explanation: Explanation) -> dict[_LaneKey, list[_Segment]]:
    """One lane per (connector it bears on, purpose, stack level, installed connector), highest precedence first,
    with equal neighbouring segments merged."""
    lanes: dict[_LaneKey, list[_Segment]] = {}
    for interval in explanation.intervals:
        lo, hi = to_epoch(interval.start), to_epoch(interval.end)
        for c in interval.contenders:
            segments = lanes.setdefault((c.for_outlet, purpose_order(c.purpose), -c.stack_level, c.outlet_id), [])
            if segments and segments[-1].end == lo and segments[-1].contender == c:
                segments[-1] = attrs.evolve(segments[-1], end=hi)
            else:
                segments.append(_Segment(lo, hi, c))
    return dict(sorted(lanes.items()))


@attrs.frozen
class _Frame:
    """The drawing's geometry: the window [start, start + span) mapped onto the plot's width, values onto
    heights with `top` as the largest value."""

    start: int
    span: int
    width: int
    top: float

    def x(self, t: int) -> float:
        offset = min(max(t - self.start, 0), self.span)
        return _LEFT + offset * (self.width - _LEFT - _RIGHT) / self.span

    def h(self, value: float, room: float) -> float:
        return max(1.5, room * min(value, self.top) / self.top) if value > 0 else 0.0


def _text(
    x: float,
    y: float,
    content: str,
    *,
    size: int = 12,
    anchor: str = "start",
    bold: bool = False,
    fill: str = "#263238",
    cls: str = "",
) -> str:
    weight = ' font-weight="bold"' if bold else ""
    klass = f" class={quoteattr(cls)}" if cls else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"{weight} fill="{fill}"{klass}>'
        f"{escape(content)}</text>"
    )


def _svg_open(width: float, height: float, title: str, defs: tuple[str, ...] = ()) -> list[str]:
    """The opening of every picture: the svg element, its title (a tooltip and what a screen reader says), any
    `defs`, a white background and the title drawn at the top."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'font-family="Helvetica, Arial, sans-serif">',
        f"<title>{escape(title)}</title>",
        *(("<defs>", *defs, "</defs>") if defs else ()),
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
        _text(16, 28, title, size=16, bold=True),
    ]


def _fits(label: str, width: float, size: int = 11) -> bool:
    return len(label) * size * 0.6 + 8 <= width


def _tick_step(span: int) -> int:
    return next((step for step in _TICKS if span / step <= 9), _TICKS[-1])


def _ticks(frame: _Frame) -> list[int]:
    step = _tick_step(frame.span)
    first = -(-frame.start // step) * step
    return list(range(first, frame.start + frame.span + 1, step))


def _title(explanation: Explanation, words: _Words) -> str:
    what = f"the whole {words.station}" if explanation.outlet_id == 0 else f"{words.outlet} {explanation.outlet_id}"
    return f"Profile stack of {what}, {format_instant(explanation.start)} to {format_instant(explanation.end)}"


def _style(colour: str, hatch: str, *, governs: bool, binds: bool) -> str:
    """Solid where a profile sets the limit, pale where it governs without binding (a cap above the limit, or a
    Tx/TxDefault profile a cap holds down), hatched where it is overridden."""
    if not governs:
        return f'fill="url(#hatch-{hatch})" stroke="{colour}" stroke-opacity="0.35"'
    if binds:
        return f'fill="{colour}" fill-opacity="0.85"'
    return f'fill="{colour}" fill-opacity="0.3" stroke="{colour}" stroke-dasharray="3 2"'


def _role_id(role: PurposeRole) -> str:
    """`role` as a word for an SVG id: ``cap``, ``external-cap``, ``transaction``, ``default``."""
    return role.value.replace(" ", "-")


def _hatch(name: str, colour: str) -> str:
    return (
        f'<pattern id="hatch-{name}" patternUnits="userSpaceOnUse" width="7" height="7" '
        f'patternTransform="rotate(45)"><rect width="7" height="7" fill="{colour}" fill-opacity="0.06"/>'
        f'<line x1="0" y1="0" x2="0" y2="7" stroke="{colour}" stroke-width="2" stroke-opacity="0.5"/></pattern>'
    )


def _bar(frame: _Frame, lo: int, hi: int, value: float, base: float, room: float, style: str) -> str:
    x0, x1 = frame.x(lo), frame.x(hi)
    height = frame.h(value, room)
    return f'<rect x="{x0:.1f}" y="{base - height:.1f}" width="{max(x1 - x0, 0.5):.1f}" height="{height:.1f}" {style}/>'


def _bar_label(
    frame: _Frame, lo: int, hi: int, value: float, base: float, room: float, label: str, fill: str
) -> list[str]:
    x0, x1 = frame.x(lo), frame.x(hi)
    if not _fits(label, x1 - x0):
        return []
    y = base - frame.h(value, room) - 4
    return [_text((x0 + x1) / 2, max(y, base - room - 2), label, size=11, anchor="middle", fill=fill, cls="limit")]


def _composite_runs(explanation: Explanation) -> list[tuple[int, int, Interval]]:
    """The explanation's intervals with neighbours of equal limit and phases joined (the composite's periods)."""
    runs: list[tuple[int, int, Interval]] = []
    for interval in explanation.intervals:
        lo, hi = to_epoch(interval.start), to_epoch(interval.end)
        if runs and runs[-1][2].limit == interval.limit and runs[-1][2].number_phases == interval.number_phases:
            runs[-1] = (runs[-1][0], hi, runs[-1][2])
        else:
            runs.append((lo, hi, interval))
    return runs


def _composite_lane(explanation: Explanation, frame: _Frame, words: _Words) -> list[str]:
    base, room = _TOP + _COMPOSITE_H, _COMPOSITE_H - 22
    parts = [
        '<g class="lane composite" data-lane="composite">',
        f'<rect x="{_LEFT}" y="{_TOP}" width="{frame.width - _LEFT - _RIGHT}" height="{_COMPOSITE_H}" '
        'fill="#fafafa" stroke="#cfd8dc"/>',
        _text(16, _TOP + 22, "Composite schedule", size=13, bold=True, cls="lane-label"),
        _text(
            16,
            _TOP + 40,
            f"the limit of the {words.station}" if explanation.outlet_id == 0 else f"the limit the {words.outlet} gets",
            size=11,
            fill=_MUTED,
        ),
        _text(
            16,
            _TOP + 56,
            f"hardware maximum {_amount(explanation.hardware_limit, explanation.unit)}",
            size=11,
            fill=_MUTED,
        ),
        _text(_LEFT - 6, base - room + 4, _amount(frame.top, explanation.unit), size=10, anchor="end", fill=_MUTED),
        _text(_LEFT - 6, base + 3, f"0 {explanation.unit.value}", size=10, anchor="end", fill=_MUTED),
    ]
    for lo, hi, interval in _composite_runs(explanation):
        if interval.limit is None:
            style = f'fill="{_HARDWARE}" fill-opacity="0.25" stroke="{_HARDWARE}" stroke-dasharray="4 3"'
            value, label = explanation.hardware_limit, f"{_amount(explanation.hardware_limit, explanation.unit)} max"
        else:
            style = f'fill="{_COMPOSITE}" fill-opacity="0.85"'
            value, label = interval.limit, _amount(interval.limit, explanation.unit)
        parts.append(_bar(frame, lo, hi, value, base, room, style))
        parts += _bar_label(frame, lo, hi, value, base, room, label, _COMPOSITE)
    parts.append("</g>")
    return parts


def _lane_title(explanation: Explanation, c: Contender, words: _Words) -> tuple[str, str, str]:
    third = f"bears on {words.outlet} {c.for_outlet}" if explanation.outlet_id == 0 and c.for_outlet else ""
    return f"{c.purpose.name} {c.profile_id}", f"stack level {c.stack_level}, on {words.outlet} {c.outlet_id}", third


def _lane(explanation: Explanation, segments: Sequence[_Segment], frame: _Frame, y: float, words: _Words) -> list[str]:
    first = segments[0].contender
    colour = _COLOURS[first.purpose.role]
    base, room = y + _LANE_H, _LANE_H - 18
    names = sorted({f"{s.contender.purpose.name} {s.contender.profile_id}" for s in segments})
    title, second, third = _lane_title(explanation, first, words)
    if len(names) > 1:
        title = f"{first.purpose.name} " + ", ".join(n.rsplit(" ", 1)[1] for n in names)
    parts = [
        f'<g class="lane" data-purpose="{first.purpose.name}" data-stack-level="{first.stack_level}" '
        f'{words.outlet_attribute}="{first.outlet_id}">',
        f'<rect x="{_LEFT}" y="{y}" width="{frame.width - _LEFT - _RIGHT}" height="{_LANE_H}" fill="#ffffff" '
        'stroke="#eceff1"/>',
        f'<rect x="8" y="{y + 6}" width="5" height="{_LANE_H - 12}" fill="{colour}"/>',
        _text(20, y + 24, title, size=13, bold=True, fill=colour, cls="lane-label"),
        _text(20, y + 40, second, size=11, fill=_MUTED),
        _text(20, y + 54, third, size=11, fill=_MUTED),
    ]
    for segment in segments:
        c = segment.contender
        style = _style(colour, _role_id(c.purpose.role), governs=c.governs, binds=c.binds)
        parts.append(_bar(frame, segment.start, segment.end, c.value, base, room, style))
        parts += _bar_label(frame, segment.start, segment.end, c.value, base, room, _amount(c.limit, c.unit), colour)
    parts.append("</g>")
    return parts


def _axis(frame: _Frame, y: float, grid_top: float) -> list[str]:
    right = frame.width - _RIGHT
    parts = ['<g class="axis">', f'<line x1="{_LEFT}" y1="{y}" x2="{right}" y2="{y}" stroke="#455a64"/>']
    previous_day = None
    for t in _ticks(frame):
        at = datetime.fromtimestamp(t, tz=timezone.utc)
        tx = frame.x(t)
        parts.append(
            f'<line x1="{tx:.1f}" y1="{grid_top}" x2="{tx:.1f}" y2="{y}" stroke="#cfd8dc" stroke-dasharray="2 4"/>'
        )
        parts.append(f'<line x1="{tx:.1f}" y1="{y}" x2="{tx:.1f}" y2="{y + 5}" stroke="#455a64"/>')
        parts.append(_text(tx, y + 18, at.strftime("%H:%M"), size=11, anchor="middle", cls="tick"))
        if at.date() != previous_day:
            parts.append(_text(tx, y + 32, at.strftime("%Y-%m-%d"), size=10, anchor="middle", fill=_MUTED))
            previous_day = at.date()
    parts.append(_text(_LEFT - 40, y + 32, "time (UTC)", size=10, anchor="end", fill=_MUTED))
    parts.append("</g>")
    return parts


def _legend(purposes: Sequence[Purpose], width: int, y: float) -> tuple[list[str], int]:
    """The legend's parts and height: one swatch per purpose drawn, the three fills, the composite."""
    items: list[tuple[str, str]] = [(f'fill="{_COLOURS[p.role]}" fill-opacity="0.85"', p.name) for p in purposes]
    items += [
        (_style(_NEUTRAL, "neutral", governs=True, binds=True), "sets the limit"),
        (_style(_NEUTRAL, "neutral", governs=True, binds=False), "caps or capped, not binding"),
        (_style(_NEUTRAL, "neutral", governs=False, binds=False), "overridden"),
        (f'fill="{_COMPOSITE}" fill-opacity="0.85"', "composite limit"),
        (
            f'fill="{_HARDWARE}" fill-opacity="0.25" stroke="{_HARDWARE}" stroke-dasharray="4 3"',
            "no profile: hardware maximum",
        ),
    ]
    parts = ['<g class="legend">', _text(16, y + 12, "Legend", size=12, bold=True)]
    cx, cy = float(_LEFT), y
    for style, label in items:
        item_w = 26 + len(label) * 6.6 + 22
        if cx + item_w > width - _RIGHT:
            cx, cy = float(_LEFT), cy + 22
        parts.append(f'<rect x="{cx:.1f}" y="{cy}" width="18" height="14" {style}/>')
        parts.append(_text(cx + 24, cy + 11, label, size=11, cls="legend-item"))
        cx += item_w
    parts.append("</g>")
    return parts, int(cy - y + 22)


def stack_svg(explanation: Explanation, *, width: int = 1000, ocpp_version: str = "1.6") -> str:
    """The stack of profiles over the explained window as a self-contained SVG document (§3.13.2, R24-R27).

    The composite limit is on top; below it one lane per purpose, stack level and connector, highest precedence
    first. A lane is solid where its profile sets the limit, pale where it governs without binding (a cap above
    the limit, or a Tx/TxDefault profile a lower cap holds down), hatched where it covers the time but is
    overridden. Bars share one scale in the explanation's
    unit; labels give each period's limit in its own unit. The time axis shows UTC clock times and dates; a legend
    explains colours and fills.
    """
    if not (isinstance(width, Real) and width >= _LEFT + _RIGHT + 100):
        raise InvalidArgumentError(f"an SVG needs width >= {_LEFT + _RIGHT + 100}, not {width!r}")
    words = _words(ocpp_version)
    lanes = _lanes(explanation)
    values = [explanation.hardware_limit if i.limit is None else i.limit for i in explanation.intervals]
    values += [c.value for i in explanation.intervals for c in i.contenders]
    top = max([v for v in values if math.isfinite(v)] + [1e-9])
    frame = _Frame(to_epoch(explanation.start), max(explanation.duration, 1), width, top)
    lanes_top = _TOP + _COMPOSITE_H + _GAP
    axis_y = lanes_top + max(len(lanes), 1) * (_LANE_H + _GAP)
    purposes = sorted({s.contender.purpose for segments in lanes.values() for s in segments}, key=purpose_order)
    legend, legend_h = _legend(purposes, width, axis_y + 48)
    height = int(axis_y + 48 + legend_h + 12)
    title = _title(explanation, words)
    hatches = (*(_hatch(_role_id(role), colour) for role, colour in _COLOURS.items()), _hatch("neutral", _NEUTRAL))
    parts = [
        *_svg_open(width, height, title, hatches),
        _text(
            16,
            50,
            f"Limits in {explanation.unit.value}. Composite on top, then one lane per purpose, stack level "
            f"and {words.outlet}, highest precedence first.",
            size=12,
            fill=_MUTED,
        ),
    ]
    parts += _axis(frame, axis_y, _TOP)
    parts += _composite_lane(explanation, frame, words)
    for row, segments in enumerate(lanes.values()):
        parts += _lane(explanation, segments, frame, lanes_top + row * (_LANE_H + _GAP), words)
    if not lanes:
        parts.append(_text(_LEFT + 8, lanes_top + 24, "no profile covers this window", fill=_MUTED))
    parts += legend
    parts.append("</svg>")
    return "\n".join(parts)


# --- a fleet's power ------------------------------------------------------------------------------------------------


def _watts(value: float) -> str:
    """``950 W``, ``12.5 kW``, ``3.2 MW``."""
    for factor, unit in ((1e9, "GW"), (1e6, "MW"), (1e3, "kW")):
        if value >= factor:
            return f"{value / factor:.3g} {unit}"
    return f"{value:.3g} W"


def fleet_power_svg(
    start: datetime,
    interval_s: int,
    power_w: Sequence[float],
    site_limit_w: float | None = None,
    *,
    width: int = 1000,
    title: str = "Fleet power",
    limits_w: Sequence[float | None] | None = None,
) -> str:
    """A fleet's mean power in each interval (`power_w`, one value every `interval_s` seconds from `start`) as a
    self-contained SVG: a step line over UTC clock times, with the site limit (`site_limit_w`, None: none) as a
    dashed line and the intervals above it shaded (`smartcharge fleet --plot`). `limits_w`, one value per interval
    (None: no limit then), is drawn as a second, dashed step line: the OCPP limits of the steps added up
    (`smartcharge analyze`)."""
    if not (isinstance(width, Real) and width >= _LEFT + _RIGHT + 100):
        raise InvalidArgumentError(f"an SVG needs width >= {_LEFT + _RIGHT + 100}, not {width!r}")
    if not (isinstance(interval_s, int) and interval_s > 0 and power_w):
        raise InvalidArgumentError("a fleet's power needs a positive interval_s and at least one value")
    if limits_w is not None and len(limits_w) != len(power_w):
        raise InvalidArgumentError("limits_w needs one value per interval of power_w")
    top = max([*power_w, *(v for v in limits_w or () if v is not None), site_limit_w or 0.0, 1.0]) * 1.1
    begin = to_epoch(utc_instant(start, "start"))
    frame = _Frame(begin, interval_s * len(power_w), width, top)
    plot_top, plot_h = _TOP + 10, 260
    axis_y = plot_top + plot_h

    def y(value: float) -> float:
        return axis_y - plot_h * value / top

    points = []
    for k, value in enumerate(power_w):
        points += [f"{frame.x(begin + k * interval_s):.1f},{y(value):.1f}",
                   f"{frame.x(begin + (k + 1) * interval_s):.1f},{y(value):.1f}"]  # fmt: skip
    peak = max(power_w)
    height = axis_y + 56
    parts = [
        *_svg_open(width, height, title),
        _text(16, 50, f"Mean power per {interval_s} s interval; peak {_watts(peak)}.", size=12, fill=_MUTED),
    ]
    for fraction in (0.25, 0.5, 0.75, 1.0):
        value = top / 1.1 * fraction
        parts.append(_text(_LEFT - 8, y(value) + 4, _watts(value), size=11, anchor="end", fill=_MUTED))
        parts.append(
            f'<line x1="{_LEFT}" y1="{y(value):.1f}" x2="{width - _RIGHT}" y2="{y(value):.1f}" stroke="#eceff1"/>'
        )
    parts += _axis(frame, axis_y, plot_top)
    if site_limit_w is not None:
        for k, value in enumerate(power_w):
            if value > site_limit_w:
                x0, x1 = frame.x(begin + k * interval_s), frame.x(begin + (k + 1) * interval_s)
                parts.append(
                    f'<rect x="{x0:.1f}" y="{y(value):.1f}" width="{max(x1 - x0, 0.5):.1f}" '
                    f'height="{y(site_limit_w) - y(value):.1f}" fill="#ef9a9a" class="over"/>'
                )
        parts.append(
            f'<line x1="{_LEFT}" y1="{y(site_limit_w):.1f}" x2="{width - _RIGHT}" y2="{y(site_limit_w):.1f}" '
            f'stroke="{_COLOURS[PurposeRole.CAP]}" stroke-width="1.5" stroke-dasharray="6 4" class="site-limit"/>'
        )
        parts.append(_text(_LEFT - 8, y(site_limit_w) - 6, f"site limit {_watts(site_limit_w)}", size=11,
                           anchor="end", fill=_COLOURS[PurposeRole.CAP]))  # fmt: skip
    if limits_w is not None:
        runs: list[list[str]] = [[]]
        for k, limit in enumerate(limits_w):
            if limit is None:
                runs.append([])
                continue
            runs[-1] += [f"{frame.x(begin + k * interval_s):.1f},{y(limit):.1f}",
                         f"{frame.x(begin + (k + 1) * interval_s):.1f},{y(limit):.1f}"]  # fmt: skip
        colour = _COLOURS[PurposeRole.DEFAULT]
        for run in filter(None, runs):
            parts.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="1.2" '
                         'stroke-dasharray="4 3" class="limits"/>')  # fmt: skip
        parts.append(_text(width - _RIGHT, plot_top - 4, "dashed: the OCPP limits of the steps, added up", size=11,
                           anchor="end", fill=colour))  # fmt: skip
    parts.append(
        f'<polyline points="{" ".join(points)}" fill="none" stroke="{_COLOURS[PurposeRole.TRANSACTION]}" '
        'stroke-width="1.5" class="power"/>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def bar_chart_svg(
    labels: Sequence[str], values: Sequence[float], *, unit: str = "Wh", title: str = "", width: int = 1000
) -> str:
    """Horizontal bars, one per label with its value and `unit`, as a self-contained SVG (`smartcharge analyze`:
    the energy each profile withheld). `InvalidArgumentError` unless there are as many finite values >= 0 as
    labels."""
    if len(labels) != len(values) or not all(isinstance(v, Real) and 0 <= v < math.inf for v in values):
        raise InvalidArgumentError("a bar chart needs one finite value >= 0 per label")
    if not (isinstance(width, Real) and width >= 400):
        raise InvalidArgumentError(f"a bar chart needs width >= 400, not {width!r}")
    label_w, row, top_y = 300, 26, 48
    height = top_y + row * max(len(labels), 1) + 16
    room = width - label_w - 120
    top = max([*values, 0.0]) or 1.0
    parts = [
        *_svg_open(width, height, title),
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top_y + i * row
        parts.append(_text(label_w - 8, y + 16, label, size=12, anchor="end"))
        bar = max(room * value / top, 1.0 if value > 0 else 0.0)
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{bar:.1f}" height="{row - 8}" '
                     f'fill="{_COLOURS[PurposeRole.TRANSACTION]}" class="bar"/>')  # fmt: skip
        parts.append(_text(label_w + bar + 6, y + 16, f"{value:,.1f} {unit}", size=12, fill=_MUTED))
    parts.append("</svg>")
    return "\n".join(parts)
