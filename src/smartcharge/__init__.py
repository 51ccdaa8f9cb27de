"""smartcharge: pure-logic OCPP smart charging.

Charging profiles, the profile store with OCPP's install / replace / clear rules, stacking and purpose
precedence, composite schedules and the limit at an instant, and a sans-IO OCPP 1.6 message layer. No I/O, no
clock: time is always an argument. Everything public is re-exported here; `__all__` lists it.
"""

from smartcharge.charging.balancer import OutletDemand, allocate, station_allocation, station_allocation_schedule
from smartcharge.charging.energy import StepLimit, energy_step, max_energy_wh
from smartcharge.charging.local_policy import (
    Action,
    ChargingEnvironment,
    LocalPolicy,
    MeterDecision,
    SessionProgress,
    evaluate_meter_value_decision,
    is_peak_hour,
)
from smartcharge.charging.simulation import SimulationResult, simulate_session
from smartcharge.charging.step import Source, StepDecision, meter_step
from smartcharge.documents.persistence import PersistenceError, load_state, save_state
from smartcharge.documents.replay import ReplayResult, replay_script
from smartcharge.documents.state_document import StateDocumentError, state_from_json, state_to_json
from smartcharge.engine.composite import composite_schedule, limit_at
from smartcharge.engine.limits import CompositePeriod, CompositeSchedule, Limit, LimitSource
from smartcharge.engine.model import (
    ChargePointConfig,
    ChargingProfile,
    ChargingProfileKind,
    ChargingRateUnit,
    ChargingSchedule,
    ChargingSchedulePeriod,
    Purpose,
    PurposeRole,
    RecurrencyKind,
    Transaction,
)
from smartcharge.engine.next_change import next_change
from smartcharge.engine.store import (
    ChargePointState,
    ClearOutcome,
    ClearStatus,
    InstalledProfile,
    InstallOutcome,
    InstallStatus,
    clear_profiles,
    end_transaction,
    install_profile,
    start_transaction,
)
from smartcharge.engine.units import amps_to_watts, convert, watts_to_amps
from smartcharge.errors import (
    InvalidArgumentError,
    NaiveDatetimeError,
    OcppCallError,
    ProfileValidationError,
    ScriptError,
    SmartChargingError,
    TransactionError,
)
from smartcharge.manager import ChargingProfileManager
from smartcharge.ocpp16 import (
    ChargingProfilePurpose,
    handle_clear_charging_profile,
    handle_get_composite_schedule,
    handle_set_charging_profile,
    profile_from_ocpp,
    profile_to_ocpp,
)
from smartcharge.tools.explain import Contender, Explanation, Interval, explain
from smartcharge.tools.validate import Problem, validate_document

#: The package's version.
__version__ = "0.1.0"

__all__ = [
    "Action",
    "ChargePointConfig",
    "ChargePointState",
    "ChargingEnvironment",
    "ChargingProfile",
    "ChargingProfileKind",
    "ChargingProfileManager",
    "ChargingProfilePurpose",
    "ChargingRateUnit",
    "ChargingSchedule",
    "ChargingSchedulePeriod",
    "ClearOutcome",
    "ClearStatus",
    "CompositePeriod",
    "CompositeSchedule",
    "Contender",
    "Explanation",
    "InstallOutcome",
    "InstallStatus",
    "InstalledProfile",
    "Interval",
    "InvalidArgumentError",
    "Limit",
    "LimitSource",
    "LocalPolicy",
    "MeterDecision",
    "NaiveDatetimeError",
    "OcppCallError",
    "OutletDemand",
    "PersistenceError",
    "Problem",
    "ProfileValidationError",
    "Purpose",
    "PurposeRole",
    "RecurrencyKind",
    "ReplayResult",
    "ScriptError",
    "SessionProgress",
    "SimulationResult",
    "SmartChargingError",
    "Source",
    "StateDocumentError",
    "StepDecision",
    "StepLimit",
    "Transaction",
    "TransactionError",
    "__version__",
    "allocate",
    "amps_to_watts",
    "clear_profiles",
    "composite_schedule",
    "convert",
    "end_transaction",
    "energy_step",
    "evaluate_meter_value_decision",
    "explain",
    "handle_clear_charging_profile",
    "handle_get_composite_schedule",
    "handle_set_charging_profile",
    "install_profile",
    "is_peak_hour",
    "limit_at",
    "load_state",
    "max_energy_wh",
    "meter_step",
    "next_change",
    "profile_from_ocpp",
    "profile_to_ocpp",
    "replay_script",
    "save_state",
    "simulate_session",
    "start_transaction",
    "state_from_json",
    "state_to_json",
    "station_allocation",
    "station_allocation_schedule",
    "validate_document",
    "watts_to_amps",
]
