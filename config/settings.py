"""Settings for the FOI case manager: one module, configured by the environment.

Local development (`make run`) needs nothing set: SQLite and eager Celery.
Production sets at least SECRET_KEY, DATABASE_URL, REDIS_URL and ALLOWED_HOSTS.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


def env_secret(name: str) -> str:
    """Read NAME, or the contents of the file named by NAME_FILE (Docker/Kubernetes secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, "")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable (or SECRET_KEY_FILE) "
            "to a long random value, or set DEBUG=1 for local development only."
        )
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "axes",
    "csp",
    "crispy_forms",
    "crispy_forms_gds",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "foi_cases",
    "exemptions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "foi_cases.account_sessions.IdleExpiryMiddleware",
    "foi_cases.replica.RecentWriteMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "foi_cases.bad_requests.RejectControlCharactersMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "foi_cases.two_factor.TwoFactorMiddleware",
    # Re-checks single sign-on sessions with the provider (does nothing for local accounts).
    "foi_cases.single_sign_on.ProviderRecheckMiddleware",
]

# Large pastes must reach the form so it can say what is wrong (the form caps the text).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)

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
                "foi_cases.context_processors.service",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# Behind PgBouncer in transaction pooling mode (README, "Deployment at national scale"): a
# server-side cursor (QuerySet.iterator) cannot outlive its transaction, and PgBouncer refuses
# the `options` start-up parameter, so jit is turned off on the role instead.
DB_TRANSACTION_POOLING = env_bool("DB_TRANSACTION_POOLING")
if DB_TRANSACTION_POOLING:
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT spent 5 s compiling the statistics query that runs in 0.2 s; the
    # queries here are short, so it never pays.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
