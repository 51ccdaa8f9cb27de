"""Pictures: the stack SVG of `render.stack_svg` (a self-contained document that parses as XML, with lanes, a time
axis with clock times and a legend), and the text forms of a limit and an explanation."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path

import pytest

from smartcharge import limit_at, replay_script
from smartcharge.tools.demo import example_document
from smartcharge.tools.explain import explain
from smartcharge.tools.render import explanation_text, limit_text, stack_svg

SVG = "{http://www.w3.org/2000/svg}"
EVENING = Path(__file__).parent.parent / "docs" / "examples" / "evening.json"


def utc(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 1, 8, hour, minute, tzinfo=timezone.utc)


def texts(root: ET.Element, cls: str) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text") if t.get("class") == cls]


@pytest.fixture(scope="module")
def demo_state():
    return replay_script(example_document("demo.json")).state


@pytest.fixture(scope="module")
def evening_state():
    import json

    return replay_script(json.loads(EVENING.read_text())).state


def test_demo_svg_parses_with_lanes_clock_axis_and_legend(demo_state):
    svg = stack_svg(explain(demo_state, 1, utc(9, 30), 7200, "W"))
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    lanes = [g for g in root.iter(f"{SVG}g") if "lane" in (g.get("class") or "").split()]
    assert [g.get("data-lane") for g in lanes][:1] == ["composite"]  # the composite on top
    assert [g.get("data-purpose") for g in lanes[1:]] == ["TxDefaultProfile"]
    assert texts(root, "lane-label") == ["Composite schedule", "TxDefaultProfile 1"]
    assert texts(root, "tick") == ["09:30", "09:45", "10:00", "10:15", "10:30", "10:45", "11:00", "11:15", "11:30"]
    assert {"7 kW", "11 kW"} <= set(texts(root, "limit"))  # each period labelled with its unit
    assert {"TxDefaultProfile", "composite limit", "sets the limit", "overridden"} <= set(texts(root, "legend-item"))
    assert "<script" not in svg and 'href="http' not in svg  # self-contained


def test_evening_svg_has_one_lane_per_purpose_and_stack_level_highest_first(evening_state):
    root = ET.fromstring(stack_svg(explain(evening_state, 1, utc(16), 6 * 3600)))
    lanes = [
        (g.get("data-purpose"), g.get("data-stack-level"), g.get("data-connector"))
        for g in root.iter(f"{SVG}g")
        if g.get("data-purpose")
    ]
    assert lanes == [
        ("ChargePointMaxProfile", "0", "0"),
        ("TxProfile", "0", "1"),
        ("TxDefaultProfile", "1", "0"),
        ("TxDefaultProfile", "0", "0"),
    ]
    hatched = [r for r in root.iter(f"{SVG}rect") if (r.get("fill") or "").startswith("url(#hatch-default")]
    assert hatched  # profile 2 is drawn overridden where the TxProfile and profile 3 govern


def test_svg_of_connector_0_lists_each_connectors_profiles(evening_state):
    root = ET.fromstring(stack_svg(explain(evening_state, 0, utc(16), 3600, "W")))
    assert "Profile stack of the whole charge point" in (root.find(f"{SVG}title").text or "")
    assert len([g for g in root.iter(f"{SVG}g") if g.get("data-purpose") == "TxDefaultProfile"]) == 2


def test_svg_escapes_and_handles_an_empty_window(demo_state):
    root = ET.fromstring(stack_svg(explain(demo_state, 1, utc(0), 0)))
    assert any("no profile covers" in (t.text or "") for t in root.iter(f"{SVG}text"))


def test_explanation_text_names_who_sets_the_limit_who_caps_and_who_is_overridden(evening_state):
    text = explanation_text(explain(evening_state, 1, utc(18), 3600))
    assert text.splitlines() == [
        "Connector 1 from 2026-01-08T18:00:00Z to 2026-01-08T19:00:00Z, limits in A (hardware maximum 32 A)",
        "",
        "18:00:00Z - 19:00:00Z  16 A on 3 phases",
        "  sets the limit    TxDefaultProfile 3 (stack level 1, on connector 0): 16 A, 3 phases: the limit (R24, R25)",
        "  caps, not binding ChargePointMaxProfile 1 (stack level 0, on connector 0): 20 A, 3 phases: above the Tx "
        "limit (R25)",
        "  overridden        TxDefaultProfile 2 (stack level 0, on connector 0): 11 kW, 3 phases: by profile 3: stack "
        "level 0 is below 1 (R24)",
    ]


def test_a_transaction_profile_under_a_lower_cap_reads_capped_and_the_cap_sets_the_limit(evening_state):
    text = explanation_text(explain(evening_state, 1, utc(17, 30), 60))
    assert "  sets the limit    ChargePointMaxProfile 1 (stack level 0, on connector 0): 20 A" in text
    assert "  capped            TxProfile 4 (stack level 0, on connector 1): 24 A, 3 phases: a cap is lower" in text
    assert "governs" not in text and "binds" not in text


def test_the_legend_names_the_three_fills_in_plain_words(evening_state):
    root = ET.fromstring(stack_svg(explain(evening_state, 1, utc(16), 6 * 3600)))
    legend = texts(root, "legend-item")
    assert {"sets the limit", "caps or capped, not binding", "overridden"} <= set(legend)
    assert not [item for item in legend if "governs" in item or "binds" in item]


def test_limit_text_lists_the_sources(evening_state):
    at = utc(17, 15)
    assert limit_text(limit_at(evening_state, 1, at, "A"), 1, at).splitlines() == [
        "Connector 1 at 2026-01-08T17:15:00Z: 20 A on 3 phases",
        "  ChargePointMaxProfile 1 (stack level 0, on connector 0): 20 A, 3 phases",
        "  TxProfile 4 (stack level 0, on connector 1): 24 A, 3 phases",
    ]


def test_the_picture_in_the_docs_is_the_current_rendering(evening_state):
    """docs/examples/evening.svg is what `smartcharge explain ... --format svg` draws today (regenerate it with
    that command when the drawing changes)."""
    drawn = stack_svg(explain(evening_state, 1, utc(16), 6 * 3600))
    assert (EVENING.parent / "evening.svg").read_text(encoding="utf-8") == drawn + "\n"


# --- the words of an OCPP version -------------------------------------------------------------------------------


def test_render_speaks_the_words_of_the_ocpp_version(evening_state):
    limit = limit_at(evening_state, 1, utc(17, 15), "A")
    assert limit_text(limit, 1, utc(17, 15)) == limit_text(limit, 1, utc(17, 15), ocpp_version="1.6")
    assert limit_text(limit, 1, utc(17, 15), ocpp_version="2.0.1").splitlines()[:2] == [
        "EVSE 1 at 2026-01-08T17:15:00Z: 20 A on 3 phases",
        "  ChargePointMaxProfile 1 (stack level 0, on EVSE 0): 20 A, 3 phases",
    ]
    assert limit_text(limit, 1, utc(17, 15), dc=True).splitlines()[0] == "Connector 1 at 2026-01-08T17:15:00Z: 20 A DC"
    explanation = explain(evening_state, 0, utc(16), 3600)
    assert explanation_text(explanation, ocpp_version="2.0.1").startswith("EVSE 0 from 2026-01-08T16:00:00Z")
    root = ET.fromstring(stack_svg(explanation, ocpp_version="2.0.1"))
    title = root.find(f"{SVG}title")
    assert title is not None and title.text is not None
    assert title.text.startswith("Profile stack of the whole charging station")


@pytest.mark.parametrize("version", ["2.0", "1.6.0", 16, None])
def test_render_refuses_an_unknown_ocpp_version(evening_state, version):
    from smartcharge import InvalidArgumentError, composite_schedule
    from smartcharge.tools.render import schedule_table

    limit = limit_at(evening_state, 1, utc(17))
    explanation = explain(evening_state, 1, utc(17), 60)
    calls = [
        lambda: limit_text(limit, 1, utc(17), ocpp_version=version),
        lambda: explanation_text(explanation, ocpp_version=version),
        lambda: stack_svg(explanation, ocpp_version=version),
        lambda: schedule_table(composite_schedule(evening_state, 1, utc(17), 60), ocpp_version=version),
        lambda: explanation.to_json(version),
    ]
    for call in calls:
        with pytest.raises(InvalidArgumentError, match="ocpp_version"):
            call()
