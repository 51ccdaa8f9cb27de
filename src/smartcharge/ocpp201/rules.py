"""Whether a charging profile may be installed on an EVSE of an OCPP 2.0.1 station, and if not why: SPEC-201
S1-S9, E1-E4, each refusal with its reason code of E9.

`judge_profile` checks a profile that passed its schema (`codec.ReceivedProfile`) against the station's state
and returns the engine's `ChargingProfile` to install, or the first `Refusal` in E9's order of reason codes
(`ReasonCode` lists them in that order): every check of a code runs before any check of a later one, so a
profile breaking several rules is refused with the code E9 puts first. The engine's `install_profile` then
installs what was judged installable.

Transaction ids are compared case-insensitively (S5, identifierString): `transaction_by_id`.

This module decides; it builds no message and knows no JSON beyond the profile's fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import Enum
from typing import Any

import attrs

from smartcharge.engine.model import (
    ChargePointConfig,
    ChargingProfile,
    ChargingProfileKind,
    PurposeRole,
    Transaction,
    TransactionId,
)
from smartcharge.engine.store import ChargePointState, InstalledProfile
from smartcharge.errors import ProfileValidationError
from smartcharge.ocpp201.codec import ReceivedProfile

__all__ = ["ReasonCode", "Refusal", "judge_profile", "model_on", "transaction_by_id"]

#: StatusInfoType.additionalInfo holds at most 512 characters.
_MAX_INFO = 512


class ReasonCode(str, Enum):
    """The reason codes of a refused smart-charging CALL (Part 2 appendix "Reason codes"), in the order E9 gives
    them: where several apply, the first is answered."""

    UNKNOWN_EVSE = "UnknownEvse"
    INVALID_PROFILE = "InvalidProfile"
    MISSING_PARAM = "MissingParam"
    TX_NOT_FOUND = "TxNotFound"
    TX_IN_PROGRESS = "TxInProgress"
    INVALID_VALUE = "InvalidValue"
    UNSUPPORTED_RATE_UNIT = "UnsupportedRateUnit"
    INVALID_STACK_LEVEL = "InvalidStackLevel"
    INVALID_SCHEDULE = "InvalidSchedule"
    DUPLICATE_PROFILE = "DuplicateProfile"
    TOO_MANY_ELEMENTS = "TooManyElements"


@attrs.frozen
class Refusal:
    """Why a CALL is refused: the `reason` code (E9), the requirement or rule behind it (``"K01.FR.28"``), the
    refusal in words (`info`) and the rule or decision of SPEC-201 it applies (`spec_rule`: ``"S1"``..``"S18"``,
    ``"E1"``..``"E9"``, or a 1.6 rule where SPEC-201 is silent, such as ``"R11"``)."""

    reason: ReasonCode
    rule: str
    info: str
    spec_rule: str = attrs.field(kw_only=True)

    def answer(self, status: str = "Rejected") -> dict[str, Any]:
        """The response ``{"status": status, "statusInfo": {"reasonCode", "additionalInfo"}}`` (E9)."""
        info = f"{self.rule}: {self.info}"[:_MAX_INFO]
        return {"status": status, "statusInfo": {"reasonCode": self.reason.value, "additionalInfo": info}}


def transaction_by_id(state: ChargePointState, transaction_id: TransactionId) -> Transaction | None:
    """The running transaction whose id equals `transaction_id` ignoring case (S5: identifierString), if any."""
    wanted = str(transaction_id).casefold()
    return next((t for t in state.transactions if str(t.transaction_id).casefold() == wanted), None)


# --- E9's order: UnknownEvse .. InvalidStackLevel on the profile's fields ------------------------------------------


def _unknown_evse(config: ChargePointConfig, evse_id: int) -> Refusal | None:
    if 0 <= evse_id <= config.outlet_count:
        return None
    return Refusal(
        ReasonCode.UNKNOWN_EVSE, "K01.FR.28", f"evseId {evse_id} is not 0..{config.outlet_count}", spec_rule="S1"
    )


#: Why a profile breaks a rule: the SPEC-201 rule, the requirement behind it and the refusal in words.
_Why = tuple[str, str, str]


def _placement(evse_id: int, received: ReceivedProfile, from_csms: bool) -> _Why | None:
    role, name = received.purpose.role, received.purpose.name
    if role is PurposeRole.EXTERNAL_CAP and from_csms:
        return "S2", "K01.FR.22", "a CSMS may not set ChargingStationExternalConstraints"
    if role is PurposeRole.CAP and evse_id != 0:
        return "S2", "K04.FR.03", f"a {name} goes on evseId 0, not {evse_id}"
    if role is PurposeRole.TRANSACTION and evse_id == 0:
        return "S2", "K01.FR.16", "a TxProfile goes on an EVSE, not on evseId 0"
    return None


def _kind(received: ReceivedProfile) -> _Why | None:
    kind = received.kind
    starts = [s.get("startSchedule") for s in received.schedules]
    if received.purpose.role is PurposeRole.CAP and kind is ChargingProfileKind.RELATIVE:
        return "S2", "K01.FR.38", "a ChargingStationMaxProfile is never Relative"
    if kind is not ChargingProfileKind.RELATIVE and None in starts:
        return "S3", "K01.FR.40", f"a{'n' if kind.value[0] in 'AEIOU' else ''} {kind.value} profile needs startSchedule"
    if kind is ChargingProfileKind.RELATIVE and any(s is not None for s in starts):
        return "S3", "K01.FR.41", "a Relative profile has no startSchedule"
    if kind is ChargingProfileKind.RECURRING and received.recurrency_kind is None:
        return "S3", "R11", "a Recurring profile needs recurrencyKind"
    return None


def _validity(received: ReceivedProfile) -> _Why | None:
    start, end = received.valid_from, received.valid_to
    if start is not None and end is not None and start >= end:  # SPEC-201 is silent: R11 holds
        return "R11", "R11", f"validFrom {start.isoformat()} is not before validTo {end.isoformat()}"
    return None


def profile_refusal(evse_id: int, received: ReceivedProfile, *, from_csms: bool = True) -> Refusal | None:
    """InvalidProfile (E9) when `received` breaks a rule on the profile itself on `evse_id`: its purpose there
    (K01.FR.16, K01.FR.22 for a CSMS's profile, K04.FR.03), its kind and startSchedule (K01.FR.38/40/41),
    recurrencyKind (R11), validFrom before validTo."""
    why = _placement(evse_id, received, from_csms) or _kind(received) or _validity(received)
    if why is None:
        return None
    spec_rule, rule, info = why
    return Refusal(ReasonCode.INVALID_PROFILE, rule, info, spec_rule=spec_rule)


def _transaction(state: ChargePointState, evse_id: int, received: ReceivedProfile) -> Refusal | None:
    """MissingParam / TxNotFound for a TxProfile (S5, K01.FR.03/09/33)."""
    if received.purpose.role is not PurposeRole.TRANSACTION:
        return None
    if received.transaction_id is None:
        return Refusal(ReasonCode.MISSING_PARAM, "K01.FR.03", "a TxProfile needs a transactionId", spec_rule="S5")
    active = state.transaction_on(evse_id)
    named = transaction_by_id(state, received.transaction_id)
    if active is None or named is not active:
        return Refusal(
            ReasonCode.TX_NOT_FOUND,
            "K01.FR.33",
            f"transaction {received.transaction_id!r} is not running on evseId {evse_id}",
            spec_rule="S5",
        )
    return None


def _configuration(config: ChargePointConfig, received: ReceivedProfile) -> Refusal | None:
    """UnsupportedRateUnit, InvalidStackLevel (S6, K01.FR.26)."""
    for unit in received.units:
        if unit not in config.allowed_rate_units:
            allowed = ",".join(u.value for u in config.allowed_rate_units)
            info = f"unit {unit.value} is not in {allowed}"
            return Refusal(ReasonCode.UNSUPPORTED_RATE_UNIT, "K01.FR.26", info, spec_rule="S6")
    if not 0 <= received.stack_level <= config.max_stack_level:
        return Refusal(
            ReasonCode.INVALID_STACK_LEVEL,
            "S6",
            f"stackLevel {received.stack_level} is not 0..{config.max_stack_level} (ProfileStackLevel)",
            spec_rule="S6",
        )
    return None


# --- InvalidSchedule: E1, the model's R4, PeriodsPerSchedule, S9 phases, E4 ----------------------------------------


def _invalid_schedule(spec_rule: str, rule: str, info: str) -> Refusal:
    return Refusal(ReasonCode.INVALID_SCHEDULE, rule, info, spec_rule=spec_rule)


def model_on(state: ChargePointState, evse_id: int, received: ReceivedProfile) -> ChargingProfile:
    """The engine's profile for `received` on `evse_id` of `state`: a TxProfile bound to the transaction running
    there, by that transaction's own id (S5), and on a DC EVSE without numberPhases and phaseToUse (K01.FR.44).
    Raises `ProfileValidationError` for what the model refuses (R4)."""
    active = state.transaction_on(evse_id)
    bound = active.transaction_id if received.purpose.role is PurposeRole.TRANSACTION and active else None
    return received.to_model(bound, dc=evse_id > 0 and state.config.outlet(evse_id).is_dc)


def _model(state: ChargePointState, evse_id: int, received: ReceivedProfile) -> ChargingProfile | Refusal:
    """The engine's profile (`model_on`), or InvalidSchedule for several schedules (E1, K01.FR.34) and what the
    model refuses (R4: periods, duration, minChargingRate)."""
    if len(received.schedules) > 1:
        schedules = len(received.schedules)
        return _invalid_schedule("E1", "K01.FR.34", f"{schedules} chargingSchedules outside ISO 15118 (E1)")
    try:
        return model_on(state, evse_id, received)
    except ProfileValidationError as exc:  # S4: the rules of R4 apply to the one schedule
        return _invalid_schedule("S4", exc.rule, exc.message)


def _period_phases(period: Mapping[str, Any], evse_id: int, config: ChargePointConfig) -> _Why | None:
    phases, phase = period.get("numberPhases", 3), period.get("phaseToUse")
    outlets = [config.outlet(evse_id)] if evse_id else [config.outlet(i) for i in config.outlet_ids]
    ac = [o for o in outlets if not o.is_dc]
    if evse_id and ac and phases > (ac[0].supply_phases or 0):
        supplied = ac[0].supply_phases
        return "E3", "E3", f"numberPhases {phases} exceeds the {supplied} phase(s) evseId {evse_id} supplies"
    if phase is not None and ac and period.get("numberPhases") != 1:
        return "S9", "K01.FR.19", "phaseToUse needs numberPhases 1"
    if phase is not None and ac and not all(o.phase_switching for o in ac):
        return "S9", "K01.FR.48", "phaseToUse needs an EVSE that switches phases"
    return None


def _phases(config: ChargePointConfig, evse_id: int, received: ReceivedProfile) -> Refusal | None:
    """S9/E3: on an AC EVSE no more phases than it supplies (absent = 3, K01.FR.49), phaseToUse only with
    numberPhases 1 where phases switch (K01.FR.19/20/48); a DC EVSE ignores both (K01.FR.44). On evse 0 only the
    phaseToUse rule holds, for every AC EVSE."""
    for period in received.periods:
        why = _period_phases(period, evse_id, config)
        if why is not None:
            return _invalid_schedule(*why)
    return None


def _phases_to_use(profile: ChargingProfile) -> set[int]:
    return {p.phase_to_use for s in profile.charging_schedules for p in s.charging_schedule_period if p.phase_to_use}


def _share_an_evse(a: int, b: int) -> bool:
    return a == b or a == 0 or b == 0


def _differ(mine: set[int], theirs: set[int]) -> bool:
    """Whether a phaseToUse of one set differs from a phaseToUse of the other."""
    return bool(mine and theirs) and len(mine | theirs) > 1


def _phase_conflict(state: ChargePointState, evse_id: int, profile: ChargingProfile) -> Refusal | None:
    """E4 (errata 2.36): a phaseToUse differing from one of an installed profile on the other side (caps against
    Tx/TxDefault) that can apply to the same EVSE, whatever the time."""
    mine = _phases_to_use(profile)
    is_cap = profile.charging_profile_purpose.role.is_cap
    for ip in _others(state, profile):
        other_side = ip.profile.charging_profile_purpose.role.is_cap != is_cap
        if other_side and _share_an_evse(evse_id, ip.outlet_id) and _differ(mine, _phases_to_use(ip.profile)):
            pid = ip.profile.charging_profile_id
            return _invalid_schedule("E4", "E4", f"phaseToUse conflicts with profile {pid}")
    return None


def _schedule(
    state: ChargePointState, evse_id: int, received: ReceivedProfile, profile: ChargingProfile
) -> Refusal | None:
    """InvalidSchedule after the model: PeriodsPerSchedule (S6), phases (S9/E3), phaseToUse conflicts (E4)."""
    periods = len(profile.charging_schedule.charging_schedule_period)
    if periods > state.config.max_periods:
        info = f"{periods} periods exceed PeriodsPerSchedule {state.config.max_periods}"
        return _invalid_schedule("S6", "S6", info)
    return _phases(state.config, evse_id, received) or _phase_conflict(state, evse_id, profile)


# --- DuplicateProfile (S7, S8) and TooManyElements ------------------------------------------------------------------


def _others(state: ChargePointState, profile: ChargingProfile) -> Iterable[InstalledProfile]:
    """The installed profiles `profile` would not replace (S7: those with another id)."""
    return (ip for ip in state.profiles if ip.profile.charging_profile_id != profile.charging_profile_id)


def _before(start: datetime | None, end: datetime | None) -> bool:
    """`start` < `end`, an absent start being -infinity and an absent end +infinity."""
    return start is None or end is None or start < end


def _overlap(a: ChargingProfile, b: ChargingProfile) -> bool:
    """E2: the half-open validity windows [validFrom, validTo) of `a` and `b`, an absent bound unbounded,
    overlap (K01.FR.06, .10, .36, .37); windows that only touch do not."""
    return _before(a.valid_from, b.valid_to) and _before(b.valid_from, a.valid_to)


def _same_transaction(a: ChargingProfile, b: ChargingProfile) -> bool:
    return str(a.transaction_id).casefold() == str(b.transaction_id).casefold()


def _conflict(evse_id: int, profile: ChargingProfile, ip: InstalledProfile) -> _Why | None:
    other = ip.profile
    if (other.charging_profile_purpose, other.stack_level) != (profile.charging_profile_purpose, profile.stack_level):
        return None
    role = profile.charging_profile_purpose.role
    if role is PurposeRole.TRANSACTION:
        same = ip.outlet_id == evse_id and _same_transaction(profile, other)
        return ("S8", "K01.FR.39", "the transaction has a TxProfile at this stackLevel") if same else None
    if ip.outlet_id == evse_id:
        overlapping = _overlap(profile, other)
        why = "same purpose and stackLevel on this EVSE, validity overlapping"
        return ("E2", "K01.FR.06", why) if overlapping else None
    if role is PurposeRole.DEFAULT and evse_id == 0:
        return "S8", "K01.FR.52", "an EVSE has a TxDefaultProfile at this stackLevel"
    if role is PurposeRole.DEFAULT and ip.outlet_id == 0:
        return "S8", "K01.FR.53", "evseId 0 has a TxDefaultProfile at this stackLevel"
    return None


def _duplicate(state: ChargePointState, evse_id: int, profile: ChargingProfile, from_csms: bool) -> Refusal | None:
    """S7: the id of an external-constraints profile is not a CSMS's to replace (errata 2.38), nor a CSMS
    profile's id the energy management's; S8 conflicts (E2, K01.FR.39, K01.FR.52/53)."""
    pid = profile.charging_profile_id
    for ip in state.profiles:
        external = ip.profile.charging_profile_purpose.role is PurposeRole.EXTERNAL_CAP
        if ip.profile.charging_profile_id == pid and external == from_csms:
            info = f"id {pid} belongs to a profile set by another party"
            return Refusal(ReasonCode.DUPLICATE_PROFILE, "S7", info, spec_rule="S7")
    for ip in _others(state, profile):
        why = _conflict(evse_id, profile, ip)
        if why is not None:
            spec_rule, rule, info = why
            info = f"{info} (profile {ip.profile.charging_profile_id})"
            return Refusal(ReasonCode.DUPLICATE_PROFILE, rule, info, spec_rule=spec_rule)
    return None


def _count(state: ChargePointState, profile: ChargingProfile) -> Refusal | None:
    """TooManyElements: Entries ChargingProfiles maxLimit, counted after replacement (S6, D3)."""
    kept = sum(1 for _ in _others(state, profile))
    if kept < state.config.max_profiles:
        return None
    return Refusal(ReasonCode.TOO_MANY_ELEMENTS, "S6", f"{kept} profiles installed, the maximum", spec_rule="S6")


def judge_profile(
    state: ChargePointState, evse_id: int, received: ReceivedProfile, *, from_csms: bool = True
) -> ChargingProfile | Refusal:
    """The profile to install for `received` on `evse_id` (S1-S9, E1-E4), or the first refusal in E9's order.

    `from_csms` False judges a profile of the station's energy management (S10): it may carry the external
    purpose, and may not take the id of a CSMS's profile.
    """
    config = state.config
    refusal = (
        _unknown_evse(config, evse_id)
        or profile_refusal(evse_id, received, from_csms=from_csms)
        or _transaction(state, evse_id, received)
        or _configuration(config, received)
    )
    if refusal is not None:
        return refusal
    profile = _model(state, evse_id, received)
    if isinstance(profile, Refusal):
        return profile
    return (
        _schedule(state, evse_id, received, profile)
        or _duplicate(state, evse_id, profile, from_csms)
        or _count(state, profile)
        or profile
    )
