"""Message-layer fuzzing of the four OCPP 1.6 handlers (SetChargingProfile, GetCompositeSchedule,
ClearChargingProfile, RemoteStopTransaction; issue "Robustness"): whatever a central system sends,

- a handler raises nothing but `OcppCallError` (FormatViolation or PropertyConstraintViolation);
- every response validates against the official OCPP 1.6 response schema;
- on ``Rejected`` or ``Unknown`` (and for every GetCompositeSchedule) the state returned is the very state given,
  and that state did not change (R16);
- RemoteStopTransaction is ``Rejected`` exactly when no transaction with its id is active, and after ``Accepted``
  that transaction and its TxProfiles are gone and nothing else changed (R18);
- after ``Accepted`` the new state round-trips through `serialize`'s JSON (R17).

And of the six OCPP 2.0.1 handlers (SetChargingProfile, GetCompositeSchedule, ClearChargingProfile,
GetChargingProfiles, RequestStartTransaction, RequestStopTransaction; SPEC-201): whatever a CSMS sends,

- a handler raises nothing but `OcppCallError` with an S18 code (FormatViolation, TypeConstraintViolation,
  OccurrenceConstraintViolation, PropertyConstraintViolation; NotSupported while smart charging is not available);
- every response validates against the official OCPP 2.0.1 response schema, every ReportChargingProfiles against
  its request schema;
- on ``Rejected``, ``Unknown``, ``NoProfiles`` or a CALLERROR (and for every GetCompositeSchedule) the state
  returned is the very state given, and no call changes the state it was given;
- RequestStopTransaction is ``Rejected`` exactly when no running transaction has its id, ignoring case (S5,
  F03.FR.08), and after ``Accepted`` that transaction and its TxProfiles are gone and nothing else changed
  (F03.FR.07, S17);
- after ``Accepted`` the state is consistent: a TxProfile only on an EVSE with its transaction, every profile
  where its purpose may be, within the configured limits, with its source and the document it arrived in, no two
  profiles S8 forbids side by side; and every EVSE answers a valid GetCompositeSchedule.

Inputs: every shape the official request schemas allow (`hypothesis-jsonschema` over the schemas the `ocpp`
package ships), plausible requests a charge point accepts, and both of them mutated: wrong types, missing and
extra fields, huge numbers, NaN and infinities, negative and huge ids, 10,000 periods, times in year 1 and 9999,
odd UTC offsets, fractional seconds, lone surrogates. The properties themselves are written once, in
``fuzz/harness.py``, which the coverage-guided fuzzer shares; every input it ever crashed on is kept in
``tests/fuzz_regressions/`` and replayed here. The 1.6 and the 2.0.1 properties share the examples the
Hypothesis profile allows a test, half each.
"""

from __future__ import annotations

import json
import math
import sys
import types
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import hypothesis_jsonschema._from_schema as _hjs_internals
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.internal.conjecture import utils as _conjecture_utils
from hypothesis_jsonschema import from_schema
from schema import assert_valid_request_201

from smartcharge import ChargePointState, OcppCallError
from smartcharge.documents.state_document import dumps, state_from_json
from smartcharge.ocpp16 import handle_get_composite_schedule, handle_set_charging_profile

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "fuzz"))

from harness import (  # noqa: E402
    ACTIONS_201,
    HANDLERS,
    NOW,
    RICH_STATE,
    RICH_STATE_201,
    check_handler,
    check_handler_201,
    exercise,
)

REGRESSIONS = ROOT / "tests" / "fuzz_regressions"

#: The OCPP 1.6 actions; `HANDLERS` (the harness's) calls each as ``(state, payload, now)``.
ACTIONS = sorted(HANDLERS)

#: RICH_STATE with room for 10,000-period profiles and many installs, so extreme requests get *accepted* too.
ROOMY_STATE = attrs.evolve(
    RICH_STATE,
    config=attrs.evolve(RICH_STATE.config, max_periods=20_000, max_profiles=1_000, max_stack_level=1_000),
)
STATES = st.sampled_from([RICH_STATE, ROOMY_STATE])

FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# --- hypothesis-jsonschema on current Hypothesis ------------------------------------------------------------------


class _LegacyMany:
    """hypothesis-jsonschema 0.23 (the latest) drives Hypothesis' private `many` helper through `more()` and
    `reject()`; newer Hypothesis offers it as a context manager and iterator instead. This adapter gives the old
    interface on top of the new one, and is installed only when Hypothesis lacks `more()`
    (`test_every_official_shape_is_answered_by_contract` fails loudly if that ever stops working)."""

    def __init__(self, data: Any, **kwargs: Any) -> None:
        self._many = _conjecture_utils.many(data, **kwargs)
        self._many.__enter__()
        self._elements = iter(self._many)

    def more(self) -> bool:
        try:
            next(self._elements)
        except StopIteration:
            self._many.__exit__(None, None, None)
            return False
        return True

    def reject(self, why: str | None = None) -> None:
        self._many.reject(why)


if not hasattr(_conjecture_utils.many, "more"):
    _hjs_internals.cu = types.SimpleNamespace(many=_LegacyMany)


@cache
def official_schema(action: str) -> dict[str, Any]:
    text = resources.files("ocpp.v16").joinpath("schemas").joinpath(f"{action}.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def official_shapes(action: str) -> st.SearchStrategy[Any]:
    """Every payload the official OCPP 1.6 request schema of `action` allows."""
    return from_schema(official_schema(action))


# --- plausible requests: ones a charge point may well accept -----------------------------------------------------

#: UTC offsets from the ordinary to the odd: +14:00 and -12:00 are the extremes in use, +05:45 and +08:45 exist.
OFFSETS = st.sampled_from([0, 60, 330, 345, 525, 840, -720, -570, -1, 1439, -1439]).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)


