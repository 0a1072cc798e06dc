"""Lantern's Django settings: embedded defaults (SQLite, local Parquet) overridable from the environment.

Secrets never live here: a production deployment sets ``LANTERN_SECRET_KEY`` (and ``DATABASE_URL``);
the embedded default generates a per-installation key under ``var/``.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from lantern.config.env import ConfigError, env_bool, env_int, env_list, env_path, env_str
from lantern.config.logging import logging_config

PACKAGE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = env_path("LANTERN_VAR_DIR", REPO_DIR / "var")
LAKE_DIR = env_path("LANTERN_LAKE_DIR", VAR_DIR / "lake")


# A production deployment (LANTERN_PRODUCTION=1) takes its secret from the environment only, runs
# behind HTTPS (secure cookies, HSTS, redirect) and passes `lantern check --deploy` with no warnings.
PRODUCTION = env_bool("LANTERN_PRODUCTION", False)


def _secret_key() -> str:
    """The environment's key, else a key generated once for this installation and kept in var/."""
    configured = env_str("LANTERN_SECRET_KEY", "")
    if configured:
        return configured
    if PRODUCTION:
        raise ConfigError(
            "LANTERN_SECRET_KEY is not set: production takes its secret from the environment only "
            "(generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("LANTERN_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ConfigError(
        "LANTERN_DEBUG is set with LANTERN_PRODUCTION: debug pages leak data; unset LANTERN_DEBUG."
    )
ALLOWED_HOSTS = env_list("LANTERN_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("LANTERN_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "lantern.governance",
    "lantern.intel",
    "lantern.intake",
    "lantern.evidence",
    "lantern.orders",
    "lantern.orders.live",
    "lantern.resolution",
    "lantern.risk",
    "lantern.safeguarding",
    "lantern.retention",
    "lantern.context",
    "lantern.picture",
    "lantern.profiles",
    "lantern.jobs",
    "lantern.demo",
    "lantern.web",
]

MIDDLEWARE = [
    "lantern.web.middleware.RequestLogMiddleware",  # first: its duration and id cover the rest
    "lantern.web.middleware.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "lantern.web.dbdown.DatabaseDownMiddleware",  # the database not answering: 503, not a traceback
    "lantern.web.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into the lockout page
]

# Sign-in: a password, then a time-based one-time code (TOTP, django-otp) for every staff role;
# repeated failures lock the account and address out for a while (django-axes).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
LANTERN_REQUIRE_2FA = env_bool("LANTERN_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = "Lantern"
AXES_FAILURE_LIMIT = env_int("LANTERN_SIGN_IN_ATTEMPTS", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("LANTERN_LOCKOUT_MINUTES", 30, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

ROOT_URLCONF = "lantern.config.urls"
WSGI_APPLICATION = "lantern.config.wsgi.application"

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
                "lantern.web.context.lantern",
            ],
        },
    },
]

