"""Every problem in a document, each with the rule it breaks: the engine of ``smartcharge validate``.

The library's constructors and handlers stop at the first problem, as a charge point answering a message must.
A person fixing a document wants all of them at once, so this module checks each part on its own: every field of
the payload's JSON shape (R14, R5: what would be a CALLERROR), every schedule period and then the schedule and the
profile (R4, R11-R13, D4: what would be ``Rejected``), and finally the placement on a charge point (R6-R10, D1-D3,
through `install_profile`). Within one part the first problem found is reported; different parts report
independently.

Documents: a SetChargingProfile.req payload (also inside an OCPP-J CALL frame ``[2, id, action, payload]``), a bare
``csChargingProfiles`` object, a saved state (`serialize`) or a replay script (`replay`). For a script, every call
the charge point answers with ``Rejected`` or a CALLERROR is a problem of its event.

Pure: document in, list of `Problem` out. No I/O (the `cli` reads files and picks exit codes).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from functools import partial
from typing import Any

import attrs

from smartcharge.documents.replay import replay_script
from smartcharge.documents.state_document import STATE_PURPOSES, StateDocumentError, state_from_json
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
from smartcharge.engine.store import ChargePointState, install_profile
from smartcharge.errors import InvalidArgumentError, OcppCallError, ProfileValidationError, ScriptError
from smartcharge.ocpp16.codec import (
    FORMAT_VIOLATION,
    PROPERTY_CONSTRAINT_VIOLATION,
    child_path,
    profile_from_ocpp,
    read_enum,
    read_instant,
    read_int,
    read_number,
    read_object,
    read_purpose,
)
from smartcharge.ocpp16.purposes import PURPOSES

__all__ = ["Problem", "document_kind", "validate_document", "validate_payload", "validate_profile"]

#: When a document says nothing about time, profiles are placed at this instant (it only becomes `installedAt`).
_NO_TIME = datetime(2026, 1, 1, tzinfo=timezone.utc)
_TIME_FIELDS = ("validFrom", "validTo", "startSchedule")


@attrs.frozen
class Problem:
    """One problem: the `rule` it breaks (a SPEC id such as ``"R4"`` or ``"D1"``; ``"script"`` or ``"state"`` for
    the document's own format), `where` it is (a JSON path, prefixed with ``event N`` in a script) and a
    `message` in words."""

    rule: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.where}: {self.message}" if self.where else f"{self.rule}: {self.message}"


# --- the JSON shape, field by field --------------------------------------------------------------------------

Reader = Callable[[Any, str], Any]


def _enum(enum: type[Any], allowed: Sequence[Any] | None = None) -> Reader:
    return lambda value, path: read_enum(value, path, enum, allowed)


def _array(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise OcppCallError(FORMAT_VIOLATION, f"{path} must be an array, not {type(value).__name__}")
    return value


def _an_object(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise OcppCallError(FORMAT_VIOLATION, f"{path} must be an object, not {type(value).__name__}")
    return value


# (required, reader) per field, as in the OCPP 1.6 JSON schema of SetChargingProfile.req (§6.43, §7.8, §7.13, §7.14).
_PERIOD_FIELDS: dict[str, tuple[bool, Reader]] = {
    "startPeriod": (True, read_int),
    "limit": (True, read_number),
    "numberPhases": (False, read_int),
}
_SCHEDULE_FIELDS: dict[str, tuple[bool, Reader]] = {
    "duration": (False, read_int),
    "startSchedule": (False, read_instant),
    "chargingRateUnit": (True, _enum(ChargingRateUnit)),
    "chargingSchedulePeriod": (True, _array),
    "minChargingRate": (False, read_number),
}


def _profile_fields(strict: bool) -> dict[str, tuple[bool, Reader]]:
    purposes = PURPOSES if strict else STATE_PURPOSES
    return {
        "chargingProfileId": (True, read_int),
        "transactionId": (False, read_int),
        "stackLevel": (True, read_int),
        "chargingProfilePurpose": (True, lambda value, path: read_purpose(value, path, purposes)),
        "chargingProfileKind": (True, _enum(ChargingProfileKind)),
        "recurrencyKind": (False, _enum(RecurrencyKind)),
        "validFrom": (False, read_instant),
        "validTo": (False, read_instant),
        "chargingSchedule": (True, _an_object),
    }


def _call_error_problem(exc: OcppCallError, where: str, field: str = "") -> Problem:
    """A CALLERROR the handler would send: R5 for a timestamp, R14 for any other shape or enum problem."""
    rule = "R5" if field in _TIME_FIELDS and exc.code == FORMAT_VIOLATION else "R14"
    description = exc.description.removeprefix(f"{where} ") if where else exc.description
    return Problem(rule, where, f"{exc.code}: {description}")


def _read_fields(
    value: Any, path: str, fields: Mapping[str, tuple[bool, Reader]], problems: list[Problem]
) -> dict[str, Any] | None:
    """The fields of the object at `path` that read well; a problem for each one that does not, for each missing
    required field and for unknown fields. None when `value` is not an object at all."""
    try:
        read_object(value, path, fields.keys())
    except OcppCallError as exc:
        problems.append(_call_error_problem(exc, path))
        if not isinstance(value, Mapping):
            return None
    read: dict[str, Any] = {}
    for name, (required, reader) in fields.items():
        where = child_path(path, name)
        if name not in value:
            if required:
                problems.append(Problem("R14", where, f"{FORMAT_VIOLATION}: is required"))
            continue
        try:
            read[name] = reader(value[name], where)
        except OcppCallError as exc:
            problems.append(_call_error_problem(exc, where, name))
    return read


def _rule_problem(exc: ProfileValidationError, where: str) -> Problem:
    return Problem(exc.rule, where, exc.message)


# --- a profile on its own --------------------------------------------------------------------------------------


def _check(problems: list[Problem], where: str, build: Callable[[], object]) -> bool:
    """Builds a model value that checks one part on its own; its rule problem is recorded. True when it held."""
    try:
        build()
    except ProfileValidationError as exc:
        problems.append(Problem(exc.rule, where, exc.message))
        return False
    return True


def _periods(values: list[Any], path: str, problems: list[Problem]) -> tuple[list[int] | None, bool]:
    """Each period's fields checked one by one (R4, R14): the start offsets when every one is known (for the order
    of the periods), and whether every period is valid."""
    starts: list[int] | None = []
    valid = True
    for i, value in enumerate(values):
        where = f"{path}[{i}]"
        read = _read_fields(value, where, _PERIOD_FIELDS, problems)
        if read is None or len(read) < len(value):
            valid = False
        fields: dict[str, Any] = read or {}
        checks = {  # each field on its own, the others neutral
            "startPeriod": lambda f: ChargingSchedulePeriod(f["startPeriod"], 0.0),
            "limit": lambda f: ChargingSchedulePeriod(0, f["limit"]),
            "numberPhases": lambda f: ChargingSchedulePeriod(0, 0.0, f["numberPhases"]),
        }
        held = {
            name: _check(problems, where, partial(check, fields)) for name, check in checks.items() if name in fields
        }
        valid = valid and all(held.values()) and "startPeriod" in held and "limit" in held
        starts = [*starts, fields["startPeriod"]] if starts is not None and held.get("startPeriod") else None
    return starts, valid


@attrs.frozen
class _Schedule:
    """What the profile's own checks need of its schedule: the schedule when it is valid, its startSchedule, its
    unit (None when unreadable) and its number of periods."""

    schedule: ChargingSchedule | None
    start: datetime | None
    unit: ChargingRateUnit | None
    period_count: int


def _schedule(value: Any, path: str, problems: list[Problem]) -> _Schedule:
    read = _read_fields(value, path, _SCHEDULE_FIELDS, problems) or {}
    start, unit = read.get("startSchedule"), read.get("chargingRateUnit")
    values = read.get("chargingSchedulePeriod")
    starts, periods_valid = (
        (None, False) if values is None else _periods(values, child_path(path, "chargingSchedulePeriod"), problems)
    )
    a_unit = unit or ChargingRateUnit.A
    duration, min_rate = read.get("duration"), read.get("minChargingRate")
    own = _check(
        problems, path, lambda: ChargingSchedule(a_unit, [ChargingSchedulePeriod(0, 0.0)], duration, start, min_rate)
    )
    if starts is not None:  # the periods' order on its own: first at 0, strictly increasing (R4)
        order = [ChargingSchedulePeriod(s, 0.0) if s >= 0 else ChargingSchedulePeriod(0, 0.0) for s in starts]
        own = _check(problems, path, lambda: ChargingSchedule(a_unit, order)) and own
    schedule = None
    if own and periods_valid and unit is not None and len(read) == len(value):
        schedule = _read_schedule(value)
    return _Schedule(schedule, start, unit, len(values) if values is not None else 1)


def _read_schedule(value: Mapping[str, Any]) -> ChargingSchedule | None:
    """The schedule of a `value` whose every part checked out."""
    try:
        return profile_from_ocpp(
            {
                "chargingProfileId": 0,
                "stackLevel": 0,
                "chargingProfilePurpose": "TxDefaultProfile",
                "chargingProfileKind": "Relative",
                "chargingSchedule": value,
            }
        ).charging_schedule
    except (OcppCallError, ProfileValidationError):
        return None


@attrs.frozen
class _Placement:
    """What placing a profile on a charge point depends on (R6-R10, D1): known even when other parts of the
    profile have problems, so that those rules are checked too."""

    profile_id: int
    stack_level: int
    purpose: Purpose
    unit: ChargingRateUnit | None
    period_count: int
    transaction_id: int | None

    def stand_in(self, config: ChargePointConfig) -> ChargingProfile:
        """A valid profile that any placement rule treats exactly as the real one."""
        unit = self.unit or config.allowed_rate_units[0]
        periods = [ChargingSchedulePeriod(i, 0.0) for i in range(max(1, self.period_count))]
        return ChargingProfile(
            self.profile_id,
            self.stack_level,
            self.purpose,
            ChargingProfileKind.RELATIVE,
            ChargingSchedule(unit, periods),
            self.transaction_id,
        )


def _profile(value: Any, path: str, strict: bool, problems: list[Problem]) -> _Placement | None:
    """Checks a csChargingProfiles object on its own; what its placement needs, when that is known."""
    read = _read_fields(value, path, _profile_fields(strict), problems)
    if read is None:
        return None
    schedule = _Schedule(None, None, None, 1)
    if "chargingSchedule" in read:
        schedule = _schedule(read["chargingSchedule"], child_path(path, "chargingSchedule"), problems)
    needed = ("chargingProfileId", "stackLevel", "chargingProfilePurpose", "chargingProfileKind")
    if any(name not in read for name in needed):
        return None
    stand_in = ChargingSchedule(ChargingRateUnit.A, [ChargingSchedulePeriod(0, 0.0)], start_schedule=schedule.start)
    held = _check(
        problems,
        path,
        lambda: ChargingProfile(
            read["chargingProfileId"],
            read["stackLevel"],
            read["chargingProfilePurpose"],
            read["chargingProfileKind"],
            schedule.schedule or stand_in,
            read.get("transactionId"),
            read.get("recurrencyKind"),
            read.get("validFrom"),
            read.get("validTo"),
        ),
    )
    if not held and read["stackLevel"] < 0:
        return None
    return _Placement(
        read["chargingProfileId"],
        read["stackLevel"],
        read["chargingProfilePurpose"],
        schedule.unit,
        schedule.period_count,
        read.get("transactionId"),
    )


def validate_profile(profile: Any, path: str = "csChargingProfiles", *, strict: bool = True) -> list[Problem]:
    """The problems of a ``csChargingProfiles`` object on its own: its JSON shape (R14, R5) and the rules a
    profile obeys without a charge point (R4, R11-R13, D4). `strict` limits purposes to OCPP 1.6's three."""
    problems: list[Problem] = []
    _profile(profile, path, strict, problems)
    return problems