@st.composite
def timestamps(draw: st.DrawFn, near: datetime = NOW) -> str:
    """ISO 8601 text around `near`, in odd offsets, sometimes with fractional seconds."""
    instant = near + timedelta(seconds=draw(st.integers(-10 * 86_400, 10 * 86_400)))
    local = instant.astimezone(draw(OFFSETS))
    text = local.strftime("%Y-%m-%dT%H:%M:%S")
    fraction = draw(st.sampled_from(["", "", ".5", ".000001", ".999999999", ".1234"]))
    offset = local.strftime("%z")
    zone = "Z" if offset == "+0000" and draw(st.booleans()) else f"{offset[:3]}:{offset[3:]}"
    return text + fraction + zone


LIMITS = st.integers(0, 64) | st.floats(0, 50_000, allow_nan=False).map(lambda x: round(x, 1))


@st.composite
def plausible_periods(draw: st.DrawFn) -> list[dict[str, Any]]:
    starts = sorted(draw(st.sets(st.integers(1, 172_800), max_size=5)))
    periods = []
    for start in [0, *starts]:
        period: dict[str, Any] = {"startPeriod": start, "limit": draw(LIMITS)}
        if draw(st.booleans()):
            period["numberPhases"] = draw(st.integers(1, 3))
        periods.append(period)
    return periods


def _optional(draw: st.DrawFn, body: dict[str, Any], key: str, values: st.SearchStrategy[Any]) -> None:
    if draw(st.booleans()):
        body[key] = draw(values)


@st.composite
def plausible_set(draw: st.DrawFn) -> dict[str, Any]:
    purpose = draw(st.sampled_from(["ChargePointMaxProfile", "TxDefaultProfile", "TxProfile"]))
    kind = draw(st.sampled_from(["Absolute", "Recurring", "Relative"]))
    connector = {"ChargePointMaxProfile": 0, "TxProfile": 1}.get(purpose, draw(st.integers(0, 2)))
    schedule: dict[str, Any] = {
        "chargingRateUnit": draw(st.sampled_from(["A", "W"])),
        "chargingSchedulePeriod": draw(plausible_periods()),
    }
    _optional(draw, schedule, "duration", st.integers(0, 200_000))
    _optional(draw, schedule, "minChargingRate", LIMITS)
    if kind == "Recurring" or draw(st.booleans()):
        schedule["startSchedule"] = draw(timestamps())
    body: dict[str, Any] = {
        "chargingProfileId": draw(st.integers(1, 12)),
        "stackLevel": draw(st.integers(0, 10)),
        "chargingProfilePurpose": purpose,
        "chargingProfileKind": kind,
        "chargingSchedule": schedule,
    }
    if kind == "Recurring" or draw(st.integers(0, 4)) == 0:
        body["recurrencyKind"] = draw(st.sampled_from(["Daily", "Weekly"]))
    if purpose == "TxProfile":
        _optional(draw, body, "transactionId", st.sampled_from([77, 78]))
    _optional(draw, body, "validFrom", timestamps(NOW - timedelta(days=20)))
    _optional(draw, body, "validTo", timestamps(NOW + timedelta(days=20)))
    return {"connectorId": connector, "csChargingProfiles": body}


def plausible_get() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"connectorId": st.integers(0, 2), "duration": st.integers(0, 8 * 86_400)},
        optional={"chargingRateUnit": st.sampled_from(["A", "W"])},
    )


def plausible_clear() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {},
        optional={
            "id": st.integers(0, 12),
            "connectorId": st.integers(0, 2),
            "chargingProfilePurpose": st.sampled_from(["ChargePointMaxProfile", "TxDefaultProfile", "TxProfile"]),
            "stackLevel": st.integers(0, 10),
        },
    )


def plausible_remote_stop() -> st.SearchStrategy[dict[str, Any]]:
    """RICH_STATE's transaction 77 more often than not, else one that is not active."""
    return st.fixed_dictionaries({"transactionId": st.sampled_from([77, 77, 77, 78, 0, -1, 2**31 - 1])})


PLAUSIBLE: dict[str, Callable[[], st.SearchStrategy[dict[str, Any]]]] = {
    "SetChargingProfile": plausible_set,
    "GetCompositeSchedule": plausible_get,
    "ClearChargingProfile": plausible_clear,
    "RemoteStopTransaction": plausible_remote_stop,
}


# --- mutations -------------------------------------------------------------------------------------------------

