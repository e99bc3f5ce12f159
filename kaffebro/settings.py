"""Kaffebro settings. Everything that differs between machines comes from the environment.

See the configuration table in README.md. Development (`DEBUG=1`) needs nothing set;
production refuses to start without `SECRET_KEY`, `ALLOWED_HOSTS`, `SITE_URL` and
`EMAIL_URL`.
"""

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kaffebro.core.env import (
    development_secret_key,
    email_settings,
    env_bool,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("KAFFEBRO_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "") or development_secret_key(VAR_DIR)
else:
    SECRET_KEY = env_str("SECRET_KEY", required=True)
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long in production.")

SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEBUG else None).rstrip("/")
_site = urlsplit(SITE_URL)
if _site.scheme not in {"http", "https"} or not _site.hostname:
    raise ImproperlyConfigured(f"SITE_URL={SITE_URL!r} must be an absolute http(s) address.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [_site.hostname])
CSRF_TRUSTED_ORIGINS = [f"{_site.scheme}://{_site.netloc}"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "kaffebro.core",
    "kaffebro.accounts",
    "kaffebro.network",
    "kaffebro.paths",
    "kaffebro.meetings",
    "kaffebro.jobs",
    "kaffebro.notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kaffebro.accounts.middleware.MemberPreferencesMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kaffebro.urls"
WSGI_APPLICATION = "kaffebro.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kaffebro.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a writer writes; IMMEDIATE takes the write lock at
    # BEGIN so two writers queue instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["kaffebro.accounts.backends.EmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "network:dashboard"
LOGOUT_REDIRECT_URL = "core:landing"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3
EMAIL_VERIFICATION_MAX_AGE = 60 * 60 * 24 * 3

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "kaffebro" / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

_email_url = env_str("EMAIL_URL", "console://" if DEBUG else None)
globals().update(email_settings(_email_url))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"Kaffebro <noreply@{_site.hostname}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TASKS = {"default": {"BACKEND": env_str("TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}

SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is hard to undo, so it is the operator's opt-in, not a default.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Pages per list page; a member never receives an unbounded list.
PAGE_SIZE = 25

# Contact import limits: a larger file or more rows is refused with a clear message.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 50_000)
# Imports up to this many rows finish in the request; larger ones run as a background task.
IMPORT_INLINE_ROWS = env_int("IMPORT_INLINE_ROWS", 2_000)

# Warm paths: the score of docs/paths.md. Each number is explained there; change them there too.
PATH_SCORING = {
    "first_tie": [0.15, 0.35, 0.60, 0.85, 1.00],
    "middle_tie": [0.30, 0.50, 0.70, 0.85, 1.00],
    "last_tie": [0.60, 1.00, 1.00, 0.90, 0.80],
    "unrated": 0.80,
    "recency_days": [180, 730],
    "recency": [1.00, 0.90, 0.75],
    "recency_unknown": 0.85,
    "capacity_paused": 0.20,
    "capacity_load": 0.60,
    "capacity_floor": 0.40,
    "hop": [1.00, 0.90, 0.60],
    "role": {
        "person": 1.00,
        "posting_decision_maker": 1.00,
        "unit_decision_maker": 0.90,
        "unit_member": 0.70,
        "organisation_decision_maker": 0.60,
        "organisation_member": 0.45,
        "field_decision_maker": 0.80,
        "field_title": 0.70,
        "field_unit": 0.60,
        "field_industry": 0.40,
    },
    "scale": 100.0,
}
# At most this many of a seeker's paths go through the same first person.
PATH_DIVERSITY = 2
# The graph snapshot every process memory-maps; rebuilt in the background this many seconds after a change.
GRAPH_SNAPSHOT_DIR = Path(env_str("GRAPH_SNAPSHOT_DIR", str(VAR_DIR / "graph")))
GRAPH_REBUILD_DELAY = env_int("GRAPH_REBUILD_DELAY", 30)

# Coffee meetings: the latest sensible coffee is this many days before an application deadline.
MEETING_LEAD_DAYS = env_int("MEETING_LEAD_DAYS", 10)
# A seeker may have at most this many requests sent and still open (drafts do not count).
MEETING_OPEN_REQUESTS = env_int("MEETING_OPEN_REQUESTS", 5)
# A seeker may send at most this many requests in any hour (a rate limit against mass mailing).
MEETING_SENDS_PER_HOUR = env_int("MEETING_SENDS_PER_HOUR", 10)
# A request waiting for an answer (connector, person to meet, or a time) closes politely after this many days.
MEETING_ANSWER_DAYS = env_int("MEETING_ANSWER_DAYS", 14)
# The seeker is reminded to follow up this many days after a meeting was held.
MEETING_FOLLOW_UP_DAYS = env_int("MEETING_FOLLOW_UP_DAYS", 14)
# Who is responsible for the data (GDPR controller), told to every person who is not a member when a
# connector introduces them by hand: a name and a contact address. Production refuses to start without them.
KAFFEBRO_CONTROLLER_NAME = env_str("KAFFEBRO_CONTROLLER_NAME", "Kaffebro (development)" if DEBUG else None)
KAFFEBRO_CONTROLLER_CONTACT = env_str("KAFFEBRO_CONTROLLER_CONTACT", f"privacy@{_site.hostname}" if DEBUG else None)
# Where a path card hands its way in to ask for a meeting (a URL name taking `?way=<token>`); empty: no button.
# The paths app reverses it by name, so it never imports the app that answers it.
PATH_REQUEST_URL_NAME = "meetings:start"
