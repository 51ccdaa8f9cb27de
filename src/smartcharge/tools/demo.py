"""The bundled demo: OCPP limiting a session, then the local policy taking over (``smartcharge demo``).

A charge point gets a TxDefaultProfile of 7 kW for 30 minutes, then 11 kW; a session starts at 10:00 with meter
values every 90 s, and the profile limits the steps. At 11:00 the central system clears the profile, and the
local policy (energy cap 10 kWh) decides until it stops the session at its cap. The output is deterministic: the
proposed steps come from a seeded generator. This module only strings public functions together and formats.
"""

from __future__ import annotations

import json
import random
from datetime import timedelta
from importlib import resources
from typing import Any

from smartcharge.charging.simulation import SimulationResult, policy_from_document, simulate_session
from smartcharge.documents.replay import replay_script
from smartcharge.engine.composite import composite_schedule
from smartcharge.ocpp16.handlers import handle_clear_charging_profile
from smartcharge.tools.render import schedule_table, terminal_chart

__all__ = ["example_document", "run_demo"]

INTERVAL_S = 90
SEED = 2026


def example_document(name: str) -> Any:
    """A JSON document bundled in `smartcharge/examples`."""
    return json.loads(resources.files("smartcharge.tools.examples").joinpath(name).read_text(encoding="utf-8"))


def _step_lines(result: SimulationResult) -> list[str]:
    return [
        f"{step.at:%H:%M:%S}  {step.decision.log[0]}  [total {step.delivered_wh / 1000:.2f} kWh]"
        for step in result.steps
    ]


def run_demo() -> list[str]:
    """The demo's output lines."""
    replayed = replay_script(example_document("demo.json"))
    state = replayed.state
    transaction = state.transactions[0]
    start, connector = transaction.start, transaction.outlet_id
    policy, environment = policy_from_document(example_document("demo-policy.json"))
    generator = random.Random(SEED)

    def proposals() -> Any:
        while True:
            yield float(generator.randint(220, 300))

    steps = proposals()
    lines = [
        "smartcharge demo: TxDefaultProfile 7 kW for 30 min, then 11 kW; meter values every 90 s",
        f"Session {transaction.transaction_id} on connector {connector} starts {start:%Y-%m-%d %H:%M}Z",
        "",
    ]
    ocpp = simulate_session(state, connector, start, 3600, INTERVAL_S, steps, policy=policy, environment=environment)
    lines += _step_lines(ocpp)
    cleared_at = start + timedelta(hours=1)
    state, response = handle_clear_charging_profile(state, {"id": 1}, cleared_at)
    lines += ["", f"{cleared_at:%H:%M:%S}  ClearChargingProfile id=1 -> {response['status']}", ""]
    legacy = simulate_session(
        state,
        connector,
        cleared_at,
        4 * 3600,
        INTERVAL_S,
        steps,
        policy=policy,
        environment=environment,
        delivered_wh=ocpp.delivered_wh,
    )
    lines += _step_lines(legacy)
    lines += [
        "",
        "Summary",
        f"  energy delivered:          {legacy.delivered_wh / 1000:.2f} kWh",
        f"  withheld by OCPP limits:   {ocpp.withheld_by_ocpp_wh / 1000:.2f} kWh",
        f"  steps decided by OCPP:     {ocpp.decided_by.get('ocpp', 0)}",
        f"  steps decided by policy:   {legacy.decided_by.get('legacy', 0)}",
        f"  stopped because:           {legacy.stop_reason or 'the session ran to its end'}",
        "",
        f"Composite schedule of connector {connector} for the first hour (GetCompositeSchedule, W):",
    ]
    schedule = composite_schedule(replayed.state, connector, start, 3600, "W")
    return [*lines, *schedule_table(schedule).splitlines(), "", *terminal_chart(schedule).splitlines()]
