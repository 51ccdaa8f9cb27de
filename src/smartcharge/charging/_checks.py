"""Argument checks the charging loop's modules share: amounts of energy and power are finite numbers >= 0.

Private to `smartcharge.charging`; the messages name the argument, as `InvalidArgumentError`s.
"""

from __future__ import annotations

import math
from typing import Any

from smartcharge.errors import InvalidArgumentError

__all__ = ["check_non_negative", "finite_not_negative"]


def finite_not_negative(value: Any) -> bool:
    """Whether `value` is a finite number >= 0; False for anything that is no number at all."""
    try:
        return math.isfinite(value) and value >= 0
    except (TypeError, ValueError, OverflowError):  # not a number; Decimal('sNaN'); an int beyond float
        return False


def check_non_negative(name: str, value: float) -> None:
    """`InvalidArgumentError` naming `name` unless `value` is a finite number >= 0 (an amount of energy or
    power)."""
    if not finite_not_negative(value):
        raise InvalidArgumentError(f"{name} must be a finite number >= 0, not {value!r}")
