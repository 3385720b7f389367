"""Irum settings. Every deployment choice comes from an IRUM_* environment variable."""

from __future__ import annotations

import sys
from pathlib import Path

import csp.constants as csp
import dj_database_url
import xstatic.pkg.leaflet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from irum.accounts import production
from irum.lib.env import envbool, envint, envlist, envsecret, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("IRUM_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = envbool("IRUM_DEBUG", False)
TESTING = "pytest" in sys.modules

# Production (IRUM_PRODUCTION=true) is an explicit switch, not "DEBUG is off": a
# forgotten variable must never make a deployment quietly less strict. It refuses to
# start with an unsafe configuration (irum.accounts.production) and turns on HTTPS-only
# settings (below).
PRODUCTION = envbool("IRUM_PRODUCTION", False)

SECRET_KEY = envsecret("IRUM_SECRET_KEY") or ""
_configured_secret_key = SECRET_KEY
if not SECRET_KEY and not PRODUCTION:
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
    # django.contrib.admin, with admin.site behind the second factor (irum.accounts.sites).
    "irum.accounts.apps.IrumAdminConfig",
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
    "irum.routes",
    "irum.api",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "irum.accounts",
    "irum.backups",
    "irum.stories",
    "irum.discussion",
    "irum.public",
]

MIDDLEWARE = [
    # First: a cached public page is served before any other work (irum.lib.pagecache).
    "irum.lib.pagecache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Outside every view (and any transaction around one): writes the sign-in audit
    # entries a rolled-back request would otherwise lose.
    "irum.accounts.middleware.SignInAuditMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # user.is_verified(): has this session passed the second factor?
    "django_otp.middleware.OTPMiddleware",
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
# Leaflet is served from the XStatic-Leaflet wheel (no npm step, no CDN).
STATICFILES_DIRS = [BASE_DIR / "irum" / "static", ("leaflet", xstatic.pkg.leaflet.BASE_DIR)]
STATIC_ROOT = VAR_DIR / "static"
# Uploaded files (attachments). `irum backup` archives this directory with the database.
MEDIA_ROOT = Path(envstr("IRUM_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"

LOGIN_URL = "admin:login"

# Reader comments (irum.discussion, docs/moderation.md). Every threshold is a setting.
IRUM_COMMENT_EDIT_MINUTES = envint("IRUM_COMMENT_EDIT_MINUTES", 15)
IRUM_COMMENT_RATE_LIMIT = envint("IRUM_COMMENT_RATE_LIMIT", 5)  # comments in ...
IRUM_COMMENT_RATE_MINUTES = envint("IRUM_COMMENT_RATE_MINUTES", 10)  # ... these minutes
IRUM_COMMENT_FLAGS_TO_HOLD = envint("IRUM_COMMENT_FLAGS_TO_HOLD", 3)
IRUM_STRIKES_PER_STEP = envint("IRUM_STRIKES_PER_STEP", 3)
IRUM_STRIKE_WINDOW_DAYS = envint("IRUM_STRIKE_WINDOW_DAYS", 30)
IRUM_SUSPENSION_DAYS = envint("IRUM_SUSPENSION_DAYS", 7)
IRUM_EMAIL_VERIFY_DAYS = envint("IRUM_EMAIL_VERIFY_DAYS", 3)
# Accounts opened, and password links asked for, per address an hour; confirmation mails
# a reader may ask for a day (irum.discussion.throttle).
IRUM_REGISTRATIONS_PER_HOUR = envint("IRUM_REGISTRATIONS_PER_HOUR", 5)
IRUM_PASSWORD_LINKS_PER_HOUR = envint("IRUM_PASSWORD_LINKS_PER_HOUR", 5)
IRUM_CONFIRMATION_MAILS_PER_DAY = envint("IRUM_CONFIRMATION_MAILS_PER_DAY", 5)

# Mail (readers' address verification). With no IRUM_EMAIL_HOST, messages are written
# to files under var/mail, so the demo needs no mail server and sends nothing anywhere.
DEFAULT_FROM_EMAIL = envstr("IRUM_EMAIL_FROM", "Irum <no-reply@localhost>")
if envstr("IRUM_EMAIL_HOST", ""):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = envstr("IRUM_EMAIL_HOST", "")
    EMAIL_PORT = envint("IRUM_EMAIL_PORT", 587)
    EMAIL_HOST_USER = envstr("IRUM_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = envsecret("IRUM_EMAIL_PASSWORD") or ""
    EMAIL_USE_TLS = envbool("IRUM_EMAIL_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# The public pages' cache (irum.lib.pagecache). File-based by default, so that the
# server's worker processes and the management commands share it: a story withdrawn in
# one process is gone from all of them. "memory" keeps it per process (the tests).
_CACHE_DIR = envstr("IRUM_CACHE_DIR", "memory" if TESTING else str(VAR_DIR / "cache"))
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "irum"}
        if _CACHE_DIR == "memory"
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": _CACHE_DIR,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    )
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = envbool("IRUM_SECURE_COOKIES", not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True

# Two-factor sign-in (django-otp, TOTP): every staff user passes it before the admin
# shows anything (irum.accounts.sites). Turning it off is for a developer's machine;
# production refuses to start without it.
IRUM_REQUIRE_2FA = envbool("IRUM_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = envstr("IRUM_OTP_ISSUER", "Irum")
# After each wrong code the next one is not even compared for FACTOR * 2^(failures-1)
# seconds: with the default, about 17 guesses a day, against a million possible codes.
OTP_TOTP_THROTTLE_FACTOR = envint("IRUM_OTP_THROTTLE_SECONDS", 1)
# Never show a TOTP secret again once a device exists (django-otp's admin pages).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True


# Content-Security-Policy (django-csp): only this site's own scripts, styles, images and
# forms; no inline script or style, no plugins, no framing. The admin, django-nested-admin
# and the report page work under it as they are (e2e/test_content_security_policy.py
# listens for violations); the QR code of the enrolment page is a data: image.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "frame-ancestors": [csp.NONE],
        "form-action": [csp.SELF],
    }
}

# The REST API (irum/api): every response through the visibility rule, errors as one
# JSON shape, JSON only (the browsable renderer needs inline script, which the CSP
# refuses; the docs are at /api/docs/).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The token first: its WWW-Authenticate header makes "no credentials" a 401.
        "irum.api.auth.ApiTokenAuthentication",
        "irum.api.auth.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["irum.api.permissions.ArchiveAccess"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "irum.api.pagination.Pages",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "irum.api.errors.handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Irum API",
    "DESCRIPTION": "The Irum archive of enforced disappearances. Partner members see what "
    "the visibility rule lets them see; everyone else, the public projection.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# Maps draw on the Natural Earth countries the project ships. An administrator may put a
# tile layer under them (for example a tile server inside the organisation); its host is
# then the one other host pages may load images from.
IRUM_MAP_TILE_URL = envstr("IRUM_MAP_TILE_URL", "")
IRUM_MAP_TILE_ATTRIBUTION = envstr("IRUM_MAP_TILE_ATTRIBUTION", "")
if IRUM_MAP_TILE_URL:
    from irum.routes.tiles import tile_origin

    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(tile_origin(IRUM_MAP_TILE_URL))

if PRODUCTION:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = envbool("IRUM_SECURE_COOKIES", True)
    _problems = production.refusals(
        debug=DEBUG,
        secret_key=_configured_secret_key,
        require_2fa=IRUM_REQUIRE_2FA,
        secure_cookies=SESSION_COOKIE_SECURE,
        allowed_hosts=ALLOWED_HOSTS,
    )
    if _problems:
        raise ImproperlyConfigured(
            "IRUM_PRODUCTION is set, and Irum refuses to start:\n  - " + "\n  - ".join(_problems)
        )
    # HTTPS only. Behind a proxy that terminates TLS, set IRUM_BEHIND_TLS_PROXY=true so
    # that Django trusts the proxy's X-Forwarded-Proto (the proxy must overwrite any such
    # header a client sends), or IRUM_SSL_REDIRECT=false if the proxy redirects itself.
    SECURE_SSL_REDIRECT = envbool("IRUM_SSL_REDIRECT", True)
    if envbool("IRUM_BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("IRUM_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("IRUM_HSTS_INCLUDE_SUBDOMAINS", True)
    # Preloading is a promise to browsers that is slow to undo: the operator opts in.
    SECURE_HSTS_PRELOAD = envbool("IRUM_HSTS_PRELOAD", False)
    CSRF_TRUSTED_ORIGINS = envlist("IRUM_CSRF_TRUSTED_ORIGINS", [])

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
