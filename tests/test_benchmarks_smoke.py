"""The benchmark script runs: `benchmarks/run.py --quick --only limit_at,composite,get_composite,set_profile` exits 0
and prints the limit_at figures and every OCPP 2.0.1 row, each with its ratio to the 1.6 figure.

A smoke test only: it asserts nothing about how fast anything is (timings belong in `docs/performance.md`).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

RUN = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"

ROWS_201 = [
    "limit_at warm (EVSE 1), 2.0.1",
    "limit_at warm (EVSE 2, D8), 2.0.1",
    "limit_at warm (EVSE 0), 2.0.1",
    "limit_at cold (new equal state), 2.0.1",
    "composite_schedule 24 h, 2.0.1",
    "composite_schedule 7 days, 2.0.1",
    "composite_schedule 24 h (EVSE 0), 2.0.1",
    "handle_get_composite_schedule 24 h, 2.0.1",
    "handle_set_charging_profile, 2.0.1",
]


def test_benchmark_script_runs_and_prints_limit_at_and_the_201_rows() -> None:
    result = subprocess.run(
        [sys.executable, str(RUN), "--quick", "--only", "limit_at,composite,get_composite,set_profile"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("limit_at warm") for line in lines), result.stdout
    assert any(line.startswith("limit_at cold") for line in lines), result.stdout
    assert any(line.startswith("handle_set_charging_profile ") for line in lines), result.stdout
    for row in ROWS_201:
        line = next((line for line in lines if line.startswith(row + " ")), None)
        assert line is not None, f"no row {row!r} in:\n{result.stdout}"
        assert re.search(r"\d\.\d\dx 1\.6", line), line  # the 2.0.1 / 1.6 ratio


def test_the_201_benchmark_state_answers_as_the_16_one() -> None:
    """The 2.0.1 rows measure the same work: the converted state gives the 1.6 state's composites."""
    sys.path.insert(0, str(RUN.parent))
    try:
        import run  # the benchmark module itself
    finally:
        sys.path.remove(str(RUN.parent))
    from smartcharge import composite_schedule

    for outlet_id in (0, 1, 2):
        a = composite_schedule(run.STANDARD, outlet_id, run.T0, 86_400, "W")
        b = composite_schedule(run.STANDARD_201, outlet_id, run.T0, 86_400, "W")
        assert a.periods == b.periods and len(a.periods) > 10
