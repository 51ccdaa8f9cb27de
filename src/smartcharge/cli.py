"""The `smartcharge` command (also `python -m smartcharge`): argparse subcommands over the library.

This is the imperative shell: it reads files, prints and picks exit codes (0 done, 2 bad input), and holds no
rule of its own. `replay` runs a script of OCPP 1.6 messages through `replay.replay_script` (DESIGN "The command
line"); `simulate` runs a charging session step by step (`simulation`); `demo` runs the bundled example.
Commands that take a charge point accept a saved state document or a replay script (its events applied first).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import random
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, TextIO

from smartcharge import __version__
from smartcharge._time import format_instant, parse_instant
from smartcharge.demo import run_demo
from smartcharge.errors import ScriptError, SmartChargingError
from smartcharge.replay import replay_script
from smartcharge.serialize import state_from_json
from smartcharge.simulation import SimulationResult, policy_from_document, simulate_session, simulate_station
from smartcharge.state import ChargePointState, start_transaction

__all__ = ["main"]

EXIT_OK = 0
EXIT_BAD_INPUT = 2

_MAIN_EPILOG = """\
examples:
  smartcharge replay scenario.json               one line per answer, for people
  smartcharge replay scenario.json --format json one JSON object per answer, for programs
  smartcharge replay --help                      the script format
"""

_REPLAY_EPILOG = """\
A script is a JSON object: optional "config" (connectorCount, voltage, chargeProfileMaxStackLevel,
chargingScheduleAllowedChargingRateUnit, chargingScheduleMaxPeriods, maxChargingProfilesInstalled,
connectorMaxCurrent, defaultNumberPhases) and "events" in time order, each with "at" and one of
"call" + "payload", "startTransaction" {connectorId, transactionId, chargingProfile?} or
"stopTransaction" {transactionId}. Every call is answered; transactions are not.

example:
  $ cat script.json
  {"config": {"connectorCount": 1},
   "events": [{"at": "2026-01-08T09:00:00Z", "call": "GetCompositeSchedule",
               "payload": {"connectorId": 1, "duration": 600, "chargingRateUnit": "A"}}]}
  $ smartcharge replay script.json
  GetCompositeSchedule: Accepted, connector 1 from 2026-01-08T09:00:00Z for 600 s: +0 s 32.0 A (3 phases)

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


# --- replay -----------------------------------------------------------------------------------------------------


def _periods_text(schedule: Mapping[str, Any]) -> str:
    unit = schedule.get("chargingRateUnit", "")
    return ", ".join(
        f"+{p['startPeriod']} s {p['limit']} {unit} ({_phases_text(p.get('numberPhases', 3))})"
        for p in schedule.get("chargingSchedulePeriod", [])
    )


def _phases_text(phases: int) -> str:
    return "1 phase" if phases == 1 else f"{phases} phases"


def _response_text(response: Mapping[str, Any]) -> str:
    status = str(response.get("status"))
    schedule = response.get("chargingSchedule")
    if not isinstance(schedule, Mapping):
        return status
    return (
        f"{status}, connector {response.get('connectorId')} from {response.get('scheduleStart')} "
        f"for {schedule.get('duration')} s: {_periods_text(schedule)}"
    )


def answer_text(answer: Mapping[str, Any]) -> str:
    """One replay answer as a line for people."""
    if "error" in answer:
        error = answer["error"]
        return f"{answer['call']}: CALLERROR {error['code']} ({error['description']})"
    return f"{answer['call']}: {_response_text(answer['response'])}"


def _answer_json(answer: Mapping[str, Any]) -> str:
    return json.dumps(answer)


def _load_json(path: str) -> Any:
    """The JSON document in file `path` ("-": standard input); `ValueError` saying why it cannot be read."""
    try:
        if path == "-":
            return json.load(sys.stdin)
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path} is not JSON: {exc}") from None


def _error(command: str, message: str, stderr: TextIO) -> int:
    print(f"smartcharge {command}: {message}", file=stderr)
    return EXIT_BAD_INPUT


def _run_replay(args: argparse.Namespace) -> int:
    try:
        result = replay_script(_load_json(args.script))
    except ScriptError as exc:
        return _error("replay", f"{args.script}: {exc}", sys.stderr)
    except ValueError as exc:
        return _error("replay", str(exc), sys.stderr)
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
    document = _load_json(path)
    if isinstance(document, Mapping) and "events" in document:
        return replay_script(document).state
    return state_from_json(document)


def _base_steps(text: str, seed: int) -> Iterator[float]:
    """Proposed steps from "MIN..MAX" (uniform whole Wh from a generator seeded with `seed`) or one number."""
    low, _, high = text.partition("..")
    try:
        lo, hi = float(low), float(high or low)
    except ValueError:
        raise ValueError(f"--base-step must be a number or MIN..MAX, not {text!r}") from None
    if not (0 <= lo <= hi) or not math.isfinite(hi):
        raise ValueError(f"--base-step needs 0 <= MIN <= MAX, not {text!r}")
    generator = random.Random(seed)
    while True:
        yield lo if lo == hi else float(round(generator.uniform(lo, hi)))


