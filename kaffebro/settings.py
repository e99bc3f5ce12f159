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
    env_choice,
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
    "kaffebro.insights",
    "kaffebro.notifications",
]

MIDDLEWARE = [
    "kaffebro.core.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kaffebro.core.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kaffebro.accounts.middleware.MemberPreferencesMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "kaffebro.core.logs.LogUserMiddleware",
    "kaffebro.core.security.NoStoreForMembersMiddleware",
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
                "kaffebro.core.security.csp_nonce",
                "kaffebro.core.context_processors.footer",
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable server fails a request (and /health/ready) after this many seconds instead of hanging.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 5)
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
# Where `collectstatic` gathers the files WhiteNoise serves; on an app server, e.g. /srv/kaffebro/static.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
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

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    # The __Host- prefix makes the browser refuse the cookie unless it is Secure, for path / and for this
    # host only: a sibling subdomain can neither set nor overwrite it.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = "/"
    SESSION_COOKIE_DOMAIN = CSRF_COOKIE_DOMAIN = None
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
    # The load balancer's probes speak plain HTTP to the app server: they get an answer, not a redirect.
    SECURE_REDIRECT_EXEMPT = [r"^health/"]
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# One line per record on standard error (systemd's journal), each with the request's id, method, path and
# member id (kaffebro/core/logs.py); JSON for a log collector in production, text at a developer's terminal.
LOG_FORMAT = env_choice("LOG_FORMAT", "text" if DEBUG else "json", ("json", "text"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "kaffebro.core.logs.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "kaffebro.core.logs.JsonFormatter"},
        "text": {"()": "kaffebro.core.logs.TextFormatter", "format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request"], "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers are replaced by the root's, so every line has the same format, once.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # runserver's request lines repeat the access log of kaffebro.request.
        "django.server": {"handlers": [], "level": "WARNING", "propagate": True},
        "django.db.backends": {"level": "INFO"},
    },
}

# The operator's official accessibility statement (for a Danish public body: the one on the agency's statement
# site); the footer links to it instead of the built-in page when set.
ACCESSIBILITY_STATEMENT_URL = env_str("ACCESSIBILITY_STATEMENT_URL", "")
if ACCESSIBILITY_STATEMENT_URL and (
    urlsplit(ACCESSIBILITY_STATEMENT_URL).scheme != "https" or not urlsplit(ACCESSIBILITY_STATEMENT_URL).hostname
):
    raise ImproperlyConfigured(f"ACCESSIBILITY_STATEMENT_URL={ACCESSIBILITY_STATEMENT_URL!r} must be an https address.")

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
# A seeker in a coach's caseload with no activity for this many days is shown as stalled.
COACH_STALLED_DAYS = env_int("COACH_STALLED_DAYS", 14)

# Retention (docs/privacy.md, `manage.py privacy_chores`). An account unused for INACTIVE_ACCOUNT_WARN_DAYS is warned
# by mail, and erased when still unused INACTIVE_ACCOUNT_DELETE_DAYS after its last use (the difference is the notice).
INACTIVE_ACCOUNT_WARN_DAYS = env_int("INACTIVE_ACCOUNT_WARN_DAYS", 2 * 365)
INACTIVE_ACCOUNT_DELETE_DAYS = env_int("INACTIVE_ACCOUNT_DELETE_DAYS", 2 * 365 + 30)
if not 0 < INACTIVE_ACCOUNT_WARN_DAYS < INACTIVE_ACCOUNT_DELETE_DAYS:
    raise ImproperlyConfigured("INACTIVE_ACCOUNT_DELETE_DAYS must be more days than INACTIVE_ACCOUNT_WARN_DAYS (> 0).")
# Suggestions that ended without a hire, and requests closed without a meeting, are deleted after this many days
# (Datatilsynet: applications of candidates who were not hired may be kept up to six months).
DECLINED_SUGGESTION_RETENTION_DAYS = env_int("DECLINED_SUGGESTION_RETENTION_DAYS", 180)
EXPIRED_REQUEST_RETENTION_DAYS = env_int("EXPIRED_REQUEST_RETENTION_DAYS", 180)
# Who read a member's data (the access log, "Who has looked at my data") is kept this many days.
ACCESS_LOG_RETENTION_DAYS = env_int("ACCESS_LOG_RETENTION_DAYS", 365)
# The link that confirms an objection ("I don't want to be in Kaffebro") works this long.
OBJECTION_LINK_MAX_AGE = 60 * 60 * 24 * 3
# Who is responsible for the data (GDPR controller), told to every person who is not a member when a
# connector introduces them by hand: a name and a contact address. Production refuses to start without them.
KAFFEBRO_CONTROLLER_NAME = env_str("KAFFEBRO_CONTROLLER_NAME", "Kaffebro (development)" if DEBUG else None)
KAFFEBRO_CONTROLLER_CONTACT = env_str("KAFFEBRO_CONTROLLER_CONTACT", f"privacy@{_site.hostname}" if DEBUG else None)
# Where a path card hands its way in to ask for a meeting (a URL name taking `?way=<token>`); empty: no button.
# The paths app reverses it by name, so it never imports the app that answers it.
PATH_REQUEST_URL_NAME = "meetings:start"
# Insights never show a figure about fewer people than this (docs/insights.md, "the group rule").
INSIGHTS_MIN_GROUP = env_int("INSIGHTS_MIN_GROUP", 5)