# --- a profile on a charge point ----------------------------------------------------------------------------------


def _stand_in_state(outlet_id: int, placement: _Placement, now: datetime) -> ChargePointState:
    """A charge point with the default configuration, the payload's connector, and a transaction on it for a
    TxProfile (the one the profile names), so that only the payload's own problems show."""
    state = ChargePointState(ChargePointConfig(outlet_count=max(1, outlet_id)))
    if placement.purpose.role is PurposeRole.TRANSACTION and outlet_id > 0:
        transaction_id = 1 if placement.transaction_id is None else placement.transaction_id
        state = attrs.evolve(state, transactions=(Transaction(outlet_id, transaction_id, now),))
    return state


def _placement(
    outlet_id: int, placement: _Placement, state: ChargePointState | None, now: datetime, where: str
) -> list[Problem]:
    """R6-R10, D1-D3: what `install_profile` rejects on `state` (a stand-in charge point when None)."""
    target = _stand_in_state(outlet_id, placement, now) if state is None else state
    outcome = install_profile(target, outlet_id, placement.stand_in(target.config), now)
    if outcome.accepted:
        return []
    return [Problem(outcome.rule or "R10", where, outcome.reason)]


def validate_payload(payload: Any, state: ChargePointState | None = None, now: datetime = _NO_TIME) -> list[Problem]:
    """The problems of a SetChargingProfile.req payload (§5.16, §6.43): its shape (R14, R5), its profile (R4,
    R11-R13, D4) and, when the profile is valid, its placement on `state` at `now` (R6-R10, D1-D3). Without a
    state, a charge point with the default configuration that has the payload's connector (and, for a TxProfile,
    a transaction on it) stands in, so only what is wrong with the payload itself shows."""
    problems: list[Problem] = []
    fields: dict[str, tuple[bool, Reader]] = {"connectorId": (True, read_int), "csChargingProfiles": (True, _an_object)}
    read = _read_fields(payload, "", fields, problems)
    if read is None:
        return problems
    outlet_id = read.get("connectorId")
    if outlet_id is not None:
        count = state.config.outlet_count if state is not None else None
        if outlet_id < 0 or (count is not None and outlet_id > count):
            shown = "0..N" if count is None else f"0..{count}"
            problems.append(
                Problem("R6", "connectorId", f"{PROPERTY_CONSTRAINT_VIOLATION}: {outlet_id} is not {shown}")
            )
            outlet_id = None
    if "csChargingProfiles" not in read:
        return problems
    placement = _profile(read["csChargingProfiles"], "csChargingProfiles", True, problems)
    if placement is not None and outlet_id is not None:
        problems.extend(_placement(outlet_id, placement, state, now, "csChargingProfiles"))
    return problems


