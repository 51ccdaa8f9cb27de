"""`smartcharge simulate` and `smartcharge demo` end to end (SPEC R28, R33-R35)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from smartcharge.tools.cli import main

STATION = Path(__file__).parent / "data" / "three_connectors_32a.json"
START = "2026-01-08T10:00:00Z"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_r28_three_connectors_share_the_station_limit_at_every_step(capsys):
    code, out, _ = run(
        capsys,
        "simulate",
        str(STATION),
        "--connector",
        "1,2,3",
        "--start",
        START,
        "--duration",
        "900",
        "--base-step",
        "400",
        "--format",
        "json",
    )
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    steps = [r["step"] for r in rows if "step" in r]
    by_time: dict[str, float] = {}
    for step in steps:
        by_time[step["time"]] = by_time.get(step["time"], 0.0) + step["energy_wh"]
    station_limit_wh = 32 * 230 * 3 * 90 / 3600  # ChargePointMax 32 A on three phases, per 90 s step
    assert len(by_time) == 10
    assert all(total == pytest.approx(station_limit_wh) for total in by_time.values())
    summaries = [r["summary"] for r in rows if "summary" in r]
    assert [s["connector"] for s in summaries] == [1, 2, 3]
    assert sum(s["delivered_wh"] for s in summaries) == pytest.approx(10 * station_limit_wh)


def test_r33_single_connector_csv_shows_the_ocpp_limit_and_policy_never_consulted(capsys, tmp_path):
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"energyCapKwh": 0.1}))
    code, out, _ = run(
        capsys,
        "simulate",
        str(STATION),
        "--connector",
        "1",
        "--start",
        START,
        "--duration",
        "270",
        "--policy",
        str(policy),
        "--format",
        "csv",
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["source"] for r in rows] == ["ocpp"] * 3
    assert all(r["action"] == "continue" for r in rows)


def test_r35_without_profiles_the_policy_stops_at_its_cap(capsys, tmp_path):
    state = tmp_path / "empty.json"
    state.write_text(json.dumps({"config": {"connectorCount": 1}, "events": []}))
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"energyCapKwh": 1.0}))
    code, out, _ = run(
        capsys,
        "simulate",
        str(state),
        "--connector",
        "1",
        "--start",
        START,
        "--duration",
        "3600",
        "--base-step",
        "200..300",
        "--seed",
        "3",
        "--policy",
        str(policy),
    )
    assert code == 0
    assert "Energy cap reached (1.0/1.0 kWh)" in out
    assert "connector 1: delivered 1.00 kWh" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--connector", "9"], "outlet 9"),
        (["--connector", "1,x"], "--connector"),
        (["--connector", "1", "--base-step", "5..1"], "--base-step"),
        (["--connector", "1", "--duration", "0"], "--duration"),
    ],
)
def test_simulate_usage_errors_are_one_line_and_exit_2(capsys, argv, message):
    defaults = {"--duration": "90"}
    for key, value in defaults.items():
        if key not in argv:
            argv = [*argv, key, value]
    code, out, err = run(capsys, "simulate", str(STATION), "--start", START, *argv)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and message in err


def test_demo_runs_as_a_console_command():
    proc = subprocess.run([sys.executable, "-m", "smartcharge", "demo"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "OCPP profile limiting charge to 7000W" in proc.stdout
    assert "Legacy policy: Energy cap reached" in proc.stdout
    assert "11000 W │" in proc.stdout
