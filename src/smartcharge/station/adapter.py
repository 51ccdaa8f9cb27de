"""Mixins that let an `ocpp` 2.x charge point answer smart charging with smartcharge's sans-IO handlers.

`SmartChargingV16` goes before ``ocpp.v16.ChargePoint`` in a subclass's bases, `SmartChargingV201` before
``ocpp.v201.ChargePoint``::

    class ChargePoint(SmartChargingV16, ocpp.v16.ChargePoint):
        pass

    cp = ChargePoint("CP1", websocket, state=ChargePointState(config=ChargePointConfig(outlet_count=2)))
    await cp.start()

They answer SetChargingProfile, GetCompositeSchedule and ClearChargingProfile (2.0.1: also GetChargingProfiles,
whose ReportChargingProfiles are sent as CALLs once the answer is out). What this module owns is the translation
only: the `ocpp` package calls a handler with the payload's keys in snake_case, so they are turned back into the
camelCase payload the sans-IO handlers read; the handler's answer becomes the `ocpp` ``call_result`` dataclass;
an `OcppCallError` becomes the `ocpp.exceptions` class with the same code, so the CALLERROR carries it. Every rule
stays in `smartcharge.ocpp16` / `smartcharge.ocpp201`, which also read each payload against the specification
(the `ocpp` package's own schema check is skipped for these actions, so a bad payload gets smartcharge's
CALLERROR, as SPEC says).

The state is ``self.smartcharge_state`` (replaced after every accepted change), the time of each CALL comes from
``self.smartcharge_clock`` (default: `datetime.now` in UTC), and with a `state_path` the state is saved there with
`save_state` after every change, in the dialect of the protocol.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any, ClassVar, TypeVar, cast

import ocpp.exceptions
from ocpp.charge_point import camel_to_snake_case, snake_to_camel_case
from ocpp.routing import after, on
from ocpp.v16 import call_result as call_result16
from ocpp.v16.enums import Action as Action16
from ocpp.v201 import call as call201
from ocpp.v201 import call_result as call_result201
from ocpp.v201.enums import Action as Action201

from smartcharge import ocpp16, ocpp201
from smartcharge.documents.persistence import save_state
from smartcharge.engine.store import ChargePointState
from smartcharge.errors import OcppCallError

__all__ = ["SmartChargingV16", "SmartChargingV201", "handles", "handles_after", "ocpp_error"]

LOGGER = logging.getLogger(__name__)

_F = TypeVar("_F", bound=Callable[..., Any])
_T = TypeVar("_T")
Response = dict[str, Any]
Handler = Callable[[ChargePointState, Any, datetime], tuple[ChargePointState, Response]]

#: The `ocpp.exceptions` class for each OCPP-J error code (both spellings of OccurrenceConstraintViolation).
_ERRORS: Mapping[str, type[ocpp.exceptions.OCPPError]] = {
    error.code: error
    for error in (
        ocpp.exceptions.NotImplementedError,
        ocpp.exceptions.NotSupportedError,
        ocpp.exceptions.InternalError,
        ocpp.exceptions.ProtocolError,
        ocpp.exceptions.SecurityError,
        ocpp.exceptions.FormatViolationError,
        ocpp.exceptions.FormationViolationError,
        ocpp.exceptions.PropertyConstraintViolationError,
        ocpp.exceptions.OccurenceConstraintViolationError,
        ocpp.exceptions.OccurrenceConstraintViolationError,
        ocpp.exceptions.TypeConstraintViolationError,
        ocpp.exceptions.GenericError,
    )
}


def ocpp_error(error: OcppCallError) -> ocpp.exceptions.OCPPError:
    """`error` as the `ocpp.exceptions` instance the `ocpp` package answers with a CALLERROR of the same code and
    description (a code it has no class for: GenericError, the description naming the code)."""
    cls = _ERRORS.get(error.code)
    if cls is None:
        return ocpp.exceptions.GenericError(f"{error.code}: {error.description}")
    return cls(error.description)


def handles(action: str) -> Callable[[_F], _F]:
    """``@on(action)`` without the `ocpp` package's schema check: smartcharge reads the payload itself."""
    return cast(Callable[[_F], _F], on(action, skip_schema_validation=True))


def handles_after(action: str) -> Callable[[_F], _F]:
    """``@after(action)``, typed: runs once the answer to the CALL is out."""
    return cast(Callable[[_F], _F], after(action))


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class _SmartCharging:
    """What both mixins share: the state, the clock, saving, and one CALL through one sans-IO handler."""

    #: The dialect of the saved state document (`state_document.state_to_json`).
    _smartcharge_ocpp_version: ClassVar[str]

    smartcharge_state: ChargePointState
    smartcharge_clock: Callable[[], datetime]
    smartcharge_state_path: str | os.PathLike[str] | None

    def __init__(
        self,
        *args: Any,
        state: ChargePointState,
        clock: Callable[[], datetime] | None = None,
        state_path: str | os.PathLike[str] | None = None,
        **kwargs: Any,
    ) -> None:
        """`args` and `kwargs` go to the `ocpp` ChargePoint (id, connection, ...); `state` is the charge point's
        smart-charging state, `clock` the time of each CALL (an aware datetime), `state_path` where to save."""
        super().__init__(*args, **kwargs)
        self.smartcharge_state = state
        self.smartcharge_clock = clock if clock is not None else _utc_now
        self.smartcharge_state_path = state_path

    def smartcharge_keep(self, state: ChargePointState) -> None:
        """Makes `state` the charge point's state, saved to `smartcharge_state_path` (if any) when it changed."""
        if state is self.smartcharge_state:
            return
        self.smartcharge_state = state
        if self.smartcharge_state_path is not None:
            save_state(self.smartcharge_state_path, state, ocpp_version=self._smartcharge_ocpp_version)

    def _smartcharge_answer(self, handler: Handler, kwargs: Mapping[str, Any]) -> Response:
        """`handler`'s answer to the CALL whose snake_case keyword arguments are `kwargs`, the state kept."""
        payload = snake_to_camel_case(dict(kwargs))
        try:
            state, response = handler(self.smartcharge_state, payload, self.smartcharge_clock())
        except OcppCallError as exc:
            raise ocpp_error(exc) from None
        self.smartcharge_keep(state)
        return response


