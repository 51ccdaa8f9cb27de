"""Profile effectiveness analytics: what bound each step, the step log, `analyze` and ``smartcharge analyze``.

Properties (Hypothesis) on logs of random charge points simulated with the station balancer: the withheld energy
of the binders adds up to the total, delivered never exceeds requested, a profile that does not limit never lowers
the peak, and the analysis of a log is the merge of the analyses of any two parts of it.
"""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from builders import T0, installed, profile
from hypothesis import given
from hypothesis import strategies as st

from smartcharge import ChargePointState, start_transaction
from smartcharge.charging.analysis import Analysis, analyze, without_limits
from smartcharge.charging.fleet import MICRO_WH_PER_WH, ChargePointGroup, FleetSpec, SessionPattern, simulate_part
from smartcharge.charging.simulation import proposed_steps, simulate_station
from smartcharge.charging.step import meter_step
from smartcharge.charging.step_record import Bound, BoundKind, StepRecord
from smartcharge.documents.step_log import FleetPartLog, StepLogError, StepLogWriter, read_step_log
from smartcharge.engine.composite import limit_at
from smartcharge.engine.instants import to_epoch
from smartcharge.engine.store import clear_profiles
from smartcharge.errors import InvalidArgumentError
from smartcharge.fleet import simulate_fleet
from smartcharge.strategies import BASE, charge_point_states
from smartcharge.tools.analytics import report_json
from smartcharge.tools.cli import main


def log_of(state: ChargePointState, start: datetime, steps: int, interval: int, low: float, high: float) -> str:
    """A step log of every outlet of `state` with a transaction charging for `steps` steps, as text."""
    outlets = [t.outlet_id for t in state.transactions]
    proposals = {c: proposed_steps(low, high, c) for c in outlets}
    results = simulate_station(state, outlets, start, steps * interval, interval, proposals)
    stream = io.StringIO()
    writer = StepLogWriter(stream)
    records = [
        StepRecord(to_epoch(s.at), "cp", c, state.transaction_on(c).transaction_id, interval,  # type: ignore[union-attr]
                   s.base_step_wh, s.decision.energy_wh, s.decision.limit_w, s.decision.share_w, s.decision.bound)
        for c, result in results.items() for s in result.steps
    ]  # fmt: skip
    for record in sorted(records, key=lambda r: (r.at, r.outlet_id)):
        writer.write("cp", state, record)
    return stream.getvalue()


@st.composite
def logs(draw: st.DrawFn) -> str:
    state = draw(charge_point_states(max_outlets=3, max_profiles=5))
    if not state.transactions:
        state = start_transaction(state, 1, 999, BASE)
    start = BASE + timedelta(seconds=draw(st.integers(0, 2 * 86_400)))
    low = draw(st.floats(0, 3000))
    high = draw(st.floats(low, 3000))
    return log_of(state, start, draw(st.integers(1, 12)), draw(st.sampled_from([60, 300, 900])), low, high)


def parts(text: str, k: int) -> tuple[list[str], list[str]]:
    """The log `text` cut before its k-th record; the second part starts with its own header and the state each
    charge point had there (as a shard of a fleet, or the next file of a rotated log, would)."""
    header, *lines = text.splitlines()
    first, second = lines[:k], lines[k:]
    states = {}
    for line in first:
        document = json.loads(line)
        if "state" in document:
            states[document["chargePoint"]] = line
    return [header, *first], [header, *states.values(), *second]


@given(logs(), st.data())
def test_the_analysis_of_a_log_is_the_merge_of_the_analyses_of_its_parts(text: str, data: st.DataObject) -> None:
    k = data.draw(st.integers(0, len(text.splitlines()) - 1))
    first, second = parts(text, k)
    whole = analyze(read_step_log(text.splitlines()))
    merged = analyze(read_step_log(first)).merge(analyze(read_step_log(second)))
    assert merged == whole
    assert analyze(read_step_log(second)).merge(analyze(read_step_log(first))) == whole
    assert Analysis().merge(whole) == whole