# A streaming replica for the reporting pages (foi_cases.replica); tests read the primary.
REPLICA_DATABASE_URL = env("REPLICA_DATABASE_URL")
if REPLICA_DATABASE_URL:
    DATABASES["replica"] = dj_database_url.parse(
        REPLICA_DATABASE_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    DATABASES["replica"]["DISABLE_SERVER_SIDE_CURSORS"] = DB_TRANSACTION_POOLING
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["foi_cases.replica.ReplicaRouter"]
# Seconds after a POST during which that browser reads its own writes from the primary.
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")

if REDIS_URL:
    CACHES = {
        "default": {
            # Degrades to no cache while Redis is unreachable, so pages still answer.
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "foi"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "foi_cases.single_sign_on.LocalPasswordBackend",
]
# Lock an account name at one address out after repeated failures, and an address for
# everyone after many more (password spraying); managers see and clear both on the
# Sign-in security page. Failures while locked do not restart the cool-off.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "foi_cases.sign_in_lockouts.PairAndAddressLockoutHandler"
FOI_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 50)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "foi_cases.sign_in_lockouts.lockout_response"
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0) or None
# TOTP two-factor sign-in (foi_cases.two_factor): optional for everyone; when this is on,
# reviewers and managers must set up an authenticator app before using the service, and
# with REQUIRE_TWO_FACTOR=all everyone must.
FOI_REQUIRE_TWO_FACTOR_FOR_ALL = env("REQUIRE_TWO_FACTOR").strip().lower() == "all"
FOI_REQUIRE_TWO_FACTOR = FOI_REQUIRE_TWO_FACTOR_FOR_ALL or env_bool("REQUIRE_TWO_FACTOR", False)
# How long a manager's invitation link (foi_cases.workflow.people) works before it expires.
FOI_INVITE_LINK_HOURS = env_int("FOI_INVITE_LINK_HOURS", 72)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Single sign-on with OpenID Connect (foi_cases.single_sign_on): on when a client ID and the
# provider's endpoints are set. Authorisation code flow with PKCE, state and nonce; the ID
# token's RS256 signature is checked against the provider's JWKS, and its issuer and audience.
OIDC_RP_CLIENT_ID = env("OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_secret("OIDC_CLIENT_SECRET")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env("OIDC_USERINFO_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_JWKS_ENDPOINT")
OIDC_OP_ISSUER = env("OIDC_ISSUER")
OIDC_ENABLED = bool(
    OIDC_RP_CLIENT_ID
    and OIDC_OP_AUTHORIZATION_ENDPOINT
    and OIDC_OP_TOKEN_ENDPOINT
    and OIDC_OP_USER_ENDPOINT
    and OIDC_OP_JWKS_ENDPOINT
)
OIDC_PROVIDER_NAME = env("OIDC_PROVIDER_NAME", "your organisation's account")
OIDC_RP_SCOPES = env("OIDC_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10)
OIDC_EMAIL_CLAIM = env("OIDC_EMAIL_CLAIM", "email")
OIDC_GROUPS_CLAIM = env("OIDC_GROUPS_CLAIM", "groups")
# "provider group=role name,…"; the role names are those of foi_cases.permissions.
OIDC_ROLE_MAP = dict(
    (group.strip(), role.strip())
    for group, _, role in (item.partition("=") for item in env_list("OIDC_ROLE_MAP"))
)
OIDC_SYNC_ROLES = env_bool("OIDC_SYNC_ROLES", True)
OIDC_HOSTED_DOMAIN = env("OIDC_HOSTED_DOMAIN")  # Google Workspace: the `hd` claim required
OIDC_CREATE_USER = env_bool("OIDC_CREATE_USER", True)
# A single sign-on session goes back to the provider (silently) at the first page opened
# after this many seconds: a leaver, or someone whose groups changed, is caught then.
OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = env_int("OIDC_RECHECK_SECONDS", 15 * 60)
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "sign_in_refused"
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("foi_cases.single_sign_on.SingleSignOnBackend")
# Off: only single sign-on, except the break-glass accounts named here (each use is audited
# and every manager is told).
FOI_LOCAL_PASSWORDS = env_bool("FOI_LOCAL_PASSWORDS", True)
FOI_BREAK_GLASS_USERNAMES = env_list("FOI_BREAK_GLASS_USERNAMES")

SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
# Use moves the idle expiry on, writing the session at most this often
# (foi_cases.account_sessions.IdleExpiryMiddleware), not on every request.
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Preloading commits the whole registered domain to HTTPS: the domain owner's call, not ours.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# Covering indexes (INCLUDE) are for PostgreSQL; SQLite (make run) builds them as plain ones.
SILENCED_SYSTEM_CHECKS.append("models.W040")
# TLS is usually ended at a proxy that redirects; set this where Django must redirect itself.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No inline script or style anywhere: every script and stylesheet is a file under /static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The JSON API (issue 22): token or session authentication, problem+json errors, one
# throttle per token (or per signed-in person, or per address when anonymous) on the cache.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "foi_cases.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["foi_cases.api.throttles.PerTokenThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "foi_cases.api.problems.problem_handler",
    # The anonymous limit counts the client's address: X-Forwarded-For only behind proxies.
    "NUM_PROXIES": env_int("PROXY_COUNT", 0),
}
API_RATE_LIMIT = env("API_RATE_LIMIT", "600/minute")
API_ANONYMOUS_RATE_LIMIT = env("API_ANONYMOUS_RATE_LIMIT", "60/minute")
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 366)
SPECTACULAR_SETTINGS = {
    "TITLE": "FOI case manager API",
    "DESCRIPTION": "Log requests, read cases, statistics and the public disclosure log. "
    "Send `Authorization: Bearer <token>` with a token a manager issued; errors are "
    "RFC 9457 problem details (`application/problem+json`).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "foi_cases.models.cases.Case.Status",
        "CaseOutcomeEnum": "foi_cases.models.cases.Case.Outcome",
        "LetterStatusEnum": "foi_cases.models.letters.Letter.Status",
        "QuestionOutcomeEnum": "foi_cases.models.cases.Question.Outcome",
    },
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": env("FILE_STORAGE", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "foi@example.org")
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)  # STARTTLS on EMAIL_PORT (587)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 60)

