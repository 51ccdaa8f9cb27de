"""Why the limit is what it is: interval by interval, which profile governs and which ones it overrides.

`explain` answers the question people bring to a composite schedule ("where does 7 kW come from, and why not the
11 kW profile?"). It splits a window at every change of the composite and at every instant where a profile starts
or stops covering (R21-R23), and for each interval lists every profile that covers it: the ones that govern their
purpose (R24, D10) and whether their limit binds (R25-R27), and the ones they override (a lower stack level, a
TxDefaultProfile under a TxProfile).

Everything here is built on the public evaluation functions: `limit_at` says what governs at an instant and
`timeline.profile_slices` where each profile covers. No rule is decided here; this module only collects and labels
their answers. It does no I/O and knows nothing of OCPP's JSON or of how the answer is shown (`render`, `cli`).
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import attrs

from smartcharge.engine.combine import (
    Share,
    combine_sources,
    conversion_phases,
    outlet_hardware_limit,
    outlet_share,
    station_limit,
)
from smartcharge.engine.composite import composite_schedule, limit_at
from smartcharge.engine.instants import format_instant, from_epoch, to_epoch, utc_instant
from smartcharge.engine.limits import Limit, LimitSource
from smartcharge.engine.model import ChargingRateUnit, Purpose, PurposeRole
from smartcharge.engine.store import ChargePointState, InstalledProfile, start_sessions
from smartcharge.engine.timeline import Slice, profile_slices
from smartcharge.engine.units import convert
from smartcharge.errors import InvalidArgumentError

__all__ = ["Contender", "Explanation", "Interval", "explain"]

_RELATIVE_TOLERANCE = 1e-9


@attrs.frozen
class Contender:
    """A profile whose schedule covers an interval, and what became of it there.

    `profile_id`, `purpose`, `stack_level` and `outlet_id` (the connector it is installed on) name the profile;
    `limit` `unit` on `number_phases` phases is its governing period's limit, and `value` the same limit in the
    explanation's unit. `for_outlet` is the connector whose limit it bears on (for connector 0's explanation a
    Tx/TxDefault profile is listed once per connector it reaches; caps are listed for connector 0).

    `governs` is True when it is the profile its purpose uses there (R24, D10, R25); `binds` is True when, in
    addition, the resulting limit is its own (the least of the purposes, R25-R27). `reason` says why in words.
    `dc` is True when `for_outlet` is a DC outlet (OCPP 2.0.1): its limit is converted on one "phase" (P = U x I)
    and numberPhases means nothing there (K01.FR.44).
    People read the pair as `render` words it: "sets the limit" (governs and binds), "caps, not binding" (a cap
    that governs above the limit), "capped" (a Tx or TxDefault profile that governs under a lower cap) and
    "overridden" (covers, does not govern).
    """

    profile_id: int
    purpose: Purpose
    stack_level: int
    outlet_id: int
    for_outlet: int
    limit: float
    unit: ChargingRateUnit
    number_phases: int
    value: float
    governs: bool
    binds: bool
    reason: str
    dc: bool = False


@attrs.frozen
class Interval:
    """[`start`, `end`): the connector's limit `limit` (None: no profile limits, the hardware maximum applies) on
    `number_phases` phases, and the `contenders` that cover the interval, governing ones first. `phase_to_use` is
    the phase a single-phase limit is drawn on where a governing period names one (OCPP 2.0.1), else None."""

    start: datetime
    end: datetime
    limit: float | None
    number_phases: int
    contenders: tuple[Contender, ...]
    phase_to_use: int | None = None

    @property
    def governing(self) -> tuple[Contender, ...]:
        """The profiles that govern their purpose here."""
        return tuple(c for c in self.contenders if c.governs)

    @property
    def overridden(self) -> tuple[Contender, ...]:
        """The profiles that cover the interval but are overridden by another one."""
        return tuple(c for c in self.contenders if not c.governs)


@attrs.frozen
class Explanation:
    """The explanation of `outlet_id`'s limit over [`start`, `start` + `duration`) in `unit`: consecutive
    `intervals` that cover the window (one at `start` when `duration` is 0), and the connector's
    `hardware_limit` in `unit` (what it may draw where no profile limits). `dc` is True for a DC outlet (OCPP
    2.0.1: its limits have no numberPhases, K01.FR.44)."""

    outlet_id: int
    start: datetime
    duration: int
    unit: ChargingRateUnit
    hardware_limit: float
    voltage: float
    intervals: tuple[Interval, ...]
    dc: bool = False

    @property
    def end(self) -> datetime:
        """The end of the window (excluded)."""
        return from_epoch(to_epoch(self.start) + self.duration)

    def to_json(self, ocpp_version: str = "1.6") -> dict[str, Any]:
        """The explanation as a JSON-able document (camelCase, times as ``YYYY-MM-DDTHH:MM:SSZ``), what
        ``smartcharge explain --format json`` prints. With `ocpp_version` ``"2.0.1"`` outlets are ``evseId`` and
        ``forEvse`` (else ``connectorId`` and ``forConnector``), an interval has ``phaseToUse`` where its limit
        names one, and a DC outlet has ``"dc": true`` and no ``numberPhases``."""
        words = _json_words(ocpp_version)
        document: dict[str, Any] = {
            words.outlet: self.outlet_id,
            "start": format_instant(self.start),
            "duration": self.duration,
            "unit": self.unit.value,
            "hardwareLimit": self.hardware_limit,
            "intervals": [_interval_json(i, self.dc, words) for i in self.intervals],
        }
        if self.dc:
            document["dc"] = True
        return document


@attrs.frozen
class _JsonWords:
    outlet: str
    for_outlet: str


_JSON_WORDS = {"1.6": _JsonWords("connectorId", "forConnector"), "2.0.1": _JsonWords("evseId", "forEvse")}


def _json_words(ocpp_version: str) -> _JsonWords:
    if ocpp_version not in _JSON_WORDS:
        raise InvalidArgumentError(f"ocpp_version must be one of {', '.join(_JSON_WORDS)}, not {ocpp_version!r}")
    return _JSON_WORDS[ocpp_version]


def _phases_json(number_phases: int, dc: bool, phase_to_use: int | None = None) -> dict[str, Any]:
    """``numberPhases`` (none on a DC outlet, K01.FR.44) and ``phaseToUse`` where there is one."""
    if dc:
        return {}
    return {"numberPhases": number_phases, **({} if phase_to_use is None else {"phaseToUse": phase_to_use})}


def _interval_json(i: Interval, dc: bool, words: _JsonWords) -> dict[str, Any]:
    return {
        "start": format_instant(i.start),
        "end": format_instant(i.end),
        "limit": i.limit,
        **_phases_json(i.number_phases, dc, i.phase_to_use),
        "governing": [_contender_json(c, words) for c in i.governing],
        "overridden": [_contender_json(c, words) for c in i.overridden],
    }


def _contender_json(c: Contender, words: _JsonWords) -> dict[str, Any]:
    return {
        "profileId": c.profile_id,
        "purpose": c.purpose.name,
        "stackLevel": c.stack_level,
        words.outlet: c.outlet_id,
        words.for_outlet: c.for_outlet,
        "limit": c.limit,
        "unit": c.unit.value,
        **_phases_json(c.number_phases, c.dc),
        "value": c.value,
        "binds": c.binds,
        "reason": c.reason,
        **({"dc": True} if c.dc else {}),
    }


# --- which profiles cover when -----------------------------------------------------------------------------------


def _is_cap(installed: InstalledProfile) -> bool:
    return installed.profile.charging_profile_purpose.role.is_cap


@attrs.frozen
class _Coverage:
    """Where one installed profile covers the window, as seen from connector `for_outlet`."""

    installed: InstalledProfile
    for_outlet: int
    slices: tuple[Slice, ...]
    starts: tuple[int, ...]

    def period_at(self, t: int) -> int | None:
        """The index of the period that covers `t`, None when the profile does not cover it."""
        i = bisect.bisect_right(self.starts, t) - 1
        if i >= 0 and self.slices[i].start <= t < self.slices[i].end:
            return self.slices[i].index
        return None


def _coverages(state: ChargePointState, outlet_id: int, lo: int, hi: int) -> list[_Coverage]:
    """Every (profile, connector it bears on) pair whose profile reaches `outlet_id` (0: caps for the connector
    they are installed on, connector 0's for connector 0 and another's for that connector's share of the sum (SPEC-201
    E5); Tx/TxDefault profiles once per connector they reach), with its slices in [lo, hi) (R21-R23)."""
    pairs: list[tuple[InstalledProfile, int]] = []
    for installed in state.profiles:
        if outlet_id != 0:
            if installed.reaches(outlet_id):
                pairs.append((installed, outlet_id))
        elif _is_cap(installed):
            pairs.append((installed, installed.outlet_id))
        else:
            pairs.extend((installed, c) for c in state.config.outlet_ids if installed.reaches(c))
    coverages = []
    for installed, for_outlet in pairs:
        transaction = state.transaction_on(for_outlet if for_outlet else 1)
        session = lo if transaction is None else to_epoch(transaction.start)
        slices = profile_slices(
            installed.profile, lo, hi, installed_at=to_epoch(installed.installed_at), session_start=session
        )
        coverages.append(_Coverage(installed, for_outlet, tuple(slices), tuple(s.start for s in slices)))
    return coverages


# --- labelling one interval -------------------------------------------------------------------------------------


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=_RELATIVE_TOLERANCE, abs_tol=1e-9)


def _source_value(source: LimitSource, unit: ChargingRateUnit, voltage: float, phases: int) -> float:
    return convert(source.limit, source.unit, unit, voltage, phases)


def _winner_reason(source: LimitSource, binds: bool, station: bool, own_cap: bool = False) -> str:
    """Why a governing profile binds or not; `own_cap` for connector 0's explanation, when a cap installed on the
    connector itself holds its share of the sum down (SPEC-201 E5)."""
    if source.purpose.role.is_cap:
        if station and source.outlet_id != 0:
            return "its outlet's share of the sum (E5)" if binds else "above its outlet's Tx limit (E5)"
        if station:
            return "below the connectors' sum, so the cap is the limit (R27)" if binds else "above the sum (R27)"
        return "the cap is the limit (R25)" if binds else "above the Tx limit (R25)"
    if station and own_cap:
        return "added to the sum, but a cap on its outlet is lower (E5)"
    if station:
        return "added to the charge point's sum (R27)" if binds else "added to the sum, but the cap is lower (R27)"
    return "the limit (R24, R25)" if binds else "a cap is lower (R25, R26)"


def _loser_reason(installed: InstalledProfile, winners: Sequence[LimitSource], for_outlet: int) -> str:
    """Why `installed` does not govern: a profile of its purpose ranks higher (R24, D10), or a TxProfile governs
    instead of the TxDefaultProfiles (R25)."""
    profile = installed.profile
    purpose = profile.charging_profile_purpose
    same = [w for w in winners if w.purpose is purpose]
    if same:
        winner = same[0]
        if winner.stack_level > profile.stack_level:
            levels = f"stack level {profile.stack_level} is below {winner.stack_level}"
            return f"by profile {winner.profile_id}: {levels} (R24)"
        if winner.stack_level == profile.stack_level and winner.outlet_id != installed.outlet_id:
            return (
                f"by profile {winner.profile_id}: same stack level, and the one on connector {for_outlet} "
                "itself goes first (D10)"
            )
        return f"by profile {winner.profile_id} of the same purpose and stack level (R24)"
    if purpose.role is PurposeRole.DEFAULT:
        tx = [w for w in winners if w.purpose.role is PurposeRole.TRANSACTION]
        if tx:
            return f"by TxProfile {tx[0].profile_id}: a TxProfile that covers goes before TxDefaultProfiles (R25)"
    return "another profile goes first here"


def _contender(
    installed: InstalledProfile,
    index: int,
    for_outlet: int,
    unit: ChargingRateUnit,
    voltage: float,
    default_phases: int,
    dc: bool,
) -> tuple[int, Purpose, int, int, int, float, ChargingRateUnit, int, float]:
    """The fields of a `Contender` before its labels; on a `dc` outlet the limit is on one "phase" (K01.FR.44)."""
    profile = installed.profile
    period = profile.charging_schedule.charging_schedule_period[index]
    phases = default_phases if period.number_phases is None else period.number_phases
    if dc:
        phases = 1
    native = profile.charging_schedule.charging_rate_unit
    return (
        profile.charging_profile_id,
        profile.charging_profile_purpose,
        profile.stack_level,
        installed.outlet_id,
        for_outlet,
        period.limit,
        native,
        phases,
        convert(period.limit, native, unit, voltage, phases),
    )


def _label(
    state: ChargePointState,
    outlet_id: int,
    t: int,
    unit: ChargingRateUnit,
    coverages: Sequence[_Coverage],
) -> tuple[Limit, tuple[Contender, ...]]:
    """The limit at `t` and every profile covering `t`, labelled governing / binding / overridden."""
    at = from_epoch(t)
    config = state.config
    voltage, default_phases = config.voltage, config.default_number_phases
    limit = limit_at(state, outlet_id, at, unit)
    station = outlet_id == 0
    winners_for: dict[int, tuple[LimitSource, ...]] = {outlet_id: limit.sources}
    caps_bind, shares_from = False, dict[int, LimitSource | None]()
    if station:
        winners_for, caps_bind, shares_from = _station_winners(state, limit, at, unit)
    governing: list[Contender] = []
    overridden: list[Contender] = []
    for coverage in coverages:
        index = coverage.period_at(t)
        if index is None:
            continue
        c = coverage.for_outlet
        dc = c > 0 and config.outlet(c).is_dc
        fields = _contender(coverage.installed, index, c, unit, voltage, default_phases, dc)
        winners = winners_for[c]
        source = next((w for w in winners if w.profile_id == fields[0]), None)
        if source is None:
            reason = _loser_reason(coverage.installed, winners, c)
            overridden.append(Contender(*fields, governs=False, binds=False, reason=reason, dc=dc))
            continue
        own_cap = False
        if station and c == 0:
            binds = caps_bind
        elif station:  # E5: the source its outlet's share comes from, when the caps on connector 0 do not bind
            binds = not caps_bind and shares_from.get(c) is source
            own_cap = not source.purpose.role.is_cap and (shares_from.get(c) or source).purpose.role.is_cap
        else:
            binds = limit.value is not None and _close(
                _source_value(source, unit, voltage, limit.number_phases), limit.value
            )
        reason = _winner_reason(source, binds, station, own_cap)
        governing.append(Contender(*fields, governs=True, binds=binds, reason=reason, dc=dc))
    return limit, (*sorted(_ordered(governing), key=lambda c: not c.binds), *_ordered(overridden))


def _share_from(
    tx: LimitSource | None,
    own_caps: Sequence[LimitSource],
    unit: ChargingRateUnit,
    voltage: float,
    hardware: Share,
    phases: int | None,
) -> LimitSource | None:
    """The source an outlet's share of the sum comes from (`outlet_share`): its lowest own cap where that is
    strictly below its Tx/TxDefault limit, or its hardware maximum where none (SPEC-201 E5, S12), else that limit
    (None: the hardware maximum)."""
    if not own_caps:
        return tx
    base = hardware if tx is None else combine_sources((tx,), unit, voltage, phases)
    if outlet_share(tx, own_caps, unit, voltage, hardware, phases) == base:
        return tx
    return min(own_caps, key=lambda cap: combine_sources((cap,), unit, voltage, phases)[0])


def _station_winners(
    state: ChargePointState, limit: Limit, at: datetime, unit: ChargingRateUnit
) -> tuple[dict[int, tuple[LimitSource, ...]], bool, dict[int, LimitSource | None]]:
    """Connector 0's governing periods (`limit`'s): the caps for connector 0 and, for each connector, its
    Tx/TxDefault one and the caps installed on it (SPEC-201 E5); whether the caps on connector 0 bind, as the
    engine's connector-0 sum decides it (`station_limit`, R27: only when strictly below the connectors' sum); and
    for each connector the source its share of the sum comes from."""
    config = state.config
    caps = tuple(s for s in limit.sources if s.purpose.role.is_cap and s.outlet_id == 0)
    winners_for = {0: caps}
    shares_from: dict[int, LimitSource | None] = {}
    shares: list[Share | None] = []
    hardware: list[Share] = []
    for c in config.outlet_ids:
        sources = limit_at(state, c, at, unit).sources
        tx = tuple(s for s in sources if not s.purpose.role.is_cap)
        own_caps = tuple(s for s in sources if s.purpose.role.is_cap and s.outlet_id == c)  # E5: caps on the outlet
        winners_for[c] = tx + own_caps
        # R25: a TxProfile or a TxDefaultProfile governs, never both
        own, phases = (tx[0] if tx else None), conversion_phases(config.outlet(c))
        maximum = outlet_hardware_limit(config, unit, c)
        hardware.append(maximum)
        shares.append(outlet_share(own, own_caps, unit, config.voltage, maximum, phases))
        shares_from[c] = _share_from(own, own_caps, unit, config.voltage, maximum, phases)
    return winners_for, station_limit(caps, shares, hardware, unit, config).caps_bind, shares_from


_ROLES = tuple(PurposeRole)


def purpose_order(purpose: Purpose) -> tuple[int, str]:
    """How explanations and pictures order purposes: by role (caps, transaction, default), then by name."""
    return _ROLES.index(purpose.role), purpose.name


def _ordered(contenders: Iterable[Contender]) -> list[Contender]:
    return sorted(
        contenders,
        key=lambda c: (c.for_outlet, purpose_order(c.purpose), -c.stack_level, c.outlet_id, c.profile_id),
    )


# --- public -----------------------------------------------------------------------------------------------------


def explain(
    state: ChargePointState,
    outlet_id: int,
    start: datetime,
    duration: int,
    unit: ChargingRateUnit | str | None = None,
) -> Explanation:
    """Explain the composite schedule of `outlet_id` (0: the whole charge point) over
    [`start`, `start` + `duration`) in `unit` (default: the first allowed unit, R30), interval by interval.

    A connector without a transaction is explained "as if a transaction started at `start`" (D8), exactly as its
    composite schedule is computed, so the intervals' limits are the composite's (§3.13.4, §5.7, R21-R28).
    Adjacent intervals with the same limit and the same contenders are merged.
    """
    schedule = composite_schedule(state, outlet_id, start, duration, unit)
    the_unit = schedule.unit
    begin = to_epoch(utc_instant(start, "start"))
    hi = begin + max(duration, 1)
    charging = start_sessions(state, from_epoch(begin))  # D8: limit_at later in the window sees one start
    coverages = _coverages(charging, outlet_id, begin, hi)
    bounds = {begin, hi}
    bounds.update(begin + p.start_period for p in schedule.periods)
    for coverage in coverages:
        bounds.update(x for s in coverage.slices for x in (s.start, s.end))
    ordered = sorted(b for b in bounds if begin <= b <= hi)
    intervals: list[Interval] = []
    for lo, up in itertools.pairwise(ordered):
        limit, contenders = _label(charging, outlet_id, lo, the_unit, coverages)
        end = from_epoch(min(up, begin + duration))
        previous = intervals[-1] if intervals else None
        if (
            previous is not None
            and previous.limit == limit.value
            and previous.number_phases == limit.number_phases
            and previous.phase_to_use == limit.phase_to_use
            and previous.contenders == contenders
        ):
            intervals[-1] = attrs.evolve(previous, end=end)
            continue
        intervals.append(
            Interval(from_epoch(lo), end, limit.value, limit.number_phases, contenders, limit.phase_to_use)
        )
    return Explanation(
        outlet_id,
        from_epoch(begin),
        duration,
        the_unit,
        schedule.hardware_limit,
        state.config.voltage,
        tuple(intervals),
        outlet_id > 0 and state.config.outlet(outlet_id).is_dc,
    )
