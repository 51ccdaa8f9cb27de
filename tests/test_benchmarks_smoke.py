"""The benchmark script runs: `benchmarks/run.py --quick --only limit_at` exits 0 and prints the limit_at figures.

A smoke test only: it asserts nothing about how fast anything is (timings belong in `docs/performance.md`).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

RUN = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"


def test_benchmark_script_runs_and_prints_limit_at() -> None:
    result = subprocess.run(
        [sys.executable, str(RUN), "--quick", "--only", "limit_at"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("limit_at warm") for line in lines), result.stdout
    assert any(line.startswith("limit_at cold") for line in lines), result.stdout
