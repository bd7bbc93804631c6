"""Settings for every environment, read from environment variables (see README, "Configuration")."""

from pathlib import Path

import environ
import plotly
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
# A missing secret must stop a production start; only DEBUG gets a throwaway key.
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key" if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django_filters",
    "tracking",
    "mentions",
    "sources",
    "dashboards",
    "enrichment",
    "triage",
    "clusters",
    "administration",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "hospitallisten.urls"
WSGI_APPLICATION = "hospitallisten.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hospitallisten.context_processors.shared_filters",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/hospitallisten"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboards:overview"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
# plotly.js ships inside the plotly package: serve that copy, so charts need no CDN.
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor/plotly", Path(plotly.__file__).parent / "package_data")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "media/"
# Import files can be large; keep uploads on disk rather than in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- Celery -----------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {"sources.*": {"queue": "ingest"}}
# Enrichment is CPU-bound and runs on the default queue, so slow polls never hold it up.
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Keep the hard time limit and the largest retry countdown (600 s) well below this,
# or Redis redelivers a still-running task to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}

# All periodic work, in one place. Crontab only; each entry expires after its interval
# so a backlog after downtime does not run stale polls in a burst.
CELERY_BEAT_SCHEDULE = {
    "sources-sync-due": {
        "task": "sources.sources_sync_due",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},
    },
    "enrichment-pending": {
        "task": "enrichment.mentions_enrich_pending",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 280},
    },
    # Staggered off the hour so re-clustering does not land on the same minute as other hourly work.
    "clusters-recluster": {
        "task": "clusters.clusters_recluster",
        "schedule": crontab(minute=17, hour="*/6"),
        "options": {"expires": 6 * 3600 - 60},
    },
    "clusters-detect-emerging": {
        "task": "clusters.clusters_detect_emerging",
        "schedule": crontab(minute=47),
        "options": {"expires": 3300},
    },
    # Safety net for rollup refreshes whose task was lost; away from :17 and :47.
    "dashboards-mention-days-rebuild-recent": {
        "task": "dashboards.mention_days_rebuild_recent",
        "schedule": crontab(minute=33),
        "options": {"expires": 3300},
    },
    "imports-run-pending": {
        "task": "mentions.import_jobs_run_pending",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 280},
    },
}

# --- HospitalListen -----------------------------------------------------------
# How many items one ingest task stores per transaction, and how many pages one sync
# run may fetch before handing the rest to a fresh task.
INGEST_BATCH_SIZE = env.int("INGEST_BATCH_SIZE", default=500)
SYNC_MAX_PAGES_PER_RUN = env.int("SYNC_MAX_PAGES_PER_RUN", default=20)
# What one billable read costs, by source kind (USD); a source's config "cost_per_read_usd" overrides it.
# X pay-per-use bills each post read; Brave bills each request. Check current prices before relying on them.
SOURCE_COST_PER_READ_USD = {"x": "0.005", "brave_search": "0.005"}
# From this share of a monthly budget on, polling slows down (the interval is multiplied) before it stops.
BUDGET_SLOWDOWN_AT = 0.8
BUDGET_SLOWDOWN_FACTOR = 4

# Classifier model versions live here (one directory per version, plus active.json).
ENRICHMENT_MODEL_DIR = env.path("ENRICHMENT_MODEL_DIR", default=BASE_DIR / "var" / "models")
# Sentence embeddings for texts the fast model is unsure about: better accuracy, ~100x slower per text.
ENRICHMENT_USE_EMBEDDINGS = env.bool("ENRICHMENT_USE_EMBEDDINGS", default=False)

# Who hears about an emerging complaint cluster: email addresses, and a Slack/Teams-style incoming webhook.
ALERT_EMAILS = env.list("ALERT_EMAILS", default=[])
ALERT_WEBHOOK_URL = env.str("ALERT_WEBHOOK_URL", default="")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="HospitalListen <alerts@localhost>")
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)

# The hospital's public contact details: offered in reply templates, and the only phone numbers, emails
# and domains a public reply may contain.
HOSPITAL_CONTACT_PHONE = env.str("HOSPITAL_CONTACT_PHONE", default="")
HOSPITAL_CONTACT_EMAIL = env.str("HOSPITAL_CONTACT_EMAIL", default="")
HOSPITAL_DOMAINS = env.list("HOSPITAL_DOMAINS", default=[])
# A reply needs a second person's approval (permission "Can approve replies") before it is posted.
REPLY_APPROVAL_REQUIRED = env.bool("REPLY_APPROVAL_REQUIRED", default=True)