# The FOI mailbox (issue 19): requests arrive there over IMAP, and every message sent from a
# case comes from its address, with a copy to it. Without IMAP_HOST nothing is polled;
# `manage.py import_email` imports saved messages instead.
FOI_MAIL_ADDRESS = env("FOI_MAIL_ADDRESS", DEFAULT_FROM_EMAIL)
IMAP_HOST = env("IMAP_HOST")
IMAP_SSL = env_bool("IMAP_SSL", True)
IMAP_STARTTLS = env_bool("IMAP_STARTTLS", False)
IMAP_PORT = env_int("IMAP_PORT", 993 if IMAP_SSL else 143)
IMAP_USER = env("IMAP_USER")
IMAP_PASSWORD = env_secret("IMAP_PASSWORD")
IMAP_FOLDER = env("IMAP_FOLDER", "INBOX")
IMAP_PROCESSED_FOLDER = env("IMAP_PROCESSED_FOLDER", "Processed")
IMAP_FAILED_FOLDER = env("IMAP_FAILED_FOLDER", "Failed")
FOI_MAIL_POLL_SECONDS = env_int("FOI_MAIL_POLL_SECONDS", 60)
FOI_MAIL_POLL_BATCH = env_int("FOI_MAIL_POLL_BATCH", 200)
FOI_MAIL_MAX_MESSAGE_MB = env_int("FOI_MAIL_MAX_MESSAGE_MB", 40)
FOI_MAIL_MAX_ATTACHMENT_MB = env_int("FOI_MAIL_MAX_ATTACHMENT_MB", 20)
FOI_MAIL_MAX_ATTACHMENTS = env_int("FOI_MAIL_MAX_ATTACHMENTS", 20)
FOI_MAIL_ACKNOWLEDGE = env_bool("FOI_MAIL_ACKNOWLEDGE", False)
FOI_WHATDOTHEYKNOW_DOMAINS = env_list("FOI_WHATDOTHEYKNOW_DOMAINS", "whatdotheyknow.com")

# The public request form: how long the requester's status link works, and how many
# requests one address may submit (counted in Redis; not counted while Redis is down).
FOI_STATUS_LINK_DAYS = env_int("FOI_STATUS_LINK_DAYS", 365)
FOI_WEB_FORM_PER_IP_PER_HOUR = env_int("FOI_WEB_FORM_PER_IP_PER_HOUR", 10)
FOI_WEB_FORM_PER_EMAIL_PER_DAY = env_int("FOI_WEB_FORM_PER_EMAIL_PER_DAY", 5)

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", "foi")
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis gives an unacknowledged task (its worker died) back after the visibility timeout;
# workers look for such tasks every interval × throttle seconds. A letter whose worker was
# killed is so rendered again about two minutes later. The timeout must exceed the longest
# a task may hold its message: generate_letter_pdf's time limit and its retry countdown.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 120),
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": env_int("CELERY_UNACKED_RESTORE_THROTTLE", 1),
}
CELERY_TIMEZONE = TIME_ZONE
# The periodic tasks are in CELERY_BEAT_SCHEDULE, at the end of this module.

SERVICE_NAME = env("SERVICE_NAME", "FOI case manager")
AUTHORITY_NAME = env("AUTHORITY_NAME", "House of Commons")
# First values of the letter settings (edited in the admin afterwards): the name as a sentence
# uses it, with its article; the letterhead address (comma-separated lines) and e-mail; and
# who signs, "approver" (the reviewer who approves the letter) or "role".
AUTHORITY_NAME_IN_TEXT = env("AUTHORITY_NAME_IN_TEXT", f"the {AUTHORITY_NAME}")
AUTHORITY_ADDRESS = env_list("AUTHORITY_ADDRESS")
AUTHORITY_CONTACT_EMAIL = env("AUTHORITY_CONTACT_EMAIL")
FOI_LETTER_SIGNED_BY = env("FOI_LETTER_SIGNED_BY", "approver")
OTP_TOTP_ISSUER = SERVICE_NAME  # the name authenticator apps show beside the code
# The regimes the authority is subject to, offered when a request is logged (FOIA, EIR, FOISA).
FOI_REGIMES = [code.upper() for code in env_list("FOI_REGIMES", "FOIA,EIR")]
if not FOI_REGIMES or set(FOI_REGIMES) - {"FOIA", "EIR", "FOISA"}:
    raise ImproperlyConfigured(
        f"FOI_REGIMES must list one or more of FOIA, EIR and FOISA, comma-separated; it is "
        f"{','.join(FOI_REGIMES) or 'empty'}."
    )