HUGE_NUMBERS = [10**30, -(10**30), 2**63, 2**64 + 1, 10**400, 1e308, -1e308, 5e-324, -0.0, 1.7976931348623157e308]
NON_FINITE = [math.nan, math.inf, -math.inf, Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-1e999")]
ODD_IDS = [-1, -(2**31), 2**31 - 1, 2**31, 2**63, -(2**63) - 1, 10**100]
EXTREME_TIMES = [
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+01:00",
    "0001-01-01T00:59:59-00:30",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59-01:00",
    "9999-12-31T23:59:59.999999999+14:00",
    "2026-01-08T10:00:00.123456789123Z",
    "2026-01-08T10:00:00,5+05:45",
    "2026-01-08T10:00:00+23:59",
    "2026-01-08T10:00:00-23:59",
    "2026-01-08T10:00:00+24:00",
    "2026-01-08T10:00:00+00:00:30",
    "2026-01-08T10:00:00",
    "2026-01-08",
    "2026-02-30T10:00:00Z",
    "2026-01-08T24:00:00Z",
    "20260108T100000Z",
    "",
]
ODD_STRINGS = [
    "\ud800",
    "\udfff",
    "A\x00",
    "A\ud800",
    "Ａ",
    "W ",
    "a",
    "Tx\u200bProfile",
    "é" * 3,
    "\U0001f50c",
    "x" * 37,
]
WRONG_TYPES: list[Any] = [None, True, False, 0, 1.5, "1", [], [1], {}, {"a": 1}, Decimal("7.5")]
FIELD_NAMES = [
    "connectorId", "csChargingProfiles", "chargingProfileId", "transactionId", "stackLevel", "chargingProfilePurpose",
    "chargingProfileKind", "recurrencyKind", "validFrom", "validTo", "chargingSchedule", "duration", "startSchedule",
    "chargingRateUnit", "chargingSchedulePeriod", "startPeriod", "limit", "numberPhases", "minChargingRate", "id",
    "extra", "\ud800", "",
    # OCPP 2.0.1
    "evseId", "chargingProfile", "chargingProfileCriteria", "phaseToUse", "requestId", "chargingLimitSource",
    "remoteStartId", "idToken", "customData", "vendorId", "salesTariff",
]  # fmt: skip

ID_FIELDS = {"connectorId", "chargingProfileId", "transactionId", "stackLevel", "id", "duration", "startPeriod"}
ID_FIELDS |= {"evseId", "phaseToUse", "requestId", "remoteStartId"}  # OCPP 2.0.1
NUMBER_FIELDS = {"limit", "minChargingRate"}
TIME_FIELDS = {"validFrom", "validTo", "startSchedule"}

Path_ = tuple[str | int, ...]


def locations(document: Any, here: Path_ = ()) -> list[Path_]:
    """Every place in `document` (the document itself is ``()``)."""
    places = [here]
    if isinstance(document, dict):
        for key, value in document.items():
            places.extend(locations(value, (*here, key)))
    elif isinstance(document, list):
        for i, value in enumerate(document[:20]):
            places.extend(locations(value, (*here, i)))
    return places


def _replace(document: Any, path: Path_, change: Callable[[Any], Any]) -> Any:
    """A copy of `document` with the value at `path` replaced by `change(value)`; `change` returning `_DELETE`
    removes it (from an object or an array)."""
    if not path:
        return change(document)
    head, rest = path[0], path[1:]
    if isinstance(document, dict):
        out = dict(document)
        new = _replace(document[head], rest, change)
        if new is _DELETE:
            del out[head]
        else:
            out[head] = new
        return out
    items = list(document)
    new = _replace(items[head], rest, change)  # type: ignore[index]
    if new is _DELETE:
        del items[head]  # type: ignore[arg-type]
    else:
        items[head] = new  # type: ignore[index]
    return items


_DELETE = object()


def ten_thousand_periods(start: int = 0) -> list[dict[str, Any]]:
    return [{"startPeriod": start + 60 * i, "limit": float(6 + i % 26)} for i in range(10_000)]


@st.composite
def mutated(draw: st.DrawFn, document: Any) -> Any:
    """`document` with one place changed by one of the mutations in the module docstring."""
    path = draw(st.sampled_from(locations(document)))
    key = path[-1] if path else None
    operation = draw(st.integers(0, 9))
    if operation == 0 and path:
        return _replace(document, path, lambda _: _DELETE)
    if operation == 1:
        extra_key, extra_value = draw(st.sampled_from(FIELD_NAMES)), draw(st.sampled_from(WRONG_TYPES + ODD_IDS))
        return _replace(document, path, lambda v: {**v, extra_key: extra_value} if isinstance(v, dict) else v)
    if operation == 2:
        value: Any = draw(st.sampled_from(WRONG_TYPES))
    elif key in TIME_FIELDS or operation == 3:
        value = draw(st.sampled_from(EXTREME_TIMES) | timestamps(datetime(9999, 12, 20, tzinfo=timezone.utc)))
    elif key in ID_FIELDS or operation == 4:
        value = draw(st.sampled_from(ODD_IDS + HUGE_NUMBERS) | st.integers())
    elif key in NUMBER_FIELDS or operation == 5:
        value = draw(st.sampled_from(NON_FINITE + HUGE_NUMBERS) | st.floats() | st.decimals())
    elif key == "chargingSchedulePeriod" or operation == 6:
        value = ten_thousand_periods(draw(st.sampled_from([0, 1])))
    else:
        value = draw(st.sampled_from(ODD_STRINGS) | st.text(max_size=6))
    return _replace(document, path, lambda _: value)


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, Any]:
    """An (action, payload) pair: an official shape or a plausible request, mutated up to three times."""
    action = draw(st.sampled_from(ACTIONS))
    document = draw(official_shapes(action) if draw(st.integers(0, 3)) == 0 else PLAUSIBLE[action]())
    for _ in range(draw(st.integers(0, 3))):
        document = draw(mutated(document))
    return action, document


# --- the properties --------------------------------------------------------------------------------------------


def answer(action: str, state: ChargePointState, payload: Any, now: datetime = NOW) -> ChargePointState:
    """Sends `payload` to `action`'s handler with every property of the module docstring checked (by
    `check_handler`), plus: the state given is unchanged (its JSON before equals its JSON after). Returns the
    state to go on with (the same one after a CALLERROR)."""
    before = dumps(state)
    try:
        new_state, response = check_handler(action, HANDLERS[action], state, payload, now)
    except OcppCallError as error:
        assert error.code in ("FormatViolation", "PropertyConstraintViolation")
        new_state, response = state, None
    assert dumps(state) == before
    if response is None or response["status"] in ("Rejected", "Unknown") or action == "GetCompositeSchedule":
        assert new_state is state
        assert new_state == state
    return new_state  # type: ignore[no-any-return]


