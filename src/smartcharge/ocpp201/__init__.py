"""OCPP 2.0.1: what the engine needs to know of it so far, its charging profile purposes.

The sans-IO message layer for 2.0.1 (SetChargingProfile, GetCompositeSchedule, ClearChargingProfile,
GetChargingProfiles, external constraints; SPEC-201) joins this package next.
"""

from smartcharge.ocpp201.purposes import PURPOSES, ChargingProfilePurpose

__all__ = ["PURPOSES", "ChargingProfilePurpose"]
