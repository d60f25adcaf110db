"""Django settings, driven by environment variables (see docs/deployment.md).

Embedded default: SQLite under VALUECRM_HOME (./var). Production: DATABASE_URL.
"""

import os
import secrets
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
HOME = Path(os.environ.get("VALUECRM_HOME", "var")).resolve()
HOME.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    # A fresh checkout must run without configuration, but the key must survive restarts
    # (sessions, tokens), so it is generated once and kept beside the embedded database.
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = HOME / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "django_filters",
    # Serves the API docs (Swagger UI) from its own static files instead of a CDN, with no
    # inline script, so they work offline and under the CSP.
    "ninja",
    "valuecrm.core",
    "valuecrm.org",
    "valuecrm.crm",
    "valuecrm.sales",
    "valuecrm.pool",
    "valuecrm.assignment",
    "valuecrm.notifications",
    "valuecrm.webhooks",
    "valuecrm.scoring",
    "valuecrm.focus",
    "valuecrm.search",
    "valuecrm.dedup",
    "valuecrm.api",
    "valuecrm.metrics",
    "valuecrm.web",
    "valuecrm.demo",
    "valuecrm.dataio",
    "valuecrm.process",
    "valuecrm.delivery",
    "valuecrm.quality",
    "valuecrm.usage",
    "valuecrm.approvals",
    "valuecrm.value",
    "valuecrm.segments",
    "valuecrm.campaigns",
    "valuecrm.security",
    # Throttles sign-in after repeated failures (web login and admin).
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves the shipped static files (admin, vendored browser assets) without a CDN or a
    # separate web server, also in the embedded demo.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy on every response (policy below).
    "csp.middleware.CSPMiddleware",
    # Attributes admin edits to the signed-in user; actions set the actor explicitly.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Usage tracking (埋点): one event per page view and API call of a signed-in person.
    "valuecrm.usage.middleware.UsageMiddleware",
    # Last, as django-axes requires: answers a locked-out sign-in with 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "valuecrm.urls"
WSGI_APPLICATION = "valuecrm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{HOME / 'valuecrm.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the page server read while a job or import writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# A read replica for reports (core/routing.py): their reads go there when it is set.
ANALYTICS_DATABASE = None
if ANALYTICS_DATABASE_URL := os.environ.get("ANALYTICS_DATABASE_URL"):
    ANALYTICS_DATABASE = "analytics"
    DATABASES["analytics"] = dj_database_url.parse(
        ANALYTICS_DATABASE_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True)
    # Tests run against one database: the replica alias reads the test database.
    DATABASES["analytics"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["valuecrm.core.routing.AnalyticsRouter"]

# Behind PgBouncer in transaction mode a connection may change between transactions:
# no server-side cursors (QuerySet.iterator) and no prepared statements. The import lock
# is transaction-scoped (pg_advisory_xact_lock), so it works through the pooler.
if _env_bool("DB_BEHIND_PGBOUNCER", False):
    for _database in DATABASES.values():
        if "postgresql" in _database["ENGINE"]:
            _database["DISABLE_SERVER_SIDE_CURSORS"] = True
            _database.setdefault("OPTIONS", {})["prepare_threshold"] = None

# Throttling (public web forms, logins) needs a cache shared by all workers in production:
# Redis when REDIS_URL is set (sessions too, so app servers keep no state and a sign-in
# costs no database write), else the database (sessions in their table; `migrate` makes the
# cache table); the embedded single-process install keeps the per-process memory cache.
if REDIS_URL := os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
elif "DATABASE_URL" in os.environ:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                          "LOCATION": "valuecrm_cache"}}
CAPTURE_RATE = os.environ.get("CAPTURE_RATE", "20/m")

# Email: the console by default; set EMAIL_URL-style variables in production.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "valuecrm@localhost")
NOTIFY_BY_EMAIL = _env_bool("NOTIFY_BY_EMAIL", False)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

AUTHENTICATION_BACKENDS = [
    # Refuses sign-in while a username is locked out from an address, then checks the password.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# A username is locked from one address after AXES_FAILURE_LIMIT failures, for
# AXES_COOLOFF_MINUTES (locking by username alone would let anyone lock anyone out); a
# success resets the count. `valuecrm axes_reset_username NAME` unlocks at once.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Behind a reverse proxy, the client address comes from X-Forwarded-For set by AXES_PROXY_COUNT
# trusted proxies (0: use the connection's address).
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", "0")) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": int(os.environ.get("PASSWORD_MIN_LENGTH", "10"))}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
# Amounts grouped 1,234,567.50 in Chinese too (see the module).
FORMAT_MODULE_PATH = ["valuecrm.web.formats"]
USE_TZ = True

STATIC_URL = "static/"
# An image collects static files at build time, outside the data volume.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", HOME / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Without collectstatic (tests, runserver), serve straight from the app folders.
WHITENOISE_USE_FINDERS = True

DEFAULT_CURRENCY = os.environ.get("DEFAULT_CURRENCY", "CNY")
# Channel costs (and so ROI) are shown to analysts and administrators; true also shows them
# to reps, managers and department heads.
COSTS_VISIBLE_TO_SALES = _env_bool("COSTS_VISIBLE_TO_SALES", False)

