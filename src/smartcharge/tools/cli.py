"""The `smartcharge` command (also `python -m smartcharge`): argparse subcommands over the library.

This is the imperative shell: it reads files, prints and picks exit codes (0 done, 1 problems found by
`validate`, 2 bad input or usage), and holds no rule of its own. `replay` runs a script of OCPP 1.6 or OCPP 2.0.1
messages (``"ocppVersion": "2.0.1"``, SPEC-201) through `replay.replay_script` (DESIGN "The command line");
`simulate` runs a charging session step by step (`simulation`); `demo` runs the bundled example; `composite`,
`limit` and `explain` show what the engine (`composite`, `explain`) computes, drawn by `render`; `validate` lists a
document's problems (`validate`). Commands that take a charge point accept a saved state document or a replay
script (its events applied first), of either OCPP version; their time option then defaults to the script's last
event, and their output speaks the document's version (2.0.1: "EVSE", ``evseId``, the 2.0.1 GetCompositeSchedule
answer). ``--evse`` is another name for ``--connector``. Usage errors are one line on standard error.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import functools
import io
import json
import math
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple, NoReturn, TextIO

import attrs

from smartcharge import __version__
from smartcharge.charging.analysis import Analysis, Analyzer
from smartcharge.charging.fleet import ChargePointGroup, FleetSpec, FleetTotals, simulate_part
from smartcharge.charging.simulation import (
    SimulationResult,
    policy_from_document,
    proposed_steps,
    simulate_session,
    simulate_station,
)
from smartcharge.charging.step_record import StateRecord, StepRecord
from smartcharge.documents.fleet_document import load_fleet_spec
from smartcharge.documents.persistence import FORMAT as SAVED_STATE_FORMAT
from smartcharge.documents.persistence import saved_state_from_json
from smartcharge.documents.replay import replay_script
from smartcharge.documents.state_document import ocpp_version_of, state_from_json
from smartcharge.documents.step_log import FleetPartLog, StepLogWriter, read_step_log
from smartcharge.engine.composite import composite_schedule, limit_at
from smartcharge.engine.instants import format_instant, from_epoch, parse_instant, to_epoch
from smartcharge.engine.limits import CompositeSchedule, Limit
from smartcharge.engine.store import ChargePointState, start_sessions
from smartcharge.errors import InvalidArgumentError, ScriptError, SmartChargingError
from smartcharge.fleet import simulate_fleet
from smartcharge.ocpp16 import composite_schedule_answer
from smartcharge.ocpp201 import composite_schedule_answer as composite_schedule_answer_201
from smartcharge.tools.analytics import power_series, report_html, report_json, report_text, window
from smartcharge.tools.demo import run_demo
from smartcharge.tools.explain import explain
from smartcharge.tools.render import (
    bar_chart_svg,
    explanation_text,
    fleet_power_svg,
    limit_text,
    schedule_table,
    stack_svg,
    terminal_chart,
)
from smartcharge.tools.validate import document_kind, document_ocpp_version, validate_document

__all__ = ["main"]

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_BAD_INPUT = 2

_MAIN_EPILOG = """\
STATE.json is a saved state (smartcharge-state document) or a replay script, OCPP 1.6 or 2.0.1 ("ocppVersion":
"2.0.1"); a script's events are applied first, and --start / --at default to its last event's time. Output follows
the document's OCPP version; --evse is another name for --connector. Times take any ISO 8601 offset (Z, +02:00).

examples:
  smartcharge replay scenario.json               one line per answer, for people
  smartcharge replay scenario.json --format json one JSON object per answer, for programs
  smartcharge composite scenario.json --connector 1 --duration 3600
  smartcharge composite scenario201.json --evse 1 --duration 3600 --format json
  smartcharge limit scenario.json --connector 1 --at 2026-01-08T11:15:00+01:00
  smartcharge explain scenario.json --connector 1 --duration 7200 --format svg > stack.svg
  smartcharge validate payload.json
  smartcharge COMMAND --help                     each command's options, with an example
"""

_REPLAY_EPILOG = """\
A script is a JSON object: optional "ocppVersion" ("1.6", the default, or "2.0.1"), optional "config"
(connectorCount, voltage, chargeProfileMaxStackLevel, chargingScheduleAllowedChargingRateUnit,
chargingScheduleMaxPeriods, maxChargingProfilesInstalled, connectorMaxCurrent, defaultNumberPhases) and "events"
in time order, each with "at" and one of "call" + "payload", "startTransaction" {connectorId, transactionId,
chargingProfile?} or "stopTransaction" {transactionId}. Every call is answered; transactions are not.

An OCPP 2.0.1 script (SPEC-201) says evseCount and evseMaxCurrent, may add smartChargingAvailable,
notifyChargingLimitWithSchedules, limitChangeSignificance and "evses" [{id, supplyPhases, maxCurrent,
acPhaseSwitchingSupported}] to its config, replays SetChargingProfile, GetCompositeSchedule,
ClearChargingProfile, GetChargingProfiles and RequestStartTransaction, starts transactions with {evseId,
transactionId}, and has the events "externalConstraints" {evseId, chargingLimitSource, chargingProfile},
"releaseExternalConstraints" {chargingProfileId} and "restart" {}. Messages the station sends on its own
(ReportChargingProfiles, NotifyChargingLimit, ClearedChargingLimit) are lines of their own.

example:
  $ cat script.json
  {"config": {"connectorCount": 1},
   "events": [{"at": "2026-01-08T09:00:00Z", "call": "GetCompositeSchedule",
               "payload": {"connectorId": 1, "duration": 600, "chargingRateUnit": "A"}}]}
  $ smartcharge replay script.json
  GetCompositeSchedule: Accepted, connector 1 from 2026-01-08T09:00:00Z for 600 s: +0 s 32.0 A (3 phases)
  $ smartcharge replay script201.json --format json
  {"call": "GetCompositeSchedule", "response": {"status": "Accepted", "schedule": {"evseId": 1, ...}}}

exit status: 0 when the script ran, 2 when it could not be read or is invalid (the message names the event).
"""

_DEMO_EPILOG = """\
A TxDefaultProfile of 7 kW for 30 min then 11 kW limits a session with meter values every 90 s; then the profile
is cleared and the local policy decides until it stops at its 10 kWh energy cap. Deterministic output.

example:
  smartcharge demo
"""

_SIMULATE_EPILOG = """\
STATE.json is a saved state (smartcharge-state document) or a replay script whose events are applied first.
A connector without an active transaction gets one starting at --start. With several connectors
(--connector 1,2,3) the station limit is shared between them at every step by the load balancer (R28).
The policy file (optional) holds energyCapKwh, maxPrice, peakHours [[17, 20]], allowPeak,
skipWhenExpensive and pricePerHour (24 prices); it decides only where no OCPP profile limits (R33).

