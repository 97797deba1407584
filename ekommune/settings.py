"""Settings for the eKommune survey platform.

One module, configured from the environment (12-factor). Every variable is listed in
`.env.example`. Without any environment the project runs on an embedded default: SQLite,
a filesystem Celery broker and e-mail written to files, all under `var/`.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
import xstatic.pkg.bootstrap
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
# Tests get their own var/ (database file, broker, cache, mail) so that a running `make run`
# and its worker never see test traffic. pytest sets PYTEST_VERSION while it runs.
_default_var = BASE_DIR / "var" / ("test" if "PYTEST_VERSION" in os.environ else "")
VAR_DIR = Path(os.environ.get("VAR_DIR") or _default_var)
VAR_DIR.mkdir(parents=True, exist_ok=True)


# --- Environment helpers: fail loudly on values we cannot understand. -----------------------


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false).")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def persistent_secret_key(path: Path) -> str:
    """Generate a secret key once per install and keep it under var/ (never in the repo)."""
    if path.exists():
        key = path.read_text(encoding="ascii").strip()
        if key:
            return key
    key = secrets.token_urlsafe(50)
    path.write_text(key, encoding="ascii")
    path.chmod(0o600)
    return key


def email_settings(url: str) -> dict[str, object]:
    """Translate EMAIL_URL into Django's EMAIL_* settings.

    Supported: smtp://user:pass@host:port (?tls=1 or ?ssl=1), console:, file:///abs/path, locmem:.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme == "file":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": unquote(parts.path) or str(VAR_DIR / "mail"),
        }
    if scheme in {"smtp", "smtps"}:
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname or "localhost",
            "EMAIL_PORT": parts.port or (465 if scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_TLS": query.get("tls") in {"1", "true"},
            "EMAIL_USE_SSL": scheme == "smtps" or query.get("ssl") in {"1", "true"},
            "EMAIL_TIMEOUT": 20,
        }
    raise ImproperlyConfigured(f"EMAIL_URL scheme {scheme!r} is not supported.")


# --- Django core -------------------------------------------------------------------------------

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY") or persistent_secret_key(VAR_DIR / "secret_key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "ekommune",
    "municipalities",
    "surveys",
    "privacy",
    "audit",
    "accounts",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "mozilla_django_oidc",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ekommune.middleware.PrivateCacheMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ekommune.middleware.SessionRenewalMiddleware",
    "ekommune.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "audit.middleware.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ekommune.middleware.RetryDroppedConnectionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "ekommune.urls"