# Log-in protection (docs/security.md): cool-off, rate limits, two-factor, session timeouts, re-authentication.
# After this many failed log-ins for one e-mail address within LOGIN_FAILURE_WINDOW seconds, it cools off for
# LOGIN_COOL_OFF_FIRST seconds, doubling with each further cool-off up to LOGIN_COOL_OFF_MAX: never a lock-out.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
# The same for one client address (IPv4, or an IPv6 /64), whichever e-mail addresses it tries.
LOGIN_FAILURE_LIMIT_PER_CLIENT = env_int("LOGIN_FAILURE_LIMIT_PER_CLIENT", 20)
LOGIN_FAILURE_WINDOW = env_int("LOGIN_FAILURE_WINDOW", 15 * 60)
LOGIN_COOL_OFF_FIRST = env_int("LOGIN_COOL_OFF_FIRST", 60)
LOGIN_COOL_OFF_MAX = env_int("LOGIN_COOL_OFF_MAX", 15 * 60)
# How many reverse proxies in front of Kaffebro append to X-Forwarded-For; 0: the client is REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Uses per member (anonymous: per client address) and minute of the costly endpoints; beyond them, 429.
RATE_LIMITS = {
    "paths": env_int("RATE_LIMIT_PATHS", 30),
    "import": env_int("RATE_LIMIT_IMPORT", 6),
    "meeting_send": env_int("RATE_LIMIT_MEETING_SEND", 6),
    "account_mail": env_int("RATE_LIMIT_ACCOUNT_MAIL", 10),
    # The data-protection forms: export, account deletion, and the public objection form (per client address).
    "privacy": env_int("RATE_LIMIT_PRIVACY", 5),
}
# A session ends after this long without a request, and this long after the log-in whatever happens.
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 2 * 60 * 60)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)
# The browser forgets the cookie when the server would refuse the session anyway.
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
# Changing the password or two-factor settings needs the password typed within this many seconds.
REAUTH_SECONDS = env_int("REAUTH_SECONDS", 5 * 60)
# The name authenticator apps show next to the member's address.
TWO_FACTOR_ISSUER = env_str("TWO_FACTOR_ISSUER", "Kaffebro")
# After the messages middleware, which carries their explanations to the log-in page.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "kaffebro.accounts.middleware.SessionTimeoutMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("kaffebro.accounts.middleware.SessionTimeoutMiddleware") + 1,
    "kaffebro.accounts.middleware.TwoFactorMiddleware",
)

# REST API (kaffebro.api, docs/api.md): /api/v1/ with personal tokens or the session, problem+json errors,
# signed cursor pages and rate limits per token. The app comes after every other kaffebro app: it may import them all.
INSTALLED_APPS += ["rest_framework", "drf_spectacular", "kaffebro.api"]
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "kaffebro.api.authentication.ApiTokenAuthentication",  # first: no credentials answers 401 with a challenge
        "kaffebro.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["kaffebro.api.throttling.MemberRateThrottle"],
    # Requests per token (or per member's session): reads, changes, and path searches, the costliest reads.
    "DEFAULT_THROTTLE_RATES": {
        "read": env_str("API_RATE_READ", "300/minute"),
        "write": env_str("API_RATE_WRITE", "60/minute"),
        "search": env_str("API_RATE_SEARCH", "30/minute"),
    },
    "EXCEPTION_HANDLER": "kaffebro.api.problems.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "kaffebro.api.openapi.ApiAutoSchema",
    "DEFAULT_METADATA_CLASS": None,  # OPTIONS answers 405: the schema describes the API
    "URL_FORMAT_OVERRIDE": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kaffebro API",
    "DESCRIPTION": "Warm paths into the organisation where you want to land. See docs/api.md.",
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "TargetKindEnum": "kaffebro.network.models.TargetKind",
        "RequestKindEnum": "kaffebro.meetings.models.RequestKind",
        "OutcomeKindEnum": "kaffebro.meetings.models.OutcomeKind",
        "RegionEnum": "kaffebro.network.models.Region",
        "DeclineReasonEnum": "kaffebro.meetings.models.DeclineReason",
    },
    "PATH_CONVERTER_OVERRIDES": {"code": {"type": "string", "pattern": r"^[A-Za-z0-9_-]{1,16}$"}},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "kaffebro.api.openapi.add_problem_responses",
    ],
}
# The answer to a POST with an Idempotency-Key is kept this many hours (`manage.py api_chores` forgets older ones).
API_IDEMPOTENCY_HOURS = env_int("API_IDEMPOTENCY_HOURS", 24)
# Active personal API tokens a member may have at once.
API_MAX_TOKENS = env_int("API_MAX_TOKENS", 10)
