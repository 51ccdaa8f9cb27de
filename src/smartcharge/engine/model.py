"""The charging-profile model: a charging profile and its parts as frozen values, in words both OCPP 1.6 and
OCPP 2.0.1 share.

Everything a single profile must satisfy on its own lives here (SPEC R4, R5, R11, R12, R13, D4, D11): a
`ChargingProfile` that exists is valid, because construction validates and raises `ProfileValidationError`
naming the rule. What depends on the charge point (outlet ids, configuration limits, transactions, other
installed profiles) is not known here; that is `store`'s business. Field names follow OCPP in snake_case.

This module knows no protocol's names: a purpose is a `Purpose` with a role (the names each protocol gives its
purposes live in `smartcharge.ocpp16` and `smartcharge.ocpp201`), an outlet is a number where 0 is the whole
charge point, and a transaction id is whatever the protocol uses (an int in 1.6, a string in 2.0.1).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from enum import Enum
from numbers import Real
from typing import Any, TypeVar

import attrs

from smartcharge._cache import shared_value
from smartcharge.engine.instants import utc_instant
from smartcharge.errors import InvalidArgumentError, ProfileValidationError

__all__ = [
    "ChargePointConfig",
    "ChargingProfile",
    "ChargingProfileKind",
    "ChargingRateUnit",
    "ChargingSchedule",
    "ChargingSchedulePeriod",
    "OutletConfig",
    "Purpose",
    "PurposeRole",
    "RecurrencyKind",
    "Transaction",
    "TransactionId",
]


_E = TypeVar("_E", bound=Enum)


class PurposeRole(Enum):
    """What a purpose does in the stack (R1, R25): the engine decides by role, never by a protocol's name.

    - `CAP`: the central system's cap on the whole charge point (1.6 ChargePointMaxProfile, 2.0.1
      ChargingStationMaxProfile). Installed on outlet 0 only (R7); runs from its installation when it runs from
      the start of charging (D9).
    - `EXTERNAL_CAP`: a cap set from outside the central system, by the charge point's energy management (2.0.1
      ChargingStationExternalConstraints). Combines like `CAP`.
    - `DEFAULT`: the limit of every session on its outlet, or on every outlet from outlet 0 (TxDefaultProfile).
    - `TRANSACTION`: the limit of one transaction, on its outlet (TxProfile); it overrides `DEFAULT` while its
      schedule covers the instant (R25) and ends with the transaction (R18).

    Caps (`is_cap`) combine by minimum with the transaction's limit (R25). The members are in that order: caps
    first, then the transaction's purpose over the default.
    """

    CAP = "cap"
    EXTERNAL_CAP = "external cap"
    TRANSACTION = "transaction"
    DEFAULT = "default"

    @property
    def is_cap(self) -> bool:
        """True for the roles that cap an outlet's limit rather than set it."""
        return self is _CAP or self is _EXTERNAL_CAP


# perf: members as module names: a member read from its enum class costs about ten plain attribute reads, and these
# are read for every profile of every state compiled
_CAP, _EXTERNAL_CAP = PurposeRole.CAP, PurposeRole.EXTERNAL_CAP


@attrs.frozen(slots=True, cache_hash=True)
class Purpose:
    """A charging profile purpose: the protocol's `name` for it and its `role` in the stack.

    An open set: the protocol adapters name theirs (`smartcharge.ocpp16.ChargingProfilePurpose`), and any other
    purpose with one of the four roles works with the engine unchanged. Two purposes are the same purpose when
    name and role agree; profiles of different purposes never replace each other (R15) and are stacked apart.
    """

    name: str
    role: PurposeRole

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ProfileValidationError("R14", f"a purpose's name must be a non-empty string, not {self.name!r}")
        if not isinstance(self.role, PurposeRole):
            raise ProfileValidationError("R14", f"a purpose's role must be a PurposeRole, not {self.role!r}")

    def __str__(self) -> str:
        return self.name


#: A transaction id as the central system gives it: an int in OCPP 1.6, a string in OCPP 2.0.1.
TransactionId = int | str


class ChargingProfileKind(str, Enum):
    """§7.9 ChargingProfileKindType (R2)."""

    ABSOLUTE = "Absolute"
    RECURRING = "Recurring"
    RELATIVE = "Relative"


class RecurrencyKind(str, Enum):
    """§7.47 RecurrencyKindType; `seconds` is the length of one recurrence (R22)."""

    DAILY = "Daily"
    WEEKLY = "Weekly"

    @property
    def seconds(self) -> int:
        return 86_400 if self is _DAILY else 604_800


