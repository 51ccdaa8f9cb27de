"""Every problem in a document, each with the rule it breaks: the engine of ``smartcharge validate``.

The library's constructors and handlers stop at the first problem, as a charge point answering a message must.
A person fixing a document wants all of them at once, so this module asks every question on its own, with what
else it depends on replaced by a neutral value, and reports every answer that is a problem:

- the JSON shape, field by field, as the codec's and the handlers' field tables describe it (R14, R5: what would be
  a CALLERROR): a missing, mistyped or unknown field, a value outside an enumeration, a timestamp without offset;
- each field of each schedule period (R4: startPeriod, limit, numberPhases);
- the schedule's own rules: the order of its periods, its duration, startSchedule and minChargingRate (R4);
- the profile's own rules: chargingProfileId, stackLevel, transactionId (R4), a Recurring profile's recurrencyKind
  (R11) and startSchedule (R12, D4), the validity window (R11);
- the placement on a charge point (through `install_profile`): where the profile may go and whether there is room
  for it (R6-R9, D1, MaxChargingProfilesInstalled), then each configured limit it may exceed: stackLevel,
  number of periods, unit (R10, D2).

A question that depends on a part with a problem of its own is not asked (a period whose limit is not a number has
no limit to check), so one mistake is reported once.

Documents: a SetChargingProfile.req payload (also inside an OCPP-J CALL frame ``[2, id, action, payload]``), a bare
``csChargingProfiles`` object, a saved state (`state_document`) or a replay script (`replay`). A saved state
reports every malformed part (its header, config, each profile entry with its profile, each transaction), and
when it is well formed, every profile that the rules would not have installed in its place. A script cannot be
replayed past a malformed event, so a malformed script is one problem naming the event; otherwise every call the
charge point answers with ``Rejected`` or a CALLERROR is a problem of its event.

OCPP 2.0.1 documents (SPEC-201; `document_ocpp_version`) are a SetChargingProfile payload ``{evseId,
chargingProfile}`` (also in a CALL frame), a bare ``ChargingProfileType`` object, a saved state or a replay script
with ``"ocppVersion": "2.0.1"``. Their payloads are read against the official JSON schemas by a reader that stops at
the first problem (`ocpp201.schema`), so a payload or profile breaking its schema is one problem: the first, with
its CALLERROR code (S18). One that passes is judged by `ocpp201.rules.judge_profile`, which answers the first
refusal in E9's order; so that the configured limits do not hide the rest, the profile is judged on a station whose
RateUnit, ProfileStackLevel and PeriodsPerSchedule it fits, and each of those limits is then asked about on its
own, with a neutral profile of the same unit, stack level and periods on an empty station (S6). Each refusal is a
problem with the SPEC-201 rule it applies (`Refusal.spec_rule`: S1 unknown EVSE, S2 purpose placement, S3 kinds,
S4/E1 schedules, S5 transaction ids, S6 configuration, S7/S8/E2 conflicts, S9/E3/E4 phases), its reason code and
the requirement behind it. Without a station a payload is placed on a stand-in: the default configuration with
the payload's EVSE, every EVSE switching phases, and for a TxProfile the transaction it names running there. A
saved 2.0.1 state that does not read is one problem; one that reads reports every profile the rules would not have
installed in its place. In a 2.0.1 script every call answered ``Rejected`` or with a CALLERROR is a problem of its
event.

Pure: document in, list of `Problem` out. No I/O (the `cli` reads files and picks exit codes).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

import attrs

from smartcharge._json import Fields, child_path, read_array, read_instant, read_object, read_optional, read_required
from smartcharge.documents.replay import replay_script
from smartcharge.documents.state_document import (
    INSTALLED_FIELDS,
    STATE_PURPOSES,
    TRANSACTION_FIELDS,
    StateDocumentError,
    state_from_json,
)
from smartcharge.engine.model import (
    MAX_OUTLET_COUNT,
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
from smartcharge.engine.store import ChargePointState, InstalledProfile, install_profile, start_transaction
from smartcharge.errors import DocumentError, DocumentProblem, InvalidArgumentError, ProfileValidationError, ScriptError
from smartcharge.ocpp16.codec import (
    PERIOD_FIELDS,
    PROPERTY_CONSTRAINT_VIOLATION,
    SCHEDULE_FIELDS,
    call_error_from,
    config_from_ocpp,
    profile_fields,
)
from smartcharge.ocpp16.handlers import SET_CHARGING_PROFILE_FIELDS
from smartcharge.ocpp16.purposes import PURPOSES, ChargingProfilePurpose
from smartcharge.ocpp201 import codec as codec201
from smartcharge.ocpp201.purposes import PURPOSES as PURPOSES_201
from smartcharge.ocpp201.purposes import ChargingProfilePurpose as Purpose201
from smartcharge.ocpp201.rules import Refusal, judge_profile
from smartcharge.ocpp201.schema import SchemaViolation, check, load_schema

__all__ = [
    "Problem",
    "document_kind",
    "document_ocpp_version",
    "validate_document",
    "validate_payload",
    "validate_profile",
]

#: When a document says nothing about time, profiles are placed at this instant (it only becomes `installedAt`).
_NO_TIME = datetime(2026, 1, 1, tzinfo=timezone.utc)
#: The profile fields without which the profile's own rules and its placement cannot be asked about.
_NEEDED = ("chargingProfileId", "stackLevel", "chargingProfilePurpose", "chargingProfileKind")


@attrs.frozen
class Problem:
    """One problem: the `rule` it breaks (a SPEC id such as ``"R4"`` or ``"D1"``, a SPEC-201 id such as ``"S9"`` or
    ``"E3"`` for an OCPP 2.0.1 document; ``"script"`` or ``"state"`` for the document's own format), `where` it is
    (a JSON path, prefixed with ``event N`` in a script) and a `message` in words."""

    rule: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.where}: {self.message}" if self.where else f"{self.rule}: {self.message}"


# --- the JSON shape, field by field --------------------------------------------------------------------------


def _call_error_problem(error: DocumentError) -> Problem:
    """The CALLERROR the handler would send for `error` (`call_error_from`): R5 for a timestamp, R14 for any other
    shape or enumeration problem."""
    call_error = call_error_from(error)
    rule = "R5" if error.problem is DocumentProblem.BAD_TIMESTAMP else "R14"
    return Problem(rule, error.path, f"{call_error.code}: {error.message if error.path else call_error.description}")


def _state_problem(error: DocumentError) -> Problem:
    """A malformed part of a saved state's own format."""
    return Problem("state", error.path, error.message)


def _read_fields(
    value: Any,
    path: str,
    fields: Fields,
    problems: list[Problem],
    problem: Callable[[DocumentError], Problem] = _call_error_problem,
) -> dict[str, Any] | None:
    """The fields of the object at `path` that read well; a `problem` for unknown fields, for each missing
    required field and for each field that does not read. None when `value` is not an object at all."""
    try:
        read_object(value, path, fields)
    except DocumentError as exc:
        problems.append(problem(exc))
        if exc.problem is not DocumentProblem.UNKNOWN_FIELD:
            return None
    read: dict[str, Any] = {}
    for name, field in fields.items():
        if name in value or field.required:
            try:
                read[name] = read_required(value, name, path, field.read)
            except DocumentError as exc:
                problems.append(problem(exc))
    return read


# --- the model's rules, one question at a time -------------------------------------------------------------------

_NEUTRAL_PERIOD = ChargingSchedulePeriod(0, 0.0)


def _ask(problems: list[Problem], where: str, questions: Mapping[str, Callable[[], object]]) -> dict[str, bool]:
    """Builds each model value of `questions` (each asks the model one question); records the rule problem of every
    one that fails. Whether each held, by name."""
    held: dict[str, bool] = {}
    for name, build in questions.items():
        try:
            build()
        except ProfileValidationError as exc:
            problems.append(Problem(exc.rule, where, exc.message))
            held[name] = False
        else:
            held[name] = True
    return held


def _schedule_with(**fields: Any) -> ChargingSchedule:
    """A valid schedule but for `fields` (`ChargingSchedule`'s own names)."""
    values: dict[str, Any] = {
        "charging_rate_unit": ChargingRateUnit.A,
        "charging_schedule_period": [_NEUTRAL_PERIOD],
        **fields,
    }
    return ChargingSchedule(**values)


def _profile_with(purpose: Purpose, start: datetime | None = None, **fields: Any) -> ChargingProfile:
    """A valid profile of `purpose` but for `fields` (`ChargingProfile`'s own names) and its schedule's `start`."""
    values: dict[str, Any] = {
        "charging_profile_id": 0,
        "stack_level": 0,
        "charging_profile_purpose": purpose,
        "charging_profile_kind": ChargingProfileKind.RELATIVE,
        "charging_schedules": _schedule_with(start_schedule=start),
        **fields,
    }
    return ChargingProfile(**values)


# --- a profile on its own --------------------------------------------------------------------------------------


def _period_questions(read: Mapping[str, Any]) -> dict[str, Callable[[], object]]:
    """One question per field read of a period, the others neutral (R4)."""
    questions: dict[str, Callable[[], object]] = {
        "startPeriod": lambda: ChargingSchedulePeriod(read["startPeriod"], 0.0),
        "limit": lambda: ChargingSchedulePeriod(0, read["limit"]),
        "numberPhases": lambda: ChargingSchedulePeriod(0, 0.0, read["numberPhases"]),
    }
    return {name: question for name, question in questions.items() if name in read}


def _periods(values: Sequence[Any], path: str, problems: list[Problem]) -> list[int] | None:
    """Each period's fields, each on its own (R4, R14): the start offsets when every one is known and valid (for the
    order of the periods)."""
    starts: list[int] | None = []
    for i, value in enumerate(values):
        where = f"{path}[{i}]"
        read = _read_fields(value, where, PERIOD_FIELDS, problems) or {}
        held = _ask(problems, where, _period_questions(read))
        starts = [*starts, read["startPeriod"]] if starts is not None and held.get("startPeriod") else None
    return starts


@attrs.frozen
class _Schedule:
    """What the profile's own rules and its placement need of its schedule: its startSchedule, its unit (None when
    unreadable) and its number of periods."""

    start: datetime | None = None
    unit: ChargingRateUnit | None = None
    period_count: int = 1


def _schedule(value: Any, path: str, problems: list[Problem]) -> _Schedule:
    read = _read_fields(value, path, SCHEDULE_FIELDS, problems) or {}
    values = read.get("chargingSchedulePeriod")
    questions: dict[str, Callable[[], object]] = {
        "duration": lambda: _schedule_with(duration=read["duration"]),
        "startSchedule": lambda: _schedule_with(start_schedule=read["startSchedule"]),
        "minChargingRate": lambda: _schedule_with(min_charging_rate=read["minChargingRate"]),
    }
    asked = {name: question for name, question in questions.items() if name in read}
    if values is not None:
        starts = _periods(values, child_path(path, "chargingSchedulePeriod"), problems)
        if starts is not None:  # the periods' order on its own: first at 0, strictly increasing (R4)
            order = [ChargingSchedulePeriod(start, 0.0) for start in starts]
            asked = {"order": lambda: _schedule_with(charging_schedule_period=order), **asked}
    _ask(problems, path, asked)
    return _Schedule(read.get("startSchedule"), read.get("chargingRateUnit"), len(values) if values else 1)


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
    read = _read_fields(value, path, profile_fields(PURPOSES if strict else STATE_PURPOSES), problems)
    if read is None:
        return None
    schedule = _Schedule()
    if "chargingSchedule" in read:
        schedule = _schedule(read["chargingSchedule"], child_path(path, "chargingSchedule"), problems)
    if any(name not in read for name in _NEEDED):
        return None
    purpose, kind, recurrency = read["chargingProfilePurpose"], read["chargingProfileKind"], read.get("recurrencyKind")
    held = _ask(
        problems,
        path,
        {
            "chargingProfileId": lambda: _profile_with(purpose, charging_profile_id=read["chargingProfileId"]),
            "stackLevel": lambda: _profile_with(purpose, stack_level=read["stackLevel"]),
            "transactionId": lambda: _profile_with(purpose, transaction_id=read.get("transactionId")),
            # R11: a Recurring profile names its recurrence (asked with some startSchedule)
            "recurrencyKind": lambda: _profile_with(
                purpose, _NO_TIME, charging_profile_kind=kind, recurrency_kind=recurrency
            ),
            # R12, D4: a Recurring profile has a startSchedule (asked with some recurrencyKind)
            "startSchedule": lambda: _profile_with(
                purpose,
                schedule.start,
                charging_profile_kind=kind,
                recurrency_kind=recurrency or RecurrencyKind.DAILY,
            ),
            # R11: validFrom before validTo
            "validity": lambda: _profile_with(purpose, valid_from=read.get("validFrom"), valid_to=read.get("validTo")),
        },
    )
    if not held["stackLevel"]:
        return None
    return _Placement(
        read["chargingProfileId"],
        read["stackLevel"],
        purpose,
        schedule.unit,
        schedule.period_count,
        read.get("transactionId"),
    )


def validate_profile(profile: Any, path: str = "csChargingProfiles", *, strict: bool = True) -> list[Problem]:
    """Every problem of a ``csChargingProfiles`` object on its own (module docstring): its JSON shape (R14, R5)
    and the rules a profile obeys without a charge point (R4, R11-R13, D4). `strict` limits purposes to OCPP 1.6's
    three (otherwise a saved state's purposes are allowed too)."""
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


def _fitting(config: ChargePointConfig, profile: ChargingProfile) -> dict[str, Any]:
    """Limits of the configuration (`ChargePointConfig`'s names) that `profile`'s stackLevel, number of periods
    and unit fit, none lower than `config`'s."""
    return {
        "max_stack_level": max(config.max_stack_level, profile.stack_level),
        "max_periods": max(config.max_periods, len(profile.charging_schedule.charging_schedule_period)),
        "allowed_rate_units": tuple(ChargingRateUnit),
    }


def _limit_problems(config: ChargePointConfig, profile: ChargingProfile, now: datetime, where: str) -> list[Problem]:
    """R10, D2: each limit of `config` that `profile` exceeds (stackLevel, number of periods, unit), one question
    at a time: the same profile as a ChargePointMaxProfile on connector 0 of an empty charge point whose
    configuration has only that one limit of `config`, so that nothing else refuses it."""
    fitting = _fitting(config, profile)
    cap = attrs.evolve(
        profile, charging_profile_purpose=ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE, transaction_id=None
    )
    problems: list[Problem] = []
    for limit in fitting:
        others = {name: value for name, value in fitting.items() if name != limit}
        outcome = install_profile(ChargePointState(attrs.evolve(config, max_profiles=1, **others)), 0, cap, now)
        if not outcome.accepted:
            problems.append(Problem(outcome.rule or "R10", where, outcome.reason))
    return problems


def _install_problems(
    state: ChargePointState, outlet_id: int, profile: ChargingProfile, now: datetime, where: str
) -> list[Problem]:
    """R6-R10, D1-D3: everything `install_profile` rejects `profile` on `outlet_id` of `state` for. Where it may
    go and whether there is room for it (R6-R9, D1, MaxChargingProfilesInstalled), asked on `state` with limits
    the profile fits; then each limit it exceeds (`_limit_problems`)."""
    fits = attrs.evolve(state, config=attrs.evolve(state.config, **_fitting(state.config, profile)))
    outcome = install_profile(fits, outlet_id, profile, now)
    placed = [] if outcome.accepted else [Problem(outcome.rule or "R10", where, outcome.reason)]
    return placed + _limit_problems(state.config, profile, now, where)


def _placement(
    outlet_id: int, placement: _Placement, state: ChargePointState | None, now: datetime, where: str
) -> list[Problem]:
    """R6-R10, D1-D3: what `install_profile` rejects on `state` (a stand-in charge point when None)."""
    target = _stand_in_state(outlet_id, placement, now) if state is None else state
    return _install_problems(target, outlet_id, placement.stand_in(target.config), now, where)


def validate_payload(payload: Any, state: ChargePointState | None = None, now: datetime = _NO_TIME) -> list[Problem]:
    """Every problem of a SetChargingProfile.req payload (§5.16, §6.43; module docstring): its shape (R14, R5), its
    profile (R4, R11-R13, D4) and, when what its placement depends on is known, its placement on `state` at `now`
    (R6-R10, D1-D3; only the configured limits when connectorId is not usable). Without a state, a charge point
    with the default configuration that has the payload's connector (and, for a TxProfile, a transaction on it)
    stands in, so only what is wrong with the payload itself shows."""
    problems: list[Problem] = []
    read = _read_fields(payload, "", SET_CHARGING_PROFILE_FIELDS, problems)
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
    where = "csChargingProfiles"
    placement = _profile(read[where], where, True, problems)
    if placement is None:
        return problems
    if outlet_id is not None:
        problems.extend(_placement(outlet_id, placement, state, now, where))
    else:  # no connector to place it on, but the configured limits hold wherever it goes
        config = ChargePointConfig() if state is None else state.config
        problems.extend(_limit_problems(config, placement.stand_in(config), now, where))
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


def _entries(document: Mapping[str, Any], key: str, problems: list[Problem]) -> Sequence[Any]:
    """The array `key` of a saved state (empty when absent, or when it is no array: a problem)."""
    try:
        return read_optional(document, key, "", read_array) or ()
    except DocumentError as exc:
        problems.append(_state_problem(exc))
        return ()


def _state_parts(document: Mapping[str, Any]) -> list[Problem]:
    """Every malformed part of a saved state, each on its own: the header (a document without the other parts),
    each key of the config, each profile entry and its profile (`validate_profile`, any saved-state purpose), each
    transaction."""
    problems: list[Problem] = []
    header = {key: value for key, value in document.items() if key not in ("config", "profiles", "transactions")}
    try:
        state_from_json(header)
    except StateDocumentError as exc:
        problems.append(Problem("state", "", str(exc)))
    config = document.get("config", {})
    for part in [{key: value} for key, value in config.items()] if isinstance(config, Mapping) else [config]:
        try:
            config_from_ocpp(part)
        except DocumentError as exc:
            problems.append(_state_problem(exc))
        except InvalidArgumentError as exc:  # the configuration's own checks
            problems.append(Problem("state", "config", str(exc)))
    for i, entry in enumerate(_entries(document, "profiles", problems)):
        where = f"profiles[{i}]"
        read = _read_fields(entry, where, INSTALLED_FIELDS, problems, _state_problem) or {}
        if "chargingProfile" in read:
            path = child_path(where, "chargingProfile")
            problems.extend(validate_profile(read["chargingProfile"], path, strict=False))
    for i, entry in enumerate(_entries(document, "transactions", problems)):
        where = f"transactions[{i}]"
        read = _read_fields(entry, where, TRANSACTION_FIELDS, problems, _state_problem) or {}
        if len(read) == len(TRANSACTION_FIELDS):
            try:
                Transaction(read["connectorId"], read["transactionId"], read["start"])
            except InvalidArgumentError as exc:  # the transaction's own checks
                problems.append(Problem("state", where, str(exc)))
    return problems


def _state_document(document: Mapping[str, Any]) -> list[Problem]:
    """A saved state: every malformed part of it (`_state_parts`; the whole state's own checks when the parts are
    well formed), else whether the rules could have built it: each profile installed again in installedAt order
    must be accepted (R6-R10, D1-D3, every problem of each) and replace nothing (R15)."""
    try:
        state = state_from_json(document)
    except StateDocumentError as exc:
        return _state_parts(document) or [Problem("state", "", str(exc))]
    rebuilt = ChargePointState(state.config, transactions=state.transactions)
    problems: list[Problem] = []
    for installed in sorted(state.profiles, key=lambda p: p.installed_at):
        profile = installed.profile
        where = f"profile {profile.charging_profile_id} on connector {installed.outlet_id}"
        refused = _install_problems(rebuilt, installed.outlet_id, profile, installed.installed_at, where)
        if refused:
            problems.extend(refused)
            continue
        outcome = install_profile(rebuilt, installed.outlet_id, profile, installed.installed_at)
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
    kept = ("ocppVersion", "config", "state")
    return {**{k: v for k, v in script.items() if k in kept}, "events": list(events)}


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
    if script.get("ocppVersion") == "2.0.1":
        return _answer_problems_201(call, payload, before, read_instant(event["at"], "at"), answer)
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
    answers = [answer for answer in result.answers if "call" in answer]  # not what a 2.0.1 station sends
    problems: list[Problem] = []
    for index, answer in zip(calls, answers, strict=True):
        response = answer.get("response", {})
        if "error" in answer or response.get("status") == "Rejected":
            problems.extend(_located(_answer_problems(script, events, index, answer), f"event {index}"))
    return problems


# --- any document -------------------------------------------------------------------------------------------------


def document_kind(document: Any) -> str | None:
    """``"script"``, ``"state"``, ``"payload"`` (SetChargingProfile.req, also in an OCPP-J CALL frame; OCPP 2.0.1:
    ``{evseId, chargingProfile}``) or ``"profile"`` (a bare csChargingProfiles object; OCPP 2.0.1: a
    ChargingProfileType object); None for anything else. `document_ocpp_version` tells the version."""
    if _framed_payload(document) is not None:
        return "payload"
    if not isinstance(document, Mapping):
        return None
    if "events" in document:
        return "script"
    if "format" in document:
        return "state"
    if "csChargingProfiles" in document or _PROFILE_201 in document or "evseId" in document:
        return "payload"
    if "chargingSchedule" in document or "chargingProfileId" in document or _is_profile_201(document):
        return "profile"
    return None


_PROFILE_201 = "chargingProfile"
#: Purposes only OCPP 2.0.1 has (a saved 1.6 state may hold external constraints, a 1.6 payload never).
_ONLY_201 = {p.name for p in PURPOSES_201} - {p.name for p in PURPOSES}


def _is_profile_201(document: Mapping[str, Any]) -> bool:
    """Whether a profile object is OCPP 2.0.1's ChargingProfileType: its chargingSchedule a list, an ``id`` rather
    than a ``chargingProfileId``, or a purpose only 2.0.1 has."""
    return (
        isinstance(document.get("chargingSchedule"), list)
        or ("id" in document and "chargingProfileId" not in document and "chargingProfilePurpose" in document)
        or (isinstance(purpose := document.get("chargingProfilePurpose"), str) and purpose in _ONLY_201)
    )


def document_ocpp_version(document: Any) -> str:
    """The OCPP version `document` is written for: ``"2.0.1"`` for a script or saved state with ``"ocppVersion":
    "2.0.1"``, a payload ``{evseId, chargingProfile}`` (also in a CALL frame) and a ChargingProfileType object;
    ``"1.6"`` for everything else (a document of no kind `document_kind` knows included)."""
    kind = document_kind(document)
    framed = _framed_payload(document)
    body = document if framed is None else framed
    if not isinstance(body, Mapping):
        return "1.6"
    if kind in ("script", "state"):
        return "2.0.1" if body.get("ocppVersion") == "2.0.1" else "1.6"
    if kind == "payload":
        named_201 = _PROFILE_201 in body or "evseId" in body
        return "2.0.1" if named_201 and "csChargingProfiles" not in body else "1.6"
    if kind == "profile":
        return "2.0.1" if _is_profile_201(body) else "1.6"
    return "1.6"


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
    framed = _framed_payload(document)
    body = document if framed is None else framed
    version_201 = document_ocpp_version(document) == "2.0.1"
    if kind == "script":
        return _script(document)
    if kind == "state":
        return _state_document_201(document) if version_201 else _state_document(document)
    if kind == "payload":
        return _payload_201(body, state, _NO_TIME) if version_201 else validate_payload(body, state)
    if kind == "profile":
        return _bare_profile_201(document, state) if version_201 else _bare_profile(document, state)
    raise InvalidArgumentError(
        "not a SetChargingProfile payload, a csChargingProfiles or ChargingProfileType object, a saved state or a "
        "replay script"
    )


# --- OCPP 2.0.1 (SPEC-201) ------------------------------------------------------------------------------------------


def _schema_problem(error: SchemaViolation) -> Problem:
    """S18: the CALLERROR a station answers a payload breaking its schema with, and where."""
    return Problem("S18", error.path, f"{codec201.call_error_from(error).code}: {error.message}")


def _refusal_problem(refusal: Refusal, where: str) -> Problem:
    """A refusal of `judge_profile`: the SPEC-201 rule, the reason code (E9) and the requirement behind it."""
    return Problem(refusal.spec_rule, where, f"Rejected, {refusal.reason.value}: {refusal.rule}: {refusal.info}")


def _fitting_201(config: ChargePointConfig, received: codec201.ReceivedProfile, keep: str = "") -> ChargePointConfig:
    """`config` with the limits of S6 that `received` could exceed (unit, stack level, periods) raised so that it
    fits them, but for the limit named `keep`."""
    periods = max(len(s["chargingSchedulePeriod"]) for s in received.schedules)
    fitting: dict[str, Any] = {
        "allowed_rate_units": tuple(ChargingRateUnit),
        "max_stack_level": max(config.max_stack_level, received.stack_level),
        "max_periods": max(config.max_periods, periods),
    }
    return attrs.evolve(config, **{name: value for name, value in fitting.items() if name != keep})


def _neutral_201(received: codec201.ReceivedProfile) -> codec201.ReceivedProfile:
    """`received` as a Relative TxDefaultProfile on no transaction, always valid, with one schedule of its first
    schedule's unit and number of periods: what only the configured limits of S6 can refuse."""
    first = received.schedules[0]
    periods = [{"startPeriod": i, "limit": 0} for i in range(len(first["chargingSchedulePeriod"]))]
    schedule = {"id": 1, "chargingRateUnit": first["chargingRateUnit"], "chargingSchedulePeriod": periods}
    return attrs.evolve(
        received,
        purpose=Purpose201.TX_DEFAULT_PROFILE,
        kind=ChargingProfileKind.RELATIVE,
        recurrency_kind=None,
        valid_from=None,
        valid_to=None,
        transaction_id=None,
        schedules=(schedule,),
    )


def _limit_problems_201(config: ChargePointConfig, received: codec201.ReceivedProfile, where: str) -> list[Problem]:
    """S6: each configured limit `received` exceeds (RateUnit, ProfileStackLevel, PeriodsPerSchedule), asked one at
    a time with a neutral profile on evse 0 of an empty station."""
    neutral = _neutral_201(received)
    problems = []
    for limit in ("allowed_rate_units", "max_stack_level", "max_periods"):
        verdict = judge_profile(ChargePointState(_fitting_201(config, received, limit)), 0, neutral)
        if isinstance(verdict, Refusal) and verdict.spec_rule == "S6":
            problems.append(_refusal_problem(verdict, where))
    return problems


def _judged_201(
    state: ChargePointState, evse_id: int, received: codec201.ReceivedProfile, where: str, from_csms: bool = True
) -> list[Problem]:
    """What `judge_profile` refuses `received` on `evse_id` of `state` for, the configured limits asked on their
    own (`_limit_problems_201`); every problem once."""
    fits = attrs.evolve(state, config=_fitting_201(state.config, received))
    verdict = judge_profile(fits, evse_id, received, from_csms=from_csms)
    problems = [_refusal_problem(verdict, where)] if isinstance(verdict, Refusal) else []
    problems += _limit_problems_201(state.config, received, where)
    return list(dict.fromkeys(problems))


def _stand_in_201(evse_id: int, received: codec201.ReceivedProfile, now: datetime) -> ChargePointState:
    """The default station with EVSEs 1..`evse_id` (at least one), each switching phases, and for a TxProfile the
    transaction it names running on `evse_id`."""
    count = max(1, evse_id)
    outlets = tuple(OutletConfig(i, phase_switching=True) for i in range(1, count + 1))
    state = ChargePointState(ChargePointConfig(outlet_count=count, outlets=outlets))
    if received.purpose.role is PurposeRole.TRANSACTION and evse_id > 0 and received.transaction_id:
        state = start_transaction(state, evse_id, received.transaction_id, now)
    return state


def _payload_201(payload: Any, state: ChargePointState | None, now: datetime) -> list[Problem]:
    """A SetChargingProfile payload ``{evseId, chargingProfile}`` (module docstring): the first schema problem
    (S18), else an unknown EVSE (S1) and the refusals of the rules on `state` (a stand-in when None) at `now`."""
    try:
        check(payload, load_schema("SetChargingProfileRequest"))
    except SchemaViolation as exc:
        return [_schema_problem(exc)]
    evse_id: int = payload["evseId"]
    received = codec201.ReceivedProfile.read(payload[_PROFILE_201])
    count = MAX_OUTLET_COUNT if state is None else state.config.outlet_count
    if not 0 <= evse_id <= count:
        shown = f"0..{count}" if state is not None else f"0..{MAX_OUTLET_COUNT} (D14)"
        unknown = Problem("S1", "evseId", f"Rejected, UnknownEvse: K01.FR.28: evseId {evse_id} is not {shown}")
        config = ChargePointConfig() if state is None else state.config
        return [unknown, *_limit_problems_201(config, received, _PROFILE_201)]
    target = _stand_in_201(evse_id, received, now) if state is None else state
    return _judged_201(target, evse_id, received, _PROFILE_201)


def _bare_profile_201(document: Any, state: ChargePointState | None) -> list[Problem]:
    """A ChargingProfileType object: the first schema problem (S18), else the refusals of the rules where its
    purpose usually goes (evse 0; a TxProfile on EVSE 1 with its transaction; external constraints as the
    station's energy management sets them, S10), on `state` or a stand-in."""
    try:
        received = codec201.read_profile(document)
    except SchemaViolation as exc:
        return [_schema_problem(exc)]
    evse_id = 1 if received.purpose.role is PurposeRole.TRANSACTION else 0
    external = received.purpose.role is PurposeRole.EXTERNAL_CAP
    target = _stand_in_201(evse_id, received, _NO_TIME) if state is None else state
    return _judged_201(target, evse_id, received, "", from_csms=not external)


def _received_201(installed: InstalledProfile) -> codec201.ReceivedProfile:
    """An installed profile as the document it arrived in (as the model has it where none was kept)."""
    if installed.document is None:
        return codec201.ReceivedProfile.read(codec201.profile_to_ocpp(installed.profile))
    return codec201.ReceivedProfile.read(json.loads(installed.document))


def _state_document_201(document: Mapping[str, Any]) -> list[Problem]:
    """A saved 2.0.1 state: the first malformed part (S18 for a profile breaking its schema, else ``state``), or
    whether the rules could have built it: each profile judged again in installedAt order on the state rebuilt so
    far (S1-S9; an external one as the energy management's, S10), installed without replacing another (S7)."""
    try:
        state = state_from_json(document)
    except StateDocumentError as exc:
        return [Problem("S18" if isinstance(exc.__cause__, SchemaViolation) else "state", "", str(exc))]
    rebuilt = ChargePointState(state.config, transactions=state.transactions)
    problems: list[Problem] = []
    for installed in sorted(state.profiles, key=lambda p: p.installed_at):
        profile, evse_id = installed.profile, installed.outlet_id
        where = f"profile {profile.charging_profile_id} on EVSE {evse_id}"
        external = profile.charging_profile_purpose.role is PurposeRole.EXTERNAL_CAP
        verdict = judge_profile(rebuilt, evse_id, _received_201(installed), from_csms=not external)
        if isinstance(verdict, Refusal):
            problems.append(_refusal_problem(verdict, where))
            continue
        outcome = install_profile(rebuilt, evse_id, profile, installed.installed_at, replace_same_slot=False)
        if outcome.replaced:
            replaced = ", ".join(map(str, outcome.replaced))
            problems.append(Problem("S7", where, f"would replace profile {replaced}: the same id"))
        rebuilt = outcome.state
    return problems


#: The SPEC-201 rule of a refused CALL other than SetChargingProfile (which is judged again), by action.
_CALL_RULES_201 = {"GetCompositeSchedule": "S13", "ClearChargingProfile": "S14", "RequestStartTransaction": "S17"}


def _answer_problem_201(call: str, answer: Mapping[str, Any]) -> Problem:
    """A refused answer as the station gave it: a CALLERROR is S18 (NotSupported: S6, K01.FR.29), a ``Rejected``
    the rule of its CALL with its statusInfo's reasonCode and additionalInfo (E9)."""
    if "error" in answer:
        error = answer["error"]
        rule = "S6" if error["code"] == codec201.NOT_SUPPORTED else "S18"
        return Problem(rule, "", f"CALLERROR {error['code']}: {error['description']}")
    response = answer["response"]
    info = response.get("statusInfo", {})
    details = ": ".join(str(info[key]) for key in ("reasonCode", "additionalInfo") if key in info)
    return Problem(_CALL_RULES_201.get(call, "S18"), "", ", ".join(x for x in (response["status"], details) if x))


def _answer_problems_201(
    call: str, payload: Any, before: ChargePointState, at: datetime, answer: Mapping[str, Any]
) -> list[Problem]:
    """The problems behind a refused call of a 2.0.1 script: a SetChargingProfile payload judged again on the state
    just before it (`_payload_201`), any other call as it was answered."""
    not_supported = "error" in answer and answer["error"]["code"] == codec201.NOT_SUPPORTED
    found = _payload_201(payload, before, at) if call == "SetChargingProfile" and not not_supported else []
    return found or [_answer_problem_201(call, answer)]
