"""The rules engine: what OCPP says a charging profile is and what limit the installed profiles give.

Protocol-neutral: an outlet id where 0 is the whole charge point (an OCPP 1.6 connector, an OCPP 2.0.1 EVSE),
purposes by their role (cap, default, transaction, external cap), transaction ids as str or int.

- `model`: the profile and its parts as frozen values, validated on construction; the configuration.
- `instants`: aware datetimes in, epoch seconds inside (R5).
- `units`: A <-> W (R3).
- `store`: the charge point's state and the install / replace / clear / transaction rules (R6-R20).
- `timeline`: where one profile applies in time (R21-R23).
- `composite`: the evaluation API: `limit_at`, `limit_span`, `composite_schedule` (R21-R31), and `next_change`
  from `next_change`.
- `limits`: the answers (`Limit`, `LimitSource`, `CompositeSchedule`) and OCPP's rounding (R31).
- `window`: the GetCompositeSchedule windows the protocol adapters answer (R29, D13).
- `combine`: how governing periods make one limit, and the whole charge point's sum (R25-R27).
- `_compiled`: a state compiled for evaluation, what governs at an instant (R24, R25, D8-D10); `_sweep`: the
  spans of a window.

This package imports nothing else of smartcharge but `smartcharge.errors` and `smartcharge._cache` (where every
cache lives): no protocol adapter, no charging loop, no tool.
"""