# perf: members as module names (see `_CAP`)
_ABSOLUTE = ChargingProfileKind.ABSOLUTE
_RECURRING = ChargingProfileKind.RECURRING
_RELATIVE = ChargingProfileKind.RELATIVE
_DAILY = RecurrencyKind.DAILY


class ChargingRateUnit(str, Enum):
    """§7.12 ChargingRateUnitType (R3): `A` is current per phase, `W` is total power."""

    A = "A"
    W = "W"


def _optional_instant(name: str, value: datetime | None) -> datetime | None:
    if value is None:
        return None
    try:
        return utc_instant(value, name)
    except InvalidArgumentError as exc:  # NaiveDatetimeError is one
        raise ProfileValidationError("R5", str(exc)) from exc


def _to_start_schedule(value: datetime | None) -> datetime | None:
    return _optional_instant("startSchedule", value)


def _to_valid_from(value: datetime | None) -> datetime | None:
    return _optional_instant("validFrom", value)


def _to_valid_to(value: datetime | None) -> datetime | None:
    return _optional_instant("validTo", value)


def _to_transaction_start(value: datetime) -> datetime:
    return utc_instant(value, "Transaction.start")


def _enum_value(enum: type[_E], name: str, value: Any) -> _E:
    """`value` as a member of `enum`; a value outside it is a `ProfileValidationError` for rule R14."""
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in enum)
        raise ProfileValidationError("R14", f"{name} {value!r} is not one of {allowed}") from None


def _to_unit(value: Any) -> ChargingRateUnit:
    return _enum_value(ChargingRateUnit, "chargingRateUnit", value)


def _to_purpose(value: Any) -> Purpose:
    if not isinstance(value, Purpose):
        raise ProfileValidationError(
            "R14",
            f"chargingProfilePurpose must be a Purpose (e.g. smartcharge.ChargingProfilePurpose.TX_PROFILE), "
            f"not {value!r}",
        )
    return value


def _to_kind(value: Any) -> ChargingProfileKind:
    return _enum_value(ChargingProfileKind, "chargingProfileKind", value)


def _to_recurrency(value: Any) -> RecurrencyKind | None:
    return None if value is None else _enum_value(RecurrencyKind, "recurrencyKind", value)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_transaction_id(value: object) -> bool:
    return _is_int(value) or (isinstance(value, str) and value != "")


def _is_number(value: object) -> bool:
    return isinstance(value, (Real, Decimal)) and not isinstance(value, bool)


def _require_int(rule: str, name: str, value: object, minimum: int | None = None) -> None:
    if not _is_int(value):
        raise ProfileValidationError(rule, f"{name} must be an integer, not {value!r}")
    if minimum is not None and value < minimum:  # type: ignore[operator]
        raise ProfileValidationError(rule, f"{name} {value} is below {minimum}")


def _require_limit(name: str, value: object) -> None:
    """R4: a finite number >= 0. Numbers arrive here as floats (`as_float`); one that is not could not be one."""
    if not isinstance(value, float) or not math.isfinite(value):
        shown = f"{value!r}" if not _is_int(value) else "an integer too large for a float"
        raise ProfileValidationError("R4", f"{name} {shown} is not a finite number")
    if value < 0:
        raise ProfileValidationError("R4", f"{name} {value} is negative")


def _require_items(name: str, items: tuple[Any, ...], kind: type) -> None:
    """R4: `items` (the field `name`) is not empty and holds only `kind`s."""
    if not items:
        raise ProfileValidationError("R4", f"{name} is empty")
    for i, item in enumerate(items):
        if not isinstance(item, kind):
            raise ProfileValidationError("R4", f"{name}[{i}] is a {type(item).__name__}, not a {kind.__name__}")


def as_float(value: Any) -> Any:
    """Numbers (any real number but bool: int, float, Decimal, Fraction) become float, -0.0 becoming 0.0; anything
    else, and a number float cannot hold (Decimal('sNaN')), is left for validation to refuse. The converter of
    every float field of the package's value classes (limits, minimum rates, the balancer's demands)."""
    if _is_number(value):
        try:
            return float(value) + 0.0  # + 0.0 turns -0.0 into 0.0
        except (OverflowError, ValueError):
            return value
    return value


def _as_optional_float(value: Any) -> Any:
    return None if value is None else as_float(value)


