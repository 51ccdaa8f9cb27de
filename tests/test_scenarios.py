"""The shared worked examples (../shared/scenarios for OCPP 1.6, ../shared/scenarios201 for OCPP 2.0.1, checked by
../shared/tools/check_scenarios.py) replayed through `python -m smartcharge replay`: every rule family end to end,
the Part 6 certification cases of 2.0.1, and EVerest libocpp's cases; every answer and every message sent valid
against the official schemas."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from schema import assert_valid_request_201, assert_valid_response, assert_valid_response_201

from smartcharge import replay_script

SHARED = Path(__file__).resolve().parents[2] / "shared"
CHECKER = SHARED / "tools" / "check_scenarios.py"
SCENARIOS = SHARED / "scenarios"
SCENARIOS_201 = SHARED / "scenarios201"


def test_every_shared_scenario_passes_for_both_versions() -> None:
    if not (CHECKER.is_file() and SCENARIOS.is_dir() and SCENARIOS_201.is_dir()):
        pytest.skip(f"the shared scenarios are not here ({SHARED} not found); nothing to check against")
    command = f"{shlex.quote(sys.executable)} -m smartcharge replay"
    proc = subprocess.run(
        [sys.executable, str(CHECKER), "--cmd", command, str(SCENARIOS), str(SCENARIOS_201)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    summary = re.search(r"^(\d+) passed, (\d+) failed$", proc.stdout, re.MULTILINE)
    assert summary is not None, proc.stdout + proc.stderr
    passed, failed = int(summary.group(1)), int(summary.group(2))
    assert failed == 0 and passed > 0, proc.stdout
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _scenario_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.json")) if folder.is_dir() else []


@pytest.mark.parametrize("path", _scenario_files(SCENARIOS), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_r31_every_scenario_answer_is_valid_against_the_official_schema(path: Path) -> None:
    script = json.loads(path.read_text(encoding="utf-8"))
    answers = replay_script(script).answers
    assert len(answers) == len(script["expected"])
    for answer in answers:
        if "response" in answer:
            assert_valid_response(answer["call"], answer["response"])
        else:
            assert set(answer["error"]) == {"code", "description"}


@pytest.mark.parametrize("path", _scenario_files(SCENARIOS_201), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_s18_every_201_answer_and_message_is_valid_against_the_official_schemas(path: Path) -> None:
    script = json.loads(path.read_text(encoding="utf-8"))
    answers = replay_script(script).answers
    assert len(answers) == len(script["expected"])
    for answer in answers:
        if "send" in answer:
            assert_valid_request_201(answer["send"], answer["payload"])
        elif "response" in answer:
            assert_valid_response_201(answer["call"], answer["response"])
        else:
            assert set(answer["error"]) == {"code", "description"}
