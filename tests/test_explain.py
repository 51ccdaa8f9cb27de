"""`explain` on connector 0 (R27): the caps bind only when strictly below the connectors' sum; at equality the sum
governs, as the engine computes it, and the labels must say the same as the limit."""

from __future__ import annotations

from builders import T0, installed, profile
from hypothesis import given
from hypothesis import strategies as st

from smartcharge import ChargePointConfig, ChargePointState, start_transaction
from smartcharge.tools.explain import explain

CAP = "ChargePointMaxProfile"


def station(cap_a: float, tx_a: tuple[float, float]) -> ChargePointState:
    """Two charging connectors with TxDefault limits `tx_a` (A, three phases) under a ChargePointMax of `cap_a`."""
    state = installed(
        ChargePointState(ChargePointConfig(outlet_count=2)),
        (0, profile(1, purpose=CAP, periods=[(0, cap_a)])),
        (1, profile(2, periods=[(0, tx_a[0])])),
        (2, profile(3, periods=[(0, tx_a[1])])),
    )
    return start_transaction(start_transaction(state, 1, 11, T0), 2, 12, T0)


def labels(state: ChargePointState) -> tuple[float | None, dict[int, bool]]:
    (interval,) = explain(state, 0, T0, 600, "A").intervals
    return interval.limit, {c.profile_id: c.binds for c in interval.contenders}


def test_r27_a_cap_equal_to_the_connectors_sum_does_not_bind_the_sum_does():
    limit, binds = labels(station(32.0, (16.0, 16.0)))
    assert limit == 32.0
    assert binds == {1: False, 2: True, 3: True}


def test_r27_a_cap_below_the_sum_binds_and_the_connectors_do_not():
    limit, binds = labels(station(31.9, (16.0, 16.0)))
    assert limit == 31.9
    assert binds == {1: True, 2: False, 3: False}


@given(cap=st.integers(0, 80), first=st.integers(0, 40), second=st.integers(0, 40))
def test_r27_exactly_one_side_binds_and_it_is_the_side_whose_value_is_the_limit(cap, first, second):
    limit, binds = labels(station(float(cap), (float(first), float(second))))
    assert limit == min(cap, first + second)
    assert binds[1] == (cap < first + second)
    assert binds[2] == binds[3] == (cap >= first + second)