@attrs.frozen
class ChargingSchedulePeriod:
    """§7.14 ChargingSchedulePeriod: from `start_period` seconds after the schedule's start, at most `limit`
    (in the schedule's unit) using `number_phases` phases (None: the station's default, 3 in OCPP 1.6), on phase
    `phase_to_use` (1..3) of a station that switches phases (OCPP 2.0.1 only; None: the station chooses)."""

    start_period: int
    limit: float = attrs.field(converter=as_float)
    number_phases: int | None = None
    phase_to_use: int | None = None

    def __attrs_post_init__(self) -> None:
        _require_int("R4", "startPeriod", self.start_period, minimum=0)
        _require_limit("limit", self.limit)
        if self.number_phases is not None:
            _require_int("R4", "numberPhases", self.number_phases)
            if not 1 <= self.number_phases <= 3:
                raise ProfileValidationError("R4", f"numberPhases {self.number_phases} is not in 1..3")
        if self.phase_to_use is not None:
            _require_int("R4", "phaseToUse", self.phase_to_use)
            if not 1 <= self.phase_to_use <= 3:
                raise ProfileValidationError("R4", f"phaseToUse {self.phase_to_use} is not in 1..3")


def _shared(period: ChargingSchedulePeriod) -> ChargingSchedulePeriod:
    """The one period equal to `period` that every schedule with an equal period holds (`_cache.shared_value`: a
    fleet whose charge points each parsed the same profiles keeps their periods once); subclasses are kept as
    given."""
    if period.__class__ is not ChargingSchedulePeriod:
        return period
    return shared_value(period, period.start_period, period.limit, period.number_phases, period.phase_to_use)


