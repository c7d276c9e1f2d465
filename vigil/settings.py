"""Vigil settings, read from the environment.

Two modes, chosen by ``VIGIL_ENV``:

* ``development`` (the default): zero set-up.  SQLite in ``VIGIL_DATA_DIR`` (``./var``),
  keys generated once into that folder, mail written to files.
* ``production``: nothing is guessed.  Every secret must come from the environment and
  ``vigil check --deploy`` passes with no warning.

Every variable is listed in ``docs/configuration.md``.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from vigil.core.env import (
    ConfigError,
    check_keys,
    check_time_zone,
    database_settings,
    env_bool,
    env_choice,
    env_int,
    env_list,
    keep_files_private,
    load_development_secrets,
    require,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VIGIL_ENV = os.environ.get("VIGIL_ENV", "development").strip().lower()
if VIGIL_ENV not in {"development", "production"}:
    raise ConfigError(f"VIGIL_ENV must be 'development' or 'production', not {VIGIL_ENV!r}")
PRODUCTION = VIGIL_ENV == "production"

DATA_DIR = Path(os.environ.get("VIGIL_DATA_DIR", BASE_DIR / "var")).resolve()
# Files 0600, folders 0700, for everything this process creates (start-up refuses, in
# production, a data folder others can read: vigil/startup.py).
keep_files_private()
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# --- secrets -------------------------------------------------------------------------------
if PRODUCTION:
    SECRET_KEY = require("VIGIL_SECRET_KEY", "a long random string (50+ characters)")
    if len(SECRET_KEY) < 50:
        raise ConfigError("VIGIL_SECRET_KEY is too short: set at least 50 random characters")
    VIGIL_ENCRYPTION_KEYS = require(
        "VIGIL_ENCRYPTION_KEYS", "'id:base64key[,id:base64key...]' (vigil keys generate)"
    )
    VIGIL_BLIND_INDEX_KEY = require("VIGIL_BLIND_INDEX_KEY", "a base64 key (vigil keys generate)")
else:
    _dev = load_development_secrets(DATA_DIR)
    SECRET_KEY = os.environ.get("VIGIL_SECRET_KEY") or _dev["secret_key"]
    VIGIL_ENCRYPTION_KEYS = os.environ.get("VIGIL_ENCRYPTION_KEYS") or _dev["encryption_keys"]
    VIGIL_BLIND_INDEX_KEY = os.environ.get("VIGIL_BLIND_INDEX_KEY") or _dev["blind_index_key"]

# Malformed keys stop start-up here rather than at the first encrypted read.
check_keys(VIGIL_ENCRYPTION_KEYS, VIGIL_BLIND_INDEX_KEY)

DEBUG = env_bool("VIGIL_DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ConfigError("VIGIL_DEBUG must be off in production: unset it or set it to 0")

ALLOWED_HOSTS = (
    env_list("VIGIL_ALLOWED_HOSTS", default=[])
    if PRODUCTION
    else env_list("VIGIL_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ConfigError("VIGIL_ALLOWED_HOSTS is not set: list the site's host names, comma-separated")
CSRF_TRUSTED_ORIGINS = env_list("VIGIL_CSRF_TRUSTED_ORIGINS", default=[])
# The site's public address, for links in mail sent outside a request (reminders, erasure).
VIGIL_BASE_URL = (
    require("VIGIL_BASE_URL", "the site's public address, such as https://vigil.example.org")
    if PRODUCTION
    else os.environ.get("VIGIL_BASE_URL", "").strip() or "http://127.0.0.1:8000"
).rstrip("/")
_base = urlsplit(VIGIL_BASE_URL)
if _base.scheme not in {"http", "https"} or not _base.hostname or _base.query or _base.fragment:
    raise ConfigError(
        f"VIGIL_BASE_URL must be the site's address such as https://vigil.example.org, "
        f"not {VIGIL_BASE_URL!r}"
    )

# --- applications --------------------------------------------------------------------------
INSTALLED_APPS = [
    "vigil.core.admin_config.VigilAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    # Only for its static files: the API docs page loads Swagger UI from Vigil, not a CDN.
    "ninja",
    "django_tasks_db",
    "rules.apps.AutodiscoverRulesConfig",
    "vigil.core",
    "vigil.accounts",
    "vigil.audit",
    "vigil.api",
    "vigil.directory",
    "vigil.groups",
    "vigil.events",
    "vigil.coordination",
    "vigil.cases",
    "vigil.supporters",
    "vigil.petitions",
    "vigil.publications",
    "vigil.bulletin",
    "vigil.distribution",
    "vigil.campaigns",
    "vigil.partners",
    "vigil.actionpoints",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "vigil.api.middleware.ApiMiddleware",
    "django.middleware.common.CommonMiddleware",
    "vigil.core.middleware.FormEncodingMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "vigil.accounts.middleware.TwoFactorRequiredMiddleware",
    "vigil.core.middleware.TimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "vigil.core.permissions.PermissionDeclaredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vigil.urls"
WSGI_APPLICATION = "vigil.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vigil.core.context_processors.site",
            ],
        },
    },
]

# --- databases, cache, tasks ---------------------------------------------------------------
DATABASE_URL = os.environ.get("VIGIL_DATABASE_URL", "").strip()
DATABASES = {"default": database_settings(DATABASE_URL, DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USES_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

REDIS_URL = os.environ.get("VIGIL_REDIS_URL", "redis://127.0.0.1:6379/0")
CACHE_KEY_PREFIX = os.environ.get("VIGIL_CACHE_PREFIX", "vigil")
if USES_POSTGRES:
    # The scale-out mode: several application servers share one Redis.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
else:
    # The embedded mode: the database is shared by every gunicorn worker, local memory is not,
    # and rate limits must hold across workers.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "vigil_cache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }

TASKS_BACKEND = os.environ.get("VIGIL_TASKS_BACKEND", "database").strip().lower()
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ConfigError(
        f"VIGIL_TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, not {TASKS_BACKEND!r}"
    )
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS[TASKS_BACKEND],
        "QUEUES": ["default", "mail"],
    }
}
if TASKS_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {name: {"URL": REDIS_URL} for name in ("default", "mail")}

# --- accounts and security -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "vigil.accounts.backends.EmailBackend",
    "vigil.accounts.backends.RoleBackend",
    "rules.permissions.ObjectPermissionBackend",
]
# The e-mail is encrypted; uniqueness lives on its blind index (``User.email_index``).
SILENCED_SYSTEM_CHECKS = ["auth.W004"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "core:home"

OTP_TOTP_ISSUER = os.environ.get("VIGIL_SITE_NAME", "Vigil")
AXES_FAILURE_LIMIT = env_int("VIGIL_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("VIGIL_LOGIN_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
# Lockout records key on the e-mail's blind index, never on the address itself.
AXES_USERNAME_CALLABLE = "vigil.accounts.backends.axes_username"
AXES_LOCKOUT_CALLABLE = "vigil.accounts.views.lockout_response"
AXES_RESET_ON_SUCCESS = True
# A pause is as long as it says: trying again during it does not start it over.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_IPWARE_PROXY_COUNT = env_int("VIGIL_PROXY_COUNT", default=0)
# Nothing personal in the sign-in records (accounts/signin_records.py): the network as a keyed
# hash, no browser, no log of successful sign-ins, log lines that name nobody.
AXES_HANDLER = "vigil.accounts.signin_records.PrivateDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "vigil.accounts.signin_records.network_key"
AXES_CLIENT_STR_CALLABLE = "vigil.accounts.signin_records.client_str"
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_SENSITIVE_PARAMETERS = ["username", "email", "ip_address"]

# --- limits on public forms (vigil.core.throttle) -------------------------------------------
# Every public POST counts per client address ("ip"), per its /24 or /48 ("net") and, where
# the form takes an e-mail address, per that address ("address"), in fixed windows of
# "window" seconds.  Each counter is (soft, hard): past soft the attempt is let through and
# flagged for staff; past hard it is refused with 429.
THROTTLES: dict[str, dict[str, Any]] = {
    # Petition signatures: a street stall or a hall shares one network.
    "petition-sign": {"window": 600, "ip": (5, 30), "net": (20, 200)},
    # Links from mail (confirm, "my data", unsubscribe, RSVP and invitation answers).
    "mail-link": {"window": 600, "ip": (20, 60), "net": (60, 200)},
    # Mails about an address's state (already signed, already applied): per mailbox only;
    # past the limit they are dropped in silence (vigil.petitions.mailbox).
    "mailbox": {"window": 600, "address": (2, 2)},
    # Requests that mail someone: the address counter keeps a mailbox from being bombed.
    "my-data": {"window": 3600, "ip": (5, 10), "net": (10, 30), "address": (2, 3)},
    "password-reset": {"window": 3600, "ip": (5, 10), "net": (10, 30), "address": (2, 3)},
    "join": {"window": 3600, "ip": (3, 10), "net": (10, 30), "address": (2, 10)},
    "sign-up": {"window": 3600, "ip": (3, 10), "net": (10, 30), "address": (2, 10)},
    "rsvp": {"window": 3600, "ip": (5, 20), "net": (20, 60), "address": (2, 5)},
    "suggestion": {"window": 3600, "ip": (5, 20), "net": (20, 60)},
    # Sign-in forms: every attempt ("sign-in") and, across accounts, the failures of a
    # network ("sign-in-failures": password spraying); django-axes locks (address, IP).
    "sign-in": {"window": 600, "ip": (20, 60), "net": (60, 200)},
    "sign-in-failures": {"window": 3600, "ip": (10, 30), "net": (20, 60)},
    # The API (vigil.api.access): reads without a token per address, and every token per its
    # key ("key"), whose own per-minute limit (set when it is issued) replaces this default.
    "api-anonymous": {"window": 60, "ip": (300, 300)},
    "api-token": {"window": 60, "key": (120, 120)},
}

SESSION_COOKIE_AGE = env_int("VIGIL_SESSION_HOURS", default=12) * 3600
MESSAGE_STORAGE = "vigil.core.message_storage.MessageStorage"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "vigil.core.views.csrf_failure"
SECURE_REDIRECT_EXEMPT = [r"^health/?$"]

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("VIGIL_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("VIGIL_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    if env_bool("VIGIL_BEHIND_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Nothing is loaded from another host: every directive is 'self' or narrower, and there is
# no 'unsafe-inline' anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# --- languages and time --------------------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "vigil" / "locale"]
# One style of date per language ("13 декабря 2026 г., 19:00", "13 December 2026, 19:00").
FORMAT_MODULE_PATH = ["vigil.core.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
# Shown to visitors whose zone we do not know yet; the browser tells us the real one.
VIGIL_DEFAULT_VIEWER_TIME_ZONE = check_time_zone(
    "VIGIL_DEFAULT_TIME_ZONE", os.environ.get("VIGIL_DEFAULT_TIME_ZONE", "Europe/Moscow")
)

# --- static files --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = DATA_DIR / "media"
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing folder
WHITENOISE_USE_FINDERS = not PRODUCTION
# Files served at the site's root: /favicon.ico, which browsers ask for on any page without an
# icon link (the back office's, a PDF, a feed), answered by WhiteNoise before any middleware
# behind it runs (a 404 through sessions, locale and the database before).
WHITENOISE_ROOT = BASE_DIR / "vigil" / "core" / "root"

# --- mail ----------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("VIGIL_FROM_EMAIL", "Vigil <vigil@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_smtp_host = os.environ.get("VIGIL_SMTP_HOST", "").strip()
if _smtp_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _smtp_host,
                "port": env_int("VIGIL_SMTP_PORT", default=25),
                "username": os.environ.get("VIGIL_SMTP_USER", ""),
                "password": os.environ.get("VIGIL_SMTP_PASSWORD", ""),
                "use_tls": env_bool("VIGIL_SMTP_STARTTLS", default=False),
                "timeout": 30,
            },
        }
    }
elif PRODUCTION:
    raise ConfigError("VIGIL_SMTP_HOST is not set: name the SMTP server that sends Vigil's mail")
else:
    # Development without an SMTP server: each message is a file in var/mail/.
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(DATA_DIR / "mail")},
        }
    }

# --- logging -------------------------------------------------------------------------------
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {
        "database_outage": {"()": "vigil.core.log_filters.DatabaseOutage"},
        "secret_tokens": {"()": "vigil.core.log_filters.SecretTokens"},
    },
    # Every handler carries ``secret_tokens``: the links mailed to people never reach a log.
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["secret_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": env_choice("VIGIL_LOG_LEVEL", LOG_LEVELS, "INFO")},
    "loggers": {
        # Axes logs the username it was given; keep that at WARNING so addresses stay out of logs.
        "axes": {"level": "WARNING"},
        # A database outage: one line per request, not a traceback (core/log_filters.py).
        "django.request": {"filters": ["database_outage"]},
    },
}

VIGIL_SITE_NAME = os.environ.get("VIGIL_SITE_NAME", "Vigil")
#: A directory entry neither updated nor verified for this many years is flagged as stale.
VIGIL_DIRECTORY_STALE_YEARS = env_int("VIGIL_DIRECTORY_STALE_YEARS", default=3)
VIGIL_PETITION_RETENTION_DAYS = env_int("VIGIL_PETITION_RETENTION_DAYS", default=90)
#: Confirmation mails go out in batches started at most this many seconds after a signature.
VIGIL_CONFIRMATION_DELAY_SECONDS = env_int("VIGIL_CONFIRMATION_DELAY_SECONDS", default=2)
#: Queued by ``vigil serve`` at start: each sends what is owed, so a killed server loses nothing.
VIGIL_CATCH_UP_TASKS = [
    "vigil.petitions.tasks.send_due_confirmations",
    "vigil.publications.tasks.publish_due_documents",
    "vigil.events.tasks.forget_lapsed_replies",
]

# --- backups -------------------------------------------------------------------------------
#: Public keys (age1..., comma-separated) that ``vigil backup`` encrypts to: the server
#: writes backups it cannot read; the holders of the matching secret keys can.
VIGIL_BACKUP_RECIPIENTS = os.environ.get("VIGIL_BACKUP_RECIPIENTS", "").strip()
VIGIL_BACKUP_DIR = os.environ.get("VIGIL_BACKUP_DIR", "").strip()
VIGIL_BACKUP_KEEP_DAILY = env_int("VIGIL_BACKUP_KEEP_DAILY", default=7)
VIGIL_BACKUP_KEEP_MONTHLY = env_int("VIGIL_BACKUP_KEEP_MONTHLY", default=12)
#: ``vigil serve`` warns at start, in production, when the last backup is older (0: never).
VIGIL_BACKUP_WARN_DAYS = env_int("VIGIL_BACKUP_WARN_DAYS", default=2)