_SQLITE_URL = f"sqlite:///{VAR_DIR / 'lantern.sqlite3'}"
# Health checks: a kept connection is tested before a request uses it, so after PostgreSQL restarts
# the next request reconnects instead of failing on the dead connection (docs/failure.md).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "") or _SQLITE_URL, conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets pages read while a job writes; the transaction mode avoids "database is locked"
    # when two writers meet (Django 5.1+).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = 60 * 60 * 8  # one shift
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("LANTERN_SSL_REDIRECT", True)  # off when a proxy redirects
    SECURE_HSTS_SECONDS = env_int("LANTERN_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("LANTERN_BEHIND_PROXY", False):  # the proxy terminates TLS and says so
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Probes (a load balancer, monitoring on the box) may ask gunicorn directly over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# The reverse proxies (nginx on this machine: 127.0.0.1,::1) whose X-Real-IP names the client.
LANTERN_TRUSTED_PROXIES = env_list("LANTERN_TRUSTED_PROXIES", "")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"  # shown to people; stored in UTC
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request if it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve static files straight from the apps (no collectstatic step for the embedded demo).
WHITENOISE_USE_FINDERS = True
if PRODUCTION:
    # collectstatic writes content-named copies (app.3f2a1c9e8b7d.js) that nginx serves with a
    # one-year cache: a new release's files get new names, so no browser keeps an old one.
    STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
MEDIA_ROOT = VAR_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500

EMAIL_BACKEND = env_str("LANTERN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# The SMTP relay, when the backend is SMTP (a password comes from the environment like every secret).
EMAIL_HOST = env_str("LANTERN_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("LANTERN_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("LANTERN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("LANTERN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("LANTERN_EMAIL_TLS", False)
EMAIL_TIMEOUT = 10

# Bulk imports: rows per chunk (one transaction each; a resumed run restarts at a chunk boundary),
# and a pause between chunks (milliseconds) to leave a busy database to its other users.
LANTERN_IMPORT_CHUNK_ROWS = env_int("LANTERN_IMPORT_CHUNK_ROWS", 10_000, minimum=1)
LANTERN_IMPORT_THROTTLE_MS = env_int("LANTERN_IMPORT_THROTTLE_MS", 0)
# The largest file the Imports page accepts (bigger files: `lantern import` on the server).
LANTERN_MAX_UPLOAD_BYTES = env_int("LANTERN_MAX_UPLOAD_BYTES", 200 * 1024 * 1024, minimum=1)
# Reports one client (address) may send on each public form in ten minutes; a load test raises it.
LANTERN_PUBLIC_RATE_LIMIT = env_int("LANTERN_PUBLIC_RATE_LIMIT", 5, minimum=1)
# Long jobs (import, screen, resolve, risk, profile) started from the web: queued in the database
# (django-tasks with its database backend) for `lantern worker`. Inline runs them in the request
# (tests set it; an open transaction does too). A running job beats every few seconds; one whose
# beat is older than the stale time lost its worker and is queued again (at most MAX_ATTEMPTS).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
LANTERN_JOBS_INLINE = env_bool("LANTERN_JOBS_INLINE", False)
LANTERN_JOB_HEARTBEAT_S = env_int("LANTERN_JOB_HEARTBEAT_S", 5, minimum=1)
LANTERN_JOB_STALE_S = env_int("LANTERN_JOB_STALE_S", 60, minimum=2)
LANTERN_JOB_MAX_ATTEMPTS = env_int("LANTERN_JOB_MAX_ATTEMPTS", 3, minimum=1)
# The partner organisation that receives safety reports made directly on the public form.
LANTERN_SAFETY_SCHEME = env_str("LANTERN_SAFETY_SCHEME", "safety-scheme")

# Breach alerts: who hears of a new one when its order names no officer in charge with an
# e-mail address, an optional webhook (POST, JSON), and where order documents are kept.
LANTERN_ALERT_EMAIL = env_str("LANTERN_ALERT_EMAIL", "")
LANTERN_ALERT_FROM = env_str("LANTERN_ALERT_FROM", "lantern@localhost")
LANTERN_ALERT_WEBHOOK_URL = env_str("LANTERN_ALERT_WEBHOOK_URL", "")
LANTERN_ALERT_WEBHOOK_TIMEOUT_S = env_int("LANTERN_ALERT_WEBHOOK_TIMEOUT_S", 5, minimum=1)
LANTERN_BASE_URL = env_str("LANTERN_BASE_URL", "http://127.0.0.1:8000")
LANTERN_DOCUMENTS_DIR = env_path("LANTERN_DOCUMENTS_DIR", VAR_DIR / "documents")
LANTERN_MAX_DOCUMENT_BYTES = env_int("LANTERN_MAX_DOCUMENT_BYTES", 20 * 1024 * 1024, minimum=1)

# Live alerts (ANPR reads pushed as they happen): with a Redis URL, a pushed batch goes onto a
# Redis Stream for `lantern live` to consume; empty (the embedded default), it is matched in the
# request by the same code. The claim time is how long an entry a dead consumer held waits before
# another consumer takes it over; the throttle is a pause before each entry is acknowledged.
LANTERN_REDIS_URL = env_str("LANTERN_REDIS_URL", "")
LANTERN_LIVE_STREAM = env_str("LANTERN_LIVE_STREAM", "lantern:anpr:reads")
LANTERN_LIVE_GROUP = env_str("LANTERN_LIVE_GROUP", "lantern-live")
LANTERN_LIVE_CLAIM_MS = env_int("LANTERN_LIVE_CLAIM_MS", 60_000, minimum=1)
LANTERN_LIVE_THROTTLE_MS = env_int("LANTERN_LIVE_THROTTLE_MS", 0)
LANTERN_LIVE_RULES_REFRESH_S = env_int("LANTERN_LIVE_RULES_REFRESH_S", 300, minimum=1)

# Map tiles: an empty URL means "no base map" (closed police networks); pages still draw
# zones, points and postcode districts without tiles.
LANTERN_TILE_URL = env_str("LANTERN_TILE_URL", "")
LANTERN_TILE_ATTRIBUTION = env_str("LANTERN_TILE_ATTRIBUTION", "")


def _origin(url: str) -> list[str]:
    """The scheme and host of the tile server ("https://tiles.example:8080"), for the policy."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}.", "").replace("{", "").replace("}", ""))
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme in ("http", "https") and parts.netloc else []


# Content Security Policy: scripts and styles only from Lantern's own files (no inline script or
# style anywhere: templates keep behaviour in static files), images also from the tile server.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *_origin(LANTERN_TILE_URL)],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Logs go to stderr: JSON lines in production (a log shipper reads them), plain text for the
# embedded set-up. Each line written during a request carries its id (lantern.config.logging).
LOGGING = logging_config(
    env_str("LANTERN_LOG_FORMAT", "json" if PRODUCTION else "plain"), env_str("LANTERN_LOG_LEVEL", "INFO")
)

# Spark (`--engine spark`; docs/spark.md): LANTERN_SPARK_MASTER (default local[2]; spark-submit's
# --master wins when spark-submit started Lantern), LANTERN_SPARK_CONF (spark.key=value pairs
# separated by commas), LANTERN_SPARK_LAKE_URI (the lake's synced copy on object storage, read by
# Spark) and LANTERN_SPARK_CHECKPOINT_DIR (Splink's checkpoints on a cluster). Checked here, so a
# malformed value stops Lantern at start rather than in the middle of a run.
from lantern.engine.spark import SparkConfig  # noqa: E402 (no Django, no pyspark: cheap)

try:
    LANTERN_SPARK = SparkConfig.from_environ()
except ValueError as exc:
    raise ConfigError(str(exc)) from None
