"""A <-> W conversion (SPEC R3): named examples, the defaults and error messages, and the round-trip property."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smartcharge import ChargingRateUnit, InvalidArgumentError
from smartcharge.engine.units import amps_to_watts, convert, watts_to_amps

voltages = st.one_of(st.sampled_from([110.0, 120.0, 220.0, 230.0, 240.0, 400.0]), st.floats(1.0, 1_000.0))
phase_counts = st.integers(1, 3)


def test_r3_three_phase_16_amps_is_11_kw() -> None:
    assert amps_to_watts(16.0, 230.0, 3) == pytest.approx(11_040.0)
    assert watts_to_amps(11_040.0, 230.0, 3) == pytest.approx(16.0)


def test_r3_single_phase_32_amps_is_7_kw() -> None:
    assert amps_to_watts(32.0, 230.0, 1) == pytest.approx(7_360.0)
    assert watts_to_amps(7_360.0, 230.0, 1) == pytest.approx(32.0)


def test_r3_two_phases() -> None:
    assert amps_to_watts(10.0, 230.0, 2) == pytest.approx(4_600.0)
    assert watts_to_amps(4_600.0, 230.0, 2) == pytest.approx(10.0)


def test_r3_defaults_are_230_volts_and_three_phases() -> None:
    assert amps_to_watts(1.0) == pytest.approx(690.0)
    assert watts_to_amps(690.0) == pytest.approx(1.0)


def test_r3_convert_between_units() -> None:
    assert convert(16.0, ChargingRateUnit.A, ChargingRateUnit.W, 230.0, 1) == pytest.approx(3_680.0)
    assert convert(3_680.0, ChargingRateUnit.W, ChargingRateUnit.A, 230.0, 1) == pytest.approx(16.0)
    assert convert(16.0, ChargingRateUnit.A, ChargingRateUnit.A, 230.0, 1) == 16.0
    assert convert(0.0, ChargingRateUnit.W, ChargingRateUnit.A) == 0.0


@pytest.mark.parametrize("voltage", [0.0, -230.0, math.nan, math.inf])
def test_r3_invalid_voltage_raises_value_error(voltage: float) -> None:
    with pytest.raises(ValueError, match="voltage"):
        amps_to_watts(16.0, voltage, 3)
    with pytest.raises(ValueError, match="voltage"):
        watts_to_amps(1_000.0, voltage, 3)
    with pytest.raises(ValueError, match="voltage"):
        convert(16.0, ChargingRateUnit.A, ChargingRateUnit.A, voltage, 3)


@pytest.mark.parametrize("phases", [0, 4, -1])
def test_r3_invalid_phases_raise_value_error(phases: int) -> None:
    with pytest.raises(ValueError, match="phases"):
        amps_to_watts(16.0, 230.0, phases)
    with pytest.raises(ValueError, match="phases"):
        watts_to_amps(1_000.0, 230.0, phases)
    with pytest.raises(ValueError, match="phases"):
        convert(16.0, ChargingRateUnit.W, ChargingRateUnit.A, 230.0, phases)


# --- R3 edges: the defaults of every function, every phase count, the exact error messages ------------------------


def test_r3_every_conversion_defaults_to_230_volts_and_three_phases() -> None:
    assert amps_to_watts(10.0) == 6_900.0
    assert watts_to_amps(6_900.0) == 10.0
    assert convert(10.0, ChargingRateUnit.A, ChargingRateUnit.W) == 6_900.0
    assert convert(6_900.0, ChargingRateUnit.W, ChargingRateUnit.A) == 10.0


@pytest.mark.parametrize("phases", [1, 2, 3])
def test_r3_every_phase_count_converts(phases: int) -> None:
    assert amps_to_watts(16.0, 230.0, phases) == 16.0 * 230.0 * phases
    assert watts_to_amps(16.0 * 230.0 * phases, 230.0, phases) == 16.0
    assert convert(7.0, ChargingRateUnit.A, ChargingRateUnit.A, 230.0, phases) == 7.0


@pytest.mark.parametrize("voltage", [0.0, -230.0, math.inf, math.nan])
def test_r3_voltage_must_be_positive_and_finite(voltage: float) -> None:
    for convert_ in (amps_to_watts, watts_to_amps):
        with pytest.raises(ValueError, match=r"^voltage must be a positive number, not "):
            convert_(1.0, voltage, 3)
    with pytest.raises(ValueError, match=r"^voltage must be a positive number"):
        convert(1.0, ChargingRateUnit.W, ChargingRateUnit.W, voltage, 3)


@pytest.mark.parametrize("phases", [0, 4, -1])
def test_r3_phases_must_be_1_2_or_3(phases: int) -> None:
    with pytest.raises(ValueError, match=rf"^phases must be 1, 2 or 3, not {phases}$"):
        amps_to_watts(1.0, 230.0, phases)
    with pytest.raises(ValueError, match=r"^phases must be 1, 2 or 3"):
        convert(1.0, ChargingRateUnit.A, ChargingRateUnit.A, 230.0, phases)


def test_r3_a_voltage_below_one_volt_converts() -> None:
    assert amps_to_watts(2.0, 0.5, 1) == 1.0


@given(amps=st.floats(0.0, 1_000.0), voltage=voltages, phases=phase_counts)
def test_r3_amps_to_watts_to_amps_is_identity(amps: float, voltage: float, phases: int) -> None:
    back = watts_to_amps(amps_to_watts(amps, voltage, phases), voltage, phases)
    assert back == pytest.approx(amps, rel=1e-12, abs=1e-12)


@given(watts=st.floats(0.0, 1_000_000.0), voltage=voltages, phases=phase_counts)
def test_r3_watts_to_amps_to_watts_is_identity(watts: float, voltage: float, phases: int) -> None:
    back = amps_to_watts(watts_to_amps(watts, voltage, phases), voltage, phases)
    assert back == pytest.approx(watts, rel=1e-12, abs=1e-9)


@given(amps=st.floats(0.0, 1_000.0), voltage=voltages, phases=phase_counts)
def test_r3_convert_round_trip_and_proportional_to_phases(amps: float, voltage: float, phases: int) -> None:
    watts = convert(amps, ChargingRateUnit.A, ChargingRateUnit.W, voltage, phases)
    assert watts == pytest.approx(amps * voltage * phases)
    assert convert(watts, ChargingRateUnit.W, ChargingRateUnit.A, voltage, phases) == pytest.approx(
        amps, rel=1e-12, abs=1e-12
    )
    # more phases carry more power for the same current per phase
    if phases < 3 and amps > 0:
        assert convert(amps, ChargingRateUnit.A, ChargingRateUnit.W, voltage, phases + 1) > watts


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: amps_to_watts("16"), "amps must be a number, not '16'"),
        (lambda: watts_to_amps("11000"), "watts must be a number, not '11000'"),
        (lambda: convert("16", "A", "W"), "value must be a number, not '16'"),
        (lambda: convert(16.0, "kW", "W"), "from_unit must be one of 'A', 'W', not 'kW'"),
        (lambda: convert(16.0, "A", "kW"), "to_unit must be one of 'A', 'W', not 'kW'"),
    ],
)
def test_r3_a_value_that_is_no_number_is_refused_naming_it(call, message: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        call()
    assert str(info.value) == message
