"""Fleet specs: the document read into a `FleetSpec`, and every bad spec refused with a clear error that names the
field at fault, in the document (`FleetSpecError`) and in the Python API (`InvalidArgumentError`)."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from smartcharge import ChargePointConfig, ChargePointState
from smartcharge.charging.fleet import ChargePointGroup, FleetSpec, Session, SessionPattern, Variation
from smartcharge.documents.fleet_document import FleetSpecError, fleet_spec_from_json, load_fleet_spec
from smartcharge.errors import InvalidArgumentError

EVENING = Path(__file__).resolve().parent.parent / "docs" / "examples" / "evening.json"
GOOD = {
    "start": "2026-01-08T00:00:00Z",
    "hours": 2,
    "intervalS": 60,
    "seed": 4,
    "siteLimitW": 40_000,
    "chargePoints": [
        {"name": "a", "count": 3, "from": str(EVENING), "variation": {"limitScale": [0.9, 1.1]},
         "sessions": {"gapS": [0, 600], "dwellS": [600, 3_600], "energyWh": [1_000, 9_000], "powerW": [3_700, 7_400]}},
        {"from": {"config": {"connectorCount": 2}, "events": []}, "policy": {"energyCapKwh": 3},
         "sessions": [{"connectorId": 2, "arrivalS": 60, "energyWh": 2_000, "stepWh": [50, 90], "departureS": 3_000},
                      {"evseId": 2, "arrivalS": 3_000, "energyWh": 500.5, "stepWh": [50, 50]}]},
    ],
}  # fmt: skip


def test_a_spec_is_read_into_the_model():
    spec = fleet_spec_from_json(GOOD)
    assert (spec.start, spec.duration_s, spec.interval_s, spec.seed) == (
        datetime(2026, 1, 8, tzinfo=timezone.utc),
        7_200,
        60,
        4,
    )
    assert spec.site_limit_w == 40_000 and spec.charge_points == 4 and spec.outlets == 8 and spec.intervals == 120
    first, second = spec.groups
    assert first.sessions == SessionPattern((0, 600), (600, 3_600), (1_000.0, 9_000.0), (3_700.0, 7_400.0))
    assert first.variation == Variation((0.9, 1.1)) and first.state.transactions == ()  # the script's session left out
    assert second.sessions == (Session(2, 60, 2_000.0, (50.0, 90.0), 3_000), Session(2, 3_000, 500.5, (50.0, 50.0)))
    assert second.policy == {"energyCapKwh": 3}


def test_load_fleet_spec_reads_paths_relative_to_the_spec(tmp_path):
    (tmp_path / "cp.json").write_text(EVENING.read_text(encoding="utf-8"))
    document = copy.deepcopy(GOOD)
    document["chargePoints"][0]["from"] = "cp.json"
    (tmp_path / "fleet.json").write_text(json.dumps(document))
    assert load_fleet_spec(tmp_path / "fleet.json") == fleet_spec_from_json(GOOD)


def changed(path: tuple[object, ...], value: object) -> dict:
    """GOOD with the field at `path` set to `value` (a `None` value removes it)."""
    document = copy.deepcopy(GOOD)
    target = document
    for key in path[:-1]:
        target = target[key]
    if value is None:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return document


@pytest.mark.parametrize(
    ("path", "value", "names"),
    [
        (("start",), "yesterday", "start"),
        (("start",), None, "start"),
        (("intervalS",), 0, "intervalS"),
        (("intervalS",), 1.5, "intervalS"),
        (("hours",), -1, "hours"),
        (("durationS",), 60, "durationS"),
        (("seed",), "x", "seed"),
        (("siteLimitW",), -1, "siteLimitW"),
        (("colour",), "red", "colour"),
        (("chargePoints",), [], "chargePoints"),
        (("chargePoints", 0, "count"), 0, "chargePoints[0].count"),
        (("chargePoints", 0, "from"), None, "chargePoints[0].from"),
        (("chargePoints", 0, "from"), "missing.json", "chargePoints[0].from"),
        (("chargePoints", 0, "from"), {"events": "no"}, "chargePoints[0].from"),
        (("chargePoints", 0, "sessions", "dwellS"), [600, 60], "chargePoints[0].sessions.dwellS"),
        (("chargePoints", 0, "sessions", "powerW"), [1], "chargePoints[0].sessions.powerW"),
        (("chargePoints", 0, "sessions", "speed"), 3, "chargePoints[0].sessions"),
        (("chargePoints", 0, "variation", "limitScale"), [-1, 1], "chargePoints[0].variation.limitScale"),
        (("chargePoints", 1, "policy"), {"energyCapKwh": -1}, "chargePoints[1].policy"),
        (("chargePoints", 1, "sessions", 0, "energyWh"), -5, "chargePoints[1].sessions[0].energyWh"),
        (("chargePoints", 1, "sessions", 0, "stepWh"), [90, 50], "chargePoints[1].sessions[0].stepWh"),
        (("chargePoints", 1, "sessions", 0, "connectorId"), 3, "chargePoints[1].sessions[0]"),
        (("chargePoints", 1, "sessions", 0, "departureS"), 60, "chargePoints[1].sessions[0].departureS"),
        (("chargePoints", 1, "sessions", 0, "departureS"), 3_600, "chargePoints[1].sessions[1] arrives"),
        (("chargePoints", 1, "sessions", 1, "arrivalS"), None, "chargePoints[1].sessions[1].arrivalS"),
    ],
)
def test_a_bad_spec_names_the_field(path, value, names):
    with pytest.raises(FleetSpecError) as caught:
        fleet_spec_from_json(changed(path, value))
    assert names in str(caught.value), str(caught.value)


def test_the_python_api_names_the_argument():
    state = ChargePointState(ChargePointConfig(outlet_count=1))
    start = datetime(2026, 1, 8, tzinfo=timezone.utc)
    cases = [
        (lambda: Session(0, 0, 1.0, (1, 1)), "Session.outlet_id"),
        (lambda: Session(1, 0, 0.0, (1, 1)), "Session.energy_wh"),
        (lambda: Session(1, 0, 1.0, (2, 1)), "Session.step_wh"),
        (lambda: SessionPattern(dwell_s=(0, 10)), "SessionPattern.dwell_s"),
        (lambda: Variation((1, float("inf"))), "Variation.limit_scale"),
        (lambda: ChargePointGroup(state, count=0), "ChargePointGroup.count"),
        (lambda: ChargePointGroup(state, policy={"nope": 1}), "unknown policy keys"),
        (lambda: ChargePointGroup(state, sessions=[Session(2, 0, 1.0, (1, 1))]), "sessions[0].outlet_id"),
        (lambda: FleetSpec(start, 0, 60, [ChargePointGroup(state)]), "FleetSpec.duration_s"),
        (lambda: FleetSpec(start, 60, 60, []), "FleetSpec.groups"),
        (lambda: FleetSpec(start, 60, 60, [ChargePointGroup(state)], seed=1.5), "FleetSpec.seed"),
        (lambda: FleetSpec(start, 60, 60, [ChargePointGroup(state)]).part(0, 2), "a part must be"),
    ]
    for build, name in cases:
        with pytest.raises(InvalidArgumentError, match=name.replace("[", r"\[").replace("]", r"\]")):
            build()
