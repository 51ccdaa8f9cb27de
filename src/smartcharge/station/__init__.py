"""Optional glue between smartcharge and the outside world (the ``station`` extra: ``ocpp`` and ``websockets``).

- `adapter`: mixins for `ocpp` 2.x charge points (`SmartChargingV16` for ``ocpp.v16.ChargePoint``,
  `SmartChargingV201` for ``ocpp.v201.ChargePoint``) that answer the smart-charging CALLs with the sans-IO
  handlers of `smartcharge.ocpp16` and `smartcharge.ocpp201`.

Nothing in the core (engine, charging loop, adapters, documents, tools) imports this package; it imports the
core, never the other way round (an import-linter contract keeps it so).
"""

from smartcharge.station.adapter import SmartChargingV16, SmartChargingV201, ocpp_error

__all__ = ["SmartChargingV16", "SmartChargingV201", "ocpp_error"]
