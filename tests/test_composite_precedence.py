"""Which profile governs an outlet, and the limit when none does (SPEC R24, R25, D10)."""

from __future__ import annotations

import pytest
from builders import T0, installed, profile

from smartcharge import ChargePointConfig, ChargePointState, InstalledProfile, limit_at


@pytest.mark.parametrize("connector", [1, 2])
@pytest.mark.parametrize(("station_id", "own_id"), [(1, 2), (2, 1)])
def test_d10_on_equal_stack_level_the_connectors_own_profile_governs_whatever_the_ids(
    connector: int, station_id: int, own_id: int
) -> None:
    state = installed(
        None,
        (0, profile(station_id, stack=3, periods=((0, 10.0),))),
        (connector, profile(own_id, stack=3, periods=((0, 12.0),))),
    )
    limit = limit_at(state, connector, T0, "A")
    assert (limit.value, [s.profile_id for s in limit.sources]) == (12.0, [own_id])
    other = 3 - connector
    assert limit_at(state, other, T0, "A").value == 10.0


@pytest.mark.parametrize("ids", [(4, 7), (7, 4)])
def test_a_hand_built_tie_is_evaluated_with_the_higher_profile_id_on_top(ids: tuple[int, int]) -> None:
    """R24: two profiles of one purpose on one outlet at one stack level, which no install leaves behind (R15),
    but a state built by hand may hold: the higher chargingProfileId governs, in whatever order they are given."""
    placed = [InstalledProfile(1, profile(i, stack=2, periods=((0, float(i)),)), T0) for i in ids]
    state = ChargePointState(ChargePointConfig(outlet_count=2), placed)
    assert limit_at(state, 1, T0, "A").value == 7.0


def test_the_hardware_maximum_uses_the_default_number_of_phases() -> None:
    """R25: with no profile the limit is the hardware maximum, in W on the configured number of phases (R3)."""
    one_phase = ChargePointState(ChargePointConfig(outlet_count=1, default_number_phases=1))
    assert limit_at(one_phase, 1, T0, "W").hardware_limit == 32 * 230 * 1
    assert limit_at(ChargePointState(ChargePointConfig(outlet_count=1)), 1, T0, "W").hardware_limit == 32 * 230 * 3
