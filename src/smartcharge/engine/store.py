"""The charge point's smart-charging state and the rules that change it (SPEC R6-R20).

Everything that decides whether a profile may be installed, what it replaces, what a clear removes and what a
transaction's start or end does to the installed set lives here. A `ChargePointState` is an immutable value:
every operation returns a new state (a rejected one returns the very same object, R16), and its outcome says
why. This module does not evaluate limits over time (that is `composite`) and knows nothing of OCPP's JSON.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum

import attrs

from smartcharge._cache import Compilable
from smartcharge.engine.instants import utc_instant
from smartcharge.engine.model import (
    ChargePointConfig,
    ChargingProfile,
    Purpose,
    PurposeRole,
    Transaction,
    TransactionId,
)
from smartcharge.errors import InvalidArgumentError, TransactionError

__all__ = [
    "ChargePointState",
    "ClearOutcome",
    "ClearStatus",
    "InstallOutcome",
    "InstallStatus",
    "InstalledProfile",
    "clear_profiles",
    "end_transaction",
    "install_profile",
    "renumber_transaction",
    "start_sessions",
    "start_transaction",
]

_TRANSACTION = PurposeRole.TRANSACTION


class InstallStatus(str, Enum):
    """SetChargingProfile.conf status (§7.7 ChargingProfileStatus)."""

    ACCEPTED = "Accepted"
    REJECTED = "Rejected"


class ClearStatus(str, Enum):
    """ClearChargingProfile.conf status (§7.6 ClearChargingProfileStatus)."""

    ACCEPTED = "Accepted"
    UNKNOWN = "Unknown"


def _to_installed_at(value: datetime) -> datetime:
    return utc_instant(value, "installed_at")


def _optional_text(instance: object, attribute: attrs.Attribute[str | None], value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise InvalidArgumentError(f"InstalledProfile.{attribute.name} must be a string or None, not {value!r}")


@attrs.frozen
class InstalledProfile(Compilable):
    """A profile as installed: on `outlet_id` (0 = the whole charge point) since `installed_at`. Keeps the
    engine's compiled form of it (its timeline), which every state that keeps this profile shares
    (`smartcharge._cache`).

    Two annotations the engine never reads, for the protocol adapters: `source`, who set the limit (OCPP 2.0.1
    chargingLimitSource: ``"CSO"`` for the central system, ``"EMS"``, ``"SO"`` or ``"Other"`` for external
    constraints; None: not recorded), and `document`, the profile as it was received (JSON text), which
    OCPP 2.0.1 reports back unchanged (SPEC-201 S16).
    """

    outlet_id: int
    profile: ChargingProfile
    installed_at: datetime = attrs.field(converter=_to_installed_at)
    source: str | None = attrs.field(default=None, validator=_optional_text)
    document: str | None = attrs.field(default=None, validator=_optional_text)

    def reaches(self, outlet_id: int) -> bool:
        """Does this profile bear on outlet `outlet_id` (> 0)? Caps and default profiles on outlet 0 reach every
        outlet (§3.13.1); a default or transaction profile on an outlet reaches that outlet."""
        return self.outlet_id == outlet_id or (
            self.outlet_id == 0 and self.profile.charging_profile_purpose.role is not _TRANSACTION
        )

    @property
    def sort_key(self) -> tuple[int, str, int, int]:
        p = self.profile
        return (self.outlet_id, p.charging_profile_purpose.name, p.stack_level, p.charging_profile_id)


def _sorted_profiles(value: Iterable[InstalledProfile]) -> tuple[InstalledProfile, ...]:
    return tuple(sorted(value, key=lambda ip: ip.sort_key))


def _sorted_transactions(value: Iterable[Transaction]) -> tuple[Transaction, ...]:
    return tuple(sorted(value, key=lambda t: t.outlet_id))


@attrs.frozen(eq=False)
class ChargePointState(Compilable):
    """Configuration, installed profiles and active transactions of one charge point. Immutable; two states are
    equal when their configuration, installed profiles (in any order) and transactions are equal. Keeps the
    engine's compiled form of it, built on first evaluation (`smartcharge._cache`)."""

    config: ChargePointConfig = attrs.field(factory=ChargePointConfig)
    profiles: tuple[InstalledProfile, ...] = attrs.field(default=(), converter=_sorted_profiles)
    transactions: tuple[Transaction, ...] = attrs.field(default=(), converter=_sorted_transactions)

    def __attrs_post_init__(self) -> None:
        seen: set[int] = set()
        for t in self.transactions:
            if t.outlet_id not in self.config.outlet_ids:
                raise InvalidArgumentError(f"transaction {t.transaction_id} is on unknown outlet {t.outlet_id}")
            if t.outlet_id in seen:
                raise InvalidArgumentError(f"outlet {t.outlet_id} has more than one active transaction")
            seen.add(t.outlet_id)

    def _key(self) -> tuple[object, ...]:
        return (self.config, self.profiles, self.transactions)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ChargePointState):
            return NotImplemented
        return self is other or self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def transaction_on(self, outlet_id: int) -> Transaction | None:
        """The active transaction on `outlet_id`, if any."""
        for t in self.transactions:
            if t.outlet_id == outlet_id:
                return t
        return None

    def find_transaction(self, transaction_id: TransactionId) -> Transaction | None:
        """The active transaction with `transaction_id`, if any."""
        for t in self.transactions:
            if t.transaction_id == transaction_id:
                return t
        return None


