"""One settings module, driven by the environment.

Unset DATABASE_URL / REDIS_URL mean the embedded defaults (config/embedded.py).
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config import embedded
from core.enum_names import ChoiceClassEnumNames

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


TESTING = "pytest" in sys.modules or os.environ.get("REGISTER_TESTING") == "1"

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or embedded.secret_key()
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "core",
    "register",
    "notifications",
    "mappa",
    "victims",
    "partners",
    "imports",
    "accounts",
    "mfa",
]

MIDDLEWARE = [
    # First, so a database or broker outage anywhere below answers 503 (core.middleware).
    "core.middleware.ServiceUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, so static files keep their long caching: every response of a view gets
    # the CSP, Permissions-Policy and, when anyone is signed in, Cache-Control: no-store.
    "csp.middleware.CSPMiddleware",
    "core.security_headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the session's second factor (django-otp, without a query).
    "mfa.middleware.OTPMiddleware",
    # Refuses NUL and other control characters in paths, query strings and form fields (400).
    "core.input.InputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A POST retried with its Idempotency-Key gets the first response, not a second action.
    "core.idempotency.IdempotencyMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # After sign-in, a second factor: no staff page without one (mfa.middleware).
    "mfa.middleware.SecondFactorRequiredMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "register.context_processors.service",
                "notifications.context_processors.task_badge",
            ],
        },
    },
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    DATABASES = {"default": embedded.database_settings()}  # type: ignore[dict-item]
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Fail fast: a database that is down or frozen must cost a request seconds, not the 30-45 s
# until gunicorn kills the worker. Policy values, not law; each can be set from the environment.
# - connect_timeout: how long opening a connection may take (libpq, whole seconds).
# - statement_timeout: the longest one statement may run for a page or an API call.
# - batch: the longest for named batch jobs, i.e. every Celery task (config.celery.BatchTask)
#   and every management command but runserver (migrate, load_demo_data, generate_register),
#   which work through whole tables. core.db.statement_timeout sets it for a block.
DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
DATABASE_STATEMENT_TIMEOUT = float(os.environ.get("DATABASE_STATEMENT_TIMEOUT", "15"))
DATABASE_BATCH_STATEMENT_TIMEOUT = float(os.environ.get("DATABASE_BATCH_STATEMENT_TIMEOUT", "300"))
_management_command = (
    sys.argv[1] if Path(sys.argv[0]).name == "manage.py" and len(sys.argv) > 1 else None
)
_statement_timeout = (
    DATABASE_BATCH_STATEMENT_TIMEOUT
    if _management_command not in (None, "runserver")
    else DATABASE_STATEMENT_TIMEOUT
)
DATABASES["default"].setdefault("OPTIONS", {})
DATABASES["default"]["OPTIONS"].update(  # type: ignore[union-attr]
    {
        "connect_timeout": DATABASE_CONNECT_TIMEOUT,
        "options": f"-c statement_timeout={int(_statement_timeout * 1000)}",
    }
)
# A kept connection is checked before each request reuses it, so the first request after
# the database comes back gets a new connection instead of an error.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if "DATABASE_CONN_MAX_AGE" in os.environ:
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ["DATABASE_CONN_MAX_AGE"])
elif TESTING:
    # Worker threads in the Celery tests must not keep connections that would
    # stop the test database from being dropped.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # One test database per run, so two runs on one machine never collide.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "register.StaffUser"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing cost is irrelevant to what the tests check and dominates their run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
# Signing out ends on a page that says so (accounts), not back at the sign-in form.
LOGOUT_REDIRECT_URL = "signed-out"
# Policy, not law (accounts/conf.py): how long an invitation to set a first password and an
# administrator's password reset link work.
ACCOUNTS_INVITATION_DAYS = int(os.environ.get("ACCOUNTS_INVITATION_DAYS", "7"))
ACCOUNTS_RESET_HOURS = int(os.environ.get("ACCOUNTS_RESET_HOURS", "24"))

# Sessions end after 30 minutes idle: each request pushes the expiry on.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Production (DJANGO_ENV=production, as the Dockerfile sets): behind a TLS-terminating proxy
# that sends X-Forwarded-Proto. `manage.py check --deploy --fail-level WARNING` passes with it
# (tests/core/test_deploy_check.py). Health checks are probed over plain http inside the
# container, so they are not redirected.
PRODUCTION = os.environ.get("DJANGO_ENV", "").lower() == "production"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^health/"]
    # One year, every subdomain. Preload stays off: it commits the whole domain to https in
    # every browser for months beyond any change of mind, a decision for the domain's owner
    # (e.g. police.uk), not this service; so check --deploy's W021 is silenced on purpose.
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # No script reads the CSRF cookie: forms carry the token, partners use API tokens.
    CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy (django-csp): scripts, styles, fonts and images from this site
# only; no inline script or style anywhere (templates must not add any), no eval, no
# plugins, no framing. Violations are reported to core.security_headers.csp_report.
# The API docs page alone also allows data: images (Swagger UI's icons; core.schema_views).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "report-uri": "/csp-report/",
    },
}
# Policy: a CSP report larger than this is not read (a real one is well under 2 KB), and at
# most this many reports of one request are logged.
CSP_REPORT_MAX_BYTES = int(os.environ.get("CSP_REPORT_MAX_BYTES", "8192"))
CSP_REPORT_MAX_ENTRIES = 10
# Browser features no page uses, turned off for every page (Permissions-Policy). Not
# publickey-credentials-*: security keys and passkeys are a second factor (mfa).
PERMISSIONS_POLICY_DISABLED = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]

# django-axes: 5 failures lock that username from that address for 10 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=10)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Multi-factor authentication (mfa app; its defaults and what each means are in mfa/conf.py).
# Policy choices: serious actions need a second factor given within MFA_STEP_UP_MINUTES.
MFA_STEP_UP_MINUTES = int(os.environ.get("MFA_STEP_UP_MINUTES", "15"))
# `manage.py demo_code <user>` prints a demo account's current code: off in production.
MFA_DEMO_CODES = env_bool(
    "MFA_DEMO_CODES", os.environ.get("DJANGO_ENV", "").lower() != "production"
)
# The name an authenticator app shows beside the account.
OTP_TOTP_ISSUER = "DA Perpetrator Register"
# Security keys and passkeys (django-otp-webauthn) belong to this domain; credentials are
# bound to it and cannot move. Origins besides the page's own (mfa.webauthn) may be listed.
OTP_WEBAUTHN_RP_ID = os.environ.get("MFA_WEBAUTHN_RP_ID", "localhost")
OTP_WEBAUTHN_RP_NAME = "DA and Stalking Perpetrator Register"
OTP_WEBAUTHN_ALLOWED_ORIGINS = [
    o for o in os.environ.get("MFA_WEBAUTHN_ORIGINS", "http://localhost:8000").split(",") if o
]
OTP_WEBAUTHN_HELPER_CLASS = "mfa.webauthn.WebAuthnHelper"
# A passkey is a second factor after the password, never a way to sign in without one.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False

# django-guardian: we grant to agency groups only, through direct FK tables.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# GOV.UK Frontend's compiled CSS asks for its fonts and images at /assets/, so
# static files are served there, straight from the npm packages.
STATIC_URL = "/assets/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    NODE_MODULES / "govuk-frontend" / "dist" / "govuk" / "assets",
    NODE_MODULES / "@ministryofjustice" / "frontend" / "moj" / "assets",
    ("govuk", NODE_MODULES / "govuk-frontend" / "dist" / "govuk"),
    ("moj", NODE_MODULES / "@ministryofjustice" / "frontend" / "moj"),
    BASE_DIR / "static",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "register.authentication.ApiClientTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "DEFAULT_METADATA_CLASS": "core.input.Metadata",
    "DEFAULT_PAGINATION_CLASS": "register.api_conventions.CursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "register.api_conventions.exception_handler",
    # Refuse control characters and over-deep JSON field by field (core.input).
    "DEFAULT_PARSER_CLASSES": [
        "core.input.JSONParser",
        "core.input.FormParser",
        "core.input.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": None,
    # Per partner system (register.throttling): 429 with Retry-After past its rate.
    "DEFAULT_THROTTLE_CLASSES": ["register.throttling.ApiClientRateThrottle"],
}
# Partner systems' credentials (register.api_clients). Policy values, not law:
# - a new key works for API_CLIENT_KEY_DAYS days;
# - after a rotation the old key keeps working API_CLIENT_ROTATION_OVERLAP_HOURS, so the
#   partner can deploy the new one without a gap;
# - each client may make API_CLIENT_RATE requests (DRF rate: N/sec|min|hour|day) unless its
#   own rate is set, counted in the API_CLIENT_THROTTLE_CACHE cache (Redis when configured,
#   so every web process shares the count).
API_CLIENT_KEY_DAYS = int(os.environ.get("API_CLIENT_KEY_DAYS", "90"))
API_CLIENT_ROTATION_OVERLAP_HOURS = int(os.environ.get("API_CLIENT_ROTATION_OVERLAP_HOURS", "24"))
API_CLIENT_RATE = os.environ.get("API_CLIENT_RATE", "600/min")
API_CLIENT_THROTTLE_CACHE = "api_throttle"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    API_CLIENT_THROTTLE_CACHE: (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            # Each test run counts apart, so two runs on one Redis never throttle each other.
            "KEY_PREFIX": f"throttle-test-{os.getpid()}" if TESTING else "throttle",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"}
    ),
}
# Policy, not law: no partner record nests deeper than a few levels; 32 leaves room and keeps a
# hostile body from exhausting the stack.
API_JSON_MAX_DEPTH = 32
# Policy: larger than any custody or station camera (40 megapixels); refuses decompression
# bombs before they are decoded.
PHOTOGRAPH_MAX_PIXELS = 40_000_000
SPECTACULAR_SETTINGS = {
    "TITLE": "DA and Stalking Perpetrator Register API",
    "DESCRIPTION": (
        "For partner systems. Authenticate with `Authorization: Token <token>` issued by "
        "your agency's administrator (API clients page) or `manage.py api_client_create`. "
        "Every read is logged with the purpose given in the `X-Purpose` header. Records your "
        "agency may not see answer 404. Each client holds scopes (`register:read`, "
        "`register:write`, `notifications:read`, ...: reads need `<area>:read`, changes "
        "`<area>:write`); a call outside them answers 403 naming the scope. A key expires (90 "
        "days by default) and is replaced by rotation, the old key working for an overlap; "
        "an expired, revoked or unknown key answers 401. Past its rate (600 requests a "
        "minute by default) a client gets 429 with Retry-After."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.idempotency.document_idempotency_key",
    ],
    # Separate request and response components: generated clients then never have to send
    # read-only fields, and see which fields a PATCH may leave out.
    "COMPONENT_SPLIT_REQUEST": True,
    # Each choice set named after its Choices class (core.enum_names), so no two apps' fields
    # of one name clash; the meeting level is an inline set.
    "ENUM_NAME_OVERRIDES": ChoiceClassEnumNames(
        extra={"MeetingLevelEnum": [(2, "Level 2"), (3, "Level 3")]}
    ),
}

# Celery: Redis when configured, the filesystem transport otherwise.
#
# At least once: a task's message is acknowledged only when the task has finished
# (acks_late), and put back if the pool process running it dies (reject_on_worker_lost),
# so a killed worker's work is redone; every task is therefore idempotent (see each
# task's docstring). A task may run for at most CELERY_TASK_TIME_LIMIT seconds; a
# message Redis has handed out and not seen acknowledged for CELERY_VISIBILITY_TIMEOUT
# seconds (the whole worker died) is handed out again, so that must be longer.
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", "540"))
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", "600"))
CELERY_VISIBILITY_TIMEOUT = int(
    os.environ.get("CELERY_VISIBILITY_TIMEOUT", str(CELERY_TASK_TIME_LIMIT + 300))
)
if not (
    DATABASE_BATCH_STATEMENT_TIMEOUT
    < CELERY_TASK_SOFT_TIME_LIMIT
    < CELERY_TASK_TIME_LIMIT
    < CELERY_VISIBILITY_TIMEOUT
):
    raise ImproperlyConfigured(
        "Need DATABASE_BATCH_STATEMENT_TIMEOUT < CELERY_TASK_SOFT_TIME_LIMIT < "
        "CELERY_TASK_TIME_LIMIT < CELERY_VISIBILITY_TIMEOUT, or a running task is redelivered."
    )
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        # How often a worker looks for messages whose visibility timeout has passed. kombu's
        # default (every 10th sweep of 10 s) can leave an abandoned message up to ~100 s
        # past its timeout; one cheap ZRANGEBYSCORE every N seconds makes it N.
        "unacked_restore_interval": int(os.environ.get("CELERY_UNACKED_RESTORE_SECONDS", "10")),
        "unacked_restore_throttle": 1,
        # A request that queues work after its commit must not hang on a dead broker.
        "socket_connect_timeout": 3,
        "socket_keepalive": True,
    }
else:
    # The filesystem transport has no visibility timeout: a message is a file, taken when
    # delivered and put back on reject or a clean shutdown. Only a kill -9 of the whole
    # embedded worker loses the messages it held; scans run again on start and e-mails
    # wait in the outbox, so no work is lost with them.
    CELERY_BROKER_URL = embedded.broker_url()
    CELERY_BROKER_TRANSPORT_OPTIONS = embedded.broker_transport_options()
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# Publishing retries briefly and then gives up: the outbox sweep sends what a failed
# publish would have, so a caller never waits long on a broker outage.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_TIMEZONE = TIME_ZONE
# Tests use their own queue so a developer's running worker never takes their tasks, and
# each test run its own (the worker it starts inherits the name) so two runs on one machine
# never execute each other's tasks against the wrong test database.
if TESTING and not os.environ.get("REGISTER_CELERY_QUEUE"):
    os.environ["REGISTER_CELERY_QUEUE"] = f"register-test-{os.getpid()}"
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("REGISTER_CELERY_QUEUE") or "celery"
if TESTING and REDIS_URL:
    # Each test run keeps its own record of unacknowledged messages: a test worker with a
    # short visibility timeout must never hand out again the messages of another run on the
    # same Redis database. (kombu's global_keyprefix would do more, but its prefork BRPOP
    # path does not apply it.)
    CELERY_BROKER_TRANSPORT_OPTIONS.update(
        {
            name: f"{CELERY_TASK_DEFAULT_QUEUE}:{name}"
            for name in ("unacked_key", "unacked_index_key", "unacked_mutex_key")
        }
    )
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A task whose broker connection is lost cannot acknowledge its message, which will be
# delivered again; stopping it avoids two copies running at once.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = os.environ.get(
    "CELERY_BEAT_SCHEDULE_FILENAME", str(BASE_DIR / "var" / "celerybeat-schedule")
)
# The outbox (core.outbox): work that must follow a commit, sent by a sweep every
# OUTBOX_SWEEP_SECONDS and whenever a commit writes to it; a failed send is retried after
# OUTBOX_RETRY_BASE_SECONDS, doubling each time up to OUTBOX_RETRY_MAX_SECONDS, and set
# aside as dead after OUTBOX_MAX_ATTEMPTS. Policy values.
OUTBOX_SWEEP_SECONDS = float(os.environ.get("OUTBOX_SWEEP_SECONDS", "60"))
OUTBOX_RETRY_BASE_SECONDS = int(os.environ.get("OUTBOX_RETRY_BASE_SECONDS", "60"))
OUTBOX_RETRY_MAX_SECONDS = int(os.environ.get("OUTBOX_RETRY_MAX_SECONDS", str(6 * 60 * 60)))
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "10"))
OUTBOX_BATCH = int(os.environ.get("OUTBOX_BATCH", "500"))
# What sends each topic: a function (message, connection) -> None that raises on failure.
OUTBOX_HANDLERS = {
    "notifications.overdue_email": "notifications.digest.send_outbox_email",
    "notifications.daily_digest": "notifications.digest.send_outbox_email",
}
# Webhooks to partner systems (partners/conf.py): policy values. A failed delivery is retried
# after each wait of PARTNERS_RETRY_SCHEDULE (seconds; the default sums to about 3 days), then
# given up; retries due later than PARTNERS_RETRY_COUNTDOWN_MAX_SECONDS are sent by the sweep
# every PARTNERS_SWEEP_SECONDS. A rotated signing secret keeps signing for
# PARTNERS_SECRET_OVERLAP_HOURS. Endpoints must be https unless DEBUG or testing.
if os.environ.get("PARTNERS_RETRY_SCHEDULE"):
    PARTNERS_RETRY_SCHEDULE = [int(s) for s in os.environ["PARTNERS_RETRY_SCHEDULE"].split(",")]
PARTNERS_SWEEP_SECONDS = float(os.environ.get("PARTNERS_SWEEP_SECONDS", "30"))
PARTNERS_DELIVERY_TIMEOUT = float(os.environ.get("PARTNERS_DELIVERY_TIMEOUT", "10"))
PARTNERS_SECRET_OVERLAP_HOURS = float(os.environ.get("PARTNERS_SECRET_OVERLAP_HOURS", "24"))
PARTNERS_CELERY_QUEUE = os.environ.get("PARTNERS_CELERY_QUEUE", "")
# Policy: how long an Idempotency-Key is remembered; a periodic task deletes older ones.
IDEMPOTENCY_KEY_TTL = timedelta(hours=int(os.environ.get("IDEMPOTENCY_KEY_TTL_HOURS", "24")))
CELERY_BEAT_SCHEDULE = {
    "idempotency-expiry": {
        "task": "core.tasks.delete_expired_idempotency_records",
        "schedule": timedelta(hours=1),
    },
    "outbox-sweep": {
        "task": "core.tasks.sweep_outbox",
        "schedule": timedelta(seconds=OUTBOX_SWEEP_SECONDS),
    },
    "webhook-sweep": {
        "task": "partners.tasks.sweep_webhooks",
        "schedule": timedelta(seconds=PARTNERS_SWEEP_SECONDS),
    },
    "scheduler-heartbeat": {
        "task": "notifications.tasks.scheduler_heartbeat",
        "schedule": timedelta(minutes=1),
    },
    "deactivate-dormant-staff": {
        "task": "register.tasks.deactivate_dormant_staff",
        "schedule": timedelta(hours=6),
    },
    "scan-overdue": {
        "task": "notifications.tasks.scan_overdue",
        "schedule": timedelta(minutes=5),
    },
    "scan-due-soon": {
        "task": "notifications.tasks.scan_due_soon",
        "schedule": timedelta(hours=1),
    },
    "scan-escalations": {
        "task": "notifications.tasks.scan_escalations",
        "schedule": timedelta(hours=1),
    },
    "daily-digests": {
        "task": "notifications.tasks.send_daily_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    "refresh-priorities": {
        "task": "register.tasks.refresh_priorities",
        "schedule": crontab(hour=2, minute=15),
    },
    "end-transferred-access": {
        "task": "register.tasks.end_transferred_access",
        "schedule": timedelta(hours=1),
    },
}

# An overdue task still open this many days later is escalated to a supervisor.
ESCALATE_AFTER_DAYS = int(os.environ.get("ESCALATE_AFTER_DAYS", "3"))
# Links in e-mails.
SERVICE_URL = os.environ.get("SERVICE_URL", "http://localhost:8000")

# Health (core.health) and outages (core.middleware). Policy values.
# /health/ready fails a part that does not answer within HEALTH_CHECK_TIMEOUT seconds, and
# the scheduler when its heartbeat (every minute) is older than HEALTH_SCHEDULER_MAX_AGE.
HEALTH_CHECK_TIMEOUT = float(os.environ.get("HEALTH_CHECK_TIMEOUT", "2"))
HEALTH_SCHEDULER_MAX_AGE = timedelta(
    seconds=int(os.environ.get("HEALTH_SCHEDULER_MAX_AGE", str(3 * 60)))
)
# A 503 asks clients to come back after this many seconds.
SERVICE_UNAVAILABLE_RETRY_AFTER = int(os.environ.get("SERVICE_UNAVAILABLE_RETRY_AFTER", "30"))

# Staff accounts unused this long are disabled by the scheduler.
DORMANT_ACCOUNT_DAYS = int(os.environ.get("DORMANT_ACCOUNT_DAYS", "90"))
# After a record is transferred, the sending agency may still read it (not change it) for
# this many days, then loses it (register.tasks.end_transferred_access). Policy value.
REGISTER_TRANSFER_READ_DAYS = int(os.environ.get("REGISTER_TRANSFER_READ_DAYS", "28"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "register-noreply@localhost")

SERVICE_NAME = "DA and Stalking Perpetrator Register"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "pgserver": {"level": "WARNING"}},
}
