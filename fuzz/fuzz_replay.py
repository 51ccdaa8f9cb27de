"""Coverage-guided fuzzing of `replay_script` and the three OCPP 1.6 handlers with atheris (see README.md).

    python fuzz/fuzz_replay.py fuzz/corpus -max_total_time=600 -timeout=20 -rss_limit_mb=4096
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["smartcharge"]):
    import smartcharge  # noqa: F401  (instrumented before the harness imports its modules)

from harness import exercise


def test_one_input(data: bytes) -> None:
    exercise(data)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
