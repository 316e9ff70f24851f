"""Settings read from the environment, with an embedded default that needs nothing installed.

Embedded default: SQLite in WAL mode under ``$AFTERCARE_HOME/var/`` and a secret key generated
there on first run. Production: ``AFTERCARE_ENV=production`` plus ``DATABASE_URL`` and
``AFTERCARE_SECRET_KEY``.
"""

import importlib.util
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent
HOME = Path(os.environ.get("AFTERCARE_HOME") or Path.cwd()).resolve()
VAR_DIR = HOME / "var"
VAR_DIR.mkdir(parents=True, exist_ok=True)

ENV = os.environ.get("AFTERCARE_ENV", "development")
PRODUCTION = ENV == "production"
# Off unless asked for (`make dev`): `make run` shows the product as its users see it, and a
# debug page would show settings and code to anyone who mistypes a URL.
DEBUG = env_bool("AFTERCARE_DEBUG")


def _secret_key() -> str:
    """Generated once and kept in var/ so sessions survive restarts of the embedded default."""
    if key := os.environ.get("AFTERCARE_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("AFTERCARE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("AFTERCARE_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "aftercare.adminsite.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # Serves the API docs' Swagger UI from its own static files: the default is a CDN, which a
    # shop's intranet (and this project's CI) cannot reach.
    "ninja",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "aftercare.org",
    "aftercare.standard",
    "aftercare.records",
    "aftercare.customers",
    "aftercare.obligations",
    "aftercare.workshop",
    "aftercare.followups",
    "aftercare.cases",
    "aftercare.imports",
    "aftercare.outreach",
    "aftercare.messaging",
    "aftercare.safety",
    "aftercare.reviews",
    "aftercare.paperwork",
    "aftercare.sites",
    "aftercare.documents",
    "aftercare.contracts",
    "aftercare.servicedesk",
    "aftercare.parts",
    "aftercare.billing",
    "aftercare.agreements",
    "aftercare.maintenance",
    "aftercare.training",
    "aftercare.servicereports",
    "aftercare.portal",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "aftercare.org.middleware.OrganisationTimezoneMiddleware",
    "aftercare.org.middleware.OrganisationRequiredMiddleware",
    "aftercare.org.middleware.OwnerPortalMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout noticed during the request into the response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "aftercare.urls"
WSGI_APPLICATION = "aftercare.wsgi.application"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "obligations:my-work"
LOGOUT_REDIRECT_URL = "login"
# django-axes first: it refuses a locked-out username+address before the password is checked.
# API bearer tokens never pass through authenticate(), so lockouts cannot touch integrations.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "aftercare.org.backends.StaffBackend",
]

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
                "django.template.context_processors.i18n",
                "aftercare.org.context_processors.navigation",
            ]
        },
    }
]

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'aftercare.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server, the worker and tick read while one of them writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A missing server must fail fast with a clear message instead of hanging.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache: each process's memory by default; in production a shared Redis
# (AFTERCARE_CACHE_URL=redis://host:6379/0), which also keeps sessions so that a request reads
# its session without a statement. Cached permissions are correct with either: their key
# changes with every change of roles (org/permissions.py). Sessions are kept in the cache only
# when it is shared: a logout must end the session in every process at once.
CACHE_URL = os.environ.get("AFTERCARE_CACHE_URL", "")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"AFTERCARE_CACHE_URL must be a redis:// URL (Redis), not {CACHE_URL!r}."
        )
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("AFTERCARE_CACHE_PREFIX", "aftercare"),
            # A missing Redis must fail fast with a clear message, as a missing database does.
            "OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 5},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hant"