@given(logs())
def test_withheld_adds_up_delivered_never_exceeds_requested_and_no_limit_never_lowers_the_peak(text: str) -> None:
    records = list(read_step_log(text.splitlines()))
    steps = [r for r in records if isinstance(r, StepRecord)]
    assert all(r.delivered_wh <= r.requested_wh for r in steps)
    analysis = analyze(records)
    assert sum(t.withheld_uwh for t in analysis.bound.values()) == analysis.withheld_uwh
    report = report_json(analysis)
    assert sum(p["withheld_uwh"] for p in report["profiles"]) == report["withheld_uwh"]
    nothing = analysis.bound.get(Bound(BoundKind.NONE))
    assert nothing is None or nothing.withheld_uwh == 0
    peak, _ = analysis.peak()
    for profile_bound, extra in analysis.without.items():
        assert all(v >= 0 for v in extra.values()), profile_bound
        assert analysis.peak(extra)[0] >= peak


def test_a_profile_that_does_not_limit_is_not_a_removed_one() -> None:
    """The docs' counter-example: TxDefault 10 kW at stack level 1 over 5 kW at stack level 0. Removed, the 5 kW
    governs (lower); not limiting, it still overrides the 5 kW one (the hardware maximum governs)."""
    high = profile(1, stack=1, unit="W", periods=((0, 10_000.0),))
    low = profile(2, stack=0, unit="W", periods=((0, 5_000.0),))
    state = installed(None, (0, high), (0, low))
    state = start_transaction(state, 1, 7, T0)
    assert limit_at(state, 1, T0).value == 10_000
    removed = clear_profiles(state, id=1).state
    assert limit_at(removed, 1, T0).value == 5_000
    unlimited = without_limits(state, Bound(BoundKind.PROFILE, 1, "TxDefaultProfile", 1, 0))
    assert limit_at(unlimited, 1, T0).value >= 22_080


def test_a_step_names_the_profile_that_bound_it_the_balancer_or_the_local_policy() -> None:
    cap = profile(1, purpose="ChargePointMaxProfile", periods=((0, 20.0),))
    default = profile(2, stack=3, unit="W", periods=((0, 7_000.0),))
    state = start_transaction(installed(None, (0, cap), (0, default)), 1, 7, T0)
    decision = meter_step(state, 1, T0, 60, 500.0)
    assert decision.bound == Bound(BoundKind.PROFILE, 2, "TxDefaultProfile", 3, 0)
    assert meter_step(state, 1, T0, 60, 50.0).bound.kind is BoundKind.NONE
    assert meter_step(state, 1, T0, 60, 500.0, share_w=3_000.0).bound == Bound(BoundKind.BALANCER)
    tight_cap = profile(1, purpose="ChargePointMaxProfile", periods=((0, 6.0),))
    tight = start_transaction(installed(None, (0, tight_cap), (0, default)), 1, 7, T0)
    assert meter_step(tight, 1, T0, 60, 500.0).bound.profile_id == 1  # 6 A x 230 V x 3 = 4140 W < 7000 W
    from smartcharge import LocalPolicy

    bare = start_transaction(ChargePointState(state.config), 1, 7, T0)
    assert meter_step(bare, 1, T0, 60, 500.0, policy=LocalPolicy(energy_cap_kwh=1)).bound.kind is BoundKind.LOCAL_POLICY
    assert meter_step(bare, 1, T0, 60, 500.0).bound.kind is BoundKind.NONE


