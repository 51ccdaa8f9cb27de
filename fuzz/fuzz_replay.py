"""Coverage-guided fuzzing of `replay_script`, the four OCPP 1.6 handlers and the six OCPP 2.0.1 handlers with
atheris (see README.md).

    python fuzz/fuzz_replay.py fuzz/corpus -max_total_time=600 -timeout=20 -rss_limit_mb=4096
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["smartcharge"]):
    # instrumented before the harness imports its modules: the package, and the 2.0.1 handlers by name should the
    # package ever stop importing them
    import smartcharge.ocpp201  # noqa: F401

from harness import exercise


def test_one_input(data: bytes) -> None:
    exercise(data)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