examples:
  smartcharge simulate station.json --connector 1 --start 2026-01-08T10:00:00Z --duration 7200
  smartcharge simulate station.json --connector 1,2,3 --start 2026-01-08T10:00:00Z --duration 3600 \\
      --interval 60 --base-step 200..300 --seed 7 --policy policy.json --format csv
"""

_STATION_EPILOG = """\
A charge point simulator for any central system (CSMS) that speaks OCPP 1.6 or 2.0.1 over WebSocket; needs the
station extra: pip install "smartcharge[station]". It connects to URL/ID with the subprotocol ocpp1.6 or
ocpp2.0.1, boots, reports each connector's status, beats at the interval the CSMS returns, and answers
SetChargingProfile, GetCompositeSchedule, ClearChargingProfile (2.0.1: GetChargingProfiles) and the remote start
and stop. Every --interval seconds each charging connector takes one step: the OCPP limit first, else the local
policy (--policy, as for simulate); it sends MeterValues (2.0.1: TransactionEvent) with the cumulative
Energy.Active.Import.Register. Times are simulated: --speed 60 runs an hour in a minute. With --state FILE the
profiles, transactions, meters and unsent messages survive a restart. After a connection loss it reconnects
(waiting 1 s, doubling up to --reconnect-max) and delivers the transaction messages it owes, in order.

examples:
  python examples/csms.py                      # a small central system on ws://127.0.0.1:9000, in a terminal
  smartcharge station ws://127.0.0.1:9000 --id CP1 --connectors 2 --speed 60 --state cp1.json
  smartcharge station ws://127.0.0.1:9000 --id CP2 --ocpp 2.0.1 --step-min 250 --step-max 250 --duration 3600

exit status: 0 after --duration, 130 after Ctrl-C, 2 when an option or the --state file cannot be used.
"""


# --- replay -----------------------------------------------------------------------------------------------------


def _period_text(period: Mapping[str, Any], unit: str, numbered: bool) -> str:
    """``+0 s 16.0 A (3 phases)``; a 2.0.1 period without numberPhases (a DC EVSE) shows none, one with
    phaseToUse names it."""
    text = f"+{period['startPeriod']} s {period['limit']} {unit}"
    if numbered and "numberPhases" not in period:
        return text
    phases = _phases_text(period.get("numberPhases", 3))
    if "phaseToUse" in period:
        phases += f", phaseToUse {period['phaseToUse']}"
    return f"{text} ({phases})"


def _periods_text(schedule: Mapping[str, Any], numbered: bool = False) -> str:
    unit = schedule.get("chargingRateUnit", "")
    return ", ".join(_period_text(p, unit, numbered) for p in schedule.get("chargingSchedulePeriod", []))


def _phases_text(phases: int) -> str:
    return "1 phase" if phases == 1 else f"{phases} phases"


def _response_text(response: Mapping[str, Any]) -> str:
    status = str(response.get("status"))
    info = response.get("statusInfo")
    if isinstance(info, Mapping):  # 2.0.1 (E9): why it was refused
        details = ": ".join(str(info[key]) for key in ("reasonCode", "additionalInfo") if key in info)
        status += f" ({details})"
    schedule = response.get("chargingSchedule")
    if isinstance(schedule, Mapping):  # 1.6 GetCompositeSchedule.conf
        return (
            f"{status}, connector {response.get('connectorId')} from {response.get('scheduleStart')} "
            f"for {schedule.get('duration')} s: {_periods_text(schedule)}"
        )
    schedule = response.get("schedule")
    if isinstance(schedule, Mapping):  # 2.0.1 GetCompositeSchedule answer (S13)
        return (
            f"{status}, EVSE {schedule.get('evseId')} from {schedule.get('scheduleStart')} "
            f"for {schedule.get('duration')} s: {_periods_text(schedule, numbered=True)}"
        )
    return status


def answer_text(answer: Mapping[str, Any]) -> str:
    """One replay answer as a line for people; a message the station sends on its own (OCPP 2.0.1) is
    ``sent ACTION: PAYLOAD`` with its payload as compact JSON."""
    if "send" in answer:
        return f"sent {answer['send']}: {json.dumps(answer['payload'], separators=(',', ':'))}"
    if "error" in answer:
        error = answer["error"]
        return f"{answer['call']}: CALLERROR {error['code']} ({error['description']})"
    return f"{answer['call']}: {_response_text(answer['response'])}"


def _answer_json(answer: Mapping[str, Any]) -> str:
    return json.dumps(answer)


def _load_json(path: str) -> Any:
    """The JSON document in file `path` ("-": standard input); `InvalidArgumentError` saying why it cannot be
    read."""
    try:
        if path == "-":
            return json.load(sys.stdin)
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as exc:
        raise InvalidArgumentError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidArgumentError(f"{path} is not JSON: {exc}") from None
    except RecursionError:
        raise InvalidArgumentError(f"{path} is nested too deeply to be read") from None


def _error(command: str, message: str, stderr: TextIO) -> int:
    print(f"smartcharge {command}: {message}", file=stderr)
    return EXIT_BAD_INPUT


def _run_replay(args: argparse.Namespace) -> int:
    script = _load_json(args.script)
    try:
        result = replay_script(script)
    except ScriptError as exc:
        return _error("replay", f"{args.script}: {exc}", sys.stderr)
    render: Callable[[Mapping[str, Any]], str] = _answer_json if args.format == "json" else answer_text
    _print_lines(render(answer) for answer in result.answers)
    return EXIT_OK


def _print_lines(lines: Iterable[str]) -> None:
    """Prints `lines` on standard output; a reader that stops early (``| head``) is not an error."""
    try:
        for line in lines:
            print(line)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python exits


# --- demo -------------------------------------------------------------------------------------------------------


def _run_demo(args: argparse.Namespace) -> int:
    _print_lines(run_demo())
    return EXIT_OK


# --- simulate ---------------------------------------------------------------------------------------------------


def load_station(path: str) -> ChargePointState:
    """The charge point in file `path`: a saved state document, or a replay script with its events applied."""
    return load_station_and_time(path)[0]


def load_station_and_time(path: str) -> tuple[ChargePointState, datetime | None]:
    """The charge point in file `path` (as `load_station`) and, for a replay script, its last event's time (the
    default instant of the commands that ask about one); None for a saved state or a script without events."""
    station = _load_station(path)
    return station.state, station.last


class _Station(NamedTuple):
    """A charge point read from a file: its `state`, a replay script's last event time (`last`, else None) and
    the OCPP version the document is written for (``"1.6"`` or ``"2.0.1"``)."""

    state: ChargePointState
    last: datetime | None
    ocpp_version: str


def _load_station(path: str) -> _Station:
    document = _load_json(path)
    if isinstance(document, Mapping) and "events" in document:
        state = replay_script(document).state  # checks ocppVersion
        events = document["events"]
        last = parse_instant(events[-1]["at"]) if events else None
        return _Station(state, last, str(document.get("ocppVersion", "1.6")))
    if isinstance(document, Mapping) and document.get("format") == SAVED_STATE_FORMAT:  # a save_state file
        return _Station(saved_state_from_json(document, path), None, ocpp_version_of(document.get("state")))
    return _Station(state_from_json(document), None, ocpp_version_of(document))


def _base_steps(text: str, seed: int) -> Iterator[float]:
    """Proposed steps from "MIN..MAX" (uniform whole Wh from a generator seeded with `seed`) or one number."""
    low, _, high = text.partition("..")
    try:
        lo, hi = float(low), float(high or low)
    except ValueError:
        raise InvalidArgumentError(f"--base-step must be a number or MIN..MAX, not {text!r}") from None
    if not (0 <= lo <= hi) or not math.isfinite(hi):
        raise InvalidArgumentError(f"--base-step needs 0 <= MIN <= MAX, not {text!r}")
    return proposed_steps(lo, hi, seed)


def _connectors(text: str) -> list[int]:
    try:
        ids = [int(part) for part in text.split(",")]
    except ValueError:
        raise InvalidArgumentError(
            f"--connector must be a connector id or a comma-separated list, not {text!r}"
        ) from None
    if len(set(ids)) != len(ids):
        raise InvalidArgumentError(f"--connector lists a connector twice: {text!r}")
    return ids


_CSV_FIELDS = ("connector", "time", "base_step_wh", "energy_wh", "delivered_wh", "source", "action", "reason")


def _csv_lines(fields: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """`rows` as CSV lines under a header of `fields` (the csv format of simulate and fleet)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().splitlines()


