"""smartcharge: pure-logic OCPP smart charging.

Charging profiles, the profile store with OCPP's install / replace / clear rules, stacking and purpose
precedence, composite schedules and the limit at an instant, and a sans-IO OCPP 1.6 message layer. No I/O, no
clock: time is always an argument. Everything public is re-exported here; `__all__` lists it.
"""

from smartcharge.composite import (
    CompositePeriod,
    CompositeSchedule,
    Limit,
    LimitSource,
    composite_schedule,
    limit_at,
    next_change,
)
from smartcharge.errors import (
    NaiveDatetimeError,
    OcppCallError,
    ProfileValidationError,
    ScriptError,
    SmartChargingError,
    TransactionError,
)
from smartcharge.model import (
    ChargePointConfig,
    ChargingProfile,
    ChargingProfileKind,
    ChargingProfilePurpose,
    ChargingRateUnit,
    ChargingSchedule,
    ChargingSchedulePeriod,
    RecurrencyKind,
    Transaction,
)
from smartcharge.state import (
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
from smartcharge.units import amps_to_watts, convert, watts_to_amps

__version__ = "0.1.0"

__all__ = [
    "ChargePointConfig",
    "ChargePointState",
    "ChargingProfile",
    "ChargingProfileKind",
    "ChargingProfilePurpose",
    "ChargingRateUnit",
    "ChargingSchedule",
    "ChargingSchedulePeriod",
    "ClearOutcome",
    "ClearStatus",
    "CompositePeriod",
    "CompositeSchedule",
    "InstallOutcome",
    "InstallStatus",
    "InstalledProfile",
    "Limit",
    "LimitSource",
    "NaiveDatetimeError",
    "OcppCallError",
    "ProfileValidationError",
    "RecurrencyKind",
    "ScriptError",
    "SmartChargingError",
    "Transaction",
    "TransactionError",
    "__version__",
    "amps_to_watts",
    "clear_profiles",
    "composite_schedule",
    "convert",
    "end_transaction",
    "install_profile",
    "limit_at",
    "next_change",
    "start_transaction",
    "watts_to_amps",
]
