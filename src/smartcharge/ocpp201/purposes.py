"""OCPP 2.0.1's charging profile purposes (Part 2 §2.11 ChargingProfilePurposeEnumType) as the engine's
`Purpose`s (SPEC-201 S2).

TxDefaultProfile and TxProfile have the names and roles of OCPP 1.6's, so they are the same purposes; the station
maximum has a name of its own, and ChargingStationExternalConstraints is set by the charge point's energy
management, never by a central system (S10).
"""

from __future__ import annotations

from typing import Final

from smartcharge.engine.model import Purpose, PurposeRole

__all__ = ["PURPOSES", "ChargingProfilePurpose"]


class ChargingProfilePurpose:
    """The four purposes of OCPP 2.0.1, by their 2.0.1 names."""

    CHARGING_STATION_MAX_PROFILE: Final = Purpose("ChargingStationMaxProfile", PurposeRole.CAP)
    TX_DEFAULT_PROFILE: Final = Purpose("TxDefaultProfile", PurposeRole.DEFAULT)
    TX_PROFILE: Final = Purpose("TxProfile", PurposeRole.TRANSACTION)
    CHARGING_STATION_EXTERNAL_CONSTRAINTS: Final = Purpose(
        "ChargingStationExternalConstraints", PurposeRole.EXTERNAL_CAP
    )


#: Every OCPP 2.0.1 purpose, in the order of the enumeration.
PURPOSES: Final = (
    ChargingProfilePurpose.CHARGING_STATION_MAX_PROFILE,
    ChargingProfilePurpose.TX_DEFAULT_PROFILE,
    ChargingProfilePurpose.TX_PROFILE,
    ChargingProfilePurpose.CHARGING_STATION_EXTERNAL_CONSTRAINTS,
)
