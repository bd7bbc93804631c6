"""Settings for every environment, read from environment variables (see README, "Configuration")."""

from datetime import timedelta
from pathlib import Path

import environ
import plotly
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
# A missing secret must stop a production start; only DEBUG gets a throwaway key.
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key" if DEBUG else environ.Env.NOTSET)
# Fernet keys that encrypt secrets at rest (Source.credentials, webhook secrets), comma-separated. The first
# encrypts; all of them decrypt, so a new key goes first and the old one stays until
# `manage.py source_credentials_reencrypt` has run. Like SECRET_KEY, no default outside DEBUG; bin/run
# generates a key of its own once and keeps it in var/field-encryption.key.
DEV_FIELD_ENCRYPTION_KEY = "aG9zcGl0YWxsaXN0ZW4tbG9jYWwtZGV2LW9ubHkhISE="
LOCAL_FIELD_ENCRYPTION_KEY_FILE = BASE_DIR / "var" / "field-encryption.key"


def _debug_field_encryption_keys() -> list[str]:
    # bin/run's own key when it made one, so a manage.py command run by hand reads what the app saved.
    if LOCAL_FIELD_ENCRYPTION_KEY_FILE.exists():
        return [LOCAL_FIELD_ENCRYPTION_KEY_FILE.read_text().strip(), DEV_FIELD_ENCRYPTION_KEY]
    return [DEV_FIELD_ENCRYPTION_KEY]


FIELD_ENCRYPTION_KEYS = env.list(
    "FIELD_ENCRYPTION_KEYS", default=_debug_field_encryption_keys() if DEBUG else environ.Env.NOTSET
)
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
    "rest_framework",
    "drf_spectacular",
    # Swagger UI served from our own static files: no CDN, and the CSP stays 'self'.
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    # The periodic tasks' schedules, kept in the database so they can be changed on the settings pages.
    "django_celery_beat",
    "tracking",
    "mentions",
    "sources",
    "dashboards",
    "enrichment",
    "triage",
    "clusters",
    "administration",
    "api",
    "webhooks",
    "schedules",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a lockout flagged during authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
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
                "webhooks.context_processors.paused_webhooks",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/hospitallisten"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Postgres checks every this many milliseconds that the client of a running query is still there, and
# cancels the query if not (a killed worker, a closed page), instead of running it to the end. 0 turns it off.
# A value already given in DATABASE_URL's options wins.
_check_interval = env.int("DB_CLIENT_CONNECTION_CHECK_INTERVAL", default=1000)
_database_options = DATABASES["default"].setdefault("OPTIONS", {})
if "client_connection_check_interval" not in _database_options.get("options", ""):
    _check_option = f"-c client_connection_check_interval={_check_interval}"
    _database_options["options"] = " ".join(filter(None, [_database_options.get("options"), _check_option]))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# AxesStandaloneBackend first: it refuses a locked-out username+address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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

# --- Security (docs/security.md) ------------------------------------------------
# Sign-in throttling: after AXES_FAILURE_LIMIT wrong passwords for one username from one address, that pair
# is refused (even with the right password) until AXES_COOLOFF_TIME has passed since the last failure.
# Keyed on the pair so one attacker cannot lock every user out, and one address cannot try many passwords.
# The address is REMOTE_ADDR (never a client-supplied X-Forwarded-For, which would let an attacker reset
# the count at will); behind a reverse proxy every client shares the proxy's address and the limit is
# effectively per username.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Sessions end after a working shift, or when the browser closes, whichever comes first.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HTTPS is on unless DEBUG: redirect http to https, cookies only over https, HSTS. bin/run and the Compose
# file serve plain http on localhost and set HTTPS=false; put a TLS proxy in front before turning it on.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
# Only behind a proxy that terminates TLS and always sets (never forwards) X-Forwarded-Proto; otherwise a
# client could claim https itself.
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy: scripts only from our own static files, plus inline scripts carrying the
# per-request nonce (templates write nonce="{{ request.csp_nonce }}"). Chart data is embedded as
# <script type="application/json"> (json_script), which browsers never execute. style-src needs
# 'unsafe-inline' because plotly.js injects <style> rules and style attributes at runtime; styles cannot
# run code, so scripts stay strict.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
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
# One queue per workload, so each worker pool is sized on its own (README, "Scale"). Routed by task name
# pattern, first match wins, so a new task lands by what its name says: replies before notifications
# (a reply is not an alert), notifications before the app-wide patterns (a cluster alert is a
# notification). Everything else goes to "default".
CELERY_TASK_ROUTES = {
    "*.reply_*": {"queue": "replies"},
    "*webhook*": {"queue": "notifications"},
    "*notif*": {"queue": "notifications"},
    "*alert*": {"queue": "notifications"},
    "*email*": {"queue": "notifications"},
    "*escalat*": {"queue": "notifications"},
    "sources.*": {"queue": "polling"},
    "enrichment.*": {"queue": "enrichment"},
    "clusters.*": {"queue": "clustering"},
}
# Every queue a task can be routed to: bin/run's one worker and Compose's worker with its default QUEUES
# consume them all. "ingest" is the polling queue's former name, drained until no message is left.
WORKER_QUEUES = ["polling", "enrichment", "clustering", "replies", "notifications", "default", "ingest"]
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fix-up would close the database connection around every task; this many tasks lets
# hospitallisten.celery apply CONN_MAX_AGE and the health checks instead, as for web requests.
CELERY_DB_REUSE_MAX = 1_000_000
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Keep the hard time limit and the largest retry countdown (600 s) well below this,
# or Redis redelivers a still-running task to a second worker.
# Lowered only by the fault-injection tests, to see a killed worker's task redelivered within seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("BROKER_VISIBILITY_TIMEOUT", default=3600)}

