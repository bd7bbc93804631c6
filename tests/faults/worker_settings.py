"""Settings for the worker and scheduler processes the fault tests start: the test settings. The scheduler
reads its schedule from the test database, where Processes.beat puts the due-sources check every second
instead of every minute, so a broker outage fits in a bounded test."""

from hospitallisten.settings.test import *  # noqa: F403
