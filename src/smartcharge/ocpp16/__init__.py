"""The sans-IO OCPP 1.6 JSON layer: payload codec (`codec`) and CALL handlers (`handlers`).

Everything here works on decoded JSON (dicts, lists, strings, numbers) and `ChargePointState` values; framing,
message ids and transport belong to the embedding application (e.g. the `ocpp` package). The core modules never
import this package.
"""

from smartcharge.ocpp16.codec import (
    config_from_ocpp,
    config_to_ocpp,
    profile_from_ocpp,
    profile_to_ocpp,
)
from smartcharge.ocpp16.handlers import (
    composite_schedule_answer,
    handle_clear_charging_profile,
    handle_get_composite_schedule,
    handle_remote_start_transaction,
    handle_remote_stop_transaction,
    handle_set_charging_profile,
)
from smartcharge.ocpp16.purposes import PURPOSES, ChargingProfilePurpose

__all__ = [
    "PURPOSES",
    "ChargingProfilePurpose",
    "composite_schedule_answer",
    "config_from_ocpp",
    "config_to_ocpp",
    "handle_clear_charging_profile",
    "handle_get_composite_schedule",
    "handle_remote_start_transaction",
    "handle_remote_stop_transaction",
    "handle_set_charging_profile",
    "profile_from_ocpp",
    "profile_to_ocpp",
]
