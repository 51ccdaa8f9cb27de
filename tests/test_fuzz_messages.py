"""Message-layer fuzzing of the three OCPP 1.6 handlers (issue "Robustness"): whatever a central system sends,

- a handler raises nothing but `OcppCallError` (FormatViolation or PropertyConstraintViolation);
- every response validates against the official OCPP 1.6 response schema;
- on ``Rejected`` or ``Unknown`` (and for every GetCompositeSchedule) the state returned is the very state given,
  and that state did not change (R16);
- after ``Accepted`` the new state round-trips through `serialize`'s JSON (R17).

Inputs: every shape the official request schemas allow (`hypothesis-jsonschema` over the schemas the `ocpp`
package ships), plausible requests a charge point accepts, and both of them mutated: wrong types, missing and
extra fields, huge numbers, NaN and infinities, negative and huge ids, 10,000 periods, times in year 1 and 9999,
odd UTC offsets, fractional seconds, lone surrogates. The properties themselves are written once, in
``fuzz/harness.py``, which the coverage-guided fuzzer shares; every input it ever crashed on is kept in
``tests/fuzz_regressions/`` and replayed here.
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

from smartcharge import ChargePointState, OcppCallError
from smartcharge.documents.state_document import dumps, state_from_json
from smartcharge.ocpp16 import (
    handle_clear_charging_profile,
    handle_get_composite_schedule,
    handle_set_charging_profile,
)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "fuzz"))

from harness import NOW, RICH_STATE, check_handler, exercise  # noqa: E402

REGRESSIONS = ROOT / "tests" / "fuzz_regressions"

Handler = Callable[[ChargePointState, Any, datetime], tuple[ChargePointState, dict[str, Any]]]
HANDLERS: dict[str, Handler] = {
    "SetChargingProfile": handle_set_charging_profile,
    "GetCompositeSchedule": handle_get_composite_schedule,
    "ClearChargingProfile": handle_clear_charging_profile,
}
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


PLAUSIBLE: dict[str, Callable[[], st.SearchStrategy[dict[str, Any]]]] = {
    "SetChargingProfile": plausible_set,
    "GetCompositeSchedule": plausible_get,
    "ClearChargingProfile": plausible_clear,
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
ODD_STRINGS = ["\ud800", "\udfff", "A\x00", "A\ud800", "Ａ", "W ", "a", "Tx\u200bProfile", "é" * 3, "\U0001f50c"]
WRONG_TYPES: list[Any] = [None, True, False, 0, 1.5, "1", [], [1], {}, {"a": 1}, Decimal("7.5")]
FIELD_NAMES = [
    "connectorId", "csChargingProfiles", "chargingProfileId", "transactionId", "stackLevel", "chargingProfilePurpose",
    "chargingProfileKind", "recurrencyKind", "validFrom", "validTo", "chargingSchedule", "duration", "startSchedule",
    "chargingRateUnit", "chargingSchedulePeriod", "startPeriod", "limit", "numberPhases", "minChargingRate", "id",
    "extra", "\ud800", "",
]  # fmt: skip

ID_FIELDS = {"connectorId", "chargingProfileId", "transactionId", "stackLevel", "id", "duration", "startPeriod"}
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


@FUZZ
@given(st.sampled_from(ACTIONS).flatmap(lambda a: st.tuples(st.just(a), official_shapes(a))), STATES)
def test_every_official_shape_is_answered_by_contract(action_and_payload: tuple[str, Any], state: Any) -> None:
    """Also checks the schema-driven generator works on this Hypothesis (see `_LegacyMany`): objects whose fields
    all come from the schema, with the required ones present."""
    action, payload = action_and_payload
    schema = official_schema(action)
    assert isinstance(payload, dict)
    assert set(schema.get("required", ())) <= set(payload) <= set(schema["properties"])
    answer(action, state, payload)


@FUZZ
@given(requests(), STATES)
def test_mutated_requests_are_answered_by_contract(action_and_payload: tuple[str, Any], state: Any) -> None:
    action, payload = action_and_payload
    answer(action, state, payload)


@settings(FUZZ, max_examples=max(1, settings.default.max_examples // 2))
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


# --- inputs the coverage-guided fuzzer found --------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(REGRESSIONS.glob("*")) if REGRESSIONS.is_dir() else [], ids=lambda p: p.name)
def test_fuzz_regression_inputs_keep_every_property(path: Path) -> None:
    """Each file is an input that once broke a property (fuzz/README.md); `exercise` raises if one breaks again."""
    exercise(path.read_bytes())