def _connectors(text: str) -> list[int]:
    try:
        ids = [int(part) for part in text.split(",")]
    except ValueError:
        raise ValueError(f"--connector must be a connector id or a comma-separated list, not {text!r}") from None
    if len(set(ids)) != len(ids):
        raise ValueError(f"--connector lists a connector twice: {text!r}")
    return ids


def _with_sessions(state: ChargePointState, connector_ids: Sequence[int], start: datetime) -> ChargePointState:
    """`state` with a transaction started at `start` on every listed connector that has none."""
    next_id = max((t.transaction_id for t in state.transactions), default=0) + 1
    for connector_id in connector_ids:
        if state.transaction_on(connector_id) is None:
            state = start_transaction(state, connector_id, next_id, start)
            next_id += 1
    return state


_CSV_FIELDS = ("connector", "time", "base_step_wh", "energy_wh", "delivered_wh", "source", "action", "reason")


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
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=_CSV_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(_step_rows(results))
        yield from buffer.getvalue().splitlines()
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


def _progress_bar(stream: TextIO) -> Callable[[float], None] | None:
    """A progress bar on `stream` when it is a terminal (long simulations), else nothing."""
    if not stream.isatty():
        return None

    def show(done: float) -> None:
        filled = int(done * 40)
        stream.write(f"\r[{'#' * filled}{'.' * (40 - filled)}] {done:4.0%}" + ("\n" if done >= 1 else ""))
        stream.flush()

    return show


def _run_simulate(args: argparse.Namespace) -> int:
    try:
        connector_ids = _connectors(args.connector)
        start = parse_instant(args.start)
        if args.duration <= 0 or args.interval <= 0:
            raise ValueError("--duration and --interval must be positive whole seconds")
        state = _with_sessions(load_station(args.state), connector_ids, start)
        policy, environment = policy_from_document(_load_json(args.policy)) if args.policy else (None, None)
        steps = {c: _base_steps(args.base_step, args.seed + c) for c in connector_ids}
        options: dict[str, Any] = {"policy": policy, "progress": _progress_bar(sys.stderr)}
        if environment is not None:
            options["environment"] = environment
        if len(connector_ids) == 1:
            (c,) = connector_ids
            results = {c: simulate_session(state, c, start, args.duration, args.interval, steps[c], **options)}
        else:
            results = simulate_station(state, connector_ids, start, args.duration, args.interval, steps, **options)
    except (SmartChargingError, ValueError) as exc:
        return _error("simulate", str(exc), sys.stderr)
    _print_lines(_simulation_lines(results, args.format))
    return EXIT_OK


# --- the parser -------------------------------------------------------------------------------------------------


def _subparser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str, summary: str, epilog: str
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
    parser = argparse.ArgumentParser(
        prog="smartcharge",
        description="OCPP smart charging, by the spec.",
        epilog=_MAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"smartcharge {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    replay = _subparser(commands, "replay", "Replay OCPP 1.6 messages against a charge point.", _REPLAY_EPILOG)
    replay.add_argument("script", metavar="SCRIPT.json", help="the replay script ('-' reads standard input)")
    replay.add_argument(
        "--format", choices=("text", "json"), default="text", help="text lines (default) or one JSON object a line"
    )
    replay.set_defaults(run=_run_replay)

    demo = _subparser(commands, "demo", "Run the bundled example: OCPP limiting, then the local policy.", _DEMO_EPILOG)
    demo.set_defaults(run=_run_demo)

    simulate = _subparser(commands, "simulate", "Simulate a charging session step by step.", _SIMULATE_EPILOG)
    simulate.add_argument("state", metavar="STATE.json", help="a saved state or a replay script")
    simulate.add_argument("--connector", required=True, help="connector id, or ids separated by commas")
    simulate.add_argument("--start", required=True, help="ISO 8601 instant with offset, e.g. 2026-01-08T10:00:00Z")
    simulate.add_argument("--duration", required=True, type=int, help="seconds to simulate")
    simulate.add_argument("--interval", type=int, default=90, help="seconds between meter values (default 90)")
    simulate.add_argument("--base-step", default="250", help="proposed Wh per step: N or MIN..MAX (default 250)")
    simulate.add_argument("--seed", type=int, default=0, help="seed for MIN..MAX steps (default 0)")
    simulate.add_argument("--policy", metavar="POLICY.json", help="the local policy used where OCPP does not limit")
    simulate.add_argument("--format", choices=("text", "json", "csv"), default="text", help="output format")
    simulate.set_defaults(run=_run_simulate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """The console entry point; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] | None = getattr(args, "run", None)
    if run is None:
        parser.print_help()
        return EXIT_OK
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