WSGI_APPLICATION = "ekommune.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ekommune.context_processors.site",
                "accounts.context_processors.sign_in",
            ],
        },
    },
    {
        # Only the section form's question fragments (surveys/form_engine/rendering.py), where
        # Django's engine was most of a 100-question page's time; see ekommune/jinja2.py.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "ekommune.jinja2.environment"},
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if env_bool("FAST_PASSWORD_HASHER", default=False):
    # Tests only: MD5 keeps the suite fast. Never set this in production.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "nb"
LANGUAGES = [
    ("nb", _("Norsk bokmål")),
    ("nn", _("Norsk nynorsk")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our date formats per language (ekommune/formats/<lang>/formats.py) override Django's.
FORMAT_MODULE_PATH = ["ekommune.formats"]
LANGUAGE_COOKIE_NAME = "ekommune_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
# Norwegian number format: decimal comma, (non-breaking) space as thousands separator.
USE_THOUSAND_SEPARATOR = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "admin:login"

# --- Database ----------------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite is shared by the web server and the Celery worker: WAL lets readers proceed while
    # one process writes, IMMEDIATE transactions take the write lock up front (no upgrade
    # deadlocks) and the timeout makes a writer wait instead of failing with "locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file (not :memory:) so that a Celery worker started by a test sees the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
# --- benchmarks: PostgreSQL's JIT compiler off ---
# Report queries over 100,000 organisations (the dashboard's GROUP BY) cross PostgreSQL's JIT
# cost threshold and spent about a second compiling a query that runs in 0.2 s; this app's
# queries are short, so JIT does not pay off. PG_JIT=1 leaves the server's setting.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool("PG_JIT"):
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    _db_options["options"] = f"{_db_options.get('options', '')} -c jit=off".strip()

# --- Cache (sessions, rate limits, worker heartbeat) -------------------------------------------

REDIS_URL = env_str("REDIS_URL")
# Redis down is a cache miss, not an error (ekommune/cache.py): after a failure the cache is
# not tried for CACHE_RETRY_SECONDS; a call waits at most CACHE_SOCKET_TIMEOUT seconds.
CACHE_RETRY_SECONDS = env_int("CACHE_RETRY_SECONDS", 5)
CACHE_SOCKET_TIMEOUT = env_int("CACHE_SOCKET_TIMEOUT", 1)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "ekommune.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "ekommune"),
            "OPTIONS": {
                "socket_connect_timeout": CACHE_SOCKET_TIMEOUT,
                "socket_timeout": CACHE_SOCKET_TIMEOUT,
            },
        }
    }
else:
    # File-based so that the web server and the worker processes share it.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Static files ------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap comes from PyPI (xstatic-bootstrap) and is served as our own static file.
    ("vendor/bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("PLAIN_STATIC_STORAGE")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Serve straight from the finders when there is no collectstatic output (make run, tests).
WHITENOISE_USE_FINDERS = DEBUG or env_bool("PLAIN_STATIC_STORAGE")
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# --- Forms -------------------------------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security ----------------------------------------------------------------------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies stand in front of the app (rate limits use the client address).
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 0)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# A failed CSRF check on a respondent form keeps what was typed and offers to save it again.
CSRF_FAILURE_VIEW = "surveys.answering.views.csrf.csrf_failure"
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 2 * 3600)
# A session's expiry is renewed by use, at most once per SESSION_RENEW_SECONDS (and at least
# ten times per session age): ekommune.middleware.SessionRenewalMiddleware. Renewing on every
# request (SESSION_SAVE_EVERY_REQUEST) cost each respondent save a second transaction.
SESSION_RENEW_SECONDS = env_int("SESSION_RENEW_SECONDS", 60)
# Sessions are read from the cache (Redis, or files in the embedded default) and written
# through to the database: a read on every page without a query. Revoking a link does not
# depend on it: every respondent request re-checks the link (surveys/answering/views.py).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Celery ------------------------------------------------------------------------------------

if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    # Embedded broker: kombu's filesystem transport under var/, so no Redis is needed.
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "results", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_broker_dir / "control"),
    }
    CELERY_RESULT_BACKEND = f"file://{_broker_dir / 'results'}"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged only after it ran, and re-delivered if its worker died: every task
# must therefore be idempotent (claim work with a conditional update).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 15 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 14 * 60)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The whole periodic schedule in one place.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "worker-heartbeat": {"task": "ekommune.heartbeat", "schedule": 30.0},
    # --- mailing and response rates ---
    # Decides which scheduled reminder rounds are due (idempotent: one round per schedule point).
    "reminders-queue-due": {"task": "surveys.reminders_queue_due", "schedule": 15 * 60.0},
    # Re-queues mail rows whose task was lost (broker restart) or whose worker died.
    "mail-sweep": {"task": "surveys.mail_sweep", "schedule": 5 * 60.0},
    # A response-rate snapshot per open wave whenever a submission changed the figures, and at
    # least hourly; "soon after each submission" without depending on the broker at submit time.
    "rate-snapshots": {"task": "surveys.rate_snapshots_take", "schedule": 2 * 60.0},
    # Export files may hold personal data: delete them after EXPORT_KEEP_DAYS (the log stays).
    "delete-old-export-files": {"task": "surveys.delete_old_export_files", "schedule": 3600.0},
    # Pseudonymises waves whose retention period has run out (each wave once).
    "retention-pseudonymise": {"task": "privacy.retention_pseudonymise_due", "schedule": 3600.0},
}
# How long after the last heartbeat /healthz still reports the worker as alive.
WORKER_HEARTBEAT_MAX_AGE = env_int("WORKER_HEARTBEAT_MAX_AGE", 120)