def test_the_fleet_log_adds_up_to_the_fleet_totals_and_analyses_shard_by_shard(tmp_path: Path) -> None:
    """Each part writes its own log; the merged analyses deliver exactly the fleet's energy (both count each step
    in whole µWh) and withhold what its OCPP limits withheld (to a µWh a step)."""
    evening = Path(__file__).parent.parent / "docs" / "examples" / "evening.json"
    from smartcharge.tools.cli import load_station

    state = load_station(str(evening))
    sessions = SessionPattern((0, 3_600), (3_600, 10_800), power_w=(9_000, 20_000))
    group = ChargePointGroup(state, count=5, sessions=sessions)
    spec = FleetSpec(datetime(2026, 1, 8, 15, tzinfo=timezone.utc), 6 * 3_600, 300, [group], seed=3)
    task = FleetPartLog(str(tmp_path / "fleet.jsonl"))
    totals = simulate_fleet(spec, shard_size=2, task=task)
    files = sorted(tmp_path.glob("fleet.jsonl.part*"))
    assert [f.name[-6:] for f in files] == ["000000", "000002", "000004"]
    analyses = [analyze(read_step_log(f.read_text(encoding="utf-8").splitlines())) for f in files]
    merged = analyses[0].merge(analyses[1]).merge(analyses[2])
    assert merged.delivered_uwh == sum(totals.energy_uwh)
    ocpp = sum(t.withheld_uwh for b, t in merged.bound.items() if b.kind in (BoundKind.PROFILE, BoundKind.BALANCER))
    assert abs(ocpp - sum(totals.withheld_uwh)) <= merged.steps
    assert simulate_part(spec.part(0, 5)) == totals  # logging changes nothing
    assert merged.steps == totals.charging_steps
    assert any(b.kind is BoundKind.PROFILE for b in merged.bound) and MICRO_WH_PER_WH == 1_000_000


def test_a_bad_log_is_refused_naming_the_line_and_field() -> None:
    with pytest.raises(StepLogError, match="line 1: not a step log"):
        list(read_step_log(['{"format": "other"}']))
    header = '{"format": "smartcharge-steps", "version": 1}'
    with pytest.raises(StepLogError, match="line 2: requestedWh must be a number"):
        list(read_step_log([header, '{"at": "2026-01-08T09:00:00Z", "requestedWh": "x"}']))
    with pytest.raises(StepLogError, match="empty"):
        list(read_step_log([]))
    step = {"at": "2026-01-08T09:00:00Z", "chargePoint": "cp", "connector": 1, "transaction": 1, "intervalS": 60}
    step.update({"requestedWh": 1.0, "deliveredWh": 1.0, "limitW": 100.0, "shareW": None, "bound": {"kind": "none"}})
    with pytest.raises(InvalidArgumentError, match="before its first state line"):
        analyze(read_step_log([header, json.dumps(step)]))
    with pytest.raises(StepLogError, match=r"bound\.kind must be one of"):
        list(read_step_log([header, json.dumps({**step, "bound": {"kind": "x"}})]))
    with pytest.raises(InvalidArgumentError, match="other must be an Analysis"):
        Analysis().merge("x")  # type: ignore[arg-type]
    assert isinstance(next(read_step_log([header, json.dumps({**step, "limitW": None})])), StepRecord)


def test_the_commands_write_logs_that_analyze_reads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    evening = str(Path(__file__).parent.parent / "docs" / "examples" / "evening.json")
    log = str(tmp_path / "sim.jsonl")
    assert main(["simulate", evening, "--connector", "1,2", "--start", "2026-01-08T16:00:00Z", "--duration", "7200",
                 "--interval", "300", "--base-step", "600..1000", "--log", log]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["analyze", log, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["steps"] == 48 and report["withheld_wh"] > 0
    assert sum(p["withheld_uwh"] for p in report["profiles"]) == report["withheld_uwh"]
    assert all(s["stop_reason"] == "end of simulation" and s["duration_s"] == 7200 for s in report["sessions"])
    assert main(["analyze", log]) == 0
    assert "bound by" in capsys.readouterr().out
    fleet = str(tmp_path / "fleet.jsonl")
    assert main(["fleet", "--from", evening, "--charge-points", "3", "--hours", "2", "--interval", "300",
                 "--start", "2026-01-08T16:00:00Z", "--quiet", "--log", fleet, "--format", "json"]) == 0  # fmt: skip
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    parts_ = sorted(str(p) for p in tmp_path.glob("fleet.jsonl.part*"))
    html = str(tmp_path / "report.html")
    assert main(["analyze", *parts_, "--format", "html", "--output", html]) == 0
    page = Path(html).read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "http://" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")  # fmt: skip
    for figure in ("withheld-chart", "power-chart", "stack-chart"):
        assert f'id="{figure}"' in page
    assert main(["analyze", *parts_, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["delivered_wh"] == pytest.approx(summary["energy_wh"], abs=1e-3)
    assert main(["analyze", str(tmp_path / "missing.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err