def _step_rows(results: Mapping[int, SimulationResult]) -> Iterator[dict[str, Any]]:
    rows = [(step.at, c, step) for c, result in results.items() for step in result.steps]
    for at, c, step in sorted(rows, key=lambda row: (row[0], row[1])):
        yield {
            "connector": c,
            "time": format_instant(at),
            "base_step_wh": step.base_step_wh,
            "energy_wh": round(step.decision.energy_wh, 3),
            "delivered_wh": round(step.delivered_wh, 3),
            "source": step.decision.source.value,
            "action": step.decision.action.value,
            "reason": step.decision.reason,
        }


def _summary(c: int, result: SimulationResult) -> dict[str, Any]:
    return {
        "connector": c,
        "delivered_wh": round(result.delivered_wh, 3),
        "withheld_by_ocpp_wh": round(result.withheld_by_ocpp_wh, 3),
        "steps_by_source": result.decided_by,
        "stop_reason": result.stop_reason,
    }


def _simulation_lines(results: Mapping[int, SimulationResult], fmt: str) -> Iterator[str]:
    if fmt == "json":
        for row in _step_rows(results):
            yield json.dumps({"step": row})
        for c, result in results.items():
            yield json.dumps({"summary": _summary(c, result)})
        return
    if fmt == "csv":
        yield from _csv_lines(_CSV_FIELDS, _step_rows(results))
        return
    for row in _step_rows(results):
        total = f"[total {row['delivered_wh'] / 1000:.2f} kWh]"
        yield f"{row['time']}  connector {row['connector']}  {row['reason']}  {total}"
    yield ""
    for c, result in results.items():
        by_source = ", ".join(f"{n} by {source}" for source, n in sorted(result.decided_by.items())) or "no steps"
        yield (
            f"connector {c}: delivered {result.delivered_wh / 1000:.2f} kWh, withheld by OCPP limits "
            f"{result.withheld_by_ocpp_wh / 1000:.2f} kWh; steps: {by_source}; "
            f"stopped: {result.stop_reason or 'no, ran to the end'}"
        )
    if len(results) > 1:
        yield f"station: delivered {sum(r.delivered_wh for r in results.values()) / 1000:.2f} kWh"


def _bar(done: float) -> str:
    """``[#####...] 12%``: a fraction done as a bar of 40 characters."""
    filled = int(done * 40)
    return f"[{'#' * filled}{'.' * (40 - filled)}] {done:4.0%}"


def _progress_bar(stream: TextIO) -> Callable[[float], None] | None:
    """A progress bar on `stream` when it is a terminal (long simulations), else nothing."""
    if not stream.isatty():
        return None

    def show(done: float) -> None:
        stream.write(f"\r{_bar(done)}" + ("\n" if done >= 1 else ""))
        stream.flush()

    return show


def _run_simulate(args: argparse.Namespace) -> int:
    outlet_ids = _connectors(args.connector)
    start = parse_instant(args.start)
    if args.duration <= 0 or args.interval <= 0:
        raise InvalidArgumentError("--duration and --interval must be positive whole seconds")
    state = start_sessions(load_station(args.state), start, outlet_ids)
    policy, environment = policy_from_document(_load_json(args.policy)) if args.policy else (None, None)
    steps = {c: _base_steps(args.base_step, args.seed + c) for c in outlet_ids}
    options: dict[str, Any] = {"policy": policy, "progress": _progress_bar(sys.stderr)}
    if environment is not None:
        options["environment"] = environment
    if len(outlet_ids) == 1:
        (c,) = outlet_ids
        results = {c: simulate_session(state, c, start, args.duration, args.interval, steps[c], **options)}
    else:
        results = simulate_station(state, outlet_ids, start, args.duration, args.interval, steps, **options)
    if args.log:
        _write_simulation_log(args.log, Path(args.state).stem, state, args.interval, results)
    _print_lines(_simulation_lines(results, args.format))
    return EXIT_OK


def _open_log(path: str, option: str = "--log") -> TextIO:
    try:
        return open(path, "w", encoding="utf-8")
    except OSError as exc:
        raise InvalidArgumentError(f"{option}: cannot write {path}: {exc.strerror or exc}") from None


def _write_simulation_log(
    path: str, name: str, state: ChargePointState, interval_s: int, results: Mapping[int, SimulationResult]
) -> None:
    """The steps of `results` as a step log (`step_log`), in time order, every session's stop reason (the local
    policy's, else "end of simulation") on its last step."""
    rows = []
    for c, result in results.items():
        transaction = state.transaction_on(c)
        for i, step in enumerate(result.steps):
            last = i == len(result.steps) - 1
            decision = step.decision
            rows.append(
                StepRecord(
                    to_epoch(step.at),
                    name,
                    c,
                    None if transaction is None else transaction.transaction_id,
                    interval_s,
                    step.base_step_wh,
                    decision.energy_wh,
                    decision.limit_w,
                    decision.share_w,
                    decision.bound,
                    (result.stop_reason or "end of simulation") if last else None,
                )
            )
    with _open_log(path) as stream:
        writer = StepLogWriter(stream)
        for record in sorted(rows, key=lambda r: (r.at, r.outlet_id)):
            writer.write(name, state, record)


