"""Settings for SaferCity, read from the environment (see README)."""

import importlib.util
from datetime import timedelta
from pathlib import Path

import django_stubs_ext
from dotenv import load_dotenv

from safercity.env import (
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_str,
    sqlite_database,
)

# Lets generic Django classes be subscripted at run time (ModelAdmin[Model]), for mypy.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SAFERCITY_VAR", str(BASE_DIR / "var")))
# `make run` writes the development settings here, so a command from a second shell finds them;
# the environment still wins. The test suite sets its own and ignores the file.
if not env_bool("SAFERCITY_TESTING", False):
    load_dotenv(VAR_DIR / "local.env", override=False)

DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("SAFERCITY_TESTING", False)
_DEV_KEY = "insecure-development-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", _DEV_KEY)
if SECRET_KEY == _DEV_KEY and not DEBUG and not TESTING:
    raise RuntimeError(
        "Set SECRET_KEY (or DEBUG=1 for development; `make run` writes both to var/local.env)."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "safercity.core.apps.SaferCityAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # so the API docs load Swagger UI from bundled static files, not a CDN
    "django_tasks",
    "django_tasks_db",
    "axes",
    "safercity.core",
    "safercity.accountability",
    "safercity.staffing",
    "safercity.service311",
    "safercity.crime",
    "safercity.emergency",
    "safercity.properties",
    "safercity.violence",
    "safercity.intelligence",
    "safercity.useofforce",
    "safercity.workforce",
    "safercity.equity",
    "safercity.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in with the page below.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safercity.urls"
WSGI_APPLICATION = "safercity.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "safercity" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safercity.core.context_processors.city",
            ],
        },
    },
]

_database_url = env_str("DATABASE_URL", "")
if not _database_url:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": (
        database_from_url(_database_url)
        if _database_url
        else sqlite_database(VAR_DIR / "safercity.sqlite3")
    )
}
# Keep a connection per worker between requests: opening one costs a PostgreSQL backend
# process each time (measured in bench/RESULTS.md). Health checks drop a dead one first.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("SAFERCITY_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a sign-in while its account-and-address pair is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "safercity.core.backends.RoleBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Failed sign-ins (django-axes): after 5 wrong passwords for one account from one address,
# that pair waits 15 minutes (an office behind one address is not locked out by one user,
# nor a user by someone guessing elsewhere); a success clears the count. Attempts and
# lockouts are kept in the database, shown in the admin, and lockouts are audited.
AXES_FAILURE_LIMIT = env_int("SAFERCITY_LOGIN_ATTEMPTS", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SAFERCITY_LOGIN_LOCKOUT_MIN", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "safercity.core.http.client_address"
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:staff_home"
LOGOUT_REDIRECT_URL = "accountability:home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "safercity" / "locale"]
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "311@stlouis-mo.gov")
USE_I18N = True
USE_TZ = True
# The city's own zone: every timestamp is stored in UTC and shown in this zone.
TIME_ZONE = env_str("SAFERCITY_TIME_ZONE", "America/Chicago")
SAFERCITY_CITY_NAME = env_str("SAFERCITY_CITY_NAME", "St. Louis")
# Where people reach this installation: links in e-mails must work from a mail client.
SAFERCITY_SITE_URL = env_str("SAFERCITY_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# A street map under the city's layers, for a real deployment: a tile URL template such as
# https://tile.example.org/{z}/{x}/{y}.png and its attribution. Empty: the streets are drawn
# from the address list instead (works offline, as in the demo).
SAFERCITY_MAP_TILES = env_str("SAFERCITY_MAP_TILES", "")
SAFERCITY_MAP_ATTRIBUTION = env_str("SAFERCITY_MAP_ATTRIBUTION", "")
# Where the city is when no outline or neighborhoods are loaded (west, south, east, north):
# importers refuse coordinates outside (St. Louis, with a little margin).
SAFERCITY_CITY_BOUNDS = tuple(
    float(v) for v in env_list("SAFERCITY_CITY_BOUNDS", ["-90.33", "38.53", "-90.16", "38.78"])
)

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("SAFERCITY_STATIC_ROOT", str(VAR_DIR / "static")))
if DEBUG or TESTING:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise looks there even in development
# In production whitenoise serves the files `collectstatic` gathered, compressed and under
# content-hashed names (cached for a year); development and tests serve them from the apps.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Leaflet's files come from the django-leaflet package (found, not imported: importing it
# would load GeoDjango, which needs GDAL).
_leaflet = importlib.util.find_spec("leaflet")
STATICFILES_DIRS = [BASE_DIR / "safercity" / "static"] + (
    [Path(_leaflet.origin).parent / "static"] if _leaflet and _leaflet.origin else []
)

MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("SAFERCITY_MEDIA_ROOT", str(VAR_DIR / "media")))
# Requests are small; media uploads are checked again (10 MB, images only) by the 311 service.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_500_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_500_000
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

# One cache in the database, shared by every server process and the task worker (rate limits
# must count across processes). Its table is made by core's migrations.
# Background tasks: stored in the database and run by `safercity worker`. The test suite runs
# them at once, in the test's own transaction.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.backend.DatabaseBackend"
        )
    }
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "safercity_cache",
    }
}

# 911: an abandoned call is called back within this many seconds.
SAFERCITY_CALLBACK_DEADLINE_S = env_int("SAFERCITY_CALLBACK_DEADLINE_S", 300)
# Signs the audit log's checkpoints (core.audit): keep it outside the database, and the
# checkpoint file off the machine (README, Deploying). Without it no checkpoints are made.
SAFERCITY_AUDIT_KEY = env_str("SAFERCITY_AUDIT_KEY", "")
SAFERCITY_AUDIT_CHECKPOINTS = env_str(
    "SAFERCITY_AUDIT_CHECKPOINTS", str(VAR_DIR / "audit-checkpoints.jsonl")
)
# A phone-system event dated further ahead than this is refused (a wrong clock).
SAFERCITY_EVENT_SKEW_S = env_int("SAFERCITY_EVENT_SKEW_S", 300)
# The phone system's key for /api/911/events. In development a fixed key lets the demo stream
# (emergency_demo_stream) talk to `make run`; in production it must be set.
SAFERCITY_CTI_KEY = env_str("SAFERCITY_CTI_KEY", "development-cti-key" if DEBUG else "")
# Backup positions take a caller who has waited this long; supervisors are alerted after this.
SAFERCITY_ROLLOVER_S = env_int("SAFERCITY_ROLLOVER_S", 10)
SAFERCITY_ALERT_S = env_int("SAFERCITY_ALERT_S", 15)
# After a call, a position is in wrap-up this long before the router sends it the next one
# (the call-taker can end it sooner by going ready).
SAFERCITY_WRAP_UP_S = env_int("SAFERCITY_WRAP_UP_S", 15)
# A call ringing this long at a position nobody answers goes to the next ready one (and that
# position goes not ready, "missed a call").
SAFERCITY_RING_S = env_int("SAFERCITY_RING_S", 20)
# How often the worker moves the queue on by the clock (rollover, wrap-up, alerts).
SAFERCITY_QUEUE_TICK_S = env_int("SAFERCITY_QUEUE_TICK_S", 2)
# A call-taker's claim on a callback lapses after this long if they record nothing.
SAFERCITY_CALLBACK_CLAIM_S = env_int("SAFERCITY_CALLBACK_CLAIM_S", 600)
# A caller still waiting this long with no position free goes to the partner center
# automatically (0: never; a supervisor can always do it by hand).
SAFERCITY_PARTNER_ROLLOVER_S = env_int("SAFERCITY_PARTNER_ROLLOVER_S", 0)
SAFERCITY_PARTNER_CENTER = env_str("SAFERCITY_PARTNER_CENTER", "St. Louis County ECC")
# Where call-takers send 911 diversion transfers (St. Louis: Behavioral Health Response).
SAFERCITY_CRISIS_LINE = env_str("SAFERCITY_CRISIS_LINE", "Behavioral Health Response")