# --- E-mail ------------------------------------------------------------------------------------

EMAIL_URL = env_str("EMAIL_URL") or f"file://{VAR_DIR / 'mail'}"
globals().update(email_settings(EMAIL_URL))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "eKommune-undersøkelsen <ekommune@ks.no>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
SUPPORT_EMAIL = env_str("SUPPORT_EMAIL", "ekommune@ks.no")

# --- Logging -----------------------------------------------------------------------------------
# Request paths may carry invitation tokens (/i/<token>/): the filter masks them, and we never
# log e-mail addresses or answer text.

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "ekommune.logging.RedactSecretsFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- Results and exports -------------------------------------------------------------
# Export files are written here and served only through a staff view that checks permissions.
EXPORT_DIR = Path(env_str("EXPORT_DIR") or VAR_DIR / "exports")
# Exports estimated above this many rows run as a background job with a progress page.
EXPORT_SYNC_MAX_ROWS = env_int("EXPORT_SYNC_MAX_ROWS", 5000)
# The job stores its progress every this many rows.
EXPORT_PROGRESS_EVERY = env_int("EXPORT_PROGRESS_EVERY", 500)
# Export files are deleted after this many days (the log entry stays): they may hold
# personal data.
EXPORT_KEEP_DAYS = env_int("EXPORT_KEEP_DAYS", 7)
# --- Privacy ---
# Months after a wave closed before its contact data and per-person authorship are
# pseudonymised (privacy.tasks); a wave may have its own period (privacy.WaveRetention).
PRIVACY_RETENTION_MONTHS = env_int("PRIVACY_RETENTION_MONTHS", 24)
# --- Register and contacts uploads ---------------------------------------------------
# Uploaded register and contacts files wait here between their check and the import.
UPLOAD_DIR = Path(env_str("UPLOAD_DIR") or VAR_DIR / "uploads")
# Uploads larger than this (bytes, all files together) are checked and imported by the worker,
# with a progress page; smaller ones while the page loads.
UPLOAD_SYNC_MAX_BYTES = env_int("UPLOAD_SYNC_MAX_BYTES", 256 * 1024)
# Larger uploads are refused.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
# --- Mailing and staff login protection ----------------------------------------------