# --- fleet ------------------------------------------------------------------------------------------------------

_FLEET_EPILOG = """\
SPEC.json describes a fleet (docs/fleet.md): the horizon ("start", "hours" or "durationS", "intervalS", "seed",
"siteLimitW") and "chargePoints", groups of copies of one charge point ("from": a saved state or a replay script)
with their sessions (a list, or a pattern drawn for each copy), a local policy and a variation. --from steps N
copies of one charge point instead (its profiles and configuration), with sessions drawn from --seed, different for
every charge point. Every session is stepped with meter_step's rules and the station balancer (R28, R33-R35).

The charge points are cut into shards that run in this process, on --workers processes, or on the Dask cluster at
--scheduler (pip install "smartcharge[fleet]"); the totals are the same whichever runs them, and the shards of a
worker that dies run again. A progress bar goes to standard error when it is a terminal (--quiet: none).

Output: text, a summary; json, one object per interval {"at", "power_w", "energy_wh", "withheld_wh", "sessions"},
then the fleet's summary as the last line {"charge_points", "connectors", "steps", "charging_steps", "sessions",
"energy_wh", "withheld_wh", "peak_w", "peak_at", ...}; csv, one row per interval. --plot draws the fleet's power
against the site limit.

examples:
  smartcharge fleet --from station.json --charge-points 1000 --hours 24 --interval 60 --seed 7 --workers 2 \\
      --site-limit 2000000 --plot power.svg
  smartcharge fleet --from script.json --charge-points 50000 --hours 24 --seed 1 --scheduler tcp://10.0.0.5:8786 \\
      --format json | tail -n 1
  smartcharge fleet fleet.json --workers 2 --format csv --plot power.svg > series.csv
"""


def _fleet_spec(args: argparse.Namespace) -> FleetSpec:
    """The fleet of SPEC.json, or --charge-points copies of the charge point in --from."""
    quick = {"--charge-points": args.charge_points, "--hours": args.hours}
    if (args.spec is None) == (args.source is None):
        raise InvalidArgumentError("give a fleet spec (SPEC.json) or --from SCRIPT.json, one of them")
    if args.spec is not None:
        options = {**quick, "--start": args.start, "--site-limit": args.site_limit}
        given = [name for name, value in options.items() if value is not None]
        if given:
            raise InvalidArgumentError(f"{', '.join(given)} go with --from; SPEC.json says its own horizon")
        return load_fleet_spec(args.spec)
    missing = [name for name, value in quick.items() if value is None]
    if missing:
        raise InvalidArgumentError(f"--from needs {' and '.join(missing)}")
    station = _load_station(args.source)
    start = _instant(args, "--start", station.last)
    duration = args.hours * 3_600
    if not (duration > 0 and duration == round(duration)):
        raise InvalidArgumentError(f"--hours must be a positive number of whole seconds, not {args.hours}")
    if args.charge_points < 1:
        raise InvalidArgumentError(f"--charge-points must be 1 or more, not {args.charge_points}")
    group = ChargePointGroup(station.state, count=args.charge_points, name=Path(args.source).stem)
    return FleetSpec(start, round(duration), args.interval, [group], seed=args.seed, site_limit_w=args.site_limit)


def _fleet_executor(
    args: argparse.Namespace,
) -> contextlib.AbstractContextManager[Executor | None] | Callable[[], Executor]:
    """What runs the shards: nothing (this process), a process pool factory (--workers), or a Dask client's
    executor (--scheduler; the `fleet` extra, imported only then)."""
    if args.workers is not None:
        if args.workers < 1:
            raise InvalidArgumentError(f"--workers must be 1 or more, not {args.workers}")
        return functools.partial(ProcessPoolExecutor, args.workers, mp_context=multiprocessing.get_context("spawn"))
    if args.scheduler is not None:
        try:
            from smartcharge.fleet_dask import dask_executor
        except ImportError:
            raise InvalidArgumentError('--scheduler needs Dask: pip install "smartcharge[fleet]"') from None
        return dask_executor(args.scheduler)
    return contextlib.nullcontext()


def _duration_text(seconds: float) -> str:
    seconds = round(seconds)
    return (
        f"{seconds // 3600}h{seconds % 3600 // 60:02d}m" if seconds >= 3600 else f"{seconds // 60}m{seconds % 60:02d}s"
    )


def _fleet_progress(stream: TextIO, charge_points: int, steps: int) -> Callable[[int, int], None] | None:
    """A progress bar on `stream` when it is a terminal: charge points done, steps per second, time left (redrawn
    at most five times a second)."""
    if not stream.isatty():
        return None
    started = last = time.monotonic()

    def show(points: int, done_steps: int) -> None:
        nonlocal last
        now = time.monotonic()
        if points < charge_points and now - last < 0.2:
            return
        last = now
        rate = done_steps / (now - started) if now > started else 0.0
        left = _duration_text((steps - done_steps) / rate) if rate > 0 else "?"
        stream.write(
            f"\r{_bar(points / charge_points)} {points:,}/{charge_points:,} charge points, {rate:,.0f} steps/s, "
            f"{left} left " + ("\n" if points >= charge_points else "")
        )
        stream.flush()

    return show


_FLEET_CSV_FIELDS = ("at", "power_w", "energy_wh", "withheld_wh", "sessions")


def _fleet_rows(totals: FleetTotals) -> Iterator[dict[str, Any]]:
    power = totals.power_w()
    for k, energy in enumerate(totals.energy_uwh):
        yield {
            "at": format_instant(totals.start + timedelta(seconds=k * totals.interval_s)),
            "power_w": round(power[k], 3),
            "energy_wh": round(energy / 1_000_000, 3),
            "withheld_wh": round(totals.withheld_uwh[k] / 1_000_000, 3),
            "sessions": totals.sessions_charging[k],
        }


def _fleet_summary(spec: FleetSpec, totals: FleetTotals) -> dict[str, Any]:
    """The fleet's summary, the last line of ``--format json``."""
    return {
        "charge_points": spec.charge_points,
        "connectors": totals.outlets,
        "steps": totals.steps,
        "charging_steps": totals.charging_steps,
        "sessions": totals.sessions,
        "energy_wh": round(totals.energy_wh, 3),
        "withheld_wh": round(totals.withheld_wh, 3),
        "peak_w": round(totals.peak_w, 3),
        "peak_at": None if totals.peak_at is None else format_instant(totals.peak_at),
        "start": format_instant(spec.start),
        "interval_s": spec.interval_s,
        "intervals": spec.intervals,
        "site_limit_w": spec.site_limit_w,
    }


