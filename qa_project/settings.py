"""Settings for the QA application.

One module, driven by environment variables (see README "Configuration"). With nothing set it
runs as a development install: SQLite in the project folder, DEBUG on, Celery tasks executed
in-process. Production sets DJANGO_DEBUG=false, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS,
DATABASE_URL and CELERY_BROKER_URL.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# An optional .env file beside manage.py, for administrators who prefer a file.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Off unless asked for: a server that forgets the setting must not show tracebacks. `make run`
# and `make test` set DJANGO_DEBUG=true for a development install.
DEBUG = env.bool("DJANGO_DEBUG", default=False)

# The fallback key is only good for development; production must set its own (check --deploy).
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY",
    default="django-insecure-development-only-key-change-me-before-deploying",
)
if not DEBUG and SECRET_KEY.startswith("django-insecure-"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "Set DJANGO_SECRET_KEY (a long random value) for a server, or DJANGO_DEBUG=true for a "
        "development install on your own machine (make run does that)."
    )

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "csp",
    "core",
    "scoring",
    "reviews",
    "coaching",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.i18n.PersonLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # In production WhiteNoise serves the collected static files (run collectstatic first);
    # in development runserver serves them straight from the apps.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "qa_project.urls"

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
                "core.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "qa_project.wsgi.application"

# SQLite file in the project folder unless DATABASE_URL says otherwise
# (postgres://user@127.0.0.1:5432/qa for PostgreSQL).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep each worker's connection open (a new one per request costs more than most pages);
# checked before reuse so a restarted database server does not break the next request.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing at once with "database is locked"; WAL lets pages
    # read (a progress bar, say) while a background job writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            # A 64 MB page cache (SQLite's default is 2 MB): an import writes five B-trees per
            # interaction, and with the default cache each insert reads its pages from disk again.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
        }
    )
    # The monthly draw's index carries the row id as a non-key column on PostgreSQL (see
    # reviews.Interaction); SQLite's indexes hold the row id anyway, so nothing is lost there and
    # the warning would only alarm whoever runs a command.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Logins: django-axes counts failures and locks out an account, and separately an address,
# after AXES_FAILURE_LIMIT of them, for AXES_COOLOFF_MINUTES. Administrators unlock at once in
# the admin (Axes → Access attempts: delete the row) or with `manage.py axes_reset`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_MINUTES", default=15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "core.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Behind a proxy that sets X-Forwarded-For (nginx), count the addresses it forwards.
AXES_IPWARE_PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0) or None
if AXES_IPWARE_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Content-Security-Policy: scripts and styles only from this site's own files (no inline
# script anywhere); nothing may frame the app.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = env.str("DJANGO_LANGUAGE_CODE", default="en")
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
FORMAT_MODULE_PATH = ["qa_project.formats"]  # one date format everywhere (formats/en)
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.console.EmailBackend"
        if DEBUG
        else "django.core.mail.backends.smtp.EmailBackend"
    ),
)
EMAIL_HOST = env.str("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="qa@localhost")
# The address people open the app at: links in e-mails start with it.
SITE_URL = env.str("DJANGO_SITE_URL", default="http://127.0.0.1:8000")

# Production hardening: on by default whenever DEBUG is off, each one switchable for
# installations behind a proxy that terminates TLS differently.
if not DEBUG:
    # Trust X-Forwarded-Proto only from a proxy that sets it (DJANGO_PROXY_COUNT): without one,
    # any client could claim HTTPS.
    if env.int("DJANGO_PROXY_COUNT", default=0):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Cache: progress of background jobs lives here, so web and workers must share it. Redis in
# production (CACHE_URL, or the Celery broker's Redis), process memory in development.
_default_cache = "locmemcache://"
if env.str("CELERY_BROKER_URL", default="").startswith("redis"):
    _default_cache = env.str("CELERY_BROKER_URL")
CACHES = {"default": env.cache_url("CACHE_URL", default=_default_cache)}

# Imports: limits on what one upload may hold.
# The years the app's data may fall in: months on pages and in the API, dates in imported files
# (archives and public data sets go back decades). Outside them a value is refused by name.
DATA_FIRST_YEAR = env.int("DATA_FIRST_YEAR", default=1900)
DATA_LAST_YEAR = env.int("DATA_LAST_YEAR", default=2199)
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=50 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=200_000)
# Files are parsed by a separate process under these limits (reviews/imports/reader.py), so a
# file built to exhaust memory or time is refused instead of taking the worker down.
# The reading process's address space (RLIMIT_AS). Address space runs ahead of the memory
# really used (the parser reserves room as its grid grows): at 384 MB the largest workbook the
# unpacked limit lets through (~140,000 rows of 15 columns) peaks at about 200 MB resident.
IMPORT_READ_MEMORY_MB = env.int("IMPORT_READ_MEMORY_MB", default=384)
IMPORT_READ_SECONDS = env.int("IMPORT_READ_SECONDS", default=300)
# Reading a workbook takes about twice its unpacked sheet in memory: 100 MB unpacked (some
# 140,000 rows of 15 columns) stays inside IMPORT_READ_MEMORY_MB, and a larger workbook is told
# to split before anything is parsed. Raise both together.
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=100 * 1024 * 1024)
IMPORT_MAX_SHARED_STRINGS = env.int("IMPORT_MAX_SHARED_STRINGS", default=1_000_000)
IMPORT_MAX_CELLS = env.int("IMPORT_MAX_CELLS", default=5_000_000)
IMPORT_MAX_FIELD_CHARS = env.int("IMPORT_MAX_FIELD_CHARS", default=100_000)
# A job whose worker has shown no sign of life for this long may be taken up again.
JOB_STALE_SECONDS = env.int("JOB_STALE_SECONDS", default=180)
# Uploaded files of abandoned imports are removed after this many days.
IMPORT_FILE_RETENTION_DAYS = env.int("IMPORT_FILE_RETENTION_DAYS", default=7)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Celery: with no broker configured, tasks run in-process (eager) so that a development
# install needs nothing but Python.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Without a broker, long jobs run in a background thread of the web process so that pages can
# show their progress; tests run them inline.
JOBS_IN_THREAD = env.bool("JOBS_IN_THREAD", default=CELERY_TASK_ALWAYS_EAGER)
JOBS_INLINE = env.bool("JOBS_INLINE", default=False)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="")
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Disputes past their deadline escalate to the QA managers.
    "disputes-escalate": {
        "task": "reviews.tasks.disputes_escalate",
        "schedule": crontab(minute=5),
    },
    # The monthly sample, drawn early on the first of the month (top-ups are manual or later runs).
    "monthly-sample-draw": {
        "task": "reviews.tasks.sample_draw_task",
        "schedule": crontab(minute=30, hour=2, day_of_month=1),
    },
    # Uploaded files of abandoned imports (IMPORT_FILE_RETENTION_DAYS).
    "purge-import-files": {
        "task": "reviews.tasks.import_files_purge",
        "schedule": crontab(minute=15, hour=3),
    },
    # Performance records of the previous and the current month, rebuilt every night.
    "records-rebuild-recent": {
        "task": "coaching.tasks.records_rebuild_recent",
        "schedule": crontab(minute=45, hour=3),
    },
    # Agents are told of their action items that fall due today (or fell due unnoticed).
    "action-items-due": {
        "task": "coaching.tasks.items_due_remind_task",
        "schedule": crontab(minute=0, hour=7),
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "core.authentication.PersonTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",  # refuses text that cannot be stored and absurd nesting: 400
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "core.filters.Pagination",
    "PAGE_SIZE": 100,
    # Integrations with a token are throttled per user; anonymous requests per address.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="30/minute"),
        "user": env.str("API_THROTTLE_USER", default="1200/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "QA API",
    "DESCRIPTION": "Contact-centre quality assurance: rubrics, interactions, reviews.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs are for signed-in people (and tokens) on a server.
    "SERVE_PERMISSIONS": (
        ["rest_framework.permissions.AllowAny"] if DEBUG else ["rest_framework.permissions.IsAuthenticated"]
    ),
    # Swagger UI served from our own static files, so the docs page works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ChannelEnum": "core.models.Channel",
        "RubricStatusEnum": "scoring.models.RubricStatus",
        "ReviewStatusEnum": "reviews.models.ReviewStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}
