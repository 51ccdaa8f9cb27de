"""Persistence (R17, E§3.37, K01.FR.27): `save_state` writes atomically, `load_state` reads back exactly what was
saved, and refuses a truncated, corrupted or unknown file with `PersistenceError` rather than loading part of it.
A save that fails (or a process killed) between writing and renaming leaves the previous file intact."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from builders import T0, at, installed, profile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smartcharge import (
    ChargePointConfig,
    ChargePointState,
    SmartChargingError,
    install_profile,
    start_transaction,
)
from smartcharge.documents.persistence import FORMAT, VERSION, PersistenceError, load_state, save_state, state_checksum
from smartcharge.documents.state_document import dumps, state_to_json
from smartcharge.ocpp16 import ChargingProfilePurpose
from smartcharge.strategies import charge_point_configs, charging_profiles


def small_state() -> ChargePointState:
    return installed(None, (0, profile(1, stack=1, periods=((0, 20.0), (900, 10.5, 1)))))


def rich_state() -> ChargePointState:
    state = installed(
        ChargePointState(ChargePointConfig(outlet_count=2, voltage=400.0, max_periods=5)),
        (0, profile(1, stack=1, periods=((0, 20.0), (900, 10.5, 1)))),
        (0, profile(2, purpose=ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE, unit="W", periods=((0, 1e308),))),
        (2, profile(3, kind="Recurring", recurrency="Weekly", stack=2, valid_to=at(86_400))),
    )
    state = start_transaction(state, 1, 2**40, at(-600))
    return installed(state, (1, profile(4, purpose="TxProfile", kind="Relative", start=None, duration=600)))


@st.composite
def states(draw: st.DrawFn) -> ChargePointState:
    """A state built the way a charge point builds one: maybe a transaction, then installs (the refused ones
    dropped)."""
    state = ChargePointState(draw(charge_point_configs()))
    if draw(st.booleans()):
        state = start_transaction(state, 1, draw(st.integers(-(2**40), 2**40)), at(draw(st.integers(-7200, 0))))
    for candidate in draw(st.lists(charging_profiles(), max_size=6)):
        connector = draw(st.integers(0, state.config.outlet_count))
        state = install_profile(state, connector, candidate, at(draw(st.integers(-86_400, 86_400)))).state
    return state


def files_in(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


# --- round trip and format --------------------------------------------------------------------------------------


def test_r17_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    state = rich_state()
    save_state(path, state)
    assert load_state(path) == state
    assert files_in(tmp_path) == ["state.json"]  # no temporary file left behind


def test_the_file_is_an_envelope_with_version_and_checksum(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    save_state(path, rich_state())
    envelope = json.loads(path.read_text(encoding="utf-8"))
    assert envelope["format"] == FORMAT == "smartcharge-saved-state"
    assert envelope["version"] == VERSION == 2
    assert envelope["state"] == state_to_json(rich_state())
    assert envelope["sha256"] == state_checksum(envelope["state"])
    assert len(envelope["sha256"]) == 64


def test_saving_again_replaces_the_file(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    save_state(path, rich_state())
    save_state(path, small_state())
    assert load_state(path) == small_state()
    assert files_in(tmp_path) == ["state.json"]


def test_a_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    save_state(path, small_state())
    assert path.stat().st_mode & 0o777 == 0o644
    path.chmod(0o600)
    save_state(path, rich_state())
    assert path.stat().st_mode & 0o777 == 0o600


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(states())
def test_r17_any_state_round_trips(tmp_path: Path, state: ChargePointState) -> None:
    path = tmp_path / "state.json"
    save_state(path, state)
    assert load_state(path) == state


def test_migration_version_1_bare_serialize_document_loads(tmp_path: Path) -> None:
    """Version 1 files are what `serialize.dumps` writes: no envelope, no checksum."""
    path = tmp_path / "old.json"
    path.write_text(dumps(rich_state(), indent=2), encoding="utf-8")
    assert load_state(path) == rich_state()
    save_state(path, load_state(path))  # and the next save upgrades it
    assert json.loads(path.read_text(encoding="utf-8"))["version"] == VERSION
    assert load_state(path) == rich_state()


def test_checksum_ignores_formatting(tmp_path: Path) -> None:
    """The checksum is over canonical JSON, so a re-indented file still loads."""
    path = tmp_path / "state.json"
    save_state(path, rich_state())
    path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8")), indent=4), encoding="utf-8")
    assert load_state(path) == rich_state()


# --- detection: truncation, bit flips, tampering, unknown versions -------------------------------------------------


def test_persistence_error_is_a_smart_charging_error() -> None:
    assert issubclass(PersistenceError, SmartChargingError)


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Path, bytes]:
    path = tmp_path / "state.json"
    save_state(path, small_state())
    return path, path.read_bytes()


def test_every_truncation_is_detected(saved: tuple[Path, bytes]) -> None:
    path, data = saved
    for length in range(len(data) - 1):  # dropping only the final newline leaves the document whole
        path.write_bytes(data[:length])
        with pytest.raises(PersistenceError):
            load_state(path)
    path.write_bytes(data[:-1])
    assert load_state(path) == small_state()


def test_truncation_is_named_in_the_message(saved: tuple[Path, bytes]) -> None:
    path, data = saved
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(PersistenceError, match="truncated or corrupted"):
        load_state(path)


def test_every_single_bit_flip_is_detected_or_harmless(saved: tuple[Path, bytes]) -> None:
    """Flipping any one bit of the file either raises PersistenceError or (e.g. ``e`` -> ``E`` in an exponent,
    the same number) loads the very same state: never a different one."""
    path, data = saved
    harmless = 0
    for position in range(len(data)):
        for bit in range(8):
            flipped = bytearray(data)
            flipped[position] ^= 1 << bit
            path.write_bytes(bytes(flipped))
            try:
                loaded = load_state(path)
            except PersistenceError:
                continue
            assert loaded == small_state(), (position, bit)
            harmless += 1
    assert harmless < len(data)  # almost every flip is caught


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e["state"]["profiles"][0]["chargingProfile"].update(stackLevel=2), "checksum mismatch"),
        (lambda e: e.update(sha256="0" * 64), "checksum mismatch"),
        (lambda e: e.pop("sha256"), "keys differ"),
        (lambda e: e.update(extra=1), "keys differ"),
        (lambda e: e.update(version=3), "newer smartcharge"),
        (lambda e: e.update(version=1), "not a saved-state version"),
        (lambda e: e.update(version="2"), "not a saved-state version"),
        (lambda e: e.update(format="something else"), "not a saved smartcharge state"),
    ],
)
def test_tampered_envelopes_are_refused(saved: tuple[Path, bytes], change: Any, message: str) -> None:
    path, data = saved
    envelope = json.loads(data)
    change(envelope)
    path.write_text(json.dumps(envelope), encoding="utf-8")
    with pytest.raises(PersistenceError, match=message):
        load_state(path)


def test_a_checksummed_but_invalid_state_is_refused(saved: tuple[Path, bytes]) -> None:
    """Even with a matching checksum, a state the serializer refuses is not loaded."""
    path, data = saved
    envelope = json.loads(data)
    envelope["state"]["profiles"][0]["chargingProfile"]["stackLevel"] = -1
    envelope["sha256"] = state_checksum(envelope["state"])
    path.write_text(json.dumps(envelope), encoding="utf-8")
    with pytest.raises(PersistenceError, match="corrupted state"):
        load_state(path)


@pytest.mark.parametrize(
    "content",
    [b"", b"\n", b"[]", b"null", b'"x"', b"\xff\xfe{}", b'{"format": NaN}', b'{"sha256": 1e999}', b"9" * 5000],
)
def test_garbage_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(content)
    with pytest.raises(PersistenceError):
        load_state(path)


def test_an_infinite_number_in_a_checksummed_state_is_refused(saved: tuple[Path, bytes]) -> None:
    path, data = saved
    text = data.decode().replace('"limit":20.0', '"limit":1e999')
    assert text != data.decode()
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PersistenceError):
        load_state(path)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_random_damage_raises_only_persistence_error(tmp_path: Path, data: st.DataObject) -> None:
    path = tmp_path / "state.json"
    save_state(path, small_state())
    original = bytearray(path.read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(original) - 1))
        original[position] = data.draw(st.integers(0, 255))
    path.write_bytes(bytes(original))
    try:
        loaded = load_state(path)
    except PersistenceError as error:
        assert str(path) in str(error)
    else:
        assert loaded == small_state()


def test_a_missing_file_is_the_operating_systems_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_state(tmp_path / "nothing-here.json")


# --- atomicity: a save that fails midway leaves the previous file as it was ----------------------------------------


def _boom(*args: Any, **kwargs: Any) -> Any:
    raise OSError("simulated failure")


@pytest.mark.parametrize("failing", ["replace", "fsync", "write"])
def test_a_save_failing_between_write_and_rename_keeps_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    path = tmp_path / "state.json"
    save_state(path, small_state())
    before = path.read_bytes()
    real_write = os.write

    def half_write(fd: int, data: Any) -> int:
        real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(os, failing, half_write if failing == "write" else _boom)
    with pytest.raises(OSError, match="simulated"):
        save_state(path, rich_state())
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert load_state(path) == small_state()
    assert files_in(tmp_path) == ["state.json"]  # the temporary file is gone too


def test_a_failed_first_save_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "replace", _boom)
    with pytest.raises(OSError):
        save_state(tmp_path / "state.json", small_state())
    assert files_in(tmp_path) == []


def test_the_directory_is_fsynced_after_the_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append("fsync-dir" if os.path.isdir(f"/proc/self/fd/{fd}") else "fsync-file")
        real_fsync(fd)

    def replace(src: Any, dst: Any) -> None:
        events.append("rename")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    save_state(tmp_path / "state.json", small_state())
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to tell a directory's descriptor from a file's")
    assert events == ["fsync-file", "rename", "fsync-dir"]


_KILLED_CHILD = textwrap.dedent(
    """
    import os, signal, sys
    sys.path.insert(0, sys.argv[2])
    from builders import installed, profile
    from smartcharge.documents.persistence import save_state

    def die(*args):
        os.kill(os.getpid(), signal.SIGKILL)

    os.replace = die  # killed after writing and fsyncing the new file, before the rename
    save_state(sys.argv[1], installed(None, (0, profile(9, stack=3))))
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_process_killed_before_the_rename_leaves_the_previous_file(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    save_state(path, small_state())
    before = path.read_bytes()
    tests = str(Path(__file__).resolve().parent)
    child = subprocess.run([sys.executable, "-c", _KILLED_CHILD, str(path), tests], check=False)
    assert child.returncode == -signal.SIGKILL
    assert path.read_bytes() == before
    assert load_state(path) == small_state()
    leftovers = [name for name in files_in(tmp_path) if name != "state.json"]
    assert len(leftovers) == 1 and leftovers[0].startswith(".state.json.")  # the never-renamed temporary
    save_state(path, rich_state())  # a later save is not disturbed by it
    assert load_state(path) == rich_state()


def test_unicode_and_extreme_values_survive(tmp_path: Path) -> None:
    state = installed(
        ChargePointState(ChargePointConfig(outlet_count=1)),
        (0, profile(2**62, stack=10, periods=((0, 5e-324), (1, 1.7976931348623157e308)), start=T0)),
    )
    path = tmp_path / "zustand-ä.json"
    save_state(path, state)
    assert load_state(path) == state


def test_a_201_state_is_saved_in_its_own_dialect_and_loads_back(tmp_path: Path) -> None:
    from datetime import datetime, timezone

    from smartcharge import ChargePointConfig
    from smartcharge.ocpp201 import handle_set_charging_profile

    now = datetime(2026, 1, 8, 9, tzinfo=timezone.utc)
    payload = {
        "evseId": 0,
        "chargingProfile": {
            "id": 1,
            "stackLevel": 0,
            "chargingProfilePurpose": "ChargingStationMaxProfile",
            "chargingProfileKind": "Absolute",
            "chargingSchedule": [
                {
                    "id": 1,
                    "startSchedule": "2026-01-08T08:00:00Z",
                    "chargingRateUnit": "W",
                    "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 11000}],
                }
            ],
        },
    }
    state, answer = handle_set_charging_profile(
        ChargePointState(config=ChargePointConfig(outlet_count=2, voltage=230.0)), payload, now
    )
    assert answer == {"status": "Accepted"}
    path = tmp_path / "state.json"
    save_state(path, state, ocpp_version="2.0.1")
    assert json.loads(path.read_text())["state"]["ocppVersion"] == "2.0.1"
    loaded = load_state(path)
    assert [ip.profile for ip in loaded.profiles] == [ip.profile for ip in state.profiles]
    assert loaded.config == state.config
    # the profile as received is kept (its keys in canonical order)
    assert [json.loads(ip.document or "") for ip in loaded.profiles] == [payload["chargingProfile"]]