def _fleet_lines(spec: FleetSpec, totals: FleetTotals, fmt: str) -> Iterator[str]:
    if fmt == "json":
        yield from (json.dumps(row) for row in _fleet_rows(totals))
        yield json.dumps(_fleet_summary(spec, totals))
        return
    if fmt == "csv":
        yield from _csv_lines(_FLEET_CSV_FIELDS, _fleet_rows(totals))
        return
    summary = _fleet_summary(spec, totals)
    yield (
        f"{summary['charge_points']:,} charge points ({summary['connectors']:,} connectors), {spec.intervals:,} steps "
        f"of {spec.interval_s} s from {summary['start']}: {summary['steps']:,} connector steps, "
        f"{summary['charging_steps']:,} of them charging, {summary['sessions']:,} sessions"
    )
    over = ""
    if spec.site_limit_w is not None:
        count = sum(p > spec.site_limit_w for p in totals.power_w())
        over = f"; above the site limit of {spec.site_limit_w / 1000:,.1f} kW in {count} intervals"
    yield (
        f"delivered {totals.energy_wh / 1000:,.2f} kWh, withheld by OCPP limits {totals.withheld_wh / 1000:,.2f} kWh; "
        f"peak {totals.peak_w / 1000:,.1f} kW at {summary['peak_at'] or '-'}{over}"
    )