#: Half the examples the profile allows a test: the other half go to the OCPP 2.0.1 test of the same property.
HALF = settings(FUZZ, max_examples=max(1, settings.default.max_examples // 2))
#: A sequence test's share.
QUARTER = settings(FUZZ, max_examples=max(1, settings.default.max_examples // 4))


@HALF
@given(st.sampled_from(ACTIONS).flatmap(lambda a: st.tuples(st.just(a), official_shapes(a))), STATES)
def test_every_official_shape_is_answered_by_contract(action_and_payload: tuple[str, Any], state: Any) -> None:
    """Also checks the schema-driven generator works on this Hypothesis (see `_LegacyMany`): objects whose fields
    all come from the schema, with the required ones present."""
    action, payload = action_and_payload
    schema = official_schema(action)
    assert isinstance(payload, dict)
    assert set(schema.get("required", ())) <= set(payload) <= set(schema["properties"])
    answer(action, state, payload)


@HALF
@given(requests(), STATES)
def test_mutated_requests_are_answered_by_contract(action_and_payload: tuple[str, Any], state: Any) -> None:
    action, payload = action_and_payload
    answer(action, state, payload)


@QUARTER
@given(st.lists(st.tuples(requests(), st.integers(0, 7_200)), min_size=1, max_size=6), STATES)
def test_sequences_of_requests_keep_every_property(steps: list[tuple[tuple[str, Any], int]], state: Any) -> None:
    """Each answer is by contract whatever came before; the final state round-trips through JSON."""
    now = NOW
    for (action, payload), seconds in steps:
        now += timedelta(seconds=seconds)
        state = answer(action, state, payload, now)
    assert state_from_json(json.loads(dumps(state))) == state


# --- named extremes, each of which must be answered (not only survived) --------------------------------------------


def _set_payload(**schedule: Any) -> dict[str, Any]:
    body = {
        "chargingProfileId": 50,
        "stackLevel": 5,
        "chargingProfilePurpose": "TxDefaultProfile",
        "chargingProfileKind": "Absolute",
        "chargingSchedule": {
            "startSchedule": "2026-01-08T10:00:00Z",
            "chargingRateUnit": "A",
            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 10}],
            **schedule,
        },
    }
    return {"connectorId": 2, "csChargingProfiles": body}


def _status(action: str, state: ChargePointState, payload: Any) -> tuple[ChargePointState, str]:
    new_state, response = check_handler(action, HANDLERS[action], state, payload, NOW)
    return new_state, str(response["status"])


def test_r10_ten_thousand_periods_rejected_by_the_configured_maximum() -> None:
    payload = _set_payload(chargingSchedulePeriod=ten_thousand_periods())
    new_state, status = _status("SetChargingProfile", RICH_STATE, payload)
    assert status == "Rejected"
    assert new_state is RICH_STATE


def test_ten_thousand_periods_accepted_when_allowed_and_the_composite_stays_in_bounds() -> None:
    payload = _set_payload(chargingSchedulePeriod=ten_thousand_periods())
    state, status = _status("SetChargingProfile", ROOMY_STATE, payload)
    assert status == "Accepted"
    _, response = check_handler(
        "GetCompositeSchedule", handle_get_composite_schedule, state, {"connectorId": 2, "duration": 86_400}, NOW
    )
    periods = response["chargingSchedule"]["chargingSchedulePeriod"]
    assert 1 < len(periods) <= 86_400 // 60  # at most one period per profile period in the window
    assert [p["startPeriod"] for p in periods] == sorted({p["startPeriod"] for p in periods})


@pytest.mark.parametrize("text", EXTREME_TIMES)
@pytest.mark.parametrize("field", sorted(TIME_FIELDS))
def test_r5_extreme_or_malformed_times_are_answered(field: str, text: str) -> None:
    """A time anywhere from year 1 to year 9999 (or no time at all) gives an answer or a FormatViolation."""
    payload = _set_payload()
    body = payload["csChargingProfiles"]
    if field == "startSchedule":
        body["chargingSchedule"]["startSchedule"] = text
    else:
        body[field] = text
    state = answer("SetChargingProfile", ROOMY_STATE, payload)
    for connector in (0, 2):
        answer("GetCompositeSchedule", state, {"connectorId": connector, "duration": 86_400})


@pytest.mark.parametrize("text", ["\ud800", "A\ud800", "\udfff\ud800"])
def test_lone_surrogates_are_property_constraint_violations(text: str) -> None:
    payload = _set_payload(chargingRateUnit=text)
    with pytest.raises(OcppCallError) as info:
        handle_set_charging_profile(RICH_STATE, payload, NOW)
    assert info.value.code == "PropertyConstraintViolation"
    json.dumps(info.value.to_ocpp())  # the description can be sent (escaped) as JSON


@pytest.mark.parametrize("value", [*NON_FINITE, 10**400, -1.0, -5e-324])
def test_r4_non_finite_or_negative_limits_are_rejected(value: Any) -> None:
    new_state, status = _status(
        "SetChargingProfile", RICH_STATE, _set_payload(chargingSchedulePeriod=[{"startPeriod": 0, "limit": value}])
    )
    assert status == "Rejected"
    assert new_state is RICH_STATE


@pytest.mark.parametrize("transaction_id", [77, *ODD_IDS, 10**400])
def test_r18_remote_stop_ends_the_active_transaction_and_refuses_any_other_id(transaction_id: int) -> None:
    """Through the harness's checks (`assert_stopped`): RICH_STATE's transaction 77 ends with its TxProfile, every
    other integer, however odd, is Rejected with the very state given."""
    new_state, status = _status("RemoteStopTransaction", RICH_STATE, {"transactionId": transaction_id})
    if transaction_id == 77:
        assert (status, new_state.transactions) == ("Accepted", ())
        assert sorted(ip.profile.charging_profile_id for ip in new_state.profiles) == [1, 2, 3]
    else:
        assert (status, new_state) == ("Rejected", RICH_STATE)
        assert new_state is RICH_STATE


@pytest.mark.parametrize("outlet_id", ODD_IDS)
def test_r6_odd_connector_ids_are_property_constraint_violations(outlet_id: int) -> None:
    with pytest.raises(OcppCallError) as info:
        handle_set_charging_profile(RICH_STATE, {**_set_payload(), "connectorId": outlet_id}, NOW)
    assert info.value.code == "PropertyConstraintViolation"


@pytest.mark.parametrize("profile_id", ODD_IDS)
def test_huge_and_negative_profile_ids_install_and_clear(profile_id: int) -> None:
    payload = _set_payload()
    payload["csChargingProfiles"]["chargingProfileId"] = profile_id
    state, status = _status("SetChargingProfile", RICH_STATE, payload)
    assert status == "Accepted"
    cleared, status = _status("ClearChargingProfile", state, {"id": profile_id})
    assert status == "Accepted"
    assert cleared == RICH_STATE


# --- OCPP 2.0.1 ------------------------------------------------------------------------------------------------
#
# The same properties for the five OCPP 2.0.1 handlers (`check_handler_201` in fuzz/harness.py): only S18's
# CALLERRORs (NotSupported while smart charging is not available), responses and ReportChargingProfiles valid
# against the official 2.0.1 schemas, a refused call returns the very state given, no call changes it, and an
# accepted one leaves a consistent state. States: `RICH_STATE_201` (EVSEs of 3 and 1 phases and DC, transactions
# with string ids, external constraints), the same with room for extreme requests, and with smart charging off.

ROOMY_STATE_201 = attrs.evolve(
    RICH_STATE_201,
    config=attrs.evolve(RICH_STATE_201.config, max_periods=20_000, max_profiles=1_000, max_stack_level=1_000),
)
UNAVAILABLE_STATE_201 = attrs.evolve(
    RICH_STATE_201, config=attrs.evolve(RICH_STATE_201.config, smart_charging_available=False)
)
STATES_201 = st.sampled_from([RICH_STATE_201, RICH_STATE_201, ROOMY_STATE_201, ROOMY_STATE_201, UNAVAILABLE_STATE_201])


@cache
def official_schema_201(action: str) -> dict[str, Any]:
    text = resources.files("ocpp.v201").joinpath("schemas").joinpath(f"{action}Request.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


#: Any JSON value, small.
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


def _shapes(schema: dict[str, Any], definitions: dict[str, Any]) -> st.SearchStrategy[Any]:
    """What `schema` allows: objects (with any further properties where the schema allows them, as in
    CustomDataType) and arrays built here from their parts, every other schema (strings, numbers, enums,
    date-times) by hypothesis-jsonschema. hypothesis-jsonschema alone takes about a second for each
    SetChargingProfileRequest: it canonicalises every nested object again on every draw."""
    if "$ref" in schema:
        return _shapes(definitions[schema["$ref"].rpartition("/")[2]], definitions)
    if schema.get("type") == "object" and "patternProperties" not in schema:
        parts = {key: _shapes(value, definitions) for key, value in schema["properties"].items()}
        required = set(schema.get("required", ()))
        declared = st.fixed_dictionaries(
            {key: part for key, part in parts.items() if key in required},
            optional={key: part for key, part in parts.items() if key not in required},
        )
        if schema.get("additionalProperties", True) is False:
            return declared
        extra = st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=3)  # CustomDataType's vendor fields
        return st.tuples(extra, declared).map(lambda both: {**both[0], **both[1]})
    if schema.get("type") == "array":
        items = _shapes(schema["items"], definitions)
        return st.lists(items, min_size=schema.get("minItems", 0), max_size=schema.get("maxItems"))
    return _leaf_shapes(json.dumps(schema, sort_keys=True))


@cache
def _leaf_shapes(schema_text: str) -> st.SearchStrategy[Any]:
    """hypothesis-jsonschema's strategy for a schema with no reference in it, made once per schema."""
    return from_schema(json.loads(schema_text))


@cache
def official_shapes_201(action: str) -> st.SearchStrategy[Any]:
    """Every payload the official OCPP 2.0.1 request schema of `action` allows."""
    schema = official_schema_201(action)
    return _shapes(schema, schema.get("definitions", {}))


PURPOSES_201 = ["ChargingStationMaxProfile", "TxDefaultProfile", "TxProfile", "ChargingStationExternalConstraints"]
#: The ids of RICH_STATE_201's transactions as running and in other cases (S5 compares ignoring case), and others.
TRANSACTION_IDS_201 = ["TX-77a", "tx-77A", "dc-session-9", "DC-SESSION-9", "tx-78", "fuzz-tx-1", "x" * 36]
#: RICH_STATE_201's profile ids (-1 and 900 are external constraints) and some more.
PROFILE_IDS_201 = st.integers(-2, 12) | st.just(900)
#: Where a purpose is at home, drawn more often than the other EVSEs (evseId 4 is unknown).
EVSES_OF = {"ChargingStationMaxProfile": [0], "TxProfile": [1, 3], "TxDefaultProfile": [0, 1, 2, 3]}


@st.composite
def plausible_schedule_201(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    periods = draw(plausible_periods())
    for period in periods:
        if period.get("numberPhases") == 1 and draw(st.integers(0, 3)) == 0:
            period["phaseToUse"] = draw(st.integers(1, 3))
    schedule: dict[str, Any] = {
        "id": draw(st.integers(0, 5)),
        "chargingRateUnit": draw(st.sampled_from(["A", "W"])),
        "chargingSchedulePeriod": periods,
    }
    _optional(draw, schedule, "duration", st.integers(0, 200_000))
    _optional(draw, schedule, "minChargingRate", LIMITS)
    if kind != "Relative" or draw(st.integers(0, 9)) == 0:
        schedule["startSchedule"] = draw(timestamps())
    return schedule


@st.composite
def plausible_profile_201(draw: st.DrawFn, purpose: str | None = None) -> dict[str, Any]:
    purpose = purpose or draw(st.sampled_from(PURPOSES_201[:3] * 3 + PURPOSES_201[3:]))
    kind = draw(st.sampled_from(["Absolute", "Recurring", "Relative"]))
    schedules = 1 if draw(st.integers(0, 9)) else draw(st.integers(2, 3))
    body: dict[str, Any] = {
        "id": draw(PROFILE_IDS_201),
        "stackLevel": draw(st.integers(0, 10)),
        "chargingProfilePurpose": purpose,
        "chargingProfileKind": kind,
        "chargingSchedule": [draw(plausible_schedule_201(kind)) for _ in range(schedules)],
    }
    if kind == "Recurring" or draw(st.integers(0, 4)) == 0:
        body["recurrencyKind"] = draw(st.sampled_from(["Daily", "Weekly"]))
    if purpose == "TxProfile" and draw(st.integers(0, 4)):
        body["transactionId"] = draw(st.sampled_from(TRANSACTION_IDS_201))
    _optional(draw, body, "validFrom", timestamps(NOW - timedelta(days=20)))
    _optional(draw, body, "validTo", timestamps(NOW + timedelta(days=20)))
    return body


@st.composite
def plausible_set_201(draw: st.DrawFn) -> dict[str, Any]:
    profile = draw(plausible_profile_201())
    home = EVSES_OF.get(profile["chargingProfilePurpose"], [0, 2])
    return {"evseId": draw(st.sampled_from(home) | st.integers(0, 4)), "chargingProfile": profile}


def plausible_get_201() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"evseId": st.integers(0, 4), "duration": st.integers(0, 8 * 86_400)},
        optional={"chargingRateUnit": st.sampled_from(["A", "W"])},
    )


def plausible_clear_201() -> st.SearchStrategy[dict[str, Any]]:
    criteria = st.fixed_dictionaries(
        {},
        optional={
            "evseId": st.integers(0, 4),
            "chargingProfilePurpose": st.sampled_from(PURPOSES_201),
            "stackLevel": st.integers(0, 10),
        },
    )
    return st.fixed_dictionaries(
        {}, optional={"chargingProfileId": PROFILE_IDS_201, "chargingProfileCriteria": criteria}
    )


def plausible_get_profiles_201() -> st.SearchStrategy[dict[str, Any]]:
    criterion = st.fixed_dictionaries(
        {},
        optional={
            "chargingProfilePurpose": st.sampled_from(PURPOSES_201),
            "stackLevel": st.integers(0, 10),
            "chargingProfileId": st.lists(PROFILE_IDS_201, min_size=1, max_size=4),
            "chargingLimitSource": st.lists(st.sampled_from(["EMS", "Other", "SO", "CSO"]), min_size=1, max_size=4),
        },
    )
    return st.fixed_dictionaries(
        {"requestId": st.integers(0, 2**31 - 1), "chargingProfile": criterion}, optional={"evseId": st.integers(0, 4)}
    )


@st.composite
def plausible_start_201(draw: st.DrawFn) -> dict[str, Any]:
    body: dict[str, Any] = {
        "remoteStartId": draw(st.integers(0, 1_000)),
        "idToken": {"idToken": "04A2B3C4", "type": draw(st.sampled_from(["ISO14443", "Central", "NoAuthorization"]))},
    }
    _optional(draw, body, "evseId", st.integers(0, 4))
    if draw(st.booleans()):
        profile = draw(plausible_profile_201(draw(st.sampled_from(["TxProfile", "TxProfile", "TxDefaultProfile"]))))
        if draw(st.integers(0, 4)):
            profile.pop("transactionId", None)
        body["chargingProfile"] = profile
    return body


def plausible_stop_201() -> st.SearchStrategy[dict[str, Any]]:
    """RICH_STATE_201's transactions, in their case or another, and ids no transaction has."""
    return st.fixed_dictionaries(
        {"transactionId": st.sampled_from(TRANSACTION_IDS_201)},
        optional={"customData": st.fixed_dictionaries({"vendorId": st.just("com.example")})},
    )


PLAUSIBLE_201: dict[str, Callable[[], st.SearchStrategy[dict[str, Any]]]] = {
    "SetChargingProfile": plausible_set_201,
    "GetCompositeSchedule": plausible_get_201,
    "ClearChargingProfile": plausible_clear_201,
    "GetChargingProfiles": plausible_get_profiles_201,
    "RequestStartTransaction": plausible_start_201,
    "RequestStopTransaction": plausible_stop_201,
}


@st.composite
def requests_201(draw: st.DrawFn) -> tuple[str, Any]:
    """An (action, payload) pair for OCPP 2.0.1: an official shape or a plausible request, mutated up to three
    times."""
    action = draw(st.sampled_from(ACTIONS_201))
    document = draw(official_shapes_201(action) if draw(st.integers(0, 3)) == 0 else PLAUSIBLE_201[action]())
    for _ in range(draw(st.integers(0, 3))):
        document = draw(mutated(document))
    return action, document


def answer_201(action: str, state: ChargePointState, payload: Any, now: datetime = NOW) -> ChargePointState:
    """Sends `payload` to `action`'s OCPP 2.0.1 handler with every property checked (`check_handler_201`);
    returns the state to go on with (the same one after a CALLERROR)."""
    try:
        new_state, _, _ = check_handler_201(action, state, payload, now)
    except OcppCallError:
        return state
    return new_state


def _reported_ids(state: ChargePointState, now: datetime = NOW) -> list[int]:
    """The ids GetChargingProfiles reports for all criteria empty: every installed profile, once."""
    _, _, messages = check_handler_201("GetChargingProfiles", state, {"requestId": 1, "chargingProfile": {}}, now)
    return sorted(p["id"] for m in messages for p in m.payload["chargingProfile"])


@HALF
@given(st.sampled_from(ACTIONS_201).flatmap(lambda a: st.tuples(st.just(a), official_shapes_201(a))), STATES_201)
def test_every_official_201_shape_is_answered_by_contract(action_and_payload: tuple[str, Any], state: Any) -> None:
    """The generator is checked too: every payload it draws is valid against the official schema."""
    action, payload = action_and_payload
    assert_valid_request_201(action, payload)
    answer_201(action, state, payload)


@HALF
@given(requests_201(), STATES_201)
def test_mutated_201_requests_are_answered_by_contract(action_and_payload: tuple[str, Any], state: Any) -> None:
    action, payload = action_and_payload
    answer_201(action, state, payload)


@QUARTER
@given(st.lists(st.tuples(requests_201(), st.integers(0, 7_200)), min_size=1, max_size=6), STATES_201)
def test_sequences_of_201_requests_keep_every_property(steps: list[tuple[tuple[str, Any], int]], state: Any) -> None:
    """Each answer is by contract whatever came before; GetChargingProfiles then reports every installed profile
    exactly once."""
    now = NOW
    for (action, payload), seconds in steps:
        now += timedelta(seconds=seconds)
        state = answer_201(action, state, payload, now)
    if state.config.smart_charging_available:
        assert _reported_ids(state, now) == sorted(ip.profile.charging_profile_id for ip in state.profiles)


def test_the_201_states_are_as_described() -> None:
    """RICH_STATE_201 holds every purpose, transactions with string ids on an AC and a DC EVSE, EVSEs of 3 and 1
    phases and DC, external constraints from two sources; and every one of its profiles is reported."""
    state = RICH_STATE_201
    assert {ip.profile.charging_profile_purpose.name for ip in state.profiles} == set(PURPOSES_201)
    assert [(t.outlet_id, t.transaction_id) for t in state.transactions] == [(1, "TX-77a"), (3, "dc-session-9")]
    assert [state.config.outlet(i).supply_phases for i in (1, 2, 3)] == [3, 1, 0]
    assert {ip.source for ip in state.profiles} == {"CSO", "EMS", "SO"}
    assert _reported_ids(state) == sorted(ip.profile.charging_profile_id for ip in state.profiles)


# --- OCPP 2.0.1: named extremes ------------------------------------------------------------------------------------


def _set_201(**schedule: Any) -> dict[str, Any]:
    body = {
        "id": 50,
        "stackLevel": 5,
        "chargingProfilePurpose": "TxDefaultProfile",
        "chargingProfileKind": "Absolute",
        "chargingSchedule": [
            {
                "id": 1,
                "startSchedule": "2026-01-08T10:00:00Z",
                "chargingRateUnit": "A",
                "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 10, "numberPhases": 1}],
                **schedule,
            }
        ],
    }
    return {"evseId": 2, "chargingProfile": body}


def _call_error_201(action: str, state: ChargePointState, payload: Any) -> str:
    with pytest.raises(OcppCallError) as info:
        check_handler_201(action, state, payload, NOW)
    return info.value.code


def test_201_ten_thousand_periods_break_the_schema() -> None:
    """chargingSchedulePeriod holds at most 1,024 periods (the schema's maxItems): OccurrenceConstraintViolation,
    however much room the station has."""
    payload = _set_201(chargingSchedulePeriod=ten_thousand_periods())
    assert _call_error_201("SetChargingProfile", ROOMY_STATE_201, payload) == "OccurrenceConstraintViolation"


def test_201_the_most_periods_are_rejected_by_the_configured_maximum_or_accepted_and_bounded() -> None:
    periods = [{"startPeriod": 60 * i, "limit": float(1 + i % 7), "numberPhases": 1} for i in range(1_024)]
    new_state, response, _ = check_handler_201(
        "SetChargingProfile", RICH_STATE_201, _set_201(chargingSchedulePeriod=periods), NOW
    )
    assert (response["status"], response["statusInfo"]["reasonCode"]) == ("Rejected", "InvalidSchedule")
    assert new_state is RICH_STATE_201
    state = answer_201("SetChargingProfile", ROOMY_STATE_201, _set_201(chargingSchedulePeriod=periods))
    assert state is not ROOMY_STATE_201
    for evse_id in (0, 2):
        _, response, _ = check_handler_201("GetCompositeSchedule", state, {"evseId": evse_id, "duration": 86_400}, NOW)
        answered = response["schedule"]["chargingSchedulePeriod"]
        assert len(answered) <= 86_400 // 60  # at most one period per profile period in the window
        assert [p["startPeriod"] for p in answered] == sorted({p["startPeriod"] for p in answered})
    assert len(answered) > 100  # on evseId 2 the profile's periods govern, under the external constraint


@pytest.mark.parametrize("text", EXTREME_TIMES)
@pytest.mark.parametrize("field", sorted(TIME_FIELDS))
def test_201_extreme_or_malformed_times_are_answered(field: str, text: str) -> None:
    payload = _set_201()
    body = payload["chargingProfile"]
    if field == "startSchedule":
        body["chargingSchedule"][0]["startSchedule"] = text
    else:
        body[field] = text
    state = answer_201("SetChargingProfile", ROOMY_STATE_201, payload)
    for evse_id in (0, 2):
        answer_201("GetCompositeSchedule", state, {"evseId": evse_id, "duration": 86_400})


@pytest.mark.parametrize("value", [*NON_FINITE, 10**400, -1.0, -5e-324])
def test_201_non_finite_or_negative_limits_are_refused(value: Any) -> None:
    payload = _set_201(chargingSchedulePeriod=[{"startPeriod": 0, "limit": value, "numberPhases": 1}])
    try:
        new_state, response, _ = check_handler_201("SetChargingProfile", RICH_STATE_201, payload, NOW)
    except OcppCallError:
        return
    assert response["status"] == "Rejected"
    assert new_state is RICH_STATE_201


@pytest.mark.parametrize("text", ["\ud800", "A\ud800", "\udfff\ud800", "x" * 37])
def test_201_lone_surrogates_and_long_transaction_ids_are_answered(text: str) -> None:
    """In an enumeration: PropertyConstraintViolation; as a transactionId: refused (no such transaction), or too
    long for an identifierString; either way the answer can be sent as JSON."""
    assert _call_error_201("SetChargingProfile", RICH_STATE_201, _set_201(chargingRateUnit=text)) in (
        "PropertyConstraintViolation",
    )
    payload = _set_201()
    payload["evseId"] = 1
    payload["chargingProfile"].update(chargingProfilePurpose="TxProfile", transactionId=text)
    answer_201("SetChargingProfile", RICH_STATE_201, payload)


@pytest.mark.parametrize("profile_id", ODD_IDS)
def test_201_huge_and_negative_profile_ids_install_and_clear(profile_id: int) -> None:
    """Every integer id the schema allows installs and clears; -1, the EMS's external constraint's id, is not the
    CSMS's to replace (S7)."""
    payload = _set_201()
    payload["chargingProfile"]["id"] = profile_id
    state, response, _ = check_handler_201("SetChargingProfile", RICH_STATE_201, payload, NOW)
    if profile_id == -1:
        assert response["statusInfo"]["reasonCode"] == "DuplicateProfile"
        return
    assert response == {"status": "Accepted"}
    cleared, response, _ = check_handler_201("ClearChargingProfile", state, {"chargingProfileId": profile_id}, NOW)
    assert response == {"status": "Accepted"}
    assert cleared == RICH_STATE_201


def test_201_every_call_is_not_supported_without_smart_charging_but_a_start_or_a_stop() -> None:
    """K01.FR.29 makes every smart-charging CALL NotSupported; RequestStartTransaction and RequestStopTransaction
    (block F) are answered as ever."""
    start = {"evseId": 2, "remoteStartId": 1, "idToken": {"idToken": "04A2B3C4", "type": "ISO14443"}}
    requests = {
        "SetChargingProfile": _set_201(),
        "GetCompositeSchedule": {"evseId": 0, "duration": 3_600},
        "ClearChargingProfile": {"chargingProfileId": 2},
        "GetChargingProfiles": {"requestId": 1, "chargingProfile": {}},
        "RequestStartTransaction": {
            **start,
            "chargingProfile": {**_set_201()["chargingProfile"], "chargingProfilePurpose": "TxProfile"},
        },
        "RequestStopTransaction": {"transactionId": "tx-77A"},
    }
    for action in ACTIONS_201:
        payload = requests[action]
        if action == "RequestStartTransaction":
            state = answer_201(action, UNAVAILABLE_STATE_201, payload)
            assert len(state.transactions) == 3  # started; its profile ignored (K05.FR.04)
            assert state.profiles == UNAVAILABLE_STATE_201.profiles
        elif action == "RequestStopTransaction":
            state = answer_201(action, UNAVAILABLE_STATE_201, payload)
            assert [t.transaction_id for t in state.transactions] == ["dc-session-9"]  # and TxProfile 4 is gone
            assert 4 not in {ip.profile.charging_profile_id for ip in state.profiles}
        else:
            assert _call_error_201(action, UNAVAILABLE_STATE_201, payload) == "NotSupported"


@pytest.mark.parametrize("transaction_id", TRANSACTION_IDS_201)
def test_201_request_stop_ends_a_running_transaction_named_in_any_case_and_refuses_others(transaction_id: str) -> None:
    """Through the harness's checks (`assert_stopped`, S5, S17): RICH_STATE_201's "TX-77a" and "dc-session-9", in
    any case, end with their TxProfile; every other id is Rejected with the very state given."""
    new_state, response, _ = check_handler_201(
        "RequestStopTransaction", RICH_STATE_201, {"transactionId": transaction_id}, NOW
    )
    if transaction_id.casefold() in ("tx-77a", "dc-session-9"):
        assert response == {"status": "Accepted"}
        assert len(new_state.transactions) == 1
        assert len(new_state.profiles) == len(RICH_STATE_201.profiles) - 1
    else:
        assert response == {"status": "Rejected"}
        assert new_state is RICH_STATE_201


# --- inputs the coverage-guided fuzzer found --------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(REGRESSIONS.glob("*")) if REGRESSIONS.is_dir() else [], ids=lambda p: p.name)
def test_fuzz_regression_inputs_keep_every_property(path: Path) -> None:
    """Each file is an input that once broke a property (fuzz/README.md); `exercise` raises if one breaks again."""
    exercise(path.read_bytes())