# A mail row still queued this long after its task was sent (lost task), or claimed by a worker
# this long ago (dead worker), is re-queued by the sweeper. Longer than the task time limit.
MAIL_SWEEP_QUEUED_AFTER = env_int("MAIL_SWEEP_QUEUED_AFTER", 10 * 60)
MAIL_SWEEP_SENDING_AFTER = env_int("MAIL_SWEEP_SENDING_AFTER", CELERY_TASK_TIME_LIMIT + 60)
# Transient SMTP failures are retried with exponential backoff up to this many attempts.
MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", 6)
MAIL_BATCH_SIZE = env_int("MAIL_BATCH_SIZE", 50)
# No organisation gets a reminder within this many days of its last one, whether the rounds are
# sent by hand or by the schedule (0 turns the rule off).
REMINDER_MIN_INTERVAL_DAYS = env_int("REMINDER_MIN_INTERVAL_DAYS", 3)
# How often the staff dashboard refreshes its headline figures (static/js/dashboard.js).
DASHBOARD_REFRESH_SECONDS = env_int("DASHBOARD_REFRESH_SECONDS", 30)
# --- benchmarks ---
# Rows per page of the dashboard's status list (organisations that have not submitted).
DASHBOARD_STATUS_PAGE_SIZE = env_int("DASHBOARD_STATUS_PAGE_SIZE", 500)
# Rows per page of the dashboard's table by county and of a results page's county breakdown
# (KS's 19 fylker fit on one page; national-scale registers have hundreds of counties).
DASHBOARD_COUNTY_PAGE_SIZE = env_int("DASHBOARD_COUNTY_PAGE_SIZE", 50)
RESULTS_COUNTY_PAGE_SIZE = env_int("RESULTS_COUNTY_PAGE_SIZE", 30)
# How many years back a results page compares a question with earlier waves.
RESULTS_COMPARISON_YEARS = env_int("RESULTS_COMPARISON_YEARS", 10)
# A wave's results are counted once per data version and kept this long in the cache.
RESULTS_CACHE_SECONDS = env_int("RESULTS_CACHE_SECONDS", 24 * 3600)
# Free-text answers: how many the report shows per question (with a link to all of them),
# and how many a question's results page shows per page (searchable).
RESULTS_TEXTS_SHOWN = env_int("RESULTS_TEXTS_SHOWN", 10)
RESULTS_TEXT_PAGE_SIZE = env_int("RESULTS_TEXT_PAGE_SIZE", 50)

# django-axes: failed staff logins lock out the combination of user name and client address, so
# guessing from one address cannot lock an administrator out everywhere. The address is the
# same one the rate limits use (X-Forwarded-For only from TRUSTED_PROXY_HOPS proxies).
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Does nothing unless OIDC_RP_CLIENT_ID is set (see "Staff sign-in" below).
    "accounts.oidc.StaffOIDCBackend",
]
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "staff/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "surveys.staff_login.axes_client_address"
# Keep command output clean: axes otherwise logs its version at every start-up.
AXES_VERBOSE = False

# --- Staff sign-in: OpenID Connect and two-factor authentication ---------------------------
# Single sign-on through the organisation's identity provider (Microsoft Entra ID, ID-porten,
# Feide, ...) with mozilla-django-oidc; off unless a client id is set. Endpoints come from the
# issuer's discovery document unless given one by one. Local passwords keep working.
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
OIDC_ISSUER = env_str("OIDC_ISSUER").rstrip("/")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_USERINFO_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_JWKS_ENDPOINT")
OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_SCOPES", "openid email profile")
OIDC_USE_PKCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
# The claim that names the staff user (its value becomes the user name), and the claim that
# lists the user's groups at the identity provider.
OIDC_USERNAME_CLAIM = env_str("OIDC_USERNAME_CLAIM", "email")
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups")
# Identity provider group -> our group (role): "idp-group=Analytiker;other=Lesetilgang".
OIDC_GROUP_MAP = env_str("OIDC_GROUP_MAP")
# The name on the login page's button: "Logg inn med <name>".
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "Microsoft Entra ID")
# Trust the provider's multi-factor authentication as the second factor (ID token `amr`
# contains "mfa"), so that people who sign on with MFA need no TOTP app as well.
OIDC_TRUST_IDP_MFA = env_bool("OIDC_TRUST_IDP_MFA", default=False)
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10)
OIDC_VERIFY_SSL = env_bool("OIDC_VERIFY_SSL", default=True)
LOGIN_REDIRECT_URL = "/admin/"
LOGIN_REDIRECT_URL_FAILURE = "/admin/login/?sso=feil"
LOGOUT_REDIRECT_URL = "/"
# Staff who hold one of these permissions, or any permission of these apps, must confirm a
# second factor (TOTP, django-otp) before any staff page: they may see personal data.
TWO_FACTOR_PERMISSIONS = env_list("TWO_FACTOR_PERMISSIONS", ["surveys.export_personal_data"])
TWO_FACTOR_APPS = env_list("TWO_FACTOR_APPS", ["privacy"])
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "eKommune-undersøkelsen")
