"""Profile effectiveness reports for people and programs: an `Analysis` (`smartcharge.charging.analysis`) as a
JSON object (`report_json`), a text table (`report_text`) or one self-contained HTML page with its pictures
(`report_html`) — the three formats of ``smartcharge analyze``.

Nothing here counts or decides anything: the numbers are the analysis's, the pictures are `render`'s SVG (the
stack of the busiest connector, power against the limits, withheld energy per binder). The HTML page needs no
network and no script: tables and inline SVG only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from xml.sax.saxutils import escape

from smartcharge.charging.analysis import Analysis
from smartcharge.charging.step_record import Bound, BoundKind
from smartcharge.documents.step_log import bound_to_json
from smartcharge.engine.instants import format_instant, from_epoch

__all__ = ["binder_rows", "power_series", "report_html", "report_json", "report_text", "window"]

_UWH = 1_000_000


def _order(bound: Bound) -> tuple[int, str, int, int, int]:
    kinds = [BoundKind.PROFILE, BoundKind.BALANCER, BoundKind.LOCAL_POLICY, BoundKind.NONE]
    return (
        kinds.index(bound.kind),
        bound.purpose or "",
        -(bound.stack_level or 0),
        bound.profile_id or 0,
        bound.outlet_id or 0,
    )


def binder_rows(analysis: Analysis) -> list[dict[str, Any]]:
    """One row per binder (every profile installed during a step, the balancer, the local policy and "nothing"
    where they bound a step): its JSON fields, the time it bound, the energy withheld while it bound, and for a
    profile the peak with and without it (W)."""
    peak, _ = analysis.peak()
    binders = set(analysis.bound) | set(analysis.without)
    rows = []
    for bound in sorted(binders, key=_order):
        tally = analysis.bound.get(bound)
        row: dict[str, Any] = {
            **bound_to_json(bound),
            "label": bound.label,
            "steps": 0 if tally is None else tally.steps,
            "bound_s": 0 if tally is None else tally.bound_s,
            "withheld_uwh": 0 if tally is None else tally.withheld_uwh,
            "withheld_wh": 0.0 if tally is None else tally.withheld_uwh / _UWH,
        }
        if bound.kind is BoundKind.PROFILE:
            row["peak_w"] = peak
            row["peak_without_w"] = analysis.peak(analysis.without.get(bound, {}))[0]
        rows.append(row)
    return rows


def _hours(analysis: Analysis) -> list[dict[str, Any]]:
    rows = []
    for hour, (ocpp, local) in enumerate(analysis.hours):
        total = ocpp + local
        rows.append(
            {
                "hour": hour,
                "ocpp_steps": ocpp,
                "local_policy_steps": local,
                "ocpp_share": ocpp / total if total else None,
                "local_policy_share": local / total if total else None,
            }
        )
    return rows


def _sessions(analysis: Analysis) -> list[dict[str, Any]]:
    return [
        {
            "chargePoint": charge_point,
            "connector": outlet,
            "transaction": transaction,
            "start": format_instant(from_epoch(s.start)),
            "duration_s": s.end - s.start,
            "energy_wh": s.energy_uwh / _UWH,
            "steps": s.steps,
            "stop_reason": s.stop_reason,
        }
        for (charge_point, outlet, transaction), s in sorted(
            analysis.sessions.items(), key=lambda item: (item[1].start, item[0][0], item[0][1], str(item[0][2]))
        )
    ]


def report_json(analysis: Analysis) -> dict[str, Any]:
    """The analysis as one JSON object: the totals (``withheld_wh``, ...), ``profiles`` (`binder_rows`: their
    ``withheld_wh`` add up to the total), ``hours`` (24 rows) and ``sessions``."""
    peak, peak_at = analysis.peak()
    return {
        "steps": analysis.steps,
        "requested_wh": analysis.requested_uwh / _UWH,
        "delivered_wh": analysis.delivered_uwh / _UWH,
        "withheld_wh": analysis.withheld_uwh / _UWH,
        "withheld_uwh": analysis.withheld_uwh,
        "peak_w": peak,
        "peak_at": None if peak_at is None else format_instant(peak_at),
        "profiles": binder_rows(analysis),
        "hours": _hours(analysis),
        "sessions": _sessions(analysis),
    }


def _duration(seconds: int) -> str:
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def _kw(watts: float) -> str:
    return f"{watts / 1000:,.1f} kW"


def _table(header: list[str], rows: list[list[str]]) -> Iterator[str]:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    for i, line in enumerate([header, *rows]):
        yield "  ".join(str(cell).ljust(w) if j == 0 else str(cell).rjust(w) for j, (cell, w) in enumerate(
            zip(line, widths, strict=True)))  # fmt: skip
        if i == 0:
            yield "  ".join("-" * w for w in widths)


def _binder_table(analysis: Analysis) -> tuple[list[str], list[list[str]]]:
    header = ["bound by", "steps", "time bound", "withheld", "peak", "peak without it"]
    rows = [
        [
            row["label"],
            f"{row['steps']:,}",
            _duration(row["bound_s"]),
            f"{row['withheld_wh'] / 1000:,.3f} kWh",
            _kw(row["peak_w"]) if "peak_w" in row else "-",
            _kw(row["peak_without_w"]) if "peak_without_w" in row else "-",
        ]
        for row in binder_rows(analysis)
    ]
    return header, rows


def _hour_table(analysis: Analysis) -> tuple[list[str], list[list[str]]]:
    header = ["hour (UTC)", "steps", "decided by OCPP", "by the local policy"]
    rows = []
    for row in _hours(analysis):
        total = row["ocpp_steps"] + row["local_policy_steps"]
        if total:
            rows.append([f"{row['hour']:02d}:00", f"{total:,}", f"{row['ocpp_share']:.0%}",
                         f"{row['local_policy_share']:.0%}"])  # fmt: skip
    return header, rows


def _session_table(analysis: Analysis) -> tuple[list[str], list[list[str]]]:
    header = ["charge point", "connector", "transaction", "start", "duration", "energy", "stop reason"]
    rows = [
        [
            s["chargePoint"],
            str(s["connector"]),
            str(s["transaction"]),
            s["start"],
            _duration(s["duration_s"]),
            f"{s['energy_wh'] / 1000:,.3f} kWh",
            s["stop_reason"] or "-",
        ]
        for s in _sessions(analysis)
    ]
    return header, rows


def _totals_line(analysis: Analysis) -> str:
    peak, peak_at = analysis.peak()
    return (
        f"{analysis.steps:,} steps: requested {analysis.requested_uwh / _UWH / 1000:,.3f} kWh, delivered "
        f"{analysis.delivered_uwh / _UWH / 1000:,.3f} kWh, withheld {analysis.withheld_uwh / _UWH / 1000:,.3f} kWh; "
        f"peak {_kw(peak)} at {'-' if peak_at is None else format_instant(peak_at)}"
    )


def report_text(analysis: Analysis, *, sessions: bool = True) -> str:
    """The analysis as text: the totals, a table of binders, the hours of day with steps, and (`sessions`) the
    sessions."""
    lines = [_totals_line(analysis), "", *_table(*_binder_table(analysis)), "", *_table(*_hour_table(analysis))]
    if sessions:
        lines += ["", *_table(*_session_table(analysis))]
    return "\n".join(lines)


def power_series(analysis: Analysis) -> tuple[int, int, list[float], list[float | None]] | None:
    """The power of the log on a regular grid for a chart: its first instant, the shortest interval, the power
    and the added-up OCPP limits (None where no step had one) of every interval; None for an empty log."""
    if not analysis.delivered:
        return None
    interval = min(length for _, length in analysis.delivered)
    power = analysis.power_w()
    first, last = min(power), max(power)
    count = (last - first) // interval + 1
    series = [0.0] * count
    for at, value in power.items():
        series[(at - first) // interval] += value
    limits: list[float | None] = [None] * count
    for at, milliwatts in analysis.limits.items():
        k = (at - first) // interval
        limits[k] = (limits[k] or 0.0) + milliwatts / 1000
    return first, interval, series, limits


_STYLE = """
body { font-family: Helvetica, Arial, sans-serif; color: #263238; margin: 24px; max-width: 1040px; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 32px; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { border-bottom: 1px solid #eceff1; padding: 4px 10px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
figure { margin: 12px 0; } svg { max-width: 100%; height: auto; }
p.note { color: #607d8b; font-size: 13px; }
"""


def _html_table(header: list[str], rows: list[list[str]], table_id: str) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def report_html(
    analysis: Analysis, *, stack: str | None = None, power: str | None = None, bars: str | None = None,
    title: str = "Profile effectiveness",
) -> str:  # fmt: skip
    """The analysis as one self-contained HTML page: the totals and the tables of `report_text`, and the pictures
    given as SVG text: `stack` (the profile stack of the busiest connector), `power` (power against the limits)
    and `bars` (withheld energy per binder). No script, no link out."""
    sections = [
        f"<h1>{escape(title)}</h1>",
        f"<p>{escape(_totals_line(analysis))}</p>",
        "<h2>What bound the steps</h2>",
        _html_table(*_binder_table(analysis), "binders"),
        '<p class="note">Peak without a profile: every step taken while it was installed decided again with the '
        "same request, the profile's limits counted as unlimited (it stays installed).</p>",
    ]
    for heading, svg, figure_id in (
        ("Withheld energy per binder", bars, "withheld-chart"),
        ("Power against the limits", power, "power-chart"),
        ("Profile stack of the busiest connector", stack, "stack-chart"),
    ):
        if svg is not None:
            sections += [f"<h2>{heading}</h2>", f'<figure id="{figure_id}">{svg}</figure>']
    sections += ["<h2>Who decided, per hour of day</h2>", _html_table(*_hour_table(analysis), "hours")]
    sections += ["<h2>Sessions</h2>", _html_table(*_session_table(analysis), "sessions")]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>\n<body>\n"
        + "\n".join(sections)
        + "\n</body></html>\n"
    )


def window(analysis: Analysis) -> tuple[int, int] | None:
    """The first instant of the log and its length up to the end of its last step (seconds); None when empty."""
    if not analysis.delivered:
        return None
    first = min(at for at, _ in analysis.delivered)
    end = max(at + length for at, length in analysis.delivered)
    return first, end - first