@attrs.frozen
class InstallOutcome:
    """What `install_profile` did: the resulting `state` (the same object when rejected), the `status`, the
    SPEC rule behind a rejection and a `reason` in words, and the ids of the profiles it `replaced`."""

    state: ChargePointState
    status: InstallStatus
    reason: str = ""
    rule: str | None = None
    replaced: tuple[int, ...] = ()

    @property
    def accepted(self) -> bool:
        return self.status is InstallStatus.ACCEPTED


@attrs.frozen
class ClearOutcome:
    """What `clear_profiles` did: the resulting `state`, `Accepted` or `Unknown`, and the ids it `cleared`."""

    state: ChargePointState
    status: ClearStatus
    cleared: tuple[int, ...] = ()


def _reject(state: ChargePointState, rule: str, reason: str) -> InstallOutcome:
    return InstallOutcome(state=state, status=InstallStatus.REJECTED, reason=reason, rule=rule)


def _placement_problem(state: ChargePointState, outlet_id: int, profile: ChargingProfile) -> tuple[str, str] | None:
    """(rule, reason) when `profile` may not go on `outlet_id` (R6-R9, D1), else None."""
    if not isinstance(outlet_id, int) or outlet_id not in range(0, state.config.outlet_count + 1):
        return "R6", f"outlet {outlet_id} is not 0..{state.config.outlet_count}"
    purpose = profile.charging_profile_purpose
    if purpose.role is PurposeRole.CAP and outlet_id != 0:
        return "R7", f"a {purpose.name} goes on outlet 0, not outlet {outlet_id}"
    if purpose.role is _TRANSACTION:
        if outlet_id == 0:
            return "R9", "a TxProfile needs an outlet > 0"
        active = state.transaction_on(outlet_id)
        if active is None:
            return "R9", f"a TxProfile needs an active transaction, and outlet {outlet_id} has none"
        if profile.transaction_id is not None and profile.transaction_id != active.transaction_id:
            return "D1", (
                f"transactionId {profile.transaction_id} is not the active transaction "
                f"{active.transaction_id} on outlet {outlet_id}"
            )
    return None


def _configuration_problem(config: ChargePointConfig, profile: ChargingProfile) -> tuple[str, str] | None:
    """(rule, reason) when `profile` exceeds the charge point's configuration (R10, D2), else None."""
    if profile.stack_level > config.max_stack_level:
        return "R10", f"stackLevel {profile.stack_level} exceeds ChargeProfileMaxStackLevel {config.max_stack_level}"
    schedule = profile.charging_schedule
    if len(schedule.charging_schedule_period) > config.max_periods:
        return "R10", (
            f"{len(schedule.charging_schedule_period)} periods exceed ChargingScheduleMaxPeriods {config.max_periods}"
        )
    if schedule.charging_rate_unit not in config.allowed_rate_units:
        allowed = ",".join(u.value for u in config.allowed_rate_units)
        return (
            "R10",
            f"unit {schedule.charging_rate_unit.value} is not in ChargingScheduleAllowedChargingRateUnit {allowed}",
        )
    return None


