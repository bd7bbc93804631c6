"""Hypothesis profiles for the property suites: "ci" (the default, bounded so the suite stays quick) and
"long" for a separate, deeper run: HYPOTHESIS_PROFILE=long bin/test tests/properties."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,  # A shared CI machine's pauses are not failures.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "long",
    max_examples=5000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
