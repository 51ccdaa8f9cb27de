"""The `smartcharge` command line (filled in command by command)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from smartcharge import __version__


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="smartcharge", description="OCPP smart charging, by the spec.")
    parser.add_argument("--version", action="version", version=f"smartcharge {__version__}")
    parser.parse_args(argv)
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
