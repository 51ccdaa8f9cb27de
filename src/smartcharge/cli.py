"""The `smartcharge` command (also `python -m smartcharge`): argparse subcommands over the library.

This is the imperative shell: it reads files, prints and picks exit codes (0 done, 2 bad input), and holds no
rule of its own. `replay` runs a script of OCPP 1.6 messages through `replay.replay_script` (DESIGN "The command
line"); `demo` is announced for a later release.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TextIO

from smartcharge import __version__
from smartcharge.errors import ScriptError
from smartcharge.replay import replay_script

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
example:
  smartcharge demo
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
    print("smartcharge demo: the bundled demo arrives in a later release; try `smartcharge replay --help`.")
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

    demo = _subparser(commands, "demo", "Run the bundled example (in a later release).", _DEMO_EPILOG)
    demo.set_defaults(run=_run_demo)
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
