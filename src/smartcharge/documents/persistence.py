"""Saving and loading a `ChargePointState` in a file that survives crashes (E§3.37, K01.FR.27: installed
profiles persist across a reboot).

This is part of the imperative shell: the only module of the package that touches the file system. The core
never calls it; an embedding program calls `save_state` after every change it must not lose and `load_state`
when it starts.

The file (format version 2) is one JSON object, an *envelope* around a `state_document` document::

    {"format": "smartcharge-saved-state", "version": 2,
     "sha256": "<hex SHA-256 of the canonical JSON of state>",
     "state": {"format": "smartcharge-state", "version": 1, "config": {...}, "profiles": [...], ...}}

The canonical JSON is the state document written with sorted keys, no spaces and ASCII only, so the checksum
does not depend on how the file was formatted.

- **Atomic**: `save_state` writes a temporary file in the same directory, flushes and fsyncs it, renames it over
  the target (atomic on POSIX and Windows) and fsyncs the directory. A crash at any point leaves either the old
  file or the new one, never a mix; a failed save removes its temporary file and leaves the old file as it was.
  (A process killed between write and rename leaves a ``.NAME.*.tmp`` file behind; it is never read.)
- **Checked**: `load_state` refuses a truncated, corrupted or tampered file with `PersistenceError` saying what is
  wrong; it never returns part of a state.
- **Migrating**: version 1 files are bare `state_document` documents (no envelope, no checksum), as written by
  ``serialize.dumps``; `load_state` reads them too. A version newer than this module knows is refused.

I/O problems (a missing file, no permission) are the `OSError` the operating system raised.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any, NoReturn

from smartcharge.documents.state_document import FORMAT as STATE_FORMAT
from smartcharge.documents.state_document import StateDocumentError, state_from_json, state_to_json
from smartcharge.engine.store import ChargePointState
from smartcharge.errors import InvalidArgumentError, SmartChargingError

__all__ = [
    "FORMAT",
    "VERSION",
    "PersistenceError",
    "load_state",
    "save_state",
    "saved_state_from_json",
    "state_checksum",
    "write_atomically",
]

#: The envelope's ``"format"``.
FORMAT = "smartcharge-saved-state"
#: The file version `save_state` writes. Version 1 is a bare `state_document` document (read, never written).
VERSION = 2

_ENVELOPE_KEYS = frozenset({"format", "version", "sha256", "state"})
_NEW_FILE_MODE = 0o644


class PersistenceError(SmartChargingError):
    """A saved state cannot be loaded: the file is truncated, corrupted, of an unknown format or of a newer
    version. The message says which; nothing of the file was loaded."""


def _canonical(document: Any) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode(
        "ascii"
    )


def state_checksum(document: Any) -> str:
    """The hex SHA-256 of a state document's canonical JSON (sorted keys, no spaces, ASCII only);
    `InvalidArgumentError` when `document` has no JSON form (a NaN or an infinity, a set, a cycle)."""
    try:
        return hashlib.sha256(_canonical(document)).hexdigest()
    except (TypeError, ValueError, RecursionError) as exc:
        raise InvalidArgumentError(f"the document has no canonical JSON form: {exc}") from None


def _encode(state: ChargePointState, ocpp_version: str) -> bytes:
    document = state_to_json(state, ocpp_version)
    envelope = {"format": FORMAT, "version": VERSION, "sha256": state_checksum(document), "state": document}
    return _canonical(envelope) + b"\n"


def _write_fully(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_directory(directory: Path) -> None:
    """Makes the rename in `directory` durable. Platforms that cannot open a directory (Windows) skip it."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _mode_for(path: Path) -> int:
    """The permission bits the saved file gets: those of the file it replaces, else rw-r--r--."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return _NEW_FILE_MODE


def _path(path: str | os.PathLike[str]) -> Path:
    try:
        return Path(path)
    except TypeError:
        raise InvalidArgumentError(f"path must be a str or an os.PathLike, not {type(path).__name__}") from None


def write_atomically(path: str | os.PathLike[str], data: bytes) -> None:
    """Replaces the file at `path` by `data` atomically (module docstring): after it returns `data` is on disk; if
    it raises, the file at `path` is exactly what it was before. `save_state` writes with it; so can an embedding
    program that keeps a document of its own beside the state."""
    target = _path(path)
    if not isinstance(data, (bytes, bytearray)):
        raise InvalidArgumentError(f"data must be bytes, not {type(data).__name__}")
    directory = target.parent
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        try:
            if hasattr(os, "fchmod"):  # not on Windows
                os.fchmod(fd, _mode_for(target))
            _write_fully(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_directory(directory)


def save_state(path: str | os.PathLike[str], state: ChargePointState, *, ocpp_version: str = "1.6") -> None:
    """Writes `state` to `path` atomically (`write_atomically`): after it returns the new state is on disk; if it
    raises, the file at `path` is exactly what it was before. `ocpp_version` (``"1.6"`` or ``"2.0.1"``) is the
    dialect of the state document inside (`state_to_json`): a 2.0.1 state, with its 2.0.1 purposes, is saved as
    ``"2.0.1"`` so that `load_state` reads it back."""
    target = _path(path)
    write_atomically(target, _encode(state, ocpp_version))


# --- loading ----------------------------------------------------------------------------------------------------


def _refuse(path: Path, problem: str) -> NoReturn:
    raise PersistenceError(f"{path}: {problem}")


def _parse(path: Path, data: bytes) -> Any:
    def not_a_constant(name: str) -> NoReturn:
        _refuse(path, f"corrupted: {name} is not JSON")

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        _refuse(path, f"corrupted: not UTF-8 text ({exc.reason} at byte {exc.start})")
    try:
        return json.loads(text, parse_constant=not_a_constant)
    except json.JSONDecodeError as exc:
        _refuse(path, f"truncated or corrupted: not a complete JSON document ({exc.msg} at character {exc.pos})")
    except (ValueError, RecursionError) as exc:
        _refuse(path, f"corrupted: {exc}")


def _state(path: Path, document: Any) -> ChargePointState:
    try:
        return state_from_json(document)
    except StateDocumentError as exc:
        _refuse(path, f"corrupted state: {exc}")


def _from_envelope(path: Path, envelope: dict[str, Any]) -> ChargePointState:
    version = envelope.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 2:
        _refuse(path, f"corrupted: version {version!r} is not a saved-state version")
    if version > VERSION:
        _refuse(path, f"version {version} was written by a newer smartcharge (this one reads up to {VERSION})")
    if set(envelope) != _ENVELOPE_KEYS:
        keys = ", ".join(sorted(map(str, set(envelope) ^ _ENVELOPE_KEYS)))
        _refuse(path, f"corrupted: the envelope's keys differ from {sorted(_ENVELOPE_KEYS)} ({keys})")
    expected = envelope["sha256"]
    try:
        actual = state_checksum(envelope["state"])
    except InvalidArgumentError as exc:  # not representable as canonical JSON
        _refuse(path, f"corrupted state: {exc}")
    if actual != expected:
        _refuse(path, f"corrupted: checksum mismatch (file says {expected!r}, content is {actual})")
    return _state(path, envelope["state"])


def saved_state_from_json(document: Any, source: str = "document") -> ChargePointState:
    """The state in `document`, a saved state already decoded from JSON (an envelope of version 2, or a bare state
    document of version 1), checked as `load_state` checks a file; `source` names it in the errors."""
    where = Path(source)
    if not isinstance(document, dict):
        _refuse(where, f"corrupted: a saved state is a JSON object, not {type(document).__name__}")
    if document.get("format") == FORMAT:
        return _from_envelope(where, document)
    if document.get("format") == STATE_FORMAT:
        return _state(where, document)  # version 1: a bare serialize document, migrated as it loads
    _refuse(where, f"not a saved smartcharge state (format {document.get('format')!r})")


def load_state(path: str | os.PathLike[str]) -> ChargePointState:
    """The state saved at `path` by `save_state` (version 2) or `serialize.dumps` (version 1).

    Raises `PersistenceError` for a truncated or corrupted file, a checksum mismatch, an unknown format or a
    newer version; `OSError` when the file cannot be read.
    """
    source = _path(path)
    return saved_state_from_json(_parse(source, source.read_bytes()), str(source))