def _periods(value: Iterable[ChargingSchedulePeriod]) -> tuple[ChargingSchedulePeriod, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ProfileValidationError("R4", f"chargingSchedulePeriod must be a sequence of periods, not {value!r}")
    return tuple(value)


@attrs.frozen
class ChargingSchedule:
    """§7.13 ChargingSchedule: periods in `charging_rate_unit`, lasting `duration` seconds (None: the last
    period runs on), starting at `start_schedule` (used by Absolute and Recurring profiles). `id` is the
    schedule's own id in OCPP 2.0.1 (None in 1.6, which has none)."""

    charging_rate_unit: ChargingRateUnit = attrs.field(converter=_to_unit)
    charging_schedule_period: tuple[ChargingSchedulePeriod, ...] = attrs.field(converter=_periods)
    duration: int | None = None
    start_schedule: datetime | None = attrs.field(default=None, converter=_to_start_schedule)
    min_charging_rate: float | None = attrs.field(default=None, converter=_as_optional_float)
    id: int | None = None

    def __attrs_post_init__(self) -> None:
        if self.id is not None:
            _require_int("R4", "chargingSchedule.id", self.id)
        periods = self.charging_schedule_period
        _require_items("chargingSchedulePeriod", periods, ChargingSchedulePeriod)
        if periods[0].start_period != 0:
            raise ProfileValidationError(
                "R4", f"chargingSchedulePeriod[0].startPeriod is {periods[0].start_period}, not 0"
            )
        for i in range(1, len(periods)):
            if periods[i].start_period <= periods[i - 1].start_period:
                raise ProfileValidationError(
                    "R4",
                    f"chargingSchedulePeriod[{i}].startPeriod {periods[i].start_period} is not after "
                    f"{periods[i - 1].start_period}",
                )
        if self.duration is not None:
            _require_int("R4", "duration", self.duration, minimum=0)
        if self.min_charging_rate is not None:
            _require_limit("minChargingRate", self.min_charging_rate)
        object.__setattr__(self, "charging_schedule_period", tuple(map(_shared, periods)))  # valid: now share


def _schedules(value: ChargingSchedule | Iterable[ChargingSchedule]) -> tuple[ChargingSchedule, ...]:
    """One schedule, or a sequence of them, as a tuple; each must be a `ChargingSchedule` and there must be one."""
    if isinstance(value, ChargingSchedule):
        return (value,)
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ProfileValidationError(
            "R4", f"chargingSchedule must be a ChargingSchedule or a sequence of them, not {value!r}"
        )
    schedules = tuple(value)
    _require_items("chargingSchedule", schedules, ChargingSchedule)
    return schedules


@attrs.frozen
class ChargingProfile:
    """A charging profile (1.6 §7.8, 2.0.1 §2.10 ChargingProfileType). Construction validates the rules a profile
    obeys on its own (R4, R5, R11, R12, R13, D4, D11); anything invalid raises `ProfileValidationError` with the
    rule id.

    `charging_schedules` holds one schedule or more (OCPP 2.0.1 lets a profile offer up to three to an ISO 15118
    vehicle); the engine evaluates the first, `charging_schedule`. One `ChargingSchedule` may be given where a
    sequence is expected. `transaction_id` is an int (1.6) or a non-empty string (2.0.1).
    """

    charging_profile_id: int
    stack_level: int
    charging_profile_purpose: Purpose = attrs.field(converter=_to_purpose)
    charging_profile_kind: ChargingProfileKind = attrs.field(converter=_to_kind)
    charging_schedules: tuple[ChargingSchedule, ...] = attrs.field(converter=_schedules)
    transaction_id: TransactionId | None = None
    recurrency_kind: RecurrencyKind | None = attrs.field(default=None, converter=_to_recurrency)
    valid_from: datetime | None = attrs.field(default=None, converter=_to_valid_from)
    valid_to: datetime | None = attrs.field(default=None, converter=_to_valid_to)

    def __attrs_post_init__(self) -> None:
        _require_int("R4", "chargingProfileId", self.charging_profile_id)
        _require_int("R4", "stackLevel", self.stack_level, minimum=0)
        if self.transaction_id is not None and not _is_transaction_id(self.transaction_id):
            raise ProfileValidationError(
                "R4", f"transactionId must be an integer or a non-empty string, not {self.transaction_id!r}"
            )
        kind = self.charging_profile_kind
        if kind is ChargingProfileKind.RECURRING:
            if self.recurrency_kind is None:
                raise ProfileValidationError("R11", "a Recurring profile needs recurrencyKind (Daily or Weekly)")
            if any(s.start_schedule is None for s in self.charging_schedules):
                raise ProfileValidationError("R12", "a Recurring profile needs chargingSchedule.startSchedule (D4)")
        if self.valid_from is not None and self.valid_to is not None and self.valid_from >= self.valid_to:
            raise ProfileValidationError(
                "R11",
                f"validFrom {self.valid_from.isoformat()} is not before validTo {self.valid_to.isoformat()}",
            )

    @property
    def charging_schedule(self) -> ChargingSchedule:
        """The schedule the engine evaluates: the first of `charging_schedules`."""
        return self.charging_schedules[0]

    @property
    def recurrence_seconds(self) -> int | None:
        """Length of one recurrence for a Recurring profile, else None (D11: ignored on other kinds)."""
        if self.charging_profile_kind is _RECURRING and self.recurrency_kind is not None:
            return self.recurrency_kind.seconds
        return None

    @property
    def anchored_at_start_of_charging(self) -> bool:
        """True when the schedule runs from the start of charging: Relative (R13: startSchedule ignored), or
        Absolute without startSchedule (D4)."""
        kind = self.charging_profile_kind
        return kind is _RELATIVE or (
            # perf: `charging_schedule` without the property call (every profile of a new state passes here)
            kind is _ABSOLUTE and self.charging_schedules[0].start_schedule is None
        )


@attrs.frozen
class Transaction:
    """A charging session on outlet `outlet_id` (1..N) with the central system's `transaction_id`, started at
    `start` (the anchor of Relative profiles, R22)."""

    outlet_id: int
    transaction_id: TransactionId
    start: datetime = attrs.field(converter=_to_transaction_start)

    def __attrs_post_init__(self) -> None:
        if not _is_int(self.outlet_id) or self.outlet_id < 1:
            raise InvalidArgumentError(f"Transaction.outlet_id must be an outlet 1..N, not {self.outlet_id!r}")
        if not _is_transaction_id(self.transaction_id):
            raise InvalidArgumentError(
                f"Transaction.transaction_id must be an integer or a non-empty string, not {self.transaction_id!r}"
            )


#: The most outlets a `ChargePointConfig` may have (a charge point with more is refused when configured).
MAX_OUTLET_COUNT = 1_000


def _units(value: Iterable[str | ChargingRateUnit]) -> tuple[ChargingRateUnit, ...]:
    try:
        return tuple(ChargingRateUnit(u) for u in value)
    except (TypeError, ValueError):  # not iterable, or not a unit
        raise InvalidArgumentError(
            f"ChargePointConfig.allowed_rate_units must be a sequence of units A and W, not {value!r}"
        ) from None


def _config_float(name: str, value: Any) -> float:
    """`value` as the float of `ChargePointConfig`'s field `name`; what `float` refuses is an
    `InvalidArgumentError` naming the field."""
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        raise InvalidArgumentError(f"ChargePointConfig.{name} must be a number, not {value!r}") from None


def _to_voltage(value: Any) -> float:
    return _config_float("voltage", value)


def _to_outlet_max_current(value: Any) -> float:
    return _config_float("outlet_max_current", value)


def _to_optional_max_current(value: Any) -> float | None:
    return None if value is None else _config_float("max_current", value)


@attrs.frozen
class OutletConfig:
    """The electrical facts of one outlet where they differ from the charge point's defaults (OCPP 2.0.1 gives
    them per EVSE: SPEC-201 S9).

    - `outlet_id`: the outlet, 1..N.
    - `max_current`: its hardware maximum, A per phase (None: `ChargePointConfig.outlet_max_current`).
    - `supply_phases`: the phases it supplies, 1 or 3 for AC, 0 for DC (None: the default number of phases).
    - `phase_switching`: whether it can switch a single-phase session between phases (phaseToUse, K01.FR.19).

    On a DC outlet numberPhases means nothing: A<->W there is P = U x I (one "phase") and composite schedules
    carry no numberPhases (K01.FR.44).
    """

    outlet_id: int
    max_current: float | None = attrs.field(default=None, converter=_to_optional_max_current)
    supply_phases: int | None = None
    phase_switching: bool = False

    def __attrs_post_init__(self) -> None:
        if not _is_int(self.outlet_id) or self.outlet_id < 1:
            raise InvalidArgumentError(f"OutletConfig.outlet_id must be an outlet 1..N, not {self.outlet_id!r}")
        if self.max_current is not None and not (math.isfinite(self.max_current) and self.max_current >= 0):
            raise InvalidArgumentError(f"OutletConfig.max_current must be >= 0, not {self.max_current!r}")
        if self.supply_phases is not None and self.supply_phases not in (0, 1, 2, 3):
            raise InvalidArgumentError(
                f"OutletConfig.supply_phases must be 0 (DC), 1, 2 or 3, not {self.supply_phases!r}"
            )
        if not isinstance(self.phase_switching, bool):
            raise InvalidArgumentError(f"OutletConfig.phase_switching must be a bool, not {self.phase_switching!r}")

    @property
    def is_dc(self) -> bool:
        """Whether the outlet is DC (`supply_phases` 0)."""
        return self.supply_phases == 0


def _outlets(value: Iterable[OutletConfig]) -> tuple[OutletConfig, ...]:
    try:
        outlets = tuple(value)
    except TypeError:
        raise InvalidArgumentError(
            f"ChargePointConfig.outlets must be a sequence of OutletConfig, not {value!r}"
        ) from None
    for outlet in outlets:
        if not isinstance(outlet, OutletConfig):
            raise InvalidArgumentError(f"ChargePointConfig.outlets holds {outlet!r}, not an OutletConfig")
    return tuple(sorted(outlets, key=lambda o: o.outlet_id))


def _to_significance(value: Any) -> float:
    return _config_float("limit_change_significance", value)


@attrs.frozen
class ChargePointConfig:
    """The charge point's smart-charging configuration (§9.4 keys, plus electrical facts of the station).

    - `outlet_count`: outlets 1..N (NumberOfConnectors), at most `MAX_OUTLET_COUNT`: outlet 0's
      answers visit every outlet, so the count bounds their cost.
    - `voltage`: nominal voltage per phase, V, for A<->W (R3).
    - `max_stack_level`: ChargeProfileMaxStackLevel; a higher stackLevel is Rejected (R10, D2).
    - `allowed_rate_units`: ChargingScheduleAllowedChargingRateUnit (R10, R30).
    - `max_periods`: ChargingScheduleMaxPeriods (R10).
    - `max_profiles`: MaxChargingProfilesInstalled (R10, D3).
    - `outlet_max_current`: the hardware maximum per outlet, A per phase (R25).
    - `default_number_phases`: phases assumed where a period gives none (§7.14: 3).
    - `outlets`: per-outlet electrical facts where they differ from the above (`OutletConfig`, SPEC-201 S9).
    - `smart_charging_available`: OCPP 2.0.1 SmartChargingCtrlr.Available; when False every smart-charging
      CALL is answered NotSupported (K01.FR.29).
    - `notify_charging_limit_with_schedules`: SmartChargingCtrlr.NotifyChargingLimitWithSchedules (K12).
    - `limit_change_significance`: SmartChargingCtrlr.LimitChangeSignificance, percent (K12, SPEC-201 S10).
    """

    outlet_count: int = 1
    voltage: float = attrs.field(default=230.0, converter=_to_voltage)
    max_stack_level: int = 10
    allowed_rate_units: tuple[ChargingRateUnit, ...] = attrs.field(
        default=(ChargingRateUnit.A, ChargingRateUnit.W), converter=_units
    )
    max_periods: int = 48
    max_profiles: int = 64
    outlet_max_current: float = attrs.field(default=32.0, converter=_to_outlet_max_current)
    default_number_phases: int = 3
    outlets: tuple[OutletConfig, ...] = attrs.field(default=(), converter=_outlets)
    smart_charging_available: bool = True
    notify_charging_limit_with_schedules: bool = False
    limit_change_significance: float = attrs.field(default=0.0, converter=_to_significance)

    def __attrs_post_init__(self) -> None:
        for name in ("outlet_count", "max_stack_level", "max_periods", "max_profiles"):
            value = getattr(self, name)
            if not _is_int(value) or value < 0:
                raise InvalidArgumentError(f"ChargePointConfig.{name} must be a non-negative integer, not {value!r}")
        if self.outlet_count > MAX_OUTLET_COUNT:
            raise InvalidArgumentError(
                f"ChargePointConfig.outlet_count {self.outlet_count} exceeds the maximum {MAX_OUTLET_COUNT}"
            )
        if not (math.isfinite(self.voltage) and self.voltage > 0):
            raise InvalidArgumentError(f"ChargePointConfig.voltage must be a positive number, not {self.voltage!r}")
        if not (math.isfinite(self.outlet_max_current) and self.outlet_max_current >= 0):
            raise InvalidArgumentError(
                f"ChargePointConfig.outlet_max_current must be >= 0, not {self.outlet_max_current!r}"
            )
        if self.default_number_phases not in (1, 2, 3):
            raise InvalidArgumentError(
                f"ChargePointConfig.default_number_phases must be 1, 2 or 3, not {self.default_number_phases!r}"
            )
        if not self.allowed_rate_units:
            raise InvalidArgumentError("ChargePointConfig.allowed_rate_units must name at least one unit")
        ids = [outlet.outlet_id for outlet in self.outlets]
        for outlet in self.outlets:
            if ids.count(outlet.outlet_id) > 1:
                raise InvalidArgumentError(f"ChargePointConfig.outlets names outlet {outlet.outlet_id} twice")
            if outlet.outlet_id > self.outlet_count:
                raise InvalidArgumentError(
                    f"ChargePointConfig.outlets names outlet {outlet.outlet_id}, not one of 1..{self.outlet_count}"
                )
        for name in ("smart_charging_available", "notify_charging_limit_with_schedules"):
            if not isinstance(getattr(self, name), bool):
                raise InvalidArgumentError(f"ChargePointConfig.{name} must be a bool, not {getattr(self, name)!r}")
        if not (math.isfinite(self.limit_change_significance) and self.limit_change_significance >= 0):
            raise InvalidArgumentError(
                f"ChargePointConfig.limit_change_significance must be >= 0, not {self.limit_change_significance!r}"
            )

    def outlet(self, outlet_id: int) -> OutletConfig:
        """Outlet `outlet_id`'s (1..N) electrical facts, the charge point's defaults filled in: `max_current`
        and `supply_phases` are never None."""
        for outlet in self.outlets:
            if outlet.outlet_id == outlet_id:
                if outlet.max_current is not None and outlet.supply_phases is not None:
                    return outlet  # perf: complete already, no copy
                return OutletConfig(outlet_id, *self.outlet_supply(outlet_id), outlet.phase_switching)
        return OutletConfig(outlet_id, *self.outlet_supply(outlet_id))

    def outlet_supply(self, outlet_id: int) -> tuple[float, int]:
        """Outlet `outlet_id`'s (1..N) `max_current` and `supply_phases` as `outlet` fills them in, without
        building an `OutletConfig` (the engine reads them for every new state)."""
        for outlet in self.outlets:
            if outlet.outlet_id == outlet_id:
                return (
                    self.outlet_max_current if outlet.max_current is None else outlet.max_current,
                    self.default_number_phases if outlet.supply_phases is None else outlet.supply_phases,
                )
        return self.outlet_max_current, self.default_number_phases

    @property
    def outlet_ids(self) -> range:
        """The outlets 1..N (outlet 0, the whole charge point, is not among them)."""
        return range(1, self.outlet_count + 1)