# s12: £600 for Part I of Schedule 1 bodies (government departments, the Houses), £450 otherwise.
FOI_COST_LIMIT_POUNDS = env_int("FOI_COST_LIMIT_POUNDS", 600)
FOI_HOURLY_RATE_POUNDS = 25
# s36 is absolute for information held by either House of Parliament (s2(3)).
FOI_AUTHORITY_IS_HOUSE_OF_PARLIAMENT = env_bool("FOI_AUTHORITY_IS_HOUSE_OF_PARLIAMENT", True)
# s35 is available only to government departments and the Welsh Government.
FOI_AUTHORITY_IS_GOVERNMENT_DEPARTMENT = env_bool("FOI_AUTHORITY_IS_GOVERNMENT_DEPARTMENT", False)
# "statutory" (receipt on the actual day) or "code_2018" (shown for reconciliation only).
FOI_NON_WORKING_DAY_RECEIPT_POLICY = env("FOI_NON_WORKING_DAY_RECEIPT_POLICY", "statutory")
FOI_REFERENCE_PREFIX = env("FOI_REFERENCE_PREFIX", "FOI")
FOI_RESTRICTED_NEEDS_MANAGER_APPROVAL = env_bool("FOI_RESTRICTED_NEEDS_MANAGER_APPROVAL", True)
# The consistency guard's period: a disclosure of what was withheld within it is blocked
# without a recorded change of circumstances, and requests within it are read together as a
# possible mosaic.
FOI_CONSISTENCY_PERIOD_DAYS = env_int("FOI_CONSISTENCY_PERIOD_DAYS", 365)
# A request whose clarification has not arrived 20 working days after asking has lapsed: on,
# the daily reminder run closes it as lapsed; off, it only tells the officer and managers.
CLARIFICATION_LAPSE_CLOSES = env_bool("CLARIFICATION_LAPSE_CLOSES", False)
# Records gathered for a case: the largest file accepted, and the kinds of file (by extension).
FOI_RECORD_MAX_MB = env_int("FOI_RECORD_MAX_MB", 50)
FOI_RECORD_EXTENSIONS = env_list(
    "FOI_RECORD_EXTENSIONS",
    "pdf,doc,docx,xls,xlsx,ppt,pptx,odt,ods,odp,rtf,txt,csv,eml,msg,png,jpg,jpeg,tif,tiff",
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Failed sign-ins and lockouts are warnings; every successful sign-in is only noise.
        "axes": {"level": "WARNING"},
    },
}

# Retention (DOMAIN 5.5): anonymise a case this many years after it closes, and never before
# this many weeks after the last ICO or tribunal outcome (covering the 28-day appeal window).
FOI_RETENTION_YEARS = env_int("FOI_RETENTION_YEARS", 3)
FOI_RETENTION_BUFFER_WEEKS_AFTER_ICO = env_int("FOI_RETENTION_BUFFER_WEEKS_AFTER_ICO", 6)

# Approved letters still waiting for their PDF after this long are queued again (their
# message was lost, say by a Redis restart); the render task is idempotent. Longer than the
# visibility timeout, so a message Redis is about to give back is not sent twice.
FOI_LETTER_REQUEUE_AFTER_MINUTES = env_int("FOI_LETTER_REQUEUE_AFTER_MINUTES", 3)

# Every periodic task, in one place: last, so that an entry may read any setting above.
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "foi_cases.tasks.record_worker_heartbeat", "schedule": 60.0},
    # Daily digest of cases due soon or overdue, at 07:00 London time (CELERY_TIMEZONE).
    "deadline-reminders": {
        "task": "foi_cases.tasks.send_deadline_reminders",
        "schedule": crontab(hour=env_int("REMINDER_HOUR", 7), minute=0),
    },
    # Colleagues whose search for records is due within 2 working days or late, once a due date.
    "search-reminders": {
        "task": "foi_cases.tasks.send_search_reminders",
        "schedule": crontab(hour=env_int("REMINDER_HOUR", 7), minute=5),
    },
    # The statistics count each case's stored reporting outcome; this re-derives them all.
    "reconcile-reporting-outcomes": {
        "task": "foi_cases.tasks.reconcile_reporting_outcomes",
        "schedule": crontab(hour=2, minute=30),
    },
    "anonymise-expired-cases": {
        "task": "foi_cases.tasks.anonymise_expired_cases",
        "schedule": 24 * 60 * 60.0,
    },
    "requeue-pending-letters": {
        "task": "foi_cases.tasks.requeue_pending_letters",
        "schedule": 60.0,
    },
    # Tasks queued while the broker was down wait in the outbox (foi_cases.outbox) for this sweep.
    "publish-outbox": {"task": "foi_cases.tasks.publish_outbox", "schedule": 30.0},
    # The FOI mailbox: new mail becomes cases (does nothing without IMAP_HOST).
    "poll-mailbox": {
        "task": "foi_cases.tasks.poll_mailbox",
        "schedule": float(FOI_MAIL_POLL_SECONDS),
    },
}
