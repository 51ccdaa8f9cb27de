"""`ChargingProfileManager`: a small mutable wrapper over the immutable `ChargePointState`.

For code written in the style of a charge point simulator (``manager.get_current_limit(outlet_id=1)``): it
holds the current state, takes profiles as model objects or OCPP payloads, starts and stops transactions, answers
limits and composites, and saves and loads its state as JSON. Every rule lives in the functional core; this
class only remembers the latest state and asks an injectable clock for "now" (default: the system clock, UTC).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from smartcharge.documents.persistence import load_state, save_state
from smartcharge.engine.composite import composite_schedule, limit_at
from smartcharge.engine.instants import utc_instant
from smartcharge.engine.limits import CompositeSchedule, Limit
from smartcharge.engine.model import ChargePointConfig, ChargingProfile, ChargingRateUnit, Purpose
from smartcharge.engine.next_change import next_change
from smartcharge.engine.store import (
    ChargePointState,
    ClearOutcome,
    InstallOutcome,
    clear_profiles,
    end_transaction,
    install_profile,
    start_transaction,
)
from smartcharge.engine.units import rate_unit
from smartcharge.errors import InvalidArgumentError, TransactionError
from smartcharge.ocpp16.codec import profile_from_ocpp, purpose_from_ocpp

__all__ = ["ChargingProfileManager", "Clock"]

#: A function returning the current instant (timezone-aware).
Clock = Callable[[], datetime]


def _system_clock() -> datetime:
    return datetime.now(timezone.utc)


def _profile(profile: ChargingProfile | Mapping[str, Any]) -> ChargingProfile:
    """A model profile, or one read from an OCPP `csChargingProfiles` payload (errors as the codec raises them)."""
    return profile if isinstance(profile, ChargingProfile) else profile_from_ocpp(profile)


class ChargingProfileManager:
    """The smart-charging state of one charge point, with methods that change it in place.

    >>> manager = ChargingProfileManager(ChargePointConfig(outlet_count=2))
    >>> manager.get_current_limit(outlet_id=1) is None
    True
    """

    def __init__(
        self,
        config: ChargePointConfig | None = None,
        *,
        state: ChargePointState | None = None,
        clock: Clock = _system_clock,
    ) -> None:
        if state is not None and config is not None and state.config != config:
            raise InvalidArgumentError("give either a config or a state, or a state whose config is that config")
        self.state = state if state is not None else ChargePointState(config or ChargePointConfig())
        self._clock = clock

    def now(self) -> datetime:
        """The clock's current instant, in UTC (a naive clock is refused, R5)."""
        return utc_instant(self._clock(), "clock()")

    # --- changing the state ----------------------------------------------------------------------------------

    def set_profile(self, outlet_id: int, profile: ChargingProfile | Mapping[str, Any]) -> InstallOutcome:
        """Install `profile` (a model object or an OCPP 1.6 `csChargingProfiles` object) on `outlet_id` now
        (§5.16, R6-R16); the state changes only when it is accepted."""
        outcome = install_profile(self.state, outlet_id, _profile(profile), self.now())
        self.state = outcome.state
        return outcome

    def clear_profiles(
        self,
        *,
        id: int | None = None,
        outlet_id: int | None = None,
        purpose: Purpose | str | None = None,
        stack_level: int | None = None,
    ) -> ClearOutcome:
        """ClearChargingProfile's rules (R32): by id, by criteria, or everything. `purpose` may be an OCPP 1.6
        purpose's name."""
        wanted = purpose_from_ocpp(purpose, "purpose") if isinstance(purpose, str) else purpose
        outcome = clear_profiles(self.state, id=id, outlet_id=outlet_id, purpose=wanted, stack_level=stack_level)
        self.state = outcome.state
        return outcome

    def start_transaction(
        self, outlet_id: int, transaction_id: int, profile: ChargingProfile | Mapping[str, Any] | None = None
    ) -> None:
        """A transaction starts now; `profile` is RemoteStartTransaction's TxProfile, if any (R19)."""
        given = None if profile is None else _profile(profile)
        self.state = start_transaction(self.state, outlet_id, transaction_id, self.now(), given)

    def stop_transaction(self, transaction_id: int) -> None:
        """The transaction ends and its TxProfiles with it (R18)."""
        self.state = end_transaction(self.state, transaction_id)

    # --- asking ------------------------------------------------------------------------------------------------

    def limit(self, outlet_id: int, unit: ChargingRateUnit | str = ChargingRateUnit.W) -> Limit:
        """The limit of `outlet_id` now, with the profiles that produced it."""
        return limit_at(self.state, outlet_id, self.now(), rate_unit(unit))

    def get_current_limit(
        self, outlet_id: int, transaction_id: int | None = None, unit: ChargingRateUnit | str = ChargingRateUnit.W
    ) -> float | None:
        """The limit of `outlet_id` now in `unit` (W by default), or None when no OCPP profile imposes one.

        `transaction_id`, when given, must be the connector's active transaction (a guard against asking about
        a session that has ended); a mismatch raises `TransactionError`.
        """
        if transaction_id is not None:
            active = self.state.transaction_on(outlet_id)
            if active is None or active.transaction_id != transaction_id:
                raise TransactionError(f"transaction {transaction_id} is not active on connector {outlet_id}")
        return self.limit(outlet_id, unit).value

    def next_change(self, outlet_id: int) -> datetime | None:
        """When the limit of `outlet_id` next changes, seen from now."""
        return next_change(self.state, outlet_id, self.now())

    def composite_schedule(
        self, outlet_id: int, duration: int, unit: ChargingRateUnit | str | None = None
    ) -> CompositeSchedule:
        """The composite schedule of `outlet_id` from now for `duration` seconds (§5.7)."""
        return composite_schedule(self.state, outlet_id, self.now(), duration, unit)

    # --- persistence -----------------------------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the state to `path` atomically, with a version and a checksum (R17, `persistence.save_state`)."""
        save_state(path, self.state)

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, clock: Clock = _system_clock) -> ChargingProfileManager:
        """A manager holding the state saved at `path` (`persistence.load_state`; `PersistenceError` if the file
        is damaged)."""
        return cls(state=load_state(path), clock=clock)