def _replaces(new: InstalledProfile, old: InstalledProfile, by_slot: bool) -> bool:
    """R15 (D6): same chargingProfileId anywhere, or (`by_slot`) same (purpose, stackLevel, outlet)."""
    a, b = new.profile, old.profile
    if a.charging_profile_id == b.charging_profile_id:
        return True
    return (
        by_slot
        and new.outlet_id == old.outlet_id
        and a.charging_profile_purpose == b.charging_profile_purpose
        and a.stack_level == b.stack_level
    )


def install_profile(
    state: ChargePointState,
    outlet_id: int,
    profile: ChargingProfile,
    now: datetime,
    *,
    replace_same_slot: bool = True,
    source: str | None = None,
    document: str | None = None,
) -> InstallOutcome:
    """SetChargingProfile (§5.16, §3.13): install `profile` on `outlet_id` at `now`.

    Rejected (the same `state` returned, R16) when the outlet or purpose does not fit (R6-R9, D1) or the
    configuration forbids it (R10, D2, D3). Otherwise profiles with the same id, or (`replace_same_slot`, OCPP
    1.6) the same purpose, stackLevel and outlet, are replaced (R15, D6; OCPP 2.0.1 replaces by id only,
    SPEC-201 S7). A TxProfile without transactionId binds to the active transaction (D1). `source` and `document`
    annotate the installed profile (`InstalledProfile`). A cap (`PurposeRole.CAP`) goes on outlet 0 only; an
    external cap may go on any outlet (SPEC-201 E5).
    """
    now = utc_instant(now, "now")
    problem = _placement_problem(state, outlet_id, profile) or _configuration_problem(state.config, profile)
    if problem is not None:
        return _reject(state, *problem)
    if profile.charging_profile_purpose.role is _TRANSACTION and profile.transaction_id is None:
        active = state.transaction_on(outlet_id)
        assert active is not None  # checked by _placement_problem
        profile = attrs.evolve(profile, transaction_id=active.transaction_id)
    new = InstalledProfile(outlet_id=outlet_id, profile=profile, installed_at=now, source=source, document=document)
    kept = [old for old in state.profiles if not _replaces(new, old, replace_same_slot)]
    if len(kept) >= state.config.max_profiles:
        return _reject(
            state, "R10", f"MaxChargingProfilesInstalled {state.config.max_profiles} profiles are installed already"
        )
    replaced = tuple(
        old.profile.charging_profile_id for old in state.profiles if _replaces(new, old, replace_same_slot)
    )
    return InstallOutcome(
        state=attrs.evolve(state, profiles=(*kept, new)),
        status=InstallStatus.ACCEPTED,
        reason="installed" + (f", replacing {', '.join(map(str, replaced))}" if replaced else ""),
        replaced=replaced,
    )


def clear_profiles(
    state: ChargePointState,
    *,
    id: int | None = None,
    outlet_id: int | None = None,
    purpose: Purpose | None = None,
    stack_level: int | None = None,
    keep_external: bool = False,
) -> ClearOutcome:
    """ClearChargingProfile (§5.5, §6.13, R32): with `id`, that profile (other criteria ignored); with no
    criterion, every profile; otherwise the profiles matching every given criterion. `Unknown` when nothing
    matched. With `keep_external` an external cap is never cleared (OCPP 2.0.1 K10.FR.04, SPEC-201 S14)."""

    def matches(ip: InstalledProfile) -> bool:
        p = ip.profile
        if keep_external and p.charging_profile_purpose.role is PurposeRole.EXTERNAL_CAP:
            return False
        if id is not None:
            return p.charging_profile_id == id
        return (
            (outlet_id is None or ip.outlet_id == outlet_id)
            and (purpose is None or p.charging_profile_purpose == purpose)
            and (stack_level is None or p.stack_level == stack_level)
        )

    cleared = tuple(ip.profile.charging_profile_id for ip in state.profiles if matches(ip))
    if not cleared:
        return ClearOutcome(state=state, status=ClearStatus.UNKNOWN)
    kept = tuple(ip for ip in state.profiles if not matches(ip))
    return ClearOutcome(state=attrs.evolve(state, profiles=kept), status=ClearStatus.ACCEPTED, cleared=cleared)


