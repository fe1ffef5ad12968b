"""Studio settings: one module, read from the environment, with working defaults.

With nothing set, Studio runs embedded: SQLite, an in-process channel layer, turns on a
thread pool inside the server process, and the simulated provider as upstream. Setting
DATABASE_URL and REDIS_URL switches to PostgreSQL, Redis channels and Celery workers.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from studio.env import env_bool, env_int, env_json, env_list, env_str, local_encryption_key
from studio.secret_key import load_or_create_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("STUDIO_VAR_DIR", str(BASE_DIR / "var")))
# The embedded mode keeps its database and media here; it must exist before first use.
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# SECRET_KEY, or SECRET_KEY_FILE: a file holding the key, made with a random one if missing
# (`make run` keeps it in var/). A development run without either gets one in var/ too.
SECRET_KEY = env_str("SECRET_KEY")
SECRET_KEY_FILE = env_str("SECRET_KEY_FILE") or (str(VAR_DIR / "secret_key") if DEBUG else "")
if not SECRET_KEY:
    if not SECRET_KEY_FILE:
        raise ImproperlyConfigured(
            "Set SECRET_KEY, or SECRET_KEY_FILE to a file to keep a generated key in."
        )
    SECRET_KEY = load_or_create_secret_key(Path(SECRET_KEY_FILE))

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "axes",
    "studio",
    "accounts",
    "conversations",
    "teams",
    "galleries",
    "usage",
    "moderation",
    "providers",
    "favourites",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "studio.middleware.RefuseNulCharacters",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.LanguageCookieFromProfile",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it answers a locked-out log-in after the view ran.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "studio.urls"
ASGI_APPLICATION = "studio.asgi.application"

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
                "moderation.context_processors.account_notice",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Workers hold many streams on threads; a shared pool keeps PostgreSQL connections
        # bounded however many streams run, since each thread returns its connection
        # between events.
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 2,
            "max_size": env_int("DATABASE_POOL_SIZE", 20),
            "timeout": 30,
        }
        # A pooled connection the server dropped (a restart, a failover, an idle timeout)
        # is noticed and replaced when it is taken from the pool, not by the query after.
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # Turns write from background threads while requests read: wait for the lock
            # instead of failing, and let readers proceed beside one writer.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # A file, not Django's in-memory default: shared-cache memory databases lock
            # whole tables and ignore the busy timeout, unlike the real embedded database.
            # One per test process, so two test runs never share it.
            "TEST": {"NAME": VAR_DIR / f"test-db-{os.getpid()}.sqlite3"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channels, Celery, turn dispatch ------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    from redis.asyncio.retry import Retry
    from redis.backoff import ExponentialWithJitterBackoff

    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        # redis-py 8 reads with a 5 s socket timeout by default, the same 5 s
                        # channels_redis blocks in BZPOPMIN, so every websocket idle for 5 s
                        # died with "Timeout reading". Reads must outlast that block.
                        "socket_timeout": 15,
                        # Pooled connections are otherwise used once without retry: after a
                        # Redis restart each stale one failed its next command.
                        "retry": Retry(ExponentialWithJitterBackoff(base=0.1, cap=1.0), 3),
                    }
                ],
                "capacity": 1000,
                "expiry": 30,
            },
        }
    }
    TURN_DISPATCH = env_str("TURN_DISPATCH", "celery")
    # Shared by every process: the creation limits count here.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "studio",
        }
    }
else:
    # The in-memory layer is per process, so turns must run in the server process too.
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    TURN_DISPATCH = env_str("TURN_DISPATCH", "in_process")
TURN_THREADS = env_int("TURN_THREADS", 32)
# How often an open websocket renews its group membership and checks that it relayed
# everything the database holds (docs/websocket.md).
WEBSOCKET_RESYNC_SECONDS = env_int("WEBSOCKET_RESYNC_SECONDS", 20)

CELERY_BROKER_URL = REDIS_URL or "memory://"
if REDIS_URL:
    CELERY_BROKER_TRANSPORT = "studio.broker:Transport"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Longer than the longest turn (two minutes of generation plus retries), so Redis does not
# hand a running turn to a second worker; a dead worker's turn comes back after this.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 900),
}
CELERY_TASK_ROUTES = {"conversations.tasks.run_turn": {"queue": "streams"}}
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BEAT_SCHEDULE = {
    "sweep-stuck-turns": {"task": "conversations.tasks.sweep_stuck_turns", "schedule": 60.0},
    "refresh-provider-models": {
        "task": "providers.tasks.refresh_all_models",
        "schedule": float(env_int("PROVIDER_MODELS_REFRESH_SECONDS", 86_400)),
    },
}

# --- Turns --------------------------------------------------------------------------------
TURN_STUCK_AFTER_SECONDS = env_int("TURN_STUCK_AFTER_SECONDS", 600)
TURN_MAX_ATTEMPTS = env_int("TURN_MAX_ATTEMPTS", 3)
# A streaming turn whose heartbeat (refreshed every 5 s) is older than this lost its worker
# and may be claimed again; keep it well above the heartbeat interval.
# A streaming turn whose heartbeat is older than this has lost its worker.
TURN_LEASE_SECONDS = env_int("TURN_LEASE_SECONDS", 30)
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 25 * 1024 * 1024)
UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", 36_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024

# --- Upstream -----------------------------------------------------------------------------
OPENAI_API_KEY = env_str("OPENAI_API_KEY")
SIMULATOR_URL = env_str("SIMULATOR_URL", "http://127.0.0.1:8765/v1")
# Without a key the built-in simulated provider is the upstream.
OPENAI_BASE_URL = env_str("OPENAI_BASE_URL") or (
    "https://api.openai.com/v1" if OPENAI_API_KEY else SIMULATOR_URL
)
STUDIO_PROVIDER_PROFILE = env_str("STUDIO_PROVIDER_PROFILE", "openai")
STUDIO_TEXT_MODEL = env_str("STUDIO_TEXT_MODEL", "gpt-5")
# OpenAI shut down every older image model by 2026-12-01; gpt-image-2 is the current one.
STUDIO_IMAGE_MODEL = env_str("STUDIO_IMAGE_MODEL", "gpt-image-2")
UPSTREAM_MAX_RETRIES = env_int("UPSTREAM_MAX_RETRIES", 2)
# Fernet keys (comma-separated, newest first) that encrypt providers' API keys at rest.
# Unset: one is generated into var/ on first start, which suits one machine; processes on
# several machines must share one set.
STUDIO_ENCRYPTION_KEY = env_str("STUDIO_ENCRYPTION_KEY") or local_encryption_key(VAR_DIR)
# How often each provider's model list is fetched again (beat, or the embedded timer).
PROVIDER_MODELS_REFRESH_SECONDS = env_int("PROVIDER_MODELS_REFRESH_SECONDS", 86_400)
# The provider's moderation level for GPT image models; a team may choose its own.
STUDIO_MODERATION = env_str("STUDIO_MODERATION", "auto").strip().lower()
if STUDIO_MODERATION not in ("auto", "low"):
    raise ImproperlyConfigured(f"STUDIO_MODERATION must be auto or low; got {STUDIO_MODERATION!r}.")

# --- Usage, cost and limits ---------------------------------------------------------------
# USD per million tokens (text_input, text_output, image_input, image_output) and, for
# models billed per picture, USD per image by quality and size. OpenAI's list prices when
# written; STUDIO_PRICES_JSON replaces the entries of the models it names.
STUDIO_PRICES = {
    "gpt-image-1": {"text_input": 5, "image_input": 10, "image_output": 40},
    "gpt-image-1-mini": {"text_input": 2, "image_input": 2.5, "image_output": 8},
    "gpt-image-1.5": {"text_input": 5, "text_output": 10, "image_input": 8, "image_output": 32},
    "chatgpt-image-latest": {
        "text_input": 5,
        "text_output": 10,
        "image_input": 8,
        "image_output": 32,
    },
    "gpt-image-2": {"text_input": 5, "text_output": 10, "image_input": 8, "image_output": 32},
    "dall-e-2": {
        "per_image": {"standard": {"256x256": 0.016, "512x512": 0.018, "1024x1024": 0.02}}
    },
    "dall-e-3": {
        "per_image": {
            "standard": {"1024x1024": 0.04, "1792x1024": 0.08, "1024x1792": 0.08},
            "hd": {"1024x1024": 0.08, "1792x1024": 0.12, "1024x1792": 0.12},
        }
    },
    "gpt-5": {"text_input": 1.25, "text_output": 10},
    "gpt-5-mini": {"text_input": 0.25, "text_output": 2},
    "gpt-5-nano": {"text_input": 0.05, "text_output": 0.4},
    "gpt-4.1": {"text_input": 2, "text_output": 8},
    "gpt-4.1-mini": {"text_input": 0.4, "text_output": 1.6},
    "gpt-4.1-nano": {"text_input": 0.1, "text_output": 0.4},
    "gpt-4o": {"text_input": 2.5, "text_output": 10},
    "gpt-4o-mini": {"text_input": 0.15, "text_output": 0.6},
    "o3": {"text_input": 2, "text_output": 8},
}
STUDIO_PRICES.update(env_json("STUDIO_PRICES_JSON", {}))
# Queued and streaming turns at once; 0 means no limit.
STUDIO_MAX_RUNNING_TURNS_PER_USER = env_int("STUDIO_MAX_RUNNING_TURNS_PER_USER", 4)
STUDIO_MAX_RUNNING_TURNS_PER_TEAM = env_int("STUDIO_MAX_RUNNING_TURNS_PER_TEAM", 12)

# Creations per person per hour; past them the request is refused (429). 0: no limit.
STUDIO_CREATION_LIMITS = {
    "conversation": env_int("STUDIO_CONVERSATIONS_PER_HOUR", 300),
    "invitation": env_int("STUDIO_INVITATIONS_PER_HOUR", 100),
    # Team invitation links and galleries' public links.
    "link": env_int("STUDIO_LINKS_PER_HOUR", 100),
    "flag": env_int("STUDIO_FLAGS_PER_HOUR", 200),
}

# --- Auth ---------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Refuses a log-in while the account or the address is locked out, then the usual check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Wrong passwords are counted per account and per address, on the studio's log-in page and
# the admin's; past the limit both are locked for the cool-off, which each new attempt renews.
AXES_FAILURE_LIMIT = env_int("STUDIO_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("STUDIO_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "studio.lockout.locked_out_response"
# Failures are what matter; a row for every successful log-in is only churn.
AXES_DISABLE_ACCESS_LOG = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "conversations:studio"
LOGOUT_REDIRECT_URL = "login"

# --- Files --------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Private media is served through access-checked views only, never from a public path.
MEDIA_URL = None
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if env_str("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "default_acl": None,
            "querystring_auth": True,
            # Image files are private: an existing key is never overwritten or shared.
            "file_overwrite": False,
            # Presigned URLs carry their lifetime (X-Amz-Expires), as every region accepts.
            "signature_version": "s3v4",
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
        },
    }
# Media in S3 is answered with a redirect to a presigned URL that lives this long.
MEDIA_PRESIGNED_SECONDS = env_int("MEDIA_PRESIGNED_SECONDS", 120)

# --- Security -----------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
# Scripts and styles from this site only: no inline script or style attribute, so injected
# markup could neither run nor restyle a page. Images may also be data: (the favicon) and
# blob: (references and masks previewed before upload); sockets are 'self' (ws and wss).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"

# --- Languages (docs/i18n.md) -------------------------------------------------------------
# A first visit follows Accept-Language; the language menu sets the cookie and the profile.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文"), ("zh-hant", "繁體中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates, numbers and money per language: Django's formats, with Studio's own choices first.
FORMAT_MODULE_PATH = ["studio.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"httpx": {"level": "WARNING"}, "daphne": {"level": "WARNING"}},
}