def _bare_profile(document: Mapping[str, Any], state: ChargePointState | None) -> list[Problem]:
    """A ``csChargingProfiles`` object: on its own, then placed where its purpose usually goes (connector 0,
    a TxProfile on connector 1 with its transaction)."""
    problems: list[Problem] = []
    placement = _profile(document, "", True, problems)
    if placement is not None:
        outlet_id = 1 if placement.purpose.role is PurposeRole.TRANSACTION else 0
        problems.extend(_placement(outlet_id, placement, state, _NO_TIME, ""))
    return problems


# --- saved states -------------------------------------------------------------------------------------------------


def _state_document(document: Mapping[str, Any]) -> list[Problem]:
    """A saved state: its format (the profiles' problems each, else the first format problem), then whether the
    rules could have built it: each profile installed again in installedAt order must be accepted (R6-R10, D1-D3)
    and replace nothing (R15)."""
    try:
        state = state_from_json(document)
    except StateDocumentError as exc:
        problems: list[Problem] = []
        entries = document.get("profiles")
        for i, entry in enumerate(entries if isinstance(entries, list) else []):
            if isinstance(entry, Mapping) and "chargingProfile" in entry:
                path = f"profiles[{i}].chargingProfile"
                problems.extend(_located(validate_profile(entry["chargingProfile"], path, strict=False), ""))
        return problems or [Problem("state", "", str(exc))]
    rebuilt = ChargePointState(state.config, transactions=state.transactions)
    problems = []
    order = sorted(range(len(state.profiles)), key=lambda i: state.profiles[i].installed_at)
    for i in order:
        installed = state.profiles[i]
        profile = installed.profile
        where = f"profile {profile.charging_profile_id} on connector {installed.outlet_id}"
        outcome = install_profile(rebuilt, installed.outlet_id, profile, installed.installed_at)
        if not outcome.accepted:
            problems.append(Problem(outcome.rule or "R10", where, outcome.reason))
            continue
        if outcome.replaced:
            replaced = ", ".join(map(str, outcome.replaced))
            problems.append(
                Problem(
                    "R15",
                    where,
                    f"would replace profile {replaced}: same id, or same purpose, stackLevel and connector",
                )
            )
        rebuilt = outcome.state
    return problems


