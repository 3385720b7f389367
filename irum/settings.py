"""Irum settings. Every deployment choice comes from an IRUM_* environment variable."""

from __future__ import annotations

import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from irum.lib.env import envbool, envint, envlist, envsecret, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("IRUM_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = envbool("IRUM_DEBUG", False)
TESTING = "pytest" in sys.modules

SECRET_KEY = envsecret("IRUM_SECRET_KEY") or ""
if not SECRET_KEY:
    # A missing secret key must stop a real deployment at start-up. The test run and a
    # DEBUG developer shell get a throwaway key that changes every start.
    if DEBUG or TESTING:
        import secrets

        SECRET_KEY = secrets.token_urlsafe(50)
    else:
        raise ImproperlyConfigured(
            "IRUM_SECRET_KEY or IRUM_SECRET_KEY_FILE must be set (`make demo` writes one "
            "to var/secret_key for the demo)."
        )

ALLOWED_HOSTS = envlist("IRUM_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
if TESTING:
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "nested_admin",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "irum.vault",
    "irum.audit",
    "irum.partners",
    "irum.gazetteer",
    "irum.archive",
    "irum.exchange",
    "irum.reports",
    "irum.accounts",
    "irum.backups",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a refusal page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "irum.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "irum" / "templates"],
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

WSGI_APPLICATION = "irum.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        envstr("IRUM_DATABASE_URL", f"sqlite:///{VAR_DIR / 'irum.sqlite3'}"),
        conn_max_age=envint("IRUM_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server read while an import writes; the busy timeout turns a
    # brief lock into a wait instead of "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 first: a stolen database must not give up staff passwords cheaply. Older hashes
# still verify and are upgraded at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTHENTICATION_BACKENDS = [
    # django-axes counts failures and refuses a locked-out login before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("IRUM_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("IRUM_LOGIN_COOLOFF_HOURS", 1)
# Lock the username from the address that failed: a guesser is stopped, and a stranger
# elsewhere cannot lock a documenter out of her own account.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

# Sessions end: after a working day at most, and when the browser closes.
SESSION_COOKIE_AGE = envint("IRUM_SESSION_SECONDS", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ko", _("Korean"))]
LOCALE_PATHS = [BASE_DIR / "irum" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "irum" / "static"]
STATIC_ROOT = VAR_DIR / "static"
# Uploaded files (attachments). `irum backup` archives this directory with the database.
MEDIA_ROOT = Path(envstr("IRUM_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"

LOGIN_URL = "admin:login"

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = envbool("IRUM_SECURE_COOKIES", not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True

# Imports: the largest file the importer will open, and the most rows per sheet. Both
# exist so that a hostile or mistaken upload is refused before it exhausts memory.
IRUM_IMPORT_MAX_BYTES = envint("IRUM_IMPORT_MAX_BYTES", 64 * 1024 * 1024)
IRUM_IMPORT_MAX_ROWS = envint("IRUM_IMPORT_MAX_ROWS", 2_000_000)

# Public statistics hide any count below this (DESIGN.md rule 2): a small count can
# identify a person to someone who knows the family.
IRUM_PUBLIC_MIN_COUNT = envint("IRUM_PUBLIC_MIN_COUNT", 5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("IRUM_LOG_LEVEL", "WARNING")},
}
