"""Sessions step by step, the bundled demo, and the text pictures (SPEC R33-R35 end to end)."""

from __future__ import annotations

import pytest
from builders import T0, installed, profile

from smartcharge import ChargePointConfig, ChargePointState, composite_schedule, start_transaction
from smartcharge.charging.local_policy import LocalPolicy
from smartcharge.charging.simulation import policy_from_document, simulate_session
from smartcharge.tools.demo import run_demo
from smartcharge.tools.render import schedule_table, terminal_chart


def test_simulated_session_sums_steps_and_counts_deciders():
    state = start_transaction(installed(None, (1, profile(1, unit="W", periods=[(0, 7000.0)], start=T0))), 1, 1, T0)
    result = simulate_session(state, 1, T0, 900, 90, [250.0] * 10)
    assert len(result.steps) == 10
    assert result.delivered_wh == pytest.approx(10 * 175)
    assert result.withheld_by_ocpp_wh == pytest.approx(10 * 75)
    assert result.decided_by == {"ocpp": 10}
    assert result.stop_reason is None


def test_simulated_session_stops_at_the_policy_cap():
    result = simulate_session(
        ChargePointState(ChargePointConfig()),
        1,
        T0,
        3600,
        90,
        iter(lambda: 250.0, None),
        policy=LocalPolicy(energy_cap_kwh=1),
    )
    assert result.delivered_wh == pytest.approx(1000)
    assert result.stop_reason == "Energy cap reached (1.0/1.0 kWh)"
    assert result.steps[-1].decision.energy_wh == pytest.approx(1000 - 3 * 250)


def test_policy_document_is_read_and_checked():
    policy, environment = policy_from_document(
        {
            "energyCapKwh": 5,
            "peakHours": [[22, 6]],
            "allowPeak": True,
            "pricePerHour": [0.1 * (h % 3) for h in range(24)],
        }
    )
    assert policy.peak_hours == ((22, 6),)
    assert environment(T0).hour == 10 and environment(T0).price == pytest.approx(0.1)
    with pytest.raises(ValueError, match="unknown policy keys"):
        policy_from_document({"cap": 5})
    with pytest.raises(ValueError, match="pricePerHour"):
        policy_from_document({"pricePerHour": [1, 2]})


def test_demo_shows_ocpp_limiting_then_the_policy_stopping_at_its_cap():
    lines = run_demo()
    assert lines == run_demo()  # deterministic
    text = "\n".join(lines)
    assert "10:00:00  OCPP profile limiting charge to 7000W (step reduced from" in text
    assert "ClearChargingProfile id=1 -> Accepted" in text
    assert "Legacy policy: Energy cap reached (10.0/10.0 kWh) — stopping" in text
    assert "  energy delivered:          10.00 kWh" in lines
    assert any(line.startswith("10:30:00Z 11:00:00Z     11000.0 W") for line in lines)
    assert "█" in text


def test_table_marks_the_hardware_maximum_and_chart_scales_to_the_top():
    state = installed(None, (1, profile(1, unit="W", periods=[(0, 7000.0)], start=T0, duration=1800)))
    schedule = composite_schedule(state, 1, T0, 3600, "W")
    table = schedule_table(schedule).splitlines()
    assert table[2].split() == ["10:00:00Z", "10:30:00Z", "7000.0", "W", "3"]
    assert table[3].split() == ["10:30:00Z", "11:00:00Z", "22080.0", "W*", "3"]
    chart = terminal_chart(schedule, width=20, height=4).splitlines()
    assert chart[0].startswith("22080 W │") and chart[0].endswith("█" * 10)
    assert chart[0].count("█") == 10  # only the second half reaches the top
    with pytest.raises(ValueError):
        terminal_chart(schedule, width=5)