# --- replay scripts ------------------------------------------------------------------------------------------------


def _prefix(script: Mapping[str, Any], events: Sequence[Any]) -> Mapping[str, Any]:
    return {**{k: v for k, v in script.items() if k in ("config", "state")}, "events": list(events)}


def _composite_problem(payload: Mapping[str, Any], state: ChargePointState, answer: Mapping[str, Any]) -> Problem:
    """Why GetCompositeSchedule was not accepted (R30)."""
    if "error" in answer:
        error = answer["error"]
        rule = "R30" if error["code"] == PROPERTY_CONSTRAINT_VIOLATION else "R14"
        return Problem(rule, "", f"CALLERROR {error['code']}: {error['description']}")
    outlet_id, duration = payload.get("connectorId"), payload.get("duration")
    unit = payload.get("chargingRateUnit")
    if isinstance(outlet_id, int) and not 0 <= outlet_id <= state.config.outlet_count:
        reason = f"connectorId {outlet_id} is not 0..{state.config.outlet_count}"
    elif isinstance(duration, int) and duration < 0:
        reason = f"duration {duration} is negative"
    elif unit is not None:
        allowed = ",".join(u.value for u in state.config.allowed_rate_units)
        reason = f"chargingRateUnit {unit} is not in ChargingScheduleAllowedChargingRateUnit {allowed}"
    else:
        reason = "the window cannot be represented"
    return Problem("R30", "", f"Rejected: {reason}")