# Beat reads its schedule from the database (django-celery-beat), so administrators can change it on the
# schedules settings page without a deploy. There is no CELERY_BEAT_SCHEDULE on purpose: the
# DatabaseScheduler writes that setting over the database at every start, undoing their edits.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# No result backend, so nothing to clean up; left set, beat would add a daily celery.backend_cleanup task.
CELERY_RESULT_EXPIRES = None

# Every periodic task's default schedule, in one place. `manage.py setup_periodic_tasks` installs the entries
# the database lacks and never touches one already there, so an administrator's edit stays. Crontab only;
# each entry expires after its interval so a backlog after downtime does not run stale polls in a burst.
# Each source's own poll interval is not here: it is set on the source, and sources-sync-due starts a poll
# of each source that is due.
PERIODIC_TASK_DEFAULTS = {
    "sources-sync-due": {
        "task": "sources.sources_sync_due",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},
        "description": "Checks which sources are due a poll and polls them. Each source's own poll interval "
        "is set on the source's page; this only sets how often the check runs.",
    },
    "enrichment-pending": {
        "task": "enrichment.mentions_enrich_pending",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 280},
        "description": "Classifies mentions still untagged a while after they were stored (their "
        "classification was lost, for example while the broker was down).",
    },
    # Two minutes after enrichment-pending, so complaints it re-tags are placed in the same cycle.
    "clusters-assign-pending": {
        "task": "clusters.clusters_assign_pending",
        "schedule": crontab(minute="2-59/5"),
        "options": {"expires": 280},
        "description": "Places recent complaints in clusters when their placement was lost (for example "
        "while the broker was down), instead of waiting for the next re-clustering.",
    },
    # Staggered off the hour so re-clustering does not land on the same minute as other hourly work.
    "clusters-recluster": {
        "task": "clusters.clusters_recluster",
        "schedule": crontab(minute=17, hour="*/6"),
        "options": {"expires": 6 * 3600 - 60},
        "description": "Regroups recent complaints into clusters of the same problem, keeping each "
        "cluster's identity, and places complaints that have no cluster yet.",
    },
    "clusters-detect-emerging": {
        "task": "clusters.clusters_detect_emerging",
        "schedule": crontab(minute=47),
        "options": {"expires": 3300},
        "description": "Flags clusters whose volume rises clearly above their usual level and sends the "
        "emerging-issue alerts.",
    },
    # Safety net for rollup refreshes whose task was lost; away from :17 and :47.
    "dashboards-mention-days-rebuild-recent": {
        "task": "dashboards.mention_days_rebuild_recent",
        "schedule": crontab(minute=33),
        "options": {"expires": 3300},
        "description": "Recounts the last few days of the dashboards' daily totals, in case an update was "
        "lost.",
    },
    "imports-run-pending": {
        "task": "mentions.import_jobs_run_pending",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 280},
        "description": "Starts uploaded mention imports that are still waiting (their task was lost).",
    },
    # Replies left "sending" (a lost send task) are settled by asking the platform, never by posting.
    "triage-replies-sweep-stuck": {
        "task": "triage.replies_sweep_stuck",
        "schedule": crontab(minute="*/10"),
        "options": {"expires": 540},
        "description": "Settles replies stuck in \"sending\" by asking the platform whether they were "
        "posted; never posts again.",
    },
    # The catch-ups for follow-ups lost while the broker was down, at :01/:06/... and :04/:09/..., away from
    # the other five-minute tasks (:00/:05, :02/:07) and the hourly ones; only the nightly deletion shares a
    # minute (03:41). Escalations come first: a critical complaint's contact must not wait.
    "triage-escalations-sweep": {
        "task": "triage.escalations_sweep",
        "schedule": crontab(minute="1-59/5"),
        "options": {"expires": 280},
        "description": "Notifies on-call contacts of escalations whose notification was never sent (for "
        "example while the broker was down), and escalates critical complaints that were not.",
    },
    "webhooks-deliveries-sweep": {
        "task": "webhooks.webhook_deliveries_sweep",
        "schedule": crontab(minute="4-59/5"),
        "options": {"expires": 280},
        "description": "Sends again webhook deliveries left pending because their send task was lost (for "
        "example while the broker was down); never one still waiting for a retry.",
    },
    # Nightly, at a quiet hour and off the hourly minutes above. A run missed by more than six hours waits
    # for the next night: a day's delay changes nothing for retention.
    "mentions-delete-expired": {
        "task": "mentions.mentions_delete_expired",
        "schedule": crontab(minute=41, hour=3),
        "options": {"expires": 6 * 3600},
        "description": "Deletes mentions older than the retention period.",
    },
    # Daily although months are made three ahead: a run that fails is retried the next day, weeks before
    # any post would miss its partition. Off the hourly minutes and retention's.
    "mentions-partitions-ensure": {
        "task": "mentions.mention_partitions_ensure",
        "schedule": crontab(minute=11, hour=2),
        "options": {"expires": 6 * 3600},
        "description": "Creates the mentions table's monthly partitions three months ahead.",
    },
}