def _write_text(path: str, text: str, what: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InvalidArgumentError(f"{what}: cannot write {path}: {exc.strerror or exc}") from None


def _run_fleet(args: argparse.Namespace) -> int:
    spec = _fleet_spec(args)
    if args.shard_size is not None and args.shard_size < 1:
        raise InvalidArgumentError(f"--shard-size must be 1 or more, not {args.shard_size}")
    runner = _fleet_executor(args)
    progress = None if args.quiet else _fleet_progress(sys.stderr, spec.charge_points, spec.outlets * spec.intervals)
    task = simulate_part if args.log is None else FleetPartLog(args.log)
    if args.log is not None:
        _open_log(args.log + ".part000000").close()  # a directory that cannot be written: said now, not in a worker
    options: dict[str, Any] = {"shard_size": args.shard_size, "progress": progress, "task": task}
    if isinstance(runner, contextlib.AbstractContextManager):
        try:
            with runner as executor:
                totals = simulate_fleet(spec, executor, **options)
        except OSError as exc:  # no scheduler there
            raise InvalidArgumentError(f"--scheduler {args.scheduler}: cannot connect ({exc})") from None
    else:
        totals = simulate_fleet(spec, runner, **options)
    if args.plot:
        svg = fleet_power_svg(totals.start, totals.interval_s, totals.power_w(), spec.site_limit_w,
                              title=f"Fleet power: {spec.charge_points:,} charge points")  # fmt: skip
        _write_text(args.plot, svg + "\n", "--plot")
    if args.charge_points_out:
        lines = (json.dumps(attrs.asdict(c)) for c in totals.charge_points)
        _write_text(args.charge_points_out, "".join(line + "\n" for line in lines), "--charge-points-out")
    _print_lines(_fleet_lines(spec, totals, args.format))
    return EXIT_OK


# --- composite, limit, explain ----------------------------------------------------------------------------------

_COMPOSITE_EPILOG = """\
The composite schedule is what GetCompositeSchedule answers (§5.7, R29-R31): text shows a table and a terminal
chart, json the GetCompositeSchedule.conf payload, svg the stack of profiles over time. Connector 0 is the whole
charge point (R27). --unit defaults to the first ChargingScheduleAllowedChargingRateUnit (R30).

examples:
  smartcharge composite station.json --connector 1 --start 2026-01-08T10:00:00Z --duration 3600
  smartcharge composite script.json --connector 0 --duration 86400 --unit W --format json
  smartcharge composite station.json --connector 1 --start 2026-01-08T11:00:00+01:00 --duration 7200 \\
      --format svg > composite.svg
"""

_LIMIT_EPILOG = """\
The limit of a connector at one instant and the governing profile of each purpose that produced it (R21-R28).
A connector without a transaction is asked "as if a transaction started then" (D8). --unit defaults to the first
ChargingScheduleAllowedChargingRateUnit.

examples:
  smartcharge limit station.json --connector 1 --at 2026-01-08T10:15:00Z
  smartcharge limit script.json --connector 2 --unit A --format json
"""

_EXPLAIN_EPILOG = """\
Interval by interval: the limit, the profile of each purpose that governs (R24, D10) and whether it binds (R25-R27),
and every profile it overrides (a lower stack level, a TxDefaultProfile under a TxProfile). svg draws one lane per
purpose, stack level and connector, with the composite on top.

examples:
  smartcharge explain station.json --connector 1 --start 2026-01-08T09:00:00Z --duration 10800
  smartcharge explain script.json --connector 1 --duration 3600 --format json
  smartcharge explain station.json --connector 1 --start 2026-01-08T09:00:00Z --duration 10800 --format svg \\
      > stack.svg
"""

_VALIDATE_EPILOG = """\
DOCUMENT.json is a SetChargingProfile payload ({"connectorId", "csChargingProfiles"}, also inside an OCPP-J CALL
frame), a bare csChargingProfiles object, a saved state or a replay script. Every problem is listed with its rule
id: shape problems a charge point answers with a CALLERROR (R14, R5), rules a profile breaks on its own (R4,
R11-R13, D4) and placement on the charge point (R6-R10, D1-D3). A payload is placed on --state when given, else on
a charge point with the default configuration that has its connector (and a transaction for a TxProfile). In a
script, every call answered Rejected or with a CALLERROR is a problem of its event.

OCPP 2.0.1 documents (SPEC-201) are a payload {"evseId", "chargingProfile"} (also in a CALL frame), a bare
ChargingProfileType object (chargingSchedule a list, "id"), and states and scripts with "ocppVersion": "2.0.1".
Their rule ids are SPEC-201's: a payload breaking the official JSON schema is one problem, the first (the schema
reader stops there), S18 with its CALLERROR code; otherwise what the station refuses it for, with the reason code
and the K requirement: S1 unknown EVSE, S2 purpose placement, S3 kinds, S4/E1 schedules, S5 transaction ids, S6
configuration, S7/S8/E2 conflicts, S9/E3/E4 phases. The rules answer the first refusal in E9's order; the
configured limits (RateUnit, ProfileStackLevel, PeriodsPerSchedule) are each reported besides. Without --state a
2.0.1 payload is placed on the default station with its EVSE, phase switching, and the transaction a TxProfile
names.

examples:
  $ smartcharge validate payload.json
  R4: csChargingProfiles.chargingSchedule.chargingSchedulePeriod[1]: limit -6.0 is negative
  R10: ...
  $ smartcharge validate payload201.json
  S3: chargingProfile: Rejected, InvalidProfile: K01.FR.40: an Absolute profile needs startSchedule
  S6: chargingProfile: Rejected, InvalidStackLevel: S6: stackLevel 12 is not 0..10 (ProfileStackLevel)

exit status: 0 no problem, 1 problems found, 2 the document could not be read or is not one of these kinds.
"""


# --- analyze ----------------------------------------------------------------------------------------------------

_ANALYZE_EPILOG = """\
LOG is a step log (JSON lines, format smartcharge-steps) written by simulate, fleet or station with --log FILE;
several logs (a fleet's parts: FILE.part*) are analysed one by one and merged, exactly. Per binder (each profile,
the balancer's share, the local policy, nothing): the steps and time it bound, the energy withheld while it bound
(requested minus delivered) and, for a profile, the peak power with and without it (each step taken while it was
installed decided again with the profile's limits counted as unlimited); per hour of day the share of steps
decided by OCPP limits and by the local policy; per session its energy, duration and stop reason.

Output: text, tables; json, one object {"withheld_wh", "profiles": [{"withheld_wh", ...}], "hours", "sessions",
...}; html, one self-contained page (no network, no script) with the tables, withheld energy per binder, power
against the limits and the profile stack of the busiest connector.

examples:
  smartcharge simulate station.json --connector 1,2 --start 2026-01-08T17:00:00Z --duration 7200 --log steps.jsonl
  smartcharge analyze steps.jsonl
  smartcharge fleet --from station.json --charge-points 100 --hours 24 --workers 2 --log fleet.jsonl
  smartcharge analyze fleet.jsonl.part* --format html --output report.html
"""


def _log_records(path: str) -> Iterator[StepRecord | StateRecord]:
    try:
        with open(path, encoding="utf-8") as stream:
            yield from read_step_log(stream, path)
    except OSError as exc:
        raise InvalidArgumentError(f"cannot read {path}: {exc.strerror or exc}") from None


def analyze_logs(paths: Sequence[str]) -> Analysis:
    """The merged analysis of the step logs at `paths`, each analysed on its own."""
    analyses = []
    for path in paths:
        analyzer = Analyzer()
        for record in _log_records(path):
            analyzer.add(record)
        analyses.append(analyzer.result())
    return functools.reduce(Analysis.merge, analyses, Analysis())


def _busiest_stack(paths: Sequence[str], analysis: Analysis) -> str | None:
    """The profile stack of the busiest connector over the log's window, on its charge point's last state with
    profiles (the log read again: nothing was kept)."""
    busiest, span = analysis.busiest(), window(analysis)
    if busiest is None or span is None:
        return None
    charge_point, outlet = busiest
    found: ChargePointState | None = None
    for path in paths:
        for record in _log_records(path):
            if not isinstance(record, StateRecord) or record.charge_point != charge_point:
                continue
            if found is None or record.state.profiles:
                found = record.state
    if found is None:
        return None
    explanation = explain(found, outlet, from_epoch(span[0]), span[1], "W")
    return stack_svg(explanation)


def _analysis_html(paths: Sequence[str], analysis: Analysis) -> str:
    from smartcharge.tools.analytics import binder_rows

    rows = binder_rows(analysis)
    bars = bar_chart_svg(
        [row["label"] for row in rows],
        [row["withheld_wh"] for row in rows],
        title="Energy withheld while each binder bound",
    )
    series = power_series(analysis)
    power = None
    if series is not None:
        first, interval, values, limits = series
        power = fleet_power_svg(from_epoch(first), interval, values, title="Power of every step, added up",
                                limits_w=limits)  # fmt: skip
    return report_html(analysis, stack=_busiest_stack(paths, analysis), power=power, bars=bars)


def _run_analyze(args: argparse.Namespace) -> int:
    analysis = analyze_logs(args.logs)
    if args.format == "json":
        text = json.dumps(report_json(analysis))
    elif args.format == "html":
        text = _analysis_html(args.logs, analysis)
    else:
        text = report_text(analysis)
    if args.output:
        _write_text(args.output, text if text.endswith("\n") else text + "\n", "--output")
    else:
        _print_lines(text.splitlines())
    return EXIT_OK


def _run_station(args: argparse.Namespace) -> int:
    try:
        from smartcharge.station.cli import run_command  # only the command needs the extra
    except ModuleNotFoundError as exc:
        raise InvalidArgumentError(
            f'the station command needs the station extra: pip install "smartcharge[station]" ({exc})'
        ) from None
    policy, environment = policy_from_document(_load_json(args.policy)) if args.policy else (None, None)
    return run_command(args, policy, environment)


def _instant(args: argparse.Namespace, option: str, default: datetime | None) -> datetime:
    """The instant given as `option`, else the replay script's last event; `InvalidArgumentError` when there is
    neither."""
    text: str | None = getattr(args, option.lstrip("-").replace("-", "_"))
    if text is not None:
        try:
            return parse_instant(text)
        except InvalidArgumentError as exc:
            raise InvalidArgumentError(f"{option} {text!r} is not an ISO 8601 instant with offset ({exc})") from None
    if default is None:
        raise InvalidArgumentError(f"{option} is required unless STATE.json is a replay script with events")
    return default


def _window(args: argparse.Namespace) -> tuple[_Station, datetime]:
    station = _load_station(args.state)
    start = _instant(args, "--start", station.last)
    if args.duration < 0:
        raise InvalidArgumentError(f"--duration must be 0 or more seconds, not {args.duration}")
    return station, start


def _is_201(station: _Station) -> bool:
    return station.ocpp_version == "2.0.1"


def _outlet_word(station: _Station) -> str:
    """What the document's OCPP version calls an outlet."""
    return "EVSE" if _is_201(station) else "connector"


def _is_dc(state: ChargePointState, outlet_id: int) -> bool:
    """Whether `outlet_id` is a DC outlet (OCPP 2.0.1: its limits have no numberPhases, K01.FR.44)."""
    return 0 < outlet_id <= state.config.outlet_count and state.config.outlet(outlet_id).is_dc


def _composite_json(station: _Station, schedule: CompositeSchedule) -> dict[str, Any]:
    """GetCompositeSchedule's answer in the document's OCPP version (1.6 R31; 2.0.1 S13, E6)."""
    if _is_201(station):
        return composite_schedule_answer_201(station.state.config, schedule)
    return composite_schedule_answer(schedule)


def _run_composite(args: argparse.Namespace) -> int:
    station, start = _window(args)
    state, version = station.state, station.ocpp_version
    if args.format == "svg":
        explanation = explain(state, args.connector, start, args.duration, args.unit)
        _print_lines([stack_svg(explanation, ocpp_version=version)])
        return EXIT_OK
    schedule = composite_schedule(state, args.connector, start, args.duration, args.unit)
    if args.format == "json":
        _print_lines([json.dumps(_composite_json(station, schedule))])
        return EXIT_OK
    title = (
        f"Composite schedule of {_outlet_word(station)} {schedule.outlet_id} from {format_instant(schedule.start)} "
        f"for {schedule.duration} s, in {schedule.unit.value}"
    )
    table = schedule_table(schedule, ocpp_version=version, dc=_is_dc(state, schedule.outlet_id))
    _print_lines([title, "", table, "", terminal_chart(schedule)])
    return EXIT_OK


def _run_limit(args: argparse.Namespace) -> int:
    station = _load_station(args.state)
    state = station.state
    at = _instant(args, "--at", station.last)
    unit = args.unit or state.config.allowed_rate_units[0]
    limit = limit_at(state, args.connector, at, unit)
    dc = _is_dc(state, args.connector)
    if args.format == "json":
        outlet = "evseId" if _is_201(station) else "connectorId"
        document = {outlet: args.connector, "at": format_instant(at), **_limit_json(limit, outlet, dc)}
        _print_lines([json.dumps(document)])
    else:
        _print_lines([limit_text(limit, args.connector, at, ocpp_version=station.ocpp_version, dc=dc)])
    return EXIT_OK


def _phases_json(number_phases: int, dc: bool, phase_to_use: int | None = None) -> dict[str, Any]:
    """``numberPhases`` (none on a DC outlet, K01.FR.44) and ``phaseToUse`` where there is one (2.0.1)."""
    if dc:
        return {}
    return {"numberPhases": number_phases, **({} if phase_to_use is None else {"phaseToUse": phase_to_use})}


def _limit_json(limit: Limit, outlet: str, dc: bool) -> dict[str, Any]:
    """The limit as `limit --format json` prints it; outlets named `outlet` (``connectorId`` or ``evseId``)."""
    return {
        "unit": limit.unit.value,
        "limit": limit.value,
        **_phases_json(limit.number_phases, dc, limit.phase_to_use),
        "hardwareLimit": limit.hardware_limit,
        "effectiveLimit": limit.effective,
        "sources": [
            {
                "profileId": s.profile_id,
                "purpose": s.purpose.name,
                "stackLevel": s.stack_level,
                outlet: s.outlet_id,
                "limit": s.limit,
                "unit": s.unit.value,
                **_phases_json(s.number_phases, dc),
            }
            for s in limit.sources
        ],
    }


def _run_explain(args: argparse.Namespace) -> int:
    station, start = _window(args)
    version = station.ocpp_version
    explanation = explain(station.state, args.connector, start, args.duration, args.unit)
    if args.format == "json":
        _print_lines([json.dumps(explanation.to_json(version))])
    elif args.format == "svg":
        _print_lines([stack_svg(explanation, ocpp_version=version)])
    else:
        _print_lines([explanation_text(explanation, ocpp_version=version)])
    return EXIT_OK


# --- validate ---------------------------------------------------------------------------------------------------


def _run_validate(args: argparse.Namespace) -> int:
    document = _load_json(args.document)
    state = load_station(args.state) if args.state else None
    kind = document_kind(document)
    version = document_ocpp_version(document)
    problems = validate_document(document, state)
    if args.format == "json":
        found = [{"rule": p.rule, "where": p.where, "message": p.message} for p in problems]
        _print_lines([json.dumps({"document": kind, "ocppVersion": version, "problems": found})])
    elif problems:
        _print_lines(str(p) for p in problems)
    else:
        _print_lines([f"no problems ({kind})" if version == "1.6" else f"no problems (OCPP {version} {kind})"])
    return EXIT_PROBLEMS if problems else EXIT_OK


# --- the parser -------------------------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on standard error, exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _station_arguments(parser: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    """STATE.json, --connector, --unit and --format, shared by composite, limit and explain."""
    parser.add_argument("state", metavar="STATE.json", help="a saved state or a replay script ('-': standard input)")
    parser.add_argument(
        "--connector",
        "--evse",
        dest="connector",
        metavar="ID",
        required=True,
        type=int,
        help="connector id, or EVSE id in OCPP 2.0.1 (--evse is the same option; 0: the whole charge point)",
    )
    parser.add_argument("--unit", choices=("A", "W"), help="unit of the limits (default: the first allowed unit)")
    parser.add_argument("--format", choices=formats, default="text", help="output format (default text)")


def _window_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--start", help="ISO 8601 instant with offset (default: a replay script's last event)")
    parser.add_argument("--duration", required=True, type=int, help="length of the window in seconds")


def _subparser(
    commands: argparse._SubParsersAction[_Parser], name: str, summary: str, epilog: str
) -> argparse.ArgumentParser:
    return commands.add_parser(
        name,
        help=summary,
        description=summary,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def build_parser() -> argparse.ArgumentParser:
    """The `smartcharge` argument parser, one subcommand per command."""
    parser = _Parser(
        prog="smartcharge",
        description="OCPP smart charging, by the spec.",
        epilog=_MAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"smartcharge {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    replay = _subparser(commands, "replay", "Replay OCPP 1.6 or 2.0.1 messages against a charge point.", _REPLAY_EPILOG)
    replay.add_argument("script", metavar="SCRIPT.json", help="the replay script ('-' reads standard input)")
    replay.add_argument(
        "--format", choices=("text", "json"), default="text", help="text lines (default) or one JSON object a line"
    )
    replay.set_defaults(run=_run_replay)

    demo = _subparser(commands, "demo", "Run the bundled example: OCPP limiting, then the local policy.", _DEMO_EPILOG)
    demo.set_defaults(run=_run_demo)

    simulate = _subparser(commands, "simulate", "Simulate a charging session step by step.", _SIMULATE_EPILOG)
    simulate.add_argument("state", metavar="STATE.json", help="a saved state or a replay script")
    simulate.add_argument(
        "--connector",
        "--evse",
        dest="connector",
        metavar="ID[,ID...]",
        required=True,
        help="connector (or EVSE) id, or ids separated by commas; --evse is the same option",
    )
    simulate.add_argument("--start", required=True, help="ISO 8601 instant with offset, e.g. 2026-01-08T10:00:00Z")
    simulate.add_argument("--duration", required=True, type=int, help="seconds to simulate")
    simulate.add_argument("--interval", type=int, default=90, help="seconds between meter values (default 90)")
    simulate.add_argument("--base-step", default="250", help="proposed Wh per step: N or MIN..MAX (default 250)")
    simulate.add_argument("--seed", type=int, default=0, help="seed for MIN..MAX steps (default 0)")
    simulate.add_argument("--policy", metavar="POLICY.json", help="the local policy used where OCPP does not limit")
    simulate.add_argument("--format", choices=("text", "json", "csv"), default="text", help="output format")
    simulate.add_argument("--log", metavar="FILE", help="write a step log (JSON lines) for smartcharge analyze")
    simulate.set_defaults(run=_run_simulate)

    fleet = _subparser(
        commands, "fleet", "Simulate a fleet of charge points over a horizon, on every core.", _FLEET_EPILOG
    )
    fleet.add_argument("spec", metavar="SPEC.json", nargs="?", help="a fleet spec (or use --from)")
    fleet.add_argument("--from", dest="source", metavar="SCRIPT.json", help="a saved state or a replay script to copy")
    fleet.add_argument("--charge-points", type=int, metavar="N", help="with --from: how many copies")
    fleet.add_argument("--hours", type=float, metavar="H", help="with --from: the horizon in hours")
    fleet.add_argument("--interval", type=int, default=60, metavar="S", help="with --from: seconds a step (default 60)")
    fleet.add_argument(
        "--seed", type=int, default=0, metavar="K", help="with --from: the seed of the sessions (default 0)"
    )
    fleet.add_argument(
        "--start", help="with --from: ISO 8601 instant with offset (default: a replay script's last event)"
    )
    fleet.add_argument("--site-limit", type=float, metavar="W", help="with --from: the site's limit in W, for --plot")
    where = fleet.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, metavar="W", help="run the shards on W processes")
    where.add_argument("--scheduler", metavar="ADDRESS", help="run the shards on the Dask cluster at ADDRESS")
    fleet.add_argument("--shard-size", type=int, metavar="N", help="charge points per shard (default: about 64 shards)")
    fleet.add_argument("--format", choices=("text", "json", "csv"), default="text", help="output format (default text)")
    fleet.add_argument("--plot", metavar="FILE.svg", help="draw the fleet's power against the site limit")
    fleet.add_argument(
        "--charge-points-out", metavar="FILE.jsonl", help="write each charge point's summary, a line each"
    )
    fleet.add_argument("--quiet", action="store_true", help="no progress bar")
    fleet.add_argument(
        "--log", metavar="FILE", help="write a step log per shard, FILE.partNNNNNN (its first charge point)"
    )
    fleet.set_defaults(run=_run_fleet)

    composite = _subparser(commands, "composite", "The composite schedule of a connector.", _COMPOSITE_EPILOG)
    _station_arguments(composite, ("text", "json", "svg"))
    _window_arguments(composite)
    composite.set_defaults(run=_run_composite)

    limit = _subparser(commands, "limit", "The limit of a connector at an instant, and its sources.", _LIMIT_EPILOG)
    _station_arguments(limit, ("text", "json"))
    limit.add_argument("--at", help="ISO 8601 instant with offset (default: a replay script's last event)")
    limit.set_defaults(run=_run_limit)

    explain_ = _subparser(
        commands, "explain", "Which profile governs when, and which ones it overrides.", _EXPLAIN_EPILOG
    )
    _station_arguments(explain_, ("text", "json", "svg"))
    _window_arguments(explain_)
    explain_.set_defaults(run=_run_explain)

    validate = _subparser(commands, "validate", "Every problem of a document, with its rule id.", _VALIDATE_EPILOG)
    validate.add_argument(
        "document", metavar="DOCUMENT.json", help="payload, profile, saved state or replay script (OCPP 1.6 or 2.0.1)"
    )
    validate.add_argument("--state", metavar="STATE.json", help="the charge point a payload is placed on")
    validate.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    validate.set_defaults(run=_run_validate)
    station = _subparser(
        commands, "station", "A charge point simulator talking OCPP to a central system.", _STATION_EPILOG
    )
    station.add_argument("url", metavar="URL", help="the central system's WebSocket URL, e.g. ws://127.0.0.1:9000")
    station.add_argument("--id", required=True, help="the charge point's identity (the URL's last path segment)")
    station.add_argument("--ocpp", choices=("1.6", "2.0.1"), default="1.6", help="OCPP version (default 1.6)")
    station.add_argument(
        "--connectors", type=int, help="connectors (EVSEs in 2.0.1); default: the --state file's, or 1"
    )
    station.add_argument("--interval", type=int, default=60, help="seconds between meter values (default 60)")
    station.add_argument("--step-min", type=float, default=200.0, help="smallest proposed step in Wh (default 200)")
    station.add_argument("--step-max", type=float, default=300.0, help="largest proposed step in Wh (default 300)")
    station.add_argument("--seed", type=int, default=0, help="seed of the proposed steps (default 0)")
    station.add_argument("--policy", metavar="POLICY.json", help="the local policy used where OCPP does not limit")
    station.add_argument("--speed", type=float, default=1.0, help="simulated seconds per second (default 1)")
    station.add_argument("--start", help="the simulated time at start, ISO 8601 with offset (default: now)")
    station.add_argument("--duration", type=int, help="stop after this many simulated seconds (default: run on)")
    station.add_argument("--state", metavar="FILE", help="keep the station in FILE, and resume from it at start")
    station.add_argument(
        "--reconnect-max", type=float, default=30.0, help="longest wait between two connection attempts, s (default 30)"
    )
    station.add_argument("--log", metavar="FILE", help="append every step to a step log (JSON lines)")
    station.set_defaults(run=_run_station)

    analyze = _subparser(commands, "analyze", "What each profile did: withheld energy, peaks, sessions.",
                         _ANALYZE_EPILOG)  # fmt: skip
    analyze.add_argument("logs", metavar="LOG", nargs="+", help="step logs written with --log (a fleet: its parts)")
    analyze.add_argument("--format", choices=("text", "json", "html"), default="text", help="output format")
    analyze.add_argument("--output", metavar="FILE", help="write the report to FILE (default: standard output)")
    analyze.set_defaults(run=_run_analyze)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """The console entry point; returns the exit status. Whatever the library refuses (a `SmartChargingError`:
    a file that cannot be read, an option or a document it cannot take) is one line on standard error naming the
    command, and exit status 2."""
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] | None = getattr(args, "run", None)
    if run is None:
        parser.print_help()
        return EXIT_OK
    try:
        return run(args)
    except SmartChargingError as exc:
        return _error(args.command, str(exc), sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
