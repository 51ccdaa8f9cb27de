"""The sans-IO OCPP 2.0.1 smart-charging layer (Part 2 block K, SPEC-201): its charging profile purposes
(`purposes`), payloads read against the official JSON schemas and converted to the engine's model (`codec`, with
the schemas in `schemas/`), the rules that decide whether a profile may be installed (`rules`), the handlers of the
CSMS's CALLs (`handlers`) and the station's own external constraints (`external`).

Everything here works on decoded JSON (dicts, lists, strings, numbers) and `ChargePointState` values; framing,
message ids and transport belong to the embedding application (e.g. the `ocpp` package). The core modules never
import this package.
"""

from smartcharge.ocpp201.codec import ReceivedProfile, profile_to_ocpp, read_profile
from smartcharge.ocpp201.external import (
    EXTERNAL_SOURCES,
    external_limit,
    release_external_constraints,
    set_external_constraints,
)
from smartcharge.ocpp201.handlers import (
    OutgoingMessage,
    composite_schedule_answer,
    handle_clear_charging_profile,
    handle_get_charging_profiles,
    handle_get_composite_schedule,
    handle_request_start_transaction,
    handle_request_stop_transaction,
    handle_set_charging_profile,
)
from smartcharge.ocpp201.purposes import PURPOSES, ChargingProfilePurpose
from smartcharge.ocpp201.rules import ReasonCode, Refusal, judge_profile, transaction_by_id
from smartcharge.ocpp201.schema import SchemaViolation, Violation

__all__ = [
    "EXTERNAL_SOURCES",
    "PURPOSES",
    "ChargingProfilePurpose",
    "OutgoingMessage",
    "ReasonCode",
    "ReceivedProfile",
    "Refusal",
    "SchemaViolation",
    "Violation",
    "composite_schedule_answer",
    "external_limit",
    "handle_clear_charging_profile",
    "handle_get_charging_profiles",
    "handle_get_composite_schedule",
    "handle_request_start_transaction",
    "handle_request_stop_transaction",
    "handle_set_charging_profile",
    "judge_profile",
    "profile_to_ocpp",
    "read_profile",
    "release_external_constraints",
    "set_external_constraints",
    "transaction_by_id",
]
