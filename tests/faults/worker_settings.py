"""Settings for the worker and scheduler processes the fault tests start: the test settings, with the
due-sources check every second instead of every minute, so a broker outage fits in a bounded test."""

from datetime import timedelta

from hospitallisten.settings.test import *  # noqa: F403

CELERY_BEAT_SCHEDULE = {
    "sources-sync-due": {
        "task": "sources.sources_sync_due",
        "schedule": timedelta(seconds=1),
        "options": {"expires": 5},
    },
}
