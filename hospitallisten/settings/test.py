"""Test settings: the real Postgres and Redis, tuned for speed."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key")
# A fixed key: tests that need another one (rotation, a changed key) override FIELD_ENCRYPTION_KEYS.
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "aG9zcGl0YWxsaXN0ZW4tdGVzdC1zdWl0ZS1vbmx5ISE=")
# The test client and the live server speak plain http.
os.environ.setdefault("HTTPS", "false")

from .base import *  # noqa: E402,F403
from .base import BASE_DIR, DATABASES, MIDDLEWARE, env  # noqa: E402

DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]
DATABASES["default"]["CONN_MAX_AGE"] = 0
# Lets several people (or tools) run the suite side by side without sharing a test database.
DATABASES["default"]["TEST"] = {
    "NAME": "test_hospitallisten" + env.str("TEST_DB_SUFFIX", default=""),
}
REDIS_URL = env.str("TEST_REDIS_URL", default="redis://127.0.0.1:6379/15")
CELERY_BROKER_URL = REDIS_URL
# API rate-limit counters in the test Redis database, apart from other suites running side by side.
CACHES["api"] = CACHES["api"] | {  # noqa: F405
    "LOCATION": REDIS_URL,
    "KEY_PREFIX": "hl-api-test" + env.str("TEST_DB_SUFFIX", default=""),
}
# A model directory of the suite's own, so tests never touch the models a local run uses.
ENRICHMENT_MODEL_DIR = BASE_DIR / "var" / "test-models"
LOGGING = {"version": 1, "disable_existing_loggers": False}