def _result(cls: Callable[..., _T], response: Response) -> _T:
    """The `ocpp` dataclass `cls` (a call_result, or a call the station sends) for the camelCase `response`."""
    return cls(**camel_to_snake_case(response))


class SmartChargingV16(_SmartCharging):
    """OCPP 1.6 smart charging (SetChargingProfile, GetCompositeSchedule, ClearChargingProfile) for a subclass
    of ``ocpp.v16.ChargePoint``, answered by `smartcharge.ocpp16`'s handlers."""

    _smartcharge_ocpp_version = "1.6"

    @handles(Action16.set_charging_profile)
    def on_set_charging_profile(self, **kwargs: Any) -> Any:
        return _result(
            call_result16.SetChargingProfile, self._smartcharge_answer(ocpp16.handle_set_charging_profile, kwargs)
        )

    @handles(Action16.get_composite_schedule)
    def on_get_composite_schedule(self, **kwargs: Any) -> Any:
        return _result(
            call_result16.GetCompositeSchedule, self._smartcharge_answer(ocpp16.handle_get_composite_schedule, kwargs)
        )

    @handles(Action16.clear_charging_profile)
    def on_clear_charging_profile(self, **kwargs: Any) -> Any:
        return _result(
            call_result16.ClearChargingProfile, self._smartcharge_answer(ocpp16.handle_clear_charging_profile, kwargs)
        )


class SmartChargingV201(_SmartCharging):
    """OCPP 2.0.1 smart charging (SetChargingProfile, GetCompositeSchedule, ClearChargingProfile,
    GetChargingProfiles with its ReportChargingProfiles) for a subclass of ``ocpp.v201.ChargePoint``, answered by
    `smartcharge.ocpp201`'s handlers."""

    _smartcharge_ocpp_version = "2.0.1"

    #: ``self.call`` of the `ocpp` ChargePoint this mixin is combined with.
    call: Callable[..., Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The reports of a GetChargingProfiles, by the CALL's unique id, until its answer is out.
        self._smartcharge_reports: dict[str, tuple[ocpp201.OutgoingMessage, ...]] = {}

    @handles(Action201.set_charging_profile)
    def on_set_charging_profile(self, **kwargs: Any) -> Any:
        return _result(
            call_result201.SetChargingProfile, self._smartcharge_answer(ocpp201.handle_set_charging_profile, kwargs)
        )

    @handles(Action201.get_composite_schedule)
    def on_get_composite_schedule(self, **kwargs: Any) -> Any:
        return _result(
            call_result201.GetCompositeSchedule,
            self._smartcharge_answer(ocpp201.handle_get_composite_schedule, kwargs),
        )

    @handles(Action201.clear_charging_profile)
    def on_clear_charging_profile(self, **kwargs: Any) -> Any:
        return _result(
            call_result201.ClearChargingProfile,
            self._smartcharge_answer(ocpp201.handle_clear_charging_profile, kwargs),
        )

    @handles(Action201.get_charging_profiles)
    def on_get_charging_profiles(self, call_unique_id: str, **kwargs: Any) -> Any:
        payload = snake_to_camel_case(dict(kwargs))
        try:
            _, response, reports = ocpp201.handle_get_charging_profiles(
                self.smartcharge_state, payload, self.smartcharge_clock()
            )
        except OcppCallError as exc:
            raise ocpp_error(exc) from None
        if reports:
            self._smartcharge_reports[call_unique_id] = reports
        return _result(call_result201.GetChargingProfiles, response)

    @handles_after(Action201.get_charging_profiles)
    def after_get_charging_profiles(self, call_unique_id: str, **kwargs: Any) -> Any:
        reports = self._smartcharge_reports.pop(call_unique_id, ())
        return self._smartcharge_send_reports(reports) if reports else None

    async def _smartcharge_send_reports(self, reports: tuple[ocpp201.OutgoingMessage, ...]) -> None:
        """Sends `reports` in order, each after the CSMS answered the one before (K09.FR.02's tbc chain)."""
        for message in reports:
            try:
                await self.call(_result(call201.ReportChargingProfiles, message.payload))
            except (asyncio.TimeoutError, ocpp.exceptions.OCPPError, OSError):
                LOGGER.exception("sending %s failed; the reports after it are not sent", message.action)
                return
