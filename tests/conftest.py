"""Hypothesis profiles: `dev` (default), `ci` (what `.ci/run` uses) and `thorough`; pick one with the
HYPOTHESIS_PROFILE environment variable. A test may still set its own `max_examples` with `@settings`."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("dev")
settings.register_profile("ci", max_examples=200, deadline=None, print_blob=True)
settings.register_profile("thorough", max_examples=2_000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