# --- REST API (docs/api.md) -------------------------------------------------------
# Caches: the default stays per process (nothing relies on sharing it); "api" is on Redis because rate
# limits must be counted across every web worker, or each process would allow the full rate.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "api": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "hl-api",
    },
}
REST_FRAMEWORK = {
    # Integrations sign in with their own token only: no session, so no CSRF exposure from browsers.
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.IntegrationTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.TokenRolePermission"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.IntegrationTokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"integration": env.str("API_RATE_LIMIT", default="120/min")},
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "HospitalListen API",
    "DESCRIPTION": "Mentions, complaint clusters and the complaint queue, for the hospital's own systems. "
    "See docs/api.md for the integration guide.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CategoryEnum": "enrichment.taxonomy.Category",
        "SeverityEnum": "enrichment.taxonomy.Severity",
        "QueueStatusEnum": "triage.models.QueueItem.Status",
        "ReplyStatusEnum": "triage.models.Reply.Status",
        "DismissReasonEnum": "triage.models.QueueItem.DismissReason",
        "OutcomeEnum": "triage.models.QueueItem.Outcome",
    },
}

# --- HospitalListen -----------------------------------------------------------
# How many items one ingest task stores per transaction, and how many pages one sync
# run may fetch before handing the rest to a fresh task.
INGEST_BATCH_SIZE = env.int("INGEST_BATCH_SIZE", default=500)
# Mentions posted more than this many days ago are deleted nightly with their raw payloads (0 keeps them
# forever). Two years keeps a year-on-year comparison and the history of any complaint case, while posts
# about people, often naming patients or staff, are not kept indefinitely (data minimisation).
MENTION_RETENTION_DAYS = env.int("MENTION_RETENTION_DAYS", default=730)
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
# Outbound webhook endpoints may not reach loopback, private, link-local (cloud metadata) or other
# non-public addresses (webhooks/destinations.py). True lets an on-premise install post to internal systems.
WEBHOOKS_ALLOW_PRIVATE_NETWORKS = env.bool("WEBHOOKS_ALLOW_PRIVATE_NETWORKS", default=False)
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
# A reply "sending" for longer than this is settled by the sweeper: recorded as sent if the platform has it,
# else marked failed. Longer than the send task's longest wait between retries (15 minutes).
REPLY_SENDING_STUCK_MINUTES = env.int("REPLY_SENDING_STUCK_MINUTES", default=30)
# Critical complaints joining the queue are escalated to whoever is on call (Django admin: on-call contacts).
ONCALL_AUTO_ESCALATE_CRITICAL = env.bool("ONCALL_AUTO_ESCALATE_CRITICAL", default=True)
# Link suggestions compare a post with posts from this many days either side.
LINK_SUGGESTION_WINDOW_DAYS = env.int("LINK_SUGGESTION_WINDOW_DAYS", default=3)