# Metric dimensions of products (metrics/dimensions.py): price bands by list price, split at
# these edges ("1000,10000,100000" gives < 1,000 / 1,000-10,000 / 10,000-100,000 / >=
# 100,000); popularity tiers by sales-volume rank, each tier with the cumulative share of
# selling products it takes (top 20% A, next 30% B), the rest (and unsold products) C.
PRICE_BAND_EDGES = [Decimal(edge) for edge in os.environ.get(
    "PRICE_BAND_EDGES", "1000,10000,100000").split(",") if edge.strip()]
POPULARITY_TIERS = [("A", 0.2), ("B", 0.5)]
POPULARITY_REST = "C"
# The metric engine answers from rollups (metrics/rollups.py) when they give the same
# number; false reads the raw tables always (the rollups are still kept by triggers).
METRICS_USE_ROLLUPS = _env_bool("METRICS_USE_ROLLUPS", True)
# Region used to read phone numbers written without a country code.
PHONE_DEFAULT_REGION = os.environ.get("PHONE_DEFAULT_REGION", "CN")

# Scripts only from our own static files (vendored, never a CDN): no inline scripts, no eval.
# Style attributes are allowed because ECharts' tooltips and Sortable set them; <style>
# elements and foreign stylesheets are not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", not DEBUG and "DATABASE_URL" in os.environ)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A working day, renewed while in use; closing the browser does not sign out.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_HOURS", "12")) * 3600
SESSION_SAVE_EVERY_REQUEST = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# HTTPS: on in production behind a TLS proxy (docs/deployment.md); off by default so the
# embedded demo works on plain http://127.0.0.1.
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", False)
if _env_bool("SECURE_PROXY_SSL_HEADER", False):
    # Only behind a proxy that sets X-Forwarded-Proto itself and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# /healthz answers load balancers over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Background work: django-tasks with its database backend, run by `valuecrm worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Periodic tasks (task path -> seconds between runs), kept scheduled by `valuecrm worker`.
# The import page imports files up to this size while the person waits (~2,000 rows, ~2 s
# at the measured 1,300 rows/s); bigger files go to the worker.
IMPORT_INLINE_MAX_BYTES = int(os.environ.get("IMPORT_INLINE_MAX_BYTES", str(256 * 1024)))
PERIODIC_TASKS = {
    "valuecrm.pool.tasks.sweep_pools_task":
        int(os.environ.get("POOL_SWEEP_INTERVAL_SECONDS", "3600")),
    "valuecrm.scoring.tasks.recompute_scores_task":
        int(os.environ.get("SCORING_INTERVAL_SECONDS", str(6 * 3600))),
    "valuecrm.notifications.tasks.send_due_notices_task":
        int(os.environ.get("NOTICES_INTERVAL_SECONDS", "3600")),
    "valuecrm.usage.tasks.purge_usage_task": 24 * 3600,
    "valuecrm.approvals.tasks.remind_overdue_task":
        int(os.environ.get("APPROVAL_REMIND_INTERVAL_SECONDS", "900")),
    "valuecrm.dataio.tasks.sweep_uploads_task": 3600,
    "valuecrm.segments.tasks.apply_tag_rules_task":
        int(os.environ.get("TAG_RULES_INTERVAL_SECONDS", "3600")),
    "valuecrm.campaigns.tasks.send_due_campaigns_task":
        int(os.environ.get("CAMPAIGN_SEND_INTERVAL_SECONDS", "300")),
}
# Files uploaded to the import wizard and never imported are deleted after this many hours
# (dataio/uploads.py; `valuecrm clean_uploads` does it from cron).
UPLOAD_RETENTION_HOURS = float(os.environ.get("UPLOAD_RETENTION_HOURS", "24"))

# Usage tracking: events are buffered in each process and written in batches (see
# usage/buffer.py); kept USAGE_RETENTION_DAYS days, then purged by the worker.
USAGE_TRACKING = _env_bool("USAGE_TRACKING", True)
USAGE_FLUSH_EVERY = int(os.environ.get("USAGE_FLUSH_EVERY", "200"))
USAGE_FLUSH_SECONDS = float(os.environ.get("USAGE_FLUSH_SECONDS", "10"))
USAGE_BUFFER_MAX = int(os.environ.get("USAGE_BUFFER_MAX", "20000"))
USAGE_RETENTION_DAYS = int(os.environ.get("USAGE_RETENTION_DAYS", "760"))
# The value report turns hours saved into money at this cost per working hour (CNY);
# other knobs and their defaults: valuecrm/value/config.py.
VALUE_COST_PER_HOUR = os.environ.get("VALUE_COST_PER_HOUR", "150")

# Campaigns: where links in messages and referral posters point (the public address of this
# installation), and the sending gateway per channel (campaigns/gateways.py; default: files
# under VALUECRM_HOME/outbox).
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
CAMPAIGN_GATEWAYS = {
    channel: os.environ.get(f"CAMPAIGN_GATEWAY_{channel.upper()}",
                            "valuecrm.campaigns.gateways.FileGateway")
    for channel in ("email", "sms", "webhook")
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
NINJA_PAGINATION_CLASS = "valuecrm.api.pagination.LimitOffset"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
