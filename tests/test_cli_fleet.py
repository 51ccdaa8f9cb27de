"""`smartcharge fleet` end to end: the quick form (--from), a fleet spec file, the outputs (json, csv, text, --plot,
--charge-points-out), process workers, the progress bar, and one-line errors naming what is wrong."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from smartcharge.tools.cli import _fleet_progress, main

EVENING = Path(__file__).resolve().parent.parent / "docs" / "examples" / "evening.json"
QUICK = ["fleet", "--from", str(EVENING), "--charge-points", "6", "--hours", "6", "--interval", "300", "--seed", "3"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_quick_form_ends_with_one_json_summary(capsys):
    code, out, err = run(capsys, *QUICK, "--format", "json")
    assert code == 0 and err == ""
    lines = [json.loads(line) for line in out.splitlines()]
    summary = lines[-1]
    assert {"charge_points", "connectors", "steps", "energy_wh", "withheld_wh", "peak_w"} <= set(summary)
    assert (summary["charge_points"], summary["connectors"], summary["steps"]) == (6, 12, 12 * 72)
    series = lines[:-1]
    assert len(series) == 72 and series[0]["at"] == "2026-01-08T16:30:05Z"
    assert sum(row["energy_wh"] for row in series) == pytest.approx(summary["energy_wh"])
    assert max(row["power_w"] for row in series) == summary["peak_w"] > 0


def test_workers_give_the_same_output_as_one_process(capsys):
    _, alone, _ = run(capsys, *QUICK, "--format", "json")
    code, pooled, _ = run(capsys, *QUICK, "--format", "json", "--workers", "2", "--shard-size", "2")
    assert code == 0 and pooled == alone


def test_the_quick_form_plots_against_a_site_limit(capsys, tmp_path):
    plot = tmp_path / "power.svg"
    code, out, _ = run(capsys, *QUICK, "--site-limit", "20000", "--plot", str(plot))
    assert code == 0 and "above the site limit of 20.0 kW" in out
    assert 'class="site-limit"' in plot.read_text(encoding="utf-8")


def test_csv_is_the_series_and_text_a_summary(capsys):
    code, out, _ = run(capsys, *QUICK, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 72
    assert list(rows[0]) == ["at", "power_w", "energy_wh", "withheld_wh", "sessions"]
    code, out, _ = run(capsys, *QUICK)
    assert code == 0
    assert out.startswith("6 charge points (12 connectors), 72 steps of 300 s from 2026-01-08T16:30:05Z")
    assert "delivered" in out and "withheld by OCPP limits" in out


def test_a_spec_file_with_a_site_limit_plots_power_against_it(capsys, tmp_path):
    (tmp_path / "station.json").write_text(EVENING.read_text(encoding="utf-8"))
    spec = {
        "start": "2026-01-08T12:00:00Z", "hours": 12, "intervalS": 600, "seed": 1, "siteLimitW": 30_000,
        "chargePoints": [
            {"name": "depot", "count": 3, "from": "station.json", "variation": {"limitScale": [0.5, 1.0]}},
            {"from": {"config": {"connectorCount": 1}, "events": []}, "policy": {"energyCapKwh": 2},
             "sessions": [{"connectorId": 1, "arrivalS": 0, "energyWh": 9_000, "stepWh": [500, 500]}]},
        ],
    }  # fmt: skip
    (tmp_path / "fleet.json").write_text(json.dumps(spec))
    plot, points = tmp_path / "power.svg", tmp_path / "points.jsonl"
    code, out, _ = run(
        capsys, "fleet", str(tmp_path / "fleet.json"), "--plot", str(plot), "--charge-points-out", str(points)
    )
    assert code == 0
    assert "above the site limit of 30.0 kW" in out
    svg = ET.fromstring(plot.read_text(encoding="utf-8"))
    classes = {element.get("class") for element in svg.iter()}
    assert {"power", "site-limit"} <= classes
    summaries = [json.loads(line) for line in points.read_text(encoding="utf-8").splitlines()]
    assert [s["name"] for s in summaries] == ["depot#1", "depot#2", "depot#3", ""]
    assert summaries[-1]["energy_uwh"] == 2_000 * 1_000_000  # the local policy's cap (R35)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["fleet"], "give a fleet spec (SPEC.json) or --from SCRIPT.json"),
        (["fleet", "--from", str(EVENING), "--hours", "1"], "--from needs --charge-points"),
        ([*QUICK[:-2], "--seed", "1", "--hours", "0"], "--hours must be a positive number"),
        ([*QUICK, "--workers", "0"], "--workers must be 1 or more"),
        ([*QUICK, "--shard-size", "0"], "--shard-size must be 1 or more"),
    ],
)
def test_usage_errors_are_one_line(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("smartcharge fleet: ") and message in err and err.count("\n") == 1


def test_a_bad_spec_names_the_field(capsys, tmp_path):
    spec = tmp_path / "fleet.json"
    session = {"connectorId": 1, "arrivalS": 0, "energyWh": -5, "stepWh": [1, 2]}
    document = {"start": "2026-01-08T00:00:00Z", "hours": 1, "intervalS": 60, "chargePoints": []}
    document["chargePoints"] = [{"from": str(EVENING), "sessions": [session]}]
    spec.write_text(json.dumps(document))
    code, _, err = run(capsys, "fleet", str(spec), "--quiet")
    assert code == 2
    assert "chargePoints[0].sessions[0].energyWh" in err


def test_the_progress_bar_says_charge_points_rate_and_time_left():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    show = _fleet_progress(stream, 4, 400)
    assert show is not None
    show(4, 400)
    text = stream.getvalue()
    assert "4/4 charge points" in text and "steps/s" in text and "left" in text and text.endswith("\n")
    assert _fleet_progress(io.StringIO(), 4, 400) is None  # not a terminal: no bar