# Open311 GeoReport v2
OPEN311_JURISDICTION = env_str("OPEN311_JURISDICTION", "stlouis-mo.gov")
OPEN311_CONTACT = env_str("OPEN311_CONTACT", "Citizens' Service Bureau, 311, 314-622-4800")
OPEN311_KEY_SERVICE = env_str("OPEN311_KEY_SERVICE", "Ask the Citizens' Service Bureau for a key")
OPEN311_POSTS_PER_MINUTE = env_int("OPEN311_POSTS_PER_MINUTE", 30)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Behind a reverse proxy that terminates TLS: trust its X-Forwarded-Proto (and, for rate limits,
# the client address it puts in X-Forwarded-For; see core.http.client_address).
SAFERCITY_TRUSTED_PROXIES = env_int("SAFERCITY_TRUSTED_PROXIES", 0)
if SAFERCITY_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# ZIP codes that straddle the city line: a mailing address there is placed by the city's own
# address list. The default is St. Louis's (USPS ZCTA vs. city boundary).
PROPERTIES_STRADDLING_ZIPS = env_list(
    "SAFERCITY_STRADDLING_ZIPS", ["63109", "63120", "63130", "63133", "63136", "63137", "63143"]
)
PROPERTIES_NUISANCE_UCR_CLASSES = [
    int(c) for c in env_list("SAFERCITY_NUISANCE_UCR_CLASSES", ["15", "16", "18", "19", "22", "24"])
]

# Focused deterrence: a statement about a group (an alias, an area, a relation) holds this many
# days after it was made or last confirmed at a group audit, then leaves every page and
# analysis; it is deleted this many days after it expired.
SAFERCITY_GVI_ASSERTION_DAYS = env_int("SAFERCITY_GVI_ASSERTION_DAYS", 365)
SAFERCITY_GVI_RETENTION_DAYS = env_int("SAFERCITY_GVI_RETENTION_DAYS", 90)
# A custom notification's recipient (the only person the program records) is deleted this many
# days after the notification unless program staff extend it with a reason.
SAFERCITY_GVI_RECIPIENT_DAYS = env_int("SAFERCITY_GVI_RECIPIENT_DAYS", 180)

# Intelligence (28 CFR Part 23): an accepted record is kept at most five years unless a
# reviewer validates it again (which gives it a new period of at most five years); it comes up
# for review this many days before it ends; a record found unreliable is purged by the end of
# the next business day of this calendar (the `holidays` package's country-subdivision code).
SAFERCITY_INTEL_RETENTION_DAYS = min(env_int("SAFERCITY_INTEL_RETENTION_DAYS", 1826), 1826)
SAFERCITY_INTEL_REVIEW_NOTICE_DAYS = env_int("SAFERCITY_INTEL_REVIEW_NOTICE_DAYS", 60)
SAFERCITY_HOLIDAYS = env_str("SAFERCITY_HOLIDAYS", "US-MO")
# Requests for information are answered or declined within these hours of being made, by
# priority; the requester (and a bulletin's recipients) give feedback within the days after.
SAFERCITY_INTEL_DEADLINE_HOURS = {
    "urgent": env_int("SAFERCITY_INTEL_URGENT_HOURS", 24),
    "priority": env_int("SAFERCITY_INTEL_PRIORITY_HOURS", 72),
    "routine": env_int("SAFERCITY_INTEL_ROUTINE_HOURS", 240),
}
SAFERCITY_INTEL_FEEDBACK_DAYS = env_int("SAFERCITY_INTEL_FEEDBACK_DAYS", 10)
# A public tip is triaged within these hours, and the tipster hears back within these days.
SAFERCITY_TIP_TRIAGE_HOURS = env_int("SAFERCITY_TIP_TRIAGE_HOURS", 24)
SAFERCITY_TIP_FEEDBACK_DAYS = env_int("SAFERCITY_TIP_FEEDBACK_DAYS", 7)
# The exchange with partners' installations: this installation signs its messages with an
# Ed25519 key (PEM here, or a key file made in the data folder on first use) under this key id.
SAFERCITY_EXCHANGE_PRIVATE_KEY = env_str("SAFERCITY_EXCHANGE_PRIVATE_KEY", "")
SAFERCITY_EXCHANGE_KEY_ID = env_str("SAFERCITY_EXCHANGE_KEY_ID", "slmpd")
# This installation's agency, as partners know it (the submitting agency of its records).
SAFERCITY_AGENCY_NAME = env_str("SAFERCITY_AGENCY_NAME", "St. Louis Metropolitan Police Department")

# Use of force (issue 19). The agency's ORI for the FBI collection (SLMPD's is believed to be
# MOSPD0000: check it against the agency's LEEP account before a real submission), and
# whether the public dataset names the officers (the city's policy; off by default).
SAFERCITY_AGENCY_ORI = env_str("SAFERCITY_AGENCY_ORI", "MOSPD0000")
SAFERCITY_FORCE_PUBLISH_OFFICER_NAMES = env_bool("SAFERCITY_FORCE_PUBLISH_OFFICER_NAMES", False)

# Referrals to services (issue 21). The provider is reminded when a referral waits this many
# hours for an answer (or this many days between acceptance and the service's start); the
# person's details are purged this many days after the referral closed.
SAFERCITY_REFERRAL_ANSWER_HOURS = env_int("SAFERCITY_REFERRAL_ANSWER_HOURS", 48)
SAFERCITY_REFERRAL_START_DAYS = env_int("SAFERCITY_REFERRAL_START_DAYS", 14)
SAFERCITY_REFERRAL_RETENTION_DAYS = env_int("SAFERCITY_REFERRAL_RETENTION_DAYS", 365)
