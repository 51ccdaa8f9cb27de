"""OCPP 1.6's charging profile purposes (§7.10 ChargingProfilePurposeType) as the engine's `Purpose`s.

The names are 1.6's; the roles tell the engine what each does (`PurposeRole`). These are the only purposes a
central system may set over OCPP 1.6 (R1).
"""

from __future__ import annotations

from typing import Final

from smartcharge.engine.model import Purpose, PurposeRole

__all__ = ["PURPOSES", "ChargingProfilePurpose"]


class ChargingProfilePurpose:
    """The three purposes of OCPP 1.6 (§7.10), by their 1.6 names."""

    CHARGE_POINT_MAX_PROFILE: Final = Purpose("ChargePointMaxProfile", PurposeRole.CAP)
    TX_DEFAULT_PROFILE: Final = Purpose("TxDefaultProfile", PurposeRole.DEFAULT)
    TX_PROFILE: Final = Purpose("TxProfile", PurposeRole.TRANSACTION)


#: Every OCPP 1.6 purpose, in the order of §7.10.
PURPOSES: Final = (
    ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE,
    ChargingProfilePurpose.TX_DEFAULT_PROFILE,
    ChargingProfilePurpose.TX_PROFILE,
)