LANGUAGES = [
    ("zh-hant", "繁體中文"),
    ("zh-hans", "简体中文"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Outside production, WhiteNoise serves straight from the source tree: no collectstatic step.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
# Source maps (5 MB of Swagger UI's and ReDoc's) are fetched only by a developer's browser
# tools: compressing them would double collectstatic's time for nothing.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
MEDIA_ROOT = VAR_DIR / "media"
# A request body (JSON or form fields) above 2 MB is refused (the API answers 413). Uploaded
# files do not count: they stream to disk and the import form keeps its own 50 MB limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Handover documents (BS-14): the largest file one version may hold (default 100 MB). A request
# larger than that plus the form fields' allowance is stopped while it is read (uploads.py):
# the API answers 413, and nothing is stored.
AFTERCARE_DOCUMENT_MAX_BYTES = int(
    os.environ.get("AFTERCARE_DOCUMENT_MAX_BYTES", 100 * 1024 * 1024)
)
AFTERCARE_UPLOAD_MAX_BYTES = AFTERCARE_DOCUMENT_MAX_BYTES + DATA_UPLOAD_MAX_MEMORY_SIZE
FILE_UPLOAD_HANDLERS = [
    "aftercare.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]


def _file_storage() -> dict[str, Any]:
    """Uploaded files (handover documents): on the local disk under var/media by default; in
    an S3-compatible bucket (AWS S3, MinIO, Ceph, an object store's S3 API) through
    django-storages when AFTERCARE_S3_BUCKET is set, so several web machines share them.
    Names are never reused (``file_overwrite`` off): the archive keeps every version's file.
    """
    bucket = os.environ.get("AFTERCARE_S3_BUCKET", "")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if importlib.util.find_spec("storages") is None:
        raise ImproperlyConfigured(
            "AFTERCARE_S3_BUCKET is set but django-storages is not installed: "
            "pip install 'aftercare[s3]'"
        )
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": os.environ.get("AFTERCARE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AFTERCARE_S3_REGION") or None,
            "access_key": os.environ.get("AFTERCARE_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("AFTERCARE_S3_SECRET_KEY") or None,
            "location": os.environ.get("AFTERCARE_S3_PREFIX", ""),
            "file_overwrite": False,
            "querystring_auth": True,  # downloads go through the app's own checks anyway
        },
    }


STORAGES = {
    "default": _file_storage(),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("AFTERCARE_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

EMAIL_BACKEND = os.environ.get(
    "AFTERCARE_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("AFTERCARE_EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("AFTERCARE_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("AFTERCARE_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("AFTERCARE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("AFTERCARE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("AFTERCARE_EMAIL_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("AFTERCARE_FROM_EMAIL", "aftercare@localhost")
EMAIL_USE_SSL = env_bool("AFTERCARE_EMAIL_SSL")
EMAIL_TIMEOUT = int(os.environ.get("AFTERCARE_EMAIL_TIMEOUT", "10"))

# Messages to customers (messaging/): SMS gateway, retries, quiet hours, maintenance reminders.
# "file" writes each SMS to AFTERCARE_SMS_LOG; "http" posts JSON to AFTERCARE_SMS_URL; any
# other value is the dotted path of a messaging.gateways.SmsGateway subclass.
AFTERCARE_SMS_BACKEND = os.environ.get("AFTERCARE_SMS_BACKEND", "file")
AFTERCARE_SMS_LOG = os.environ.get("AFTERCARE_SMS_LOG", str(VAR_DIR / "sms.log"))
AFTERCARE_SMS_URL = os.environ.get("AFTERCARE_SMS_URL", "")
AFTERCARE_SMS_METHOD = os.environ.get("AFTERCARE_SMS_METHOD", "POST")
AFTERCARE_SMS_TOKEN = os.environ.get("AFTERCARE_SMS_TOKEN", "")
AFTERCARE_SMS_AUTH_HEADER = os.environ.get("AFTERCARE_SMS_AUTH_HEADER", "Authorization")
AFTERCARE_SMS_AUTH_SCHEME = os.environ.get("AFTERCARE_SMS_AUTH_SCHEME", "Bearer")
AFTERCARE_SMS_HEADERS = os.environ.get("AFTERCARE_SMS_HEADERS", "{}")
AFTERCARE_SMS_BODY_TEMPLATE = os.environ.get(
    "AFTERCARE_SMS_BODY_TEMPLATE", '{"to": "{to}", "text": "{text}"}'
)
AFTERCARE_SMS_ID_KEY = os.environ.get("AFTERCARE_SMS_ID_KEY", "id")
AFTERCARE_SMS_TIMEOUT = float(os.environ.get("AFTERCARE_SMS_TIMEOUT", "10"))
AFTERCARE_MESSAGE_MAX_ATTEMPTS = int(os.environ.get("AFTERCARE_MESSAGE_MAX_ATTEMPTS", "4"))
# Minutes to wait after the 1st, 2nd, … failed attempt (the last value repeats).
AFTERCARE_MESSAGE_BACKOFF_MINUTES = [
    int(m) for m in env_list("AFTERCARE_MESSAGE_BACKOFF_MINUTES", "1,5,25")
]
# Local wall-clock interval of the organisation's time zone; empty turns quiet hours off.
AFTERCARE_QUIET_HOURS = os.environ.get("AFTERCARE_QUIET_HOURS", "21:00-08:00")
AFTERCARE_MAINTENANCE_MESSAGES = env_bool("AFTERCARE_MAINTENANCE_MESSAGES")
AFTERCARE_MAINTENANCE_LEAD_DAYS = int(os.environ.get("AFTERCARE_MAINTENANCE_LEAD_DAYS", "7"))

# Login brute-force protection (django-axes): after AFTERCARE_LOGIN_FAILURE_LIMIT wrong passwords
# for one username from one address, that pair is refused for AFTERCARE_LOGIN_COOLOFF_MINUTES.
# Keyed on the pair so a colleague's typos cannot lock the whole shop out from its shared
# address, nor one attacker lock out every user. A successful login starts the count afresh.
AXES_FAILURE_LIMIT = int(os.environ.get("AFTERCARE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AFTERCARE_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "aftercare.org.views.locked_out"
AXES_VERBOSE = False
if proxies := os.environ.get("AFTERCARE_PROXY_COUNT"):
    # Behind N reverse proxies the client's address is in X-Forwarded-For; REMOTE_ADDR would
    # be the proxy's, and every user would share one lockout address.
    AXES_IPWARE_PROXY_COUNT = int(proxies)
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# Content-Security-Policy (django-csp): no inline script anywhere. Page behaviour lives in
# static/js/ and reads data- attributes; the print pages' inline <style> (WeasyPrint draws the
# PDFs from the same text) carries a per-request nonce. The API docs (Swagger UI) work within it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("AFTERCARE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("AFTERCARE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("AFTERCARE_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint narrates every rendering step and font subset at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
# The Django admin shows the history of records; rolling one back would bypass the actions.
SIMPLE_HISTORY_REVERT_DISABLED = True
AFTERCARE_DEMO_PASSWORD = os.environ.get("AFTERCARE_DEMO_PASSWORD", "aftercare-demo")