def _answer_problems(
    script: Mapping[str, Any], events: Sequence[Any], index: int, answer: Mapping[str, Any]
) -> list[Problem]:
    """The problems behind a Rejected or CALLERROR answer to event `index`, found on the state just before it."""
    event = events[index]
    before = replay_script(_prefix(script, events[:index])).state
    payload = event.get("payload")
    call = answer["call"]
    if call == "SetChargingProfile":
        now = read_instant(event["at"], "at")
        found = validate_payload(payload, before, now)
    elif call == "GetCompositeSchedule" and isinstance(payload, Mapping):
        found = [_composite_problem(payload, before, answer)]
    else:
        found = []
    if not found:
        shown = answer.get("error") or answer.get("response")
        found = [Problem("R14" if "error" in answer else "R32", "", f"{call} answered {shown}")]
    return found


def _located(problems: list[Problem], prefix: str) -> list[Problem]:
    """`problems` with `prefix` put before their place."""
    return [attrs.evolve(p, where=" ".join(x for x in (prefix, p.where) if x)) for p in problems]


def _script(script: Mapping[str, Any]) -> list[Problem]:
    """A replay script: a malformed one is one problem naming the event; otherwise every Rejected or CALLERROR
    answer is a problem of its event, with the rules it breaks."""
    try:
        result = replay_script(script)
    except ScriptError as exc:
        where = "" if exc.index is None else f"event {exc.index}"
        return [Problem("script", where, exc.message)]
    events = script["events"]
    calls = [i for i, event in enumerate(events) if "call" in event]
    problems: list[Problem] = []
    for index, answer in zip(calls, result.answers, strict=True):
        response = answer.get("response", {})
        if "error" in answer or response.get("status") == "Rejected":
            problems.extend(_located(_answer_problems(script, events, index, answer), f"event {index}"))
    return problems


# --- any document -------------------------------------------------------------------------------------------------


def document_kind(document: Any) -> str | None:
    """``"script"``, ``"state"``, ``"payload"`` (SetChargingProfile.req, also in an OCPP-J CALL frame) or
    ``"profile"`` (a bare csChargingProfiles object); None for anything else."""
    if _framed_payload(document) is not None:
        return "payload"
    if not isinstance(document, Mapping):
        return None
    if "events" in document:
        return "script"
    if "format" in document:
        return "state"
    if "csChargingProfiles" in document:
        return "payload"
    if "chargingSchedule" in document or "chargingProfileId" in document:
        return "profile"
    return None


def _framed_payload(document: Any) -> Any:
    """The payload of an OCPP-J CALL frame ``[2, id, "SetChargingProfile", payload]``, else None."""
    if isinstance(document, list) and len(document) == 4 and document[0] == 2 and document[2] == "SetChargingProfile":
        return document[3]
    return None


def validate_document(document: Any, state: ChargePointState | None = None) -> list[Problem]:
    """Every problem of `document` (module docstring), each with its rule id; empty when there is none.

    `state` is the charge point a payload or profile is checked against (default: a stand-in, see
    `validate_payload`). Raises `InvalidArgumentError` when the document is none of the kinds this module reads.
    """
    kind = document_kind(document)
    if kind == "script":
        return _script(document)
    if kind == "state":
        return _state_document(document)
    if kind == "payload":
        framed = _framed_payload(document)
        return validate_payload(document if framed is None else framed, state)
    if kind == "profile":
        return _bare_profile(document, state)
    raise InvalidArgumentError(
        "not a SetChargingProfile payload, a csChargingProfiles object, a saved state or a replay script"
    )