def start_transaction(
    state: ChargePointState,
    outlet_id: int,
    transaction_id: TransactionId,
    start: datetime,
    profile: ChargingProfile | None = None,
) -> ChargePointState:
    """A transaction starts on `outlet_id` at `start` (the anchor of Relative profiles, R22).

    `profile` is RemoteStartTransaction's chargingProfile (§5.16.2, R19): a TxProfile without transactionId
    that binds to this transaction; it is installed like a SetChargingProfile at `start`. Raises
    `TransactionError` for an unknown or busy outlet, a transaction id already active,
    or a `profile` that cannot be installed.
    """
    start = utc_instant(start, "start")
    if outlet_id not in state.config.outlet_ids:
        raise TransactionError(f"outlet {outlet_id} is not 1..{state.config.outlet_count}")
    if state.transaction_on(outlet_id) is not None:
        raise TransactionError(f"outlet {outlet_id} already has an active transaction")
    if state.find_transaction(transaction_id) is not None:
        raise TransactionError(f"transaction {transaction_id} is already active")
    new_state = attrs.evolve(
        state, transactions=(*state.transactions, Transaction(outlet_id, transaction_id, start))
    )
    if profile is None:
        return new_state
    if profile.charging_profile_purpose.role is not _TRANSACTION:
        raise TransactionError(
            "RemoteStartTransaction's profile must be a transaction profile (TxProfile), "
            f"not {profile.charging_profile_purpose}"
        )
    if profile.transaction_id is not None and profile.transaction_id != transaction_id:
        raise TransactionError("RemoteStartTransaction's profile must not name another transactionId (R19)")
    outcome = install_profile(new_state, outlet_id, profile, start)
    if not outcome.accepted:
        raise TransactionError(f"RemoteStartTransaction's profile was rejected: {outcome.reason}")
    return outcome.state


def start_sessions(
    state: ChargePointState, start: datetime, outlet_ids: Iterable[int] | None = None
) -> ChargePointState:
    """`state` with a transaction started at `start` on every outlet of `outlet_ids` (default: all) that has none,
    each under an integer id no active transaction uses: the state "as if a transaction started now" on which a
    window's composite is evaluated (D8)."""
    used = {t.transaction_id for t in state.transactions}
    next_id = 1
    for outlet_id in state.config.outlet_ids if outlet_ids is None else outlet_ids:
        if state.transaction_on(outlet_id) is None:
            while next_id in used:
                next_id += 1
            state = start_transaction(state, outlet_id, next_id, start)
            used.add(next_id)
    return state


def end_transaction(state: ChargePointState, transaction_id: TransactionId) -> ChargePointState:
    """The transaction `transaction_id` ends: it and its TxProfiles are gone (R18). Unknown ids raise
    `TransactionError`."""
    ending = state.find_transaction(transaction_id)
    if ending is None:
        raise TransactionError(f"transaction {transaction_id} is not active")
    kept = tuple(
        ip
        for ip in state.profiles
        if not (
            ip.profile.charging_profile_purpose.role is _TRANSACTION
            and ip.outlet_id == ending.outlet_id
        )
    )
    transactions = tuple(t for t in state.transactions if t.transaction_id != transaction_id)
    return attrs.evolve(state, profiles=kept, transactions=transactions)


def renumber_transaction(
    state: ChargePointState, transaction_id: TransactionId, new_id: TransactionId
) -> ChargePointState:
    """`state` with the active transaction `transaction_id` known as `new_id` from now on: same outlet, same start,
    and its TxProfiles that name it (R19) name `new_id`.

    An OCPP 1.6 charge point starts charging before the central system has numbered the transaction: the id comes
    back in StartTransaction.conf (§4.8), possibly after the connection was lost and restored. Raises
    `TransactionError` when `transaction_id` is not active or `new_id` already is (another transaction's id).
    """
    renamed = state.find_transaction(transaction_id)
    if renamed is None:
        raise TransactionError(f"transaction {transaction_id} is not active")
    if new_id == transaction_id:
        return state
    if state.find_transaction(new_id) is not None:
        raise TransactionError(f"transaction {new_id} is already active")
    transaction = Transaction(renamed.outlet_id, new_id, renamed.start)
    profiles = tuple(
        attrs.evolve(ip, profile=attrs.evolve(ip.profile, transaction_id=new_id))
        if ip.profile.transaction_id == transaction_id and ip.outlet_id == renamed.outlet_id
        else ip
        for ip in state.profiles
    )
    transactions = tuple(transaction if t is renamed else t for t in state.transactions)
    return attrs.evolve(state, profiles=profiles, transactions=transactions)
