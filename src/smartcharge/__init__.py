"""smartcharge: pure-logic OCPP smart charging.

Charging profiles, the profile store with OCPP's install / replace / clear rules, stacking and purpose
precedence, composite schedules and the limit at an instant, the charging loop, and a sans-IO OCPP 1.6 message
layer. No I/O, no clock: time is always an argument.

The everyday API is importable from here; `__all__` lists it. Everything else public lives in a named module of
its layer (docs/api.md): `smartcharge.engine.*` (e.g. `units`, `timeline`, `combine`), `smartcharge.charging.*`
(e.g. `balancer`), `smartcharge.ocpp16`, `smartcharge.ocpp201`, `smartcharge.documents.*`, `smartcharge.tools.*`
(`explain`, `validate`, `render`), `smartcharge.manager` and `smartcharge.strategies`. Modules and names that
start with an underscore are the library's own.
"""

from smartcharge.charging.energy import StepLimit, energy_step, max_energy_wh
from smartcharge.charging.local_policy import (
    Action,
    ChargingEnvironment,
    LocalPolicy,
    MeterDecision,
    SessionProgress,
    evaluate_meter_value_decision,
)
from smartcharge.charging.simulation import SimulationResult, simulate_session, simulate_station
from smartcharge.charging.step import Source, StepDecision, meter_step
from smartcharge.documents.persistence import PersistenceError, load_state, save_state
from smartcharge.documents.replay import ReplayResult, replay_script
from smartcharge.documents.state_document import StateDocumentError
from smartcharge.engine.composite import composite_schedule, limit_at
from smartcharge.engine.limits import CompositePeriod, CompositeSchedule, Limit, LimitSource
from smartcharge.engine.model import (
    ChargePointConfig,
    ChargingProfile,
    ChargingProfileKind,
    ChargingRateUnit,
    ChargingSchedule,
    ChargingSchedulePeriod,
    OutletConfig,
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
from smartcharge.errors import (
    DocumentError,
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
    "DocumentError",
    "InstallOutcome",
    "InstallStatus",
    "InstalledProfile",
    "InvalidArgumentError",
    "Limit",
    "LimitSource",
    "LocalPolicy",
    "MeterDecision",
    "NaiveDatetimeError",
    "OcppCallError",
    "OutletConfig",
    "PersistenceError",
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
    "clear_profiles",
    "composite_schedule",
    "end_transaction",
    "energy_step",
    "evaluate_meter_value_decision",
    "handle_clear_charging_profile",
    "handle_get_composite_schedule",
    "handle_set_charging_profile",
    "install_profile",
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
    "simulate_station",
    "start_transaction",
]
