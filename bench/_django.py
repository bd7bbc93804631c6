"""Shared set-up for benchmarks: Django with a throwaway copy of the schema in the real Postgres."""

import os
import sys
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hospitallisten.settings.test")
os.environ.setdefault("TEST_DB_SUFFIX", "_bench")

import django  # noqa: E402

django.setup()


@contextmanager
def bench_database():
    """Create a fresh, migrated database for the run and drop it afterwards."""
    from django.db import connection

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
